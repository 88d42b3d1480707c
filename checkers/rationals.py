"""Exact rationals and the paper's size measure (§2, bit model).

Rationals are python-flint ``fmpq`` values, always in lowest terms with a positive
denominator.  :func:`to_q` is the single entry point that turns user input into an
``fmpq``; it refuses floats and bools instead of guessing.

The rule (``docs/formats.md``): ``int``, ``Fraction`` and strings ``"p"``, ``"p/q"`` and
decimals ``"0.01"`` (= 1/100), ``"-1.5e-3"`` are exact; a binary float (Python ``float``,
numpy floating scalar, JSON number with a point or an exponent) is refused unless the caller
passes ``exact_float=True`` (``--exact-floats`` on the command line), and then its exact
dyadic value is used (``0.1`` becomes 3602879701896397/36028797018963968).
"""

from __future__ import annotations

import math
import numbers
import re
from fractions import Fraction
from typing import TypeAlias

from flint import fmpq, fmpz

from checkers.errors import RationalParseError, RationalTypeError

RationalLike: TypeAlias = int | fmpz | fmpq | Fraction | str
"""What :func:`to_q` accepts."""

_RATIONAL_RE = re.compile(r"\s*([+-]?[0-9]+)\s*(?:/\s*([+-]?[0-9]+)\s*)?", re.ASCII)
_DECIMAL_RE = re.compile(r"\s*([+-]?)([0-9]*)\.?([0-9]*)(?:[eE]([+-]?[0-9]{1,7}))?\s*", re.ASCII)
_MAX_EXPONENT = 1_000_000
FLOAT_HINT = ('write it as a string such as "1/2" or "0.5" (read exactly), or pass '
              "exact_float=True (--exact-floats) to take its exact binary value")
_MAX_LITERAL_DIGITS = 1_000_000


def to_q(value: RationalLike | float, *, exact_float: bool = False) -> fmpq:
    """Convert ``value`` to an exact ``fmpq``.

    Accepts ``int``, ``fmpz``, ``fmpq``, ``fractions.Fraction`` and strings ``"p"``,
    ``"p/q"`` or decimals ``"0.01"``, ``"2.5e-3"`` (ASCII digits, optional sign), all read
    exactly.  A float (or numpy floating scalar) is converted to its exact binary value only
    with ``exact_float=True``; otherwise floats, bools and anything else raise
    :class:`~checkers.errors.RationalTypeError`; malformed strings and zero denominators
    raise :class:`~checkers.errors.RationalParseError`.

    >>> to_q("-6/14"), to_q("0.01"), to_q(0.5, exact_float=True)
    (-3/7, 1/100, 1/2)
    >>> to_q(0.5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    checkers.errors.RationalTypeError: expected an exact rational, got float 0.5; ...
    """
    if isinstance(value, fmpq):
        return value
    if isinstance(value, bool):
        raise RationalTypeError(f"expected an exact rational, got bool {value!r}")
    if isinstance(value, int | fmpz):
        return fmpq(value)
    if isinstance(value, numbers.Integral):  # numpy integers
        return fmpq(int(value))
    if isinstance(value, Fraction):
        return fmpq(value.numerator, value.denominator)
    if isinstance(value, str):
        return _parse(value)
    if isinstance(value, float | numbers.Real) and hasattr(value, "as_integer_ratio"):
        f = float(value)
        if not exact_float:
            raise RationalTypeError(
                f"expected an exact rational, got {type(value).__name__} {value!r}; "
                + FLOAT_HINT)
        if not math.isfinite(f):
            raise RationalTypeError(f"{f!r} is not a rational number")
        num, den = f.as_integer_ratio()
        return fmpq(num, den)
    raise RationalTypeError(
        f"expected an exact rational (int, fmpz, fmpq, Fraction or 'p/q' string), "
        f"got {type(value).__name__} {value!r}"
    )


def _parse(text: str) -> fmpq:
    shown = text if len(text) <= 60 else text[:57] + "..."
    if len(text) > _MAX_LITERAL_DIGITS:
        raise RationalParseError(f"rational literal too long ({len(text)} characters)")
    m = _RATIONAL_RE.fullmatch(text)
    if m is None:
        d = _DECIMAL_RE.fullmatch(text)
        if d is not None and (d.group(2) or d.group(3)):
            return _decimal(d, shown)
        raise RationalParseError(
            f"not a rational: {shown!r} (expected 'p', 'p/q' or a decimal such as '0.01', "
            f"with ASCII digits)"
        )
    # fmpz parses long literals in quasi-linear time and has no int() digit limit
    num = _integer(m.group(1))
    den = _integer(m.group(2)) if m.group(2) is not None else fmpz(1)
    if den == 0:
        raise RationalParseError(f"zero denominator in {shown!r}")
    return fmpq(num, den)


def _decimal(m: re.Match[str], shown: str) -> fmpq:
    """``[sign] int . frac [e exp]`` exactly: (int frac) / 10^len(frac) * 10^exp."""
    sign, whole, frac, exp = m.group(1), m.group(2), m.group(3), m.group(4)
    e = (int(exp) if exp else 0) - len(frac)
    if abs(e) > _MAX_EXPONENT:
        raise RationalParseError(f"decimal exponent too large in {shown!r}")
    mantissa = fmpz(whole + frac)
    if sign == "-":
        mantissa = -mantissa
    if e >= 0:
        return fmpq(mantissa * fmpz(10) ** e)
    return fmpq(mantissa, fmpz(10) ** (-e))


def _integer(digits: str) -> fmpz:
    """An optionally signed ASCII decimal literal (already validated) as an ``fmpz``."""
    return fmpz(digits[1:]) if digits.startswith("+") else fmpz(digits)


def bitlen(n: fmpz | int) -> int:
    """Bit-length of ``|n|``; ``bitlen(0) = 0``."""
    return int(fmpz(n).bit_length()) if not isinstance(n, int) else abs(n).bit_length()


def size(q: fmpq) -> int:
    """The paper's size of a rational: ``bitlen(|num|) + bitlen(den)`` in lowest terms (§2).

    Convention for zero: ``0 = 0/1``, so ``size(0) = bitlen(0) + bitlen(1) = 0 + 1 = 1``.

    >>> size(to_q("-3/7")), size(to_q(0)), size(to_q(1))
    (5, 1, 2)
    """
    return int(q.p.bit_length()) + int(q.q.bit_length())


def fmt(q: fmpq) -> str:
    """Format as ``"p/q"`` or ``"p"`` (the file and JSON format)."""
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"


def bit(q: fmpq, j: int) -> int:
    """Binary digit of ``|q|`` at position ``j`` (Problem 2.3): ``floor(2^{-j}|u|/v) mod 2``.

    ``j`` may be negative (digits after the binary point).  The cost is polynomial in the
    bit-length of ``j``: for ``j >= 0`` a digit beyond the value is 0 without shifting, and
    for ``j = -s < 0`` the digit is ``floor(((|u| 2^s) mod 2v) / v)`` with ``2^s mod 2v`` by
    modular exponentiation.

    >>> bit(to_q(6), 1), bit(to_q(6), 0), bit(to_q("1/4"), -2), bit(to_q("1/3"), -1)
    (1, 0, 1, 0)
    """
    u = abs(q.p)
    v = q.q
    if j >= 0:
        if j > int(u.bit_length()):
            return 0
        return int((u // (v << j)) % 2)
    s = -j
    two_v = 2 * v
    shifted = (u % two_v) * pow(fmpz(2), s, two_v) % two_v
    return 1 if shifted >= v else 0


def sign(q: fmpq) -> int:
    """-1, 0 or 1."""
    return (q > 0) - (q < 0)
