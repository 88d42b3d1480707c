"""Structural views of an activation used beyond the paper: its polynomial pieces and, for a
rational σ = αt + β + γ/(ct + d), its coefficients.  (A helper module: no claims.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flint import fmpq, fmpq_poly

from checkers.activations import Activation, Identity, PiecewiseLinear, Polynomial
from checkers.poly import poly_str
from checkers.rationals import fmt
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
class ReciprocalForm:
    """σ(t) = α·t + β + γ/(c·t + d)^k with c ≠ 0, γ ≠ 0, k >= 1.

    k = 1: a Möbius map (α = 0, e.g. 1/x, (x + 1)/(x + 2)) or an affine map plus one
    (e.g. (x² + 1)/(x + 2) = x − 2 + 5/(x + 2)); k >= 2: e.g. 1/x².  At t = (v − d)/c one σ
    unit gives 1/v^k = (σ(t) − α·t − β)/γ: an affine map of the unit's value and of its own
    pre-activation, which the next identity units can form.
    """

    alpha: fmpq
    beta: fmpq
    gamma: fmpq
    c: fmpq
    d: fmpq
    k: int = 1

    @staticmethod
    def moebius(a: fmpq, b: fmpq, c: fmpq, d: fmpq) -> ReciprocalForm:
        """(a·t + b)/(c·t + d) = a/c + ((b·c − a·d)/c)/(c·t + d)."""
        return ReciprocalForm(fmpq(0), a / c, (b * c - a * d) / c, c, d)

    @property
    def is_moebius(self) -> bool:
        return self.alpha == 0 and self.k == 1

    def __call__(self, t: fmpq) -> fmpq:
        return self.alpha * t + self.beta + self.gamma / (self.c * t + self.d) ** self.k

    def text(self) -> str:
        """E.g. ``x - 2 + 5/(x + 2)`` or ``1/x^2``."""
        head = fmpq_poly([self.beta, self.alpha])
        lead = "" if head.is_zero() else poly_str(head) + " + "
        base = poly_str(fmpq_poly([self.d, self.c]))
        if self.k == 1:
            return f"{lead}{fmt(self.gamma)}/({base})"
        base = base if base == "x" else f"({base})"
        return f"{lead}{fmt(self.gamma)}/{base}^{self.k}"


def reciprocal_form_of(act: Activation) -> ReciprocalForm | None:
    """σ = αt + β + γ/(t + d)^k when σ = p/q in lowest terms, q = lead·(t + d)^k and
    p = (αt + β)·q + γ·lead (the remainder of p mod q a non-zero constant)."""
    num = getattr(act, "numerator", None)
    den = getattr(act, "denominator", None)
    if not isinstance(num, fmpq_poly) or not isinstance(den, fmpq_poly):
        return None
    g = num.gcd(den)
    if g.degree() > 0:
        num, den = num / g, den / g  # exact division: g divides both
    k = int(den.degree())
    if k < 1 or num.is_zero():
        return None
    lead = den[k]
    d = den[k - 1] / (k * lead)
    if den != lead * fmpq_poly([d, 1]) ** k:
        return None  # not one pole
    quo, rem = divmod(num, den)
    if rem.is_zero() or rem.degree() > 0 or quo.degree() > 1:
        return None
    return ReciprocalForm(quo[1], quo[0], rem[0] / lead, fmpq(1), d, k)


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
RECIPROCAL = ActivationCovers(
    "α·t + β + γ/(c·t + d)^k, c, γ ≠ 0: Möbius maps such as 1/x, (x² + 1)/(x + 2), 1/x²",
    lambda t: t.kind == "rational",
    lambda act: reciprocal_form_of(act) is not None,
)
GADGET_BEYOND = ActivationCovers(
    "a piece of degree >= 2, or α·t + β + γ/(c·t + d)^k (gadgets beyond the paper)",
    lambda t: t.kind in ("piecewise_polynomial", "rational"),
    lambda act: bool(nonlinear_pieces(act)) or reciprocal_form_of(act) is not None,
)
