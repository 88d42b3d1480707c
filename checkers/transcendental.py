"""Activations whose values are irrational in general: ``tanh``, ``sigmoid``, ``softplus``,
``silu`` (= ``swish``), ``gelu`` (erf form ``x·Φ(x)``), ``exp`` and ``x^(p/q)``.

They are outside the paper's exact model (§2 needs σ: ℚ → ℚ): by the Lindemann–Weierstrass
theorem ``e^q`` is transcendental for rational ``q ≠ 0``, so tanh, sigmoid, SiLU and exp take
irrational values at every rational ``q ≠ 0`` and softplus everywhere.  Each class returns
the value exactly at the points where it is rational (``tanh(0) = 0``, ``sigmoid(0) = 1/2``,
``silu(0) = gelu(0) = 0``, ``exp(0) = 1``, and the derivatives there) and otherwise raises
:class:`~checkers.errors.InexactActivationError`; ``phi_K(f)`` rounds it with FLINT ball
arithmetic (:func:`checkers.activations.certified_floor`).

The enclosures are written as ``shift + ball`` with an exact rational shift wherever the
value approaches a rational (tanh → ±1, sigmoid → 1, gelu(x) → x, ...), so that the ball
keeps its *relative* precision and the floor is certified at any input size.
"""

from __future__ import annotations

from typing import Any

from flint import arb, fmpq, fmpz

from checkers.activation_base import MAX_ACTIVATION_DEGREE, Ball, InexactActivation, Traits
from checkers.errors import ActivationError, PoleError
from checkers.rationals import fmt

TRANSCENDENTAL_NAMES = ("tanh", "sigmoid", "softplus", "silu", "gelu", "exp")
"""Canonical names; ``swish`` is an alias of ``silu``."""

_ZERO, _ONE, _HALF, _QUARTER = fmpq(0), fmpq(1), fmpq(1, 2), fmpq(1, 4)

# rational values at 0 (the only rational point of each): value, derivative
_AT_ZERO: dict[str, tuple[fmpq | None, fmpq]] = {
    "tanh": (_ZERO, _ONE),
    "sigmoid": (_HALF, _QUARTER),
    "softplus": (None, _HALF),  # log 2 is irrational
    "silu": (_ZERO, _HALF),
    "gelu": (_ZERO, _HALF),
    "exp": (_ONE, _ONE),
}


def _sig(x: arb) -> arb:
    """1/(1 + e^{-x}), accurate for x >= 0 and for x << 0 alike."""
    return 1 / (1 + (-x).exp())


def _phi_density(x: arb) -> arb:
    return (-(x * x) / 2).exp() / (2 * arb.pi()).sqrt()


def _erfc(x: arb) -> arb:
    """erfc with a usable enclosure for large positive arguments too (arb's only bounds it
    above there): for x > 0, ``1 - 1/(2x²) <= x√π e^{x²} erfc(x) <= 1``."""
    y = x.erfc()
    if y > 0 or not x > 1:
        return y
    u = 1 / (4 * x * x)
    return (-(x * x)).exp() / (x * arb.pi().sqrt()) * arb(1 - u.mid(), 2 * (u.mid() + u.rad()))


def _sqrt2() -> arb:
    return arb(2).sqrt()


def _value(name: str, q: fmpq) -> Ball:
    x = arb(q)
    small = abs(q) < 1
    if name == "tanh":
        if small:
            return _ZERO, x.tanh()
        if q > 0:
            return _ONE, -2 / ((2 * x).exp() + 1)
        return -_ONE, 2 / ((-2 * x).exp() + 1)
    if name == "sigmoid":
        if small:
            return _HALF, (x / 2).tanh() / 2
        if q > 0:
            return _ONE, -1 / (1 + x.exp())
        return _ZERO, 1 / (1 + (-x).exp())
    if name == "softplus":
        if q >= 0:
            return q, (-x).exp().log1p()
        return _ZERO, x.exp().log1p()
    if name == "silu":
        if q >= 1:
            return q, -x / (1 + x.exp())
        return _ZERO, x * _sig(x)
    if name == "gelu":
        if q >= 1:
            return q, -x * _erfc(x / _sqrt2()) / 2
        return _ZERO, x * _erfc(-x / _sqrt2()) / 2
    if name == "exp":
        return (_ONE, x.expm1()) if small else (_ZERO, x.exp())
    raise ActivationError(f"unknown transcendental activation {name!r}")


def _derivative(name: str, q: fmpq) -> Ball:
    x = arb(q)
    small = abs(q) < 1
    if name == "tanh":
        return (_ONE, -(x.tanh() ** 2)) if small else (_ZERO, x.sech() ** 2)
    if name in ("sigmoid", "softplus"):
        if name == "softplus":
            return _value("sigmoid", q)
        if small:
            return _QUARTER, -((x / 2).tanh() ** 2) / 4
        t = (-abs(x)).exp()
        return _ZERO, t / (1 + t) ** 2
    if name == "silu":
        if small:
            s = (x / 2).tanh()
            return _HALF, s / 2 + x * (1 - s * s) / 4
        if q > 0:
            return _ONE, _sig(-x) * (x * _sig(x) - 1)
        return _ZERO, _sig(x) * (1 + x * _sig(-x))
    if name == "gelu":
        r2 = _sqrt2()
        if small:
            return _HALF, (x / r2).erf() / 2 + x * _phi_density(x)
        if q > 0:
            return _ONE, x * _phi_density(x) - _erfc(x / r2) / 2
        return _ZERO, _erfc(-x / r2) / 2 + x * _phi_density(x)
    if name == "exp":
        return _value("exp", q)
    raise ActivationError(f"unknown transcendental activation {name!r}")


class Transcendental(InexactActivation):
    """One of :data:`TRANSCENDENTAL_NAMES` (kind ``transcendental``, not exact).

    ``gelu`` is the erf form ``x·Φ(x)`` with Φ the standard normal distribution function
    (``torch.nn.GELU()`` with its default ``approximate='none'``); ``silu(x) = x·sigmoid(x)``;
    ``softplus(x) = log(1 + e^x)``.
    """

    def __init__(self, name: str) -> None:
        name = "silu" if name == "swish" else name
        if name not in TRANSCENDENTAL_NAMES:
            raise ActivationError(f"unknown transcendental activation {name!r}")
        self.name = name
        self.traits = Traits("transcendental", exact=False)

    def exact_value(self, z: fmpq) -> fmpq | None:
        return _AT_ZERO[self.name][0] if z == 0 else None

    def exact_derivative(self, z: fmpq) -> fmpq | None:
        return _AT_ZERO[self.name][1] if z == 0 else None

    def ball(self, z: fmpq) -> Ball:
        return _value(self.name, z)

    def derivative_ball(self, z: fmpq) -> Ball:
        return _derivative(self.name, z)

    def describe(self) -> dict[str, Any]:
        return {"kind": "transcendental", "function": self.name}

    def derivative_bound(self, radius: fmpq) -> fmpq:
        """A rational upper bound on ``|f'(z)|`` over ``|z| <= radius``: 1 (tanh, softplus),
        1/4 (sigmoid), 11/10 (silu, max ≈ 1.0998), 113/100 (gelu, max ≈ 1.1289), and
        ``3^⌈radius⌉ > e^radius`` (exp, radius <= 4096)."""
        fixed = {"tanh": fmpq(1), "softplus": fmpq(1), "sigmoid": fmpq(1, 4),
                 "silu": fmpq(11, 10), "gelu": fmpq(113, 100)}
        if self.name in fixed:
            return fixed[self.name]
        if radius > 4096:
            raise ActivationError(f"exp: no derivative bound computed for radius {fmt(radius)}")
        return fmpq(3) ** int(radius.ceil())


def _root(n: fmpz, b: int) -> fmpz | None:
    """The integer b-th root of ``n >= 0`` if ``n`` is a perfect b-th power."""
    r = n.root(b)
    return r if r**b == n else None


class FractionalPower(InexactActivation):
    """``x^e`` for a non-integer rational ``e = a/b`` (``b >= 2``, kind ``fractional_power``).

    For odd ``b`` it is the real root, defined on all of ℚ (``x^(1/3)`` at -8 is -2); for
    even ``b`` it is undefined for x < 0 (:class:`~checkers.errors.ActivationError`); for
    ``e < 0`` it has a pole at 0.  ``x^e`` is rational at ``x = n/d`` exactly when ``|n|`` and
    ``d`` are perfect b-th powers; elsewhere it is irrational and must be rounded with
    ``phi_K``.  Theorem F.1 of the paper shows no gadget of its form exists for it.
    """

    def __init__(self, exponent: fmpq) -> None:
        e = fmpq(exponent)
        if e.q == 1:
            raise ActivationError(f"x^({fmt(e)}) has an integer exponent: a polynomial or "
                                  "a rational function, not a fractional power")
        if max(abs(e.p), e.q) > MAX_ACTIVATION_DEGREE:
            raise ActivationError(f"x^({fmt(e)}): numerator and denominator of the exponent "
                                  f"are limited to {MAX_ACTIVATION_DEGREE}")
        self.exponent = e
        self.a, self.b = int(e.p), int(e.q)
        self.name = f"x^({fmt(e)})"
        self.traits = Traits("fractional_power", exact=False)

    def _check_domain(self, z: fmpq, e: fmpq, derivative: bool) -> None:
        if z < 0 and self.b % 2 == 0:
            raise ActivationError(f"{self.name} is undefined at x = {fmt(z)} (an even root "
                                  "of a negative number)")
        if z == 0 and e < 0:
            raise PoleError(self.name, "0", derivative=derivative)

    def _power(self, z: fmpq, a: int) -> fmpq | None:
        """z^(a/b) when rational (b = self.b, gcd(a, b) = 1)."""
        if z == 0:
            return fmpq(0)
        rn, rd = _root(abs(z.p), self.b), _root(z.q, self.b)
        if rn is None or rd is None:
            return None
        v = fmpq(rn, rd) if z > 0 else fmpq(-rn, rd)  # b is odd when z < 0
        return v**a if a >= 0 else 1 / v ** (-a)

    def exact_value(self, z: fmpq) -> fmpq | None:
        self._check_domain(z, self.exponent, False)
        return self._power(z, self.a)

    def exact_derivative(self, z: fmpq) -> fmpq | None:
        self._check_domain(z, self.exponent - 1, True)
        p = self._power(z, self.a - self.b)
        return None if p is None else self.exponent * p

    def _ball_power(self, z: fmpq, a: int) -> arb:
        r = arb(abs(z)).root(self.b)
        if z < 0:
            r = -r
        return r**a if a >= 0 else 1 / r ** (-a)

    def ball(self, z: fmpq) -> Ball:
        self._check_domain(z, self.exponent, False)
        return fmpq(0), self._ball_power(z, self.a)

    def derivative_ball(self, z: fmpq) -> Ball:
        self._check_domain(z, self.exponent - 1, True)
        return fmpq(0), arb(self.exponent) * self._ball_power(z, self.a - self.b)

    def describe(self) -> dict[str, Any]:
        return {"kind": "fractional_power", "exponent": fmt(self.exponent)}
