"""Theorem 1.1 end to end: the promise gap (i), bounded intermediate values (ii) and the bit
index of BN-SLP outputs (arXiv 2602.19017, App. B proof of Thm 1.1, Lemma A.5, App. C).

**(i) Any fixed promise gap a < b.**  For I(P, j) of Lemma 3.2 (``spec/lemma32/``) the
minimum of L over the parameters with zero loss on the forcing samples 𝒟_a is attained at θ∗
and equals b·𝟏[bit_j(n_P) ≠ 1]; any θ that fails a forcing sample pays at least b + 1.  So
min_θ L(θ) <= a iff bit_j(n_P) = 1, and otherwise every θ has L(θ) >= b.  The claim
``theorem11.promise_gap`` says exactly which part is evaluated and which is inherited from
Claim B.1's claims.

**(ii) Bounded values.**  Compile the BN-SLP Q = I(P) of Lemma A.5 (``spec/bnslp.py``) and
feed the main input 2^{−m} (= Q's own b_0) at v_0.  At θ∗ every vertex value is bounded by a
constant of σ alone (:func:`value_bound`):

* gate vertices v_i carry b_i ∈ [−1, 1] (Lemma A.4);
* L^{(1)}_{i,r} = x + y + r (or 2x + r for a merged square), L^{(2)} = x + r, L^{(3)} = y + r
  with x, y ∈ [−1, 1] and r ∈ {0..μ}: every L lies in [−2, μ + 2];
* U = σ(L), so |U| <= S_σ := max_{z∈[−2, μ+2]} |σ(z)|; whyrelu computes a rational upper
  bound S̄_σ >= S_σ within 0.1 % of S_σ by branch and bound (Taylor bounds on subintervals,
  exact over ℚ), and the attained lower end from evaluated points;
* z_i = Σ_r λ'_r(σ(x+y+r) − σ(x+r) − σ(y+r)) = D·b_j·b_k, so |z_i| <= D;
* pre-activations equal values at id vertices and equal L at U vertices.

Hence every value and pre-activation is bounded by **C_σ := max(μ + 2, S̄_σ, D)** (which is
>= 1).  The forcing templates' values at θ∗ equal their labels, bounded by T_σ := max(μ,
|σ(0)|, |σ(α_1)|, max_{τ<=μ}|σ(τ)|, W·max(1, |Δ_σ|)) with W = max(2, max_r |λ'_r|) the
largest |w∗| (2 from merged repeated operands).

**Every number of the bounded instance** (``theorem11.bounded_every_value``).  Beyond the
main sample, the forcing samples at θ∗ have values = labels (<= T_σ), pre-activations = the
target ỹ (<= max(T_σ, μ + 1)) and inputs x_v = ỹ_v − Σ(w∗ y_u + b∗) over <= 3(μ + 1)
in-edges; with θ∗'s own |w∗| <= W, |b∗| <= μ, ONE constant K_σ := max(C_σ, Y + 3(μ+1)(W·Y +
μ)), Y = max(T_σ, μ + 1), bounds all of them (:attr:`ValueBound.sample_constant`).  The claim
runs a forward pass per forcing sample and proves the YES/NO equivalence for the bounded
instance by solving its zero-loss set exactly (Claim B.1, ``spec/lemma32/forcing.py``).

**The network's output and the bit index.**  As polynomials in the main input x at v_0, the
network of Q computes f^t = n_P·x^{2^n} (every ã_i is x^{e_i}·a_i, and P's a_i are integers).
With x = 2^{−m} the output is 2^{−m·2^n}·n_P, so digit j of n_P is digit **j − m·2^n** of
the output (and with x = 1 the network would output n_P itself, with unbounded values).  The
paper's App. C reading, "for a BN-SLP with a_0 = 2^{−ℓ} the digits shift right by exactly ℓ
positions", is registered as the erratum ``theorem11.shift_by_length_erratum``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from flint import fmpq, fmpq_poly, fmpz
from hypothesis import strategies as st

from checkers.activations import Activation
from checkers.network import Trace
from checkers.poly import coefficients
from checkers.rationals import bit, fmt
from checkers.reference import ref_bit, ref_slp_values
from checkers.slp import SLP, Gate
from spec.bnslp import BNSLP, to_bnslp
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    Evidence,
    check,
    check_eq,
    check_le,
    claim,
    claim_for,
    refuted_on,
    regime,
)
from spec.gadget import sigma_polynomial
from spec.lemma32 import (
    BUDGET_BITS,
    CompiledSLP,
    ERMInstance,
    Theta,
    Verification,
    build_instance,
    common_denominator,
    compile_slp,
    gate_polynomials,
    sigma_symmetries,
)
from strategies import integer_slps, rational_slps, rationals

__all__ = [
    "ValueBound",
    "bit_flip_theta",
    "bn_network",
    "node_value_maxima",
    "sup_abs_on_interval",
    "value_bound",
]


# --------------------------------------------------------------------------- the constant


def _taylor_bound(p: fmpq_poly, c: fmpq, h: fmpq) -> fmpq:
    """An upper bound of |p| on [c, c + h]: Σ_k |[T^k] p(c + T)|·h^k."""
    shifted = p(fmpq_poly([c, 1]))
    acc = fmpq(0)
    for k, s in enumerate(coefficients(shifted)):
        acc += abs(s) * h**k
    return acc


REL_TOL = fmpq(1, 1000)
"""Relative accuracy of S̄_σ (Theorem 1.1(ii))."""


def sup_abs_on_interval(p: fmpq_poly, lo: fmpq, hi: fmpq, *,
                        rel_tol: fmpq = REL_TOL,
                        max_steps: int = 20_000) -> tuple[fmpq, fmpq]:
    """(lower, upper) with lower <= max_{z∈[lo, hi]} |p(z)| <= upper and
    upper <= (1 + rel_tol)·lower, exactly over ℚ.

    Branch and bound: ``lower`` is the largest |p| at an evaluated point; the interval with
    the largest Taylor bound is split until that bound is within ``rel_tol`` of ``lower``.
    """
    if lo > hi:
        raise ValueError(f"empty interval [{fmt(lo)}, {fmt(hi)}]")
    lower = max(abs(p(lo)), abs(p(hi)))
    heap: list[tuple[Fraction, int, fmpq, fmpq]] = []
    tick = 0

    def push(c: fmpq, h: fmpq) -> None:
        nonlocal tick
        ub = _taylor_bound(p, c, h)
        heapq.heappush(heap, (-Fraction(int(ub.p), int(ub.q)), tick, c, h))
        tick += 1

    push(lo, hi - lo)
    for _ in range(max_steps):
        neg, _, c, h = heap[0]
        upper = fmpq(-neg.numerator, neg.denominator)
        if upper <= (1 + rel_tol) * lower:
            return lower, upper
        heapq.heappop(heap)
        half = h / 2
        mid = c + half
        lower = max(lower, abs(p(mid)))
        push(c, half)
        push(mid, half)
    neg = heap[0][0]
    return lower, fmpq(-neg.numerator, neg.denominator)


@dataclass(frozen=True)
class ValueBound:
    """The constants of Theorem 1.1(ii) for σ (see the module doc)."""

    mu: int
    D: fmpz
    lam_prime: tuple[fmpz, ...]
    sigma_sup_lower: fmpq
    sigma_sup_upper: fmpq
    alpha1: fmpq
    sigma0: fmpq
    sigma_alpha1: fmpq
    sigma_at_shifts: fmpq

    @property
    def l_range(self) -> tuple[fmpq, fmpq]:
        """[−2, μ + 2]: where every L vertex lies."""
        return fmpq(-2), fmpq(self.mu + 2)

    @property
    def constant(self) -> fmpq:
        """C_σ = max(μ + 2, S̄_σ, D): bounds every value and pre-activation on x_main."""
        return max(fmpq(self.mu + 2), self.sigma_sup_upper, fmpq(self.D))

    @property
    def max_weight(self) -> fmpq:
        """W = max(2, max_r |λ'_r|): the largest |w∗| (1/D <= 1 and 1 are smaller)."""
        return max([fmpq(2)] + [abs(fmpq(v)) for v in self.lam_prime])

    @property
    def sample_constant(self) -> fmpq:
        """K_σ := max(C_σ, Y + 3(μ+1)·(W·Y + μ)), Y := max(T_σ, μ + 1): bounds EVERY number
        of the bounded instance at θ∗ — every input coordinate, pre-activation, vertex value
        and label of every sample (main and forcing), and every |w∗|, |b∗|.

        A template's input is x_v = ỹ_v − Σ_{(u,v)} (w∗ y_u + b∗) with |ỹ_v|, |y_u| <= Y
        (labels <= T_σ, target pre-activations τ <= μ or α_1 <= μ + 1), |w∗| <= W, |b∗| <= μ
        and in-degree <= 3(μ + 1) (a z vertex); its pre-activations are ỹ and its values y
        (zero loss at θ∗).  The main sample is bounded by C_σ."""
        y = max(self.template_constant, fmpq(self.mu + 1))
        deg = 3 * (self.mu + 1)
        return max(self.constant, y + deg * (self.max_weight * y + self.mu))

    @property
    def template_constant(self) -> fmpq:
        """T_σ: bounds every forcing template's label (= its value at θ∗)."""
        delta = abs(self.sigma_alpha1 - self.sigma0)
        w = max([fmpq(2)] + [abs(fmpq(v)) for v in self.lam_prime])
        return max(fmpq(self.mu), abs(self.sigma0), abs(self.sigma_alpha1),
                   w * max(fmpq(1), delta), self.sigma_at_shifts)


SupCase = tuple[list[fmpq], fmpq, fmpq]


def _sup_cases() -> st.SearchStrategy[SupCase]:
    """Random polynomials on random intervals, and the extremal family
    ``c·(x − lo)(x − hi)·(1 + small)``: zero at both ends, so the maximum of |p| is
    interior (the case a sup taken at the endpoints misses)."""
    q = rationals(5, den_bits=3)
    ends = st.tuples(q, q).filter(lambda t: t[0] != t[1]).map(lambda t: (min(t), max(t)))
    rand = st.tuples(st.lists(q, min_size=3, max_size=6), ends).map(
        lambda t: (t[0], t[1][0], t[1][1]))

    def interior(lo_hi: tuple[fmpq, fmpq], c: fmpq, extra: list[fmpq]) -> SupCase:
        lo, hi = lo_hi
        p = fmpq_poly([-lo, 1]) * fmpq_poly([-hi, 1]) * c * fmpq_poly([1, *extra])
        return (coefficients(p), lo, hi)

    inter = st.builds(interior, ends, rationals(4, den_bits=2, nonzero=True),
                      st.lists(rationals(2, den_bits=4), max_size=2))
    return st.one_of(rand, inter)


@claim(
    "Theorem 1.1",
    "The certified sup of |p| on [lo, hi] used by Theorem 1.1(ii)'s bounds: lower <= "
    "max |p| <= upper, checked by exact real-root counting (Sturm, sympy)",
    instances=_sup_cases(), examples=25, regimes=("the maximum of |p| is interior",),
)
def sup_abs_certified(case: SupCase) -> Evidence:
    """Independent of the branch and bound: ``upper`` is valid iff neither p − (upper + δ)
    nor p + (upper + δ) has a real root in [lo, hi] (δ = 2^-30·max(upper, 1)), given
    |p(lo)| <= lower <= upper."""
    return _check_sup(case, sup_abs_on_interval)


def _endpoints_only(p: fmpq_poly, lo: fmpq, hi: fmpq) -> tuple[fmpq, fmpq]:
    m = max(abs(p(lo)), abs(p(hi)))
    return m, m


@claim(
    "Theorem 1.1",
    "Negative control: the sup of |p| taken at the endpoints only misses interior maxima",
    instances=_sup_cases(), examples=25, expect="counterexample",
    control_of="theorem11.sup_abs_certified",
)
def sup_endpoints_only_refuted(case: SupCase) -> Evidence:
    with refuted_on("|p| reaches upper + δ"):
        return _check_sup(case, _endpoints_only)


def _check_sup(case: SupCase, sup: Callable[[fmpq_poly, fmpq, fmpq],
                                             tuple[fmpq, fmpq]]) -> Evidence:
    import sympy

    coeffs, lo, hi = case
    p = fmpq_poly(coeffs)
    lower, upper = sup(p, lo, hi)
    check_le(abs(p(lo)), lower, "|p(lo)| <= lower")
    check_le(lower, upper, "lower <= upper")
    if max(abs(p(lo)), abs(p(hi))) < lower:
        regime("the maximum of |p| is interior")
    x = sympy.Symbol("x")
    sp = sympy.Poly([sympy.Rational(fmt(c)) for c in reversed(coeffs)], x)
    u = sympy.Rational(fmt(upper + max(upper, fmpq(1)) / 2**30))
    a, b = sympy.Rational(fmt(lo)), sympy.Rational(fmt(hi))
    for sign in (1, -1):
        check_eq((sp - sign * u).count_roots(a, b), 0,
                 "|p| reaches upper + δ on [lo, hi]: the certified sup is too small",
                 lower=lower, upper=upper, lo=lo, hi=hi)
    return Evidence.of(degree=len(coeffs) - 1)


def value_bound(sigma: Activation) -> ValueBound:
    """C_σ and T_σ of Theorem 1.1(ii) for σ (exact rationals)."""
    p = sigma_polynomial(sigma)
    mu = int(p.degree())
    d, _, lam_prime = common_denominator(sigma)
    lo, hi = sup_abs_on_interval(p, fmpq(-2), fmpq(mu + 2))
    s0 = p(fmpq(0))
    alpha1 = next(fmpq(t) for t in range(1, mu + 2) if p(fmpq(t)) != s0)
    shifts = max(abs(p(fmpq(t))) for t in range(mu + 1))
    return ValueBound(mu, d, tuple(lam_prime), lo, hi, alpha1, s0, p(alpha1), shifts)


# --------------------------------------------------------------------------- the network of Q


def bn_network(p: SLP, sigma: Activation) -> tuple[BNSLP, CompiledSLP]:
    """Lemma A.5 then Lemma 3.2: the network of the BN-SLP of P; its main input is
    x_main = 2^{−m}·e_{v_0} (Q's own b_0)."""
    bn = to_bnslp(p)
    return bn, compile_slp(bn.slp, sigma)


def node_value_maxima(c: CompiledSLP, trace: Trace | None = None) -> dict[str, fmpq]:
    """max |value| (and |pre-activation|) per vertex class on x_main at θ∗: gate vertices
    ``v``, ``L`` (with its minimum and maximum), ``U``, ``z``."""
    tr = trace or c.network.forward(c.x_main(), budget_bits=BUDGET_BITS)
    out = {"v": fmpq(0), "L": fmpq(0), "U": fmpq(0), "z": fmpq(0), "pre": fmpq(0),
           "L_min": fmpq(0), "L_max": fmpq(0)}
    for name, val, pre in zip(c.network.nodes, tr.val, tr.pre, strict=True):
        kind = name[0]
        out[kind] = max(out[kind], abs(val))
        out["pre"] = max(out["pre"], abs(pre))
        if kind == "L":
            out["L_min"] = min(out["L_min"], val)
            out["L_max"] = max(out["L_max"], val)
    return out


def _check_bounded(c: CompiledSLP, vb: ValueBound, values: Sequence[fmpq]) -> Evidence:
    tr = c.network.forward(c.x_main(), budget_bits=BUDGET_BITS)
    mx = node_value_maxima(c, tr)
    lo, hi = vb.l_range
    check_le(mx["v"], 1, "|f^{v_i}| <= 1 (Lemma A.4)")
    check(lo <= mx["L_min"] and mx["L_max"] <= hi, "every L lies in [−2, μ + 2]",
          L_min=mx["L_min"], L_max=mx["L_max"], mu=vb.mu)
    check_le(mx["U"], vb.sigma_sup_upper, "|f^U| <= S̄_σ >= max_{|z| in [−2, μ+2]} |σ(z)|")
    check_le(mx["z"], vb.D, "|f^{z_i}| = |D·b_j·b_k| <= D")
    for i, gad in c.gadgets.items():
        g = c.slp.gates[i - 1]
        check_eq(tr.value(gad.z), vb.D * values[g.j] * values[g.k], "f^{z_i} = D·b_j·b_k", i=i)
    worst = max(mx["v"], mx["L"], mx["U"], mx["z"], mx["pre"])
    check_le(worst, vb.constant, "every value and pre-activation <= C_σ")
    return (Evidence.of(U=mx["U"], z=mx["z"], L=mx["L"])
            .bound("node_value", worst, vb.constant))


def _check_templates_bounded(ins: ERMInstance, vb: ValueBound) -> fmpq:
    worst = max((abs(v) for v in ins.y0), default=fmpq(0))
    for t in ins.templates():
        for _, y in t.y:
            worst = max(worst, abs(y))
    check_le(worst, vb.template_constant, "forcing template values <= T_σ")
    return worst


def _bn_inst(act: Activation) -> st.SearchStrategy[tuple[SLP, int, int]]:
    return st.tuples(integer_slps(6), st.integers(-2, 24), st.integers(1, 3))


def _show_bn(inst: tuple[SLP, int, int]) -> str:
    return f"# j = {inst[1]}, b = {inst[2]}\n{inst[0].to_text()}"


@claim_for(
    "Theorem 1.1",
    "Theorem 1.1(ii): for the network of the BN-SLP Q = I(P) on the main input 2^{−m}, every "
    "value is bounded by C_σ = max(μ+2, S̄_σ, D) (v ∈ [−1,1], L ∈ [−2, μ+2], |U| <= S̄_σ, "
    "z = D·b_j·b_k); I(Q, j − m·2^n) at θ∗ has zero forcing loss, template values <= T_σ and "
    "L = b·𝟏[bit_j(n_P) ≠ 1]",
    covers=NONLINEAR_POLYNOMIAL, instances=_bn_inst, examples=25, show=_show_bn,
)
def bounded_values(act: Activation, inst: tuple[SLP, int, int]) -> Evidence:
    """P: random integer SLPs of length 1..6 (so Q has up to 32 gates and exponents 2^6).
    Figure ``node_value``: the largest |value| or |pre-activation| against C_σ; the per-class
    maxima ``U``, ``z``, ``L``.  For n <= 3 the output is also compared, as a polynomial in
    the main input x, with n_P·x^{2^n}."""
    p, j, b = inst
    vb = value_bound(act)
    bn, c = bn_network(p, act)
    values = bn.slp.evaluate()
    ev = _check_bounded(c, vb, values)
    n_p = ref_slp_values(p)[-1]
    jj = bn.bit_position(j)
    ins = build_instance(c, jj, a=0, b=b)
    ver = ins.verify(budget_bits=BUDGET_BITS)
    check(ver.forcing_ok, "θ∗ has zero forcing loss on I(Q, j − m·2^n)")
    assert ver.main_value is not None
    check_eq(Fraction(int(ver.main_value.p), int(ver.main_value.q)),
             Fraction(n_p, 2**bn.scale_exponent), "f^t_{θ∗}(2^{−m}·e_{v0}) = 2^{−m·2^n}·n_P")
    check_eq(ver.total_loss, b * (1 - ref_bit(n_p, j)),
             "L(θ∗) of I(Q, j − m·2^n) = b·𝟏[bit_j(n_P) ≠ 1]", j=j, position=jj)
    if bn.n <= 3:
        out = gate_polynomials(c)[-1]
        check_eq(out, fmpq_poly([0] * 2**bn.n + [int(n_p)]),
                 "f^t as a polynomial in the main input x is n_P·x^{2^n}")
    ev.figures["template_values"] = _check_templates_bounded(ins, vb)
    ev.figures["m"] = bn.m
    ev.figures["n"] = bn.n
    return ev


@claim_for(
    "Theorem 1.1",
    "Negative control: compiling P itself (no Lemma A.5) on its input a_0 = 1 does not keep "
    "the values below C_σ",
    covers=NONLINEAR_POLYNOMIAL, instances=_bn_inst, expect="counterexample",
    control_of="theorem11.bounded_values", examples=8, show=_show_bn, shrink_calls=40,
    refuted_on=("|f^{v_i}| <= 1 (Lemma A.4)",),
)
def unbounded_without_bnslp_refuted(act: Activation, inst: tuple[SLP, int, int]) -> Evidence:
    p, _, _ = inst
    c = compile_slp(p, act)
    return _check_bounded(c, value_bound(act), p.evaluate())


# --------------------------------------------------------------------------- every value


def _check_every_value(act: Activation, inst: tuple[SLP, int, int, int],
                       bounded: bool = True) -> Evidence:
    """Theorem 1.1(ii) in full on I(Q, j − m·2^n), Q = I(P): every number of every sample
    (forward pass per forcing sample at θ∗) and of θ∗ is <= K_σ; and the YES/NO equivalence
    holds with these bounded values, proved for the instance by solving its zero-loss set.
    ``bounded=False`` (the control) compiles P itself on a_0 = 1 instead of Q."""
    from spec.lemma32.forcing import check_zero_loss_solved

    p, j, a, b = inst
    vb = value_bound(act)
    bound = vb.sample_constant
    if bounded:
        bn, c = bn_network(p, act)
        q, position = bn.slp, bn.bit_position(j)
    else:
        c = compile_slp(p, act)
        q, position = p, j
    ins = build_instance(c, position, a=a, b=b)
    net = c.network
    names = net.nodes
    mx = node_value_maxima(c)
    main_worst = max(mx["v"], mx["L"], mx["U"], mx["z"], mx["pre"], abs(q.a0))
    check_le(main_worst, bound, "every number of the main sample (input 2^{−m}, "
             "pre-activations, values) <= the constant K_σ")
    if bounded:
        _check_bounded(c, vb, q.evaluate())
    w_star = max((abs(w) for w in c.theta_star.weights), default=fmpq(0))
    b_star = max((abs(x) for x in c.theta_star.biases), default=fmpq(0))
    check_le(max(w_star, b_star), bound, "every |w∗|, |b∗| <= K_σ")
    worst = fmpq(0)
    for t in ins.templates():
        x = ins.template_input(t)
        label = dict(zip(names, ins.y0, strict=True))
        for v, yv in t.y:
            label[names[v]] = yv
        tr = net.forward(x, budget_bits=BUDGET_BITS)
        xs = max((abs(v) for v in x.values()), default=fmpq(0))
        check_le(xs, bound, "every input coordinate of every forcing sample <= K_σ",
                 template=(t.kind, t.edge, t.tau))
        pre = max(abs(v) for v in tr.pre)
        val = max(abs(v) for v in tr.val)
        lab = max(abs(v) for v in label.values())
        check_le(max(pre, val, lab), bound, "every pre-activation, value and label of every "
                 "forcing sample <= K_σ", template=(t.kind, t.edge, t.tau))
        check(all(tr.value(n) == label[n] for n in names), "θ∗ has zero loss on the sample")
        worst = max(worst, xs, pre, val, lab)
    # YES/NO with bounded values: every θ with zero forcing loss has f^t_θ(x_main) =
    # f^t_{θ∗}(x_main) (Claim B.1 solved exactly), every other θ pays >= b + 1
    check_zero_loss_solved(act, q)
    n_p = ref_slp_values(p)[-1]
    ver = ins.verify(budget_bits=BUDGET_BITS)
    opt = min(ver.total_loss, b + 1)
    bit_j = ref_bit(n_p, j)
    check_eq(opt <= a, bit_j == 1, "OPT <= a iff bit_j(n_P) = 1", j=j, a=a, b=b, opt=opt)
    check(bit_j == 1 or opt >= b, "bit_j(n_P) = 0 ⇒ OPT >= b", j=j, b=b, opt=opt)
    return (Evidence.of(templates=ins.template_count(), label_bound_T=vb.template_constant)
            .bound("every_number", max(worst, main_worst, w_star, b_star), bound))


def _every_value_inst(act: Activation) -> st.SearchStrategy[tuple[SLP, int, int, int]]:
    return st.tuples(integer_slps(3), st.integers(0, 6), st.integers(0, 2),
                     st.integers(1, 3)).map(lambda t: (t[0], t[1], t[2], t[2] + t[3]))


def _show_every(i: tuple[SLP, int, int, int]) -> str:
    return f"# j = {i[1]}, a = {i[2]}, b = {i[3]}\n{i[0].to_text()}"


@claim_for(
    "Theorem 1.1",
    "Theorem 1.1(ii) in full: on I(Q, j − m·2^n) (Q = I(P), main input 2^{−m}) every input "
    "coordinate, pre-activation, vertex value and label of EVERY sample, and every |w∗|, "
    "|b∗|, is <= K_σ = max(C_σ, Y + 3(μ+1)(W·Y + μ)), a constant of σ alone; and with these "
    "bounded values OPT <= a iff bit_j(n_P) = 1, OPT >= b otherwise (Claim B.1 solved)",
    covers=NONLINEAR_POLYNOMIAL, instances=_every_value_inst, examples=3, show=_show_every,
)
def bounded_every_value(act: Activation, inst: tuple[SLP, int, int, int]) -> Evidence:
    """One full forward pass per forcing sample at θ∗ (P of length <= 3, so Q has <= 15
    gates).  Figure ``every_number`` against K_σ (K_σ is a crude constant: e.g. 94 for x²,
    where the largest number measured is 5; ``label_bound_T`` is T_σ for comparison)."""
    return _check_every_value(act, inst)


def _doubling_squarings(n: int) -> SLP:
    return SLP.of(1, [("+", 0, 0)] + [("*", i, i) for i in range(1, n)])


@claim_for(
    "Theorem 1.1",
    "Negative control: compiling P itself (no Lemma A.5, main input a_0 = 1), the main "
    "sample's numbers exceed K_σ (a_1 = 2, a_i = a_{i−1}², n = 6..7)",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(st.integers(6, 7).map(_doubling_squarings), st.just(0),
                                    st.just(0), st.just(1)),
    expect="counterexample", control_of="theorem11.bounded_every_value", examples=2,
    show=_show_every,
    refuted_on=("every number of the main sample (input 2^{−m}, pre-activations,",),
)
def every_value_unbounded_refuted(act: Activation, inst: tuple[SLP, int, int, int]
                                  ) -> Evidence:
    return _check_every_value(act, inst, bounded=False)


# --------------------------------------------------------------------------- the bit index


def _check_bit_index(p: SLP, shift_of: str, lowest: int) -> Evidence:
    bn = to_bnslp(p)
    out = bn.slp.value()
    n_p = ref_slp_values(p)[-1]
    top = int(abs(n_p)).bit_length()
    shift = bn.scale_exponent if shift_of == "m*2^n" else bn.m
    for j in range(lowest, top + 2):
        check_eq(bit(out, j - shift), ref_bit(n_p, j),
                 f"digit j of n_P = digit j − {shift_of} of the BN-SLP output", j=j, m=bn.m,
                 n=bn.n, n_P=n_p, output=out)
    return Evidence.of(m=bn.m, n=bn.n)


@claim(
    "Theorem 1.1",
    "Bit index for BN-SLPs: digit j of n_P is digit j − m·2^n of the output of Q = I(P) "
    "(Lemma A.5), for every j (checked for −2 <= j <= bitlen(n_P) + 1)",
    instances=integer_slps(6), examples=40, show=lambda p: p.to_text(), tags=("identity",),
)
def bit_index(p: SLP) -> Evidence:
    """The BN-SLP is evaluated exactly; n_P and its digits come from the Fraction reference."""
    return _check_bit_index(p, "m*2^n", -2)


@claim(
    "Theorem 1.1",
    "App. C's reading: for a BN-SLP with a_0 = 2^{−ℓ} (here ℓ = m, Q = I(P) of Lemma A.5) the "
    "digits of n_P appear shifted right by exactly ℓ positions",
    instances=integer_slps(6), status="erratum", expect="counterexample",
    control_of="theorem11.bit_index", examples=20, show=lambda p: p.to_text(),
    refuted_on=("digit j of n_P = digit j − m of the BN-SLP output",),
)
def shift_by_length_erratum(p: SLP) -> Evidence:
    """False: the scale is 2^{−m·2^n} (Lemma A.5), not 2^{−m} (App. C).  Only BitSLP indices
    j >= 0 are tried."""
    return _check_bit_index(p, "m", 0)


# --------------------------------------------------------------------------- (i): the gap


def bit_flip_theta(c: CompiledSLP, j: int, n_p: fmpq) -> Theta:
    """θ∗ with the bias of the first in-edge of t moved by ±2^j, so that
    |f^t(x_main)| = |n_P| + 2^j: digit j of the output flips."""
    a = c.network.arch
    t = c.network.index_of(c.output)
    e = a.in_edges[t][0]
    step = fmpq(2) ** j * (1 if n_p >= 0 else -1)
    th = c.theta_star
    return th.replace(e, bias=th.biases[e] + step)


def _orbit(c: CompiledSLP, picks: Sequence[int], delta: fmpq) -> list[Theta]:
    """Parameters in the freedom Claim B.1 leaves: a σ-symmetry on some σ-edges, and bias
    moved between two in-edges of an id vertex (same sum)."""
    out: list[Theta] = []
    syms = [s for s in sigma_symmetries(c.sigma) if s != (fmpq(1), fmpq(0))]
    es = c.sigma_edges()
    if syms and es:
        th = c.theta_star
        for pk in picks:
            w, b = syms[pk % len(syms)]
            th = th.replace(es[pk % len(es)], weight=w, bias=b)
        out.append(th)
    a = c.network.arch
    multi = [v for v in range(len(a.nodes))
             if len(a.in_edges[v]) >= 2 and not _is_sigma_vertex(c, v)]
    if multi:
        v = multi[picks[0] % len(multi)] if picks else multi[0]
        e1, e2 = a.in_edges[v][0], a.in_edges[v][1]
        th = c.theta_star
        out.append(th.replace(e1, bias=th.biases[e1] + delta)
                   .replace(e2, bias=th.biases[e2] - delta))
    return out


def _is_sigma_vertex(c: CompiledSLP, v: int) -> bool:
    act = c.network.arch.acts[v]
    return act is not None and act.traits.kind != "identity"


def _loss(ins: ERMInstance, theta: Theta | None, *, forcing: bool) -> tuple[Verification, int]:
    """(verification, lower bound of L(θ)); exact when the forcing loss is zero.  Without
    ``forcing`` (the control) the forcing samples are left out of 𝒟."""
    ver = ins.verify(theta, stop_at_first=True, budget_bits=BUDGET_BITS)
    assert ver.main_loss is not None
    if not forcing:
        return ver, ins.b * ver.main_loss
    return ver, ver.total_loss


GapInst = tuple[SLP, int, int, int, list[int], fmpq]


@st.composite
def _ending_in_product(draw: st.DrawFn, max_length: int = 5) -> SLP:
    """Integer or rational SLPs whose last gate is a product (so the network has σ-edges)."""
    p = draw(st.one_of(integer_slps(max_length - 1), rational_slps(max_length - 1)))
    n = p.length + 1
    g = Gate("*", draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1)))
    return SLP(p.a0, (*p.gates, g))


def _gap_inst(act: Activation) -> st.SearchStrategy[GapInst]:
    return st.tuples(
        _ending_in_product(5), st.integers(-4, 24), st.integers(0, 3),
        st.integers(1, 4), st.lists(st.integers(0, 10_000), min_size=1, max_size=3),
        st.integers(1, 7).map(fmpq),
    ).map(lambda t: (t[0], t[1], t[2], t[2] + t[3], t[4], t[5]))


def _show_gap(inst: GapInst) -> str:
    return f"# j = {inst[1]}, a = {inst[2]}, b = {inst[3]}\n{inst[0].to_text()}"


def _check_gap(act: Activation, inst: GapInst, *, forcing: bool) -> Evidence:
    slp, j, a, b, picks, delta = inst
    c = compile_slp(slp, act)
    ins = build_instance(c, j, a=a, b=b)
    n_p = ref_slp_values(slp)[-1]
    want_bit = ref_bit(n_p, j)
    star = ins.verify(budget_bits=BUDGET_BITS)
    check(star.forcing_ok, "θ∗ has zero loss on every forcing sample")
    assert star.main_value is not None
    check_eq(Fraction(int(star.main_value.p), int(star.main_value.q)), n_p,
             "f^t_{θ∗}(x_main) = n_P")
    opt = star.total_loss
    check_eq(opt, b * (1 - want_bit), "L(θ∗) = b·𝟏[bit_j(n_P) ≠ 1]", j=j, b=b)
    check_eq(opt <= a, want_bit == 1, "L(θ∗) <= a iff bit_j(n_P) = 1", a=a, b=b)
    zero_forcing = 0
    candidates = [("claim B.1 freedom", th) for th in _orbit(c, picks, delta)]
    candidates.append(("bit flip", bit_flip_theta(c, j, star.main_value)))
    for kind, th in candidates:
        ver, loss = _loss(ins, th, forcing=forcing)
        if forcing and ver.forcing_ok:
            zero_forcing += 1
            assert ver.main_value is not None
            check_eq(ver.main_value, star.main_value,
                     "zero forcing loss ⇒ f^t_θ(x_main) = n_P", kind=kind)
            check_eq(loss, opt, "zero forcing loss ⇒ L(θ) = L(θ∗)", kind=kind)
        elif forcing:
            check_le(b + 1, loss, "a failing forcing sample costs >= b + 1", kind=kind)
        if want_bit == 0:
            check_le(b, loss, "bit_j(n_P) = 0 ⇒ L(θ) >= b for every θ", kind=kind, a=a, b=b,
                     j=j, loss=loss)
        else:
            check_le(opt, loss, "L(θ∗) is minimal", kind=kind)
    return Evidence.of(candidates=len(candidates), zero_forcing_candidates=zero_forcing,
                       bit_one=want_bit, bit_zero=1 - want_bit)


@claim_for(
    "Theorem 1.1",
    "Theorem 1.1(i), any fixed gap a < b: min over θ with zero forcing loss of L on I(P, j) "
    "is L(θ∗) = b·𝟏[bit_j(n_P) ≠ 1], so OPT <= a iff bit_j(n_P) = 1 and OPT >= b otherwise "
    "(reduced to θ∗ by Claim B.1)",
    covers=NONLINEAR_POLYNOMIAL, instances=_gap_inst, examples=40, show=_show_gap,
    tags=("identity",),
)
def promise_gap(act: Activation, inst: GapInst) -> Evidence:
    """Checked exactly here, for each drawn (P, j, a, b): θ∗ has zero loss on every forcing
    sample of I(P, j); f^t_{θ∗}(x_main) = n_P (Fraction reference); L(θ∗) = b·𝟏[bit_j(n_P) ≠
    1], hence L(θ∗) <= a iff bit_j(n_P) = 1; for parameters in the freedom Claim B.1 leaves
    (the σ-symmetries of σ put on random σ-edges, and bias moved between two in-edges of an id
    vertex) zero forcing loss implies f^t_θ(x_main) = n_P and L(θ) = L(θ∗), and non-zero
    forcing loss costs >= b + 1; the adversarial θ that flips digit j of the output (bias
    ±2^j into t) pays >= b + 1 on the forcing samples, so when bit_j(n_P) = 0 every evaluated
    θ has L(θ) >= b.

    Inherited (not re-proved here): that *every* θ with zero forcing loss has
    f^t_θ(x_main) = n_P, which is Claim B.1 plus induction over the gates —
    ``slp_network.zero_loss_forces`` (Claim B.1's conclusions on perturbed θ),
    ``identity_edge_forcing`` and ``sigma_edge_forcing`` (both directions of B.1(1), B.1(2)),
    ``sigma_symmetries_exact``/``sigma_symmetries_random`` (the σ-symmetries equal sympy's
    solution set) and ``claim_b1_xu_zero`` (a σ-symmetry keeps f^U = σ(f^L) on inputs with
    x_U = 0, such as x_main).  With it, min over zero-forcing θ is L(θ∗), and min over all θ
    is min(L(θ∗), >= b + 1)."""
    return _check_gap(act, inst, forcing=True)


@claim_for(
    "Theorem 1.1",
    "Negative control: without the forcing samples 𝒟_a, a θ that flips digit j of the output "
    "reaches loss 0 although bit_j(n_P) = 0",
    covers=NONLINEAR_POLYNOMIAL, instances=_gap_inst, expect="counterexample",
    control_of="theorem11.promise_gap", examples=10, show=_show_gap, shrink_calls=40,
    refuted_on=("bit_j(n_P) = 0 ⇒ L(θ) >= b for every θ",),
)
def gap_without_forcing_refuted(act: Activation, inst: GapInst) -> Evidence:
    return _check_gap(act, inst, forcing=False)

