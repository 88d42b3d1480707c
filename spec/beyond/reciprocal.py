"""Beyond the paper: 1/x (and every σ = αt + β + γ/(ct + d)) squares, hence multiplies.

(PAPER.md §16.)

For x ∉ {0, −1}: 1/x − 1/(x + 1) = 1/(x(x + 1)), so

    x² = 1/(1/x − 1/(x + 1)) − x.                                        (R)

(R) is proved as an identity of rational functions (the numerator of the difference is the
zero polynomial).  With u = x + h for a shift h that keeps u and u + 1 away from 0 — h = 3
gives u ∈ [1, 5] for |x| <= 2, i.e. for x = a + b with BN-SLP values |a|, |b| <= 1 — a
network of σ(t) = 1/t units and identity units squares, hence multiplies:
x·y = ((x + y)² − x² − y²)/2.  Any σ(t) = αt + β + γ/(ct + d) with c, γ ≠ 0 does the same
— every Möbius map (at + b)/(ct + d) with ad ≠ bc (α = 0), and every p/q with deg q = 1,
deg p = 2 such as (x² + 1)/(x + 2) = x − 2 + 5/(x + 2) — because at t = (v − d)/c one σ unit
gives 1/v = (σ(t) − αt − β)/γ, an affine map of the unit's value and of its own
pre-activation that the next identity units form (:class:`Builder`).  For a pole of order
k >= 2, σ = αt + β + γ/(ct + d)^k (e.g. 1/x²), two σ units give v ↦ 1/(1/v^k)^k = v^(k²), a
polynomial of degree k² >= 4, and Lemma 3.1 applied to f(U) = (U + 3)^(k²) multiplies (the
shift keeps every v in [1, k² + 5], away from the pole).

The paper (§1.2) lists 1/x as open.  This is NOT a result of the paper and gives the
simulation half of Lemma 3.2 only: the forcing argument (Claim B.1) is proved for polynomial
σ only, so hardness transfer is not proved for 1/x.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from flint import fmpq, fmpq_poly
from hypothesis import strategies as st

from checkers.activations import IDENTITY, Activation, Polynomial, Traits
from checkers.certificates import rational_identity
from checkers.errors import ActivationError, WhyReluError
from checkers.network import Edge, Network
from checkers.poly import coefficients
from checkers.rationals import fmt
from spec.beyond._kinds import RECIPROCAL, ReciprocalForm, reciprocal_form_of
from spec.beyond.local_gadget import unit_points
from spec.claims import (
    Certificate,
    ClaimFailure,
    Evidence,
    check,
    check_eq,
    check_le,
    claim,
    claim_for,
)
from strategies import rationals

REF = "Beyond the paper: reciprocal squaring"
ZERO = fmpq(0)
SHIFT = fmpq(3)
"""h: u = x + 3 ∈ [1, 5] for |x| <= 2, so u >= 1 and u + 1 >= 2 stay off the pole 0."""

# --------------------------------------------------------------------------- (R) symbolically


@dataclass(frozen=True)
class RatFun:
    """num/den in ℚ(T), den ≠ 0, normalised (coprime, den monic)."""

    num: fmpq_poly
    den: fmpq_poly

    @staticmethod
    def of(num: fmpq_poly, den: fmpq_poly | None = None) -> RatFun:
        d = fmpq_poly([1]) if den is None else den
        if d.is_zero():
            raise ZeroDivisionError("rational function with zero denominator")
        g = num.gcd(d)
        n, d = num / g, d / g
        lead = d[int(d.degree())]
        return RatFun(n / lead, d / lead)

    def __add__(self, o: RatFun) -> RatFun:
        return RatFun.of(self.num * o.den + o.num * self.den, self.den * o.den)

    def __sub__(self, o: RatFun) -> RatFun:
        return RatFun.of(self.num * o.den - o.num * self.den, self.den * o.den)

    def inverse(self) -> RatFun:
        return RatFun.of(self.den, self.num)


T = fmpq_poly([0, 1])


def squaring_difference(*, drop_minus_x: bool = False) -> RatFun:
    """1/(1/x − 1/(x + 1)) − x − x² in ℚ(x) (the zero function when (R) holds)."""
    one = fmpq_poly([1])
    inv = RatFun.of(one, T) - RatFun.of(one, T + 1)
    lhs = inv.inverse() if drop_minus_x else inv.inverse() - RatFun.of(T)
    return lhs - RatFun.of(T * T)


def _prove_r(*, drop_minus_x: bool = False) -> Certificate:
    diff = squaring_difference(drop_minus_x=drop_minus_x)
    check(diff.num.is_zero(), "the numerator of 1/(1/x − 1/(x+1)) − x − x² is the zero "
          "polynomial", numerator=str(diff.num), denominator=str(diff.den))
    # (R) in product form (no nested division): (x + x²)(1/x − 1/(x+1)) = 1, so the middle
    # factor is nonzero and 1/(1/x − 1/(x+1)) = x + x²
    reciprocal_r = rational_identity(
        ["*", ["+", "x", ["^", "x", "2"]], ["-", ["/", "1", "x"], ["/", "1", ["+", "x", "1"]]]],
        "1", ("x",), nonzero=("x", ["+", "x", "1"]), name="reciprocal_r",
        statement="(R) in product form: (x + x²)(1/x − 1/(x+1)) = 1 for x ∉ {0, −1}")
    return Certificate("1/(1/x − 1/(x+1)) − x − x² = 0/1 in ℚ(x) (normalised numerator is the "
                       "zero polynomial); valid for x ∉ {0, −1}", items=(reciprocal_r,))


def _check_r(x: fmpq, *, drop_minus_x: bool = False) -> Evidence:
    lhs = 1 / (1 / x - 1 / (x + 1))
    if not drop_minus_x:
        lhs -= x
    check_eq(lhs, x * x, "1/(1/x − 1/(x+1)) − x = x² at a rational x ∉ {0, −1}", x=x)
    return Evidence()


def _points_off_poles() -> st.SearchStrategy[fmpq]:
    return st.one_of(rationals(16), st.sampled_from([fmpq(1), fmpq(-2), fmpq(-1, 2)])).filter(
        lambda q: q != 0 and q != -1)


@claim(
    REF,
    "x² = 1/(1/x − 1/(x+1)) − x for every rational x ∉ {0, −1}; proved as an identity in ℚ(x)",
    instances=_points_off_poles(), status="beyond", prover=lambda: _prove_r(), examples=30,
    tags=("identity", "beyond"),
)
def identity(x: fmpq) -> Evidence:
    return _check_r(x)


@claim(
    REF,
    "Negative control: without the − x, 1/(1/x − 1/(x+1)) = x² is refuted",
    instances=_points_off_poles(), status="beyond", expect="counterexample",
    control_of="reciprocal.identity", prover=lambda: _prove_r(drop_minus_x=True), examples=30,
    refuted_on=("the numerator of 1/(1/x − 1/(x+1)) − x − x² is the zero",
                "1/(1/x − 1/(x+1)) − x = x²",),
)
def dropped_x_refuted(x: fmpq) -> Evidence:
    return _check_r(x, drop_minus_x=True)


# --------------------------------------------------------------------------- networks


Linear = dict[str, fmpq]


@dataclass
class Builder:
    """Builds a network of identity and σ units where every unit has a *meaning*: a linear
    form Σ_k r_k·value(k) + offset in unit values (identity and plain σ units: their value;
    the reciprocal units of σ = αt + β + γ/(ct + d): 1/v, read through their own value and
    pre-activation)."""

    sigma: Activation | None = None
    form: ReciprocalForm | None = None
    acts: dict[str, Activation | None] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    reading: dict[str, tuple[Linear, fmpq]] = field(default_factory=dict)
    sigma_nodes: list[str] = field(default_factory=list)

    def _plain(self, name: str) -> None:
        self.reading[name] = ({name: fmpq(1)}, fmpq(0))

    def input(self, name: str) -> str:
        self.acts[name] = None
        self._plain(name)
        return name

    def _edges(self, node: str, terms: Sequence[tuple[str, fmpq]], const: fmpq,
               factor: fmpq) -> tuple[Linear, fmpq]:
        """Edges into ``node`` giving pre-activation factor·(Σ coeff·meaning(src) + const);
        returns the weights by source value and the bias, before the factor."""
        w: Linear = {}
        bias = const
        for src, coeff in terms:
            lin, off = self.reading[src]
            for k, r in lin.items():
                w[k] = w.get(k, fmpq(0)) + coeff * r
            bias += coeff * off
        if not w:
            raise ActivationError(f"unit {node} has no inputs")
        for i, (k, wk) in enumerate(w.items()):
            self.edges.append(Edge(k, node, wk * factor, bias * factor if i == 0 else ZERO))
        return w, bias

    def affine(self, name: str, terms: Sequence[tuple[str, fmpq]], const: fmpq = ZERO) -> str:
        """An identity unit with meaning Σ coeff·meaning(src) + const."""
        self.acts[name] = IDENTITY
        self._edges(name, terms, const, fmpq(1))
        self._plain(name)
        return name

    def unit(self, name: str, terms: Sequence[tuple[str, fmpq]], const: fmpq = ZERO) -> str:
        """A σ unit with pre-activation Σ coeff·meaning(src) + const, read as its value."""
        assert self.sigma is not None
        self.acts[name] = self.sigma
        self._edges(name, terms, const, fmpq(1))
        self._plain(name)
        self.sigma_nodes.append(name)
        return name

    def recip(self, name: str, terms: Sequence[tuple[str, fmpq]], const: fmpq = ZERO) -> str:
        """A σ unit with meaning 1/v^k, v = Σ coeff·meaning(src) + const: its pre-activation
        is t = (v − d)/c and 1/v^k = (σ(t) − α·t − β)/γ."""
        assert self.sigma is not None and self.form is not None
        f = self.form
        self.acts[name] = self.sigma
        w, bias = self._edges(name, terms, const - f.d, 1 / f.c)
        lin: Linear = {k: -f.alpha * wk / (f.c * f.gamma) for k, wk in w.items()}
        lin[name] = lin.get(name, ZERO) + 1 / f.gamma
        self.reading[name] = (lin, -(f.alpha * bias / f.c + f.beta) / f.gamma)
        self.sigma_nodes.append(name)
        return name

    def square(self, name: str, terms: Sequence[tuple[str, fmpq]], const: fmpq,
               shift: fmpq) -> str:
        """(Σ terms + const)² by (R) at u = x + shift: x² = D − (1 + 2h)x − h − h²,
        D = 1/(1/u − 1/(u + 1)) = u(u + 1)."""
        h = shift
        a = self.recip(f"{name}.A", terms, const + h)
        b = self.recip(f"{name}.B", terms, const + h + 1)
        d = self.recip(f"{name}.D", [(a, fmpq(1)), (b, fmpq(-1))])
        k = -(1 + 2 * h)
        return self.affine(name, [(d, fmpq(1)), *((s, k * c) for s, c in terms)],
                           k * const - h - h * h)

    def power(self, name: str, terms: Sequence[tuple[str, fmpq]], const: fmpq) -> str:
        """v^(k²) for v = Σ terms + const ≠ 0 with two σ units: 1/(1/v^k)^k (k >= 2)."""
        inner = self.recip(f"{name}.inv", terms, const)
        return self.recip(name, [(inner, fmpq(1))])

    def multiply(self, name: str, x: str, y: str, shift: fmpq) -> str:
        """x·y: for k = 1, ((x + y)² − x² − y²)/2 with three squarings (R); for k >= 2,
        Lemma 3.1 applied to f(U) = (U + h)^(k²), each f(·) two σ units (:meth:`power`)."""
        assert self.form is not None
        if self.form.k == 1:
            s1 = self.square(f"{name}.sum2", [(x, fmpq(1)), (y, fmpq(1))], fmpq(0), shift)
            s2 = self.square(f"{name}.x2", [(x, fmpq(1))], fmpq(0), shift)
            s3 = self.square(f"{name}.y2", [(y, fmpq(1))], fmpq(0), shift)
            half = fmpq(1, 2)
            return self.affine(name, [(s1, half), (s2, -half), (s3, -half)])
        terms: list[tuple[str, fmpq]] = []
        one = fmpq(1)
        for j, lj in enumerate(power_lambdas(self.form.k, shift)):
            if lj == 0:
                continue
            p1 = self.power(f"{name}.P1_{j}", [(x, one), (y, one)], shift + j)
            p2 = self.power(f"{name}.P2_{j}", [(x, one)], shift + j)
            p3 = self.power(f"{name}.P3_{j}", [(y, one)], shift + j)
            terms += [(p1, lj), (p2, -lj), (p3, -lj)]
        return self.affine(name, terms)

    def network(self, outputs: Sequence[str]) -> Network:
        return Network(dict(self.acts), self.edges, outputs=list(outputs))

    def meaning(self, values: dict[str, fmpq], node: str) -> fmpq:
        lin, off = self.reading[node]
        return sum((r * values[k] for k, r in lin.items()), off)


def power_lambdas(k: int, shift: fmpq) -> list[fmpq]:
    """Lemma 3.1's λ for f(U) = (U + h)^(k²): Σ_j λ_j(f(x+y+j) − f(x+j) − f(y+j)) = x·y."""
    from spec.gadget import gadget_lambdas

    return gadget_lambdas(Polynomial(fmpq_poly([shift, 1]) ** (k * k)))


class FormActivation(Activation):
    """σ(t) = αt + β + γ/(ct + d) evaluated exactly; a pole raises ActivationError.  (A fixture
    for random forms; the activation language parses ``1/x`` and ``p(x)/q(x)``.)"""

    def __init__(self, f: ReciprocalForm) -> None:
        self.f = f
        self.name = f"[{f.text()}]"
        self.traits = Traits(cast(Any, "rational"))
        self.denominator = fmpq_poly([f.d, f.c]) ** f.k
        self.numerator = fmpq_poly([f.beta, f.alpha]) * self.denominator + f.gamma

    def _den(self, z: fmpq) -> fmpq:
        den = self.f.c * z + self.f.d
        if den == 0:
            raise ActivationError(f"{self.name} has a pole at {fmt(z)}")
        return den

    def __call__(self, z: fmpq) -> fmpq:
        return self.f.alpha * z + self.f.beta + self.f.gamma / self._den(z) ** self.f.k

    def derivative(self, z: fmpq) -> fmpq:
        den = self._den(z)
        return self.f.alpha - self.f.k * self.f.gamma * self.f.c / den ** (self.f.k + 1)

    def describe(self) -> dict[str, Any]:
        return {"kind": "rational", "numerator": [fmt(v) for v in coefficients(self.numerator)],
                "denominator": [fmt(v) for v in coefficients(self.denominator)]}


def multiplication_network(sigma: Activation, shift: fmpq = SHIFT) -> tuple[Network, Builder]:
    """Inputs x, y; output x·y through three shifted squarings (R) with σ = αt + β +
    γ/(ct + d)."""
    f = reciprocal_form_of(sigma)
    if f is None:
        raise ActivationError(f"{sigma.name} is not of the form αt + β + γ/(ct + d)")
    b = Builder(sigma, f)
    b.input("x")
    b.input("y")
    out = b.multiply("xy", "x", "y", shift)
    return b.network([out]), b


def pole_margin(net: Network, b: Builder, trace_pre: Sequence[fmpq]) -> fmpq:
    """The smallest |c·t + d| over the σ units' pre-activations t (distance to a pole,
    in units of u)."""
    assert b.form is not None
    f = b.form
    idx = [net.index_of(n) for n in b.sigma_nodes]
    return min(abs(f.c * trace_pre[i] + f.d) for i in idx)


def run_network(net: Network, x: dict[str, fmpq], what: str) -> Any:
    """The exact forward pass; a σ evaluated at a pole fails the named sub-check."""
    try:
        return net.forward(x)
    except (WhyReluError, ZeroDivisionError) as e:
        raise ClaimFailure(f"{what} (a σ argument hit a pole)", {"error": str(e), **x}) from None


def check_multiplication(sigma: Activation, x: fmpq, y: fmpq, shift: fmpq) -> Evidence:
    net, b = multiplication_network(sigma, shift)
    what = "the reciprocal network computes x·y with every σ argument off the poles"
    tr = run_network(net, {"x": x, "y": y}, what)
    check_eq(tr.outputs[0], x * y, what, x=x, y=y, shift=shift)
    margin = pole_margin(net, b, tr.pre)
    assert b.form is not None
    k = b.form.k
    # k = 1: u ∈ [1, 5], so 1/u − 1/(u+1) = 1/(u(u+1)) >= 1/30; k >= 2: v ∈ [1, k² + 5]
    # and the second unit's argument is v^-k >= (k² + 5)^-k
    bound = fmpq(30) if k == 1 else fmpq(k * k + 5) ** k
    if shift == SHIFT:
        check_le(1 / margin, bound, "every σ argument is at distance >= 1/30 (k = 1) or "
                 ">= (k² + 5)^-k from the pole", k=k)
    return Evidence.of(nodes=len(net.nodes), sigma_units=len(b.sigma_nodes)).bound(
        "inverse_pole_margin", 1 / margin, bound)


def _show_xy(inst: tuple[fmpq, fmpq]) -> str:
    return f"x = {fmt(inst[0])}, y = {fmt(inst[1])}"


def _pole_points() -> st.SearchStrategy[fmpq]:
    """[−1, 1] with the pole-prone values 0 and −1 drawn often (hard cases)."""
    return st.one_of(st.sampled_from([fmpq(0), fmpq(-1)]), unit_points())


@claim_for(
    REF,
    "For σ = αt + β + γ/(ct + d)^k (1/x, Möbius maps, (x²+1)/(x+2), 1/x²): the network of "
    "σ and identity units built from (R) with shift h = 3 computes x·y exactly for "
    "|x|, |y| <= 1 (k >= 2: Lemma 3.1 for (U + 3)^(k²) = σ∘σ), every σ argument at distance "
    ">= 1/30 (k = 1) or (k² + 5)^-k from the pole (simulation only; the paper lists 1/x as open)",
    covers=RECIPROCAL, instances=lambda act: st.tuples(_pole_points(), _pole_points()),
    status="beyond", examples=30, show=_show_xy, tags=("beyond",),
)
def multiplication(act: Activation, inst: tuple[fmpq, fmpq]) -> Evidence:
    x, y = inst
    return check_multiplication(act, x, y, SHIFT)


@claim_for(
    REF,
    "Negative control: without the shift (h = 0) the network hits a pole (x = 0, or x = −1 "
    "for k = 1)",
    covers=RECIPROCAL, instances=lambda act: st.tuples(_pole_points(), _pole_points()),
    status="beyond", expect="counterexample", control_of="reciprocal.multiplication",
    examples=30, show=_show_xy,
    refuted_on=("the reciprocal network computes x·y with every σ argument off",),
)
def unshifted_refuted(act: Activation, inst: tuple[fmpq, fmpq]) -> Evidence:
    x, y = inst
    return check_multiplication(act, x, y, fmpq(0))


@st.composite
def reciprocal_forms(draw: st.DrawFn) -> FormActivation:
    """αt + β + γ/(ct + d)^k with c, γ ≠ 0, k ∈ {1, 2}; α = 0 half of the time."""
    alpha = draw(st.one_of(st.just(fmpq(0)), rationals(4, den_bits=2)))
    beta, d = draw(rationals(4, den_bits=2)), draw(rationals(4, den_bits=2))
    gamma = draw(rationals(4, den_bits=2, nonzero=True))
    c = draw(rationals(4, den_bits=2, nonzero=True))
    return FormActivation(ReciprocalForm(alpha, beta, gamma, c, d, draw(st.integers(1, 2))))


def _show_m(inst: tuple[FormActivation, fmpq, fmpq]) -> str:
    return f"σ = {inst[0].name}; x = {fmt(inst[1])}, y = {fmt(inst[2])}"


@claim(
    REF,
    "For random σ = αt + β + γ/(ct + d) (Möbius maps half of the time), the shifted "
    "reciprocal-squaring network computes x·y for |x|, |y| <= 1 (pole-prone values 0, −1 "
    "drawn often)",
    instances=st.tuples(reciprocal_forms(), _pole_points(), _pole_points()), status="beyond",
    examples=30, show=_show_m, tags=("beyond",),
)
def multiplication_random_moebius(inst: tuple[FormActivation, fmpq, fmpq]) -> Evidence:
    sigma, x, y = inst
    return check_multiplication(sigma, x, y, SHIFT)


@claim(
    REF,
    "Negative control: for random σ = αt + β + γ/(ct + d), the unshifted network (h = 0) "
    "hits a pole",
    instances=st.tuples(reciprocal_forms(), _pole_points(), _pole_points()), status="beyond",
    expect="counterexample", control_of="reciprocal.multiplication_random_moebius",
    examples=30, show=_show_m,
    refuted_on=("the reciprocal network computes x·y with every σ argument off",),
)
def unshifted_random_moebius_refuted(inst: tuple[FormActivation, fmpq, fmpq]) -> Evidence:
    sigma, x, y = inst
    return check_multiplication(sigma, x, y, fmpq(0))

