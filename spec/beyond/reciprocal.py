"""Beyond the paper: 1/x (and every Möbius map) squares, hence multiplies (PAPER.md §16).

For x ∉ {0, −1}: 1/x − 1/(x + 1) = 1/(x(x + 1)), so

    x² = 1/(1/x − 1/(x + 1)) − x.                                        (R)

(R) is proved as an identity of rational functions (the numerator of the difference is the
zero polynomial).  With u = x + h for a shift h that keeps u and u + 1 away from 0 — h = 3
gives u ∈ [1, 5] for |x| <= 2, i.e. for x = a + b with BN-SLP values |a|, |b| <= 1 — a
network of σ(t) = 1/t units and identity units squares, hence multiplies:
x·y = ((x + y)² − x² − y²)/2.  A Möbius map σ(t) = (at + b)/(ct + d) (c ≠ 0, ad ≠ bc) does
the same, because σ((u − d)/c) = a/c + κ/u with κ ≠ 0: every 1/u is one σ unit read through
an affine map that the next edges absorb.

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

from checkers.activations import IDENTITY, Activation, Traits
from checkers.errors import ActivationError, WhyReluError
from checkers.network import Edge, Network
from checkers.rationals import fmt
from spec.beyond._kinds import MOEBIUS, Moebius, moebius_of
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
    return Certificate("1/(1/x − 1/(x+1)) − x − x² = 0/1 in ℚ(x) (normalised numerator is the "
                       "zero polynomial); valid for x ∉ {0, −1}")


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
)
def dropped_x_refuted(x: fmpq) -> Evidence:
    return _check_r(x, drop_minus_x=True)


# --------------------------------------------------------------------------- networks


@dataclass
class Builder:
    """Builds a network of identity and σ units where every unit has a *meaning*
    ``scale·value + offset`` (identity units: the value; σ units of a Möbius σ: 1/u)."""

    sigma: Activation | None = None
    moebius: Moebius | None = None
    acts: dict[str, Activation | None] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    reading: dict[str, tuple[fmpq, fmpq]] = field(default_factory=dict)
    sigma_nodes: list[str] = field(default_factory=list)

    def input(self, name: str) -> str:
        self.acts[name] = None
        self.reading[name] = (fmpq(1), fmpq(0))
        return name

    def _edges(self, node: str, terms: Sequence[tuple[str, fmpq]], const: fmpq,
               factor: fmpq) -> None:
        merged: dict[str, fmpq] = {}
        for src, coeff in terms:
            merged[src] = merged.get(src, fmpq(0)) + coeff
        bias = const
        for src, coeff in merged.items():
            bias += coeff * self.reading[src][1]
        first = True
        for src, coeff in merged.items():
            w = coeff * self.reading[src][0] * factor
            self.edges.append(Edge(src, node, w, bias * factor if first else fmpq(0)))
            first = False
        if first:
            raise ActivationError(f"unit {node} has no inputs")

    def affine(self, name: str, terms: Sequence[tuple[str, fmpq]], const: fmpq = ZERO) -> str:
        """An identity unit with meaning Σ coeff·meaning(src) + const."""
        self.acts[name] = IDENTITY
        self._edges(name, terms, const, fmpq(1))
        self.reading[name] = (fmpq(1), fmpq(0))
        return name

    def unit(self, name: str, terms: Sequence[tuple[str, fmpq]], const: fmpq = ZERO) -> str:
        """A σ unit with pre-activation Σ coeff·meaning(src) + const, read as its value."""
        assert self.sigma is not None
        self.acts[name] = self.sigma
        self._edges(name, terms, const, fmpq(1))
        self.reading[name] = (fmpq(1), fmpq(0))
        self.sigma_nodes.append(name)
        return name

    def recip(self, name: str, terms: Sequence[tuple[str, fmpq]], const: fmpq = ZERO) -> str:
        """A σ unit with meaning 1/v, v = Σ coeff·meaning(src) + const (σ Möbius)."""
        assert self.sigma is not None and self.moebius is not None
        m = self.moebius
        self.acts[name] = self.sigma
        self._edges(name, terms, const - m.d, 1 / m.c)
        self.reading[name] = (1 / m.kappa, -m.a / (m.c * m.kappa))
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

    def multiply(self, name: str, x: str, y: str, shift: fmpq) -> str:
        """x·y = ((x + y)² − x² − y²)/2 with three squarings."""
        s1 = self.square(f"{name}.sum2", [(x, fmpq(1)), (y, fmpq(1))], fmpq(0), shift)
        s2 = self.square(f"{name}.x2", [(x, fmpq(1))], fmpq(0), shift)
        s3 = self.square(f"{name}.y2", [(y, fmpq(1))], fmpq(0), shift)
        half = fmpq(1, 2)
        return self.affine(name, [(s1, half), (s2, -half), (s3, -half)])

    def network(self, outputs: Sequence[str]) -> Network:
        return Network(dict(self.acts), self.edges, outputs=list(outputs))

    def meaning(self, values: dict[str, fmpq], node: str) -> fmpq:
        sc, off = self.reading[node]
        return sc * values[node] + off


class MoebiusActivation(Activation):
    """σ(t) = (at + b)/(ct + d) evaluated exactly; a pole raises ActivationError.  (A fixture
    for random Möbius maps; the activation language parses ``1/x`` and ``p(x)/q(x)``.)"""

    def __init__(self, m: Moebius) -> None:
        self.m = m
        self.name = f"({fmt(m.a)}*x + {fmt(m.b)})/({fmt(m.c)}*x + {fmt(m.d)})"
        self.traits = Traits(cast(Any, "rational"))
        self.numerator = fmpq_poly([m.b, m.a])
        self.denominator = fmpq_poly([m.d, m.c])

    def __call__(self, z: fmpq) -> fmpq:
        den = self.m.c * z + self.m.d
        if den == 0:
            raise ActivationError(f"{self.name} has a pole at {fmt(z)}")
        return (self.m.a * z + self.m.b) / den

    def derivative(self, z: fmpq) -> fmpq:
        den = self.m.c * z + self.m.d
        if den == 0:
            raise ActivationError(f"{self.name} has a pole at {fmt(z)}")
        return (self.m.a * self.m.d - self.m.b * self.m.c) / (den * den)

    def describe(self) -> dict[str, Any]:
        return {"kind": "rational", "numerator": [fmt(self.m.b), fmt(self.m.a)],
                "denominator": [fmt(self.m.d), fmt(self.m.c)]}


def multiplication_network(sigma: Activation, shift: fmpq = SHIFT) -> tuple[Network, Builder]:
    """Inputs x, y; output x·y through three shifted squarings (R) with σ Möbius."""
    m = moebius_of(sigma)
    if m is None:
        raise ActivationError(f"{sigma.name} is not a Möbius map (at + b)/(ct + d)")
    b = Builder(sigma, m)
    b.input("x")
    b.input("y")
    out = b.multiply("xy", "x", "y", shift)
    return b.network([out]), b


def pole_margin(net: Network, b: Builder, trace_pre: Sequence[fmpq]) -> fmpq:
    """The smallest |c·t + d| over the σ units' pre-activations t (distance to a pole,
    in units of u)."""
    assert b.moebius is not None
    m = b.moebius
    idx = [net.index_of(n) for n in b.sigma_nodes]
    return min(abs(m.c * trace_pre[i] + m.d) for i in idx)


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
    if shift == SHIFT:  # u ∈ [1, 5], so 1/u − 1/(u+1) = 1/(u(u+1)) >= 1/30
        check_le(1 / margin, 30, "every σ argument is at distance >= 1/30 from the pole")
    return Evidence.of(nodes=len(net.nodes), sigma_units=len(b.sigma_nodes)).bound(
        "inverse_pole_margin", 1 / margin, 30)


def _show_xy(inst: tuple[fmpq, fmpq]) -> str:
    return f"x = {fmt(inst[0])}, y = {fmt(inst[1])}"


def _pole_points() -> st.SearchStrategy[fmpq]:
    """[−1, 1] with the pole-prone values 0 and −1 drawn often (hard cases)."""
    return st.one_of(st.sampled_from([fmpq(0), fmpq(-1)]), unit_points())


@claim_for(
    REF,
    "For Möbius σ (e.g. 1/x): the network of σ and identity units built from (R) with shift "
    "h = 3 computes x·y exactly for |x|, |y| <= 1, every σ argument at distance >= 1/30 "
    "from the pole (simulation only; the paper lists 1/x as open)",
    covers=MOEBIUS, instances=lambda act: st.tuples(_pole_points(), _pole_points()),
    status="beyond", examples=30, show=_show_xy, tags=("beyond",),
)
def multiplication(act: Activation, inst: tuple[fmpq, fmpq]) -> Evidence:
    x, y = inst
    return check_multiplication(act, x, y, SHIFT)


@claim_for(
    REF,
    "Negative control: without the shift (h = 0) the network hits a pole at x = 0 or x = −1",
    covers=MOEBIUS, instances=lambda act: st.tuples(_pole_points(), _pole_points()),
    status="beyond", expect="counterexample", control_of="reciprocal.multiplication",
    examples=30, show=_show_xy,
)
def unshifted_refuted(act: Activation, inst: tuple[fmpq, fmpq]) -> Evidence:
    x, y = inst
    return check_multiplication(act, x, y, fmpq(0))


@st.composite
def moebius_maps(draw: st.DrawFn) -> MoebiusActivation:
    """(at + b)/(ct + d) with c ≠ 0 and ad ≠ bc."""
    a, b, d = (draw(rationals(4, den_bits=2)) for _ in range(3))
    c = draw(rationals(4, den_bits=2, nonzero=True))
    if a * d == b * c:
        b += 1
    return MoebiusActivation(Moebius(a, b, c, d))


def _show_m(inst: tuple[MoebiusActivation, fmpq, fmpq]) -> str:
    return f"σ = {inst[0].name}; x = {fmt(inst[1])}, y = {fmt(inst[2])}"


@claim(
    REF,
    "For random Möbius maps σ, the shifted reciprocal-squaring network computes x·y for "
    "|x|, |y| <= 1 (pole-prone values 0, −1 drawn often)",
    instances=st.tuples(moebius_maps(), _pole_points(), _pole_points()), status="beyond",
    examples=30, show=_show_m, tags=("beyond",),
)
def multiplication_random_moebius(inst: tuple[MoebiusActivation, fmpq, fmpq]) -> Evidence:
    sigma, x, y = inst
    return check_multiplication(sigma, x, y, SHIFT)


@claim(
    REF,
    "Negative control: for random Möbius maps, the unshifted network (h = 0) hits a pole",
    instances=st.tuples(moebius_maps(), _pole_points(), _pole_points()), status="beyond",
    expect="counterexample", control_of="reciprocal.multiplication_random_moebius",
    examples=30, show=_show_m,
)
def unshifted_random_moebius_refuted(inst: tuple[MoebiusActivation, fmpq, fmpq]) -> Evidence:
    sigma, x, y = inst
    return check_multiplication(sigma, x, y, fmpq(0))

