"""Remarks B.3 (hinge loss ⇒ PosSLP-hardness) and B.2 (one-dimensional data via a centred L2
regulariser), arXiv 2602.19017, App. B.

**Remark B.3** (:func:`posslp_program`, :class:`HingeInstance`).  For an SLP P with a_0 = 1
the program Q appends a_{ℓ+1} = a_ℓ + a_ℓ and a_{ℓ+2} = a_{ℓ+1} − a_0, so n_Q = 2n_P − 1 ≠ 0:
n_P > 0 ⇔ n_Q >= 1 and n_P <= 0 ⇔ n_Q <= −1.  The instance is Lemma 3.2's network for Q with
its forcing samples (multiplicity b + 1, exact-match 0/1 loss) and b copies of the main
sample (x_main, +1) under the hinge loss max{0, 1 − y·f^t}.  At θ∗ each copy costs
max{0, 1 − n_Q}: 0 when n_P > 0 and >= 2 when n_P <= 0; by Claim B.1 every θ with zero
forcing loss has the same main loss, and any other θ pays >= b + 1.  So OPT = 0 when n_P > 0
and OPT >= min(2b, b + 1) >= 2 when n_P <= 0.

**Remark B.2** (:class:`RegularisedInstance`).  Same network, scalar input a_0 at v_0 and
scalar output f^t, the single-bit loss replicated b times, plus λ‖θ − θ∗‖²₂ with λ = 2^M:

    R(θ) = b·𝟏[bit_j(f^t_θ(a_0)) ≠ 1] + 2^M·Σ_e ((w_e − w∗_e)² + (b_e − b∗_e)²).

What is exact: R(θ∗) = b·𝟏[bit_j(n_P) ≠ 1]; and the separation the remark relies on, made
precise: if every entry of θ has size <= K and θ ≠ θ∗, some entry differs from θ∗'s by at
least 1/(q·q∗) with q < 2^{K−1} and q∗ <= Q∗ (the largest denominator in θ∗), so with

    M_K := 2(K − 1) + 2·bitlen(Q∗) + bitlen(b)                        (:func:`separating_exponent`)

the penalty is >= 2^{bitlen(b)} >= b.  M_K ≈ 2K exceeds K, so λ = 2^{M_K} must be given by
its exponent (O(log K) bits); written in binary it has M + 1 bits and every budget
C_1·|I|^{C_2} >= |I| > M.  Then moving a **zero** entry of θ∗ to 2^{−s},
s = ⌊M/2⌋ + 1, adds only s + 1 bits yet costs 2^{M−2s} < 1 <= b; for a program that amplifies
the change (a_1 = a_0 + a_0 followed by squarings) it flips a digit of the output, so R(θ) < b
although bit_j(n_P) = 0 (``remarks_b.binary_lambda_erratum``).  The rest of the remark stays
informal: R is not of the form Σ_i ℒ(f_θ(x_i), y_i) required by ERM_bit (§2), and no claim
here proves that θ∗ minimises R over *all* feasible θ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from flint import fmpq
from hypothesis import strategies as st

from checkers.activations import Activation
from checkers.errors import DataError
from checkers.losses import HINGE, Loss
from checkers.network import Network, Sample
from checkers.rationals import bit, size
from checkers.reference import ref_bit, ref_slp_values
from checkers.slp import SLP, Gate
from spec.bnslp import NotIntegerSLPError
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    Evidence,
    as_fraction,
    check,
    check_eq,
    check_le,
    claim_for,
    regime,
)
from spec.lemma32 import (
    BUDGET_BITS,
    CompiledSLP,
    ERMInstance,
    Theta,
    build_instance,
    compile_slp,
    sigma_symmetries,
)
from strategies import integer_slps, rational_slps, rationals

__all__ = [
    "HingeInstance",
    "RegularisedInstance",
    "amplifying_program",
    "encoding_size",
    "hinge_instance",
    "hinge_or_match_loss",
    "posslp_program",
    "separating_exponent",
]




# =========================================================================== Remark B.3


def posslp_program(p: SLP) -> SLP:
    """Q with n_Q = 2n_P − 1 (Remark B.3): a_{ℓ+1} = a_ℓ + a_ℓ, a_{ℓ+2} = a_{ℓ+1} − a_0.

    Raises :class:`~spec.bnslp.NotIntegerSLPError` unless a_0 = 1 (n_P must be an integer).
    """
    if not isinstance(p, SLP):
        raise DataError(f"expected an SLP, got {type(p).__name__}")
    if p.a0 != 1:
        raise NotIntegerSLPError(f"Remark B.3 needs a0 = 1 (integer n_P), got a0 = {p.a0}")
    n = p.length
    return SLP(p.a0, (*p.gates, Gate("+", n, n), Gate("-", n + 1, 0)))


def hinge_or_match_loss(network: Network, target: str) -> Loss:
    """The loss of Remark B.3 over labels (y ∈ ℚ^V, flag): flag 0 (forcing) 𝟏[ŷ ≠ y]; flag 1
    (main) the hinge max{0, 1 − y_t·ŷ_t} at the target t."""
    outputs = list(network.outputs)
    t = outputs.index(target)
    n = len(outputs)

    def value(u: Sequence[fmpq], label: Sequence[fmpq]) -> fmpq:
        if len(label) != n + 1:
            raise DataError(f"hinge instance: label of length {len(label)}, expected {n + 1}")
        if label[n] == 1:
            return HINGE.value([u[t]], [label[t]])
        if label[n] == 0:
            return fmpq(0 if all(a == c for a, c in zip(u, label[:n], strict=True)) else 1)
        raise DataError(f"hinge instance: flag must be 0 or 1, got {label[n]}")

    return Loss(f"hinge_or_match(t={target})", value, None)


@dataclass
class HingeInstance:
    """Remark B.3's instance for Q = :func:`posslp_program` (P): Lemma 3.2's forcing samples
    (multiplicity b + 1) and b copies of (x_main, +1) under the hinge loss."""

    forcing: ERMInstance
    loss: Loss

    @property
    def compiled(self) -> CompiledSLP:
        return self.forcing.compiled

    @property
    def b(self) -> int:
        return self.forcing.b

    def main_sample(self) -> Sample:
        """(x_main, (+1 at t, flag 1))."""
        net = self.compiled.network
        label = [fmpq(0)] * len(net.nodes) + [fmpq(1)]
        label[net.index_of(self.compiled.output)] = fmpq(1)
        return Sample(dict(self.compiled.x_main()), tuple(label))

    def samples(self) -> list[tuple[Sample, int]]:
        """Every distinct sample with its multiplicity (materialised)."""
        out = [(s, m) for s, m in self.forcing.samples() if s.y[-1] == 0]
        return [*out, (self.main_sample(), self.b)]

    def loss_at(self, theta: Theta | None = None, *, stop_at_first: bool = False) -> fmpq:
        """L(θ) (a lower bound with ``stop_at_first`` when a forcing sample fails)."""
        ver = self.forcing.verify(theta, stop_at_first=stop_at_first, budget_bits=BUDGET_BITS)
        assert ver.main_value is not None
        return fmpq(ver.aux_loss) + self.b * HINGE.value([ver.main_value], [fmpq(1)])

    def loss_materialised(self, theta: Theta | None = None) -> fmpq:
        """Σ multiplicity·ℒ(f_θ(x), y) over :meth:`samples` with full forward passes."""
        net = self.compiled.network if theta is None else self.compiled.network_at(theta)
        return sum((m * self.loss.value(net.forward(s.x).outputs, s.y)
                    for s, m in self.samples()), fmpq(0))


def hinge_instance(p: SLP, sigma: Activation, *, b: int = 1) -> HingeInstance:
    """Remark B.3: the hinge-loss instance of P (via Q with n_Q = 2n_P − 1)."""
    c = compile_slp(posslp_program(p), sigma)
    forcing = build_instance(c, 0, a=0, b=b)
    return HingeInstance(forcing, hinge_or_match_loss(c.network, c.output))


def _push_theta(c: CompiledSLP, value: fmpq) -> Theta:
    """θ∗ with the bias of the first in-edge of t moved so that f^t(x_main) = 1."""
    a = c.network.arch
    e = a.in_edges[c.network.index_of(c.output)][0]
    th = c.theta_star
    return th.replace(e, bias=th.biases[e] + 1 - value)


def _symmetric_theta(c: CompiledSLP, pick: int) -> Theta | None:
    syms = [s for s in sigma_symmetries(c.sigma) if s != (fmpq(1), fmpq(0))]
    es = c.sigma_edges()
    if not syms or not es:
        return None
    w, b = syms[0]
    return c.theta_star.replace(es[pick % len(es)], weight=w, bias=b)


HingeInst = tuple[SLP, int, int]


def _check_hinge(act: Activation, inst: HingeInst, *, doubled: bool) -> Evidence:
    p, b, pick = inst
    if b >= 2**10:
        regime("a large promise gap b >= 2^10")
    if doubled:
        hi = hinge_instance(p, act, b=b)
    else:  # the control: Q = P, without n_Q = 2n_P − 1
        c0 = compile_slp(p, act)
        hi = HingeInstance(build_instance(c0, 0, a=0, b=b), hinge_or_match_loss(c0.network,
                                                                              c0.output))
    c = hi.compiled
    n_p = ref_slp_values(p)[-1]
    n_q = ref_slp_values(c.slp)[-1]
    if doubled:
        check_eq(n_q, 2 * n_p - 1, "n_Q = 2n_P − 1")
    check(hi.forcing.forcing_ok(), "θ∗ has zero loss on every forcing sample")
    opt = hi.loss_at()
    per_copy = as_fraction(opt) / b
    check_eq(per_copy, max(Fraction(0), 1 - n_q), "per copy: max{0, 1 − n_Q} at θ∗")
    if n_p > 0:
        check_eq(opt, 0, "n_P > 0 ⇒ L(θ∗) = 0", n_P=n_p)
    else:
        check_le(2, per_copy, "n_P <= 0 ⇒ each main copy costs >= 2", n_P=n_p, n_Q=n_q)
    sym = _symmetric_theta(c, pick)
    if sym is not None and hi.forcing.forcing_ok(sym):
        check_eq(hi.loss_at(sym), opt, "zero forcing loss ⇒ the same hinge loss as θ∗")
    small = len(c.network.edges) <= 120
    if small:
        check_eq(hi.loss_materialised(), opt, "fast loss = Σ multiplicity·ℒ at θ∗")
    if n_p <= 0:
        regime("n_P <= 0")
    if n_q < 1:  # the adversary: move the output to 1 (hinge 0) by a bias into t
        push = _push_theta(c, fmpq(n_q.numerator, n_q.denominator))
        pushed = hi.loss_at(push, stop_at_first=True)
        check(not hi.forcing.forcing_ok(push), "moving f^t to 1 fails a forcing sample")
        check_le(b + 1, pushed, "a failing forcing sample costs >= b + 1")
        check_le(2, min(opt, pushed), "n_P <= 0 ⇒ OPT >= 2", opt=opt, pushed=pushed)
        if small:
            check_le(b + 1, hi.loss_materialised(push),
                     "materialised loss at the pushed θ >= b + 1")
    return Evidence.of(positive=int(n_p > 0), non_positive=int(n_p <= 0),
                       zero=int(n_p == 0))


def _hinge_inst(act: Activation) -> st.SearchStrategy[HingeInst]:
    """Small promise gaps b, and large ones (2^10, 2^40: the multiplicity of the forcing
    samples, so only the sizes of the loss grow)."""
    gaps = st.one_of(st.integers(1, 3), st.sampled_from([2**10, 2**40]))
    return st.tuples(integer_slps(5), gaps, st.integers(0, 1000))


def _show_hinge(inst: HingeInst) -> str:
    return f"# b = {inst[1]}\n{inst[0].to_text()}"


@claim_for(
    "Remark B.3",
    "Hinge loss: with n_Q = 2n_P − 1, θ∗ has zero forcing loss and per-copy hinge "
    "max{0, 1 − n_Q}, = 0 if n_P > 0 and >= 2 if n_P <= 0; moving the output to 1 pays >= b+1 "
    "on the forcing samples, so OPT ∈ {0} ∪ [2, ∞)",
    covers=NONLINEAR_POLYNOMIAL, instances=_hinge_inst, examples=30, show=_show_hinge,
    tags=("identity",), regimes=("a large promise gap b >= 2^10", "n_P <= 0"),
)
def hinge_posslp(act: Activation, inst: HingeInst) -> Evidence:
    """Random integer SLPs (a_0 = 1) of length <= 5; n_P from the Fraction reference.  For
    small networks the fast loss is compared with Σ multiplicity·ℒ(f_θ(x), y) over the
    materialised samples.  The minimum over zero-forcing θ is L(θ∗) by Claim B.1 (see
    ``theorem11.promise_gap`` for what is inherited)."""
    return _check_hinge(act, inst, doubled=True)


@claim_for(
    "Remark B.3",
    "Negative control: with Q = P (no 2n_P − 1), n_P = 0 gives hinge 1 per copy, inside the "
    "gap (0, 2)",
    covers=NONLINEAR_POLYNOMIAL, instances=_hinge_inst, expect="counterexample",
    control_of="remarks_b.hinge_posslp", examples=20, show=_show_hinge, shrink_calls=40,
    refuted_on=("n_P <= 0 ⇒ each main copy costs >= 2",),
)
def hinge_without_doubling_refuted(act: Activation, inst: HingeInst) -> Evidence:
    return _check_hinge(act, inst, doubled=False)


# =========================================================================== Remark B.2


def encoding_size(theta: Theta) -> int:
    """|enc(θ)| := Σ_e size(w_e) + size(b_e) (§2 size of each rational)."""
    return sum(size(v) for v in (*theta.weights, *theta.biases))


def separating_exponent(compiled: CompiledSLP, K: int, b: int) -> int:
    """M_K = 2(K − 1) + 2·bitlen(Q∗) + bitlen(b): with λ = 2^{M_K} every θ ≠ θ∗ whose entries
    have size <= K pays λ‖θ − θ∗‖² >= b."""
    qstar = max(int(v.q) for v in (*compiled.network.weights, *compiled.network.biases))
    return 2 * (K - 1) + 2 * qstar.bit_length() + b.bit_length()


@dataclass
class RegularisedInstance:
    """Remark B.2: scalar input a_0 at v_0, scalar output f^t, b copies of the single-bit loss
    and λ‖θ − θ∗‖² with λ = 2^M."""

    compiled: CompiledSLP
    j: int
    b: int
    M: int

    def output(self, theta: Theta | None = None) -> fmpq:
        net = self.compiled.network if theta is None else self.compiled.network_at(theta)
        tr = net.forward(self.compiled.x_main(), budget_bits=BUDGET_BITS)
        return tr.value(self.compiled.output)

    def data_loss(self, theta: Theta | None = None) -> int:
        """b·𝟏[bit_j(f^t_θ(a_0)) ≠ 1]."""
        return self.b * (1 - bit(self.output(theta), self.j))

    def penalty(self, theta: Theta | None = None) -> fmpq:
        """2^M·‖θ − θ∗‖²₂ over all weights and biases."""
        if theta is None:
            return fmpq(0)
        star = self.compiled.theta_star
        acc = fmpq(0)
        for x, y in zip((*theta.weights, *theta.biases), (*star.weights, *star.biases),
                        strict=True):
            acc += (x - y) ** 2
        return fmpq(2) ** self.M * acc

    def objective(self, theta: Theta | None = None) -> fmpq:
        """R(θ) = data loss + penalty."""
        return self.data_loss(theta) + self.penalty(theta)


Move = tuple[int, bool, str, fmpq]


def _move_value(star: fmpq, kind: str, r: fmpq, K: int) -> fmpq:
    if kind == "tight_zero":  # 0 ↦ ±2^{−(K−2)}: size exactly K
        return fmpq(1 if r >= 0 else -1, 2 ** (K - 2))
    if kind == "neighbour":  # star ± 1/q with the largest q keeping size <= K
        for qb in range(K - 1, 0, -1):
            cand = star + fmpq(1 if r >= 0 else -1, 2**qb - 1)
            if size(cand) <= K:
                return cand
        return star
    return r


def _perturb(c: CompiledSLP, moves: Sequence[Move], K: int) -> Theta:
    """θ∗ changed by ``moves``; a ``tight_zero`` move picks one of θ∗'s zero entries."""
    th = c.theta_star
    m = len(th.weights)
    for pick, is_weight, kind, r in moves:
        if kind == "tight_zero":
            zeros = [(i, True) for i, v in enumerate(th.weights) if v == 0]
            zeros += [(i, False) for i, v in enumerate(th.biases) if v == 0]
            if not zeros:
                continue
            e, is_weight = zeros[pick % len(zeros)]
        else:
            e = pick % m
        if is_weight:
            th = th.replace(e, weight=_move_value(th.weights[e], kind, r, K))
        else:
            th = th.replace(e, bias=_move_value(th.biases[e], kind, r, K))
    return th


RegInst = tuple[SLP, int, int, int, list[Move]]


def _reg_inst(act: Activation) -> st.SearchStrategy[RegInst]:
    move = st.tuples(st.integers(0, 10_000), st.booleans(),
                     st.sampled_from(["tight_zero", "neighbour", "random"]),
                     rationals(6, den_bits=6))
    return st.tuples(st.one_of(integer_slps(4), rational_slps(3)), st.integers(-2, 12),
                     st.integers(1, 4), st.integers(3, 40),
                     st.lists(move, min_size=1, max_size=3))


def _show_reg(inst: RegInst) -> str:
    return f"# j = {inst[1]}, b = {inst[2]}, K = {inst[3]}, moves {inst[4]}\n{inst[0].to_text()}"


def _check_regularised(act: Activation, inst: RegInst, *, exponent_of: str) -> Evidence:
    slp, j, b, K, moves = inst
    c = compile_slp(slp, act)
    M = separating_exponent(c, K, b) if exponent_of == "M_K" else K
    ri = RegularisedInstance(c, j, b, M)
    n_p = ref_slp_values(slp)[-1]
    check_eq(ri.objective(), b * (1 - ref_bit(n_p, j)), "R(θ∗) = b·𝟏[bit_j(n_P) ≠ 1]")
    theta = _perturb(c, moves, K)
    star = c.theta_star
    changed = [(x, y) for x, y in zip((*theta.weights, *theta.biases),
                                      (*star.weights, *star.biases), strict=True) if x != y]
    if not changed or any(size(x) > K for x, _ in changed):
        return Evidence.of(perturbed=0)  # θ = θ∗, or outside the entry budget
    pen = ri.penalty(theta)
    check_le(b, pen, "θ ≠ θ∗ with entries of size <= K pays λ‖θ − θ∗‖² >= b", K=K, M=M,
             b=b, changed=changed)
    check_le(b, ri.objective(theta), "R(θ) >= b for θ ≠ θ∗ (so θ∗ is optimal)")
    return (Evidence.of(perturbed=1, M=M)
            .bound("inverse_penalty", fmpq(b) / pen, 1))


@claim_for(
    "Remark B.2",
    "Regularised 1-D instance: R(θ∗) = b·𝟏[bit_j(n_P) ≠ 1], and with λ = 2^{M_K}, "
    "M_K = 2(K−1) + 2·bitlen(Q∗) + bitlen(b), every θ ≠ θ∗ whose entries have size <= K pays "
    "λ‖θ − θ∗‖² >= b",
    covers=NONLINEAR_POLYNOMIAL, instances=_reg_inst, examples=30, show=_show_reg,
)
def regularised_separation(act: Activation, inst: RegInst) -> Evidence:
    """Perturbations: a zero entry moved to ±2^{−(K−2)} (size exactly K), an entry moved to its
    nearest neighbour ±1/(2^q − 1) of size <= K, and random rationals; drawn θ outside the
    entry budget are skipped (figure ``perturbed``).  The figure ``inverse_penalty`` is
    b/penalty against 1 (how close the separation comes to failing)."""
    return _check_regularised(act, inst, exponent_of="M_K")


@claim_for(
    "Remark B.2",
    "Negative control: with λ = 2^K (the exponent of the order of the size budget, as when λ is "
    "written in binary) some θ ≠ θ∗ with entries of size <= K pays less than b",
    covers=NONLINEAR_POLYNOMIAL, instances=_reg_inst, expect="counterexample",
    control_of="remarks_b.regularised_separation", examples=20, show=_show_reg,
    shrink_calls=40,
    refuted_on=("θ ≠ θ∗ with entries of size <= K pays λ‖θ − θ∗‖² >= b",),
)
def regulariser_budget_sized_refuted(act: Activation, inst: RegInst) -> Evidence:
    return _check_regularised(act, inst, exponent_of="K")


def amplifying_program(steps: int) -> SLP:
    """a_1 = a_0 + a_0 followed by ``steps`` squarings: n_P = 2^{2^steps}; a change δ of a_1
    changes n_P by about 2^{2^steps + steps − 1}·δ."""
    return SLP.of(1, [("+", 0, 0)] + [("*", i, i) for i in range(1, steps + 1)])


BinInst = tuple[int, int]


@claim_for(
    "Remark B.2",
    "Remark B.2 as written, with λ = 2^M in binary (|I| > M, budget >= |I|): every feasible "
    "θ ≠ θ∗ pays λ‖θ − θ∗‖² >= b, so min R >= b when bit_j(n_P) = 0",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(st.integers(8, 48), st.integers(1, 3)),
    status="erratum", expect="counterexample", examples=5,
    show=lambda i: f"# M = {i[0]}, b = {i[1]}",
    refuted_on=("a feasible θ ≠ θ∗ pays λ‖θ − θ∗‖² >= b",),
)
def binary_lambda_erratum(act: Activation, inst: BinInst) -> Evidence:
    """The §14 gap made concrete.  |I| >= |enc(θ∗)| + M + 1 (the centre θ∗ and λ = 2^M in
    binary are part of the instance), and every budget C_1·|I|^{C_2} (C_1, C_2 >= 1) is
    >= |I|.  θ := θ∗ with the zero bias of (v_0, v_1) moved to 2^{−s}, s = ⌊M/2⌋ + 1, has
    |enc(θ)| = |enc(θ∗)| + s + 1 <= |I| (feasible) and penalty 2^{M−2s} < 1.  P is a_1 = a_0 +
    a_0 followed by squarings, so the change of a_1 flips a digit j >= 0 of the output where
    n_P = 2^{2^k} has a 0: R(θ) = penalty < b although bit_j(n_P) = 0."""
    M, b = inst
    s = M // 2 + 1
    steps = s.bit_length() + 1
    p = amplifying_program(steps)
    c = compile_slp(p, act)
    star = c.theta_star
    e = c.network.edge_of("v0", "v1")
    theta = star.replace(e, bias=star.biases[e] + fmpq(1, 2**s))
    size_i = encoding_size(star) + M + 1
    n_p = ref_slp_values(p)[-1]
    ri = RegularisedInstance(c, 0, b, M)
    out = ri.output(theta)
    eps = as_fraction(out) - n_p
    if not (star.biases[e] == 0 and encoding_size(theta) <= size_i and eps >= 1):
        return Evidence.of(premise=0)
    j = int(eps).bit_length() - 1
    ri = RegularisedInstance(c, j, b, M)
    if ref_bit(n_p, j) != 0 or bit(out, j) != 1:
        return Evidence.of(premise=0)
    check_le(b, ri.penalty(theta), "a feasible θ ≠ θ∗ pays λ‖θ − θ∗‖² >= b", M=M, s=s,
             enc_theta=encoding_size(theta), size_I_lower_bound=size_i,
             penalty=ri.penalty(theta))
    check_le(b, ri.objective(theta), "bit_j(n_P) = 0 ⇒ R(θ) >= b", j=j)
    return Evidence.of(premise=1)
