"""Theorem 1.3: PosSLP → promise Backprop-Sign and BitSLP → Backprop-Bit through App. C,
and the bounded-values variant.

**The promise gap** (Definition 4.2).  At n_P = 0 the gradient is 0, outside both promise
regions ±b.  :func:`posslp_to_promise_sign` therefore reduces through Q with
n_Q = 2n_P − 1 (Remark B.3; two gates appended to P): n_Q is odd, so |∂L/∂w_{e∗}(θ∗)| =
b·|n_Q| >= b, and n_Q >= 1 iff n_P > 0.  The unrepaired reduction
(:func:`paper_posslp_to_promise_sign`) is the erratum ``gradient.unrepaired_promise_erratum``.

**Bounded values** (Theorem 1.3 with Lemma A.5).  For a BN-SLP I(P) of length m with
b₀ = 2^{−m} (value 2^{−m·2^n}·n_P, n = length of P) and main input a₀ = 2^{−m},
∂L/∂w_{e∗}(θ∗) = B·2^{−m(2^n+1)}·n_P: bit j of n_P sits at position j − m(2^n + 1)
(:func:`bounded_bit_position`), not j − ℓ as App. C says (erratum
``gradient.shift_by_l_erratum``).  The same factor pushes |∂L/∂w_{e∗}(θ∗)| far below a
promise gap b (erratum ``gradient.bounded_promise_erratum``).  The BN-SLP enters only
through :func:`to_bnslp`.
"""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq
from hypothesis import strategies as st

from checkers.activations import Activation
from checkers.errors import SLPError
from checkers.poly import coefficients
from checkers.rationals import bit, fmt, size
from checkers.reference import ref_bit, ref_slp_values
from checkers.slp import SLP, Gate
from spec import bnslp
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    Evidence,
    as_fraction,
    check,
    check_eq,
    check_le,
    claim,
    claim_for,
)
from spec.gadget import sigma_polynomial
from spec.lemma32 import common_denominator
from spec.theorem13.backprop import (
    BUDGET_BITS,
    OUTPUT_NODE,
    BackpropBit,
    BackpropInstance,
    PromiseBackpropSign,
    _mutate,
    _shower,
    _sign_bug_loss,
    app_c,
)
from strategies import polynomials, slps

CLAIM_NAMESPACE = "gradient"
"""Claim ids stay ``gradient.*`` (the module this code came from)."""

__all__ = [
    "bitslp_to_backprop_bit",
    "bounded_bit_position",
    "bounded_bitslp_to_backprop_bit",
    "paper_posslp_to_promise_sign",
    "posslp_to_promise_sign",
    "power_of_two_exponent",
    "repaired_slp",
    "to_bnslp",
    "value_bound",
]


def repaired_slp(slp: SLP) -> SLP:
    """Q with n_Q = 2n_P − 1 (Remark B.3): a_{ℓ+1} = a_ℓ + a_ℓ, a_{ℓ+2} = a_{ℓ+1} − a₀.
    Needs a₀ = 1 (the constant 1 of an integer program)."""
    if slp.a0 != 1:
        raise SLPError(f"n_Q = 2n_P − 1 needs a0 = 1 (PosSLP programs), got a0 = {fmt(slp.a0)}")
    ell = slp.length
    return SLP(slp.a0, (*slp.gates, Gate("+", ell, ell), Gate("-", ell + 1, 0)))


def posslp_to_promise_sign(slp: SLP, sigma: Activation, b: int) -> PromiseBackpropSign:
    """PosSLP → promise Backprop-Sign (Definition 4.2, Theorem 1.3), repaired: App. C on Q
    (n_Q = 2n_P − 1) with B = b and a₀ = 1, so ∂L/∂w_{e∗}(θ∗) = b·n_Q and |·| >= b."""
    return PromiseBackpropSign(app_c(repaired_slp(slp), sigma, copies=b).instance, b)


def paper_posslp_to_promise_sign(slp: SLP, sigma: Activation, b: int) -> PromiseBackpropSign:
    """The reduction as App. C writes it (App. C on P itself, B = b): the gradient is
    b·n_P, which is 0 when n_P = 0 (erratum; use :func:`posslp_to_promise_sign`)."""
    if slp.a0 != 1:
        raise SLPError(f"PosSLP programs have a0 = 1, got a0 = {fmt(slp.a0)}")
    return PromiseBackpropSign(app_c(slp, sigma, copies=b).instance, b)


def power_of_two_exponent(q: fmpq) -> int | None:
    """s with |q| = 2^s, or None."""
    u, v = abs(q.p), q.q
    if u == 0:
        return None
    if v == 1 and (u & (u - 1)) == 0:
        return int(u.bit_length()) - 1
    if u == 1 and (v & (v - 1)) == 0:
        return 1 - int(v.bit_length())
    return None


def bitslp_to_backprop_bit(slp: SLP, sigma: Activation, j: int) -> BackpropBit:
    """BitSLP (j, P) → Backprop-Bit (Theorem 1.3) with B = 1: ∂L/∂w_{e∗}(θ∗) = a₀·n_P.

    For a₀ = ±2^s that is n_P shifted, so bit j of n_P is bit j + s of the gradient (s = 0
    for the usual a₀ = 1).  Any other a₀ scales the digits and is refused.
    """
    s = power_of_two_exponent(slp.a0)
    if s is None:
        raise SLPError(f"BitSLP → Backprop-Bit reads bits of a0·n_P; it needs a0 = ±2^s, got "
                       f"a0 = {fmt(slp.a0)}")
    return BackpropBit(app_c(slp, sigma).instance, j + s)


# --------------------------------------------------------------------------- bounded values


def to_bnslp(slp: SLP) -> tuple[SLP, int, int]:
    """Lemma A.5: (I(P), m, n) — the BN-SLP of length m with b₀ = 2^{−m} and value
    2^{−m·2^n}·n_P, n the length of P (a₀ = 1), from :func:`spec.bnslp.to_bnslp`."""
    bn = bnslp.to_bnslp(slp)
    return bn.slp, bn.m, bn.n


def bounded_bit_position(j: int, m: int, n: int) -> int:
    """Where bit j of n_P sits in ∂L/∂w_{e∗}(θ∗) = 2^{−m(2^n+1)}·n_P (B = 1): j − m(2^n + 1)
    (arXiv 2602.19017, App. C; 2^{−m·2^n} from Lemma A.5 and 2^{−m} from the input a₀)."""
    return int(j - m * (2**n + 1))


def _check_bnslp(bn: SLP, m: int, n: int) -> None:
    if m < 0 or n < 0:
        raise SLPError(f"BN-SLP parameters must be natural numbers, got m = {m}, n = {n}")
    if bn.length != m or bn.a0 != fmpq(1, 2**m):
        raise SLPError(f"not a BN-SLP of length m = {m} (Definition A.3: b0 = 2^-m and m "
                       f"gates): got a0 = {fmt(bn.a0)} and {bn.length} gates")


def bounded_bitslp_to_backprop_bit(bn: SLP, m: int, n: int, sigma: Activation,
                                   j: int) -> BackpropBit:
    """BitSLP (j, P) → Backprop-Bit through the BN-SLP I(P) = ``bn`` (length m, from a
    program of length n): App. C on ``bn`` with main input a₀ = 2^{−m}, B = 1, reading the
    gradient at :func:`bounded_bit_position`."""
    _check_bnslp(bn, m, n)
    return BackpropBit(app_c(bn, sigma).instance, bounded_bit_position(j, m, n))


def value_bound(sigma: Activation) -> fmpq:
    """A σ-only bound on |pre-activation| and |value| of every vertex of the App. C network
    at θ∗ on the main input when every gate value lies in [−1, 1] (Theorem 1.1(ii), §5
    notes): max(μ + 2, D, Σ_k |r_k|(μ + 2)^k).  L vertices carry x + y + r ∈ [−2, μ + 2],
    U vertices σ of that, z_i = D·a_j·a_k, and t = w_e∗·n_P = 0."""
    p = sigma_polynomial(sigma)
    reach = fmpq(int(p.degree()) + 2)
    sig = sum((abs(c) * reach**k for k, c in enumerate(coefficients(p))), fmpq(0))
    d, _, _ = common_denominator(sigma)
    return max(reach, fmpq(d), sig)


# =========================================================================== claims

_SHOW_BIT = _shower("P", "j_from", "extra_bits")
_SHOW_BOUNDED = _shower("P", "extra_bits")


# --------------------------------------------------------------------------- Theorem 1.3


def _int_slps(max_length: int) -> st.SearchStrategy[SLP]:
    """Integer programs (a0 = 1), with a share whose output is exactly 0."""
    zero = slps(min_length=0, max_length=max_length - 1).flatmap(
        lambda p: st.integers(0, p.length).map(
            lambda j: SLP(p.a0, (*p.gates, Gate("-", j, j)))))
    return st.one_of(slps(max_length=max_length), zero)


def _check_promise(act: Activation, slp: SLP, b: int, *, planted: bool) -> Evidence:
    n_p = ref_slp_values(slp)[-1]
    q = repaired_slp(slp)
    check_eq(ref_slp_values(q)[-1], 2 * n_p - 1, "n_Q = 2n_P − 1 (reference evaluation)")
    check_eq(q.length, slp.length + 2, "Q adds two gates")
    red = posslp_to_promise_sign(slp, act, b)
    if planted:
        inst = red.instance
        red = PromiseBackpropSign(
            BackpropInstance(inst.network, inst.data, _sign_bug_loss(), inst.edge), b)
    g = red.instance.gradient(budget_bits=BUDGET_BITS)
    check(g >= b or g <= -b, "|∂L/∂w_e∗(θ∗)| >= b (Definition 4.2's promise)", g=g, b=b,
          n_P=n_p)
    check_eq(red.answer(), n_p > 0, "promise Backprop-Sign answer = PosSLP answer (n_P > 0)",
             g=g, n_P=n_p)
    return Evidence.of(gradient_bits=size(g)).bound("promise_margin", b, abs(as_fraction(g)))


@claim_for(
    "Definition 4.2 (Theorem 1.3)",
    "PosSLP → promise Backprop-Sign, repaired through n_Q = 2n_P − 1 (two gates): App. C on "
    "Q with B = b, a0 = 1 gives ∂L/∂w_e∗(θ∗) = b·n_Q, so |·| >= b always, and the promise "
    "answer (by backprop) is YES iff n_P > 0",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: st.tuples(_int_slps(6), st.integers(1, 6)),
    examples=20, show=_shower("P", "b"), tags=("identity",),
)
def posslp_to_promise_sign_repaired(act: Activation, inst: tuple[SLP, int]) -> Evidence:
    """The figure ``promise_margin`` is b against |∂L/∂w_e∗(θ∗)| (ratio <= 1 means the
    promise holds)."""
    return _check_promise(act, inst[0], inst[1], planted=False)


@claim_for(
    "Definition 4.2 (Theorem 1.3)",
    "Negative control: a square loss whose derivative has the wrong sign (y − u) flips every "
    "promise Backprop-Sign answer",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: st.tuples(_int_slps(6), st.integers(1, 6)),
    expect="counterexample", control_of="gradient.posslp_to_promise_sign_repaired",
    examples=10, show=_shower("P", "b"),
    refuted_on=("promise Backprop-Sign answer = PosSLP answer (n_P > 0)",),
)
def promise_sign_loss_bug_refuted(act: Activation, inst: tuple[SLP, int]) -> Evidence:
    return _check_promise(act, inst[0], inst[1], planted=True)


@claim(
    "Definition 4.2 (Theorem 1.3)",
    "The reduction PosSLP → promise Backprop-Sign as App. C writes it (App. C on P itself, "
    "B = b, a0 = 1) always meets the promise |∂L/∂w_e∗(θ∗)| >= b",
    instances=st.tuples(polynomials(2, 3, 3), _int_slps(5), st.integers(1, 6)),
    status="erratum", expect="counterexample",
    control_of="gradient.posslp_to_promise_sign_repaired", examples=20,
    show=_shower("sigma", "P", "b"),
    refuted_on=("|∂L/∂w_e∗(θ∗)| >= b",),
)
def unrepaired_promise_erratum(inst: tuple[Activation, SLP, int]) -> Evidence:
    """Any P with n_P = 0 gives gradient 0, outside both promise regions."""
    sigma, slp, b = inst
    g = paper_posslp_to_promise_sign(slp, sigma, b).instance.gradient(budget_bits=BUDGET_BITS)
    check(g >= b or g <= -b, "|∂L/∂w_e∗(θ∗)| >= b", g=g, b=b, n_P=ref_slp_values(slp)[-1])
    return Evidence.of(gradient_bits=size(g))


BitInst = tuple[SLP, int, int]


def _bit_inst(act: Activation) -> st.SearchStrategy[BitInst]:
    pow2 = st.builds(lambda s, neg: (-1 if neg else 1) * fmpq(2) ** s, st.integers(-6, 6),
                     st.booleans())
    return st.tuples(st.one_of(slps(max_length=7), slps(max_length=6, a0=pow2)),
                     st.integers(-8, 8), st.integers(0, 12))


def _check_bit(act: Activation, inst: BitInst, *, planted: bool) -> Evidence:
    slp, j_lo, width = inst
    vals = ref_slp_values(slp)
    n_p = vals[-1]
    red = bitslp_to_backprop_bit(slp, act, j_lo)
    bp = _mutate(red.instance, lambda name, a: name == OUTPUT_NODE) if planted else red.instance
    g = bp.gradient(budget_bits=BUDGET_BITS)
    top = abs(n_p.numerator).bit_length() + 2
    for j in range(j_lo, max(j_lo, top) + width):
        index = red.j + (j - j_lo)  # the reduction maps j to j + log2|a0|
        check_eq(bit(g, index), ref_bit(n_p, j),
                 "bit of ∂L/∂w_e∗(θ∗) at the reduced index = bit_j(n_P) (BitSLP, reference)",
                 j=j, index=index, g=g, n_P=n_p)
    if vals[0] > 0:
        check_eq(bp.sign(), (n_p > 0) - (n_p < 0), "Backprop-Sign answer = sign n_P (a0 > 0)")
    return Evidence.of(gradient_bits=size(g), bits_read=max(j_lo, top) + width - j_lo)


@claim_for(
    "Definition 4.1 (Theorem 1.3)",
    "BitSLP → Backprop-Bit (B = 1): for a0 = ±2^s, bit j of n_P equals bit j + s of "
    "∂L/∂w_e∗(θ∗) computed by backprop, for every j in a window around n_P's digits (also "
    "after the binary point); Backprop-Sign gives sign n_P for a0 > 0",
    covers=NONLINEAR_POLYNOMIAL, instances=_bit_inst, examples=20, show=_SHOW_BIT,
    tags=("identity",),
)
def bitslp_to_backprop_bit_decides(act: Activation, inst: BitInst) -> Evidence:
    """One backprop pass per example; each bit is compared with the Fraction reference's
    ⌊2^{−j}|n_P|⌋ mod 2.  The reduction object (:func:`bitslp_to_backprop_bit`) supplies
    the index."""
    return _check_bit(act, inst, planted=False)


@claim_for(
    "Definition 4.1 (Theorem 1.3)",
    "Negative control: backprop with a wrong chain-rule factor at t (id' + 1) doubles the "
    "gradient and moves every bit",
    covers=NONLINEAR_POLYNOMIAL, instances=_bit_inst, expect="counterexample",
    control_of="gradient.bitslp_to_backprop_bit_decides", examples=10, show=_SHOW_BIT,
    refuted_on=("bit of ∂L/∂w_e∗(θ∗) at the reduced index = bit_j(n_P) (BitSLP, reference)",),
)
def bit_wrong_output_derivative_refuted(act: Activation, inst: BitInst) -> Evidence:
    return _check_bit(act, inst, planted=True)


# --------------------------------------------------------------------------- bounded values


def _bounded_inst(act: Activation) -> st.SearchStrategy[tuple[SLP, int]]:
    return st.tuples(slps(max_length=4), st.integers(0, 6))


def _check_bounded(act: Activation, inst: tuple[SLP, int], *, planted: bool) -> Evidence:
    p, width = inst
    n_p = ref_slp_values(p)[-1]
    bn, m, n = to_bnslp(p)
    check_eq(ref_slp_values(bn)[-1], n_p / Fraction(2) ** (m * 2**n),
             "Lemma A.5: the BN-SLP's value is 2^{−m·2^n}·n_P", m=m, n=n)
    red0 = bounded_bitslp_to_backprop_bit(bn, m, n, act, 0)
    bp = red0.instance
    if planted:
        bp = _mutate(bp, lambda name, a: name == OUTPUT_NODE)
    g = bp.gradient()
    shift = m * (2**n + 1)
    check_eq(as_fraction(g), n_p / Fraction(2) ** shift, "∂L/∂w_e∗(θ∗) = 2^{−m(2^n+1)}·n_P",
             m=m, n=n, n_P=n_p)
    check_eq(red0.j, -shift, "the reduction reads bit 0 at position −m(2^n + 1)")
    top = abs(n_p.numerator).bit_length() + 1
    for j in range(top + width):
        pos = bounded_bit_position(j, m, n)
        check_eq(bit(g, pos), ref_bit(n_p, j), "bit j − m(2^n+1) of the gradient = bit_j(n_P)",
                 j=j, position=pos)
    check_eq(bp.sign(), (n_p > 0) - (n_p < 0), "sign ∂L/∂w_e∗(θ∗) = sign n_P")
    net = red0.instance.network
    tr = net.forward(red0.instance.data[0][0].x)
    biggest = max(max(abs(v) for v in tr.val), max(abs(v) for v in tr.pre))
    bound = value_bound(act)
    check_le(biggest, bound, "every |value| and |pre-activation| at θ∗ on 2^{−m} is at most "
             "max(μ+2, D, Σ|r_k|(μ+2)^k)")
    return (Evidence.of(m=m, shift=shift, gradient_bits=size(g))
            .bound("max_abs_value", biggest, bound))


@claim_for(
    "Theorem 1.3 (bounded values)",
    "Through the BN-SLP of Lemma A.5 (length m, b0 = 2^{−m}, input a0 = 2^{−m}, B = 1): "
    "backprop gives ∂L/∂w_e∗(θ∗) = 2^{−m(2^n+1)}·n_P, bit j of n_P sits at position "
    "j − m(2^n+1), the sign is sign n_P, and every vertex value is bounded by a σ-only "
    "constant",
    covers=NONLINEAR_POLYNOMIAL, instances=_bounded_inst, examples=10, show=_SHOW_BOUNDED,
    tags=("identity",),
)
def bounded_variant_shift(act: Activation, inst: tuple[SLP, int]) -> Evidence:
    """n = length of P (a0 = 1, at most 4 gates); the BN-SLP comes from :func:`to_bnslp`.
    The figure ``max_abs_value`` is the largest |value| or |pre-activation| on the main input
    against the σ-only bound."""
    return _check_bounded(act, inst, planted=False)


@claim_for(
    "Theorem 1.3 (bounded values)",
    "Negative control: backprop with a wrong chain-rule factor at t (id' + 1) breaks the "
    "bounded-variant gradient and its bits",
    covers=NONLINEAR_POLYNOMIAL, instances=_bounded_inst, expect="counterexample",
    control_of="gradient.bounded_variant_shift", examples=6, show=_SHOW_BOUNDED,
    refuted_on=("∂L/∂w_e∗(θ∗) = 2^{−m(2^n+1)}·n_P",),
)
def bounded_wrong_output_derivative_refuted(act: Activation, inst: tuple[SLP, int]) -> Evidence:
    return _check_bounded(act, inst, planted=True)


@claim(
    "Theorem 1.3 (bounded values)",
    "App. C as written: for a BN-SLP with a0 = 2^{−ℓ} (ℓ = its length m), bit j of n_P "
    "appears in ∂L/∂w_e∗(θ∗) shifted right by exactly ℓ positions (at j − ℓ)",
    instances=st.tuples(polynomials(2, 3, 3), slps(max_length=3)),
    status="erratum", expect="counterexample", control_of="gradient.bounded_variant_shift",
    examples=10, show=_shower("sigma", "P"),
    refuted_on=("bit j − ℓ of the gradient = bit_j(n_P)",),
)
def shift_by_l_erratum(inst: tuple[Activation, SLP]) -> Evidence:
    """The true position is j − m(2^n + 1) (Lemma A.5's 2^{−m·2^n} and the input's 2^{−m})."""
    sigma, p = inst
    n_p = ref_slp_values(p)[-1]
    bn, m, n = to_bnslp(p)
    g = bounded_bitslp_to_backprop_bit(bn, m, n, sigma, 0).instance.gradient()
    for j in range(abs(n_p.numerator).bit_length() + 1):
        check_eq(bit(g, j - m), ref_bit(n_p, j), "bit j − ℓ of the gradient = bit_j(n_P)",
                 j=j, ell=m, true_position=bounded_bit_position(j, m, n), n_P=n_p)
    return Evidence.of(m=m)


@claim(
    "Theorem 1.3 (bounded values)",
    "Bounded values and the promise gap together, with App. C's construction: the BN-SLP of "
    "Q (n_Q = 2n_P − 1), input 2^{−m} and B = b copies meet the promise |∂L/∂w_e∗(θ∗)| >= b",
    instances=st.tuples(polynomials(2, 3, 3), slps(max_length=3), st.integers(1, 6)),
    status="erratum", expect="counterexample",
    control_of="gradient.posslp_to_promise_sign_repaired", examples=10,
    show=_shower("sigma", "P", "b"),
    refuted_on=("|∂L/∂w_e∗(θ∗)| >= b with bounded values",),
)
def bounded_promise_erratum(inst: tuple[Activation, SLP, int]) -> Evidence:
    """The gradient is b·2^{−m(2^n+1)}·n_Q: far below b unless |n_Q| >= 2^{m(2^n+1)}, which
    the paper argues only in words (arXiv 2602.19017, App. C)."""
    sigma, p, b = inst
    bn, m, n = to_bnslp(repaired_slp(p))
    g = app_c(bn, sigma, copies=b).instance.gradient()
    check(g >= b or g <= -b, "|∂L/∂w_e∗(θ∗)| >= b with bounded values", g=g, b=b, m=m, n=n)
    return Evidence.of(m=m)
