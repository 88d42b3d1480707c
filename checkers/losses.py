"""Losses ℒ(ŷ, y) over the output coordinates, with their partial derivative in ŷ (§2, §8).

A loss sees the network's outputs as a tuple aligned with ``network.outputs`` and the label
as a tuple; custom losses (such as the bit-extracting 0/1 loss of Lemma 3.2) may use
longer labels.  ``grad`` returns ∂ℒ/∂ŷ_t for every output coordinate t.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flint import fmpq

from checkers.errors import DataError

Vector = Sequence[fmpq]


@dataclass(frozen=True)
class Loss:
    """A loss with value and gradient in its first argument.

    ``grad`` may be ``None`` for losses that are not differentiable (0/1 losses); backprop
    then refuses them with a clear error.
    """

    name: str
    value: Callable[[Vector, Vector], fmpq]
    grad: Callable[[Vector, Vector], list[fmpq]] | None = None


def _same_length(name: str, u: Vector, y: Vector) -> None:
    if len(u) != len(y):
        raise DataError(f"{name} loss: {len(u)} outputs but a label of length {len(y)}")


def _square_value(u: Vector, y: Vector) -> fmpq:
    _same_length("square", u, y)
    return sum(((a - b) * (a - b) for a, b in zip(u, y, strict=True)), fmpq(0)) / 2


def _square_grad(u: Vector, y: Vector) -> list[fmpq]:
    _same_length("square", u, y)
    return [a - b for a, b in zip(u, y, strict=True)]


SQUARE = Loss("square", _square_value, _square_grad)
"""½ Σ_t (ŷ_t − y_t)² (Theorem 1.3, App. C); ∂/∂ŷ_t = ŷ_t − y_t."""


def _hinge_value(u: Vector, y: Vector) -> fmpq:
    _same_length("hinge", u, y)
    total = fmpq(0)
    for a, b in zip(u, y, strict=True):
        m = 1 - b * a
        if m > 0:
            total += m
    return total


def _hinge_grad(u: Vector, y: Vector) -> list[fmpq]:
    _same_length("hinge", u, y)
    return [-b if 1 - b * a > 0 else fmpq(0) for a, b in zip(u, y, strict=True)]


HINGE = Loss("hinge", _hinge_value, _hinge_grad)
"""Σ_t max{0, 1 − y_t ŷ_t} (Remark B.3); derivative −y_t where 1 − y_t ŷ_t > 0, else 0
(the convention at the kink is 0)."""

LOSSES: dict[str, Loss] = {"square": SQUARE, "hinge": HINGE}


def get_loss(name: str) -> Loss:
    """A built-in loss by name (``square`` or ``hinge``)."""
    try:
        return LOSSES[name]
    except KeyError:
        raise DataError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)}") from None
