"""Lemma 3.1 (the multiplication gadget) and Claim B.4 (shifted copies of σ form a basis).

For σ ∈ ℚ[T] of degree μ >= 2, Lemma 3.1's algorithm builds the matrix C whose column j
holds the coefficients of σ(U + j) (0 <= j <= μ), solves C λ̂ = e_2 exactly and returns
λ = λ̂/2.  Then, for all x, y,

    Σ_{j=0}^{μ} λ_j (σ(x+y+j) − σ(x+j) − σ(y+j)) = x·y.          (★)

Naming (arXiv 2602.19017, §3 and App. B): λ̂ = C^{-1} e_2, λ = λ̂/2 (the paper's proof calls it λ'),
and Lemma 3.2's λ' is D·λ (see :mod:`spec.lemma32.network`).

(★) is a polynomial identity in x and y, so besides testing it on random rationals the
claims *prove* it for each activation by expanding both sides exactly in ℚ[x, y]
(``flint.fmpq_mpoly``).  The solutions of (★) form the line λ + c·C^{-1} e_1 (c ∈ ℚ); only
λ̂ is unique, so the claims test (★) itself and the line, never uniqueness of λ.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from fractions import Fraction
from math import comb, factorial
from typing import Any

import sympy
from flint import fmpq, fmpq_mat, fmpq_mpoly, fmpq_mpoly_ctx, fmpq_poly
from hypothesis import strategies as st

from checkers.activations import Activation, Polynomial
from checkers.certificates import (
    Expr,
    Invertibility,
    PolynomialIdentity,
    add,
    invertibility,
    mul,
    num,
    poly_at,
    power,
    sub,
)
from checkers.errors import DegreeError
from checkers.poly import coefficients, poly_str
from checkers.rationals import fmt
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    Certificate,
    ClaimFailure,
    Evidence,
    as_fraction,
    check,
    check_certificate,
    check_eq,
    claim,
    claim_for,
)
from strategies import polynomials, rationals, wide_rationals

__all__ = [
    "basis_certificates",
    "basis_coordinates",
    "det_closed_form",
    "gadget_lambdas",
    "gadget_polynomial",
    "gadget_value",
    "lambda_hat",
    "lambdas_by_sympy",
    "shift_matrix",
    "sigma_polynomial",
    "solution_direction",
    "star_certificate",
    "superfactorial",
]


# --------------------------------------------------------------------------- the algorithm


def sigma_polynomial(sigma: Activation) -> fmpq_poly:
    """σ as an ``fmpq_poly`` of degree >= 2, or :class:`~checkers.errors.DegreeError`.

    σ is an :class:`~checkers.activations.Activation` (text is parsed at the boundary, by
    :func:`checkers.activations.parse_activation`); Lemma 3.1 needs a
    :class:`~checkers.activations.Polynomial`.
    """
    if not isinstance(sigma, Activation):
        raise DegreeError(f"expected a polynomial activation, got {type(sigma).__name__}")
    if not isinstance(sigma, Polynomial):
        raise DegreeError(
            f"Lemma 3.1 needs a polynomial activation of degree >= 2; got {sigma.name} "
            f"({sigma.traits.kind.replace('_', '-')}, not a polynomial)")
    p = sigma.poly
    if p.degree() < 2:
        raise DegreeError(
            f"Lemma 3.1 needs a polynomial of degree >= 2 (a non-linear σ); "
            f"{poly_str(p)} has degree {max(int(p.degree()), 0)}")
    return p


def shift_matrix(sigma: Activation) -> fmpq_mat:
    """C ∈ ℚ^{(μ+1)×(μ+1)} with c_{q,j} = [U^q] σ(U + j) (Lemma 3.1, steps 1–2)."""
    p = sigma_polynomial(sigma)
    mu = int(p.degree())
    cols = [p(fmpq_poly([j, 1])) for j in range(mu + 1)]
    return fmpq_mat(mu + 1, mu + 1, [cols[j][q] for q in range(mu + 1) for j in range(mu + 1)])


@functools.lru_cache(maxsize=256)
def _solve(coeffs: tuple[tuple[int, int], ...], rhs_index: int) -> tuple[fmpq, ...]:
    p = fmpq_poly([fmpq(a, b) for a, b in coeffs])
    c = shift_matrix(Polynomial(p))
    n = c.nrows()
    e = fmpq_mat(n, 1, [1 if q == rhs_index else 0 for q in range(n)])
    sol = c.solve(e)
    return tuple(sol[q, 0] for q in range(n))


def _key(p: fmpq_poly) -> tuple[tuple[int, int], ...]:
    return tuple((int(c.p), int(c.q)) for c in coefficients(p))


def lambda_hat(sigma: Activation) -> list[fmpq]:
    """λ̂ = C^{-1} e_2, the unique solution of C λ̂ = e_2 (Lemma 3.1 step 3, Claim B.4)."""
    return list(_solve(_key(sigma_polynomial(sigma)), 2))


def gadget_lambdas(sigma: Activation) -> list[fmpq]:
    """λ_0, ..., λ_μ of Lemma 3.1: λ = λ̂/2, so that (★) holds for all x, y.

    Example::

        >>> [fmt(v) for v in gadget_lambdas("x^2")]
        ['1/2', '0', '0']
        >>> gadget_lambdas("x")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        checkers.errors.DegreeError: Lemma 3.1 needs a polynomial of degree >= 2 ...
    """
    return [v / 2 for v in lambda_hat(sigma)]


def solution_direction(sigma: Activation) -> list[fmpq]:
    """C^{-1} e_1: every λ + c·C^{-1}e_1 (c ∈ ℚ) also satisfies (★) (arXiv 2602.19017,
    Lemma 3.1: λ is not unique)."""
    return list(_solve(_key(sigma_polynomial(sigma)), 1))


def basis_coordinates(sigma: Activation, target: fmpq_poly) -> list[fmpq]:
    """The coordinates α with Σ_j α_j σ(U + j) = target (deg target <= μ), by Claim B.4."""
    c = shift_matrix(sigma)
    n = c.nrows()
    if target.degree() >= n:
        raise DegreeError(f"target degree {target.degree()} exceeds deg σ = {n - 1}")
    sol = c.solve(fmpq_mat(n, 1, [target[q] for q in range(n)]))
    return [sol[q, 0] for q in range(n)]


def gadget_value(sigma: Activation, lam: Sequence[fmpq], x: fmpq, y: fmpq,
                 *, drop_y_term: bool = False) -> fmpq:
    """Σ_j λ_j (σ(x+y+j) − σ(x+j) − σ(y+j)) at rationals x, y (the left side of (★)).

    ``drop_y_term`` omits −σ(y+j) (a planted bug for the negative control)."""
    p = sigma_polynomial(sigma)
    total = fmpq(0)
    for j, lj in enumerate(lam):
        term = p(x + y + j) - p(x + j)
        if not drop_y_term:
            term -= p(y + j)
        total += lj * term
    return total


_XY = fmpq_mpoly_ctx.get(("x", "y"), "lex")


def _compose_mpoly(p: fmpq_poly, arg: fmpq_mpoly) -> fmpq_mpoly:
    acc = _XY.from_dict({})
    for k in range(int(p.degree()), -1, -1):  # Horner in ℚ[x, y]
        acc = acc * arg + p[k]
    return acc


def gadget_polynomial(sigma: Activation, lam: Sequence[fmpq]) -> fmpq_mpoly:
    """The left side of (★) expanded exactly as an element of ℚ[x, y]."""
    p = sigma_polynomial(sigma)
    x, y = _XY.gens()
    total = _XY.from_dict({})
    for j, lj in enumerate(lam):
        total += lj * (_compose_mpoly(p, x + y + j) - _compose_mpoly(p, x + j)
                       - _compose_mpoly(p, y + j))
    return total


# --------------------------------------------------------------------------- independent oracles


def det_closed_form(sigma: Activation) -> fmpq:
    """det C from the factorisation C = M·V of Claim B.4's proof, without forming C.

    M_{q,s} = r_{q+s} C(q+s, q) vanishes below the anti-diagonal q + s = μ, whose entries are
    r_μ C(μ, q); V_{s,j} = j^s is Vandermonde.  Hence
    det C = (−1)^{μ(μ+1)/2} r_μ^{μ+1} Π_q C(μ, q) · Π_{0<=i<j<=μ} (j − i).
    """
    p = sigma_polynomial(sigma)
    mu = int(p.degree())
    lead = p[mu]
    sign = -1 if (mu * (mu + 1) // 2) % 2 else 1
    binoms = 1
    for q in range(mu + 1):
        binoms *= comb(mu, q)
    vandermonde = 1
    for j in range(mu + 1):
        for i in range(j):
            vandermonde *= j - i
    return sign * lead ** (mu + 1) * binoms * vandermonde


def lambdas_by_sympy(sigma: Activation) -> list[Fraction]:
    """λ computed by sympy from a different formulation: the coefficient equations of (★)
    in x and y, plus the normalisation Σ_j λ_j σ'(j) = 0 that picks λ̂/2 on the solution
    line (g(U) := Σ_j λ_j σ(U+j) has g'(0) = 0 exactly when g = U²/2)."""
    p = sigma_polynomial(sigma)
    cs = [sympy.Rational(fmt(c)) for c in coefficients(p)]
    mu = len(cs) - 1
    x, y, t = sympy.symbols("x y t")
    lam = sympy.symbols(f"l0:{mu + 1}")

    def s(arg: Any) -> Any:
        return sum(c * arg**k for k, c in enumerate(cs))

    expr = sympy.expand(sum(lam[j] * (s(x + y + j) - s(x + j) - s(y + j))
                            for j in range(mu + 1)) - x * y)
    eqs = list(sympy.Poly(expr, x, y).coeffs())
    ds = sympy.diff(s(t), t)
    eqs.append(sum(lam[j] * ds.subs(t, j) for j in range(mu + 1)))
    sols = sympy.linsolve(eqs, list(lam))
    if len(sols) != 1:
        raise ClaimFailure("sympy finds no unique solution", {"solutions": sols})
    (sol,) = tuple(sols)
    out = []
    for v in sol:
        if v.free_symbols:
            raise ClaimFailure("sympy leaves a free parameter", {"solution": sol})
        out.append(Fraction(int(v.p), int(v.q)))
    return out




# --------------------------------------------------------------------------- claims


def _show_xy(inst: tuple[fmpq, fmpq]) -> str:
    return f"x = {fmt(inst[0])}, y = {fmt(inst[1])}"


def star_certificate(sigma: Activation, lam: Sequence[fmpq], *,
                     name: str = "lemma_3_1") -> PolynomialIdentity:
    """(★) as a typed certificate: Σ_j λ_j(σ(x+y+j) − σ(x+j) − σ(y+j)) = x·y in ℚ[x, y],
    with σ written out by its coefficients and λ as given (not expanded by the producer)."""
    cs = coefficients(sigma_polynomial(sigma))

    def s(t: Expr) -> Expr:
        return poly_at(cs, t)

    def shifted(*t: Expr, j: int) -> Expr:
        return add(*t, num(j)) if j else add(*t)

    terms = [mul(num(v), sub(sub(s(shifted("x", "y", j=j)), s(shifted("x", j=j))),
                             s(shifted("y", j=j))))
             for j, v in enumerate(lam)]
    label = sigma.name if isinstance(sigma, Activation) else str(sigma)
    return PolynomialIdentity(
        name=name, variables=("x", "y"), lhs=add(*terms), rhs=mul("x", "y"),
        statement=f"Lemma 3.1 (★) for σ = {label}, λ = ({', '.join(fmt(v) for v in lam)}): "
                  "Σ_j λ_j(σ(x+y+j) − σ(x+j) − σ(y+j)) = x·y")


def _prove_identity(act: Activation) -> Certificate:
    lam = gadget_lambdas(act)
    x, y = _XY.gens()
    lhs = gadget_polynomial(act, lam)
    check_eq(lhs, x * y, "(★) expanded in ℚ[x, y]", sigma=act.name,
             lam=[fmt(v) for v in lam])
    return Certificate(
        f"Σ_j λ_j(σ(x+y+j) − σ(x+j) − σ(y+j)) with σ = {act.name}, "
        f"λ = ({', '.join(fmt(v) for v in lam)}) expands to x*y in ℚ[x, y]",
        items=(star_certificate(act, lam),))


def _check_identity(sigma: Activation, lam: Sequence[fmpq], x: fmpq, y: fmpq,
                    *, drop_y_term: bool = False) -> Evidence:
    lhs = gadget_value(sigma, lam, x, y, drop_y_term=drop_y_term)
    check_eq(lhs, x * y, "Σ_j λ_j(σ(x+y+j) − σ(x+j) − σ(y+j)) = x·y",
             lam=[fmt(v) for v in lam], x=x, y=y)
    return Evidence.of(lambda_bits=max(int(v.p.bit_length() + v.q.bit_length())
                                       for v in lam))


@claim_for(
    "Lemma 3.1",
    "Σ_j λ_j(σ(x+y+j) − σ(x+j) − σ(y+j)) = x·y with λ = C^{-1}e_2/2, for all rationals x, y "
    "(negative, huge, tiny); proved per σ by exact expansion in ℚ[x, y]",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(wide_rationals(), wide_rationals()),
    prover=_prove_identity, examples=40, show=_show_xy, tags=("identity",),
)
def identity(act: Activation, inst: tuple[fmpq, fmpq]) -> Evidence:
    """(★) at a random point; the prover expands both sides in ℚ[x, y]."""
    x, y = inst
    return _check_identity(act, gadget_lambdas(act), x, y)


@claim_for(
    "Lemma 3.1",
    "Negative control: changing one λ_j by δ ≠ 0 breaks (★)",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(wide_rationals(), wide_rationals(),
                                    st.integers(0, act.traits.degree or 2),
                                    rationals(6, nonzero=True)),
    expect="counterexample", control_of="gadget.identity", examples=40,
    refuted_on=("Σ_j λ_j(σ(x+y+j) − σ(x+j) − σ(y+j)) = x·y",),
)
def perturbed_lambda_refuted(act: Activation, inst: tuple[fmpq, fmpq, int, fmpq]) -> Evidence:
    """λ_j + δ for one index j (no single-coordinate move stays on the solution line, since
    σ(U + j) is never a multiple of U)."""
    x, y, j, delta = inst
    lam = gadget_lambdas(act)
    lam[j] += delta
    return _check_identity(act, lam, x, y)


@claim_for(
    "Lemma 3.1",
    "Negative control: the certificate of (★) with one λ_j changed by δ ≠ 0 is rejected by "
    "the certificate checker (the sub-check behind `proved`)",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(st.integers(0, act.traits.degree or 2),
                                    rationals(6, nonzero=True)),
    expect="counterexample", control_of="gadget.identity", examples=8,
    refuted_on=("the (★) certificate is accepted",),
)
def perturbed_certificate_refuted(act: Activation, inst: tuple[int, fmpq]) -> Evidence:
    """The typed certificate (see docs/certificates.md) built from λ + δ·e_j."""
    j, delta = inst
    lam = gadget_lambdas(act)
    lam[j] += delta
    check_certificate(star_certificate(act, lam), "the (★) certificate is accepted", j=j,
                      delta=delta)
    return Evidence()


@claim_for(
    "Lemma 3.1",
    "Negative control: dropping the term −σ(y+j) breaks (★)",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(wide_rationals(), wide_rationals()),
    expect="counterexample", control_of="gadget.identity", examples=40, show=_show_xy,
    refuted_on=("Σ_j λ_j(σ(x+y+j) − σ(x+j) − σ(y+j)) = x·y",),
)
def dropped_term_refuted(act: Activation, inst: tuple[fmpq, fmpq]) -> Evidence:
    """Σ_j λ_j(σ(x+y+j) − σ(x+j)) = x·y is checked instead."""
    x, y = inst
    return _check_identity(act, gadget_lambdas(act), x, y, drop_y_term=True)


def _show_sigma_xy(inst: tuple[Polynomial, fmpq, fmpq]) -> str:
    return f"σ = {inst[0].name}; x = {fmt(inst[1])}, y = {fmt(inst[2])}"


@claim(
    "Lemma 3.1",
    "For random σ ∈ ℚ[T] of degree 2..5 (not only the registered ones), (★) holds as an "
    "identity in ℚ[x, y] and at random rationals",
    instances=st.tuples(polynomials(2, 5, 6), wide_rationals(), wide_rationals()),
    examples=30, show=_show_sigma_xy, tags=("identity",),
)
def identity_random_sigma(inst: tuple[Polynomial, fmpq, fmpq]) -> Evidence:
    """Both sides are expanded exactly in ℚ[x, y] for the drawn σ, then evaluated."""
    sigma, x, y = inst
    lam = gadget_lambdas(sigma)
    X, Y = _XY.gens()
    check_eq(gadget_polynomial(sigma, lam), X * Y, "(★) in ℚ[x, y]", sigma=sigma.name)
    return _check_identity(sigma, lam, x, y).bound("degree", sigma.degree, 5)


@claim(
    "Lemma 3.1",
    "Negative control: for random σ, λ with one entry changed by δ ≠ 0 fails (★) in ℚ[x, y]",
    instances=st.tuples(polynomials(2, 5, 6), st.integers(0, 5), rationals(6, nonzero=True)),
    expect="counterexample", control_of="gadget.identity_random_sigma", examples=20,
    refuted_on=("(★) in ℚ[x, y]",),
)
def perturbed_lambda_random_sigma_refuted(inst: tuple[Polynomial, int, fmpq]) -> Evidence:
    """λ_{j mod (μ+1)} + δ, compared symbolically."""
    sigma, j, delta = inst
    lam = gadget_lambdas(sigma)
    lam[j % len(lam)] += delta
    X, Y = _XY.gens()
    check_eq(gadget_polynomial(sigma, lam), X * Y, "(★) in ℚ[x, y]", sigma=sigma.name)
    return Evidence()


# --------------------------------------------------------------------------- the solution line


def _check_line(sigma: Activation, c: fmpq, k: int, x: fmpq, y: fmpq) -> Evidence:
    n = int(sigma_polynomial(sigma).degree()) + 1
    direction = list(_solve(_key(sigma_polynomial(sigma)), k % n))
    lam = [v + c * d for v, d in zip(gadget_lambdas(sigma), direction, strict=True)]
    X, Y = _XY.gens()
    check_eq(gadget_polynomial(sigma, lam), X * Y, "(★) in ℚ[x, y] along the direction "
             f"C^-1 e_{k % n}", c=c)
    return _check_identity(sigma, lam, x, y)


@claim_for(
    "Lemma 3.1",
    "The solutions of (★) include the whole line λ + c·C^{-1}e_1 (c ∈ ℚ): λ is not unique, "
    "only λ̂ = C^{-1}e_2 is",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(rationals(8), wide_rationals(), wide_rationals()),
    examples=15, tags=("identity",),
)
def solution_line(act: Activation, inst: tuple[fmpq, fmpq, fmpq]) -> Evidence:
    """g(U) := Σ_j λ_j σ(U + j) = U²/2 + cU still gives g(x+y) − g(x) − g(y) = xy."""
    c, x, y = inst
    return _check_line(act, c, 1, x, y)


@claim_for(
    "Lemma 3.1",
    "Negative control: leaving the solution line, λ + c·C^{-1}e_k with c ≠ 0 and k ≠ 1, "
    "breaks (★)",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(rationals(8, nonzero=True),
                                    st.sampled_from([k for k in range(act.traits.degree or 2)
                                                     if k != 1] + [act.traits.degree or 2]),
                                    wide_rationals(), wide_rationals()),
    expect="counterexample", control_of="gadget.solution_line", examples=15,
    refuted_on=("(★) in ℚ[x, y] along the direction C^-1 e_0",),
)
def off_solution_line_refuted(act: Activation, inst: tuple[fmpq, int, fmpq, fmpq]) -> Evidence:
    """g gains c·U^k (k ≠ 1), which does not cancel in g(x+y) − g(x) − g(y)."""
    c, k, x, y = inst
    return _check_line(act, c, k, x, y)


# --------------------------------------------------------------------------- Claim B.4


def basis_certificates(sigma: Activation) -> tuple[PolynomialIdentity, Invertibility]:
    """Claim B.4 as typed certificates: (i) the columns of C are the coefficients of
    σ(U + j), stated at once as Σ_j s^j σ(U + j) = Σ_j s^j Σ_q C_{qj} U^q in ℚ[U, s];
    (ii) C with its explicit inverse (C·C^{-1} = C^{-1}·C = I)."""
    p = sigma_polynomial(sigma)
    c = shift_matrix(sigma)
    n = int(p.degree()) + 1
    cs = coefficients(p)
    label = sigma.name if isinstance(sigma, Activation) else str(sigma)
    lhs = add(*(mul(power("s", j), poly_at(cs, add("U", num(j)))) for j in range(n)))
    rhs = add(*(mul(power("s", j), poly_at([c[q, j] for q in range(n)], "U"))
                for j in range(n)))
    cols = PolynomialIdentity(
        name="claim_B_4_columns", variables=("U", "s"), lhs=lhs, rhs=rhs,
        statement=f"Claim B.4 for σ = {label}: column j of C holds the coefficients of "
                  "σ(U + j) (coefficient of s^j)")
    inv = invertibility(c, c.inv(), name="claim_B_4_inverse",
                        statement=f"Claim B.4 for σ = {label}: C (shifted copies of σ) is "
                                  "invertible, with the explicit inverse C^-1")
    return cols, inv


def _prove_basis(act: Activation) -> Certificate:
    c = shift_matrix(act)
    d = c.det()
    check_eq(d, det_closed_form(act), "det C equals the closed form")
    mu = act.traits.degree or 2
    vandermonde = 1
    for j in range(mu + 1):
        for i in range(j):
            vandermonde *= j - i
    check_eq(vandermonde, superfactorial(mu), "det V = Π_{i<j}(j − i) = Π_k k!")
    check(d != 0, "C is invertible", det=d)
    return Certificate(f"det C = {fmt(d)} ≠ 0 computed exactly for σ = {act.name} and equal "
                       "to (−1)^{μ(μ+1)/2} r_μ^{μ+1} Π_q C(μ,q) Π_{i<j}(j−i); certified: the "
                       "columns of C are σ(U + j) and C has an explicit inverse",
                       items=basis_certificates(act))


def _check_basis(sigma: Activation, target: Sequence[fmpq], shifts: Sequence[int]) -> Evidence:
    p = sigma_polynomial(sigma)
    mu = int(p.degree())
    n = mu + 1
    cols = [p(fmpq_poly([j, 1])) for j in shifts]
    c = fmpq_mat(n, n, [cols[j][q] for q in range(n) for j in range(n)])
    check_eq(c.rank(), n, "the shifted copies σ(U + j) are linearly independent",
             shifts=list(shifts), det=c.det())
    if list(shifts) == list(range(n)):
        check_eq(c.det(), det_closed_form(Polynomial(p)),
                 "det C = (−1)^{μ(μ+1)/2} r_μ^{μ+1} Π_q C(μ,q) Π_{i<j}(j−i)")
    # λ̂ is unique: it is C^{-1}e_2 and C λ̂ = e_2
    e2 = fmpq_mat(n, 1, [1 if q == 2 else 0 for q in range(n)])
    lh = c.solve(e2)
    check_eq(c * lh, e2, "C λ̂ = e_2")
    # spanning: any polynomial of degree <= μ is a combination of the σ(U + j)
    t = fmpq_poly(list(target[:n]))
    alpha = c.solve(fmpq_mat(n, 1, [t[q] for q in range(n)]))
    recomposed = sum((cols[j] * alpha[j, 0] for j in range(n)), fmpq_poly([]))
    check_eq(recomposed, t, "Σ_j α_j σ(U + j) reproduces the target polynomial")
    return Evidence.of(degree=mu)


@claim_for(
    "Claim B.4",
    "σ(U + j), j = 0..μ, is a ℚ-basis of ℚ[U]_{<=μ}: C is invertible with det C = "
    "(−1)^{μ(μ+1)/2} r_μ^{μ+1} Π_q C(μ,q) Π_{i<j}(j − i), so λ̂ is unique",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.lists(rationals(10), min_size=6, max_size=6),
    prover=_prove_basis, examples=10, tags=("identity",),
)
def claim_b4_basis(act: Activation, target: list[fmpq]) -> Evidence:
    """Rank, determinant against the closed form, C λ̂ = e_2, and spanning of a random
    polynomial of degree <= μ."""
    n = (act.traits.degree or 2) + 1
    return _check_basis(act, target, list(range(n)))


@claim_for(
    "Claim B.4",
    "Negative control: the invertibility certificate with one entry of C^{-1} changed by "
    "δ ≠ 0 is rejected by the certificate checker (the sub-check behind `proved`)",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(st.integers(0, 6), st.integers(0, 6),
                                    rationals(6, nonzero=True)),
    expect="counterexample", control_of="gadget.claim_b4_basis", examples=8,
    refuted_on=("C with the explicit inverse is accepted",),
)
def perturbed_inverse_certificate_refuted(act: Activation,
                                          inst: tuple[int, int, fmpq]) -> Evidence:
    """C·B ≠ I once one entry of B = C^{-1} moves."""
    i, k, delta = inst
    _cols, cert = basis_certificates(act)
    n = len(cert.inverse)
    rows = [list(r) for r in cert.inverse]
    rows[i % n][k % n] += as_fraction(delta)
    bad = Invertibility(name=cert.name, statement=cert.statement, matrix=cert.matrix,
                        inverse=tuple(tuple(r) for r in rows))
    check_certificate(bad, "C with the explicit inverse is accepted", i=i % n, k=k % n,
                      delta=delta)
    return Evidence()


def _every_entry_rejected(act: Activation, delta: fmpq) -> Evidence:
    _cols, cert = basis_certificates(act)
    n = len(cert.inverse)
    for i in range(n):
        for k in range(n):
            rows = [list(r) for r in cert.inverse]
            rows[i][k] += as_fraction(delta)
            bad = Invertibility(name=cert.name, statement=cert.statement, matrix=cert.matrix,
                                inverse=tuple(tuple(r) for r in rows))
            check(not bad.accepted(), "every single-entry change of C^{-1} is rejected",
                  i=i, k=k, delta=delta)
    return Evidence.of(entries=n * n)


@claim_for(
    "Claim B.4",
    "The invertibility certificate's checker rejects C^{-1} with any one of its entries "
    "changed by δ ≠ 0 (every entry, including those that move only off-diagonal entries of "
    "C·B): the checker behind `proved` is not weaker than C·B = B·C = I",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: rationals(6, nonzero=True), examples=3,
)
def inverse_checker_rejects_every_entry(act: Activation, delta: fmpq) -> Evidence:
    """All (μ+1)² single-entry changes for one δ (a control that perturbs one entry is
    refuted by the first rejection, so it cannot notice a checker blind to the others)."""
    return _every_entry_rejected(act, delta)


@claim_for(
    "Claim B.4",
    "Negative control: with δ = 0 (C^{-1} itself) the certificate is accepted, so "
    "'every change is rejected' fails",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: st.just(fmpq(0)),
    expect="counterexample", control_of="gadget.inverse_checker_rejects_every_entry",
    examples=1, refuted_on=("every single-entry change of C^{-1} is rejected",),
)
def unchanged_inverse_rejected_refuted(act: Activation, delta: fmpq) -> Evidence:
    return _every_entry_rejected(act, delta)


@claim(
    "Claim B.4",
    "For random σ of degree 2..6, det C equals the closed form and is non-zero",
    instances=st.tuples(polynomials(2, 6, 8), st.lists(rationals(10), min_size=7, max_size=7)),
    examples=25, tags=("identity",),
)
def claim_b4_random_sigma(inst: tuple[Polynomial, list[fmpq]]) -> Evidence:
    """Claim B.4 beyond the registered activations."""
    sigma, target = inst
    return _check_basis(sigma, target, list(range(sigma.degree + 1)))


@claim_for(
    "Claim B.4",
    "Negative control: with a repeated shift (j = μ replaced by j = μ−1) the shifted copies "
    "are not a basis",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.lists(rationals(10), min_size=6, max_size=6),
    expect="counterexample", control_of="gadget.claim_b4_basis", examples=5,
    refuted_on=("the shifted copies σ(U + j) are linearly independent",),
)
def repeated_shift_refuted(act: Activation, target: list[fmpq]) -> Evidence:
    """The distinct shifts 0..μ are what makes the Vandermonde factor non-zero."""
    mu = act.traits.degree or 2
    return _check_basis(act, target, [*range(mu), mu - 1])


@claim(
    "Claim B.4",
    "Negative control: for random σ, shifts {0..μ−1, 0} (one repeated) give a singular C",
    instances=st.tuples(polynomials(2, 6, 8), st.lists(rationals(10), min_size=7, max_size=7)),
    expect="counterexample", control_of="gadget.claim_b4_random_sigma", examples=5,
    refuted_on=("the shifted copies σ(U + j) are linearly independent",),
)
def repeated_shift_random_sigma_refuted(inst: tuple[Polynomial, list[fmpq]]) -> Evidence:
    sigma, target = inst
    return _check_basis(sigma, target, [*range(sigma.degree), 0])


# --------------------------------------------------------------------------- example and sympy


@claim(
    "Lemma 3.1",
    "Example: σ = c·x² gives λ = (1/(2c), 0, 0); the paper's σ = x² gives (1/2, 0, 0)",
    instances=rationals(12, nonzero=True), examples=10,
)
def x_squared_example(c: fmpq) -> Evidence:
    """The expected values are the paper's (c = 1, checked every time) and 1/(2c)."""
    check_eq(gadget_lambdas(Polynomial(fmpq_poly([0, 0, 1]))), [fmpq(1, 2), fmpq(0), fmpq(0)],
             "paper: σ = x²")
    check_eq(gadget_lambdas(Polynomial(fmpq_poly([0, 0, c]))), [1 / (2 * c), fmpq(0), fmpq(0)],
             "σ = c·x²", c=c)
    return Evidence()


def _check_sympy(sigma: Activation, halve: bool = True) -> Evidence:
    ours = gadget_lambdas(sigma) if halve else lambda_hat(sigma)
    theirs = lambdas_by_sympy(sigma)
    check_eq([as_fraction(v) for v in ours], theirs, "λ (C^{-1}e_2/2) vs sympy's solution of the "
             "coefficient equations of (★) with Σ_j λ_j σ'(j) = 0")
    return Evidence.of(degree=int(sigma_polynomial(sigma).degree()))


@claim_for(
    "Lemma 3.1",
    "λ equals sympy's solution of the coefficient equations of (★) in x, y (normalised by "
    "Σ_j λ_j σ'(j) = 0), an independent formulation",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: st.just(0), examples=1,
    tags=("identity",),
)
def lambda_matches_sympy(act: Activation, _: int) -> Evidence:
    """One deterministic comparison per activation."""
    return _check_sympy(act)


@claim(
    "Lemma 3.1",
    "For random σ of degree 2..4, λ equals sympy's solution of (★)'s coefficient equations",
    instances=polynomials(2, 4, 5), examples=6, tags=("identity",),
)
def lambda_matches_sympy_random_sigma(sigma: Polynomial) -> Evidence:
    return _check_sympy(sigma)


@claim(
    "Lemma 3.1",
    "Negative control: λ̂ = C^{-1}e_2 without the halving does not match sympy's solution",
    instances=polynomials(2, 4, 5), expect="counterexample",
    control_of="gadget.lambda_matches_sympy_random_sigma", examples=3,
    refuted_on=("λ (C^{-1}e_2/2) vs sympy's solution of the coefficient",),
)
def unhalved_lambda_refuted(sigma: Polynomial) -> Evidence:
    return _check_sympy(sigma, halve=False)


@claim_for(
    "Lemma 3.1",
    "Negative control: λ̂ without the halving does not match sympy's solution",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: st.just(0), examples=1,
    expect="counterexample", control_of="gadget.lambda_matches_sympy",
    refuted_on=("λ (C^{-1}e_2/2) vs sympy's solution of the coefficient",),
)
def unhalved_lambda_registered_refuted(act: Activation, _: int) -> Evidence:
    return _check_sympy(act, halve=False)


def superfactorial(mu: int) -> int:
    """Π_{k=1}^{μ} k! (= det V of Claim B.4, arXiv 2602.19017, App. B)."""
    out = 1
    for k in range(1, mu + 1):
        out *= factorial(k)
    return out
