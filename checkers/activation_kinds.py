"""The activation kinds (values, derivatives, traits); :mod:`checkers.activations` is the
public entry point that also parses activation text."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from itertools import pairwise
from typing import Any

from flint import fmpq, fmpq_poly, fmpz

from checkers.activation_base import MAX_ACTIVATION_DEGREE as MAX_ACTIVATION_DEGREE
from checkers.activation_base import MAX_ROUNDING_PREC as MAX_ROUNDING_PREC
from checkers.activation_base import Activation as Activation
from checkers.activation_base import Ball as Ball
from checkers.activation_base import InexactActivation as InexactActivation
from checkers.activation_base import Kind as Kind
from checkers.activation_base import Traits as Traits
from checkers.activation_base import _check_pieces, _deg, _lowest_terms, _paren, _Piecewise
from checkers.activation_base import certified_floor as certified_floor
from checkers.errors import ActivationError, PoleError
from checkers.poly import SizeBounds, coefficients, poly_str
from checkers.rationals import RationalLike, fmt, to_q


class Identity(Activation):
    """The identity ``id``."""

    def __init__(self) -> None:
        self.name = "id"
        self.traits = Traits("identity", degree=1, piecewise_linear=True)

    def __call__(self, z: fmpq) -> fmpq:
        return z

    def derivative(self, z: fmpq) -> fmpq:
        return fmpq(1)

    def describe(self) -> dict[str, Any]:
        return {"kind": "identity"}

    def intervals(self) -> list[tuple[fmpq | None, fmpq | None, fmpq_poly]]:
        """One piece, ``x`` on ℝ."""
        return [(None, None, fmpq_poly([0, 1]))]

    def piece_on(self, lo: RationalLike | None, hi: RationalLike | None) -> fmpq_poly | None:
        """``x`` (the identity agrees with it everywhere)."""
        return fmpq_poly([0, 1])

    def apply_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        return list(nums), den

    def derivative_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        return [fmpz(1)] * len(nums), fmpz(1)


class Polynomial(Activation):
    """σ(T) = Σ r_k T^k with rational coefficients (§2); kind ``affine`` for degree <= 1."""

    def __init__(self, p: fmpq_poly | str | Sequence[RationalLike]) -> None:
        if isinstance(p, str):
            from checkers.poly import parse_poly

            p = parse_poly(p)
        elif not isinstance(p, fmpq_poly):
            p = fmpq_poly([to_q(c) for c in p])
        if p.is_zero():
            raise ActivationError("the zero polynomial is not an activation")
        self.poly = p
        self.dpoly = p.derivative()
        self.degree = int(p.degree())
        self.coeffs: list[fmpq] = coefficients(p)
        self.name = poly_str(p)
        self.traits = Traits("affine" if self.degree <= 1 else "polynomial",
                             degree=self.degree, piecewise_linear=self.degree <= 1)
        # integer form: σ(n/d) = Σ_k (D r_k) n^k d^(μ-k) / (D d^μ)
        self._den = fmpz(1)
        for c in self.coeffs:
            self._den = self._den.lcm(c.q)
        self._int_coeffs = [c.p * (self._den // c.q) for c in self.coeffs]

    def __call__(self, z: fmpq) -> fmpq:
        return self.poly(z)

    def derivative(self, z: fmpq) -> fmpq:
        return self.dpoly(z)

    def describe(self) -> dict[str, Any]:
        return {"kind": "polynomial", "coefficients": [fmt(c) for c in self.coeffs]}

    def intervals(self) -> list[tuple[fmpq | None, fmpq | None, fmpq_poly]]:
        """One piece, σ itself on ℝ."""
        return [(None, None, self.poly)]

    def piece_on(self, lo: RationalLike | None, hi: RationalLike | None) -> fmpq_poly | None:
        """σ itself (a polynomial agrees with itself on every interval)."""
        return self.poly

    @cached_property
    def size_bounds(self) -> SizeBounds:
        """Bounds on ``size(σ(z))`` without computing it (bit budgets)."""
        return SizeBounds(self.poly)

    @cached_property
    def derivative_size_bounds(self) -> SizeBounds:
        """Bounds on ``size(σ'(z))`` without computing it (bit budgets)."""
        return SizeBounds(self.dpoly)

    def apply_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        mu = self.degree
        cs = self._int_coeffs
        dpow = [fmpz(1)]
        for _ in range(mu):
            dpow.append(dpow[-1] * den)
        scaled = [cs[k] * dpow[mu - k] for k in range(mu + 1)]
        if mu >= 2 and not any(scaled[:mu]):  # a monomial c·x^μ: powers (squarings) in C
            c = scaled[mu]
            pw = [n * n for n in nums] if mu == 2 else [n ** mu for n in nums]
            return (pw if c == 1 else [c * v for v in pw]), self._den * dpow[mu]
        out = []
        for n in nums:
            acc = scaled[mu]
            for k in range(mu - 1, -1, -1):
                acc = acc * n + scaled[k]
            out.append(acc)
        return out, self._den * dpow[mu]


# --------------------------------------------------------------------------- piecewise


# data -> canonical name of the named piecewise-linear activations
_PWL_NAMES: dict[tuple[tuple[fmpq, ...], tuple[tuple[fmpq, fmpq], ...]], str] = {
    ((fmpq(0),), ((fmpq(0), fmpq(0)), (fmpq(1), fmpq(0)))): "relu",
    ((fmpq(0), fmpq(6)), ((fmpq(0), fmpq(0)), (fmpq(1), fmpq(0)), (fmpq(0), fmpq(6)))): "relu6",
    ((fmpq(-1), fmpq(1)),
     ((fmpq(0), fmpq(-1)), (fmpq(1), fmpq(0)), (fmpq(0), fmpq(1)))): "hardtanh",
    ((fmpq(0),), ((fmpq(-1), fmpq(0)), (fmpq(1), fmpq(0)))): "abs",
    ((fmpq(-3), fmpq(3)),
     ((fmpq(0), fmpq(0)), (fmpq(1, 6), fmpq(1, 2)), (fmpq(0), fmpq(1)))): "hard_sigmoid",
}


class PiecewiseLinear(_Piecewise, Activation):
    """Continuous piecewise-linear activation with rational breakpoints, slopes, intercepts.

    ``breakpoints`` t_1 < ... < t_m and ``pieces`` (s_0, c_0), ..., (s_m, c_m); piece i is
    ``s_i x + c_i`` on ``(t_i, t_{i+1}]`` (t_0 = -∞, t_{m+1} = +∞).  Continuity
    ``s_{i-1} t_i + c_{i-1} = s_i t_i + c_i`` is checked (App. E).  Breakpoints where both
    sides agree are dropped; with none left the activation is affine (kind ``affine``,
    named and described as the polynomial), so traits follow the function, not the spelling.
    """

    def __init__(
        self,
        breakpoints: Sequence[RationalLike],
        pieces: Sequence[tuple[RationalLike, RationalLike]],
        *,
        name: str | None = None,
    ) -> None:
        ts = [to_q(t) for t in breakpoints]
        ps = [(to_q(s), to_q(c)) for s, c in pieces]
        if len(ps) != len(ts) + 1:
            raise ActivationError(
                f"piecewise-linear: {len(ts)} breakpoints need {len(ts) + 1} pieces, "
                f"got {len(ps)}"
            )
        for a, b in pairwise(ts):
            if not a < b:
                raise ActivationError(
                    f"piecewise-linear: breakpoints must increase strictly, got {fmt(a)} "
                    f"then {fmt(b)}"
                )
        for i, t in enumerate(ts):
            (s0, c0), (s1, c1) = ps[i], ps[i + 1]
            if s0 * t + c0 != s1 * t + c1:
                raise ActivationError(
                    f"piecewise-linear: discontinuous at breakpoint {fmt(t)}: left piece "
                    f"gives {fmt(s0 * t + c0)}, right piece gives {fmt(s1 * t + c1)}"
                )
        keep_t: list[fmpq] = []
        keep_p = [ps[0]]
        for t, p in zip(ts, ps[1:], strict=True):
            if p != keep_p[-1]:
                keep_t.append(t)
                keep_p.append(p)
        self.breakpoints = keep_t
        self.pieces = keep_p
        if not keep_t:
            s, c = keep_p[0]
            self.name = _affine_str(s, c) if s != 0 or c != 0 else "pwl(0)"
            self.traits = Traits("affine", degree=1 if s != 0 else 0, piecewise_linear=True)
        else:
            self.name = self._canonical() if name is None or len(keep_t) < len(ts) else name
            self.traits = Traits("piecewise_linear", piecewise_linear=True, piece_degree=1)

    def _canonical(self) -> str:
        key = (tuple(self.breakpoints), tuple(self.pieces))
        if key in _PWL_NAMES:
            return _PWL_NAMES[key]
        if (len(self.breakpoints) == 1 and self.breakpoints[0] == 0
                and self.pieces[1] == (fmpq(1), fmpq(0)) and self.pieces[0][1] == 0):
            return f"leaky_relu({fmt(self.pieces[0][0])})"
        parts = [_affine_str(*self.pieces[0])]
        for t, p in zip(self.breakpoints, self.pieces[1:], strict=True):
            parts += [fmt(t), _affine_str(*p)]
        return "pwl(" + " | ".join(parts) + ")"

    def _polys(self) -> list[fmpq_poly]:
        return [fmpq_poly([c, s]) for s, c in self.pieces]

    def _piece(self, z: fmpq) -> tuple[fmpq, fmpq]:
        return self.pieces[self._index(z)]

    def __call__(self, z: fmpq) -> fmpq:
        s, c = self._piece(z)
        return s * z + c

    def derivative(self, z: fmpq) -> fmpq:
        return self._piece(z)[0]

    def describe(self) -> dict[str, Any]:
        if not self.breakpoints:
            s, c = self.pieces[0]
            return {"kind": "polynomial", "coefficients": [fmt(c), fmt(s)] if s != 0
                    else [fmt(c)]}
        return {
            "kind": "piecewise_linear",
            "breakpoints": [fmt(t) for t in self.breakpoints],
            "slopes": [fmt(s) for s, _ in self.pieces],
            "intercepts": [fmt(c) for _, c in self.pieces],
        }


def _affine_str(s: fmpq, c: fmpq) -> str:
    return poly_str(fmpq_poly([c, s]))


class ReLU(PiecewiseLinear):
    """max(0, z); ``relu'(0) = 0``."""

    def __init__(self) -> None:
        super().__init__([0], [(0, 0), (1, 0)], name="relu")

    def apply_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        zero = fmpz(0)  # comparing with an fmpz is cheaper than with the int 0
        return [n if n > zero else zero for n in nums], den

    def derivative_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        one, zero = fmpz(1), fmpz(0)
        return [one if n > zero else zero for n in nums], one


class LeakyReLU(PiecewiseLinear):
    """z for z > 0, a·z for z <= 0 (``leaky_relu(a)``); derivative a at 0.  ``a = 0`` is
    ``relu``, ``a = 1`` the affine ``x``, ``a = -1`` is ``abs`` (canonical names)."""

    def __init__(self, slope: RationalLike) -> None:
        a = to_q(slope)
        super().__init__([0], [(a, 0), (1, 0)])
        self.slope = a

    def apply_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        p, q = self.slope.p, self.slope.q
        return [n * q if n > 0 else n * p for n in nums], den * q

    def derivative_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        p, q = self.slope.p, self.slope.q
        return [q if n > 0 else p for n in nums], q


def relu6() -> PiecewiseLinear:
    """``min(max(0, x), 6)`` (``torch.nn.ReLU6``)."""
    return PiecewiseLinear([0, 6], [(0, 0), (1, 0), (0, 6)])


def hardtanh() -> PiecewiseLinear:
    """``min(max(-1, x), 1)`` (``torch.nn.Hardtanh`` with its defaults)."""
    return PiecewiseLinear([-1, 1], [(0, -1), (1, 0), (0, 1)])


def abs_activation() -> PiecewiseLinear:
    """``|x|``; ``abs'(0) = -1`` by the left-slope convention."""
    return PiecewiseLinear([0], [(-1, 0), (1, 0)])


def hard_sigmoid() -> PiecewiseLinear:
    """``relu6(x + 3)/6``: 0 for x <= -3, 1 for x >= 3, x/6 + 1/2 between — PyTorch's
    ``torch.nn.Hardsigmoid`` (documented as exactly this piecewise formula)."""
    return PiecewiseLinear([-3, 3], [(0, 0), (fmpq(1, 6), fmpq(1, 2)), (0, 1)])


class PiecewisePolynomial(_Piecewise, Activation):
    """Polynomial pieces with rational breakpoints: ``pieces[i]`` on ``(t_i, t_{i+1}]``.

    Continuity at every breakpoint is checked unless ``continuous=False``.  Adjacent equal
    pieces are merged.  A continuous function whose pieces are all affine is the
    ``piecewise_linear`` kind and a single piece is a polynomial: build those through
    :func:`piecewise`, which picks the canonical class (this constructor refuses them, so
    that traits follow the function, not the spelling).
    """

    def __init__(self, breakpoints: Sequence[RationalLike],
                 pieces: Sequence[fmpq_poly | Sequence[RationalLike]], *,
                 continuous: bool = True, name: str | None = None) -> None:
        ts, ps, jumps = _check_pieces(breakpoints, pieces, continuous)
        if len(ps) == 1:
            raise ActivationError("piecewise polynomial with a single piece is a polynomial; "
                                  "use piecewise(...) or Polynomial")
        if not jumps and all(_deg(p) <= 1 for p in ps):
            raise ActivationError("continuous piecewise polynomial with affine pieces is "
                                  "piecewise linear; use piecewise(...) or PiecewiseLinear")
        self.breakpoints = ts
        self.pieces = ps
        self.derivatives = [p.derivative() for p in ps]
        self.continuous = not jumps
        self.traits = Traits("piecewise_polynomial", piece_degree=max(_deg(p) for p in ps),
                             continuous=not jumps)
        self.name = name if name is not None else self._canonical()

    def _canonical(self) -> str:
        ts, ps = self.breakpoints, self.pieces
        if ts == [0] and ps[0].is_zero() and ps[1].degree() >= 2 and \
                ps[1] == fmpq_poly([0, 1]) ** int(ps[1].degree()):
            return f"relu^{int(ps[1].degree())}"
        if ts == [-3, 3] and ps == [fmpq_poly([]), fmpq_poly([0, fmpq(1, 2), fmpq(1, 6)]),
                                    fmpq_poly([0, 1])]:
            return "hardswish"
        parts = [poly_str(ps[0])]
        for t, p in zip(ts, ps[1:], strict=True):
            parts += [fmt(t), poly_str(p)]
        flag = "" if self.continuous else ", continuous=false"
        return "ppoly(" + " | ".join(parts) + flag + ")"

    def _polys(self) -> list[fmpq_poly]:
        return list(self.pieces)

    def __call__(self, z: fmpq) -> fmpq:
        return self.pieces[self._index(z)](z)

    def derivative(self, z: fmpq) -> fmpq:
        return self.derivatives[self._index(z)](z)

    def derivative_bound(self, radius: RationalLike) -> fmpq:
        """An upper bound on ``|σ'(z)|`` over ``|z| <= radius``: the largest
        ``Σ k |c_k| radius^(k-1)`` over the pieces."""
        r = abs(to_q(radius))
        return max(sum((k * abs(c) * r ** (k - 1) for k, c in enumerate(coefficients(p))
                        if k >= 1), fmpq(0)) for p in self.pieces)

    def describe(self) -> dict[str, Any]:
        return {"kind": "piecewise_polynomial",
                "breakpoints": [fmt(t) for t in self.breakpoints],
                "pieces": [[fmt(c) for c in coefficients(p)] for p in self.pieces]}


class ReLUPower(PiecewisePolynomial):
    """``relu^k = relu(x)^k`` for ``k >= 2``: 0 for x <= 0, x^k for x > 0."""

    def __init__(self, k: int) -> None:
        if isinstance(k, bool) or not isinstance(k, int) or k < 2:
            raise ActivationError(f"relu^k needs an integer k >= 2 here, got {k!r} "
                                  "(relu^1 is relu)")
        if k > MAX_ACTIVATION_DEGREE:
            raise ActivationError(f"relu^{k}: degree exceeds the limit {MAX_ACTIVATION_DEGREE}")
        super().__init__([0], [fmpq_poly([]), fmpq_poly([0, 1]) ** k])
        self.k = k

    def apply_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        zero, k = fmpz(0), self.k
        return [n**k if n > zero else zero for n in nums], den**k

    def derivative_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        zero, k = fmpz(0), self.k
        return [k * n ** (k - 1) if n > zero else zero for n in nums], den ** (k - 1)


def hardswish() -> PiecewisePolynomial:
    """``x·relu6(x + 3)/6``: 0 for x <= -3, x for x >= 3, x(x + 3)/6 between —
    PyTorch's ``torch.nn.Hardswish``."""
    return PiecewisePolynomial([-3, 3], [fmpq_poly([]), fmpq_poly([0, fmpq(1, 2), fmpq(1, 6)]),
                                         fmpq_poly([0, 1])])


def piecewise(breakpoints: Sequence[RationalLike],
              pieces: Sequence[fmpq_poly | Sequence[RationalLike]], *,
              continuous: bool = True) -> Activation:
    """The canonical activation for polynomial pieces on ``(t_i, t_{i+1}]``: a polynomial
    (one piece), :class:`PiecewiseLinear` (continuous, all pieces affine), :class:`ReLUPower`
    or else :class:`PiecewisePolynomial`."""
    ts, ps, jumps = _check_pieces(breakpoints, pieces, continuous)
    if len(ps) == 1:
        return Polynomial(ps[0])
    if not jumps and all(_deg(p) <= 1 for p in ps):
        act = PiecewiseLinear(ts, [(p[1], p[0]) for p in ps])
        return RELU if act == RELU else act
    if ts == [0] and ps[0].is_zero() and ps[1] == fmpq_poly([0, 1]) ** max(_deg(ps[1]), 1):
        return ReLUPower(int(ps[1].degree()))
    return PiecewisePolynomial(ts, ps, continuous=continuous)


# --------------------------------------------------------------------------- rational


class Rational(Activation):
    """``p(x)/q(x)`` with ``q`` non-constant, in lowest terms (``gcd(p, q) = 1``; ``p`` and
    ``q`` integer polynomials whose coefficients have no common factor, ``q`` with a positive
    leading coefficient).  Undefined at the
    rational roots of ``q`` (:class:`~checkers.errors.PoleError`); ``1/x`` and the Möbius
    maps ``(ax + b)/(cx + d)`` are examples.  Build through :func:`rational_function` to get
    a polynomial when the denominator cancels."""

    def __init__(self, numerator: fmpq_poly, denominator: fmpq_poly) -> None:
        num, den = _lowest_terms(numerator, denominator)
        if den.degree() < 1:
            raise ActivationError("rational activation with a constant denominator is a "
                                  "polynomial; use rational_function(...) or Polynomial")
        for what, p in (("numerator", num), ("denominator", den)):
            if p.degree() > MAX_ACTIVATION_DEGREE:
                raise ActivationError(f"rational activation: {what} of degree {p.degree()} "
                                      f"exceeds the limit {MAX_ACTIVATION_DEGREE}")
        self.numerator = num
        self.denominator = den
        self._dnum = num.derivative() * den - num * den.derivative()
        self.name = f"{_paren(num)}/{_paren(den)}"
        self.traits = Traits("rational")

    def poles(self) -> list[fmpq]:
        """The rational roots of the denominator, increasing."""
        _, factors = self.denominator.factor()
        return sorted(-f[0] / f[1] for f, _ in factors if f.degree() == 1)

    def __call__(self, z: fmpq) -> fmpq:
        d = self.denominator(z)
        if d == 0:
            raise PoleError(self.name, fmt(z))
        return self.numerator(z) / d

    def derivative(self, z: fmpq) -> fmpq:
        d = self.denominator(z)
        if d == 0:
            raise PoleError(self.name, fmt(z), derivative=True)
        return self._dnum(z) / (d * d)

    def describe(self) -> dict[str, Any]:
        return {"kind": "rational",
                "numerator": [fmt(c) for c in coefficients(self.numerator)],
                "denominator": [fmt(c) for c in coefficients(self.denominator)]}


def rational_function(num: fmpq_poly, den: fmpq_poly) -> Activation:
    """``num/den`` reduced: a :class:`Polynomial` when the denominator cancels to a constant,
    else a :class:`Rational`."""
    n, d = _lowest_terms(num, den)
    if d.degree() == 0:
        return Polynomial(n / d[0])
    return Rational(n, d)


# --------------------------------------------------------------------------- phi_K


MAX_PHI_K = 1 << 20
"""Largest ``K`` of ``phi_K`` (outputs are multiples of ``2^-K``)."""


class BitBounded(Activation):
    """φ_K of Remark 1.5: ``clip(floor(2^K base(z)) / 2^K, -C, C)``.

    Outputs are multiples of ``2^-K`` in ``[-C, C]``, so every output has size at most
    ``bitlen(floor(C 2^K)) + K + 1``.  Backprop rule: see the module doc.  For an inexact
    base (transcendental, ``x^(p/q)``) the floor is certified with ball arithmetic
    (:func:`certified_floor`); where the base value is rational it is used exactly.
    """

    def __init__(self, base: Activation, k: int, clip: RationalLike = 1) -> None:
        if isinstance(k, bool) or not isinstance(k, int) or k < 0:
            raise ActivationError(f"phi_K needs an integer K >= 0, got {k!r}")
        if k > MAX_PHI_K:
            raise ActivationError(f"phi_K: K = {k} exceeds the limit {MAX_PHI_K}")
        c = to_q(clip)
        if not c > 0:
            raise ActivationError(f"phi_K needs a positive clip bound, got {fmt(c)}")
        if isinstance(base, BitBounded):
            raise ActivationError("phi_K of phi_K is not supported; round the base once")
        self.base = base
        self.k = k
        self.clip = c
        self._scale = fmpz(2) ** k
        self._bound = (c * self._scale).floor()
        suffix = "" if c == 1 else f", {fmt(c)}"
        self.name = f"phi_{k}({base.name}{suffix})"
        self.traits = Traits("bit_bounded", bit_bounded_k=k)

    def round(self, q: fmpq) -> fmpq:
        """Round down to a multiple of ``2^-K``."""
        return fmpq((q * self._scale).floor(), self._scale)

    def _clipped(self, v: fmpq) -> fmpq | None:
        cap = self.round(self.clip)
        if v > cap:
            return cap
        if v < -cap:
            return -cap
        return None

    def _rounded_value(self, z: fmpq) -> fmpq:
        base = self.base
        if isinstance(base, InexactActivation):
            ex = base.exact_value(z)
            if ex is None:
                n = certified_floor(lambda: base.ball(z), self._scale, self._bound,
                                    where=f"{self.name} at x = {fmt(z)}")
                return fmpq(n, self._scale)
            return self.round(ex)
        return self.round(base(z))

    def unclipped(self, z: fmpq) -> fmpq:
        """⌊2^K·σ(z)⌋/2^K before clipping (certified by ball arithmetic for inexact σ)."""
        return self._rounded_value(z)

    def __call__(self, z: fmpq) -> fmpq:
        v = self._rounded_value(z)
        c = self._clipped(v)
        return v if c is None else c

    def derivative(self, z: fmpq) -> fmpq:
        if self._clipped(self._rounded_value(z)) is not None:
            return fmpq(0)
        base = self.base
        if isinstance(base, InexactActivation):
            ex = base.exact_derivative(z)
            if ex is None:
                n = certified_floor(lambda: base.derivative_ball(z), self._scale,
                                    where=f"the derivative of {self.name} at x = {fmt(z)}")
                return fmpq(n, self._scale)
            return self.round(ex)
        return self.round(base.derivative(z))

    def output_size_bound(self) -> int:
        """Upper bound on ``size(φ_K(z))`` for every z: ``bitlen(floor(C 2^K)) + K + 1``."""
        return int((self.clip * self._scale).floor().bit_length()) + self.k + 1

    def describe(self) -> dict[str, Any]:
        return {"kind": "bit_bounded", "k": self.k, "clip": fmt(self.clip),
                "base": self.base.describe()}


IDENTITY = Identity()
RELU = ReLU()
