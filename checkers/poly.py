"""Polynomials over ℚ (activations σ ∈ ℚ[T], §2) as python-flint ``fmpq_poly``.

:func:`parse_poly` reads expressions such as ``"x^3 - 2*x + 1/2"`` with a small
recursive-descent parser (no ``eval``): integers, ``x``, ``+ - * /``, ``^`` or ``**`` with
a non-negative integer exponent, and parentheses.  Division is allowed by non-zero
constants only.  Anything else (floats, ``sqrt``, ``x^(1/2)``, ``1/x``) is a
:class:`~checkers.errors.PolynomialError` naming the offending piece.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from flint import arb, fmpq, fmpq_poly, fmpz

from checkers.errors import PolynomialError
from checkers.rationals import RationalLike, fmt, to_q

MAX_DEGREE = 4096
"""Largest degree :func:`parse_poly` builds (a guard against ``x^1000000000``); pass
``max_degree`` to raise it."""

MAX_HEIGHT_BITS = 1 << 22
"""Largest :func:`height` :func:`parse_poly` builds (a guard against ``((9^4096)^4096)^4096``,
whose value has 2^37 bits); pass ``max_bits`` to raise it."""

_MAX_LITERAL_DIGITS = MAX_HEIGHT_BITS * 30103 // 100000 + 2
"""Enough decimal digits for any coefficient of height :data:`MAX_HEIGHT_BITS`, so that
:func:`poly_str` of every polynomial :func:`parse_poly` builds parses back."""

_TOKEN_RE = re.compile(r"\s*(?:(\d+)|(\*\*|[-+*/^()])|([A-Za-z_][A-Za-z_0-9]*)|(\S))", re.ASCII)


def poly(coeffs: Sequence[RationalLike]) -> fmpq_poly:
    """Polynomial from 0-indexed coefficients ``(r_0, ..., r_μ)`` (§0)."""
    return fmpq_poly([to_q(c) for c in coeffs])


def coefficients(p: fmpq_poly) -> list[fmpq]:
    """The coefficients ``r_0..r_μ`` (empty for the zero polynomial)."""
    return [p[i] for i in range(p.degree() + 1)]


def poly_str(p: fmpq_poly) -> str:
    """Canonical text of ``p``, highest degree first, parseable by :func:`parse_poly`.

    >>> poly_str(parse_poly("1/2 + x*x*3 - 2 x"))
    '3*x^2 - 2*x + 1/2'
    """
    terms: list[str] = []
    for k in range(p.degree(), -1, -1):
        c = p[k]
        if c == 0:
            continue
        neg = c < 0
        a = -c if neg else c
        if k == 0:
            body = fmt(a)
        else:
            mono = "x" if k == 1 else f"x^{k}"
            body = mono if a == 1 else f"{fmt(a)}*{mono}"
        if not terms:
            terms.append(f"-{body}" if neg else body)
        else:
            terms.append(f"- {body}" if neg else f"+ {body}")
    return " ".join(terms) if terms else "0"


def height(p: fmpq_poly) -> int:
    """Bits of the largest integer coefficient of ``p`` over its least common denominator,
    plus the bits of that denominator: ``height(pq) <= height(p) + height(q) + bitlen(n)``
    for ``n`` terms, and ``height(p^e) <= e (height(p) + bitlen(deg p + 1))``."""
    num = p.numer()
    top = max((int(abs(num[i]).bit_length()) for i in range(p.degree() + 1)), default=0)
    return top + int(p.denom().bit_length())


class SizeBounds:
    """Bounds ``lower(z) <= size(p(z)) <= upper(z)`` found without computing ``p(z)`` (the
    paper's size, §2), so that a bit budget can refuse an evaluation that cannot fit.

    Write ``p = Σ a_i x^i / D`` (integers ``a_i``, ``D > 0``, degree ``μ >= 1``) and
    ``z = n/d`` in lowest terms.

    * upper: ``p(z) = M / (D d^μ)`` with ``|M| <= Σ|a_i| max(|n|, d)^μ``;
    * lower: for every prime ``q | d`` with ``v_q(a_μ) < v_q(d)``, the term ``a_μ n^μ`` is
      the only one of ``M`` not divisible by ``q^{v_q(d)}``, so ``v_q(M) = v_q(a_μ)`` and
      ``v_q`` of the reduced denominator is at least ``μ v_q(d) - v_q(a_μ)``.  Splitting
      ``d = d1 d2`` with ``d1`` coprime to ``a_μ``, the denominator is at least
      ``d1^μ (d2 / |a_μ|)^μ``; the numerator is ``|p(z)|`` times the denominator, with
      ``|p(z)|`` bounded below by ball arithmetic (``arb``) unless the ball contains 0.

    For large ``z`` the two bounds are within a factor of about 2 of each other.
    """

    def __init__(self, p: fmpq_poly) -> None:
        self.poly = p
        self.degree = int(p.degree())
        num = p.numer()
        ints = [fmpz(num[i]) for i in range(self.degree + 1)]
        self._den_bits = int(p.denom().bit_length())
        self._sum_bits = int(sum((abs(a) for a in ints), fmpz(0)).bit_length())
        self._lead = abs(ints[-1]) if ints else fmpz(0)
        self._lead_bits = int(self._lead.bit_length())
        self._coeffs = coefficients(p)

    def upper(self, z: fmpq) -> int:
        """An upper bound on ``size(p(z))``."""
        if self.degree <= 0:
            return _size(self.poly(z))
        bn, bd = int(z.p.bit_length()), int(z.q.bit_length())
        return self._sum_bits + self.degree * max(bn, bd) + self._den_bits + self.degree * bd

    def lower(self, z: fmpq) -> int:
        """A lower bound on ``size(p(z))``."""
        if self.degree <= 0:
            return _size(self.poly(z))
        mu = self.degree
        # d = d1 d2 with d1 coprime to a_μ: the denominator is at least d1^μ (d2/|a_μ|)^μ
        d1, g = z.q, z.q.gcd(self._lead)
        while g > 1:
            d1 //= g
            g = d1.gcd(g)
        d2_bits = int((z.q // d1).bit_length())
        k = mu * (int(d1.bit_length()) - 1) + mu * max(0, d2_bits - 1 - self._lead_bits)
        den_bits = k + 1  # the reduced denominator is at least 2^k
        zb = arb(z)
        acc = arb(self._coeffs[-1])
        for c in reversed(self._coeffs[:-1]):
            acc = acc * zb + arb(c)
        low = acc.abs_lower()  # exact inputs and ring operations keep the ball finite
        if low.is_zero():
            return den_bits  # the numerator may be 0 (bitlen 0)
        man, exp = low.man_exp()
        log2_low = int(man.bit_length()) - 1 + int(exp)  # |p(z)| >= 2^log2_low
        return max(1, log2_low + den_bits) + den_bits


def _size(q: fmpq) -> int:
    return int(q.p.bit_length()) + int(q.q.bit_length())


def parse_poly(text: str, *, max_degree: int = MAX_DEGREE,
               max_bits: int = MAX_HEIGHT_BITS) -> fmpq_poly:
    """Parse a polynomial in ``x`` with rational coefficients (see module doc).

    >>> parse_poly("x^3 - 2*x + 1/2")
    x^3 + (-2)*x + 1/2
    """
    if not isinstance(text, str):
        raise PolynomialError(f"expected a polynomial string, got {type(text).__name__}")
    parser = _Parser(text, max_degree, max_bits)
    try:
        return parser.parse()
    except RecursionError:
        raise parser.error("expression nested too deeply") from None


class _Parser:
    def __init__(self, text: str, max_degree: int, max_bits: int) -> None:
        self.text = text
        self.max_degree = max_degree
        self.max_bits = max_bits
        self.tokens: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN_RE.match(text, pos)
            if m is None:  # only trailing whitespace left
                break
            num, op, name, bad = m.groups()
            start = m.start(m.lastindex or 0)
            if bad is not None:
                hint = " (decimal points are not accepted; write 1/2)" if bad == "." else ""
                raise self.error(f"unexpected character {bad!r}{hint}", start)
            if num is not None:
                if len(num) > _MAX_LITERAL_DIGITS:
                    raise self.error("integer literal too long", start)
                self.tokens.append(("num", num, start))
            elif op is not None:
                self.tokens.append(("op", op, start))
            else:
                assert name is not None
                if name != "x":
                    raise self.error(
                        f"unknown name {name!r} (the variable is 'x'; only rational "
                        "coefficients are allowed)",
                        start,
                    )
                self.tokens.append(("x", name, start))
            pos = m.end()
        self.i = 0

    def error(self, msg: str, pos: int | None = None) -> PolynomialError:
        shown = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        where = f" at position {pos}" if pos is not None else ""
        return PolynomialError(f"in polynomial {shown!r}{where}: {msg}")

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise self.error("unexpected end of expression")
        self.i += 1
        return tok

    def parse(self) -> fmpq_poly:
        if not self.tokens:
            raise self.error("empty expression")
        p = self.expr()
        tok = self.peek()
        if tok is not None:
            raise self.error(f"unexpected {tok[1]!r}", tok[2])
        return p

    def expr(self) -> fmpq_poly:
        p = self.term()
        while (tok := self.peek()) is not None and tok[:2] in (("op", "+"), ("op", "-")):
            self.take()
            q = self.term()
            p = p + q if tok[1] == "+" else p - q
        return p

    def term(self) -> fmpq_poly:
        p = self.unary()
        while True:
            tok = self.peek()
            if tok is None:
                return p
            if tok[:2] == ("op", "*"):
                self.take()
                p = self._mul(p, self.unary(), tok[2])
            elif tok[:2] == ("op", "/"):
                self.take()
                q = self.unary()
                if q.degree() > 0:
                    raise self.error("division by a non-constant (not a polynomial)", tok[2])
                if q.is_zero():
                    raise self.error("division by zero", tok[2])
                self._check_height(height(p) + height(q), tok[2])
                p = p / q[0]
            elif tok[0] in ("num", "x") or tok[:2] == ("op", "("):
                # implicit multiplication: "2 x", "2(x+1)"
                p = self._mul(p, self.unary(), tok[2])
            else:
                return p

    def _mul(self, p: fmpq_poly, q: fmpq_poly, pos: int) -> fmpq_poly:
        if max(p.degree(), 0) + max(q.degree(), 0) > self.max_degree:
            raise self.error(f"degree exceeds the limit {self.max_degree}", pos)
        self._check_height(height(p) + height(q) + (p.degree() + 2).bit_length(), pos)
        return p * q

    def _check_height(self, bits: int, pos: int) -> None:
        if bits > self.max_bits:
            raise self.error(f"coefficients would need up to {bits} bits, beyond the limit "
                             f"{self.max_bits}", pos)

    def unary(self) -> fmpq_poly:
        tok = self.peek()
        if tok is not None and tok[:2] in (("op", "+"), ("op", "-")):
            self.take()
            p = self.unary()
            return -p if tok[1] == "-" else p
        return self.power()

    def power(self) -> fmpq_poly:
        base = self.atom()
        tok = self.peek()
        if tok is not None and tok[:2] in (("op", "^"), ("op", "**")):
            self.take()
            e = self.exponent()
            if base.degree() > 0 and base.degree() * e > self.max_degree:
                raise self.error(f"degree exceeds the limit {self.max_degree}", tok[2])
            if base.degree() <= 0 and e > self.max_degree:
                raise self.error(f"exponent {e} exceeds the limit {self.max_degree}", tok[2])
            self._check_height(e * (height(base) + (base.degree() + 2).bit_length()), tok[2])
            return base**e
        return base

    def exponent(self) -> int:
        tok = self.peek()
        sign = 1
        if tok is not None and tok[:2] == ("op", "-"):
            self.take()
            sign = -1
        start = self.peek()
        if start is None:
            raise self.error("missing exponent")
        e_poly = self.atom()
        if e_poly.degree() > 0:
            raise self.error("exponent depends on x (not a polynomial)", start[2])
        e = e_poly[0] * sign
        if e.q != 1 or e < 0:
            raise self.error(
                f"exponent {fmt(e)} is not a non-negative integer (not a polynomial)", start[2]
            )
        if e > self.max_degree:
            raise self.error(f"exponent {fmt(e)} exceeds the limit {self.max_degree}", start[2])
        return int(e.p)

    def atom(self) -> fmpq_poly:
        kind, val, pos = self.take()
        if kind == "num":
            c = fmpz(val)
            self._check_height(int(c.bit_length()) + 1, pos)
            return fmpq_poly([fmpq(c)])
        if kind == "x":
            return fmpq_poly([0, 1])
        if val == "(":
            p = self.expr()
            close = self.take()
            if close[:2] != ("op", ")"):
                raise self.error(f"expected ')', got {close[1]!r}", close[2])
            return p
        raise self.error(f"unexpected {val!r}", pos)
