"""BN-SLPs: Definition A.3, Lemma A.4 and the transform of Lemma A.5.

**Definition A.3.**  A BN-SLP is a numeric SLP Q = (b_0, ..., b_m) of length m whose constant
is b_0 = 2^{−m} (:func:`bn_constant`, :func:`is_bnslp`).  **Lemma A.4**: every gate value of
a BN-SLP lies in [−1, 1]; the proof's invariant is M_i := max_{t<=i}|b_t| <= 2^i·b_0.

**Lemma A.5** (:func:`to_bnslp`).  An SLP P = (a_0 = 1, a_1, ..., a_n) with integer value n_P
becomes a BN-SLP I(P) of length m = O(n²) with value 2^{−m·2^n}·n_P.  The construction keeps
ã_i = b_0^{e_i}·a_i:

* ã_0 := b_0, e_0 := 1;
* a_i = a_j·a_k:  ã_i := ã_j·ã_k, e_i := e_j + e_k (one gate);
* a_i = a_j ± a_k: E := max(e_j, e_k); the operand with the smaller exponent is aligned by
  the power gadget G_t (t = E − e_j or E − e_k), then ã_i := ã'_j ± ã'_k, e_i := E;
* output: ã_n is scaled by G_{2^n − e_n} (skipped when e_n = 2^n), so the last gate is
  b_0^{2^n}·n_P.

**The power gadget G_t** (z ↦ z·b_0^t): with t = Σ_r t_r 2^r, the powers p_0 := b_0 and
p_{r+1} := p_r·p_r = b_0^{2^{r+1}} (r < ⌊log₂ t⌋) are emitted once and **shared by every
gadget** (a variant of arXiv 2602.19017, App. A, proof of Lemma A.5, where each G_t squares anew);
then z is multiplied by each p_r with t_r = 1.

**Two passes** (no circularity): :func:`count_gates` computes m from the syntax of P alone,
from the exponents e_i and the multiset T of non-zero alignment exponents (including the
output's):

    m = n + Σ_{t∈T} popcount(t) + max_{t∈T} ⌊log₂ t⌋,

the last term being the shared squarings p_1..p_R.  :func:`to_bnslp` then sets b_0 := 2^{−m}
and emits exactly m gates.

**Bounds** (derived here, checked by ``bnslp.lemma_a5``).  e_i <= 2^i by induction (a product
adds two exponents <= 2^{i−1}; ± keeps the larger).  At a ± gate i the alignment exponent is
t <= 2^{i−1} − 1 (popcount <= i − 1); the output's is <= 2^n − 1 (popcount <= n); the shared
squarings number <= n − 1.  Hence

    m <= n + Σ_{i=1}^{n}(i − 1) + n + (n − 1) = n(n − 1)/2 + 3n − 1   (n >= 1),

the explicit form of m = O(n²) (:func:`gate_bound`).

**Bit index** (arXiv 2602.19017, Lemma A.5 and App. C).  The output is 2^{−m·2^n}·n_P, so
the digit of n_P at position j sits at position j − m·2^n of Q's value
(:meth:`BNSLP.bit_position`); see ``spec/theorem11.py`` for the network and the erratum
about a shift by ℓ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from flint import fmpq
from hypothesis import strategies as st

from checkers.errors import SLPError
from checkers.rationals import bit, fmt
from checkers.reference import ref_bit, ref_slp_values
from checkers.slp import OPS, SLP, Gate
from spec.claims import Evidence, as_fraction, check, check_eq, check_le, claim

__all__ = [
    "BNSLP",
    "NotIntegerSLPError",
    "bn_constant",
    "count_gates",
    "exponents",
    "gate_bound",
    "is_bnslp",
    "to_bnslp",
    "with_bn_constant",
]


class NotIntegerSLPError(SLPError):
    """Lemma A.5 (and Remark B.3) need an SLP with a_0 = 1, whose value n_P is an integer."""


def bn_constant(m: int) -> fmpq:
    """b_0 = 2^{−m} of Definition A.3."""
    if m < 0:
        raise SLPError(f"a BN-SLP length must be >= 0, got {m}")
    return fmpq(1, 2**m)


def is_bnslp(slp: SLP) -> bool:
    """Definition A.3: is b_0 = 2^{−m} with m the length?"""
    return slp.a0 == bn_constant(slp.length)


def with_bn_constant(slp: SLP, *, extra_bits: int = 0) -> SLP:
    """The same gates with b_0 := 2^{−m + extra_bits} (``extra_bits = 0``: a BN-SLP)."""
    return SLP(fmpq(2) ** (extra_bits - slp.length), slp.gates)


def _require_integer_program(slp: SLP) -> None:
    if not isinstance(slp, SLP):
        raise SLPError(f"expected an SLP, got {type(slp).__name__}")
    if slp.a0 != 1:
        raise NotIntegerSLPError(
            f"Lemma A.5 needs a0 = 1 (an SLP with integer value n_P), got a0 = {fmt(slp.a0)}")


def exponents(slp: SLP) -> list[int]:
    """e_0, ..., e_n of the invariant ã_i = b_0^{e_i}·a_i (syntax only)."""
    e = [1]
    for g in slp.gates:
        e.append(e[g.j] + e[g.k] if g.op == "*" else max(e[g.j], e[g.k]))
    return e


def _alignments(slp: SLP, e: Sequence[int]) -> list[int]:
    """The non-zero alignment exponents t, in emission order (the output's last)."""
    out = []
    for g in slp.gates:
        if g.op != "*":
            t = abs(e[g.j] - e[g.k])
            if t:
                out.append(t)
    t_out = 2**slp.length - e[-1]
    if t_out:
        out.append(t_out)
    return out


def count_gates(slp: SLP) -> int:
    """Pass 1 of Lemma A.5: m from the syntax of P alone (see the module doc)."""
    _require_integer_program(slp)
    ts = _alignments(slp, exponents(slp))
    squarings = max((t.bit_length() - 1 for t in ts), default=0)
    return slp.length + sum(t.bit_count() for t in ts) + squarings


def gate_bound(n: int) -> int:
    """The explicit bound m <= n(n − 1)/2 + 3n − 1 (n >= 1; 0 for n = 0)."""
    return 0 if n == 0 else n * (n - 1) // 2 + 3 * n - 1


@dataclass(frozen=True)
class BNSLP:
    """The BN-SLP I(P) of Lemma A.5.

    ``slp`` is Q = (b_0, ..., b_m) with b_0 = 2^{−m}; ``source`` is P (length n);
    ``exponents[i]`` is e_i and ``positions[i]`` the index in Q of ã_i = b_0^{e_i}·a_i
    (i = 0..n); ``powers[r]`` is the index of p_r = b_0^{2^r}.  The last gate of Q is
    b_0^{2^n}·n_P.
    """

    slp: SLP
    source: SLP
    exponents: tuple[int, ...]
    positions: tuple[int, ...]
    powers: tuple[int, ...]

    @property
    def m(self) -> int:
        """m, the length of Q."""
        return int(self.slp.length)

    @property
    def n(self) -> int:
        """n, the length of P."""
        return int(self.source.length)

    @property
    def b0(self) -> fmpq:
        """b_0 = 2^{−m}."""
        return self.slp.a0

    @property
    def output_exponent(self) -> int:
        """2^n: the output is b_0^{2^n}·n_P."""
        return 1 << self.n

    @property
    def scale_exponent(self) -> int:
        """m·2^n: the output is 2^{−m·2^n}·n_P."""
        return self.m << self.n

    def bit_position(self, j: int) -> int:
        """Where digit j of n_P sits in Q's value: j − m·2^n."""
        return j - self.scale_exponent

    def to_text(self) -> str:
        """Q in the SLP text format, with a header naming the scale."""
        head = (f"# BN-SLP (Lemma A.5) of a {self.n}-gate program: m = {self.m}, "
                f"b0 = 2^-{self.m}, value = 2^-{self.scale_exponent} * n_P\n")
        return head + self.slp.to_text()


Bug = Literal["no_output_scaling", "low_alignment"]


def to_bnslp(slp: SLP, *, _bug: Bug | None = None) -> BNSLP:
    """Lemma A.5: the BN-SLP I(P) with value 2^{−m·2^n}·n_P (pass 2 after :func:`count_gates`).

    Raises :class:`NotIntegerSLPError` unless a_0 = 1.  (``_bug`` plants a defect for the
    negative controls.)
    """
    m = count_gates(slp)
    e = exponents(slp)
    gates: list[Gate] = []
    powers = [0]

    def emit(op: str, j: int, k: int) -> int:
        gates.append(Gate(op, j, k))  # type: ignore[arg-type]
        return len(gates)

    def scale(z: int, t: int) -> int:
        """G_t: z·b_0^t with the shared powers."""
        if t <= 0:
            return z
        while len(powers) < t.bit_length():
            powers.append(emit("*", powers[-1], powers[-1]))
        for r in range(t.bit_length()):
            if (t >> r) & 1:
                z = emit("*", z, powers[r])
        return z

    pos = [0]
    for g in slp.gates:
        if g.op == "*":
            pos.append(emit("*", pos[g.j], pos[g.k]))
            continue
        big = max(e[g.j], e[g.k])
        t_j, t_k = big - e[g.j], big - e[g.k]
        if _bug == "low_alignment":  # a planted bug: one power too few
            t_j, t_k = max(t_j - 1, 0), max(t_k - 1, 0)
        zj = scale(pos[g.j], t_j)
        zk = scale(pos[g.k], t_k)
        pos.append(emit(g.op, zj, zk))
    if _bug != "no_output_scaling":
        scale(pos[-1], 2**slp.length - e[-1])
    if _bug is None and len(gates) != m:
        raise AssertionError(f"Lemma A.5: counted {m} gates, emitted {len(gates)}")
    q = SLP(bn_constant(len(gates)), tuple(gates))
    return BNSLP(q, slp, tuple(e), tuple(pos), tuple(powers))


# =========================================================================== claims


def _show(slp: SLP) -> str:
    return slp.to_text()




@st.composite
def _programs(draw: st.DrawFn, max_length: int = 8) -> SLP:
    """Random gate structure (operands drawn uniformly among earlier gates)."""
    n = draw(st.integers(1, max_length))
    gates = []
    for i in range(1, n + 1):
        op = draw(st.sampled_from(OPS))
        gates.append(Gate(op, draw(st.integers(0, i - 1)), draw(st.integers(0, i - 1))))
    return SLP(fmpq(1), tuple(gates))


@st.composite
def _addition_chains(draw: st.DrawFn, max_length: int = 8) -> SLP:
    """b_i = b_{i−1} + b_{i−1−d} with small d: the family that grows fastest (d = 0 is the
    doubling chain, for which b_m = 2^m·b_0 = 1 exactly, so Lemma A.4 is tight)."""
    n = draw(st.integers(1, max_length))
    gates = []
    for i in range(1, n + 1):
        d = min(draw(st.integers(0, 2)), i - 1)
        gates.append(Gate("+", i - 1, i - 1 - d))
    return SLP(fmpq(1), tuple(gates))


def _bn_programs() -> st.SearchStrategy[SLP]:
    return st.one_of(_programs(8), _addition_chains(8))


def _check_lemma_a4(q: SLP) -> Evidence:
    vals = q.evaluate()
    b0 = q.a0
    running = fmpq(0)
    for i, v in enumerate(vals):
        running = max(running, abs(v))
        check_le(running, 2**i * b0, "M_i <= 2^i·b_0 (the proof's invariant)", i=i,
                 b0=b0, program=q.to_text())
        check(abs(v) <= 1, "BN-SLP gate value in [−1, 1] (Lemma A.4)", i=i, value=v,
              b0=b0, program=q.to_text())
    worst = max(abs(v) for v in vals)
    return Evidence.of(length=q.length).bound("max_abs_value", worst, 1)


@claim(
    "Lemma A.4",
    "Every BN-SLP (b_0 = 2^{−m}, any gates) has every value in [−1, 1], with the proof's "
    "invariant max_{t<=i}|b_t| <= 2^i·b_0; tight for the doubling chain",
    instances=_bn_programs(), examples=60, show=_show, tags=("identity",),
)
def lemma_a4(p: SLP) -> Evidence:
    """Random gate structures (length 1..8) and addition chains b_i = b_{i−1} + b_{i−1−d}
    (d <= 2), with b_0 := 2^{−m}; values exact.  The figure ``max_abs_value`` reaches its
    bound 1 on the doubling chain."""
    q = with_bn_constant(p)
    check_eq(as_fraction(q.a0), Fraction(1, 2 ** len(q.gates)), "b_0 = 2^{−m}")  # by hand
    return _check_lemma_a4(q)


@claim(
    "Lemma A.4",
    "Negative control: with b_0 = 2^{−m+1} (one bit too large) some value exceeds 1",
    instances=_bn_programs(), expect="counterexample", control_of="bnslp.lemma_a4",
    examples=60, show=_show,
)
def lemma_a4_constant_too_large_refuted(p: SLP) -> Evidence:
    """The search has to find a fast-growing addition chain (e.g. the doubling chain, whose
    last value is then 2)."""
    return _check_lemma_a4(with_bn_constant(p, extra_bits=1))


def _check_lemma_a5(p: SLP, bug: Bug | None) -> Evidence:
    bn = to_bnslp(p, _bug=bug)
    q = bn.slp
    n, m = bn.n, bn.m
    if bug is None:
        check_eq(m, count_gates(p), "pass 2 emits exactly the m gates counted by pass 1")
    check_eq(as_fraction(q.a0), Fraction(1, 2 ** len(q.gates)),  # not is_bnslp: by hand
             "b_0 = 2^{−m} (Definition A.3)", m=m, b0=q.a0)
    want = ref_slp_values(p)  # the Fraction reference evaluator on P
    vals = q.evaluate()
    b0 = as_fraction(q.a0)
    for i, (e_i, pos) in enumerate(zip(bn.exponents, bn.positions, strict=True)):
        check_le(e_i, 2**i, "e_i <= 2^i", i=i)
        check_eq(as_fraction(vals[pos]), b0**e_i * want[i], "ã_i = b_0^{e_i}·a_i at its gate",
                 i=i, e_i=e_i, program=p.to_text())
    for r, pos in enumerate(bn.powers):
        check_eq(vals[pos], q.a0 ** (2**r), "p_r = b_0^{2^r}", r=r)
    n_p = want[-1]
    check_eq(as_fraction(vals[-1]), Fraction(n_p, 2**bn.scale_exponent),
             "output = 2^{−m·2^n}·n_P", m=m, n=n, program=p.to_text())
    worst = max(abs(v) for v in vals)
    check_le(worst, 1, "every gate value in [−1, 1] (Lemma A.4)")
    for j in (0, 1, 2, max(0, int(abs(n_p)).bit_length() - 1), int(abs(n_p)).bit_length()):
        check_eq(bit(vals[-1], bn.bit_position(j)), ref_bit(n_p, j),
                 "digit j of n_P sits at position j − m·2^n of the output", j=j)
    check_le(m, gate_bound(n), "m <= n(n−1)/2 + 3n − 1")
    ev = Evidence.of(n=n, m=m, max_abs_value=worst)
    if n:
        ev.figures["m_per_n2"] = Fraction(m, n * n)
    if n >= 6:
        ev.figures["m_per_n2_from_n6"] = Fraction(m, n * n)
    return ev.bound("gates", m, max(gate_bound(n), 1))


@st.composite
def _quadratic_family(draw: st.DrawFn, max_length: int = 8) -> SLP:
    """k squarings (e = 2^k) followed by n − k additions of a_0: each alignment costs
    popcount(2^k − 1) = k multiplications, so m grows like n²/4."""
    n = draw(st.integers(2, max_length))
    k = draw(st.integers(1, n - 1))
    gates = [Gate("*", i - 1, i - 1) if i <= k else Gate("+", i - 1, 0)
             for i in range(1, n + 1)]
    return SLP(fmpq(1), tuple(gates))


def _a5_programs() -> st.SearchStrategy[SLP]:
    return st.one_of(_programs(7), _quadratic_family(8))


@claim(
    "Lemma A.5",
    "SLP → BN-SLP: Q has exactly the m gates counted from P's syntax, b_0 = 2^{−m}, "
    "ã_i = b_0^{e_i}·a_i at every gate, output 2^{−m·2^n}·n_P, all values in [−1, 1], "
    "e_i <= 2^i, m <= n(n−1)/2 + 3n − 1 = O(n²)",
    instances=_a5_programs(), examples=60, show=_show, tags=("identity",),
)
def lemma_a5(p: SLP) -> Evidence:
    """P is drawn with a_0 = 1 (random gates, n <= 7, and the quadratic family of squarings
    followed by additions of a_0); the a_i come from the Fraction reference evaluator.
    Figures: ``m_per_n2`` (worst m/n², reached at n = 1 where m = 2), the same for n >= 6
    (``m_per_n2_from_n6``) and ``gates`` against the explicit bound."""
    return _check_lemma_a5(p, None)


@claim(
    "Lemma A.5",
    "Negative control: without the final G_{2^n − e_n} the output is not 2^{−m·2^n}·n_P",
    instances=_a5_programs(), expect="counterexample", control_of="bnslp.lemma_a5",
    examples=20, show=_show,
)
def lemma_a5_unscaled_output_refuted(p: SLP) -> Evidence:
    return _check_lemma_a5(p, "no_output_scaling")


@claim(
    "Lemma A.5",
    "Negative control: an alignment one power short breaks ã_i = b_0^{e_i}·a_i",
    instances=_a5_programs(), expect="counterexample", control_of="bnslp.lemma_a5",
    examples=20, show=_show,
)
def lemma_a5_short_alignment_refuted(p: SLP) -> Evidence:
    return _check_lemma_a5(p, "low_alignment")
