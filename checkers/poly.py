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

from flint import fmpq, fmpq_poly, fmpz

from checkers.errors import PolynomialError
from checkers.rationals import RationalLike, fmt, to_q

MAX_DEGREE = 4096
"""Largest degree :func:`parse_poly` builds (a guard against ``x^1000000000``); pass
``max_degree`` to raise it."""

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


def parse_poly(text: str, *, max_degree: int = MAX_DEGREE) -> fmpq_poly:
    """Parse a polynomial in ``x`` with rational coefficients (see module doc).

    >>> parse_poly("x^3 - 2*x + 1/2")
    x^3 + (-2)*x + 1/2
    """
    if not isinstance(text, str):
        raise PolynomialError(f"expected a polynomial string, got {type(text).__name__}")
    parser = _Parser(text, max_degree)
    try:
        return parser.parse()
    except RecursionError:
        raise parser.error("expression nested too deeply") from None


class _Parser:
    def __init__(self, text: str, max_degree: int) -> None:
        self.text = text
        self.max_degree = max_degree
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
                if len(num) > 100_000:
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
                p = p / q[0]
            elif tok[0] in ("num", "x") or tok[:2] == ("op", "("):
                # implicit multiplication: "2 x", "2(x+1)"
                p = self._mul(p, self.unary(), tok[2])
            else:
                return p

    def _mul(self, p: fmpq_poly, q: fmpq_poly, pos: int) -> fmpq_poly:
        if max(p.degree(), 0) + max(q.degree(), 0) > self.max_degree:
            raise self.error(f"degree exceeds the limit {self.max_degree}", pos)
        return p * q

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
            return base**e
        return base

    def exponent(self) -> int:
        tok = self.peek()
        sign = 1
        if tok is not None and tok[:2] == ("op", "-"):
            self.take()
            sign = -1
        start = self.peek()
        e_poly = self.atom()
        if start is None:
            raise self.error("missing exponent")
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
            return fmpq_poly([fmpq(fmpz(val))])
        if kind == "x":
            return fmpq_poly([0, 1])
        if val == "(":
            p = self.expr()
            close = self.take()
            if close[:2] != ("op", ")"):
                raise self.error(f"expected ')', got {close[1]!r}", close[2])
            return p
        raise self.error(f"unexpected {val!r}", pos)
