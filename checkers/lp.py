"""Exact linear feasibility over ℚ behind one function, with checked Farkas certificates.

:func:`feasible` decides ``∃ x ∈ ℚⁿ: A x ≤ b, A_eq x = b_eq`` (x free) exactly and returns
either a :class:`Feasible` witness or an :class:`Infeasible` answer carrying a
:class:`Farkas` certificate: multipliers ``y ≥ 0`` (one per inequality) and ``z`` free (one
per equality) with ``yᵀA + zᵀA_eq = 0`` and ``yᵀb + zᵀb_eq < 0`` — adding the rows with these
multipliers gives ``0 ≤ (negative)``, so no x exists (Farkas' lemma; both halves are
exact).

The solver is sympy's rational two-phase simplex (``sympy.solvers.simplex.linprog``, Bland's
rule), wrapped by :func:`_solve` only, so another exact solver can replace it.  The
certificate of an infeasible system is found by solving the alternative system (itself an
LP, feasible by Farkas' lemma) with the same solver, and *every* answer is re-checked by
the few-line checkers :func:`check_witness` and :func:`check_farkas`, written in
``fractions.Fraction`` independently of the solver: a wrong answer from the solver raises
:class:`LPError` instead of being returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from flint import fmpq

from checkers.errors import WhyReluError
from checkers.rationals import RationalLike, to_q

Matrix = Sequence[Sequence[RationalLike]]
Vector = Sequence[RationalLike]


class LPError(WhyReluError, ValueError):
    """A malformed linear system (ragged rows, mismatched lengths) or a solver answer that
    failed its independent check."""


@dataclass(frozen=True)
class Farkas:
    """Farkas multipliers for ``A x ≤ b, A_eq x = b_eq``: ``y ≥ 0`` on the inequalities,
    ``z`` free on the equalities, ``yᵀA + zᵀA_eq = 0`` and ``yᵀb + zᵀb_eq < 0``.

    (A minimal certificate type, kept here until a shared certificate module provides one.)
    """

    y: tuple[fmpq, ...]
    z: tuple[fmpq, ...] = ()

    def perturbed(self, index: int, delta: RationalLike = 1) -> Farkas:
        """The same certificate with multiplier ``index`` (inequalities first, then
        equalities) shifted by ``delta`` — for negative controls."""
        ys, zs = list(self.y), list(self.z)
        if index < len(ys):
            ys[index] += to_q(delta)
        else:
            zs[index - len(ys)] += to_q(delta)
        return Farkas(tuple(ys), tuple(zs))


@dataclass(frozen=True)
class Feasible:
    """A point ``x`` with ``A x ≤ b`` and ``A_eq x = b_eq``."""

    witness: tuple[fmpq, ...]


@dataclass(frozen=True)
class Infeasible:
    """No point exists; ``farkas`` proves it."""

    farkas: Farkas


@dataclass(frozen=True)
class System:
    """``A x ≤ b, A_eq x = b_eq`` over ℚ with ``nvars`` free variables (rows as fmpq)."""

    A: tuple[tuple[fmpq, ...], ...]
    b: tuple[fmpq, ...]
    A_eq: tuple[tuple[fmpq, ...], ...]
    b_eq: tuple[fmpq, ...]
    nvars: int

    @staticmethod
    def of(A: Matrix, b: Vector, A_eq: Matrix | None = None, b_eq: Vector | None = None,
           nvars: int | None = None) -> System:
        """Validate and convert (every entry through :func:`to_q`)."""
        rows = [tuple(to_q(v) for v in r) for r in A]
        rows_eq = [tuple(to_q(v) for v in r) for r in (A_eq or ())]
        rhs = tuple(to_q(v) for v in b)
        rhs_eq = tuple(to_q(v) for v in (b_eq or ()))
        if len(rows) != len(rhs):
            raise LPError(f"A has {len(rows)} rows but b has {len(rhs)} entries")
        if len(rows_eq) != len(rhs_eq):
            raise LPError(f"A_eq has {len(rows_eq)} rows but b_eq has {len(rhs_eq)} entries")
        widths = {len(r) for r in (*rows, *rows_eq)}
        if nvars is None:
            if len(widths) != 1:
                raise LPError("give nvars for a system without rows" if not widths
                              else f"rows of different lengths {sorted(widths)}")
            nvars = widths.pop()
        elif widths - {nvars}:
            raise LPError(f"rows of lengths {sorted(widths)} for {nvars} variables")
        return System(tuple(rows), rhs, tuple(rows_eq), rhs_eq, nvars)


# --------------------------------------------------------------------------- checkers


def _F(q: RationalLike) -> Fraction:
    v = to_q(q)
    return Fraction(int(v.p), int(v.q))


def check_witness(sys: System, x: Sequence[RationalLike]) -> bool:
    """``A x ≤ b`` and ``A_eq x = b_eq``, in ``fractions.Fraction``."""
    xs = [_F(v) for v in x]
    if len(xs) != sys.nvars:
        return False
    dot = [sum((_F(a) * v for a, v in zip(r, xs, strict=True)), Fraction(0)) for r in sys.A]
    dot_eq = [sum((_F(a) * v for a, v in zip(r, xs, strict=True)), Fraction(0))
              for r in sys.A_eq]
    return (all(d <= _F(c) for d, c in zip(dot, sys.b, strict=True))
            and all(d == _F(c) for d, c in zip(dot_eq, sys.b_eq, strict=True)))


def check_farkas(sys: System, cert: Farkas) -> bool:
    """``y ≥ 0``, ``yᵀA + zᵀA_eq = 0`` and ``yᵀb + zᵀb_eq < 0``, in ``fractions.Fraction``."""
    if len(cert.y) != len(sys.A) or len(cert.z) != len(sys.A_eq):
        return False
    y = [_F(v) for v in cert.y]
    z = [_F(v) for v in cert.z]
    if any(v < 0 for v in y):
        return False
    rows = [*sys.A, *sys.A_eq]
    mult = [*y, *z]
    for j in range(sys.nvars):
        if sum((m * _F(r[j]) for m, r in zip(mult, rows, strict=True)), Fraction(0)) != 0:
            return False
    rhs = sum((m * _F(c) for m, c in zip(mult, (*sys.b, *sys.b_eq), strict=True)),
              Fraction(0))
    return rhs < 0


# --------------------------------------------------------------------------- solver


def _solve(c: Sequence[fmpq], A: Sequence[Sequence[fmpq]], b: Sequence[fmpq],
           A_eq: Sequence[Sequence[fmpq]], b_eq: Sequence[fmpq],
           free: bool) -> tuple[fmpq, ...] | None:
    """The one place that calls the exact LP solver: a point minimising ``c·x`` subject to
    ``A x ≤ b, A_eq x = b_eq`` (x free if ``free``, else x ≥ 0), or ``None`` when the
    system is infeasible.  The objective is bounded below wherever it is called."""
    from sympy import Rational
    from sympy.solvers.simplex import InfeasibleLPError, linprog

    def R(q: fmpq) -> Rational:
        return Rational(int(q.p), int(q.q))

    if free:  # x = x⁺ − x⁻ with x± ≥ 0 (sympy 1.14's bounds=(None, None) can return a
        # point violating the inequalities; the witness check caught it)
        c = [*c, *(-v for v in c)]
        A = [(*r, *(-v for v in r)) for r in A]
        A_eq = [(*r, *(-v for v in r)) for r in A_eq]
    n = len(c)
    kw: dict[str, object] = {}
    if A:
        kw["A"] = [[R(v) for v in r] for r in A]
        kw["b"] = [R(v) for v in b]
    else:  # sympy needs an inequality block: 0·x ≤ 0
        kw["A"] = [[R(fmpq(0))] * n]
        kw["b"] = [R(fmpq(0))]
    if A_eq:
        kw["A_eq"] = [[R(v) for v in r] for r in A_eq]
        kw["b_eq"] = [R(v) for v in b_eq]
    try:
        _, x = linprog([R(v) for v in c], **kw)
    except InfeasibleLPError:
        return None
    out = []
    for v in x:
        q = Rational(v)
        out.append(fmpq(int(q.p), int(q.q)))
    if free:
        half = len(out) // 2
        return tuple(out[i] - out[half + i] for i in range(half))
    return tuple(out)


def feasible(A: Matrix, b: Vector, A_eq: Matrix | None = None, b_eq: Vector | None = None,
             *, nvars: int | None = None) -> Feasible | Infeasible:
    """Decide ``∃ x: A x ≤ b, A_eq x = b_eq`` exactly (module doc); the answer has been
    checked by :func:`check_witness` or :func:`check_farkas` before it is returned."""
    return solve(System.of(A, b, A_eq, b_eq, nvars))


def solve(sys: System) -> Feasible | Infeasible:
    """:func:`feasible` for an already validated :class:`System`."""
    zero = fmpq(0)
    x = _solve([zero] * sys.nvars, sys.A, sys.b, sys.A_eq, sys.b_eq, free=True)
    if x is not None:
        if not check_witness(sys, x):
            raise LPError("the LP solver returned a point that violates the system")
        return Feasible(x)
    # the alternative system: y ≥ 0, z = z⁺ − z⁻, [Aᵀ A_eqᵀ −A_eqᵀ](y,z⁺,z⁻) = 0, ... = −1
    m, k = len(sys.A), len(sys.A_eq)
    cols = [*sys.A, *sys.A_eq, *(tuple(-v for v in r) for r in sys.A_eq)]
    rhs = [*sys.b, *sys.b_eq, *(-v for v in sys.b_eq)]
    eq_rows = [tuple(col[j] for col in cols) for j in range(sys.nvars)]
    eq_rows.append(tuple(rhs))
    eq_rhs = [zero] * sys.nvars + [fmpq(-1)]
    ones = [fmpq(1)] * (m + 2 * k)  # minimise Σ multipliers: a small, sparse certificate
    sol = _solve(ones, [], [], eq_rows, eq_rhs, free=False)
    if sol is None:
        raise LPError("neither the system nor its Farkas alternative is feasible "
                      "(solver error)")
    cert = Farkas(sol[:m], tuple(sol[m + i] - sol[m + k + i] for i in range(k)))
    if not check_farkas(sys, cert):
        raise LPError("the LP solver returned Farkas multipliers that do not check")
    return Infeasible(cert)
