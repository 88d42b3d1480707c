"""Gradient complexity (§4, App. C): the instances of Definitions 4.1–4.2 and the App. C
construction behind Theorem 1.3.

**Instances** (Definitions 4.1, 4.2).  :class:`BackpropInstance` is (N, 𝒟, ℒ, θ, e∗) in the
one-dimensional setting of §4: one input vertex, one output vertex, data in ℚ × ℚ (a
multiset, stored as distinct samples with multiplicities), activations in {σ, id} with σ
one polynomial of degree >= 2, a loss with a derivative, and θ carried by the network.
:class:`BackpropBit` adds the index j, :class:`PromiseBackpropSign` the gap b.  Every
answer comes from exact backpropagation (:meth:`checkers.network.Network.backward`).

**The reduction** (App. C).  :func:`app_c` takes the Lemma 3.2 network of an SLP P
(:func:`spec.lemma32.network.compile_slp`), adds an identity vertex ``t`` and the edge
e∗ = (t₀, t) with b_{e∗} = 0 (t₀ = v_ℓ), keeps θ∗ elsewhere, and uses B identical samples
(a₀, −a₀) with the square loss ½(u − y)².  Then f^t = w_{e∗}·n_P and

    L(θ) = (B/2)(w_{e∗}·n_P + a₀)²,   ∂L/∂w_{e∗} = B(w_{e∗}·n_P + a₀)·n_P,

so ∂L/∂w_{e∗}(θ∗) = B·a₀·n_P.  The paper writes L = (B/2)(w_{e∗}n_P + 1)², which takes
a₀ = 1 (arXiv 2602.19017, App. C; erratum claim ``gradient.app_c_loss_formula_erratum``).

The reductions of Theorem 1.3 built on this construction (PosSLP → promise
Backprop-Sign, BitSLP → Backprop-Bit, bounded values) live in
:mod:`spec.theorem13.reductions`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from flint import fmpq
from hypothesis import strategies as st

from checkers.activations import IDENTITY, Activation
from checkers.certificates import Expr, PolynomialIdentity, add, mul, power, sub
from checkers.errors import DataError, DegreeError, NetworkError, WhyReluError
from checkers.losses import SQUARE, Loss
from checkers.network import Edge, Network, Sample
from checkers.rationals import RationalLike, bit, fmt, sign, size, to_q
from checkers.reference import RefNetwork, ref_samples, ref_slp_values
from checkers.slp import SLP, Gate
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    Certificate,
    Evidence,
    as_fraction,
    check,
    check_eq,
    claim,
    claim_for,
)
from spec.lemma32 import CompiledSLP, compile_slp
from spec.planted import with_wrong_derivatives
from strategies import polynomials, rationals, slps

CLAIM_NAMESPACE = "gradient"
"""Claim ids stay ``gradient.*`` (the module this code came from)."""

__all__ = [
    "OUTPUT_NODE",
    "AppC",
    "BackpropBit",
    "BackpropInstance",
    "GradientSizes",
    "PromiseBackpropSign",
    "PromiseViolation",
    "app_c",
    "app_c_network",
    "central_difference",
    "gradient_sizes",
]

OUTPUT_NODE = "t"
"""The identity vertex App. C adds as the new (only) output."""


class PromiseViolation(WhyReluError, ValueError):
    """A promise Backprop-Sign instance whose gradient lies strictly between −b and b."""


# =========================================================================== Definition 4.1


def _check_activations(net: Network) -> Activation | None:
    """Activations in {σ, id}, σ one polynomial of degree >= 2 (Definition 4.1); returns σ
    (``None`` if every vertex is id)."""
    sigma: Activation | None = None
    for name in net.nodes:
        act = net.activation(name)
        if act is None or act.traits.kind == "identity":
            continue
        if not act.traits.is_nonlinear_polynomial:
            raise DegreeError(f"vertex {name!r}: activation {act.name} is neither id nor a "
                              f"polynomial of degree >= 2 (Definition 4.1)")
        if sigma is None:
            sigma = act
        elif act.name != sigma.name:
            raise NetworkError(f"vertices use two non-linear activations, {sigma.name} and "
                               f"{act.name}; Definition 4.1 fixes one σ")
    return sigma


@dataclass(frozen=True)
class BackpropInstance:
    """(N, 𝒟, ℒ, θ, e∗) of Definition 4.1; θ is the network's parameters.

    ``data`` is the multiset 𝒟 ⊆ ℚ × ℚ as (sample, multiplicity) pairs; each sample injects
    its scalar x at the single input vertex and has a one-coordinate label.  Backprop-Sign
    asks whether ∂L/∂w_{e∗}(θ) > 0 (:meth:`answer`).
    """

    network: Network
    data: tuple[tuple[Sample, int], ...]
    loss: Loss
    edge: int
    sigma: Activation | None = field(init=False, compare=False)

    def __post_init__(self) -> None:
        net = self.network
        if len(net.inputs) != 1 or len(net.outputs) != 1:
            raise NetworkError(f"Definition 4.1 has scalar inputs and outputs: the network has "
                               f"{len(net.inputs)} input and {len(net.outputs)} output vertices")
        if self.loss.grad is None:
            raise DataError(f"loss {self.loss.name!r} has no derivative (Definition 4.1 needs "
                            f"∂ℒ/∂u)")
        if isinstance(self.edge, bool) or not isinstance(self.edge, int) \
                or not 0 <= self.edge < len(net.edges):
            raise NetworkError(f"e∗ = {self.edge!r} is not an edge index (0..{len(net.edges) - 1})")
        if not self.data:
            raise DataError("empty data set")
        src = net.inputs[0]
        for s, mult in self.data:
            if isinstance(mult, bool) or not isinstance(mult, int) or mult < 1:
                raise DataError(f"multiplicity must be a positive integer, got {mult!r}")
            if not set(s.x) <= {src} or len(s.y) != 1:
                raise DataError(f"Definition 4.1 samples are (x, y) ∈ ℚ × ℚ: x at {src!r} only "
                                f"and one label, got x on {sorted(s.x)} and {len(s.y)} labels")
        object.__setattr__(self, "sigma", _check_activations(net))

    @property
    def edge_name(self) -> str:
        u, v = self.network.edges[self.edge]
        return f"{u}->{v}"

    @property
    def weight(self) -> fmpq:
        """w_{e∗} in θ."""
        return self.network.weights[self.edge]

    def samples(self) -> list[Sample]:
        """𝒟 expanded (each sample repeated by its multiplicity)."""
        return [s for s, mult in self.data for _ in range(mult)]

    def with_weight(self, w: RationalLike) -> BackpropInstance:
        """The same instance with w_{e∗} replaced (θ unchanged elsewhere)."""
        ws = list(self.network.weights)
        ws[self.edge] = to_q(w)
        return BackpropInstance(self.network.with_params(ws, self.network.biases), self.data,
                                self.loss, self.edge)

    def gradient(self, *, budget_bits: int | None = None) -> fmpq:
        """∂L/∂w_{e∗}(θ) by exact backpropagation, one pass per distinct sample."""
        grad = self.loss.grad
        assert grad is not None
        total = fmpq(0)
        for s, mult in self.data:
            tr = self.network.forward(s.x, budget_bits=budget_bits)
            bw = self.network.backward(tr, grad(tr.outputs, s.y))
            total += mult * bw.grad_w[self.edge]
        return total

    def loss_value(self, *, budget_bits: int | None = None) -> fmpq:
        """L(θ) = Σ_i ℒ(f_θ(x_i), y_i) by forward passes only."""
        total = fmpq(0)
        for s, mult in self.data:
            total += mult * self.loss.value(
                self.network.forward(s.x, budget_bits=budget_bits).outputs, s.y)
        return total

    def size_bits(self) -> int:
        """The numbers of the instance in bits: Σ_e size(w_e) + size(b_e) over θ, and
        size(x) + size(y) + bitlen(multiplicity) over 𝒟 (the rationals of |I|; the graph
        itself adds O(|E| log |V|))."""
        theta = sum(size(w) + size(b) for w, b in zip(self.network.weights,
                                                       self.network.biases, strict=True))
        data = sum(size(s.x.get(self.network.inputs[0], fmpq(0))) + size(s.y[0])
                   + int(mult).bit_length() for s, mult in self.data)
        return int(theta + data)

    def sign(self) -> int:
        """sign ∂L/∂w_{e∗}(θ) ∈ {−1, 0, 1}."""
        return sign(self.gradient())

    def answer(self) -> bool:
        """Backprop-Sign: is ∂L/∂w_{e∗}(θ) > 0?"""
        return self.gradient() > 0


@dataclass(frozen=True)
class BackpropBit:
    """(N, 𝒟, ℒ, θ, e∗, j) of Definition 4.1: is bit j of ∂L/∂w_{e∗}(θ) a 1?

    j ∈ ℤ: negative positions address digits after the binary point, which the bounded
    variant needs (arXiv 2602.19017, App. C and Lemma A.5: the bit index for BN-SLPs).
    """

    instance: BackpropInstance
    j: int

    def __post_init__(self) -> None:
        if isinstance(self.j, bool) or not isinstance(self.j, int):
            raise DataError(f"the bit index j must be an integer, got {self.j!r}")

    def answer(self, *, budget_bits: int | None = None) -> bool:
        return bit(self.instance.gradient(budget_bits=budget_bits), self.j) == 1


@dataclass(frozen=True)
class PromiseBackpropSign:
    """(N, 𝒟, ℒ, θ, e∗, b) of Definition 4.2: YES if ∂L/∂w_{e∗}(θ) >= b, NO if <= −b.

    b >= 1: with b = 0 the two regions would share the gradient 0."""

    instance: BackpropInstance
    b: int

    def __post_init__(self) -> None:
        if isinstance(self.b, bool) or not isinstance(self.b, int) or self.b < 1:
            raise DataError(f"the promise gap b must be a positive integer, got {self.b!r}")

    def promise_holds(self, *, budget_bits: int | None = None) -> bool:
        g = self.instance.gradient(budget_bits=budget_bits)
        return g >= self.b or g <= -self.b

    def answer(self, *, budget_bits: int | None = None) -> bool:
        """True for YES, False for NO; :class:`PromiseViolation` outside the promise."""
        g = self.instance.gradient(budget_bits=budget_bits)
        if g >= self.b:
            return True
        if g <= -self.b:
            return False
        raise PromiseViolation(f"∂L/∂w_e∗ = {fmt(g)} lies strictly between −{self.b} and "
                               f"{self.b}: the promise of Definition 4.2 fails")


# =========================================================================== App. C


def app_c_network(compiled: CompiledSLP, w: RationalLike = 0) -> tuple[Network, int]:
    """The Lemma 3.2 network with θ∗, an id vertex ``t`` and e∗ = (t₀, t), w_{e∗} = ``w``,
    b_{e∗} = 0; input v₀, output t only.  Returns the network and the index of e∗."""
    acts: dict[str, Activation | None] = dict(compiled.node_activations())
    if OUTPUT_NODE in acts:
        raise NetworkError(f"the compiled network already has a vertex {OUTPUT_NODE!r}")
    acts[OUTPUT_NODE] = IDENTITY
    edges = [*compiled.network.edge_list(), Edge(compiled.output, OUTPUT_NODE, to_q(w), fmpq(0))]
    net = Network(acts, edges, outputs=[OUTPUT_NODE], inputs=[compiled.source])
    return net, len(edges) - 1


@dataclass(frozen=True)
class AppC:
    """The App. C construction for one SLP: the compiled network, the instance, B, a₀."""

    compiled: CompiledSLP
    instance: BackpropInstance
    copies: int
    a0: fmpq

    @property
    def slp(self) -> SLP:
        return self.compiled.slp


def app_c(slp: SLP, sigma: Activation, *, copies: int = 1, w: RationalLike = 0) -> AppC:
    """App. C: B = ``copies`` identical samples (a₀, −a₀) on the extended Lemma 3.2 network,
    square loss, θ = θ∗ except w_{e∗} = ``w`` (θ∗ itself for w = 0)."""
    if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
        raise DataError(f"the number of copies B must be a positive integer, got {copies!r}")
    compiled = compile_slp(slp, sigma)
    net, e = app_c_network(compiled, w)
    a0 = slp.a0
    data = ((Sample({compiled.source: a0}, (-a0,)), copies),)
    return AppC(compiled, BackpropInstance(net, data, SQUARE, e), copies, a0)


# --------------------------------------------------------------------------- measurement


def central_difference(inst: BackpropInstance, h: RationalLike) -> fmpq:
    """(L(w + h) − L(w − h))/(2h) at w = w_{e∗}, by forward passes only; exact for every
    h ≠ 0 because L is quadratic in w_{e∗} (arXiv 2602.19017, App. C)."""
    hq = to_q(h)
    if hq == 0:
        raise DataError("central difference needs h != 0")
    w = inst.weight
    up = inst.with_weight(w + hq).loss_value()
    down = inst.with_weight(w - hq).loss_value()
    return (up - down) / (2 * hq)


@dataclass(frozen=True)
class GradientSizes:
    """Sizes (bits) of the output n_P, of ∂L/∂w_{e∗}, of the largest of the 2|E| partial
    derivatives (and which one) at one θ, and of the instance's numbers."""

    output_bits: int
    e_star_bits: int
    max_entry_bits: int
    max_entry: str
    entries: int
    instance_bits: int

    def to_json(self) -> dict[str, Any]:
        return {"output_bits": self.output_bits, "e_star_bits": self.e_star_bits,
                "max_entry_bits": self.max_entry_bits, "max_entry": self.max_entry,
                "entries": self.entries, "instance_bits": self.instance_bits}


def gradient_sizes(appc: AppC, *, budget_bits: int | None = None) -> GradientSizes:
    """Backprop every ∂L/∂w_e, ∂L/∂b_e at the instance's θ and measure their sizes against
    size(n_P) (n_P read at t₀ on the main input)."""
    inst = appc.instance
    g = inst.network.gradient(inst.samples(), inst.loss, budget_bits=budget_bits)
    n_p = g.traces[0].value(appc.compiled.output)
    best, where = 0, ""
    for e, (u, v) in enumerate(inst.network.edges):
        for kind, val in (("w", g.grad_w[e]), ("b", g.grad_b[e])):
            if size(val) > best:
                best, where = size(val), f"d/d{kind} {u}->{v}"
    return GradientSizes(size(n_p), size(g.grad_w[inst.edge]), best, where,
                         2 * len(inst.network.edges), inst.size_bits())


# =========================================================================== claims

BUDGET_BITS = 1 << 16




def _mutate(inst: BackpropInstance, which: Callable[[str, Activation], bool]) -> BackpropInstance:
    """The instance with the chosen vertices' derivatives planted wrong."""
    mutant = with_wrong_derivatives(inst.network, which)
    return BackpropInstance(mutant, inst.data, inst.loss, inst.edge)


def _sign_bug_loss() -> Loss:
    """The square loss with a planted sign error in its derivative (y − u for u − y)."""
    def grad(u: Sequence[fmpq], y: Sequence[fmpq]) -> list[fmpq]:
        return [b - a for a, b in zip(u, y, strict=True)]

    return Loss("square_sign_bug", SQUARE.value, grad)


def _small_slps(max_length: int) -> st.SearchStrategy[SLP]:
    return st.one_of(slps(max_length=max_length),
                     slps(max_length=max_length - 1, a0=rationals(5)))


def _shower(*names: str) -> Callable[[tuple[Any, ...]], str]:
    """Print a counterexample as the SLP file followed by the other drawn values, named
    (``sigma`` first when the claim draws σ itself)."""
    def show(inst: tuple[Any, ...]) -> str:
        head, text, rest = "", "", []
        for name, v in zip(names, inst, strict=True):
            if isinstance(v, SLP):
                text = v.to_text()
            elif isinstance(v, Activation):
                head = f"# sigma = {v.name}\n"
            else:
                rest.append(f"{name} = {fmt(v) if isinstance(v, fmpq) else v}")
        return head + text + "# " + ", ".join(rest)

    return show


# --------------------------------------------------------------------------- App. C identity

IdInst = tuple[SLP, int, fmpq, fmpq]
_SHOW_ID = _shower("P", "B", "w", "h")
_SHOW_TINY = _shower("P", "B", "w", "moves (edge, dw, db)")


def _id_inst(act: Activation) -> st.SearchStrategy[IdInst]:
    return st.tuples(_small_slps(7), st.integers(1, 4),
                     st.one_of(st.just(fmpq(0)), rationals(8)), rationals(8, nonzero=True))


def _check_app_c(act: Activation, inst: IdInst, *, planted: bool) -> Evidence:
    slp, copies, w, h = inst
    appc = app_c(slp, act, copies=copies, w=w)
    bp = appc.instance
    if planted:  # the chain rule at the output vertex t multiplies by id' + 1 = 2
        bp = _mutate(bp, lambda name, a: name == OUTPUT_NODE)
    vals = ref_slp_values(slp)
    n_p, a0, big_b, wf = vals[-1], vals[0], Fraction(copies), as_fraction(w)
    g = bp.gradient(budget_bits=BUDGET_BITS)
    check_eq(as_fraction(g), big_b * (wf * n_p + a0) * n_p,
             "∂L/∂w_e∗ = B(w·n_P + a0)·n_P (backprop)",
             B=copies, w=w, n_P=n_p, a0=a0)
    check_eq(as_fraction(central_difference(bp, h)), as_fraction(g),
             "(L(w+h) − L(w−h))/(2h) (forward passes only) = backprop", h=h)
    check_eq(as_fraction(bp.loss_value()), big_b / 2 * (wf * n_p + a0) ** 2,
             "L(θ) = (B/2)(w·n_P + a0)² (forward passes)")
    star = bp.with_weight(0)
    g0 = star.gradient(budget_bits=BUDGET_BITS)
    check_eq(as_fraction(g0), big_b * a0 * n_p, "∂L/∂w_e∗(θ∗) = B·a0·n_P")
    if a0 > 0:
        check_eq(star.sign(), (n_p > 0) - (n_p < 0), "sign ∂L/∂w_e∗(θ∗) = sign n_P (a0 > 0)")
    sizes = gradient_sizes(AppC(appc.compiled, bp.with_weight(1), copies, appc.a0),
                           budget_bits=BUDGET_BITS)
    gate_bits = max(size(fmpq(v.numerator, v.denominator)) for v in vals)
    ev = Evidence.of(output_bits=sizes.output_bits, max_gate_bits=gate_bits,
                     gradient_bits=size(g), max_gradient_entry_bits=sizes.max_entry_bits)
    if sizes.output_bits >= 16:  # the ratios say little for tiny values
        ev.figures["entry_bits_per_output_bit"] = Fraction(sizes.max_entry_bits,
                                                           sizes.output_bits)
    if gate_bits >= 16:
        ev.figures["entry_bits_per_gate_bit"] = Fraction(sizes.max_entry_bits, gate_bits)
    return ev


@claim_for(
    "App. C",
    "Exact backprop through the extended Lemma 3.2 network (id vertex t, e∗ = (t₀, t), B "
    "samples (a0, −a0), square loss) gives ∂L/∂w_e∗ = B(w_e∗·n_P + a0)·n_P, hence B·a0·n_P at "
    "θ∗ (sign = sign n_P for a0 > 0); equal to the exact central difference of L (forward "
    "passes only) and L = (B/2)(w_e∗·n_P + a0)²",
    covers=NONLINEAR_POLYNOMIAL, instances=_id_inst, examples=25, show=_SHOW_ID,
    tags=("identity",),
)
def app_c_identity(act: Activation, inst: IdInst) -> Evidence:
    """n_P and a0 come from the Fraction reference SLP evaluator; the central difference uses
    forward passes only, so backprop is checked against an oracle that shares no backward
    code.  Figures: the largest entry of the whole gradient (every ∂L/∂w_e and ∂L/∂b_e) at θ∗
    with w_e∗ = 1, where every partial is non-zero, against size(n_P)
    (``entry_bits_per_output_bit`` for outputs of >= 16 bits)."""
    return _check_app_c(act, inst, planted=False)


@claim_for(
    "App. C",
    "Negative control: backprop with a wrong chain-rule factor at the output vertex t "
    "(id'(z) + 1 = 2) breaks ∂L/∂w_e∗ = B(w_e∗·n_P + a0)·n_P",
    covers=NONLINEAR_POLYNOMIAL, instances=_id_inst, expect="counterexample",
    control_of="gradient.app_c_identity", examples=12, show=_SHOW_ID,
    refuted_on=("∂L/∂w_e∗ = B(w·n_P + a0)·n_P (backprop)",),
)
def app_c_wrong_output_derivative_refuted(act: Activation, inst: IdInst) -> Evidence:
    return _check_app_c(act, inst, planted=True)


def _app_c_loss(w: Expr) -> Expr:
    """B·ℒ(f_t, y) with f_t = w·n + 0 (id vertex t, b_e∗ = 0), y = −a0, ℒ(x, y) = ½(x − y)²
    (the B identical samples collapse to the factor B)."""
    f_t = add(mul(w, "n"), "0")
    return mul("B", "1/2", power(sub(f_t, ["neg", "a0"]), 2))


def app_c_certificate(*, planted: bool = False) -> PolynomialIdentity:
    """App. C step 4 as an identity in ℚ[w, h, n, a0, B]:
    L(w + h) − L(w) − h·B(w·n + a0)·n = (B/2)·n²·h², so ∂L/∂w_e∗ = B(w·n + a0)·n (n = n_P
    = f^{t_0}, certified separately by Lemma 3.2).  ``planted`` drops the factor n."""
    grad = mul("B", add(mul("w", "n"), "a0"), "n") if not planted \
        else mul("B", add(mul("w", "n"), "a0"))
    return PolynomialIdentity(
        name="app_C_gradient", variables=("w", "h", "n", "a0", "B"),
        lhs=sub(sub(_app_c_loss(add("w", "h")), _app_c_loss("w")), mul("h", grad)),
        rhs=mul("1/2", "B", power("n", 2), power("h", 2)),
        statement="App. C: L(w) = B·½(w·n_P + 0 − (−a0))² satisfies L(w+h) − L(w) − "
                  "h·B(w·n_P + a0)·n_P = (B/2)n_P²h², i.e. ∂L/∂w_e∗ = B(w_e∗·n_P + a0)·n_P")


def _prove_app_c() -> Certificate:
    return Certificate("∂L/∂w_e∗ = B(w·n + a0)·n as an identity in ℚ[w, h, n, a0, B] (the "
                       "remainder of the first-order expansion is (B/2)n²h²)",
                       items=(app_c_certificate(),))


def _check_app_c_formula(inst: tuple[fmpq, fmpq, fmpq, int, fmpq], planted: bool) -> Evidence:
    w, n, a0, b, h = inst

    def loss(v: fmpq) -> fmpq:
        return fmpq(b) * (v * n + a0) ** 2 / 2

    central = (loss(w + h) - loss(w - h)) / (2 * h)
    formula = fmpq(b) * (w * n + a0) * (n if not planted else 1)
    accepted = app_c_certificate(planted=planted).accepted()
    check(central == formula and accepted,
          "∂L/∂w_e∗ = B(w_e∗·n_P + a0)·n_P: equal to the exact central difference, and its "
          "certificate accepted", central_difference=central, formula=formula,
          certificate_accepted=accepted, w=w, n=n, a0=a0, B=b)
    return Evidence()


_FORMULA_INST = st.tuples(rationals(8), rationals(8), rationals(8), st.integers(1, 9),
                          rationals(6, nonzero=True))


@claim(
    "App. C",
    "Step 4: for L(w) = B·½(w·n_P − (−a0))², ∂L/∂w_e∗ = B(w_e∗·n_P + a0)·n_P for all "
    "rationals w, n_P, a0 and B; proved as an identity in ℚ[w, h, n_P, a0, B]",
    instances=_FORMULA_INST, prover=_prove_app_c, examples=20, tags=("identity",),
)
def app_c_gradient_formula(inst: tuple[fmpq, fmpq, fmpq, int, fmpq]) -> Evidence:
    """The exact central difference (L is quadratic in w) at a random point."""
    return _check_app_c_formula(inst, planted=False)


@claim(
    "App. C",
    "Negative control: the gradient without the factor n_P, B(w_e∗·n_P + a0), is not ∂L/∂w_e∗",
    instances=_FORMULA_INST, expect="counterexample",
    control_of="gradient.app_c_gradient_formula", examples=10,
    refuted_on=("∂L/∂w_e∗ = B(w_e∗·n_P + a0)·n_P: equal to the exact central",),
)
def app_c_gradient_formula_planted_refuted(inst: tuple[fmpq, fmpq, fmpq, int, fmpq]
                                           ) -> Evidence:
    return _check_app_c_formula(inst, planted=True)


@claim(
    "App. C",
    "App. C's loss formula L(θ) = (B/2)(w_e∗·n_P + 1)² as written (it takes a0 = 1; the "
    "construction gives (B/2)(w_e∗·n_P + a0)²)",
    instances=st.tuples(polynomials(2, 3, 3),
                        st.one_of(slps(max_length=5),
                                  slps(max_length=4, a0=rationals(5, nonzero=True))),
                        st.integers(1, 3), rationals(6)),
    status="erratum", expect="counterexample", control_of="gradient.app_c_identity",
    examples=20, show=_shower("sigma", "P", "B", "w"),
    refuted_on=("L(θ) = (B/2)(w_e∗·n_P + 1)²",),
)
def app_c_loss_formula_erratum(inst: tuple[Activation, SLP, int, fmpq]) -> Evidence:
    """L is computed by forward passes and compared with the paper's formula."""
    sigma, slp, copies, w = inst
    bp = app_c(slp, sigma, copies=copies, w=w).instance
    n_p = ref_slp_values(slp)[-1]
    check_eq(as_fraction(bp.loss_value(budget_bits=BUDGET_BITS)),
             Fraction(copies, 2) * (as_fraction(w) * n_p + 1) ** 2,
             "L(θ) = (B/2)(w_e∗·n_P + 1)²", a0=slp.a0, n_P=n_p)
    return Evidence.of(length=slp.length)


# --------------------------------------------------------------------------- every partial


@st.composite
def _tiny(draw: st.DrawFn) -> tuple[SLP, int, fmpq, list[tuple[int, fmpq, fmpq]]]:
    """An SLP of length <= 3 ending in a product, B, w_e∗ != 0 and a few moves of θ."""
    base = draw(st.one_of(slps(min_length=0, max_length=2),
                          slps(min_length=0, max_length=1, a0=rationals(4, nonzero=True))))
    n = base.length + 1
    j, k = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
    p = SLP(base.a0, (*base.gates, Gate("*", j, k)))
    copies = draw(st.integers(1, 2))
    w = draw(rationals(5, nonzero=True))
    moves = draw(st.lists(st.tuples(st.integers(0, 1 << 12), rationals(3), rationals(3)),
                          max_size=3))
    return p, copies, w, moves


def _check_partials(act: Activation, inst: tuple[SLP, int, fmpq, list[tuple[int, fmpq, fmpq]]],
                    *, planted: bool) -> Evidence:
    slp, copies, w, moves = inst
    appc = app_c(slp, act, copies=copies, w=w)
    bp = appc.instance
    net = bp.network
    ws, bs = list(net.weights), list(net.biases)
    for e, dw, db in moves:  # move θ off θ∗ on a few edges (never e∗'s weight)
        e %= len(ws)
        if e != bp.edge:
            ws[e] += dw
        bs[e] += db
    bp = BackpropInstance(net.with_params(ws, bs), bp.data, bp.loss, bp.edge)
    engine = _mutate(bp, lambda name, a: a.traits.kind != "identity") if planted else bp
    data = bp.samples()
    g = engine.network.gradient(data, bp.loss)
    loss, gw, gb = RefNetwork(bp.network).gradient(ref_samples(data), "square")
    check_eq(as_fraction(g.loss), loss, "L(θ): engine vs Fraction reference")
    for e, (u, v) in enumerate(bp.network.edges):
        check_eq(as_fraction(g.grad_w[e]), gw[e], f"∂L/∂w for {u}->{v}: backprop vs forward mode")
        check_eq(as_fraction(g.grad_b[e]), gb[e], f"∂L/∂b for {u}->{v}: backprop vs forward mode")
    top = max(size(v) for v in (*g.grad_w, *g.grad_b))
    return Evidence.of(edges=len(bp.network.edges), max_gradient_entry_bits=top)


@claim_for(
    "App. C",
    "Every partial derivative, not just e∗: on the App. C networks of short SLPs at θ∗ "
    "moved on a few edges (w_e∗ ≠ 0), exact backprop gives the loss and every ∂L/∂w_e, "
    "∂L/∂b_e of the Fraction reference engine (forward-mode, no backprop)",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _tiny(), examples=5, show=_SHOW_TINY,
    tags=("identity",),
)
def every_partial_matches_reference(
        act: Activation, inst: tuple[SLP, int, fmpq, list[tuple[int, fmpq, fmpq]]]) -> Evidence:
    """With w_e∗ ≠ 0 the backward signal reaches every σ vertex (at w_e∗ = 0 every partial
    except e∗'s weight and bias vanishes).  The reference engine is quadratic, so the SLPs
    are short (at most three gates, the last a product)."""
    return _check_partials(act, inst, planted=False)


@claim_for(
    "App. C",
    "Negative control: backprop with a wrong chain-rule factor (σ'(z) + 1) at the σ vertices "
    "disagrees with the Fraction reference on some partial derivative",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _tiny(), expect="counterexample",
    control_of="gradient.every_partial_matches_reference", examples=4, show=_SHOW_TINY,
    refuted_on=("∂L/∂w for ", "∂L/∂b for ",),
)
def wrong_sigma_derivative_refuted(
        act: Activation, inst: tuple[SLP, int, fmpq, list[tuple[int, fmpq, fmpq]]]) -> Evidence:
    return _check_partials(act, inst, planted=True)
