"""Appendix F: fractional powers cannot multiply (Theorem F.1, Lemma F.2).

For f(T) = T^α with α ∈ ℚ ∖ ℤ_{>=0}, no finite rational λ_0..λ_m satisfies
Σ_j λ_j (f(x+y+j) − f(x+j) − f(y+j)) = x·y on (R, ∞)².  T^α is irrational at most
rationals, so nothing here evaluates it in floating point: the checks follow the proof's
exact argument.

* Differentiating in x, y and once more along z = x + y turns the identity into
  α(α−1)(α−2)·Σ_j λ_j (z + j)^{α−3} = 0 (verified symbolically with sympy for the drawn α).
* Lemma F.2 with β = α − 3 and b_j = j: with t = 1/z, F(t) = Σ_j λ_j (1 + j t)^β ≡ 0, whose
  t^k coefficient is C(β, k)·Σ_j λ_j j^k (C(β, k) the generalised binomial, non-zero since
  β ∉ ℤ_{>=0}); the Vandermonde system for k = 0..m forces λ = 0, and λ = 0 gives 0 ≠ x·y.

All quantities (C(β, k), the coefficient matrix, its determinant, the witness coefficient)
are exact rationals.  For negative integers α, T^α is a rational function and the failure of
the identity is also exhibited at an explicit rational point.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from itertools import permutations
from math import factorial

import sympy
from flint import fmpq, fmpq_mat, fmpq_poly
from hypothesis import strategies as st

from checkers.activations import Polynomial
from checkers.certificates import Expr, PolynomialIdentity, add, mul, num, power, sub
from checkers.rationals import fmt
from spec.claims import Certificate, Evidence, check, check_eq, claim
from spec.gadget import gadget_lambdas
from strategies import rationals

__all__ = ["binomial", "coefficient_matrix", "det_certificate", "series_witness"]


def binomial(beta: fmpq, k: int) -> fmpq:
    """The generalised binomial C(β, k) = β(β−1)···(β−k+1)/k! (Lemma F.2)."""
    out = fmpq(1)
    for i in range(k):
        out = out * (beta - i) / (i + 1)
    return out


def coefficient_matrix(beta: fmpq, bs: Sequence[fmpq]) -> fmpq_mat:
    """M_{k,j} = C(β, k)·b_j^k for k, j = 0..m: the t^k coefficients of
    Σ_j λ_j (1 + b_j t)^β as linear forms in λ (Lemma F.2)."""
    n = len(bs)
    return fmpq_mat(n, n, [binomial(beta, k) * bs[j] ** k for k in range(n) for j in range(n)])


def series_witness(beta: fmpq, bs: Sequence[fmpq], lam: Sequence[fmpq]) -> tuple[int, fmpq] | None:
    """The first k <= m whose coefficient C(β, k)·Σ_j λ_j b_j^k of F(t) is non-zero, or
    ``None`` when all of them vanish."""
    for k in range(len(bs)):
        c = binomial(beta, k) * sum((lj * b**k for lj, b in zip(lam, bs, strict=True)),
                                    fmpq(0))
        if c != 0:
            return k, c
    return None


def _vandermonde(bs: Sequence[fmpq]) -> fmpq:
    out = fmpq(1)
    for j in range(len(bs)):
        for i in range(j):
            out *= bs[j] - bs[i]
    return out


def _not_natural(q: fmpq) -> bool:
    return not (q.q == 1 and q >= 0)


def _betas() -> st.SearchStrategy[fmpq]:
    """β ∈ ℚ ∖ ℤ_{>=0}: proper fractions (positive or negative) and negative integers."""
    return st.one_of(rationals(6, den_bits=4), st.integers(-40, -1).map(fmpq)).filter(
        _not_natural)


def _sym(q: fmpq) -> sympy.Rational:
    return sympy.Rational(int(q.p), int(q.q))


# --------------------------------------------------------------------------- Lemma F.2


def _check_binomials(beta: fmpq, k_max: int) -> Evidence:
    for k in range(k_max + 1):
        c = binomial(beta, k)
        check_eq(_sym(c), sympy.binomial(_sym(beta), k), "C(β, k) vs sympy.binomial",
                 beta=beta, k=k)
        check(c != 0, "C(β, k) ≠ 0 for β ∉ ℤ_{>=0}", beta=beta, k=k)
    return Evidence.of(k_max=k_max)


@claim(
    "Lemma F.2",
    "C(β, k) ≠ 0 for every k when β ∈ ℚ ∖ ℤ_{>=0} (checked for k <= 30, values equal to "
    "sympy.binomial)",
    instances=st.tuples(_betas(), st.integers(0, 30)), examples=30,
    show=lambda i: f"beta = {fmt(i[0])}, k <= {i[1]}", tags=("identity",),
)
def binomial_nonzero(inst: tuple[fmpq, int]) -> Evidence:
    """The product β(β−1)···(β−k+1) has no zero factor unless β ∈ {0, ..., k−1}."""
    return _check_binomials(*inst)


@claim(
    "Lemma F.2",
    "Negative control: for β ∈ ℤ_{>=0} some C(β, k) vanishes (k > β), so the hypothesis "
    "β ∉ ℤ_{>=0} is needed",
    instances=st.tuples(st.integers(0, 12).map(fmpq), st.integers(0, 30)),
    expect="counterexample", control_of="fractional.binomial_nonzero", examples=30,
    refuted_on=("C(β, k) ≠ 0 for β ∉ ℤ_{>=0}",),
)
def natural_beta_refuted(inst: tuple[fmpq, int]) -> Evidence:
    return _check_binomials(*inst)


def _check_f2(beta: fmpq, bs: Sequence[fmpq], lam: Sequence[fmpq]) -> Evidence:
    n = len(bs)
    m = coefficient_matrix(beta, bs)
    closed = _vandermonde(bs)
    for k in range(n):
        closed *= binomial(beta, k)
    check_eq(m.det(), closed, "det M = Π_k C(β,k) · Π_{i<j}(b_j − b_i)", beta=beta,
             b=[fmt(b) for b in bs])
    check_eq(m.rank(), n, "the coefficient system C(β,k)Σ_j λ_j b_j^k = 0 (k = 0..m) has "
             "only λ = 0", beta=beta, b=[fmt(b) for b in bs])
    if any(v != 0 for v in lam):
        w = series_witness(beta, bs, lam)
        check(w is not None, "a non-zero λ leaves a non-zero coefficient of F(t)",
              lam=[fmt(v) for v in lam])
    return Evidence.of(m=n - 1)


def _distinct(n: int) -> st.SearchStrategy[list[fmpq]]:
    return st.lists(rationals(6, den_bits=3), min_size=n, max_size=n, unique=True)


def _f2_inst(repeat: bool) -> st.SearchStrategy[tuple[fmpq, list[fmpq], list[fmpq]]]:
    def build(n: int) -> st.SearchStrategy[tuple[fmpq, list[fmpq], list[fmpq]]]:
        bs = _distinct(n).map(lambda b: [*b[:-1], b[0]] if repeat and n > 1 else b)
        return st.tuples(_betas(), bs, st.lists(rationals(6), min_size=n, max_size=n))
    return st.integers(2 if repeat else 1, 7).flatmap(build)


DET_MAX_M = 4
"""The largest m for which the determinant identity of Lemma F.2 is certified (n = m + 1
<= 5: the Leibniz expansion has n! terms)."""


def _binom_expr(k: int) -> Expr:
    """C(β, k) = β(β−1)···(β−k+1)/k! as an expression in ``beta``."""
    factors: list[Expr] = [sub("beta", num(i)) if i else "beta" for i in range(k)]
    return mul(num(Fraction(1, factorial(k))), *factors) if k else "1"


def det_certificate(m: int) -> PolynomialIdentity:
    """Lemma F.2: det M = Π_k C(β,k) · Π_{i<j}(b_j − b_i) in ℚ[β, b_0..b_m], with det M
    written as its Leibniz expansion over the entries M_{kj} = C(β,k)·b_j^k."""
    n = m + 1
    bs = [f"b{j}" for j in range(n)]
    terms: list[Expr] = []
    for perm in permutations(range(n)):
        inversions = sum(1 for i in range(n) for j in range(i + 1, n) if perm[i] > perm[j])
        entries = [mul(_binom_expr(k), power(bs[perm[k]], k)) for k in range(n)]
        terms.append(mul("-1" if inversions % 2 else "1", *entries))
    rhs = mul(*(_binom_expr(k) for k in range(n)),
              *(sub(bs[j], bs[i]) for j in range(n) for i in range(j)))
    return PolynomialIdentity(
        name=f"lemma_F_2_det_m{m}", variables=("beta", *bs), lhs=add(*terms), rhs=rhs,
        statement=f"Lemma F.2 (m = {m}): det [C(β,k)·b_j^k]_(k,j) = Π_k C(β,k) · "
                  "Π_(i<j) (b_j − b_i) in ℚ[β, b_0..b_m]")


def _prove_det() -> Certificate:
    return Certificate(
        f"det M = Π_k C(β,k)·Π_(i<j)(b_j − b_i) as polynomial identities for m = 0..{DET_MAX_M}",
        items=tuple(det_certificate(m) for m in range(DET_MAX_M + 1)))


def _det_inst() -> st.SearchStrategy[tuple[fmpq, list[fmpq]]]:
    return st.integers(0, DET_MAX_M).flatmap(
        lambda m: st.tuples(rationals(6, den_bits=4), st.lists(rationals(6, den_bits=3),
                                                              min_size=m + 1, max_size=m + 1)))


def _check_det(beta: fmpq, bs: Sequence[fmpq], *, with_binomials: bool = True) -> Evidence:
    closed = _vandermonde(bs)
    if with_binomials:
        for k in range(len(bs)):
            closed *= binomial(beta, k)
    check_eq(coefficient_matrix(beta, bs).det(), closed,
             "det M = Π_k C(β,k) · Π_{i<j}(b_j − b_i)", beta=beta, b=[fmt(b) for b in bs])
    return Evidence.of(m=len(bs) - 1)


@claim(
    "Lemma F.2",
    f"det M = Π_k C(β,k)·Π_{{i<j}}(b_j − b_i) for M_{{kj}} = C(β,k)·b_j^k, any rational β "
    f"and b_0..b_m (m <= {DET_MAX_M}); proved as an identity in ℚ[β, b_0..b_m]",
    instances=_det_inst(), prover=_prove_det, examples=20, tags=("identity",),
)
def lemma_f2_determinant(inst: tuple[fmpq, list[fmpq]]) -> Evidence:
    """At a random point (repeated b_j and β ∈ ℤ_{>=0} included: both sides vanish)."""
    return _check_det(*inst)


@claim(
    "Lemma F.2",
    "Negative control: without the factors C(β,k) (the plain Vandermonde determinant) the "
    "determinant formula for M fails",
    instances=_det_inst().filter(lambda i: len(i[1]) >= 2), expect="counterexample",
    control_of="fractional.lemma_f2_determinant", examples=10,
    refuted_on=("det M = Π_k C(β,k) · Π_{i<j}(b_j − b_i)",),
)
def determinant_without_binomials_refuted(inst: tuple[fmpq, list[fmpq]]) -> Evidence:
    return _check_det(*inst, with_binomials=False)


@claim(
    "Lemma F.2",
    "For β ∉ ℤ_{>=0} and pairwise distinct b_0..b_m, Σ_j λ_j (x + b_j)^β ≡ 0 forces λ = 0: "
    "the series coefficients C(β,k)Σ_j λ_j b_j^k (k = 0..m) form a non-singular system "
    "with det = Π_k C(β,k) Π_{i<j}(b_j − b_i)",
    instances=_f2_inst(False), examples=30, tags=("identity",),
)
def lemma_f2_vandermonde(inst: tuple[fmpq, list[fmpq], list[fmpq]]) -> Evidence:
    """Exact rank and determinant; for a drawn λ ≠ 0 a non-zero coefficient is exhibited."""
    return _check_f2(*inst)


@claim(
    "Lemma F.2",
    "Negative control: with two equal shifts b_j the system is singular (distinctness is "
    "needed)",
    instances=_f2_inst(True), expect="counterexample",
    control_of="fractional.lemma_f2_vandermonde", examples=10,
    refuted_on=("the coefficient system C(β,k)Σ_j λ_j b_j^k = 0 (k = 0..m) has only λ = 0",),
)
def repeated_shift_refuted(inst: tuple[fmpq, list[fmpq], list[fmpq]]) -> Evidence:
    return _check_f2(*inst)


# --------------------------------------------------------------------------- Theorem F.1


def _sympy_third_derivative(alpha: fmpq, lam: Sequence[fmpq]) -> None:
    """∂_x ∂_y ∂_x of the identity's defect equals α(α−1)(α−2) Σ_j λ_j (x+y+j)^{α−3}."""
    x, y = sympy.symbols("x y", positive=True)
    a = _sym(alpha)
    ls = [_sym(v) for v in lam]
    defect = sum(lj * ((x + y + j) ** a - (x + j) ** a - (y + j) ** a)
                 for j, lj in enumerate(ls)) - x * y
    d3 = sympy.diff(defect, x, y, x)
    want = a * (a - 1) * (a - 2) * sum(lj * (x + y + j) ** (a - 3) for j, lj in enumerate(ls))
    check_eq(sympy.expand(d3 - want), 0, "∂x∂y∂x of the defect (sympy)", alpha=alpha)


def _sympy_series(beta: fmpq, lam: Sequence[fmpq]) -> None:
    """The t^k coefficients of Σ_j λ_j (1 + j t)^β are C(β, k) Σ_j λ_j j^k (sympy series)."""
    t = sympy.symbols("t")
    b = _sym(beta)
    n = len(lam)
    f = sum(_sym(lj) * (1 + j * t) ** b for j, lj in enumerate(lam))
    ser = sympy.expand(sympy.series(f, t, 0, n).removeO())
    for k in range(n):
        want = binomial(beta, k) * sum((lj * j**k for j, lj in enumerate(lam)), fmpq(0))
        check_eq(ser.coeff(t, k), _sym(want), f"t^{k} coefficient of F(t)", beta=beta)


def _rational_point_witness(alpha: int, lam: Sequence[fmpq]) -> tuple[fmpq, fmpq, fmpq] | None:
    """For a negative integer α, a point (x, y) in (0, ∞)² where (★) fails, exactly."""
    def f(t: fmpq) -> fmpq:
        return 1 / t ** (-alpha)

    for x0 in range(1, 6):
        for y0 in range(1, 6):
            x, y = fmpq(x0), fmpq(y0, 3)
            lhs = sum((lj * (f(x + y + j) - f(x + j) - f(y + j)) for j, lj in enumerate(lam)),
                      fmpq(0))
            if lhs != x * y:
                return x, y, lhs
    return None


def _check_f1(alpha: fmpq, lam: Sequence[fmpq], *, symbolic: bool) -> Evidence:
    factor = alpha * (alpha - 1) * (alpha - 2)
    check(factor != 0, "α(α−1)(α−2) ≠ 0, so the third derivative keeps Σ_j λ_j (z+j)^{α−3}",
          alpha=alpha)
    beta = alpha - 3
    bs = [fmpq(j) for j in range(len(lam))]
    if symbolic:
        _sympy_third_derivative(alpha, lam)
        _sympy_series(beta, lam)
    check_eq(coefficient_matrix(beta, bs).rank(), len(bs),
             "Lemma F.2 (β = α − 3, b_j = j): the only λ with Σ_j λ_j (z+j)^β ≡ 0 is 0",
             alpha=alpha)
    ev = Evidence.of(m=len(lam) - 1)
    if any(v != 0 for v in lam):
        w = series_witness(beta, bs, lam)
        check(w is not None, "the drawn λ ≠ 0 leaves a non-zero series coefficient, so it "
              "violates the third-derivative identity", alpha=alpha, lam=[fmt(v) for v in lam])
    # λ = 0 makes the left side ≡ 0, which is not x·y: nothing more to show
    if alpha.q == 1 and alpha < 0:
        pt = _rational_point_witness(int(alpha.p), lam)
        check(pt is not None, "(★) fails at an explicit rational point", alpha=alpha)
    return ev


def _alphas() -> st.SearchStrategy[fmpq]:
    return st.one_of(rationals(5, den_bits=4), st.integers(-6, -1).map(fmpq)).filter(
        _not_natural)


@claim(
    "Theorem F.1",
    "For f = T^α with α ∈ ℚ ∖ ℤ_{>=0}, no λ_0..λ_m makes Σ_j λ_j(f(x+y+j) − f(x+j) − f(y+j)) "
    "= x·y: the third derivative α(α−1)(α−2)Σ_j λ_j(z+j)^{α−3} = 0 (sympy) and Lemma F.2's "
    "exact coefficient system force λ = 0",
    instances=st.tuples(_alphas(), st.integers(0, 5).flatmap(
        lambda m: st.lists(rationals(6), min_size=m + 1, max_size=m + 1))),
    examples=20, show=lambda i: f"alpha = {fmt(i[0])}, lambda = {[fmt(v) for v in i[1]]}",
    tags=("identity",),
)
def theorem_f1_no_lambda(inst: tuple[fmpq, list[fmpq]]) -> Evidence:
    """The rank statement covers every λ at once; for the drawn λ a non-zero coefficient of
    the series is exhibited (and, for negative integer α, a rational point where (★) fails).
    The derivative and the series are also computed by sympy and compared."""
    alpha, lam = inst
    return _check_f1(alpha, lam, symbolic=True)


@claim(
    "Theorem F.1",
    "Negative control: for integer α = μ >= 2 the same argument breaks down: Lemma 3.1's λ "
    "for T^μ passes every step",
    instances=st.integers(2, 6), expect="counterexample",
    control_of="fractional.theorem_f1_no_lambda", examples=5,
    refuted_on=("α(α−1)(α−2) ≠ 0, so the third derivative keeps Σ_j λ_j (z+j)^{α−3}",),
)
def integer_power_refuted(mu: int) -> Evidence:
    """α(α−1)(α−2) = 0 for μ = 2, and C(μ−3, k) = 0 for k > μ − 3 leaves a kernel."""
    alpha = fmpq(mu)
    lam = gadget_lambdas(Polynomial(fmpq_poly([0] * mu + [1])))
    return _check_f1(alpha, lam, symbolic=False)
