"""Activations with exact values and exact derivatives (§2, Remark 1.5, App. E).

Every activation has a canonical ``name`` (an expression :func:`parse_activation` reads
back), declares its :class:`Traits` (the extension point of the claim registry matches on
them) and exposes a plain-data :meth:`Activation.describe` that the Fraction reference
engine re-implements independently.

Syntax of activation strings:

* ``id`` — the identity;
* a polynomial in ``x`` with rational coefficients, e.g. ``x^2 + 1/2*x``;
* ``relu``, ``leaky_relu(1/8)``;
* ``pwl(P0 | t1 | P1 | t2 | P2 ...)`` — piecewise linear: affine pieces ``P_i`` in ``x``
  separated by increasing breakpoints ``t_i``; piece ``P_i`` applies on ``(t_i, t_{i+1}]``;
  continuity at every breakpoint is checked;
* ``phi_K(BASE)`` or ``phi_K(BASE, C)`` — the bit-bounded activation of Remark 1.5: the
  base activation rounded down to a multiple of ``2^-K`` and clipped to ``[-C, C]``
  (default ``C = 1``).

**Derivative convention at breakpoints.**  The derivative at a breakpoint is the slope of
the piece to its *left* (so ``relu'(0) = 0`` and ``leaky_relu(a)'(0) = a``, as in common
deep-learning frameworks).  For ``phi_K`` the backprop rule is the straight-through
estimator: ``phi'(z) = round_K(base'(z))`` where the rounded output lies in ``[-C, C]``
and ``0`` where it is clipped; it is itself a multiple of ``2^-K``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import Any, Literal

from flint import fmpq, fmpq_poly, fmpz

from checkers.errors import ActivationError, PolynomialError, RationalParseError
from checkers.poly import SizeBounds, coefficients, parse_poly, poly_str
from checkers.rationals import RationalLike, fmt, to_q

Kind = Literal["identity", "polynomial", "piecewise_linear", "bit_bounded"]


@dataclass(frozen=True)
class Traits:
    """What an activation is, for the claim registry's predicates.

    ``degree`` is set for polynomials (identity: 1); ``piecewise_linear`` holds for the
    identity, affine polynomials, ReLU-type and ``pwl`` activations; ``bit_bounded_k`` is
    the ``K`` of ``phi_K``.
    """

    kind: Kind
    degree: int | None = None
    piecewise_linear: bool = False
    bit_bounded_k: int | None = None

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

    def apply_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        return list(nums), den

    def derivative_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        return [fmpz(1)] * len(nums), fmpz(1)


class Polynomial(Activation):
    """σ(T) = Σ r_k T^k with rational coefficients (§2)."""

    def __init__(self, p: fmpq_poly | str | Sequence[RationalLike]) -> None:
        if isinstance(p, str):
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
        self.traits = Traits("polynomial", degree=self.degree, piecewise_linear=self.degree <= 1)
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
        out = []
        for n in nums:
            acc = scaled[mu]
            for k in range(mu - 1, -1, -1):
                acc = acc * n + scaled[k]
            out.append(acc)
        return out, self._den * dpow[mu]


class PiecewiseLinear(Activation):
    """Continuous piecewise-linear activation with rational breakpoints, slopes, intercepts.

    ``breakpoints`` t_1 < ... < t_m and ``pieces`` (s_0, c_0), ..., (s_m, c_m); piece i is
    ``s_i x + c_i`` on ``(t_i, t_{i+1}]`` (t_0 = -∞, t_{m+1} = +∞).  Continuity
    ``s_{i-1} t_i + c_{i-1} = s_i t_i + c_i`` is checked (App. E).
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
        self.breakpoints = ts
        self.pieces = ps
        self.name = name if name is not None else self._canonical()
        self.traits = Traits("piecewise_linear", piecewise_linear=True)

    def _canonical(self) -> str:
        parts = [_affine_str(*self.pieces[0])]
        for t, p in zip(self.breakpoints, self.pieces[1:], strict=True):
            parts += [fmt(t), _affine_str(*p)]
        return "pwl(" + " | ".join(parts) + ")"

    def _piece(self, z: fmpq) -> tuple[fmpq, fmpq]:
        # piece i applies on (t_i, t_{i+1}]: count breakpoints strictly below z
        lo, hi = 0, len(self.breakpoints)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.breakpoints[mid] < z:
                lo = mid + 1
            else:
                hi = mid
        return self.pieces[lo]

    def __call__(self, z: fmpq) -> fmpq:
        s, c = self._piece(z)
        return s * z + c

    def derivative(self, z: fmpq) -> fmpq:
        return self._piece(z)[0]

    def describe(self) -> dict[str, Any]:
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
    """z for z > 0, a·z for z <= 0 (``leaky_relu(a)``); derivative a at 0."""

    def __init__(self, slope: RationalLike) -> None:
        a = to_q(slope)
        super().__init__([0], [(a, 0), (1, 0)], name=f"leaky_relu({fmt(a)})")
        self.slope = a

    def apply_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        p, q = self.slope.p, self.slope.q
        return [n * q if n > 0 else n * p for n in nums], den * q

    def derivative_shared(self, nums: Sequence[fmpz], den: fmpz) -> tuple[list[fmpz], fmpz]:
        p, q = self.slope.p, self.slope.q
        return [q if n > 0 else p for n in nums], q


MAX_PHI_K = 1 << 20
"""Largest ``K`` of ``phi_K`` (outputs are multiples of ``2^-K``)."""


class BitBounded(Activation):
    """φ_K of Remark 1.5: ``clip(floor(2^K base(z)) / 2^K, -C, C)``.

    Outputs are multiples of ``2^-K`` in ``[-C, C]``, so every output has size at most
    ``bitlen(floor(C 2^K)) + K + 1``.  Backprop rule: see the module doc.
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

    def __call__(self, z: fmpq) -> fmpq:
        v = self.round(self.base(z))
        c = self._clipped(v)
        return v if c is None else c

    def derivative(self, z: fmpq) -> fmpq:
        if self._clipped(self.round(self.base(z))) is not None:
            return fmpq(0)
        return self.round(self.base.derivative(z))

    def output_size_bound(self) -> int:
        """Upper bound on ``size(φ_K(z))`` for every z: ``bitlen(floor(C 2^K)) + K + 1``."""
        return int((self.clip * self._scale).floor().bit_length()) + self.k + 1

    def describe(self) -> dict[str, Any]:
        return {"kind": "bit_bounded", "k": self.k, "clip": fmt(self.clip),
                "base": self.base.describe()}


IDENTITY = Identity()
RELU = ReLU()

_LEAKY_RE = re.compile(r"leaky_relu\((.*)\)", re.S)
_PHI_RE = re.compile(r"phi_([0-9]+)\((.*)\)", re.S)
_PWL_RE = re.compile(r"pwl\((.*)\)", re.S)
_MAX_ACTIVATION_TEXT = 100_000


def parse_activation(text: str) -> Activation:
    """Read an activation from its string form (see the module doc).

    >>> parse_activation("leaky_relu(1/8)").name
    'leaky_relu(1/8)'
    >>> parse_activation("pwl(0 | 0 | x | 1 | 1)").traits.piecewise_linear
    True
    """
    if not isinstance(text, str):
        raise ActivationError(f"expected an activation string, got {type(text).__name__}")
    if len(text) > _MAX_ACTIVATION_TEXT:
        raise ActivationError(f"activation string too long ({len(text)} characters)")
    s = text.strip()
    act = _parse_activation(s)
    if len(act.name) > _MAX_ACTIVATION_TEXT:  # the canonical name must read back
        raise ActivationError(f"activation {s[:80]!r} too large: its canonical form "
                              f"{act.name[:40]!r}... has {len(act.name)} characters (limit "
                              f"{_MAX_ACTIVATION_TEXT})")
    return act


def _parse_activation(s: str) -> Activation:
    try:
        if s in ("id", "identity"):
            return IDENTITY
        if s == "relu":
            return RELU
        if m := _LEAKY_RE.fullmatch(s):
            return LeakyReLU(to_q(m.group(1).strip()))
        if m := _PHI_RE.fullmatch(s):
            if len(m.group(1)) > len(str(MAX_PHI_K)):
                k_text = m.group(1) if len(m.group(1)) <= 20 else m.group(1)[:20] + "..."
                raise ActivationError(f"phi_K: K = {k_text} exceeds the limit {MAX_PHI_K}")
            k = int(m.group(1))
            inner, clip = _split_phi_args(m.group(2))
            return BitBounded(parse_activation(inner), k, to_q(clip) if clip else 1)
        if m := _PWL_RE.fullmatch(s):
            return _parse_pwl(m.group(1))
        return Polynomial(parse_poly(s))
    except (PolynomialError, RationalParseError) as e:
        raise ActivationError(f"bad activation {s[:80]!r}: {e}") from None
    except RecursionError:
        raise ActivationError(f"bad activation {s[:80]!r}: nested too deeply") from None


def _split_phi_args(body: str) -> tuple[str, str | None]:
    depth = 0
    for i, ch in enumerate(body):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            return body[:i].strip(), body[i + 1 :].strip()
    return body.strip(), None


def _parse_pwl(body: str) -> PiecewiseLinear:
    parts = [p.strip() for p in body.split("|")]
    if len(parts) % 2 == 0:
        raise ActivationError(
            f"pwl(...) needs pieces and breakpoints alternating, starting and ending with a "
            f"piece; got {len(parts)} fields"
        )
    pieces: list[tuple[fmpq, fmpq]] = []
    for p in parts[0::2]:
        poly = parse_poly(p)
        if poly.degree() > 1:
            raise ActivationError(f"pwl piece {p!r} is not affine")
        pieces.append((poly[1], poly[0]))
    return PiecewiseLinear([to_q(t) for t in parts[1::2]], pieces)
