"""Sizes the paper states but does not bound explicitly: λ's bit length (Lemma 3.1), the
size of I(P) (Lemma 3.2) and θ∗'s O_σ(1) bits.

**λ (Lemma 3.1).**  Let den be the least common denominator of σ's coefficients and
C' := den·C (an integer matrix; C is Lemma 3.1's shift matrix).  C factors as A·V with
V_{s,j} = j^s (Vandermonde) and A_{q,s} = r_{q+s}·C(q+s, q) (zero below the anti-diagonal), so

    |det C'| = den^{μ+1}·|r_μ|^{μ+1}·Π_{q=0}^{μ} C(μ, q)·Π_{k=1}^{μ} k!     (exact).

By Cramer, λ̂_j = den·det(C'_j)/det C' with C'_j := C' with column j replaced by e_2, and
Hadamard gives |det C'_j| <= H_j := Π_{i≠j} ⌈‖c'_i‖₂⌉.  Hence, with λ = λ̂/2, den(λ_j) divides
2·det C' and

    size(λ_j) <= bitlen(den·max_j H_j) + bitlen(2·|det C'|) =: B_λ(σ),

a bound in μ and the bits of σ (:func:`lambda_bound`).  The Hadamard part is loose at high
degree (x²: 3 bits against B_λ = 9; x⁵ − 2x³ + x/7: 18 against 104); the denominator part is
exact (checked: the formula equals det C', and den(λ_j) divides 2·det C').

**I(P) (Lemma 3.2).**  For an SLP of length ℓ and σ of degree μ: |V| <= (ℓ + 1) + ℓ(6μ + 7),
|E| <= ℓ(10μ + 11), forcing templates 1 + |E_id| + (μ + 1)|E_σ| <= 1 + (μ + 1)·ℓ(10μ + 11),
|𝒟| = (b + 1)·templates + b.  Every number of a forcing sample is a rational whose
denominator divides D² (D of §5.1) and whose absolute value is <= K_σ (Theorem 1.1(ii)'s
sample constant, which bounds every template number whatever the input), so its size is
<= s_σ := bitlen(⌊K_σ·D²⌋) + bitlen(D²).  Each sample is written densely (|V| inputs,
|V| + 1 label entries), so

    bits(I(P)) <= |𝒟|·(2|V| + 1)·s_σ + 2|E|·s_σ + b·size(a_0),

a polynomial of degree 2 in ℓ (times b) — the explicit form of |I(P)| = poly(|P|).  The
measured bits do grow quadratically (σ = x², a_1 = 2, a_i = a_{i−1}·a_{i−2}: 6 092, 47 198,
244 674, 1 100 618 bits for ℓ = 2, 4, 8, 16), about 20–60 times below the bound, whose s_σ
(12 bits for x²) is a worst case over all template numbers (5 bits measured).  App. C's
instance is not bounded here.

**θ∗.**  Its entries lie in {0, ±1, ±2, r, ±λ'_r, 1/D}: a set depending on σ alone.

**App. C.**  The network plus one edge e∗ (|E| <= ℓ(10μ+11) + 1) and B copies of one
sample (a_0, −a_0) stored with a multiplicity: at most 2|E|·t_σ + 2·size(a_0) + bitlen(B)
bits, t_σ the largest size of a θ∗ entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from math import comb, factorial, isqrt

from flint import fmpq, fmpz
from hypothesis import strategies as st

from checkers.activations import Activation, Polynomial
from checkers.poly import coefficients
from checkers.rationals import size
from checkers.slp import SLP, Gate
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    Evidence,
    check_eq,
    check_le,
    claim,
    claim_for,
)
from spec.gadget import gadget_lambdas, shift_matrix, sigma_polynomial
from spec.lemma32 import build_instance, compile_slp, max_theta_bits
from spec.lemma32._common import _show_slp, _small_slps
from spec.theorem11 import value_bound
from strategies import polynomials

__all__ = [
    "LambdaBound",
    "instance_bits",
    "instance_bound",
    "lambda_bound",
]


# --------------------------------------------------------------------------- λ


@dataclass(frozen=True)
class LambdaBound:
    """The quantities of the Cramer/Hadamard bound on λ's size (module doc)."""

    den: fmpz
    det_formula: fmpz
    hadamard: fmpz
    bits: int


def _ceil_sqrt(n: int) -> int:
    r = isqrt(n)
    return r if r * r == n else r + 1


def lambda_bound(sigma: Activation, *, drop_factorials: bool = False) -> LambdaBound:
    """B_λ(σ) and its parts (``drop_factorials`` plants a bug: Π k! left out)."""
    p = sigma_polynomial(sigma)
    mu = int(p.degree())
    den = fmpz(1)
    for c in coefficients(p):
        den = den.lcm(c.q)
    lead = p[mu]
    det = (den * abs(lead)) ** (mu + 1)
    for q in range(mu + 1):
        det *= comb(mu, q)
    if not drop_factorials:
        for k in range(1, mu + 1):
            det *= factorial(k)
    cm = shift_matrix(sigma)
    norms = [_ceil_sqrt(sum(int((cm[q, j] * den).p) ** 2 for q in range(mu + 1)))
             for j in range(mu + 1)]
    h = max(_prod(n for i, n in enumerate(norms) if i != j) for j in range(mu + 1))
    det_int = fmpz(int(det.p)) if isinstance(det, fmpq) else fmpz(det)
    bits = int((den * h).bit_length()) + int((2 * det_int).bit_length())
    return LambdaBound(den, det_int, fmpz(h), bits)


def _prod(xs: Iterable[int]) -> int:
    out = 1
    for x in xs:
        out *= x
    return out


def _check_lambda(sigma: Activation, lb: LambdaBound) -> Evidence:
    c = shift_matrix(sigma)
    mu = c.nrows() - 1
    det = (c * lb.den).det()
    check_eq(abs(det), fmpq(lb.det_formula),
             "|det C'| = den^{μ+1}|r_μ|^{μ+1}·Π C(μ,q)·Π k! (C = A·V)", mu=mu)
    lam = gadget_lambdas(sigma)
    for j, v in enumerate(lam):
        check_eq((2 * lb.det_formula) % v.q, 0, "den(λ_j) divides 2·det C' (Cramer)", j=j,
                 lam=v)
        check_le(size(v), lb.bits, "size(λ_j) <= B_λ(σ) (Cramer + Hadamard)", j=j, lam=v)
    worst = max(size(v) for v in lam)
    return Evidence.of(mu=mu, sigma_bits=sum(size(q) for q in coefficients(
        sigma_polynomial(sigma)))).bound("lambda_bits", worst, lb.bits)


@claim_for(
    "Lemma 3.1",
    "λ's bit length: |det C'| (C' = den·C) equals den^{μ+1}|r_μ|^{μ+1}·Π_q C(μ,q)·Π_k k!, "
    "den(λ_j) divides 2·det C', and size(λ_j) <= B_λ(σ) = bitlen(den·H) + bitlen(2|det C'|) "
    "(Cramer, Hadamard H)",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: st.just(None), examples=1,
)
def lambda_bits(act: Activation, _: None) -> Evidence:
    """Figure ``lambda_bits`` against B_λ: the ratio shows how loose Hadamard is."""
    return _check_lambda(act, lambda_bound(act))


@claim(
    "Lemma 3.1",
    "λ's bit length on random σ of degree 2..6 with rational coefficients: the exact "
    "determinant formula, den(λ_j) | 2·det C', size(λ_j) <= B_λ(σ)",
    instances=polynomials(2, 6, 8), examples=15, show=lambda s: f"sigma = {s.name}",
)
def lambda_bits_random(sigma: Polynomial) -> Evidence:
    return _check_lambda(sigma, lambda_bound(sigma))


@claim_for(
    "Lemma 3.1",
    "Negative control: for the registered σ, without the Vandermonde factor Π k! the "
    "determinant formula is wrong",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: st.just(None), expect="counterexample",
    control_of="sizes.lambda_bits", examples=1,
    refuted_on=("|det C'| = den^{μ+1}|r_μ|^{μ+1}·Π C(μ,q)·Π k! (C = A·V)",),
)
def lambda_det_formula_planted_refuted(act: Activation, _: None) -> Evidence:
    return _check_lambda(act, lambda_bound(act, drop_factorials=True))


@claim(
    "Lemma 3.1",
    "Negative control: without the Vandermonde factor Π k! the determinant formula is wrong",
    instances=polynomials(2, 6, 8), expect="counterexample",
    control_of="sizes.lambda_bits_random", examples=5, show=lambda s: f"sigma = {s.name}",
    refuted_on=("|det C'| = den^{μ+1}|r_μ|^{μ+1}·Π C(μ,q)·Π k! (C = A·V)",),
)
def lambda_det_without_factorials_refuted(sigma: Polynomial) -> Evidence:
    return _check_lambda(sigma, lambda_bound(sigma, drop_factorials=True))


# --------------------------------------------------------------------------- |I(P)|


@dataclass(frozen=True)
class InstanceBound:
    """Explicit polynomials in ℓ bounding I(P)'s counts and bits (module doc)."""

    nodes: int
    edges: int
    templates: int
    samples: int
    number_bits: int
    bits: int


def instance_bound(length: int, sigma: Activation, b: int, a0: fmpq) -> InstanceBound:
    """The explicit bounds for an SLP of length ℓ = ``length``."""
    vb = value_bound(sigma)
    mu = vb.mu
    nodes = (length + 1) + length * (6 * mu + 7)
    edges = length * (10 * mu + 11)
    templates = 1 + (mu + 1) * edges
    samples = (b + 1) * templates + b
    d2 = fmpz(vb.D) ** 2
    k = vb.sample_constant * d2
    s = int((k.p // k.q).bit_length()) + int(d2.bit_length())
    bits = samples * (2 * nodes + 1) * s + 2 * edges * s + b * size(a0)
    return InstanceBound(nodes, edges, templates, samples, s, bits)


def instance_bits(slp: SLP, sigma: Activation, b: int = 1) -> tuple[int, int, int]:
    """(total bits of I(P, 0) written densely, |𝒟|, the largest size of one number):
    every sample's |V| inputs and |V| + 1 label entries, with multiplicity, and θ∗."""
    c = compile_slp(slp, sigma)
    ins = build_instance(c, 0, b=b)
    n = len(c.network.nodes)
    y0_bits = sum(size(v) for v in ins.y0)
    x0 = list(ins.x0)
    total = 0
    biggest = 0
    count = 0
    for t in ins.templates():
        x = list(x0)
        for v, d in t.dx:
            x[v] += d
        ybits = y0_bits
        for v, yv in t.y:
            ybits += size(yv) - size(ins.y0[v])
            biggest = max(biggest, size(yv))
        biggest = max(biggest, max(size(v) for v in x))
        total += (b + 1) * (sum(size(v) for v in x) + ybits + size(fmpq(0)))
        count += b + 1
    main = size(slp.a0) + (n - 1) * size(fmpq(0)) + n * size(fmpq(0)) + size(fmpq(1))
    total += b * main
    count += b
    biggest = max(biggest, max(size(v) for v in ins.y0))
    total += sum(size(w) + size(x) for w, x in zip(c.network.weights, c.network.biases,
                                                   strict=True))
    return total, count, biggest


def _check_instance(act: Activation, slp: SLP, b: int, *, linear: bool = False) -> Evidence:
    c = compile_slp(slp, act)
    ins = build_instance(c, 0, b=b)
    ib = instance_bound(slp.length, act, b, slp.a0)
    n_t = sum(1 for _ in ins.templates())
    check_eq(n_t, ins.template_count(), "templates = 1 + |E_id| + (μ+1)|E_σ|")
    total, count, biggest = instance_bits(slp, act, b)
    check_eq(count, (b + 1) * n_t + b, "|𝒟| = (b + 1)·templates + b")
    check_le(len(c.network.nodes), ib.nodes, "|V| <= (ℓ+1) + ℓ(6μ+7)")
    check_le(len(c.network.edges), ib.edges, "|E| <= ℓ(10μ+11)")
    check_le(n_t, ib.templates, "templates <= 1 + (μ+1)ℓ(10μ+11)")
    check_le(biggest, ib.number_bits, "every number of a forcing sample has size <= s_σ")
    bound = count * biggest if linear else ib.bits
    check_le(total, bound, "bits(I(P)) <= |𝒟|(2|V|+1)s_σ + 2|E|s_σ + b·size(a_0)"
             if not linear else "bits(I(P)) <= |𝒟|·(largest number size) (linear in ℓ)",
             length=slp.length)
    return (Evidence.of(length=slp.length, samples=count, number_bits=biggest)
            .bound("instance_bits", total, bound))


def _long_slps() -> st.SearchStrategy[tuple[SLP, int]]:
    return st.tuples(_small_slps(10), st.integers(1, 3))


@claim_for(
    "Lemma 3.2",
    "|I(P)| = poly(|P|), explicitly: |V| <= (ℓ+1) + ℓ(6μ+7), |E| <= ℓ(10μ+11), templates = "
    "1 + |E_id| + (μ+1)|E_σ| <= 1 + (μ+1)ℓ(10μ+11), |𝒟| = (b+1)·templates + b, every sample "
    "number of size <= s_σ, total bits <= |𝒟|(2|V|+1)s_σ + 2|E|s_σ + b·size(a_0)",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _long_slps(), examples=6,
    show=_show_slp,
)
def instance_size(act: Activation, inst: tuple[SLP, int]) -> Evidence:
    """Bits counted exactly over the dense encoding (every sample writes all |V| inputs and
    |V| + 1 label entries, with multiplicity).  Figure ``instance_bits`` against the bound."""
    return _check_instance(act, *inst)


@claim_for(
    "Lemma 3.2",
    "Negative control: the instance's bits are not linear in ℓ (bits <= |𝒟|·(largest "
    "number size) fails: each sample is a vector over all |V| vertices)",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(_small_slps(6).map(_with_product), st.integers(1, 3)),
    expect="counterexample",
    control_of="sizes.instance_size", examples=6, show=_show_slp,
    refuted_on=("bits(I(P)) <= |𝒟|·(largest number size) (linear in ℓ)",),
)
def instance_bits_linear_refuted(act: Activation, inst: tuple[SLP, int]) -> Evidence:
    return _check_instance(act, *inst, linear=True)


# --------------------------------------------------------------------------- θ∗'s bits


def _padded(slp: SLP, extra: int) -> SLP:
    """P followed by ``extra`` gates a_{i} = a_{i−1} + a_0 (|P| grows, σ-content does not)."""
    gates = list(slp.gates)
    for _ in range(extra):
        gates.append(Gate("+", len(gates), 0))
    return SLP(slp.a0, tuple(gates))


def _with_product(slp: SLP) -> SLP:
    n = slp.length
    return SLP(slp.a0, (*slp.gates, Gate("*", n, 0)))


def _check_theta_bits(act: Activation, inst: tuple[SLP, int], *, with_input: bool) -> Evidence:
    slp, extra = inst
    small = compile_slp(_with_product(slp), act)
    big_slp = _padded(_with_product(slp), extra)
    big = compile_slp(big_slp, act)
    bits_small, bits_big = max_theta_bits(small), max_theta_bits(big)
    allowed = big.theta_star_values()
    if with_input:  # the main input a_0 is part of the instance, not of θ∗
        bits_small = max(bits_small, size(small.slp.a0))
        bits_big = max(bits_big, size(big_slp.a0 * 2**extra))
    check_eq(bits_big, bits_small, "θ∗'s largest entry has the same size for P and for P "
             "padded by more gates (O_σ(1), independent of |P|)", extra=extra)
    check_le(bits_big, max(size(q) for q in allowed), "<= the σ-only bound")
    return Evidence.of(theta_bits=bits_big, padded_length=big_slp.length)


@claim_for(
    "Lemma 3.2",
    "θ∗ has O_σ(1) bits: its largest entry has the same size for P (ending in a product) "
    "and for P padded by up to 40 more gates, and lies in the σ-only set "
    "{0, ±1, ±2, r, ±λ'_r, 1/D}",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(_small_slps(5), st.integers(1, 40)), examples=5,
    show=_show_slp,
)
def theta_bits_constant(act: Activation, inst: tuple[SLP, int]) -> Evidence:
    return _check_theta_bits(act, inst, with_input=False)


@claim_for(
    "Lemma 3.2",
    "Negative control: the main input is not O_σ(1): with a_0 scaled by 2^{extra} the "
    "largest number of the instance grows with the padding",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(_small_slps(5).filter(lambda p: p.a0 != 0),
                                    st.integers(30, 40)),
    expect="counterexample", control_of="sizes.theta_bits_constant", examples=5,
    show=_show_slp,
    refuted_on=("θ∗'s largest entry has the same size for P and for P padded by",),
)
def main_input_bits_refuted(act: Activation, inst: tuple[SLP, int]) -> Evidence:
    return _check_theta_bits(act, inst, with_input=True)



# --------------------------------------------------------------------------- App. C's instance


def _check_app_c_size(act: Activation, inst: tuple[SLP, int], *, without_data: bool) -> Evidence:
    from spec.theorem13.backprop import app_c

    slp, copies = inst
    appc = app_c(slp, act, copies=copies)
    c = appc.compiled
    mu = c.mu
    length = slp.length
    edges = len(appc.instance.network.edges)
    check_le(edges, length * (10 * mu + 11) + 1, "|E| <= ℓ(10μ+11) + 1 (e∗ added)")
    theta_bits = max(size(q) for q in c.theta_star_values())
    bound = 2 * edges * theta_bits
    if not without_data:
        bound += 2 * size(slp.a0) + int(copies).bit_length()
    measured = appc.instance.size_bits()
    check_le(measured, bound, "App. C's instance bits <= 2|E|·t_σ + 2·size(a_0) + bitlen(B)"
             if not without_data else "App. C's instance bits <= 2|E|·t_σ", length=length)
    return Evidence.of(length=length).bound("app_c_bits", measured, bound)


@claim_for(
    "App. C",
    "App. C's instance is polynomial in |P|: |E| <= ℓ(10μ+11) + 1 and its numbers take at most "
    "2|E|·t_σ + 2·size(a_0) + bitlen(B) bits (t_σ: θ∗'s σ-only entry size; B copies of one "
    "sample (a_0, −a_0) with a multiplicity)",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(_small_slps(8), st.integers(1, 2**20)), examples=10,
    show=lambda i: f"# B = {i[1]}\n{i[0].to_text()}",
)
def app_c_instance_size(act: Activation, inst: tuple[SLP, int]) -> Evidence:
    return _check_app_c_size(act, inst, without_data=False)


@claim_for(
    "App. C",
    "Negative control: the data is not free — without 2·size(a_0) + bitlen(B) the bound fails "
    "(a_0 of 80 to 120 bits, ℓ = 0)",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(
        st.builds(lambda p, q: SLP(fmpq(p, q), ()), st.integers(2**40, 2**60),
                  st.integers(2**40, 2**60)), st.integers(2**10, 2**20)),
    expect="counterexample", control_of="sizes.app_c_instance_size", examples=10,
    show=lambda i: f"# B = {i[1]}\n{i[0].to_text()}",
    refuted_on=("App. C's instance bits <= 2|E|·t_σ",),
)
def app_c_size_without_data_refuted(act: Activation, inst: tuple[SLP, int]) -> Evidence:
    return _check_app_c_size(act, inst, without_data=True)
