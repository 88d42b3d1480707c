"""The base of the activations (§2): :class:`Activation`, :class:`Traits`, the shared
piecewise machinery, and the ball-arithmetic rounding of inexact activations
(:class:`InexactActivation`, :func:`certified_floor`) that ``phi_K`` uses.

Everything here is re-exported by :mod:`checkers.activations`; import from there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

from flint import arb, ctx, fmpq, fmpq_poly, fmpz

from checkers.errors import ActivationError, InexactActivationError, RoundingPrecisionError
from checkers.poly import coefficients, poly_str
from checkers.rationals import RationalLike, fmt, to_q

Kind = Literal["identity", "affine", "polynomial", "piecewise_linear", "piecewise_polynomial",
               "rational", "fractional_power", "transcendental", "bit_bounded"]

MAX_ACTIVATION_DEGREE = 512
"""Largest degree of a piece of ``ppoly``/``relu^k`` and of the numerator or denominator of
a rational activation (polynomial activations keep :data:`checkers.poly.MAX_DEGREE`)."""


@dataclass(frozen=True)
class Traits:
    """What an activation is, for the claim registry's predicates.

    ``degree`` is set for polynomials (identity: 1); ``piecewise_linear`` holds for the
    identity, affine polynomials and the (continuous) ``piecewise_linear`` kind;
    ``bit_bounded_k`` is the ``K`` of ``phi_K``; ``exact`` says the values are exact on
    ℚ → ℚ (false for unrounded transcendental functions and non-integer powers);
    ``piece_degree`` is the largest degree of a piece (piecewise kinds only) and
    ``continuous`` is false for a ``ppoly`` with a jump.
    """

    kind: Kind
    degree: int | None = None
    piecewise_linear: bool = False
    bit_bounded_k: int | None = None
    exact: bool = True
    piece_degree: int | None = None
    continuous: bool = True

    @property
    def is_polynomial(self) -> bool:
        return self.degree is not None

    @property
    def is_nonlinear_polynomial(self) -> bool:
        """A polynomial of degree >= 2: the hardness side of the dichotomy (Theorem 1.1)."""
        return self.degree is not None and self.degree >= 2


class Activation(ABC):
    """An activation σ: ℚ → ℚ with an exact derivative."""

    name: str
    traits: Traits

    @abstractmethod
    def __call__(self, z: fmpq) -> fmpq:
        """σ(z), exactly."""

    @abstractmethod
    def derivative(self, z: fmpq) -> fmpq:
        """σ'(z), exactly (left slope at breakpoints, see the module doc)."""

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """Plain data (ints and ``"p/q"`` strings) that determines the activation."""

    def apply_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        """σ applied to ``nums[i]/den`` (``den > 0``), returned as numerators over one
        shared denominator.  Subclasses override this with integer-only fast paths."""
        vals = [self(fmpq(n, den)) for n in nums]
        return _share([v for v in vals])

    def derivative_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        """σ' applied to ``nums[i]/den``, over one shared denominator."""
        return _share([self.derivative(fmpq(n, den)) for n in nums])

    def __repr__(self) -> str:
        return f"<activation {self.name}>"

    def __str__(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Activation) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


def _share(vals: Sequence[fmpq]) -> tuple[list[fmpz], fmpz]:
    den = fmpz(1)
    for v in vals:
        if den % v.q != 0:
            den = den.lcm(v.q)
    return [v.p * (den // v.q) for v in vals], den


def _deg(p: fmpq_poly) -> int:
    return max(int(p.degree()), 0)


class _Piecewise:
    """Shared by the piecewise kinds: ``breakpoints`` t_1 < ... < t_m, one polynomial per
    interval ``(t_i, t_{i+1}]`` (t_0 = -∞, t_{m+1} = +∞)."""

    breakpoints: list[fmpq]

    def _polys(self) -> list[fmpq_poly]:
        raise NotImplementedError

    def _index(self, z: fmpq) -> int:
        # piece i applies on (t_i, t_{i+1}]: count breakpoints strictly below z
        lo, hi = 0, len(self.breakpoints)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.breakpoints[mid] < z:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def intervals(self) -> list[tuple[fmpq | None, fmpq | None, fmpq_poly]]:
        """``(t_i, t_{i+1}, P_i)`` for every piece; ``None`` stands for -∞ / +∞."""
        bounds: list[fmpq | None] = [None, *self.breakpoints, None]
        return [(bounds[i], bounds[i + 1], p) for i, p in enumerate(self._polys())]

    def piece_on(self, lo: RationalLike | None, hi: RationalLike | None) -> fmpq_poly | None:
        """The polynomial that agrees with σ on the open interval ``(lo, hi)`` (``None`` =
        unbounded), or ``None`` if σ is not one polynomial there."""
        a = None if lo is None else to_q(lo)
        b = None if hi is None else to_q(hi)
        if a is not None and b is not None and not a < b:
            raise ActivationError(f"piece_on: empty interval ({fmt(a)}, {fmt(b)})")
        first = 0 if a is None else sum(1 for t in self.breakpoints if t <= a)
        last = len(self.breakpoints) if b is None else sum(1 for t in self.breakpoints if t < b)
        polys = self._polys()[first:last + 1]
        return polys[0] if all(p == polys[0] for p in polys) else None


def _check_pieces(breakpoints: Sequence[RationalLike],
                  pieces: Sequence[fmpq_poly | Sequence[RationalLike]],
                  continuous: bool) -> tuple[list[fmpq], list[fmpq_poly], bool]:
    """Validated, merged breakpoints and pieces, and whether there is a jump."""
    ts = [to_q(t) for t in breakpoints]
    ps = [p if isinstance(p, fmpq_poly) else fmpq_poly([to_q(c) for c in p]) for p in pieces]
    if len(ps) != len(ts) + 1:
        raise ActivationError(f"piecewise polynomial: {len(ts)} breakpoints need "
                              f"{len(ts) + 1} pieces, got {len(ps)}")
    for a, b in pairwise(ts):
        if not a < b:
            raise ActivationError(f"piecewise polynomial: breakpoints must increase "
                                  f"strictly, got {fmt(a)} then {fmt(b)}")
    for p in ps:
        if p.degree() > MAX_ACTIVATION_DEGREE:
            raise ActivationError(f"piecewise polynomial: a piece of degree {p.degree()} "
                                  f"exceeds the limit {MAX_ACTIVATION_DEGREE}")
    jumps = False
    for i, t in enumerate(ts):
        left, right = ps[i](t), ps[i + 1](t)
        if left != right:
            if continuous:
                raise ActivationError(
                    f"piecewise polynomial: discontinuous at breakpoint {fmt(t)}: left piece "
                    f"gives {fmt(left)}, right piece gives {fmt(right)} (write "
                    "continuous=false to allow jumps)")
            jumps = True
    keep_t: list[fmpq] = []
    keep_p = [ps[0]]
    for t, p in zip(ts, ps[1:], strict=True):
        if p != keep_p[-1]:
            keep_t.append(t)
            keep_p.append(p)
    return keep_t, keep_p, jumps


def _paren(p: fmpq_poly) -> str:
    s = poly_str(p)
    return s if s == "x" or s.isdigit() else f"({s})"


def _lowest_terms(num: fmpq_poly, den: fmpq_poly) -> tuple[fmpq_poly, fmpq_poly]:
    if den.is_zero():
        raise ActivationError("rational activation: the denominator is the zero polynomial")
    if num.is_zero():
        raise ActivationError("the zero function is not an activation")
    g = num.gcd(den)
    if g.degree() > 0:
        num, r1 = divmod(num, g)
        den, r2 = divmod(den, g)
        assert r1.is_zero() and r2.is_zero()
    # scale so that num and den are integer polynomials with joint content 1, lead(den) > 0
    cs = coefficients(num) + coefficients(den)
    lcm = fmpz(1)
    for c in cs:
        lcm = lcm.lcm(c.q)
    content = fmpz(0)
    for c in cs:
        content = content.gcd(c.p * (lcm // c.q))
    f = fmpq(lcm, content)
    if den[den.degree()] < 0:
        f = -f
    return num * f, den * f


# --------------------------------------------------------------------------- inexact


MAX_ROUNDING_PREC = 1 << 16
"""Precision cap (bits) of the ball arithmetic that certifies ``⌊2^K f(q)⌋`` for an inexact
``f``; past it :class:`~checkers.errors.RoundingPrecisionError` is raised."""

Ball = tuple[fmpq, arb]
"""``(shift, ball)``: the value is ``shift + x`` for some ``x`` in the ball (the exact shift
keeps the relative precision where the value is close to a rational, e.g. tanh near 1)."""


class InexactActivation(Activation):
    """An activation ℚ → ℝ whose values are irrational in general (``Traits.exact`` false).

    ``__call__``/``derivative`` return the value only where it is rational and raise
    :class:`~checkers.errors.InexactActivationError` elsewhere; ``phi_K`` rounds it with
    :meth:`ball` / :meth:`derivative_ball` (FLINT ``arb`` at the current precision)."""

    @abstractmethod
    def exact_value(self, z: fmpq) -> fmpq | None:
        """f(z) when it is rational, else ``None`` (may raise for z outside the domain)."""

    @abstractmethod
    def exact_derivative(self, z: fmpq) -> fmpq | None:
        """f'(z) when it is rational, else ``None``."""

    @abstractmethod
    def ball(self, z: fmpq) -> Ball:
        """An enclosure of f(z) at ``flint.ctx.prec`` bits."""

    @abstractmethod
    def derivative_ball(self, z: fmpq) -> Ball:
        """An enclosure of f'(z) at ``flint.ctx.prec`` bits."""

    def _inexact(self, z: fmpq, what: str) -> InexactActivationError:
        return InexactActivationError(
            f"{what}{self.name} at x = {fmt(z)} is not rational (no exact value); round it "
            f"with phi_K, e.g. phi_8({self.name})")

    def __call__(self, z: fmpq) -> fmpq:
        v = self.exact_value(z)
        if v is None:
            raise self._inexact(z, "")
        return v

    def derivative(self, z: fmpq) -> fmpq:
        v = self.exact_derivative(z)
        if v is None:
            raise self._inexact(z, "the derivative of ")
        return v


def certified_floor(fn: Callable[[], Ball], scale: fmpz, bound: fmpz | None = None,
                    *, where: str = "") -> fmpz:
    """``⌊scale·f⌋`` where ``fn`` encloses ``f`` at ``flint.ctx.prec``: the precision is
    doubled from 64 bits until the floor of the ball is one integer (at most
    :data:`MAX_ROUNDING_PREC` bits).  With ``bound = M``, returns ``M + 1`` as soon as
    ``scale·f >= M + 1`` is certain and ``-M - 1`` as soon as ``scale·f < -M`` is (the
    clipped cases need no digits)."""
    prec = 64
    while prec <= MAX_ROUNDING_PREC:
        with ctx.workprec(prec):
            shift, b = fn()
            s = shift * scale
            n = s.floor()
            c = arb(s - n) + b * arb(scale)
            if bound is not None:
                if c >= arb(bound + 1 - n):
                    return bound + 1
                if c < arb(-bound - n):
                    return -bound - 1
            fl = c.floor().unique_fmpz() if c.is_finite() else None
            if fl is not None:
                return n + fl
        prec *= 2
    raise RoundingPrecisionError(
        f"could not certify the rounding of {where} within {MAX_ROUNDING_PREC} bits of ball "
        "arithmetic (MAX_ROUNDING_PREC)")

