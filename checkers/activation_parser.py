"""The activation language: text → :class:`~checkers.activations.Activation`.

Syntax (names are case-insensitive; every number is an exact rational, and decimals such
as ``0.01`` or ``1e-3`` mean ``1/100`` and ``1/1000``):

* ``id`` / ``identity``; a polynomial in ``x`` (``x^2 + 1/2*x``); a rational function
  ``p(x)/q(x)`` (``1/x``, ``(2*x + 1)/(x - 1)``), reduced to lowest terms (a constant
  denominator gives a polynomial, so ``(x^2 - 1)/(x - 1)`` is ``x + 1``);
* ``relu``, ``leaky_relu(a)``, ``relu6``, ``hardtanh``, ``abs``, ``hard_sigmoid``
  (``hardsigmoid``), ``hardswish`` (``hard_swish``), ``relu^k`` / ``relu(x)^k``;
* ``tanh``, ``sigmoid``, ``softplus``, ``silu`` (``swish``), ``gelu``, ``exp`` (inexact:
  round them with ``phi_K``); every name also as ``name(x)``;
* ``x^(p/q)`` with a non-integer exponent (inexact); an integer exponent gives a
  polynomial or ``1/x^n``;
* ``pwl(P0 | t1 | P1 | ... | tm | Pm)`` — affine pieces ``P_i`` separated by increasing
  rational breakpoints ``t_i``, piece ``P_i`` on ``(t_i, t_{i+1}]``, continuity checked;
* ``ppoly(P0 | t1 | P1 | ...)`` — the same with polynomial pieces; continuity is checked
  unless the last argument is ``continuous=false`` (then jumps are allowed; the value at a
  breakpoint is the left piece's);
* ``phi_K(f)`` or ``phi_K(f, C)`` — Remark 1.5's rounding of any ``f`` above to a multiple
  of ``2^-K``, clipped to ``[-C, C]`` (default ``C = 1``).

Canonical names read back: ``parse(a.name) == a``.  The same function gets the same
canonical form however it is written (``2*x``, ``pwl(2*x)``; ``leaky_relu(1)`` is ``x``;
``pwl(0 | 0 | x)`` is ``relu``; ``ppoly(0 | 0 | x^2)`` is ``relu^2``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from flint import fmpq, fmpq_poly, fmpz

from checkers.activation_kinds import (
    IDENTITY,
    MAX_ACTIVATION_DEGREE,
    RELU,
    Activation,
    BitBounded,
    LeakyReLU,
    PiecewiseLinear,
    Polynomial,
    ReLUPower,
    abs_activation,
    hard_sigmoid,
    hardswish,
    hardtanh,
    piecewise,
    rational_function,
    relu6,
)
from checkers.errors import ActivationError, PolynomialError, RationalParseError
from checkers.poly import MAX_DEGREE, MAX_HEIGHT_BITS, parse_poly
from checkers.rationals import fmt, to_q
from checkers.transcendental import FractionalPower, Transcendental

MAX_ACTIVATION_TEXT = 100_000
"""Longest activation string (and canonical name) accepted."""

_MAX_DECIMAL_EXPONENT = 10_000

def _transcendental(name: str) -> Callable[[], Activation]:
    return lambda: Transcendental(name)


_NAMED: dict[str, Callable[[], Activation]] = {
    "id": lambda: IDENTITY, "identity": lambda: IDENTITY, "relu": lambda: RELU,
    "relu6": relu6, "hardtanh": hardtanh, "abs": abs_activation,
    "hard_sigmoid": hard_sigmoid, "hardsigmoid": hard_sigmoid,
    "hardswish": hardswish, "hard_swish": hardswish,
    **{n: _transcendental(n)
       for n in ("tanh", "sigmoid", "softplus", "silu", "swish", "gelu", "exp")},
}

KNOWN_NAMES: dict[str, str] = {
    **{n: n for n in _NAMED},
    "leaky_relu": "leaky_relu(a)", "relu^k": "relu^k", "x": "x^(p/q)", "pwl": "pwl(...)",
    "ppoly": "ppoly(...)", "phi_k": "phi_K(f[, C])",
}
"""Words a user may type (lower case) → how they are written, for 'did you mean'."""

_CALL_X = re.compile(r"([a-z_][a-z0-9_]*)\s*\(\s*x\s*\)", re.ASCII)
_RELU_POW = re.compile(r"relu(?:\s*\(\s*x\s*\))?\s*(?:\^|\*\*)\s*(.+)", re.ASCII | re.S)
_LEAKY = re.compile(r"leaky_relu\s*\((.*)\)", re.S)
_PHI = re.compile(r"phi_([0-9]+)\s*\((.*)\)", re.S)
_PWL = re.compile(r"(pwl|ppoly)\s*\((.*)\)", re.S)
_XPOW = re.compile(r"x\s*(?:\^|\*\*)\s*(\([^()]*\)|[0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)", re.ASCII)
_CONTINUOUS = re.compile(r"continuous\s*=\s*(true|false)", re.ASCII)


def parse(text: str) -> Activation:
    """Read an activation (see the module doc); malformed text is an
    :class:`~checkers.errors.ActivationError` naming the problem in one line."""
    if not isinstance(text, str):
        raise ActivationError(f"expected an activation string, got {type(text).__name__}")
    if len(text) > MAX_ACTIVATION_TEXT:
        raise ActivationError(f"activation string too long ({len(text)} characters)")
    s = text.strip()
    act = _parse(s)
    if len(act.name) > MAX_ACTIVATION_TEXT:  # the canonical name must read back
        raise ActivationError(f"activation {s[:80]!r} too large: its canonical form "
                              f"{act.name[:40]!r}... has {len(act.name)} characters (limit "
                              f"{MAX_ACTIVATION_TEXT})")
    return act


def _parse(s: str) -> Activation:
    try:
        return _parse_lower(s.lower())
    except (PolynomialError, RationalParseError) as e:
        raise ActivationError(f"bad activation {s[:80]!r}: {e}") from None
    except RecursionError:
        raise ActivationError(f"bad activation {s[:80]!r}: nested too deeply") from None


def _parse_lower(s: str) -> Activation:
    if s in _NAMED:
        return _NAMED[s]()
    if (m := _CALL_X.fullmatch(s)) and m.group(1) in _NAMED:
        return _NAMED[m.group(1)]()
    if m := _RELU_POW.fullmatch(s):
        k = _constant(m.group(1), "the exponent of relu^k")
        if k.q != 1 or k < 1:
            raise ActivationError(f"relu^k needs a positive integer k, got {fmt(k)}")
        if k == 1:
            return RELU
        if k > MAX_ACTIVATION_DEGREE:
            shown = fmt(k) if len(fmt(k)) <= 20 else fmt(k)[:20] + "..."
            raise ActivationError(f"relu^{shown}: degree exceeds the limit "
                                  f"{MAX_ACTIVATION_DEGREE}")
        return ReLUPower(int(k.p))
    if m := _LEAKY.fullmatch(s):
        return _canonical_pwl(LeakyReLU(_constant(m.group(1), "leaky_relu slope")))
    if m := _PHI.fullmatch(s):
        return _parse_phi(m.group(1), m.group(2))
    if m := _PWL.fullmatch(s):
        return _parse_pieces(m.group(1), m.group(2))
    if m := _XPOW.fullmatch(s):
        e = _constant(m.group(1), "the exponent of x^(p/q)")
        if e.q != 1:
            return FractionalPower(e)
        if abs(e) > MAX_DEGREE:
            raise ActivationError(f"exponent {fmt(e)} exceeds the limit {MAX_DEGREE}")
        x_e = fmpq_poly([0, 1]) ** int(abs(e.p))
        return Polynomial(x_e) if e >= 0 else rational_function(fmpq_poly([1]), x_e)
    try:
        return Polynomial(parse_poly(s))
    except PolynomialError:
        pass  # not a plain polynomial: decimals, a rational function, or a mistake
    try:
        num, den = _RatParser(s).parse()
    except ActivationError as e:
        raise ActivationError(f"bad activation {s[:80]!r}: {e}") from None
    return rational_function(num, den)


def _canonical_pwl(act: PiecewiseLinear) -> Activation:
    """The canonical object: an affine polynomial when no breakpoint is left, RELU itself."""
    if not act.breakpoints:
        s, c = act.pieces[0]
        if s == 0 and c == 0:
            return act  # the zero function, named "pwl(0)"
        return Polynomial(fmpq_poly([c, s]))
    return RELU if act == RELU else act


def _constant(text: str, what: str) -> fmpq:
    """A rational constant: ``p``, ``p/q``, a decimal, or any constant expression."""
    t = text.strip()
    try:
        return to_q(t)  # p or p/q, with its own messages ("zero denominator in '1/0'")
    except RationalParseError as e:
        if "zero denominator" in str(e):
            raise ActivationError(f"{what}: not a rational: {t[:60]!r} ({e})") from None
    try:
        num, den = _RatParser(t).parse()
    except ActivationError as e:
        raise ActivationError(f"{what}: not a rational: {t[:60]!r} ({e})") from None
    if num.degree() > 0 or den.degree() > 0:
        raise ActivationError(f"{what}: not a rational: {t[:60]!r} (it depends on x)")
    return num[0] / den[0]


def _parse_phi(k_text: str, body: str) -> Activation:
    from checkers.activation_kinds import MAX_PHI_K

    if len(k_text) > len(str(MAX_PHI_K)):
        shown = k_text if len(k_text) <= 20 else k_text[:20] + "..."
        raise ActivationError(f"phi_K: K = {shown} exceeds the limit {MAX_PHI_K}")
    inner, clip = _split_top_level(body)
    base = parse(inner)
    return BitBounded(base, int(k_text), _constant(clip, "phi_K clip bound C")
                      if clip is not None else 1)


def _split_top_level(body: str) -> tuple[str, str | None]:
    depth = 0
    for i, ch in enumerate(body):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            return body[:i].strip(), body[i + 1:].strip()
    return body.strip(), None


def _parse_pieces(kind: str, body: str) -> Activation:
    continuous = True
    main, option = _split_top_level(body)
    if option is not None:
        m = _CONTINUOUS.fullmatch(option)
        if kind != "ppoly" or m is None:
            raise ActivationError(f"{kind}(...): unexpected argument {option[:40]!r} (only "
                                  "ppoly takes 'continuous=false')")
        continuous = m.group(1) == "true"
    parts = [p.strip() for p in main.split("|")]
    if len(parts) % 2 == 0:
        raise ActivationError(
            f"{kind}(...) needs pieces and breakpoints alternating, starting and ending with "
            f"a piece; got {len(parts)} fields")
    pieces = [_polynomial(p, kind) for p in parts[0::2]]
    ts = [_constant(t, f"{kind} breakpoint") for t in parts[1::2]]
    if kind == "pwl":
        for p, text in zip(pieces, parts[0::2], strict=True):
            if p.degree() > 1:
                raise ActivationError(f"pwl piece {text!r} is not affine")
        act = PiecewiseLinear(ts, [(p[1], p[0]) for p in pieces])
        return _canonical_pwl(act)
    out = piecewise(ts, pieces, continuous=continuous)
    return _canonical_pwl(out) if isinstance(out, PiecewiseLinear) else out


def _polynomial(text: str, kind: str) -> fmpq_poly:
    num, den = _RatParser(text).parse()
    if den.degree() > 0:
        raise ActivationError(f"{kind} piece {text[:60]!r} is not a polynomial")
    return num / den[0]


# --------------------------------------------------------------------------- expressions

_TOKEN = re.compile(
    r"\s*(?:([0-9]+(?:\.[0-9]*)?(?:e[-+]?[0-9]+)?|\.[0-9]+(?:e[-+]?[0-9]+)?)"
    r"|(\*\*|[-+*/^()])|([a-z_][a-z_0-9]*)|(\S))", re.ASCII)

RatFn = tuple[fmpq_poly, fmpq_poly]


def height(p: fmpq_poly) -> int:
    """:func:`checkers.poly.height` in FLINT (bits of the largest numerator coefficient plus
    bits of the denominator)."""
    return int(p.numer().height_bits()) + int(p.denom().bit_length())


def _decimal(text: str) -> fmpq:
    mant, _, exp = text.partition("e")
    whole, _, frac = mant.partition(".")
    e = int(exp) if exp else 0
    if abs(e) > _MAX_DECIMAL_EXPONENT:
        raise ActivationError(f"decimal exponent in {text[:40]!r} exceeds "
                              f"{_MAX_DECIMAL_EXPONENT}")
    v = fmpq(fmpz((whole or "0") + frac), fmpz(10) ** len(frac))
    return v * fmpq(10) ** e if e >= 0 else v / fmpq(10) ** (-e)


def unknown_name(name: str) -> ActivationError:
    """One line naming the unknown word and the nearest known names."""
    close = difflib.get_close_matches(name, list(KNOWN_NAMES), n=4, cutoff=0.5)
    if close:
        shown = ", ".join(dict.fromkeys(KNOWN_NAMES[c] for c in close))
        return ActivationError(f"unknown name {name!r}; nearest known names: {shown}")
    shown = ", ".join(dict.fromkeys(KNOWN_NAMES.values()))
    return ActivationError(f"unknown name {name!r}; known names: {shown}")


class _RatParser:
    """Recursive descent over ℚ(x): ``+ - * /``, ``^`` with an integer exponent (negative
    too), parentheses, implicit multiplication, decimals.  Values are ``(num, den)``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None:
                break
            num, op, name, bad = m.groups()
            start = m.start(m.lastindex or 0)
            if bad is not None:
                raise self.error(f"unexpected character {bad!r}", start)
            if num is not None:
                if len(num) > 400_000:
                    raise self.error("number literal too long", start)
                if text.startswith(".", m.end()):
                    raise self.error("unexpected character '.' (a malformed decimal)", m.end())
                self.tokens.append(("num", num, start))
            elif op is not None:
                self.tokens.append(("op", op, start))
            else:
                assert name is not None
                if name != "x":
                    nxt = text[m.end():].lstrip()
                    if name in _NAMED or name in KNOWN_NAMES:
                        raise self.error(
                            f"{name!r} can only be used on its own (as {name!r}"
                            f"{' or ' + repr(name + '(x)') if name in _NAMED else ''}), not "
                            "inside an expression: compositions are not part of the "
                            "activation language", start)
                    del nxt
                    raise unknown_name(name)
                self.tokens.append(("x", name, start))
            pos = m.end()
        self.i = 0

    def error(self, msg: str, pos: int | None = None) -> ActivationError:
        shown = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        where = f" at position {pos}" if pos is not None else ""
        return ActivationError(f"in {shown!r}{where}: {msg}")

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise self.error("unexpected end of expression")
        self.i += 1
        return tok

    def parse(self) -> RatFn:
        if not self.tokens:
            raise self.error("empty expression")
        v = self.expr()
        tok = self.peek()
        if tok is not None:
            raise self.error(f"unexpected {tok[1]!r}", tok[2])
        return v

    def _norm(self, n: fmpq_poly, d: fmpq_poly, pos: int, heights: bool = True) -> RatFn:
        if d.degree() == 0 and d[0] == 1:
            pass
        elif d.degree() > 0 and not n.is_zero():
            g = n.gcd(d)
            if g.degree() > 0:
                n, _ = divmod(n, g)
                d, _ = divmod(d, g)
        elif n.is_zero():
            d = fmpq_poly([1])
        if d.degree() == 0:
            n, d = n / d[0], fmpq_poly([1])
        if max(n.degree(), d.degree()) > MAX_DEGREE:
            raise self.error(f"degree exceeds the limit {MAX_DEGREE}", pos)
        if heights and max(height(n), height(d)) > MAX_HEIGHT_BITS:
            raise self.error(f"coefficients exceed {MAX_HEIGHT_BITS} bits", pos)
        return n, d

    def expr(self) -> RatFn:
        a = self.term()
        while (tok := self.peek()) is not None and tok[:2] in (("op", "+"), ("op", "-")):
            self.take()
            b = self.term()
            n = a[0] * b[1] + b[0] * a[1] if tok[1] == "+" else a[0] * b[1] - b[0] * a[1]
            # a sum grows the height by at most a bit: only products are checked
            a = self._norm(n, a[1] * b[1], tok[2], heights=False)
        return a

    def term(self) -> RatFn:
        a = self.unary()
        while (tok := self.peek()) is not None:
            if tok[:2] == ("op", "*"):
                self.take()
                b = self.unary()
                a = self._norm(a[0] * b[0], a[1] * b[1], tok[2])
            elif tok[:2] == ("op", "/"):
                self.take()
                b = self.unary()
                if b[0].is_zero():
                    raise self.error("division by zero", tok[2])
                a = self._norm(a[0] * b[1], a[1] * b[0], tok[2])
            elif tok[0] in ("num", "x") or tok[:2] == ("op", "("):
                b = self.unary()
                a = self._norm(a[0] * b[0], a[1] * b[1], tok[2])
            else:
                break
        return a

    def unary(self) -> RatFn:
        tok = self.peek()
        if tok is not None and tok[:2] in (("op", "+"), ("op", "-")):
            self.take()
            n, d = self.unary()
            return (-n, d) if tok[1] == "-" else (n, d)
        return self.power()

    def power(self) -> RatFn:
        base = self.atom()
        tok = self.peek()
        if tok is None or tok[:2] not in (("op", "^"), ("op", "**")):
            return base
        self.take()
        sign = 1
        if (t2 := self.peek()) is not None and t2[:2] == ("op", "-"):
            self.take()
            sign = -1
        en, ed = self.atom()
        if en.degree() > 0 or ed.degree() > 0:
            raise self.error("exponent depends on x", tok[2])
        e = en[0] / ed[0] * sign
        if e.q != 1:
            raise self.error(f"exponent {fmt(e)} is not an integer (a fractional power is "
                             "written x^(p/q), on its own)", tok[2])
        if abs(e) > MAX_DEGREE:
            raise self.error(f"exponent {fmt(e)} exceeds the limit {MAX_DEGREE}", tok[2])
        n, d = base
        k = int(e.p)
        if (max(n.degree(), d.degree(), 0)) * abs(k) > MAX_DEGREE:
            raise self.error(f"degree exceeds the limit {MAX_DEGREE}", tok[2])
        bits = abs(k) * (max(height(n), height(d)) + 2)
        if bits > MAX_HEIGHT_BITS:
            raise self.error(f"coefficients would need up to {bits} bits", tok[2])
        if k < 0:
            if n.is_zero():
                raise self.error("division by zero (0 to a negative power)", tok[2])
            n, d, k = d, n, -k
        return self._norm(n**k, d**k, tok[2])

    def atom(self) -> RatFn:
        kind, val, pos = self.take()
        if kind == "num":
            return fmpq_poly([_decimal(val)]), fmpq_poly([1])
        if kind == "x":
            return fmpq_poly([0, 1]), fmpq_poly([1])
        if val == "(":
            v = self.expr()
            close = self.take()
            if close[:2] != ("op", ")"):
                raise self.error(f"expected ')', got {close[1]!r}", close[2])
            return v
        raise self.error(f"unexpected {val!r}", pos)
