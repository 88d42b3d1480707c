"""Theorem E.2 and Theorem 1.4 (NP side): ERM_bit with piecewise-linear activations is in NP.

An :class:`ERMInstance` is ``I = (N, 𝒟, ℒ, γ)`` together with the constants ``C = (C₁, C₂)``
of the language ``ERM_bit(C)`` (§2).  :func:`verify` is the NP verifier: it accepts a
certificate θ iff ``|enc(θ)| <= C₁·|I|^C₂`` and ``L(θ) <= γ``, computing ``L(θ)`` exactly
while counting its own *bit cost* (the sizes of both operands of every arithmetic operation
and comparison, plus the bits of θ read).  Encoding lengths (``docs/piecewise-bounds.md``):

* ``|enc(q)| = 1 + size(q)`` for a rational (a sign bit, then numerator and denominator);
* an activation: 2 bits for its kind plus ``|enc|`` of its breakpoints, slopes and
  intercepts (piecewise linear), of its coefficients (polynomial), or of K, C and the base
  (φ_K); an input node costs 1 bit;
* ``|enc(N)| = Σ_v |enc(σ^v)| + (2|E| + |S| + |T|)·ι + bitlen|V| + bitlen|E| + 2`` with
  ``ι = bitlen|V|`` bits per node reference;
* ``|enc(𝒟)| = Σ_i (Σ_{v ∈ x_i} (ι + |enc(x_{i,v})|) + Σ_t |enc(y_{i,t})|) + bitlen(n) + 1``;
* ``|I| = |enc(N)| + |enc(𝒟)| + 1 (the loss's name) + |enc(γ)|``;
* ``|enc(θ)| = Σ_e (|enc(w_e)| + |enc(b_e)|)``.

Exact gradient steps (Theorem 1.4) live in :mod:`spec.theorem_e2.gradient_steps`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flint import fmpq, fmpz
from hypothesis import strategies as st

from checkers.activations import (
    Activation,
    BitBounded,
    Identity,
    PiecewiseLinear,
    Polynomial,
)
from checkers.errors import DataError, NetworkError
from checkers.losses import LOSSES, SQUARE, Loss
from checkers.network import Edge, Network, Sample
from checkers.rationals import RationalLike, fmt, size, to_q
from checkers.reference import RefNetwork, loss_functions, ref_samples, ref_size
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    PIECEWISE_LINEAR,
    Evidence,
    as_fraction,
    check,
    check_eq,
    check_le,
    claim,
    claim_for,
    refuted_on,
    regime,
)
from spec.piecewise import (
    DagInstance,
    LayeredSpec,
    bits_for,
    chain_network,
    layer_depths,
    layered_specs,
    profile_of_network,
    show_dag,
    size_bound,
)
from strategies import dag_networks, rationals, samples_for

CLAIM_NAMESPACE = "np_membership"
"""Claim ids stay ``np_membership.*`` (the module this code came from)."""

__all__ = [
    "COST_CONSTANT",
    "COST_EXPONENT",
    "CostExceeded",
    "ERMInstance",
    "Theta",
    "Verdict",
    "cost_bound",
    "enc_activation",
    "enc_data",
    "enc_network",
    "enc_rational",
    "fitted_exponent",
    "log2_lower",
    "total_length",
    "verify",
]


# --------------------------------------------------------------------------- encodings


def enc_rational(q: fmpq) -> int:
    """``|enc(q)| = 1 + size(q)``: a sign bit, then numerator and denominator (§2 size)."""
    return 1 + size(q)


def enc_activation(act: Activation | None) -> int:
    """Encoding length of a node's activation (1 for an input node)."""
    if act is None:
        return 1
    if isinstance(act, Identity):
        return 2
    if isinstance(act, PiecewiseLinear):
        return 2 + sum(enc_rational(t) for t in act.breakpoints) + sum(
            enc_rational(s) + enc_rational(c) for s, c in act.pieces)
    if isinstance(act, Polynomial):
        return 2 + sum(enc_rational(c) for c in act.coeffs)
    if isinstance(act, BitBounded):
        return (2 + int(fmpz(act.k).bit_length()) + 1 + enc_rational(act.clip)
                + enc_activation(act.base))
    raise NetworkError(f"no encoding defined for activation {act.name}")


def enc_network(net: Network) -> int:
    """``|enc(N)|`` (module doc)."""
    iota = int(fmpz(len(net.nodes)).bit_length())
    return (sum(enc_activation(a) for a in net.arch.acts)
            + (2 * len(net.edges) + len(net.inputs) + len(net.outputs)) * iota
            + iota + int(fmpz(len(net.edges)).bit_length()) + 2)


def enc_data(net: Network, data: Sequence[Sample]) -> int:
    """``|enc(𝒟)|`` (module doc)."""
    iota = int(fmpz(len(net.nodes)).bit_length())
    total = int(fmpz(len(data)).bit_length()) + 1
    for s in data:
        total += sum(iota + enc_rational(v) for v in s.x.values())
        total += sum(enc_rational(v) for v in s.y)
    return total


@dataclass(frozen=True)
class Theta:
    """A certificate θ = (w_e, b_e)_{e∈E}, aligned with the network's edges."""

    weights: tuple[fmpq, ...]
    biases: tuple[fmpq, ...]

    @staticmethod
    def of(weights: Sequence[RationalLike], biases: Sequence[RationalLike]) -> Theta:
        return Theta(tuple(to_q(w) for w in weights), tuple(to_q(b) for b in biases))

    @staticmethod
    def from_network(net: Network) -> Theta:
        return Theta(net.weights, net.biases)

    def enc_bits(self) -> int:
        """``|enc(θ)| = Σ_e (|enc(w_e)| + |enc(b_e)|)``."""
        return sum(enc_rational(q) for q in (*self.weights, *self.biases))


@dataclass(frozen=True)
class ERMInstance:
    """``I = (N, 𝒟, ℒ, γ)`` of ``ERM_bit(C)``, ``C = (c1, c2)`` (§2).  The parameters stored
    in ``network`` are ignored: only its architecture is part of the instance."""

    network: Network
    data: tuple[Sample, ...]
    loss: Loss
    gamma: fmpq
    c1: int
    c2: int

    def __post_init__(self) -> None:
        for name, c in (("C1", self.c1), ("C2", self.c2)):
            if isinstance(c, bool) or not isinstance(c, int) or c < 0:
                raise DataError(f"ERM_bit: {name} must be an integer >= 0, got {c!r}")
        if LOSSES.get(self.loss.name) is not self.loss:
            raise DataError(f"ERM_bit: unknown loss {self.loss.name!r}; use square or hinge")
        if not isinstance(self.gamma, fmpq):
            raise DataError("ERM_bit: gamma must be an exact rational (fmpq)")
        for i, s in enumerate(self.data):
            if len(s.y) != len(self.network.outputs):
                raise DataError(f"ERM_bit: sample {i} has {len(s.y)} labels for "
                                f"{len(self.network.outputs)} outputs")
            for v in s.x:
                if v not in self.network.arch.index:
                    raise DataError(f"ERM_bit: sample {i} injects at unknown node {v!r}")

    @property
    def size(self) -> int:
        """``|I|`` (module doc)."""
        return (enc_network(self.network) + enc_data(self.network, self.data) + 1
                + enc_rational(self.gamma))

    @property
    def budget(self) -> int:
        """``C₁·|I|^C₂``: the largest admissible ``|enc(θ)|``."""
        return int(self.c1 * self.size**self.c2)


@dataclass(frozen=True)
class Verdict:
    """The verifier's answer, with what it computed and what it cost."""

    accepted: bool
    reason: str
    enc_bits: int
    budget: int
    loss: fmpq | None
    cost: int
    ops: int


class CostExceeded(Exception):
    """Raised by a metered evaluation whose bit cost passes its limit."""

    def __init__(self, cost: int, limit: int) -> None:
        self.cost, self.limit = cost, limit
        super().__init__(f"bit cost {cost} > limit {limit}")


class _Meter:
    """Exact arithmetic that charges ``size(a) + size(b)`` bits per operation (and stops
    with :class:`CostExceeded` beyond ``limit``)."""

    def __init__(self, limit: int | None = None) -> None:
        self.cost = 0
        self.ops = 0
        self.limit = limit

    def _charge(self, a: fmpq, b: fmpq) -> None:
        self.cost += size(a) + size(b)
        self.ops += 1
        if self.limit is not None and self.cost > self.limit:
            raise CostExceeded(self.cost, self.limit)

    def add(self, a: fmpq, b: fmpq) -> fmpq:
        self._charge(a, b)
        return a + b

    def sub(self, a: fmpq, b: fmpq) -> fmpq:
        self._charge(a, b)
        return a - b

    def mul(self, a: fmpq, b: fmpq) -> fmpq:
        self._charge(a, b)
        return a * b

    def lt(self, a: fmpq, b: fmpq) -> bool:
        self._charge(a, b)
        return a < b

    def le(self, a: fmpq, b: fmpq) -> bool:
        self._charge(a, b)
        return a <= b

    def activation(self, act: Activation, z: fmpq) -> fmpq:
        if isinstance(act, Identity):
            return z
        if isinstance(act, PiecewiseLinear):
            lo, hi = 0, len(act.breakpoints)  # piece i on (t_i, t_{i+1}]
            while lo < hi:
                mid = (lo + hi) // 2
                if self.lt(act.breakpoints[mid], z):
                    lo = mid + 1
                else:
                    hi = mid
            s, c = act.pieces[lo]
            return self.add(self.mul(s, z), c)
        if isinstance(act, Polynomial):
            acc = act.coeffs[-1]
            for c in reversed(act.coeffs[:-1]):
                acc = self.add(self.mul(acc, z), c)
            return acc
        if isinstance(act, BitBounded):
            y = self.activation(act.base, z)
            self.cost += size(y) + act.k
            self.ops += 1
            v = act.round(y)
            cap = act.round(act.clip)
            if self.lt(cap, v):
                return cap
            if self.lt(v, -cap):
                return -cap
            return v
        raise NetworkError(f"the verifier cannot evaluate activation {act.name}")


def _check_theta(inst: ERMInstance, theta: Theta) -> None:
    m = len(inst.network.edges)
    if len(theta.weights) != m or len(theta.biases) != m:
        raise NetworkError(f"certificate has {len(theta.weights)} weights and "
                           f"{len(theta.biases)} biases for {m} edges")


def _verify(inst: ERMInstance, theta: Theta, accept: Callable[[_Meter, fmpq, fmpq], bool],
            cost_limit: int | None = None, meter_class: type[_Meter] | None = None) -> Verdict:
    _check_theta(inst, theta)
    meter = (meter_class or _Meter)(cost_limit)
    enc = theta.enc_bits()
    meter.cost += enc  # reading θ
    budget = inst.budget
    if enc > budget:
        return Verdict(False, "encoding exceeds the budget", enc, budget, None, meter.cost,
                       meter.ops)
    a = inst.network.arch
    total = fmpq(0)
    for sample in inst.data:
        val = [fmpq(0)] * len(a.nodes)
        for v in a.order:
            z = sample.x.get(a.nodes[v], fmpq(0))
            act = a.acts[v]
            if act is None:
                val[v] = z
                continue
            for e in a.in_edges[v]:
                z = meter.add(z, meter.mul(theta.weights[e], val[a.src[e]]))
                z = meter.add(z, theta.biases[e])
            val[v] = meter.activation(act, z)
        out = [val[i] for i in a.output_idx]
        total = meter.add(total, _metered_loss(meter, inst.loss, out, sample.y))
    ok = accept(meter, total, inst.gamma)
    return Verdict(ok, "accepted" if ok else "loss above gamma", enc, budget, total,
                   meter.cost, meter.ops)


def _metered_loss(meter: _Meter, loss: Loss, out: Sequence[fmpq],
                  y: Sequence[fmpq]) -> fmpq:
    acc = fmpq(0)
    if loss.name == "square":
        for u, t in zip(out, y, strict=True):
            d = meter.sub(u, t)
            acc = meter.add(acc, meter.mul(d, d))
        return meter.mul(acc, fmpq(1, 2))
    for u, t in zip(out, y, strict=True):  # hinge
        m = meter.sub(fmpq(1), meter.mul(t, u))
        if meter.lt(fmpq(0), m):
            acc = meter.add(acc, m)
    return acc


def verify(inst: ERMInstance, theta: Theta, *, cost_limit: int | None = None) -> Verdict:
    """The NP verifier of Theorem E.2: accept iff ``|enc(θ)| <= C₁|I|^C₂`` (checked first,
    so an oversized θ is never evaluated) and ``L(θ) <= γ`` (exact).  With ``cost_limit``
    it stops with :class:`CostExceeded` once its bit cost passes the limit (a clock)."""
    return _verify(inst, theta, lambda m, total, gamma: m.le(total, gamma), cost_limit)


# --------------------------------------------------------------------------- cost bound


def _ops_per_sample(net: Network) -> int:
    a = net.arch
    ops = 0
    for v, act in enumerate(a.acts):
        if act is None:
            continue
        ops += 3 * len(a.in_edges[v]) + _activation_ops(act)
    return ops + 4 * len(net.outputs) + 2


def _activation_ops(act: Activation) -> int:
    if isinstance(act, Identity):
        return 0
    if isinstance(act, PiecewiseLinear):
        return int(fmpz(len(act.breakpoints)).bit_length()) + 2
    if isinstance(act, Polynomial):
        return 2 * act.degree
    if isinstance(act, BitBounded):
        return _activation_ops(act.base) + 3
    raise NetworkError(f"no operation count for activation {act.name}")


def cost_bound(inst: ERMInstance, theta: Theta) -> int:
    """An upper bound on :func:`verify`'s bit cost from the Theorem E.1 size bound: at most
    ``|enc θ| + 2·U·(n·ops + 1)`` with ``ops`` the operations per sample and ``U`` a bound on
    every operand (``docs/piecewise-bounds.md``)."""
    enc = theta.enc_bits()
    if enc > inst.budget:
        return enc
    net = inst.network.with_params(theta.weights, theta.biases)
    a = net.arch
    prof = profile_of_network(net, inst.data, inst.loss)
    # partial sums inside z_v add the in-edge biases one by one: use Σ_u |b_uv|
    abs_bias = [fmpq(0)] * len(a.nodes)
    for e, bias in enumerate(theta.biases):
        abs_bias[a.dst[e]] += abs(bias)
    prof = dataclasses.replace(prof, bias_mass=max(abs_bias, default=fmpq(0)))
    b = size_bound(prof)
    L = prof.depth
    q_out = prof.param_den**L * prof.data_den * prof.slope_den**L
    g0 = b.Gamma[0]
    n_out = len(net.outputs)
    loss_mag = prof.samples * n_out * max(g0 * g0, 1 + prof.y_max * b.M[L])
    loss_bits = bits_for(loss_mag, 2 * prof.data_den * q_out * q_out)
    consts = [size(q) for q in (*theta.weights, *theta.biases)]
    for act in {x for x in a.acts if x is not None}:
        if isinstance(act, PiecewiseLinear):
            consts += [size(t) for t in act.breakpoints]
            consts += [size(q) for p in act.pieces for q in p]
        elif isinstance(act, Polynomial):
            consts += [size(c) for c in act.coeffs]
    consts += [size(inst.gamma), size(fmpq(1, 2)), size(fmpq(1))]
    consts += [size(v) for s in inst.data for v in (*s.x.values(), *s.y)]
    u = max([b.forward, b.g, 2 * b.g, loss_bits, *consts])
    return int(enc + 2 * u * (prof.samples * _ops_per_sample(net) + 1))


def total_length(inst: ERMInstance, theta: Theta) -> int:
    """N = |I| + |enc(θ)|: the paper's total input length (§9 conventions)."""
    return inst.size + theta.enc_bits()


# --------------------------------------------------------------------------- instances


@dataclass(frozen=True)
class ERMCase:
    """A drawn ERM_bit instance with a certificate; ``gamma_mode`` says how γ relates to
    the certificate's true loss (set by the check from the reference engine)."""

    dag: DagInstance
    gamma_mode: str
    gamma_offset: fmpq
    c1: int
    c2: int


def show_case(case: ERMCase) -> str:
    return (f"# gamma: {case.gamma_mode} (offset {fmt(case.gamma_offset)}), C = "
            f"({case.c1}, {case.c2}); θ = the network's parameters\n" + show_dag(case.dag))


def _dags(act: Activation) -> st.SearchStrategy[DagInstance]:
    nets = dag_networks(act, max_hidden=5, weight_bits=5)
    return nets.flatmap(lambda net: st.builds(
        lambda data, loss: DagInstance(net, tuple(data), loss),
        samples_for(net, max_samples=3, bits=5), st.sampled_from(list(LOSSES.values()))))


def _erm_cases(act: Activation) -> st.SearchStrategy[ERMCase]:
    return st.builds(ERMCase, _dags(act), st.sampled_from(["equal", "below", "above", "free"]),
                     rationals(4, den_bits=3), st.integers(0, 3), st.integers(0, 2))


def _boundary_cases(act: Activation) -> st.SearchStrategy[ERMCase]:
    """γ equal to the exact loss and a budget of 3|I|², so every θ is within budget: the
    boundary case L(θ) = γ that separates ``<=`` from ``<``."""
    return st.builds(ERMCase, _dags(act), st.just("equal"), st.just(fmpq(0)), st.just(3),
                     st.just(2))


def _reference_loss(net: Network, data: Sequence[Sample], loss: Loss) -> Fraction:
    ref = RefNetwork(net)
    value, _ = loss_functions(loss.name)
    total = Fraction(0)
    for x, y in ref_samples(data):
        vals = ref.forward(x)
        total += value([vals[t] for t in ref.outputs], list(y))
    return total




def _gamma(case: ERMCase, ref_loss: Fraction) -> fmpq:
    base = fmpq(ref_loss.numerator, ref_loss.denominator)
    off = abs(case.gamma_offset) + fmpq(1, 7)
    return {"equal": base, "below": base - off, "above": base + off,
            "free": case.gamma_offset}[case.gamma_mode]


def _paper_size(net: Network, data: Sequence[Sample], gamma: Fraction) -> tuple[int, int]:
    """``(|I|, |enc θ|)`` written out from the module doc's formulas, independently of
    :func:`enc_network` and friends: Fractions, ``ref_size``, the activations' plain-data
    descriptions and the edge list."""
    def enc(q: Fraction | str) -> int:
        return 1 + ref_size(Fraction(q))

    def enc_act(d: dict[str, Any] | None) -> int:
        if d is None:
            return 1
        kind = d["kind"]
        if kind == "identity":
            return 2
        if kind == "piecewise_linear":
            return 2 + sum(enc(str(t)) for key in ("breakpoints", "slopes", "intercepts")
                           for t in d[key])
        if kind == "polynomial":
            return 2 + sum(enc(str(c)) for c in d["coefficients"])
        if kind == "bit_bounded":
            k = int(str(d["k"]))
            return 2 + k.bit_length() + 1 + enc(str(d["clip"])) + enc_act(d["base"])
        raise AssertionError(f"no encoding for {kind}")

    nodes, edges = list(net.nodes), net.edge_list()
    iota = len(nodes).bit_length()
    acts = [net.activation(v) for v in nodes]
    enc_n = (sum(enc_act(None if a is None else a.describe()) for a in acts)
             + (2 * len(edges) + len(net.inputs) + len(net.outputs)) * iota
             + iota + len(edges).bit_length() + 2)
    enc_d = len(data).bit_length() + 1 + sum(
        sum(iota + enc(as_fraction(v)) for v in s.x.values()) + sum(enc(as_fraction(t))
                                                                    for t in s.y)
        for s in data)
    theta = sum(enc(as_fraction(e.weight)) + enc(as_fraction(e.bias)) for e in edges)
    return enc_n + enc_d + 1 + enc(gamma), theta


def _check_against_reference(case: ERMCase,
                             run: Callable[[ERMInstance, Theta], Verdict]) -> Evidence:
    """Runs the verifier ``run`` and compares it with what is computed independently of it:
    the loss by the Fraction reference engine, ``|I|`` and ``|enc θ|`` by the module doc's
    formulas written out (:func:`_paper_size`), hence the budget ``C₁|I|^C₂``."""
    d = case.dag
    ref_loss = _reference_loss(d.net, d.data, d.loss)
    gamma = _gamma(case, ref_loss)
    inst = ERMInstance(d.net, d.data, d.loss, gamma, case.c1, case.c2)
    theta = Theta.from_network(d.net)
    size_i, enc_theta = _paper_size(d.net, d.data, as_fraction(gamma))
    budget = case.c1 * size_i**case.c2
    verdict = run(inst, theta)
    check_eq(verdict.enc_bits, enc_theta, "|enc θ|: verifier vs the formula written out")
    check_eq(verdict.budget, budget, "budget C1·|I|^C2: verifier vs the formula written out",
             size_I=size_i, c1=case.c1, c2=case.c2)
    within = enc_theta <= budget
    expected = within and ref_loss <= as_fraction(gamma)
    if within:
        check(verdict.loss is not None, "the verifier skipped the evaluation")
        assert verdict.loss is not None
        check_eq(as_fraction(verdict.loss), ref_loss, "L(θ): verifier vs Fraction reference")
    else:
        check(verdict.loss is None, "the verifier evaluated an oversized certificate")
    if within and ref_loss == as_fraction(gamma):
        regime("L(θ) = γ exactly")
    if not within:
        regime("|enc θ| above the budget")
    check_eq(verdict.accepted, expected, "accept iff |enc θ| <= budget and L(θ) <= γ",
             enc_bits=enc_theta, budget=budget, loss=ref_loss, gamma=gamma)
    return Evidence.of(size_I=size_i, enc_bits=enc_theta, accepted=int(expected))


@claim_for(
    "Theorem E.2",
    "The ERM_bit verifier accepts θ iff |enc θ| <= C₁|I|^C₂ and L(θ) <= γ, with L(θ) equal "
    "to the Fraction reference engine's and |I|, |enc θ| equal to the formulas written out",
    covers=PIECEWISE_LINEAR, instances=_erm_cases, examples=40, show=show_case,
    tags=("identity",), regimes=("L(θ) = γ exactly", "|enc θ| above the budget"),
)
def verifier_matches_reference(act: Activation, case: ERMCase) -> Evidence:
    """The public :func:`verify`.  γ is the exact loss, slightly below or above it, or
    arbitrary; C₂ = 0 gives budgets below |enc θ| (rejected unevaluated)."""
    return _check_against_reference(case, lambda inst, theta: verify(inst, theta))


@claim_for(
    "Theorem E.2",
    "Negative control: a verifier testing L(θ) < γ instead of L(θ) <= γ disagrees with the "
    "definition",
    covers=PIECEWISE_LINEAR, instances=_boundary_cases, examples=10, show=show_case,
    expect="counterexample", control_of="np_membership.verifier_matches_reference",
)
def strict_verifier_refuted(act: Activation, case: ERMCase) -> Evidence:
    """Refuted by a certificate whose loss equals γ exactly, on the acceptance sub-check
    (any other failure is a crash, not the refutation this control expects)."""
    with refuted_on("accept iff"):
        return _check_against_reference(case, lambda inst, theta: _verify(
            inst, theta, lambda m, total, gamma: m.lt(total, gamma)))


# --------------------------------------------------------------------------- cost


@dataclass(frozen=True)
class CostCase:
    """A certificate within budget: a DAG (or the DAG form of a layered network)."""

    dag: DagInstance


def _cost_cases(act: Activation) -> st.SearchStrategy[CostCase]:
    small = dag_networks(act, max_hidden=10, weight_bits=6).flatmap(
        lambda net: st.builds(lambda data, loss: DagInstance(net, tuple(data), loss),
                              samples_for(net, max_samples=3, bits=6),
                              st.sampled_from(list(LOSSES.values()))))
    layered = layered_specs(max_hidden=8, max_width=8).map(lambda s: s.as_dag(act))
    return st.one_of(small, layered).map(CostCase)


def _cost_check(dag: DagInstance) -> Evidence:
    theta = Theta.from_network(dag.net)
    inst = ERMInstance(dag.net, dag.data, dag.loss, fmpq(0), 1, 1)
    inst = dataclasses.replace(inst, c1=max(1, -(-theta.enc_bits() // inst.size)))
    bound = cost_bound(inst, theta)
    n_len = total_length(inst, theta)
    try:
        verdict = verify(inst, theta, cost_limit=bound)
    except CostExceeded as e:
        check(False, "verifier bit cost exceeds the Theorem E.1 cost bound (stopped)",
              cost=e.cost, bound=bound, size_I=inst.size, enc_theta=theta.enc_bits())
        raise  # pragma: no cover (check raised)
    poly = COST_CONSTANT * n_len**COST_EXPONENT
    check_le(bound, poly, f"cost bound exceeds {COST_CONSTANT}·N^{COST_EXPONENT}", N=n_len)
    # two-sided: reading θ, then every weight and every bias is an operand once per sample
    floor = theta.enc_bits() + len(dag.data) * sum(
        ref_size(as_fraction(q)) for q in (*theta.weights, *theta.biases))
    check_le(floor, verdict.cost, "verifier bit cost below the operands it must read",
             cost=verdict.cost)
    ev = Evidence.of(N=n_len, cost=verdict.cost, ops=verdict.ops)
    if layer_depths(dag.net) and max(layer_depths(dag.net)) >= 2:
        ev.bound("cost_bits", verdict.cost, bound)
    return ev


COST_CONSTANT = 1200
COST_EXPONENT = 5
"""The verifier's cost is at most ``1200·N^5`` for N = |I| + |enc θ| >= 1 (proof in
``docs/piecewise-bounds.md``); measured growth is far smaller (``verifier_cost_exponent``)."""


@claim_for(
    "Theorem E.2",
    "The verifier's bit cost is at most the explicit bound |enc θ| + 2U(n·ops + 1) "
    "(U from Theorem E.1), itself at most 1200·N^5 with N = |I| + |enc θ|",
    covers=PIECEWISE_LINEAR, instances=_cost_cases, examples=50,
    show=lambda c: show_dag(c.dag),
)
def verifier_cost_polynomial(act: Activation, case: CostCase) -> Evidence:
    """Random DAGs and layered networks (depth up to 9, width up to 8)."""
    return _cost_check(case.dag)


HAND_COUNTED_COST = (
    5  # reading θ: |enc 1| + |enc 0| = 3 + 2
    + 4 + 3 + 3  # z_v: mul(w=1, x=1), add(0, 1), add(1, b=0)
    + 3 + 4 + 3  # relu(1): lt(t=0, 1) in the binary search, then mul(1, 1), add(1, 0)
    + 3 + 4 + 3 + 5  # ½(u − y)²: sub(1, 0), mul(1, 1), add(0, 1), mul(1, 1/2)
    + 4  # the total: add(0, 1/2)
    + 5  # the test L <= γ: le(1/2, 1)
)
"""The verifier's bit cost on the instance of :func:`verifier_cost_hand_counted`, counted by
hand (size(0) = 1, size(1) = 2, size(1/2) = 3; an operation costs the sizes of both
operands): 49 bits in 12 operations."""


@claim(
    "Theorem E.2",
    "The verifier's bit-cost meter on a hand-counted instance (x → relu node, w = 1, b = 0, "
    "one sample x = 1, y = 0, square loss, γ = 1): 49 bits in 12 operations",
    instances=st.just(None), examples=1,
)
def verifier_cost_hand_counted(_: None) -> Evidence:
    """An under- or over-counting meter is refuted here, whatever the upper bounds say."""
    return _hand_counted(None)


class _OneOperandMeter(_Meter):
    """A meter that charges the size of the first operand only (the control's bug)."""

    def _charge(self, a: fmpq, b: fmpq) -> None:
        self.cost += size(a)
        self.ops += 1


@claim(
    "Theorem E.2",
    "Negative control: a meter charging one operand per operation misses the hand count",
    instances=st.just(None), examples=1, expect="counterexample",
    control_of="np_membership.verifier_cost_hand_counted",
)
def one_operand_meter_refuted(_: None) -> Evidence:
    with refuted_on("bit cost vs the hand count"):
        return _hand_counted(_OneOperandMeter)


def _hand_counted(meter_class: type[_Meter] | None) -> Evidence:
    from checkers.activations import ReLU

    net = Network({"x": None, "v": ReLU()}, [Edge.of("x", "v", 1, 0)], outputs=["v"])
    inst = ERMInstance(net, (Sample({"x": fmpq(1)}, (fmpq(0),)),), SQUARE, fmpq(1), 1, 1)
    v = _verify(inst, Theta.from_network(net), lambda m, total, gamma: m.le(total, gamma),
                None, meter_class) if meter_class else verify(inst, Theta.from_network(net))
    check_eq(v.accepted, True, "accepted (L = 1/2 <= 1)")
    check_eq(v.cost, HAND_COUNTED_COST, "bit cost vs the hand count")
    check_eq(v.ops, 12, "operations vs the hand count")
    return Evidence.of(cost=v.cost)


def _x2_chains(act: Activation) -> st.SearchStrategy[CostCase]:
    small = rationals(4, den_bits=2)

    def build(d: int, w: fmpq, b: fmpq, x: fmpq) -> CostCase:
        net = chain_network(act, [w] * d, [b] * d)
        return CostCase(DagInstance(net, (Sample({"x": x}, (fmpq(0),)),), SQUARE))

    return st.builds(build, st.integers(1, 12), rationals(4, den_bits=2, nonzero=True),
                     small, small)


@claim_for(
    "Theorem E.2",
    "Dichotomy: for polynomial σ of degree >= 2 the same verifier's cost leaves the same "
    "bound (σ's coefficients in place of slopes and intercepts)",
    covers=NONLINEAR_POLYNOMIAL, instances=_x2_chains, examples=40,
    show=lambda c: show_dag(c.dag), expect="counterexample",
    control_of="np_membership.verifier_cost_polynomial", shrink_calls=60,
)
def verifier_cost_polynomial_refuted(act: Activation, case: CostCase) -> Evidence:
    """σ-chains: the values reach μ^d bits, the bound stays polynomial."""
    with refuted_on("verifier bit cost exceeds", "cost bound exceeds"):
        return _cost_check(case.dag)


def log2_lower(x: int, precision: int = 64) -> Fraction:
    """A rational within ``1/precision`` below ``log₂ x`` (x >= 1), from integers only:
    ``(bitlen(x^precision) - 1) / precision``."""
    return Fraction(int(fmpz(x) ** precision).bit_length() - 1, precision)


def fitted_exponent(points: Sequence[tuple[int, int]]) -> Fraction:
    """Least-squares slope of ``log₂ cost`` against ``log₂ size`` over the points, with the
    logarithms replaced by the exact rationals of :func:`log2_lower`."""
    xs = [log2_lower(a) for a, _ in points]
    ys = [log2_lower(b) for _, b in points]
    n = len(points)
    mx, my = sum(xs, Fraction(0)) / n, sum(ys, Fraction(0)) / n
    sxx = sum(((x - mx) ** 2 for x in xs), Fraction(0))
    sxy = sum(((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)), Fraction(0))
    return sxy / sxx


@dataclass(frozen=True)
class Sweep:
    """Layered instances of growing depth and width from one seed."""

    seed: int
    bits: int
    scales: tuple[int, ...] = (1, 2, 3, 4, 6, 8)


@claim_for(
    "Theorem E.2",
    "Fitted exponent: on layered instances of growing depth and width (scale s: s hidden "
    "layers of width s), log₂(cost) against log₂ N has least-squares slope at most 5",
    covers=PIECEWISE_LINEAR,
    instances=lambda act: st.builds(Sweep, st.integers(0, 2**32 - 1), st.integers(2, 8)),
    examples=6,
)
def verifier_cost_exponent(act: Activation, sweep: Sweep) -> Evidence:
    """Each example is a sweep; the slope is reported as ``fitted_exponent``."""
    points = []
    for s in sweep.scales:
        spec = LayeredSpec(hidden=s, width=s, bits=sweep.bits, samples=2, seed=sweep.seed)
        dag = spec.as_dag(act)
        theta = Theta.from_network(dag.net)
        inst = ERMInstance(dag.net, dag.data, dag.loss, fmpq(0), 1, 2)
        points.append((total_length(inst, theta), verify(inst, theta).cost))
    e = fitted_exponent(points)
    check_le(e, COST_EXPONENT, "fitted exponent above the proven one", points=points)
    shown = Fraction(math.floor(e * 100), 100)  # two decimals, rounded down
    return Evidence.of(largest_N=points[-1][0]).bound("fitted_exponent", shown, COST_EXPONENT)
