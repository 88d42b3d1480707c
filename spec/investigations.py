"""Statements of the paper settled by a claim: each either holds (a theorem claim) or is
registered in the paper's wording as an ``erratum`` claim that the smallest counterexample
refutes (the exhaustive ones enumerate their domain shortest first, so the counterexample
reported is the first in that order).  docs/errata.md explains each.

* Remark B.3: "the optimum per copy is max{0, 1 − n_Q}" (erratum: an adversary failing a few
  forcing samples can be cheaper) and "any optimizer equals θ∗" (erratum: bias splits);
* Lemma 3.2's proof: "θ∗ the unique optimum" (erratum: bias splits; unique up to Claim B.1's
  freedom, which ``slp_network.zero_loss_solved_exhaustive`` pins exactly);
* the remark after Lemma A.5: the hard digit among the first n bits after the binary point
  (erratum: those bits are 0, the digit sits at j − m·2^n);
* App. E: "summing over the n samples adds at most log n bits" (erratum for rationals with
  different denominators; true over a common denominator);
* Remark 1.5 / after Theorem 1.4 without clipping (erratum: rounding to K fractional bits
  alone lets values grow doubly exponentially with depth);
* Definition 4.1's j ∈ ℕ for bounded values (erratum: the bounded gradient is < 1 in
  absolute value, every bit j ∈ ℕ is 0; the reduction needs j < 0);
* Definition 4.2 at b = 0 (erratum: gradient 0 is both YES and NO).
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil, gcd, log2

from flint import fmpq
from hypothesis import strategies as st

from checkers.activations import parse_activation
from checkers.rationals import bit, size
from checkers.reference import ref_slp_values
from checkers.slp import SLP
from spec.bnslp import all_integer_slps, to_bnslp
from spec.claims import Evidence, check, check_le, claim
from spec.lemma32 import build_instance, compile_slp
from spec.lemma32.network import CompiledSLP, Theta
from spec.remarks_b import HingeInstance, hinge_instance
from spec.theorem13.backprop import app_c
from spec.theorem13.reductions import bounded_bitslp_to_backprop_bit
from spec.theorem13.reductions import to_bnslp as bn_triple

CLAIM_NAMESPACE = "investigate"

_X2 = parse_activation("x^2")


def _show_slp(p: SLP) -> str:
    return p.to_text()


# --------------------------------------------------------------------------- Remark B.3


def hinge_adversaries(hi: HingeInstance) -> list[tuple[str, Theta]]:
    """θ∗ with the weight of one in-edge (u, t) of the output changed so that f^t(x_main) = 1
    (hinge 0 on the main copies); only forcing samples with y_u ≠ 0 can notice."""
    c = hi.compiled
    a = c.network.arch
    t = c.network.index_of(c.output)
    tr = c.network.forward(c.x_main())
    n_q = tr.val[t]
    out = []
    for e in a.in_edges[t]:
        fu = tr.val[a.src[e]]
        if fu != 0:
            w = c.theta_star.weights[e] + (1 - n_q) / fu
            out.append((f"w[{a.nodes[a.src[e]]}->{c.output}] = {w}",
                        c.theta_star.replace(e, weight=w)))
    return out


@claim(
    "Remark B.3",
    "Remark B.3 as written: the optimum of the hinge instance is b·max{0, 1 − n_Q} per "
    "its b copies (no θ is cheaper than θ∗) — for EVERY SLP (a_0 = 1) of length ≤ 3, b = 1",
    instances=st.sampled_from(all_integer_slps(3)), status="erratum", expect="counterexample",
    control_of="remarks_b.hinge_posslp", exhaustive="SLPs (a_0 = 1) of length ≤ 3, b = 1",
    show=_show_slp,
    refuted_on=("no θ is cheaper than θ∗ (OPT = b·max{0, 1 − n_Q})",),
)
def hinge_optimum_erratum(p: SLP) -> Evidence:
    """Refuted (smallest in the enumeration): a_1 = a_0 + a_0, a_2 = a_0 + a_1, a_3 = a_0 − a_2
    (n_P = −2, n_Q = −5): θ∗ pays 1 − n_Q = 6, while w = −1/2 on the edge (v_4, v_5) puts
    f^t(x_main) at 1 and fails two forcing samples, paying 2·(b + 1) = 4.  In general, when
    n_Q is very negative, θ∗ pays b(1 − n_Q), while changing the weight of
    an in-edge of t so that f^t(x_main) = 1 fails only the few forcing samples that see that
    edge's source, paying (b + 1)·(their number).  The dichotomy OPT ∈ {0} ∪ [2, ∞) survives
    (every such θ pays >= b + 1 >= 2: ``remarks_b.hinge_posslp``)."""
    hi = hinge_instance(p, _X2, b=1)
    star = hi.loss_at()
    for desc, th in hinge_adversaries(hi):
        loss = hi.loss_at(th)
        check_le(star, loss, "no θ is cheaper than θ∗ (OPT = b·max{0, 1 − n_Q})",
                 theta=desc, loss_theta_star=star, loss_theta=loss,
                 n_Q=ref_slp_values(hi.compiled.slp)[-1])
    return Evidence.of(loss_theta_star=star)


def bias_split(c: CompiledSLP, delta: int = 1) -> Theta | None:
    """θ∗ with bias δ moved between the first two in-edges of the first id vertex that has
    two (same bias sum: Claim B.1's freedom), or None."""
    a = c.network.arch
    for v in range(len(a.nodes)):
        act = a.acts[v]
        if len(a.in_edges[v]) >= 2 and (act is None or act.traits.kind == "identity"):
            e1, e2 = a.in_edges[v][0], a.in_edges[v][1]
            th = c.theta_star
            return (th.replace(e1, bias=th.biases[e1] + delta)
                    .replace(e2, bias=th.biases[e2] - delta))
    return None


def _lowest_set_bit(n: Fraction) -> int:
    k = abs(n.numerator)
    return (k & -k).bit_length() - 1


@claim(
    "Lemma 3.2",
    "Lemma 3.2's proof as written: θ∗ is THE unique optimum of I(P, j) (here j = the lowest "
    "set bit of n_P, so L(θ∗) = 0) — for every SLP (a_0 = 1) of length ≤ 2",
    instances=st.sampled_from(all_integer_slps(2)), status="erratum", expect="counterexample",
    control_of="slp_network.zero_loss_solved_exhaustive",
    exhaustive="SLPs (a_0 = 1) of length ≤ 2", show=_show_slp,
    refuted_on=("every θ with L(θ) = OPT equals θ∗",),
)
def unique_optimum_erratum(p: SLP) -> Evidence:
    """Refuted by moving bias between two in-edges of one id vertex: same bias sum, same
    loss 0, a different θ.  Corrected: θ∗ is unique up to bias splits at id vertices and
    σ-symmetries (Claim B.1), which ``slp_network.zero_loss_solved_exhaustive`` proves."""
    n_p = ref_slp_values(p)[-1]
    if n_p == 0:
        return Evidence.of(skipped=1)
    c = compile_slp(p, _X2)
    ins = build_instance(c, _lowest_set_bit(n_p))
    check(ins.verify().total_loss == 0, "L(θ∗) = 0 = OPT")
    other = bias_split(c)
    if other is not None:
        same = ins.verify(other).total_loss == 0
        check(not same, "every θ with L(θ) = OPT equals θ∗", theta="θ∗ with a bias split")
    return Evidence.of(skipped=0)


@claim(
    "Remark B.3",
    "Remark B.3 as written: any optimizer of the hinge instance equals θ∗ (n_P > 0, OPT = 0) — "
    "for every SLP (a_0 = 1) of length ≤ 2",
    instances=st.sampled_from(all_integer_slps(2)), status="erratum", expect="counterexample",
    control_of="slp_network.zero_loss_solved_exhaustive",
    exhaustive="SLPs (a_0 = 1) of length ≤ 2", show=_show_slp,
    refuted_on=("every θ with L(θ) = OPT equals θ∗",),
)
def hinge_unique_optimizer_erratum(p: SLP) -> Evidence:
    """Refuted already by P = (a_0) (n_P = 1): Q's last gate a_2 = a_1 − a_0 has two
    in-edges, and a bias split keeps the hinge loss 0."""
    if ref_slp_values(p)[-1] <= 0:
        return Evidence.of(skipped=1)
    hi = hinge_instance(p, _X2, b=1)
    check(hi.loss_at() == 0, "L(θ∗) = 0 = OPT")
    other = bias_split(hi.compiled)
    if other is not None:
        check(hi.loss_at(other) != 0, "every θ with L(θ) = OPT equals θ∗",
              theta="θ∗ with a bias split")
    return Evidence.of(skipped=0)


# --------------------------------------------------------------------------- Lemma A.5 remark


@claim(
    "Lemma A.5",
    "The remark after Lemma A.5 as written: the digits of n_P can be read among the first n "
    "bits after the binary point of the BN-SLP's output — for every SLP (a_0 = 1) of length "
    "1..2 with n_P ≠ 0",
    instances=st.sampled_from([p for p in all_integer_slps(2) if p.length >= 1]),
    status="erratum", expect="counterexample", control_of="theorem11.bit_index",
    exhaustive="SLPs (a_0 = 1) of length 1..2", show=_show_slp,
    refuted_on=("the top digit of n_P lies among the first n bits after the point",),
)
def first_n_bits_erratum(p: SLP) -> Evidence:
    """Refuted by a_1 = a_0 + a_0 (n = 1, n_P = 2, m = 2): the output is 2/2^4 = 1/8, digit 1
    of n_P sits at position 1 − 4 = −3, and the first n = 1 bit after the point is 0.  In
    general the top digit sits at bitlen(n_P) − 1 − m·2^n <= −n − 1."""
    n_p = ref_slp_values(p)[-1]
    if n_p == 0:
        return Evidence.of(skipped=1)
    bn = to_bnslp(p)
    top = abs(n_p.numerator).bit_length() - 1
    pos = bn.bit_position(top)
    check(bit(bn.slp.value(), pos) == 1, "the top digit of n_P is at j − m·2^n (sanity)")
    check(pos >= -bn.n, "the top digit of n_P lies among the first n bits after the point",
          n=bn.n, m=bn.m, position=pos, n_P=n_p)
    return Evidence.of(skipped=0)


# --------------------------------------------------------------------------- App. E sums


def _small_rationals() -> list[Fraction]:
    out = {Fraction(p, q) for q in range(1, 6) for p in range(-4, 5) if gcd(p, q) == 1}
    return sorted(out, key=lambda x: (size(fmpq(x.numerator, x.denominator)), x))


def _size(x: Fraction) -> int:
    return size(fmpq(x.numerator, x.denominator))


def _sums() -> list[tuple[Fraction, ...]]:
    rs = _small_rationals()
    pairs = [(x, y) for i, x in enumerate(rs) for y in rs[i:]]
    triples = [(x, y, z) for i, x in enumerate(rs[:9]) for j, y in enumerate(rs[i:9], i)
               for z in rs[j:9]]
    out = pairs + triples
    return sorted(out, key=lambda t: (max(_size(x) for x in t), len(t), t))


@claim(
    "Theorem E.1",
    "App. E as written: summing n per-sample terms adds at most ⌈log₂ n⌉ bits, "
    "size(Σ x_i) <= max size(x_i) + ⌈log₂ n⌉ — for every pair and triple of rationals p/q "
    "with |p| <= 4, q <= 5",
    instances=st.sampled_from(_sums()), status="erratum", expect="counterexample",
    control_of="investigate.sum_over_common_denominator",
    exhaustive="pairs and triples of p/q, |p| ≤ 4, q ≤ 5", show=repr,
    refuted_on=("size(Σ x_i) <= max size(x_i) + ⌈log₂ n⌉",),
)
def sum_log_n_erratum(xs: tuple[Fraction, ...]) -> Evidence:
    """Refuted, first in the enumeration, by −3 + (−1/2) = −7/2 (sizes 3, 3 → 5 > 3 + 1);
    also 1/2 + 1/3 = 5/6 (sizes 3, 3 → 6): different denominators multiply.  Corrected
    (``sum_over_common_denominator``): over a common denominator the
    numerator grows by at most ⌈log₂ n⌉ bits."""
    total = sum(xs, Fraction(0))
    check_le(_size(total), max(_size(x) for x in xs) + ceil(log2(len(xs))),
             "size(Σ x_i) <= max size(x_i) + ⌈log₂ n⌉", terms=[str(x) for x in xs],
             total=str(total))
    return Evidence()


@claim(
    "Theorem E.1",
    "Summing over n samples, corrected: over a common denominator Q of the terms, the "
    "numerator of Σ x_i has at most max bitlen(numerators over Q) + ⌈log₂ n⌉ bits — for every "
    "pair and triple of rationals p/q with |p| <= 4, q <= 5",
    instances=st.sampled_from(_sums()), exhaustive="pairs and triples of p/q, |p| ≤ 4, q ≤ 5",
    show=repr,
)
def sum_over_common_denominator(xs: tuple[Fraction, ...]) -> Evidence:
    q = 1
    for x in xs:
        q = q * x.denominator // gcd(q, x.denominator)
    nums = [x.numerator * (q // x.denominator) for x in xs]
    check_le(abs(sum(nums)).bit_length(), max(abs(n).bit_length() for n in nums)
             + ceil(log2(len(xs))), "bitlen|Σ p_i| <= max bitlen|p_i| + ⌈log₂ n⌉ over Q",
             terms=[str(x) for x in xs])
    return Evidence()


@claim(
    "Theorem E.1",
    "Negative control: over a common denominator the numerator can grow by ⌈log₂ n⌉ bits, "
    "not fewer (bitlen|Σ p_i| <= max bitlen|p_i| fails)",
    instances=st.sampled_from(_sums()), expect="counterexample",
    control_of="investigate.sum_over_common_denominator", examples=50, show=repr,
    refuted_on=("bitlen|Σ p_i| <= max bitlen|p_i|",),
)
def sum_without_log_n_refuted(xs: tuple[Fraction, ...]) -> Evidence:
    q = 1
    for x in xs:
        q = q * x.denominator // gcd(q, x.denominator)
    nums = [x.numerator * (q // x.denominator) for x in xs]
    check_le(abs(sum(nums)).bit_length(), max(abs(n).bit_length() for n in nums),
             "bitlen|Σ p_i| <= max bitlen|p_i|", terms=[str(x) for x in xs])
    return Evidence()


# --------------------------------------------------------------------------- Remark 1.5


def unclipped_chain(x: fmpq, k: int, depth: int) -> list[fmpq]:
    """z ↦ ⌊2^K z²⌋/2^K applied ``depth`` times (rounding to K fractional bits, no clip)."""
    out = [x]
    scale = 2**k
    for _ in range(depth):
        z = out[-1] ** 2
        out.append(fmpq(int((z * scale).floor()), scale))
    return out


@claim(
    "Remark 1.5",
    "Remark 1.5 / after Theorem 1.4 WITHOUT clipping: with φ_K = rounding x² to K = 2 "
    "fractional bits, the values of a depth-d chain on input 2 stay polynomial, size <= "
    "(d + K + size(x))², for every d <= 12",
    instances=st.sampled_from(list(range(1, 13))), status="erratum", expect="counterexample",
    control_of="bit_bounded.sizes_capped", exhaustive="depths 1..12", show=repr,
    refuted_on=("size of every value <= (d + K + size(x))² without clipping",),
)
def unclipped_rounding_erratum(depth: int) -> Evidence:
    """Refuted at d = 8: the value is 2^{2^8}, of size 258 > (8 + 2 + 3)² = 169.  Sizes are
    2^d + 2, exponential in d while the instance grows linearly in d, so no polynomial
    bound survives; with clipping (condition (2)) they are capped
    (``bit_bounded.sizes_capped``)."""
    x = fmpq(2)
    vals = unclipped_chain(x, 2, depth)
    worst = max(size(v) for v in vals)
    check_le(worst, (depth + 2 + size(x)) ** 2,
             "size of every value <= (d + K + size(x))² without clipping", depth=depth,
             value_size=worst)
    return Evidence.of(value_size=worst)


# --------------------------------------------------------------------------- Definitions 4.1, 4.2


@claim(
    "Definition 4.1",
    "Definition 4.1 with j ∈ ℕ for the bounded-value half of Theorem 1.3: the bounded "
    "reduction (App. C on the BN-SLP, a_0 = 2^{−m}) reads the top digit of n_P at an index "
    "j ∈ ℕ — for every SLP (a_0 = 1) of length 1..2 with n_P ≠ 0",
    instances=st.sampled_from([p for p in all_integer_slps(2) if p.length >= 1]),
    status="erratum", expect="counterexample", control_of="gradient.bounded_variant_shift",
    exhaustive="SLPs (a_0 = 1) of length 1..2", show=_show_slp,
    refuted_on=("the bit index lies in ℕ",),
)
def bit_index_in_n_erratum(p: SLP) -> Evidence:
    """Refuted by a_1 = a_0 + a_0: the gradient is 2^{−6}·2 = 1/32 < 1, so every bit j ∈ ℕ
    of it is 0; digit 1 of n_P = 2 is at j = −5.  Backprop-Bit needs j ∈ ℤ there."""
    n_p = ref_slp_values(p)[-1]
    if n_p == 0:
        return Evidence.of(skipped=1)
    bn, m, n = bn_triple(p)
    top = abs(n_p.numerator).bit_length() - 1
    red = bounded_bitslp_to_backprop_bit(bn, m, n, _X2, top)
    g = red.instance.gradient()
    check(red.answer(), "the reduction reads the top digit (a 1) (sanity)")
    check(red.j >= 0, "the bit index lies in ℕ", j=red.j, gradient=g, m=m, n=n)
    return Evidence.of(skipped=0)


def _promise_domain() -> list[tuple[int, SLP]]:
    return [(b, p) for b in (0, 1) for p in all_integer_slps(1)]


@claim(
    "Definition 4.2",
    "Definition 4.2 with b ∈ ℕ: the YES region (∂L/∂w_e∗ >= b) and the NO region "
    "(∂L/∂w_e∗ <= −b) are disjoint — for b ∈ {0, 1} and App. C on every SLP of length ≤ 1",
    instances=st.sampled_from(_promise_domain()), status="erratum", expect="counterexample",
    control_of="gradient.posslp_to_promise_sign_repaired",
    exhaustive="b ∈ {0, 1} × SLPs (a_0 = 1) of length ≤ 1",
    show=lambda i: f"# b = {i[0]}\n{i[1].to_text()}",
    refuted_on=("no gradient is both YES and NO",),
)
def promise_b_zero_erratum(inst: tuple[int, SLP]) -> Evidence:
    """Refuted at b = 0 by a_1 = a_0 − a_0 (n_P = 0): the gradient 0 is both >= 0 and <= 0.
    The engine's PromiseBackpropSign therefore requires b >= 1."""
    b, p = inst
    g = app_c(p, _X2, copies=max(b, 1)).instance.gradient()
    check(not (g >= b and g <= -b), "no gradient is both YES and NO", b=b, gradient=g)
    return Evidence()


# --------------------------------------------------------------------------- App. C partials


def _app_c_partials(p: SLP, copies: int, *, only_w: bool) -> Evidence:
    appc = app_c(p, _X2, copies=copies)
    inst = appc.instance
    g = inst.network.gradient(inst.samples(), inst.loss)
    n_p = ref_slp_values(p)[-1]
    e_star = inst.edge
    a0 = appc.a0
    check(g.grad_w[e_star] == copies * a0 * fmpq(n_p.numerator, n_p.denominator),
          "∂L/∂w_e∗(θ∗) = B·a_0·n_P")
    for e, (u, v) in enumerate(inst.network.edges):
        if e == e_star:
            if only_w:
                check(g.grad_b[e] == 0, "every partial derivative except ∂L/∂w_e∗ is 0",
                      partial=f"d/db {u}->{v}", value=g.grad_b[e])
            else:
                check(g.grad_b[e] == copies * a0, "∂L/∂b_e∗(θ∗) = B·a_0", value=g.grad_b[e])
            continue
        check(g.grad_w[e] == 0 and g.grad_b[e] == 0,
              "every other partial derivative is 0 (w_e∗ = 0 blocks the backward signal)",
              edge=f"{u}->{v}", dw=g.grad_w[e], db=g.grad_b[e])
    return Evidence.of(edges=len(inst.network.edges))


def _partials_domain() -> list[tuple[SLP, int]]:
    return [(p, b) for p in all_integer_slps(2) for b in (1, 2)]


@claim(
    "App. C",
    "App. C at θ∗: ∂L/∂w_e∗ = B·a_0·n_P, ∂L/∂b_e∗ = B·a_0 (not 0), and every other partial "
    "derivative is 0 — for every SLP (a_0 = 1) of length ≤ 2 and B ∈ {1, 2}",
    instances=st.sampled_from(_partials_domain()), exhaustive="SLPs (a_0 = 1) of length ≤ 2 "
    "× B ∈ {1, 2}", show=lambda i: f"# B = {i[1]}\n{i[0].to_text()}",
)
def app_c_partials(inst: tuple[SLP, int]) -> Evidence:
    """L = (B/2)(w_e∗ n_P + b_e∗ + a_0)², so ∂L/∂b_e∗ = B(w_e∗ n_P + b_e∗ + a_0) = B·a_0 at
    θ∗; upstream, the backward signal is multiplied by w_e∗ = 0."""
    return _app_c_partials(*inst, only_w=False)


@claim(
    "App. C",
    "Negative control (the former wording of docs/gradient.md): every partial derivative "
    "other than ∂L/∂w_e∗ is 0 at θ∗ — refuted by ∂L/∂b_e∗ = B·a_0",
    instances=st.sampled_from(_partials_domain()), expect="counterexample",
    control_of="investigate.app_c_partials", examples=5,
    show=lambda i: f"# B = {i[1]}\n{i[0].to_text()}",
    refuted_on=("every partial derivative except ∂L/∂w_e∗ is 0",),
)
def app_c_other_partials_zero_refuted(inst: tuple[SLP, int]) -> Evidence:
    return _app_c_partials(*inst, only_w=True)


# --------------------------------------------------------------------------- App. C's a < b


def _gap_domain() -> list[tuple[int, int, SLP]]:
    gaps = [(a, b) for a in range(-3, 3) for b in range(a + 1, 4)]
    return [(a, b, p) for p in all_integer_slps(2) for a, b in gaps]


def _check_general_gap(inst: tuple[int, int, SLP], copies_of: str) -> Evidence:
    from spec.theorem13.reductions import repaired_slp

    a, b, p = inst
    copies = max(abs(a), abs(b), 1) if copies_of == "max" else 1
    g = app_c(repaired_slp(p), _X2, copies=copies).instance.gradient()
    n_p = ref_slp_values(p)[-1]
    if n_p > 0:
        check(g >= b, "n_P > 0 ⇒ ∂L/∂w_e∗ >= b (YES side of the gap a < b)", a=a, b=b,
              gradient=g, copies=copies)
    else:
        check(g <= a, "n_P <= 0 ⇒ ∂L/∂w_e∗ <= a (NO side of the gap a < b)", a=a, b=b,
              gradient=g, copies=copies)
    return Evidence.of(copies=copies)


@claim(
    "App. C",
    "App. C's 'any fixed promise gap a < b' follows from Definition 4.2's symmetric ±b: with "
    "n_Q = 2n_P − 1 and B = max(|a|, |b|, 1) copies, n_P > 0 ⇒ ∂L/∂w_e∗ >= b and n_P <= 0 ⇒ "
    "∂L/∂w_e∗ <= a — for every integer gap −3 <= a < b <= 3 and SLP of length ≤ 2",
    instances=st.sampled_from(_gap_domain()), exhaustive="−3 ≤ a < b ≤ 3 × SLPs (a_0 = 1) of "
    "length ≤ 2", show=lambda i: f"# a = {i[0]}, b = {i[1]}\n{i[2].to_text()}",
)
def general_gap_from_symmetric(inst: tuple[int, int, SLP]) -> Evidence:
    """The gradient is B·n_Q with |n_Q| >= 1, so it is >= B >= b or <= −B <= a."""
    return _check_general_gap(inst, "max")


@claim(
    "App. C",
    "Negative control: with B = 1 copy the gradient ±|n_Q| misses a gap whose b exceeds it",
    instances=st.sampled_from(_gap_domain()), expect="counterexample",
    control_of="investigate.general_gap_from_symmetric", examples=60,
    show=lambda i: f"# a = {i[0]}, b = {i[1]}\n{i[2].to_text()}",
    refuted_on=("n_P > 0 ⇒ ∂L/∂w_e∗ >= b (YES side of the gap a < b)",),
)
def general_gap_one_copy_refuted(inst: tuple[int, int, SLP]) -> Evidence:
    return _check_general_gap(inst, "one")
