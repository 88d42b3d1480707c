"""Bit measurement of a whole forward/backward computation (§2 size, Theorem E.1).

Sizes are the paper's ``size(q) = bitlen(|num|) + bitlen(den)`` in lowest terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from flint import fmpq

from checkers.network import Backward, Gradient, Trace
from checkers.rationals import size


def max_size(values: Iterable[fmpq]) -> int:
    """The largest size among ``values`` (0 for none)."""
    return max((size(v) for v in values), default=0)


@dataclass(frozen=True)
class KindSizes:
    """Sizes (bits) per kind of quantity of one forward/backward computation: pre-activations
    z_v, values f^v, g_v = ∂L/∂f^v, δ_v = ∂L/∂z_v, and the gradient entries ∂L/∂w, ∂L/∂b.
    Used both for measured sizes and for proven bounds (Theorem E.1, Remark 1.5)."""

    pre: int
    value: int
    g: int
    delta: int
    grad_w: int
    grad_b: int

    @property
    def forward(self) -> int:
        return max(self.pre, self.value)

    @property
    def backward(self) -> int:
        return max(self.g, self.delta)

    @property
    def grad(self) -> int:
        return max(self.grad_w, self.grad_b)

    @property
    def total(self) -> int:
        return max(self.forward, self.backward, self.grad)


@dataclass
class BitReport:
    """Largest sizes met: per node (over every pass) and per kind of quantity."""

    pre_bits: int = 0
    value_bits: int = 0
    g_bits: int = 0
    delta_bits: int = 0
    grad_bits: int = 0
    per_node: dict[str, int] = field(default_factory=dict)

    @property
    def forward_bits(self) -> int:
        return max(self.pre_bits, self.value_bits)

    @property
    def backward_bits(self) -> int:
        return max(self.g_bits, self.delta_bits)

    @property
    def max_bits(self) -> int:
        """The largest size over the whole computation."""
        return max(self.forward_bits, self.backward_bits, self.grad_bits)


def measure_trace(trace: Trace, report: BitReport | None = None) -> BitReport:
    """Sizes of every pre-activation and value of one forward pass."""
    r = report if report is not None else BitReport()
    for name, z, f in zip(trace.network.nodes, trace.pre, trace.val, strict=True):
        s = max(size(z), size(f))
        r.pre_bits = max(r.pre_bits, size(z))
        r.value_bits = max(r.value_bits, size(f))
        if s > r.per_node.get(name, 0):
            r.per_node[name] = s
    return r


def measure_backward(
    names: Sequence[str], back: Backward, report: BitReport | None = None
) -> BitReport:
    """Sizes of every g_v = ∂L/∂f^v and δ_v = ∂L/∂z_v of one backward pass."""
    r = report if report is not None else BitReport()
    for name, g, d in zip(names, back.g, back.delta, strict=True):
        sg = size(g)
        sd = size(d) if d is not None else 0
        r.g_bits = max(r.g_bits, sg)
        r.delta_bits = max(r.delta_bits, sd)
        s = max(sg, sd)
        if s > r.per_node.get(name, 0):
            r.per_node[name] = s
    return r


def measure_gradient(grad: Gradient) -> BitReport:
    """Every size of a full :meth:`~checkers.network.Network.gradient` computation: all
    forward traces, all backward passes, and the summed gradient entries."""
    r = BitReport()
    for tr in grad.traces:
        measure_trace(tr, r)
    for tr, bw in zip(grad.traces, grad.backwards, strict=True):
        measure_backward(tr.network.nodes, bw, r)
    r.grad_bits = max(max_size(grad.grad_w), max_size(grad.grad_b))
    return r
