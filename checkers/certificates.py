"""Certificates as data: typed, serialisable proof objects with independent checkers.

A *certificate* is what makes an outcome **proved** rather than **holds**: a finite object
that a small checker — this module's pure-Python :meth:`~KernelCertificate.check`, Coq or
z3 (see :mod:`checkers.kernels`) — re-checks without trusting the code that produced it.

Kinds (``kind`` in the JSON):

* ``polynomial_identity`` — ``lhs = rhs`` in ℚ[variables], both sides *expressions* (the
  construction as written, e.g. Σ_j λ_j(σ(x+y+j) − σ(x+j) − σ(y+j))), after a chain of
  ``definitions`` (named sub-expressions, e.g. the vertices of a network);
* ``rational_identity`` — the same with division, under side conditions ``d ≠ 0``;
* ``invertibility`` — a square matrix and an explicit inverse (A·B = B·A = I);
* ``exact_evaluation`` — a straight-line program (definitions) at a rational input and its
  claimed output;
* ``farkas`` — infeasibility of A x ≤ b: multipliers y ≥ 0 with yᵀA = 0 and yᵀb < 0.

Expressions are JSON trees: a variable or definition name (``"x"``), a rational constant
(``"-3/4"``), or a list ``["+", e, ...]``, ``["*", e, ...]``, ``["-", a, b]``,
``["neg", a]``, ``["^", a, n]`` (n a non-negative integer) or ``["/", a, b]``.  Hypotheses
are relations ``["<=", a, b]``, ``["<", a, b]``, ``["!=", a, b]``, ``["=", a, b]``.

This module is in the checkers layer: it imports no ``spec``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from flint import fmpq, fmpq_mpoly, fmpq_poly, fmpz

from checkers.errors import WhyReluError

SCHEMA = "whyrelu-certificate/1"

Expr = str | list[Any]
"""A JSON expression tree (see the module doc)."""

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NUM = re.compile(r"^-?[0-9]+(/[0-9]+)?$")
_OPS = {"+", "*", "-", "neg", "^", "/"}
#: names that would clash with Coq, Lean or SMT-LIB syntax or library names
_RESERVED = frozenset({
    "Q", "Qred", "Qeq_bool", "Qle_bool", "fun", "forall", "exists", "let", "in", "match",
    "end", "as", "if", "then", "else", "with", "Prop", "Type", "Set", "true", "false", "and",
    "or", "not", "by", "theorem", "lemma", "ite", "assert", "ring", "field", "cert", "mul",
    "dot", "col", "seq", "nth", "map", "fst", "snd", "id", "is_identity", "ncols",
})
_RELS = {"<=", "<", "!=", "="}


class CertificateError(WhyReluError):
    """A certificate is malformed (bad JSON, unknown kind or schema, bad expression)."""


class CertificateRejected(WhyReluError):
    """A checker rejected a certificate: the identity, inverse or multipliers are wrong."""


# --------------------------------------------------------------------------- expressions


def num(q: Any) -> str:
    """A rational constant (int, Fraction, fmpq, fmpz or "p/q") as an expression."""
    if isinstance(q, fmpq):
        f = Fraction(int(q.p), int(q.q))
    elif isinstance(q, Fraction | str):
        f = Fraction(q)
    else:
        f = Fraction(int(q))
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def add(*es: Expr) -> Expr:
    return ["+", *es] if len(es) != 1 else es[0]


def mul(*es: Expr) -> Expr:
    return ["*", *es] if len(es) != 1 else es[0]


def sub(a: Expr, b: Expr) -> Expr:
    return ["-", a, b]


def power(a: Expr, n: int) -> Expr:
    return ["^", a, str(n)]


def div(a: Expr, b: Expr) -> Expr:
    return ["/", a, b]


def poly_at(coeffs: Sequence[Any], t: Expr) -> Expr:
    """Σ_k c_k t^k for the coefficient list ``coeffs`` (constant first), zeros skipped."""
    terms: list[Expr] = []
    for k, c in enumerate(coeffs):
        cs = num(c)
        if cs == "0":
            continue
        mono = t if k == 1 else power(t, k)
        terms.append(cs if k == 0 else mono if cs == "1" else mul(cs, mono))
    return add(*terms) if terms else "0"


def is_number(e: Expr) -> bool:
    return isinstance(e, str) and bool(_NUM.match(e))


def validate(e: Expr, names: Iterable[str]) -> None:
    """Raise :class:`CertificateError` unless ``e`` is a well-formed expression over
    ``names``."""
    known = set(names)

    def go(x: Any) -> None:
        if isinstance(x, str):
            if _NUM.match(x) or (x in known and _NAME.match(x)):
                return
            raise CertificateError(f"unknown name or bad constant {x!r} in expression")
        if not isinstance(x, list) or not x or x[0] not in _OPS:
            raise CertificateError(f"bad expression node {x!r}")
        op, args = x[0], x[1:]
        arity = {"-": 2, "neg": 1, "^": 2, "/": 2}.get(op)
        if (arity is not None and len(args) != arity) or not args:
            raise CertificateError(f"wrong number of operands in {x!r}")
        if op == "^":
            if not (isinstance(args[1], str) and args[1].isdigit()):
                raise CertificateError(f"exponent must be a non-negative integer in {x!r}")
            go(args[0])
            return
        for a in args:
            go(a)

    go(e)


# --------------------------------------------------------------------------- the checker's algebra
# A deliberately small, independent polynomial arithmetic over Fraction (not FLINT, not the
# code that produced the certificates): a polynomial is {exponent tuple: coefficient}.

Poly = dict[tuple[int, ...], Fraction]


def _padd(a: Poly, b: Poly, sign: int = 1) -> Poly:
    out = dict(a)
    for m, c in b.items():
        v = out.get(m, Fraction(0)) + sign * c
        if v:
            out[m] = v
        else:
            out.pop(m, None)
    return out


def _pmul(a: Poly, b: Poly) -> Poly:
    out: Poly = {}
    for m1, c1 in a.items():
        for m2, c2 in b.items():
            m = tuple(i + j for i, j in zip(m1, m2, strict=True))
            v = out.get(m, Fraction(0)) + c1 * c2
            if v:
                out[m] = v
            else:
                out.pop(m, None)
    return out


def expand(e: Expr, variables: Sequence[str], env: Mapping[str, Poly] | None = None) -> Poly:
    """``e`` expanded in ℚ[variables]; names in ``env`` stand for their polynomials.
    Division is allowed only by a non-zero constant."""
    n = len(variables)
    zero = (0,) * n
    env = env or {}

    def go(x: Expr) -> Poly:
        if isinstance(x, str):
            if _NUM.match(x):
                c = Fraction(x)
                return {zero: c} if c else {}
            if x in env:
                return env[x]
            i = list(variables).index(x)
            return {tuple(int(k == i) for k in range(n)): Fraction(1)}
        op, args = x[0], x[1:]
        if op == "+":
            acc: Poly = {}
            for a in args:
                acc = _padd(acc, go(a))
            return acc
        if op == "*":
            acc = {zero: Fraction(1)}
            for a in args:
                acc = _pmul(acc, go(a))
            return acc
        if op == "-":
            return _padd(go(args[0]), go(args[1]), -1)
        if op == "neg":
            return _padd({}, go(args[0]), -1)
        if op == "^":
            base, acc = go(args[0]), {zero: Fraction(1)}
            for _ in range(int(str(args[1]))):
                acc = _pmul(acc, base)
            return acc
        d = go(args[1])
        if set(d) != {zero}:
            raise CertificateRejected("division by a non-constant in a polynomial identity")
        return {m: c / d[zero] for m, c in go(args[0]).items()}

    return go(e)


def evaluate(e: Expr, env: Mapping[str, Fraction]) -> Fraction:
    """``e`` evaluated exactly with ``Fraction`` (names from ``env``)."""
    if isinstance(e, str):
        return Fraction(e) if _NUM.match(e) else env[e]
    op, args = e[0], e[1:]
    vals = [evaluate(a, env) for a in args] if op != "^" else [evaluate(args[0], env)]
    if op == "+":
        return sum(vals, Fraction(0))
    if op == "*":
        out = Fraction(1)
        for v in vals:
            out *= v
        return out
    if op == "-":
        return vals[0] - vals[1]
    if op == "neg":
        return -vals[0]
    if op == "^":
        return vals[0] ** int(str(args[1]))
    if vals[1] == 0:
        raise CertificateRejected("division by zero in an exact evaluation")
    return vals[0] / vals[1]


def _frac(s: Any) -> Fraction:
    try:
        return Fraction(str(s))
    except (ValueError, ZeroDivisionError) as e:
        raise CertificateError(f"not a rational {s!r}") from e


def _fstr(q: Fraction) -> str:
    return num(q)


# --------------------------------------------------------------------------- kinds


@dataclass(frozen=True)
class KernelCertificate:
    """Common base: a named proof obligation with a one-line human statement."""

    kind: ClassVar[str] = ""
    name: str
    statement: str

    def check(self) -> None:  # pragma: no cover - overridden
        """Raise :class:`CertificateRejected` unless the certificate is valid."""
        raise NotImplementedError

    def accepted(self) -> bool:
        """True when :meth:`check` accepts."""
        try:
            self.check()
        except CertificateRejected:
            return False
        return True

    def payload(self) -> dict[str, Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        """Versioned JSON (``schema`` names the format, ``kind`` the certificate kind)."""
        return {"schema": SCHEMA, "kind": self.kind, "name": self.name,
                "statement": self.statement, **self.payload()}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=1, sort_keys=True)


@dataclass(frozen=True)
class PolynomialIdentity(KernelCertificate):
    """``lhs = rhs`` in ℚ[variables] after the ``definitions`` (name, expression), in
    order; ``hypotheses`` are relations the statement is made under (an identity needs none,
    but they are stated, e.g. |x| <= 1 for a local gadget)."""

    kind: ClassVar[str] = "polynomial_identity"
    variables: tuple[str, ...] = ()
    lhs: Expr = "0"
    rhs: Expr = "0"
    definitions: tuple[tuple[str, Expr], ...] = ()
    hypotheses: tuple[Expr, ...] = ()

    def __post_init__(self) -> None:
        names = list(self.variables)
        for v in names:
            if not _NAME.match(v) or v in _RESERVED:
                raise CertificateError(f"bad or reserved variable name {v!r}")
        for d, e in self.definitions:
            validate(e, names)
            if not _NAME.match(d) or d in names or d in _RESERVED:
                raise CertificateError(f"bad or repeated definition name {d!r}")
            names.append(d)
        validate(self.lhs, names)
        validate(self.rhs, names)
        for h in self.hypotheses:
            if not (isinstance(h, list) and len(h) == 3 and h[0] in _RELS):
                raise CertificateError(f"bad hypothesis {h!r}")
            validate(h[1], names)
            validate(h[2], names)

    def payload(self) -> dict[str, Any]:
        return {"variables": list(self.variables), "lhs": self.lhs, "rhs": self.rhs,
                "definitions": [[d, e] for d, e in self.definitions],
                "hypotheses": list(self.hypotheses)}

    def check(self) -> None:
        env: dict[str, Poly] = {}
        for d, e in self.definitions:
            env[d] = expand(e, self.variables, env)
        diff = _padd(expand(self.lhs, self.variables, env),
                     expand(self.rhs, self.variables, env), -1)
        if diff:
            m, c = next(iter(sorted(diff.items())))
            raise CertificateRejected(
                f"{self.name}: lhs − rhs ≠ 0 in ℚ[{', '.join(self.variables)}] "
                f"(coefficient {c} at exponents {m})")


@dataclass(frozen=True)
class RationalIdentity(PolynomialIdentity):
    """``lhs = rhs`` in ℚ(variables), under the side conditions ``["!=", d, "0"]`` among the
    hypotheses; every denominator's irreducible factors must be excluded by them."""

    kind: ClassVar[str] = "rational_identity"

    def check(self) -> None:
        import sympy

        syms = {v: sympy.Symbol(v) for v in self.variables}
        env: dict[str, Any] = dict(syms)
        denominators: list[Any] = []

        def go(x: Expr) -> Any:
            if isinstance(x, str):
                return sympy.Rational(x) if _NUM.match(x) else env[x]
            op, args = x[0], x[1:]
            if op == "^":
                return go(args[0]) ** int(str(args[1]))
            vs = [go(a) for a in args]
            if op == "+":
                return sympy.Add(*vs)
            if op == "*":
                return sympy.Mul(*vs)
            if op == "-":
                return vs[0] - vs[1]
            if op == "neg":
                return -vs[0]
            denominators.append(vs[1])
            return vs[0] / vs[1]

        for d, e in self.definitions:
            env[d] = go(e)
        diff = go(self.lhs) - go(self.rhs)
        side = sympy.Integer(1)
        for h in self.hypotheses:
            if h[0] == "!=":
                side *= go(h[1]) - go(h[2])
        gens = list(syms.values()) or [sympy.Symbol("_")]
        side_poly = sympy.Poly(sympy.cancel(side), *gens)
        for den in denominators:
            zeros = sympy.fraction(sympy.cancel(den))[0]
            if zeros == 0:
                raise CertificateRejected(f"{self.name}: division by zero")
            for fac, _ in sympy.factor_list(zeros, *gens)[1]:
                fp = sympy.Poly(fac, *gens)
                if not fp.is_ground and side_poly.rem(fp) != 0:
                    raise CertificateRejected(
                        f"{self.name}: denominator factor {fac} is not excluded by the "
                        "side conditions")
        if sympy.cancel(sympy.together(diff)) != 0:
            raise CertificateRejected(f"{self.name}: lhs − rhs = {sympy.factor(diff)} ≠ 0")


@dataclass(frozen=True)
class Invertibility(KernelCertificate):
    """A square ``matrix`` and an explicit ``inverse``: A·B = I and B·A = I."""

    kind: ClassVar[str] = "invertibility"
    matrix: tuple[tuple[Fraction, ...], ...] = ()
    inverse: tuple[tuple[Fraction, ...], ...] = ()

    def payload(self) -> dict[str, Any]:
        return {"matrix": [[_fstr(v) for v in r] for r in self.matrix],
                "inverse": [[_fstr(v) for v in r] for r in self.inverse]}

    def check(self) -> None:
        a, b = self.matrix, self.inverse
        n = len(a)
        if n == 0 or any(len(r) != n for r in (*a, *b)) or len(b) != n:
            raise CertificateRejected(f"{self.name}: matrix and inverse must be n×n, n >= 1")
        for x, y, which in ((a, b, "A·B"), (b, a, "B·A")):
            for i in range(n):
                for j in range(n):
                    s = sum((x[i][k] * y[k][j] for k in range(n)), Fraction(0))
                    if s != (1 if i == j else 0):
                        raise CertificateRejected(
                            f"{self.name}: ({which})[{i}][{j}] = {s}, not the identity")


@dataclass(frozen=True)
class ExactEvaluation(KernelCertificate):
    """A straight-line program (``definitions``, e.g. an SLP's gates or a network's
    vertices) at rational ``inputs``; ``output`` evaluates exactly to ``claimed``."""

    kind: ClassVar[str] = "exact_evaluation"
    inputs: tuple[tuple[str, Fraction], ...] = ()
    definitions: tuple[tuple[str, Expr], ...] = ()
    output: Expr = "0"
    claimed: Fraction = Fraction(0)

    def __post_init__(self) -> None:
        names = [v for v, _ in self.inputs]
        for d, e in self.definitions:
            validate(e, names)
            if not _NAME.match(d) or d in names or d in _RESERVED:
                raise CertificateError(f"bad, repeated or reserved definition name {d!r}")
            names.append(d)
        for v in names[:len(self.inputs)]:
            if not _NAME.match(v) or v in _RESERVED:
                raise CertificateError(f"bad or reserved input name {v!r}")
        validate(self.output, names)

    def payload(self) -> dict[str, Any]:
        return {"inputs": [[v, _fstr(q)] for v, q in self.inputs],
                "definitions": [[d, e] for d, e in self.definitions],
                "output": self.output, "claimed": _fstr(self.claimed)}

    def check(self) -> None:
        env = dict(self.inputs)
        for d, e in self.definitions:
            env[d] = evaluate(e, env)
        got = evaluate(self.output, env)
        if got != self.claimed:
            raise CertificateRejected(f"{self.name}: evaluates to {got}, not {self.claimed}")


@dataclass(frozen=True)
class Farkas(KernelCertificate):
    """``A x <= b`` has no solution: ``y >= 0`` with yᵀA = 0 and yᵀb < 0."""

    kind: ClassVar[str] = "farkas"
    a: tuple[tuple[Fraction, ...], ...] = ()
    b: tuple[Fraction, ...] = ()
    y: tuple[Fraction, ...] = ()

    def payload(self) -> dict[str, Any]:
        return {"A": [[_fstr(v) for v in r] for r in self.a], "b": [_fstr(v) for v in self.b],
                "y": [_fstr(v) for v in self.y]}

    def check(self) -> None:
        m = len(self.a)
        n = len(self.a[0]) if m else 0
        if len(self.b) != m or len(self.y) != m or any(len(r) != n for r in self.a):
            raise CertificateRejected(f"{self.name}: A is m×n, b and y have length m")
        if any(v < 0 for v in self.y):
            raise CertificateRejected(f"{self.name}: a multiplier is negative")
        for j in range(n):
            s = sum((self.y[i] * self.a[i][j] for i in range(m)), Fraction(0))
            if s != 0:
                raise CertificateRejected(f"{self.name}: (yᵀA)_{j} = {s} ≠ 0")
        yb = sum((yi * bi for yi, bi in zip(self.y, self.b, strict=True)), Fraction(0))
        if not yb < 0:
            raise CertificateRejected(f"{self.name}: yᵀb = {yb} is not negative")


@dataclass(frozen=True)
class Inequality(KernelCertificate):
    """``lhs <= rhs`` (``lhs < rhs`` when ``strict``) for all points satisfying the
    ``hypotheses`` ``a_i <= b_i`` / ``a_i < b_i`` (e.g. an interval |x| <= 1), with a
    Positivstellensatz-style witness: non-negative rationals y_k on products of hypotheses
    (``products``: tuples of hypothesis indices; ``()`` is the constant 1) such that

        rhs − lhs − Σ_k y_k Π_{i ∈ S_k} (b_i − a_i)   is a constant c >= 0 (c > 0 if strict).

    Kernels check the statement itself (Coq: ``lra``, or ``nra`` when a product of two or
    more hypotheses is used; z3: the hypotheses and the negated goal are ``unsat``)."""

    kind: ClassVar[str] = "inequality"
    variables: tuple[str, ...] = ()
    lhs: Expr = "0"
    rhs: Expr = "0"
    strict: bool = False
    hypotheses: tuple[Expr, ...] = ()
    products: tuple[tuple[int, ...], ...] = ()
    multipliers: tuple[Fraction, ...] = ()

    def __post_init__(self) -> None:
        for v in self.variables:
            if not _NAME.match(v) or v in _RESERVED:
                raise CertificateError(f"bad or reserved variable name {v!r}")
        validate(self.lhs, self.variables)
        validate(self.rhs, self.variables)
        for h in self.hypotheses:
            if not (isinstance(h, list) and len(h) == 3 and h[0] in ("<=", "<")):
                raise CertificateError(f"an inequality's hypotheses are <= or <, got {h!r}")
            validate(h[1], self.variables)
            validate(h[2], self.variables)
        if len(self.products) != len(self.multipliers) or any(
                i not in range(len(self.hypotheses)) for s in self.products for i in s):
            raise CertificateError("one multiplier per product of hypothesis indices")

    def payload(self) -> dict[str, Any]:
        return {"variables": list(self.variables), "lhs": self.lhs, "rhs": self.rhs,
                "strict": self.strict, "hypotheses": list(self.hypotheses),
                "products": [list(p) for p in self.products],
                "multipliers": [_fstr(y) for y in self.multipliers]}

    def check(self) -> None:
        if any(y < 0 for y in self.multipliers):
            raise CertificateRejected(f"{self.name}: a multiplier is negative")
        zero = (0,) * len(self.variables)
        slack = [expand(sub(h[2], h[1]), self.variables) for h in self.hypotheses]
        rest = expand(sub(self.rhs, self.lhs), self.variables)
        strict_used = False
        for prod, y in zip(self.products, self.multipliers, strict=True):
            term: Poly = {zero: y} if y else {}
            for i in prod:
                term = _pmul(term, slack[i])
            rest = _padd(rest, term, -1)
            strict_used |= bool(y) and all(self.hypotheses[i][0] == "<" for i in prod) \
                and bool(prod)
        if any(m != zero for m in rest):
            raise CertificateRejected(f"{self.name}: rhs − lhs − Σ y_k·Π(b_i − a_i) is not a "
                                      "constant")
        c = rest.get(zero, Fraction(0))
        if c < 0 or (self.strict and c == 0 and not strict_used):
            raise CertificateRejected(f"{self.name}: the remaining constant {c} is too small")


KINDS: dict[str, type[KernelCertificate]] = {
    k.kind: k for k in (PolynomialIdentity, RationalIdentity, Invertibility, ExactEvaluation,
                        Farkas, Inequality)}


def _mat(rows: Any) -> tuple[tuple[Fraction, ...], ...]:
    return tuple(tuple(_frac(v) for v in r) for r in rows)


def from_json(data: Mapping[str, Any] | str) -> KernelCertificate:
    """Read a certificate written by :meth:`KernelCertificate.to_json` (or its text)."""
    try:
        d = json.loads(data) if isinstance(data, str) else dict(data)
    except json.JSONDecodeError as e:
        raise CertificateError(f"certificate is not JSON: {e}") from e
    if d.get("schema") != SCHEMA:
        raise CertificateError(f"unknown certificate schema {d.get('schema')!r} "
                               f"(this version reads {SCHEMA})")
    kind = d.get("kind")
    if kind not in KINDS:
        raise CertificateError(f"unknown certificate kind {kind!r}")
    try:
        base = {"name": str(d["name"]), "statement": str(d["statement"])}
        if kind in ("polynomial_identity", "rational_identity"):
            cls = PolynomialIdentity if kind == "polynomial_identity" else RationalIdentity
            return cls(**base, variables=tuple(d["variables"]), lhs=d["lhs"], rhs=d["rhs"],
                       definitions=tuple((str(n), e) for n, e in d["definitions"]),
                       hypotheses=tuple(d["hypotheses"]))
        if kind == "invertibility":
            return Invertibility(**base, matrix=_mat(d["matrix"]), inverse=_mat(d["inverse"]))
        if kind == "exact_evaluation":
            return ExactEvaluation(**base,
                                   inputs=tuple((str(v), _frac(q)) for v, q in d["inputs"]),
                                   definitions=tuple((str(n), e) for n, e in d["definitions"]),
                                   output=d["output"], claimed=_frac(d["claimed"]))
        if kind == "inequality":
            return Inequality(**base, variables=tuple(d["variables"]), lhs=d["lhs"],
                              rhs=d["rhs"], strict=bool(d["strict"]),
                              hypotheses=tuple(d["hypotheses"]),
                              products=tuple(tuple(int(i) for i in p) for p in d["products"]),
                              multipliers=tuple(_frac(y) for y in d["multipliers"]))
        return Farkas(**base, a=_mat(d["A"]), b=tuple(_frac(v) for v in d["b"]),
                      y=tuple(_frac(v) for v in d["y"]))
    except (KeyError, TypeError, ValueError) as e:
        raise CertificateError(f"malformed {kind} certificate: {e!r}") from e


# --------------------------------------------------------------------------- builders


def _mono_expr(exps: Sequence[int], variables: Sequence[str]) -> list[Expr]:
    return [v if k == 1 else power(v, k) for v, k in zip(variables, exps, strict=True) if k]


def poly_expr(p: Any, variables: Sequence[str]) -> Expr:
    """A FLINT ``fmpq_poly`` (in ``variables[0]``) or ``fmpq_mpoly`` (in ``variables``),
    an ``int``/``Fraction`` or an expression, as an expression (sum of monomials)."""
    if isinstance(p, str | list):
        return p
    if isinstance(p, int | Fraction | fmpq | fmpz):
        return num(p)
    if isinstance(p, fmpq_mpoly):
        terms = [mul(num(c), *_mono_expr(list(m), variables))
                 for m, c in sorted(p.to_dict().items(), reverse=True)]
        return add(*terms) if terms else "0"
    if isinstance(p, fmpq_poly):
        return poly_at([p[k] for k in range(int(p.degree()) + 1)], variables[0])
    raise CertificateError(f"cannot read {type(p).__name__} as a polynomial")


def polynomial_identity(lhs: Any, rhs: Any, variables: Sequence[str],
                        hypotheses: Sequence[Expr] = (), *, name: str = "identity",
                        statement: str = "",
                        definitions: Sequence[tuple[str, Expr]] = ()) -> PolynomialIdentity:
    """A :class:`PolynomialIdentity` from FLINT polynomials (``fmpq_mpoly``/``fmpq_poly``)
    or expressions.  Prefer passing the construction as an *expression* on one side: two
    expanded polynomials make a certificate that only re-checks the expansion."""
    return PolynomialIdentity(
        name=name, statement=statement or f"identity in ℚ[{', '.join(variables)}]",
        variables=tuple(variables), lhs=poly_expr(lhs, variables),
        rhs=poly_expr(rhs, variables), definitions=tuple(definitions),
        hypotheses=tuple(hypotheses))


def rational_identity(lhs: Expr, rhs: Expr, variables: Sequence[str],
                      nonzero: Sequence[Expr] = (), *, name: str = "identity",
                      statement: str = "", hypotheses: Sequence[Expr] = (),
                      definitions: Sequence[tuple[str, Expr]] = ()) -> RationalIdentity:
    """A :class:`RationalIdentity` with side conditions ``d ≠ 0`` for each ``nonzero``."""
    return RationalIdentity(
        name=name, statement=statement or f"identity in ℚ({', '.join(variables)})",
        variables=tuple(variables), lhs=lhs, rhs=rhs, definitions=tuple(definitions),
        hypotheses=(*(["!=", d, "0"] for d in nonzero), *hypotheses))


def invertibility(matrix: Any, inverse: Any, *, name: str = "inverse",
                  statement: str = "") -> Invertibility:
    """From FLINT matrices (``fmpq_mat``) or nested sequences of rationals."""
    def rows(m: Any) -> tuple[tuple[Fraction, ...], ...]:
        if hasattr(m, "nrows"):
            return tuple(tuple(_frac(num(m[i, j])) for j in range(m.ncols()))
                         for i in range(m.nrows()))
        return tuple(tuple(_frac(num(v)) for v in r) for r in m)

    return Invertibility(name=name, statement=statement or "A·B = B·A = I",
                         matrix=rows(matrix), inverse=rows(inverse))


def farkas(a: Any, b: Sequence[Any], y: Sequence[Any], *, name: str = "farkas",
           statement: str = "") -> Farkas:
    """A :class:`Farkas` certificate that ``A x <= b`` is infeasible, from FLINT matrices
    (``fmpq_mat``/``fmpz_mat``) or nested sequences, and the multipliers ``y``."""
    if hasattr(a, "nrows"):
        rows = tuple(tuple(_frac(num(a[i, j])) for j in range(a.ncols()))
                     for i in range(a.nrows()))
    else:
        rows = tuple(tuple(_frac(num(v)) for v in r) for r in a)
    return Farkas(name=name, statement=statement or "A x <= b has no solution",
                  a=rows, b=tuple(_frac(num(v)) for v in b), y=tuple(_frac(num(v)) for v in y))


def perturbed(cert: KernelCertificate, delta: Fraction = Fraction(1)) -> KernelCertificate:
    """A negative control: ``cert`` with one number changed by ``delta`` (the first
    non-trivial constant of an identity's lhs, the inverse's first entry, multiplier y_0, the
    claimed value; an inequality's bound is lowered by |delta| + 1 — this assumes the bound
    is tight enough that lowering it breaks the inequality)."""
    if isinstance(cert, PolynomialIdentity):
        done = [False]

        def go(x: Expr) -> Expr:
            if done[0]:
                return x
            if isinstance(x, str):
                if is_number(x) and x not in ("0", "1"):
                    done[0] = True
                    return num(Fraction(x) + delta)
                return x
            if x[0] == "^":
                return [x[0], go(x[1]), x[2]]
            return [x[0], *(go(a) for a in x[1:])]

        defs = []
        for d, e in cert.definitions:
            defs.append((d, go(e)))
        lhs = go(cert.lhs)
        if not done[0]:
            lhs = add(lhs, num(delta))
        return type(cert)(name=cert.name, statement=cert.statement, variables=cert.variables,
                          lhs=lhs, rhs=cert.rhs, definitions=tuple(defs),
                          hypotheses=cert.hypotheses)
    if isinstance(cert, Inequality):
        return Inequality(name=cert.name, statement=cert.statement, variables=cert.variables,
                          lhs=cert.lhs, rhs=sub(cert.rhs, num(abs(delta) + 1)),
                          strict=cert.strict, hypotheses=cert.hypotheses,
                          products=cert.products, multipliers=cert.multipliers)
    if isinstance(cert, Invertibility):
        inv = [list(r) for r in cert.inverse]
        inv[0][0] += delta
        return Invertibility(name=cert.name, statement=cert.statement, matrix=cert.matrix,
                             inverse=tuple(tuple(r) for r in inv))
    if isinstance(cert, ExactEvaluation):
        return ExactEvaluation(name=cert.name, statement=cert.statement, inputs=cert.inputs,
                               definitions=cert.definitions, output=cert.output,
                               claimed=cert.claimed + delta)
    if isinstance(cert, Farkas):
        y = list(cert.y)
        y[0] += delta
        return Farkas(name=cert.name, statement=cert.statement, a=cert.a, b=cert.b,
                      y=tuple(y))
    raise CertificateError(f"cannot perturb {type(cert).__name__}")
