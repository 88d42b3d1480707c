"""Exact gradient descent θ ← θ − η∇L(θ) with L = Σ_i ℒ(f_θ(x_i), y_i) (§2, Theorem E.1).

Every weight and every edge bias is updated; all arithmetic is exact, so the sizes of θ,
of the activations and of the gradients after k steps are measured, not estimated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flint import fmpq

from checkers.errors import BitBudgetExceeded, WhyReluError
from checkers.losses import Loss
from checkers.measure import max_size, measure_gradient
from checkers.network import Network, Sample
from checkers.rationals import fmt, size


def apply_gradient(net: Network, grad_w: Sequence[fmpq], grad_b: Sequence[fmpq],
                   eta: fmpq) -> Network:
    """θ − η·g for the gradient ``g = (grad_w, grad_b)`` (one entry per edge)."""
    return net.with_params([w - eta * d for w, d in zip(net.weights, grad_w, strict=True)],
                           [b - eta * d for b, d in zip(net.biases, grad_b, strict=True)])


def gd_step(net: Network, data: Sequence[Sample], loss: Loss, eta: fmpq, *,
            budget_bits: int | None = None) -> Network:
    """One exact step θ ← θ − η∇L(θ) (Theorem E.1)."""
    g = net.gradient(data, loss, budget_bits=budget_bits)
    return apply_gradient(net, g.grad_w, g.grad_b, eta)


def theta_bits(net: Network) -> int:
    """The largest size of a weight or bias."""
    return max((size(q) for q in (*net.weights, *net.biases)), default=0)


@dataclass(frozen=True)
class StepRecord:
    """Step k: the loss L(θ_k) exactly and the largest sizes (bits) of θ_k, of the
    pre-activations and values over the data, and of ∇L(θ_k)."""

    step: int
    loss: fmpq
    theta_bits: int
    activation_bits: int
    gradient_bits: int

    def to_json(self) -> dict[str, object]:
        return {"step": self.step, "loss": fmt(self.loss), "loss_float": float(self.loss),
                "theta_bits": self.theta_bits, "activation_bits": self.activation_bits,
                "gradient_bits": self.gradient_bits}


@dataclass(frozen=True)
class TrainingRun:
    """The trained network and one record per step (``records[k]`` describes θ_k; the last
    record describes the returned network)."""

    network: Network
    records: tuple[StepRecord, ...]

    def to_json(self) -> dict[str, object]:
        return {"steps": len(self.records) - 1,
                "records": [r.to_json() for r in self.records]}


def _record(k: int, net: Network, data: Sequence[Sample], loss: Loss,
            budget_bits: int | None) -> tuple[StepRecord, list[fmpq], list[fmpq]]:
    g = net.gradient(data, loss, budget_bits=budget_bits)
    act_bits = 0
    for s in data:
        tr = net.forward(s.x, budget_bits=budget_bits)
        act_bits = max(act_bits, max_size(tr.val), max_size(tr.pre))
    rec = StepRecord(k, g.loss, theta_bits(net), act_bits, measure_gradient(g).max_bits)
    return rec, list(g.grad_w), list(g.grad_b)


def train(net: Network, data: Sequence[Sample], loss: Loss, eta: fmpq, steps: int, *,
          budget_bits: int | None = None,
          progress: Callable[[StepRecord], None] | None = None) -> TrainingRun:
    """``steps`` exact gradient-descent steps from ``net`` (Theorem E.1 per step).

    ``budget_bits`` stops with :class:`~checkers.errors.BitBudgetExceeded` when a value
    (or a parameter) would exceed it; ``progress`` is called with each record."""
    if steps < 0:
        raise TrainingError(f"steps must be >= 0, got {steps}")
    if not data:
        raise TrainingError("training needs at least one sample")
    records: list[StepRecord] = []
    for k in range(steps + 1):
        rec, gw, gb = _record(k, net, data, loss, budget_bits)
        records.append(rec)
        if progress is not None:
            progress(rec)
        if k == steps:
            break
        net = apply_gradient(net, gw, gb, eta)
        if budget_bits is not None and theta_bits(net) > budget_bits:
            raise BitBudgetExceeded(f"parameters after step {k + 1}", theta_bits(net),
                                    budget_bits)
    return TrainingRun(net, tuple(records))


class TrainingError(WhyReluError, ValueError):
    """Bad training arguments (negative step count, no data, ...)."""
