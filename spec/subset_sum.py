"""Theorem 2.4 illustrated end to end: #SubsetSum → BitSLP → ERM_bit (the classical counting
reduction, an illustration beyond arXiv 2602.19017, which cites Theorem 2.4).

**The SLP** (:func:`subset_sum_slp`).  For weights a_1..a_n >= 0 pick M > n (default n + 1)
and X = 2^M.  Then

    Π_i (1 + X^{a_i}) = Σ_{S⊆[n]} X^{Σ_{i∈S} a_i} = Σ_s N_s·2^{sM},

N_s the number of subsets with sum s.  N_s <= 2^n < 2^M, so the blocks do not overlap and
bits [tM, tM + M) of the value are N_t.  The program: a_1 = a_0 + a_0 = 2; the powers
p_r = 2^{2^r} by repeated squaring (p_0 = a_1), shared by all weights; X^{a_i} = 2^{M·a_i} as
the product of the p_r over the binary digits of M·a_i; 1 + X^{a_i} (one gate; a zero weight
uses a_0 + a_0 = 2); then n − 1 products.  With L := bitlen(M·max_i a_i) it has

    1 + (L − 1) + Σ_i (popcount(M·a_i) − 1) + n + (n − 1) <= n·L + 2n − 1 + L

gates (:func:`gate_count_bound`): O(n·log(M·max a_i)).

**The chain** (:func:`subset_sum_chain`).  The SLP is compiled once (Lemma 3.2,
``spec/lemma32/``) for the chosen σ; for each of the M bit positions p ∈ [tM, tM + M)
the ERM_bit instance I(P, p) is built (:func:`instance_for_bit`: same network, same forcing
samples, the bit extractor's index p) and decided at the forced θ∗: bit = 1 iff L(θ∗) <= a.
The forcing samples 𝒟_a do not depend on p, so their loss at θ∗ is evaluated once and shared
by the M instances; the main sample's loss is evaluated with each instance's own loss
function (``reverify=True`` re-verifies every instance in full instead).  The count is
Σ_r bit_{tM+r}·2^r, compared with an independent brute-force enumeration of the subsets.

Deciding at θ∗ is the reduction's content: by Claim B.1 and Lemma 3.2 (``theorem11``) the
optimum of I(P, p) is L(θ∗) = b·𝟏[bit_p(n_P) ≠ 1] or at least b, so an ERM_bit oracle would
answer exactly these M questions.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flint import fmpq
from hypothesis import strategies as st

from checkers.activations import Activation, Polynomial
from checkers.errors import DataError
from checkers.rationals import bit
from checkers.slp import SLP, Gate
from spec.claims import NONLINEAR_POLYNOMIAL, Evidence, check, check_eq, check_le, claim, claim_for
from spec.lemma32 import (
    CompiledSLP,
    ERMInstance,
    bit_extractor_loss,
    build_instance,
    compile_slp,
)

__all__ = [
    "ChainResult",
    "Progress",
    "SubsetSumSLP",
    "brute_force_count",
    "gate_count_bound",
    "instance_for_bit",
    "subset_sum_chain",
    "subset_sum_slp",
]

BRUTE_FORCE_MAX = 20
"""Up to this many weights the count is enumerated subset by subset; beyond, a dynamic
programme over sums (still independent of the SLP)."""


def _check_weights(weights: Sequence[int]) -> tuple[int, ...]:
    ws = tuple(weights)
    if not ws:
        raise DataError("#SubsetSum needs at least one weight")
    for w in ws:
        if isinstance(w, bool) or not isinstance(w, int) or w < 0:
            raise DataError(f"#SubsetSum weights must be integers >= 0, got {w!r}")
    return ws


@dataclass(frozen=True)
class SubsetSumSLP:
    """The SLP computing Π_i (1 + 2^{M·a_i}) (see the module doc)."""

    weights: tuple[int, ...]
    M: int
    slp: SLP

    def block(self, target: int) -> range:
        """Bit positions [tM, tM + M) holding N_t."""
        return range(target * self.M, (target + 1) * self.M)


def gate_count_bound(weights: Sequence[int], M: int) -> int:
    """n·L + 2n − 1 + L with L = bitlen(M·max a_i): the O(n·log(M·max a_i)) gate bound."""
    n = len(weights)
    top = max(1, (M * max(weights)).bit_length())
    return n * top + 2 * n - 1 + top


def subset_sum_slp(weights: Sequence[int], M: int | None = None) -> SubsetSumSLP:
    """The SLP of Π_i (1 + X^{a_i}), X = 2^M with M > n (default n + 1)."""
    ws = _check_weights(weights)
    n = len(ws)
    m = n + 1 if M is None else M
    if isinstance(m, bool) or not isinstance(m, int) or m < 1:
        raise DataError(f"the block width M must be a positive integer, got {m!r}")
    gates: list[Gate] = [Gate("+", 0, 0)]  # a_1 = 2 = p_0
    powers = [1]
    exps = [m * w for w in ws]
    top = max(e.bit_length() for e in exps)
    while len(powers) < top:
        gates.append(Gate("*", powers[-1], powers[-1]))
        powers.append(len(gates))
    factors = []
    for e in exps:
        if e == 0:
            factors.append(1)  # 1 + X^0 = a_0 + a_0 = a_1
            continue
        acc: int | None = None
        for r in range(e.bit_length()):
            if (e >> r) & 1:
                if acc is None:
                    acc = powers[r]
                else:
                    gates.append(Gate("*", acc, powers[r]))
                    acc = len(gates)
        assert acc is not None
        gates.append(Gate("+", acc, 0))
        factors.append(len(gates))
    acc = factors[0]
    for f in factors[1:]:
        gates.append(Gate("*", acc, f))
        acc = len(gates)
    assert acc == len(gates)
    return SubsetSumSLP(ws, m, SLP(fmpq(1), tuple(gates)))


def brute_force_count(weights: Sequence[int], target: int) -> int:
    """N_t: the number of subsets with sum t, by enumeration (dynamic programme beyond
    :data:`BRUTE_FORCE_MAX` weights)."""
    ws = _check_weights(weights)
    if len(ws) <= BRUTE_FORCE_MAX:
        return sum(1 for mask in itertools.product((0, 1), repeat=len(ws))
                   if sum(w for w, x in zip(ws, mask, strict=True) if x) == target)
    counts = {0: 1}
    for w in ws:
        nxt = dict(counts)
        for s, c in counts.items():
            nxt[s + w] = nxt.get(s + w, 0) + c
        counts = nxt
    return counts.get(target, 0)


def instance_for_bit(base: ERMInstance, j: int) -> ERMInstance:
    """I(P, j) from an instance of the same P: same network and forcing samples, the bit
    extractor at index j (only the loss depends on j)."""
    if isinstance(j, bool) or not isinstance(j, int):
        raise DataError(f"bit index must be an integer, got {j!r}")
    c = base.compiled
    return dataclasses.replace(base, j=j, loss=bit_extractor_loss(c.network, c.output, j))


Progress = Callable[[str, int, int], None]
"""A progress callback: (stage, done, total)."""


@dataclass
class ChainResult:
    """What :func:`subset_sum_chain` found."""

    weights: tuple[int, ...]
    target: int
    sigma: str
    M: int
    count: int
    brute_force: int
    slp_gates: int
    erm_instances: int
    network_nodes: int
    network_edges: int
    forcing_templates: int
    forcing_ok: bool
    positions: list[int]
    losses: list[int]
    bits: list[int]

    def to_json(self) -> dict[str, object]:
        return {"count": self.count, "brute_force": self.brute_force,
                "slp_gates": self.slp_gates, "erm_instances": self.erm_instances,
                "network_nodes": self.network_nodes, "network_edges": self.network_edges,
                "forcing_templates": self.forcing_templates, "forcing_ok": self.forcing_ok,
                "sigma": self.sigma, "block_bits": self.M,
                "bit_positions": [self.positions[0], self.positions[-1] + 1],
                "losses_at_theta_star": self.losses}


def subset_sum_chain(weights: Sequence[int], target: int, sigma: Activation, *, a: int = 0,
                     b: int = 1, M: int | None = None, reverify: bool = False,
                     progress: Progress | None = None,
                     _compiled: Callable[[CompiledSLP], CompiledSLP] | None = None
                     ) -> ChainResult:
    """Count the subsets of ``weights`` with sum ``target`` through M ERM_bit instances.

    (``_compiled`` plants a defect in the compiled network for a negative control.)
    """
    if isinstance(target, bool) or not isinstance(target, int) or target < 0:
        raise DataError(f"the target must be an integer >= 0, got {target!r}")
    ss = subset_sum_slp(weights, M)
    tick = progress or (lambda stage, done, total: None)
    tick("compiling the SLP into a network (Lemma 3.2)", 0, 1)
    c = compile_slp(ss.slp, sigma)
    if _compiled is not None:
        c = _compiled(c)
    positions = list(ss.block(target))
    base = build_instance(c, positions[0], a=a, b=b)
    tick("verifying the forcing samples at θ∗", 0, 1)
    shared = base.verify(main=False)
    outputs = c.network.forward(c.x_main()).outputs
    main = base.main_sample()
    losses: list[int] = []
    bits: list[int] = []
    for r, p in enumerate(positions):
        tick("building and deciding I(P, j)", r, len(positions))
        ins = instance_for_bit(base, p)
        if reverify:
            loss = ins.loss_at()
        else:
            main_loss = ins.loss.value(outputs, main.y)
            loss = shared.aux_loss + ins.b * int(main_loss)
        losses.append(loss)
        bits.append(1 if loss <= ins.gamma else 0)
    tick("building and deciding I(P, j)", len(positions), len(positions))
    count = sum(v << r for r, v in enumerate(bits))
    name = sigma.name
    tick("enumerating the subsets (brute force)", 0, 1)
    brute = brute_force_count(ss.weights, target)
    return ChainResult(ss.weights, target, name, ss.M, count, brute, ss.slp.length,
                       len(positions),
                       len(c.network.nodes), len(c.network.edges), base.template_count(),
                       shared.forcing_ok, positions, losses, bits)


# =========================================================================== claims

SSInst = tuple[list[int], int]


@st.composite
def _subset_sum_instances(draw: st.DrawFn, max_n: int = 10, max_weight: int = 6) -> SSInst:
    ws = draw(st.lists(st.integers(0, max_weight), min_size=1, max_size=max_n))
    t = draw(st.integers(0, sum(ws) + 1))
    return ws, t


def _show(inst: SSInst) -> str:
    ws, t = inst
    return f"whyrelu subset-sum --weights {','.join(map(str, ws))} --target {t}"


def _check_slp(inst: SSInst, M: int | None) -> Evidence:
    ws, _ = inst
    ss = subset_sum_slp(ws, M)
    value = ss.slp.value()
    want = 1
    for w in ws:
        want *= 1 + (1 << (ss.M * w))  # Python integers, independent of the SLP
    check_eq(int(value.p), want, "the SLP computes Π(1 + X^{a_i})", weights=ws)
    check_le(ss.slp.length, gate_count_bound(ws, ss.M), "gates <= n·L + 2n − 1 + L")
    for s in range(sum(ws) + 2):
        got = sum(bit(value, p) << r for r, p in enumerate(ss.block(s)))
        check_eq(got, brute_force_count(ws, s), "bits [sM, sM + M) = N_s", s=s, M=ss.M,
                 weights=ws)
    return (Evidence.of(n=len(ws), gates=ss.slp.length)
            .bound("gate_bound", ss.slp.length, gate_count_bound(ws, ss.M)))


@claim(
    "Theorem 2.4",
    "#SubsetSum → BitSLP: the SLP computes Π(1 + X^{a_i}) with X = 2^M, M = n + 1, in "
    "<= n·L + 2n − 1 + L gates (L = bitlen(M·max a_i)), and bits [sM, sM + M) equal the "
    "number of subsets with sum s, for every s",
    instances=_subset_sum_instances(10, 8), status="cited", examples=40, show=_show,
    tags=("identity",),
)
def slp_counts(inst: SSInst) -> Evidence:
    """The product is recomputed with Python integers and every N_s by enumeration."""
    return _check_slp(inst, None)


@claim(
    "Theorem 2.4",
    "Negative control: blocks of M = bitlen(n) bits (too few for 2^n subsets) overlap and "
    "some N_s is misread",
    instances=_subset_sum_instances(10, 8), status="cited", expect="counterexample",
    control_of="subset_sum.slp_counts", examples=40, show=_show,
    refuted_on=("bits [sM, sM + M) = N_s",),
)
def slp_narrow_blocks_refuted(inst: SSInst) -> Evidence:
    return _check_slp(inst, len(inst[0]).bit_length())


def _drop_u3(c: CompiledSLP) -> CompiledSLP:
    """A planted bug: the network without the −σ(y + r) terms (U^{(3)} → z weights 0); the
    forcing samples are then built from this network's own θ∗."""
    weights = list(c.network.weights)
    for gad in c.gadgets.values():
        for u in gad.U[2]:
            weights[c.network.edge_of(u, gad.z)] = fmpq(0)
    return dataclasses.replace(c, network=c.network.with_params(weights, c.network.biases))


def _check_chain(act: Activation, inst: SSInst, *, bug: bool) -> Evidence:
    ws, t = inst
    assert isinstance(act, Polynomial)
    res = subset_sum_chain(ws, t, act, _compiled=_drop_u3 if bug else None)
    check(res.forcing_ok, "θ∗ has zero loss on every forcing sample")
    check_eq(res.erm_instances, res.M, "one ERM_bit instance per bit of the block")
    for loss in res.losses:
        check(loss in (0, 1), "L(θ∗) ∈ {0, b} (b = 1)", loss=loss)
    check_eq(res.count, res.brute_force, "count through ERM_bit = brute force", weights=ws,
             target=t, bits=res.bits)
    return Evidence.of(n=len(ws), count=res.count, gates=res.slp_gates,
                       edges=res.network_edges, templates=res.forcing_templates)


@claim_for(
    "Theorem 2.4",
    "#SubsetSum → BitSLP → ERM_bit: deciding the M instances I(P, j), j ∈ [tM, tM + M), at "
    "the forced θ∗ (bit = 𝟏[L(θ∗) <= a]) recovers the number of subsets with sum t",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _subset_sum_instances(10, 6),
    status="cited", examples=20, show=_show, tags=("identity",),
)
def chain(act: Activation, inst: SSInst) -> Evidence:
    """n <= 10 weights in 0..6; the count is compared with enumeration of all subsets.  The
    forcing loss at θ∗ is verified once and shared by the M instances (it does not depend on
    the bit index)."""
    return _check_chain(act, inst, bug=False)


@claim_for(
    "Theorem 2.4",
    "Negative control: a network compiled without the −σ(y + r) terms (forcing samples built "
    "from its own θ∗) decodes a wrong count",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _subset_sum_instances(3, 3),
    status="cited", expect="counterexample", control_of="subset_sum.chain", examples=4,
    show=_show, shrink_calls=10,
    refuted_on=("count through ERM_bit = brute force",),
)
def chain_dropped_u3_refuted(act: Activation, inst: SSInst) -> Evidence:
    return _check_chain(act, inst, bug=True)
