"""Exact linear feasibility over ℚ behind one function, with checked Farkas certificates.

:func:`feasible` decides ``∃ x ∈ ℚⁿ: A x ≤ b, A_eq x = b_eq`` (x free) exactly and returns
either a :class:`Feasible` witness or an :class:`Infeasible` answer carrying
:class:`Multipliers`, which with the system form the shared certificate
:class:`checkers.certificates.Farkas`: multipliers ``y ≥ 0`` (one per inequality) and
``z`` free (one per equality) with ``yᵀA + zᵀA_eq = 0`` and ``yᵀb + zᵀb_eq < 0`` —
adding the rows with these multipliers gives ``0 ≤ (negative)``, so no x exists (Farkas'
lemma; both halves are exact).

The solver sits behind :func:`solve` (``backend=``): by default an exact phase-1 simplex
with Bland's rule whose tableau is a FLINT ``fmpq_mat`` (the Farkas multipliers are its
phase-1 duals); ``"sympy"`` uses sympy's rational simplex (``sympy.solvers.simplex.linprog``)
and finds the multipliers by a second LP on the alternative system.  sympy 1.14 was the
intended solver, but its ``linprog`` returns points violating the system on systems this
project builds (``bounds=(None, None)``; every early infeasible prefix of the Fano plane
search in ``docs/np-hardness.md``).  *Every* answer of
either backend is re-checked by the few-line checkers :func:`check_witness` and
:func:`check_farkas`, written in ``fractions.Fraction`` independently of the solvers: a
wrong answer raises :class:`LPError` instead of being returned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from flint import fmpq, fmpq_mat

from checkers.certificates import Farkas
from checkers.errors import WhyReluError
from checkers.rationals import RationalLike, to_q

Matrix = Sequence[Sequence[RationalLike]]
Vector = Sequence[RationalLike]


class LPError(WhyReluError, ValueError):
    """A malformed linear system (ragged rows, mismatched lengths) or a solver answer that
    failed its independent check."""


@dataclass(frozen=True)
class Multipliers:
    """Farkas multipliers for ``A x ≤ b, A_eq x = b_eq``: ``y ≥ 0`` on the inequalities,
    ``z`` free on the equalities, ``yᵀA + zᵀA_eq = 0`` and ``yᵀb + zᵀb_eq < 0``.  With the
    system they make the shared certificate :class:`checkers.certificates.Farkas`
    (:func:`farkas_certificate`)."""

    y: tuple[fmpq, ...]
    z: tuple[fmpq, ...] = ()

    def perturbed(self, index: int, delta: RationalLike = 1) -> Multipliers:
        """The same certificate with multiplier ``index`` (inequalities first, then
        equalities) shifted by ``delta`` — for negative controls."""
        ys, zs = list(self.y), list(self.z)
        if index < len(ys):
            ys[index] += to_q(delta)
        else:
            zs[index - len(ys)] += to_q(delta)
        return Multipliers(tuple(ys), tuple(zs))


@dataclass(frozen=True)
class Feasible:
    """A point ``x`` with ``A x ≤ b`` and ``A_eq x = b_eq``."""

    witness: tuple[fmpq, ...]


@dataclass(frozen=True)
class Infeasible:
    """No point exists; ``farkas`` proves it (the multipliers; the shared certificate is
    ``farkas_certificate(system, farkas)``)."""

    farkas: Multipliers


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

    def dot(r: Sequence[fmpq]) -> Fraction:
        return sum((_F(a) * v for a, v in zip(r, xs, strict=True) if a), Fraction(0))

    return (all(dot(r) <= _F(c) for r, c in zip(sys.A, sys.b, strict=True))
            and all(dot(r) == _F(c) for r, c in zip(sys.A_eq, sys.b_eq, strict=True)))


def farkas_certificate(sys: System, mult: Multipliers, *, name: str = "farkas",
                       statement: str = "the linear system has no rational solution"
                       ) -> Farkas:
    """The shared certificate (``A' x ≤ b'`` with ``y' ≥ 0``): each equality row becomes the
    two rows ``a·x ≤ c`` and ``−a·x ≤ −c`` carrying ``max(z, 0)`` and ``max(−z, 0)``.
    Raises :class:`LPError` if the multipliers do not match the system's shape."""
    if len(mult.y) != len(sys.A) or len(mult.z) != len(sys.A_eq):
        raise LPError(f"{len(mult.y)}+{len(mult.z)} multipliers for {len(sys.A)} "
                      f"inequalities and {len(sys.A_eq)} equalities")
    rows = [*sys.A, *sys.A_eq, *(tuple(-v for v in r) for r in sys.A_eq)]
    rhs = [*sys.b, *sys.b_eq, *(-v for v in sys.b_eq)]
    zero = fmpq(0)
    ys = [*mult.y, *(v if v > zero else zero for v in mult.z),
          *(-v if v < zero else zero for v in mult.z)]
    return Farkas(name, statement, tuple(tuple(_F(v) for v in r) for r in rows),
                  tuple(_F(v) for v in rhs), tuple(_F(v) for v in ys))


def check_farkas(sys: System, mult: Multipliers) -> bool:
    """``y ≥ 0``, ``yᵀA + zᵀA_eq = 0`` and ``yᵀb + zᵀb_eq < 0``, checked by the shared
    certificate's own checker (:meth:`checkers.certificates.Farkas.check`, in
    ``fractions.Fraction``)."""
    try:
        cert = farkas_certificate(sys, mult)
    except LPError:
        return False
    return cert.accepted()


# --------------------------------------------------------------------------- solvers


def _phase1(M: fmpq_mat, r: list[fmpq], slack: list[int | None]) -> tuple[bool, list[fmpq]]:
    """Phase 1 of the simplex method with Bland's rule on ``M u = r, u ≥ 0`` (``r ≥ 0``),
    the tableau an ``fmpq_mat`` updated by rank-one pivots.  ``slack[i]`` names a column
    equal to the unit vector of row i (it starts in the basis; other rows get an
    artificial variable).  Returns ``(True, u)`` or ``(False, π)`` with ``πᵀM ≤ 0`` and
    ``πᵀr > 0`` (the phase-1 duals)."""
    m, n = M.nrows(), M.ncols()
    width = n + m + 1
    rhs = width - 1
    art = [i for i in range(m) if slack[i] is None]
    T = fmpq_mat(m + 1, width)
    for i in range(m):
        for j in range(n):
            a = M[i, j]
            if a:
                T[i, j] = a
        T[i, n + i] = 1
        T[i, rhs] = r[i]
    for j in range(n):  # reduced costs of min Σ artificials
        T[m, j] = -sum((M[i, j] for i in art), fmpq(0))
    T[m, rhs] = -sum((r[i] for i in art), fmpq(0))
    basis = [n + i if slack[i] is None else int(slack[i]) for i in range(m)]  # type: ignore[arg-type]
    zero = fmpq(0)
    while True:
        enter = next((j for j in range(n) if T[m, j] < zero), None)
        if enter is None:
            break
        best: tuple[fmpq, int, int] | None = None
        for i in range(m):
            a = T[i, enter]
            if a > zero:
                key = (T[i, rhs] / a, basis[i], i)
                if best is None or key[:2] < best[:2]:
                    best = key
        if best is None:  # unbounded direction: cannot happen in phase 1 (objective ≥ 0)
            raise LPError("phase 1 unbounded (solver error)")
        i = best[2]
        piv = T[i, enter]
        row = fmpq_mat(1, width, [T[i, j] / piv for j in range(width)])
        col = fmpq_mat(m + 1, 1, [T[k, enter] for k in range(m + 1)])
        col[i, 0] = piv - 1
        T = T - col * row
        basis[i] = enter
    if T[m, rhs] != zero:  # optimum Σ artificials = −T[m, rhs] > 0: infeasible
        return False, [(1 if slack[i] is None else 0) - T[m, n + i] for i in range(m)]
    u = [fmpq(0)] * n
    for i, j in enumerate(basis):
        if j < n:
            u[j] = T[i, rhs]
    return True, u


def _solve_flint(sys: System) -> tuple[fmpq, ...] | Multipliers:
    """A point of the system, or Farkas multipliers, by :func:`_phase1` on
    ``[A −A I; A_eq −A_eq 0] (x⁺, x⁻, s) = (b, b_eq)`` with rows of negative right-hand
    side negated."""
    n, mi, me = sys.nvars, len(sys.A), len(sys.A_eq)
    rows = [*sys.A, *sys.A_eq]
    rhs = [*sys.b, *sys.b_eq]
    sign = [fmpq(-1) if v < 0 else fmpq(1) for v in rhs]
    cols = 2 * n + mi
    M = fmpq_mat(mi + me, cols)
    for i, (row, s) in enumerate(zip(rows, sign, strict=True)):
        for j, a in enumerate(row):
            if a:
                M[i, j] = s * a
                M[i, n + j] = -s * a
        if i < mi:
            M[i, 2 * n + i] = s
    slack: list[int | None] = [2 * n + i if i < mi and s > 0 else None
                               for i, s in enumerate(sign)]
    ok, vec = _phase1(M, [s * v for s, v in zip(sign, rhs, strict=True)], slack)
    if ok:
        return tuple(vec[j] - vec[n + j] for j in range(n))
    rho = [s * p for s, p in zip(sign, vec, strict=True)]  # ρᵀ[A; A_eq] = 0, ρ_ineq ≤ 0
    return Multipliers(tuple(-v for v in rho[:mi]), tuple(-v for v in rho[mi:]))


def _sympy_linprog(c: Sequence[fmpq], A: Sequence[Sequence[fmpq]], b: Sequence[fmpq],
                   A_eq: Sequence[Sequence[fmpq]], b_eq: Sequence[fmpq]
                   ) -> tuple[fmpq, ...] | None:
    """sympy's ``linprog`` (x ≥ 0): a minimiser of ``c·x``, or ``None`` if infeasible."""
    from sympy import Rational
    from sympy.solvers.simplex import InfeasibleLPError, linprog

    def R(q: fmpq) -> Rational:
        return Rational(int(q.p), int(q.q))

    n = len(c)
    kw: dict[str, object] = {}
    kw["A"] = [[R(v) for v in r] for r in A] if A else [[R(fmpq(0))] * n]
    kw["b"] = [R(v) for v in b] if A else [R(fmpq(0))]
    if A_eq:
        kw["A_eq"] = [[R(v) for v in r] for r in A_eq]
        kw["b_eq"] = [R(v) for v in b_eq]
    try:
        _, x = linprog([R(v) for v in c], **kw)
    except InfeasibleLPError:
        return None
    return tuple(fmpq(int(Rational(v).p), int(Rational(v).q)) for v in x)


def _constant_system(sys: System) -> tuple[fmpq, ...] | Multipliers:
    """A system over no variables: ``0 ≤ b`` and ``0 = b_eq``; the empty point, or the
    Farkas multipliers of the first violated row."""
    m, k = len(sys.A), len(sys.A_eq)
    for i, v in enumerate(sys.b):
        if v < 0:
            return Multipliers(tuple(fmpq(int(j == i)) for j in range(m)), (fmpq(0),) * k)
    for i, v in enumerate(sys.b_eq):
        if v != 0:
            sign = fmpq(-1) if v > 0 else fmpq(1)
            return Multipliers((fmpq(0),) * m,
                               tuple(sign if j == i else fmpq(0) for j in range(k)))
    return ()


def _solve_sympy(sys: System) -> tuple[fmpq, ...] | Multipliers:
    """The same through sympy's rational simplex (x = x⁺ − x⁻; the Farkas multipliers by
    a second LP on the alternative system).  sympy 1.14's ``linprog`` has returned points
    that violate the system (its ``bounds=(None, None)`` and some degenerate systems), which
    is why it is not the default; the checks below catch such answers."""
    zero = fmpq(0)
    n = sys.nvars
    if n == 0:  # no variables (sympy's linprog needs a nonempty objective): read it off
        return _constant_system(sys)
    split = [(*r, *(-v for v in r)) for r in sys.A]
    split_eq = [(*r, *(-v for v in r)) for r in sys.A_eq]
    x = _sympy_linprog([zero] * 2 * n, split, sys.b, split_eq, sys.b_eq)
    if x is not None:
        return tuple(x[j] - x[n + j] for j in range(n))
    m, k = len(sys.A), len(sys.A_eq)
    cols = [*sys.A, *sys.A_eq, *(tuple(-v for v in r) for r in sys.A_eq)]
    rhs = [*sys.b, *sys.b_eq, *(-v for v in sys.b_eq)]
    eq_rows = [tuple(col[j] for col in cols) for j in range(n)]
    eq_rows.append(tuple(rhs))
    sol = _sympy_linprog([fmpq(1)] * (m + 2 * k), [], [], eq_rows,
                         [zero] * n + [fmpq(-1)])
    if sol is None:
        raise LPError("neither the system nor its Farkas alternative is feasible "
                      "(solver error)")
    return Multipliers(sol[:m], tuple(sol[m + i] - sol[m + k + i] for i in range(k)))


BACKENDS: dict[str, Callable[[System], tuple[fmpq, ...] | Multipliers]] = {
    "flint": _solve_flint, "sympy": _solve_sympy}
"""Exact solvers behind :func:`solve`: the FLINT phase-1 simplex (default) and sympy."""


def feasible(A: Matrix, b: Vector, A_eq: Matrix | None = None, b_eq: Vector | None = None,
             *, nvars: int | None = None, backend: str = "flint") -> Feasible | Infeasible:
    """Decide ``∃ x: A x ≤ b, A_eq x = b_eq`` exactly (module doc); the answer has been
    checked by :func:`check_witness` or :func:`check_farkas` before it is returned."""
    return solve(System.of(A, b, A_eq, b_eq, nvars), backend=backend)


def solve(sys: System, *, backend: str = "flint") -> Feasible | Infeasible:
    """:func:`feasible` for an already validated :class:`System`."""
    try:
        run = BACKENDS[backend]
    except KeyError:
        raise LPError(f"unknown LP backend {backend!r}; use {', '.join(BACKENDS)}") from None
    out = run(sys)
    if isinstance(out, Multipliers):
        if not check_farkas(sys, out):
            raise LPError(f"the {backend} solver returned Farkas multipliers that do not "
                          "check")
        return Infeasible(out)
    if not check_witness(sys, out):
        raise LPError(f"the {backend} solver returned a point that violates the system")
    return Feasible(out)
