"""Planted bugs for negative controls.

A negative control runs a claim's check on a deliberately broken construction and must be
refuted; the bugs shared by several controls live here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flint import fmpq

from checkers.activations import Activation
from checkers.network import Network


class WrongDerivative(Activation):
    """The activation's value is right but backprop multiplies by σ'(z) + 1 instead of σ'(z).

    (Multiplying by 1, "forgetting σ'", would be no bug at all for an activation with σ' = 1
    such as ``x`` or ``x + 1``; the factor σ'(z) + 1 is wrong for every activation.)
    """

    def __init__(self, inner: Activation) -> None:
        self.inner = inner
        self.name = f"wrong_derivative({inner.name})"
        self.traits = inner.traits

    def __call__(self, z: fmpq) -> fmpq:
        return self.inner(z)

    def derivative(self, z: fmpq) -> fmpq:
        return self.inner.derivative(z) + 1

    def describe(self) -> dict[str, Any]:
        return self.inner.describe()


def with_wrong_derivatives(
    net: Network, which: Callable[[str, Activation], bool] = lambda name, act: True
) -> Network:
    """``net`` with the chosen vertices' activations replaced by :class:`WrongDerivative`."""
    acts: dict[str, Activation | None] = {}
    for name in net.nodes:
        a = net.activation(name)
        acts[name] = a if a is None or not which(name, a) else WrongDerivative(a)
    return Network(acts, net.edge_list(), outputs=net.outputs, inputs=net.inputs)
