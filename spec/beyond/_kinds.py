"""Structural views of an activation used beyond the paper: its polynomial pieces and, for a
Möbius map, its coefficients.  (A helper module: no claims.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flint import fmpq, fmpq_poly

from checkers.activations import Activation, Identity, PiecewiseLinear, Polynomial
from spec.claims import Covers

Piece = tuple[fmpq | None, fmpq | None, fmpq_poly]
"""``(lo, hi, p)``: σ = p on the open interval (lo, hi); ``None`` is ∓∞."""


def pieces_of(act: Activation) -> list[Piece] | None:
    """σ's polynomial pieces in increasing order, or ``None`` when σ is not piecewise
    polynomial (rational, transcendental, fractional power, φ_K)."""
    intervals = getattr(act, "intervals", None)
    if callable(intervals):
        return [(lo, hi, p) for lo, hi, p in intervals()]
    if isinstance(act, Polynomial):
        return [(None, None, act.poly)]
    if isinstance(act, Identity):
        return [(None, None, fmpq_poly([0, 1]))]
    if isinstance(act, PiecewiseLinear):
        ends: list[fmpq | None] = [None, *act.breakpoints, None]
        return [(ends[i], ends[i + 1], fmpq_poly([c, s]))
                for i, (s, c) in enumerate(act.pieces)]
    return None


def nonlinear_pieces(act: Activation) -> list[Piece]:
    """The pieces of degree >= 2 (where a local multiplication gadget lives)."""
    return [p for p in pieces_of(act) or [] if p[2].degree() >= 2]


@dataclass(frozen=True)
class Moebius:
    """σ(t) = (a·t + b)/(c·t + d) with c ≠ 0 and a·d − b·c ≠ 0 (e.g. 1/x: a=0, b=1, c=1, d=0).

    Then σ((u − d)/c) = a/c + κ/u with κ = (b·c − a·d)/c ≠ 0, so one σ unit computes 1/u up
    to an affine map: 1/u = (σ((u − d)/c) − a/c)/κ.
    """

    a: fmpq
    b: fmpq
    c: fmpq
    d: fmpq

    @property
    def kappa(self) -> fmpq:
        return (self.b * self.c - self.a * self.d) / self.c

    def __call__(self, t: fmpq) -> fmpq:
        return (self.a * t + self.b) / (self.c * t + self.d)


def moebius_of(act: Activation) -> Moebius | None:
    """σ's Möbius coefficients when σ = (a t + b)/(c t + d) in lowest terms with c ≠ 0."""
    num = getattr(act, "numerator", None)
    den = getattr(act, "denominator", None)
    if not isinstance(num, fmpq_poly) or not isinstance(den, fmpq_poly):
        return None
    g = num.gcd(den)
    if g.degree() > 0:
        num, den = num / g, den / g  # exact division: g divides both
    if num.degree() > 1 or den.degree() != 1 or num.is_zero():
        return None
    m = Moebius(num[1], num[0], den[1], den[0])
    return m if m.a * m.d - m.b * m.c != 0 else None


@dataclass(frozen=True)
class ActivationCovers(Covers):
    """A trait predicate refined by a structural one (both must hold)."""

    refine: Callable[[Activation], bool] = lambda act: True

    def __call__(self, act: Activation) -> bool:
        return self.predicate(act.traits) and self.refine(act)


NONLINEAR_PIECE = ActivationCovers(
    "piecewise polynomial with a piece of degree >= 2 (not a polynomial)",
    lambda t: t.kind == "piecewise_polynomial",
    lambda act: bool(nonlinear_pieces(act)),
)
MOEBIUS = ActivationCovers(
    "Möbius map (a·t + b)/(c·t + d), c ≠ 0, a·d ≠ b·c (e.g. 1/x)",
    lambda t: t.kind == "rational",
    lambda act: moebius_of(act) is not None,
)
GADGET_BEYOND = ActivationCovers(
    "a piece of degree >= 2 or a Möbius map (gadgets beyond the paper)",
    lambda t: t.kind in ("piecewise_polynomial", "rational"),
    lambda act: bool(nonlinear_pieces(act)) or moebius_of(act) is not None,
)
