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

**The power gadget G_t** (z ↦ z·b_0^t), with t = Σ_r t_r 2^r, in two constructions
(``construction=``):

* ``"paper"`` (the default; the paper's own): each G_t computes ITS OWN squarings
  p_0 := b_0, p_{r+1} := p_r·p_r (r < ⌊log₂ t⌋), then multiplies z by each p_r with
  t_r = 1, so G_t costs exactly ⌊log₂ t⌋ + popcount(t) gates and m counts them per gadget;
* ``"shared"`` (a valid variant with a smaller m, NOT the paper's m): the powers
  b_0^{2^r} are emitted once and shared by every gadget.

**Two passes** (no circularity): :func:`count_gates` computes m from the syntax of P alone,
from the exponents e_i and the multiset T of non-zero alignment exponents (including the
output's):

    paper:   m = n + Σ_{t∈T} (⌊log₂ t⌋ + popcount(t)),
    shared:  m = n + Σ_{t∈T} popcount(t) + max_{t∈T} ⌊log₂ t⌋;

:func:`to_bnslp` then sets b_0 := 2^{−m} and emits exactly m gates.  The two constructions
give different m, hence a different b_0, scale m·2^n and bit position.

**Bounds** (derived here, checked by ``bnslp.lemma_a5``).  e_i <= 2^i by induction (a product
adds two exponents <= 2^{i−1}; ± keeps the larger).  At a ± gate i >= 2 the alignment
exponent is t <= 2^{i−1} − 1 (⌊log₂ t⌋ <= i − 2, popcount <= i − 1; gate 1 aligns nothing);
the output's is <= 2^n − 1 (⌊log₂ t⌋ <= n − 1, popcount <= n).  Hence, for n >= 1,

    paper:   m <= n + Σ_{i=2}^{n}(2i − 3) + (2n − 1) = n + (n − 1)² + 2n − 1 = n² + n,
    shared:  m <= n + Σ_{i=1}^{n}(i − 1) + n + (n − 1) = n(n − 1)/2 + 3n − 1,

the explicit forms of m = O(n²) (:func:`gate_bound`); both are reached at n = 1.

**Bit index** (arXiv 2602.19017, Lemma A.5 and App. C).  The output is 2^{−m·2^n}·n_P, so
the digit of n_P at position j sits at position j − m·2^n of Q's value
(:meth:`BNSLP.bit_position`); see ``spec/theorem11.py`` for the network and the erratum
about a shift by ℓ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, get_args

from flint import fmpq
from hypothesis import strategies as st

from checkers.certificates import PolynomialIdentity, mul, num, power
from checkers.errors import SLPError
from checkers.rationals import bit, fmt
from checkers.reference import ref_bit, ref_slp_values
from checkers.slp import OPS, SLP, Gate
from spec.claims import (
    Certificate,
    Evidence,
    as_fraction,
    check,
    check_certificate,
    check_eq,
    check_le,
    claim,
)

__all__ = [
    "BNSLP",
    "CONSTRUCTIONS",
    "Construction",
    "Gadget",
    "NotIntegerSLPError",
    "all_integer_slps",
    "bn_constant",
    "count_gates",
    "exponents",
    "gadget_cost",
    "gate_bound",
    "is_bnslp",
    "to_bnslp",
    "with_bn_constant",
]


Construction = Literal["paper", "shared"]
CONSTRUCTIONS: tuple[Construction, ...] = get_args(Construction)


def _construction(c: str) -> Construction:
    if c not in CONSTRUCTIONS:
        raise SLPError(f"unknown Lemma A.5 construction {c!r}; choose paper or shared")
    return c


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


def gadget_cost(t: int) -> int:
    """Gates of the paper's G_t: ⌊log₂ t⌋ squarings + popcount(t) products (0 for t = 0)."""
    return 0 if t <= 0 else (t.bit_length() - 1) + t.bit_count()


def count_gates(slp: SLP, construction: Construction = "paper") -> int:
    """Pass 1 of Lemma A.5: m from the syntax of P alone (see the module doc)."""
    _require_integer_program(slp)
    ts = _alignments(slp, exponents(slp))
    if _construction(construction) == "paper":
        return slp.length + sum(gadget_cost(t) for t in ts)
    squarings = max((t.bit_length() - 1 for t in ts), default=0)
    return slp.length + sum(t.bit_count() for t in ts) + squarings


def gate_bound(n: int, construction: Construction = "paper") -> int:
    """The explicit bound on m for a program of length n: n² + n (paper) or
    n(n − 1)/2 + 3n − 1 (shared); 0 for n = 0."""
    if n == 0:
        return 0
    if _construction(construction) == "paper":
        return n * n + n
    return n * (n - 1) // 2 + 3 * n - 1


@dataclass(frozen=True)
class Gadget:
    """One power gadget G_t as emitted: z·b_0^t from gate ``source`` into gate ``result``,
    ``gates`` the number of gates it emitted (squarings included)."""

    t: int
    source: int
    result: int
    gates: int


@dataclass(frozen=True)
class BNSLP:
    """The BN-SLP I(P) of Lemma A.5.

    ``slp`` is Q = (b_0, ..., b_m) with b_0 = 2^{−m}; ``source`` is P (length n);
    ``exponents[i]`` is e_i and ``positions[i]`` the index in Q of ã_i = b_0^{e_i}·a_i
    (i = 0..n); ``powers[r]`` is the index of the shared p_r = b_0^{2^r} (``shared``; only
    p_0 = b_0 for ``paper``); ``squarings`` lists every squaring gate as (r, index of
    p_r); ``gadgets`` every G_t.  The last gate of Q is b_0^{2^n}·n_P.
    """

    slp: SLP
    source: SLP
    exponents: tuple[int, ...]
    positions: tuple[int, ...]
    powers: tuple[int, ...]
    construction: Construction = "paper"
    squarings: tuple[tuple[int, int], ...] = ()
    gadgets: tuple[Gadget, ...] = ()

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
        head = (f"# BN-SLP (Lemma A.5, {self.construction} construction) of a {self.n}-gate "
                f"program: m = {self.m}, "
                f"b0 = 2^-{self.m}, value = 2^-{self.scale_exponent} * n_P\n")
        return head + self.slp.to_text()


Bug = Literal["no_output_scaling", "low_alignment"]


def to_bnslp(slp: SLP, *, construction: Construction = "paper",
             _bug: Bug | None = None) -> BNSLP:
    """Lemma A.5: the BN-SLP I(P) with value 2^{−m·2^n}·n_P (pass 2 after :func:`count_gates`);
    ``construction`` ``"paper"`` (each G_t its own squarings, the default) or ``"shared"``.

    Raises :class:`NotIntegerSLPError` unless a_0 = 1.  (``_bug`` plants a defect for the
    negative controls.)
    """
    construction = _construction(construction)
    m = count_gates(slp, construction)
    e = exponents(slp)
    gates: list[Gate] = []
    powers = [0]
    squarings: list[tuple[int, int]] = []
    gadgets: list[Gadget] = []

    def emit(op: str, j: int, k: int) -> int:
        gates.append(Gate(op, j, k))  # type: ignore[arg-type]
        return len(gates)

    def scale(z: int, t: int) -> int:
        """G_t: z·b_0^t (own squarings for ``paper``, the shared powers for ``shared``)."""
        if t <= 0:
            return z
        before, z0 = len(gates), z
        own = [0]
        ps = own if construction == "paper" else powers
        while len(ps) < t.bit_length():
            ps.append(emit("*", ps[-1], ps[-1]))
            squarings.append((len(ps) - 1, ps[-1]))
        for r in range(t.bit_length()):
            if (t >> r) & 1:
                z = emit("*", z, ps[r])
        gadgets.append(Gadget(t, z0, z, len(gates) - before))
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
    return BNSLP(q, slp, tuple(e), tuple(pos), tuple(powers), construction,
                 tuple(squarings), tuple(gadgets))


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
    refuted_on=("BN-SLP gate value in [−1, 1] (Lemma A.4)",),
)
def lemma_a4_constant_too_large_refuted(p: SLP) -> Evidence:
    """The search has to find a fast-growing addition chain (e.g. the doubling chain, whose
    last value is then 2)."""
    return _check_lemma_a4(with_bn_constant(p, extra_bits=1))


def _paper_gadget_gates(t: int) -> int:
    """⌊log₂ t⌋ + popcount(t), written out from the paper's description of G_t."""
    squarings = 0
    while (1 << (squarings + 1)) <= t:
        squarings += 1
    return squarings + bin(t).count("1")


def _check_lemma_a5(p: SLP, bug: Bug | None, construction: Construction = "paper",
                    per_gadget: Construction | None = None) -> Evidence:
    """``per_gadget``: also check each G_t's gate count as that construction prescribes
    (by default the construction's own)."""
    bn = to_bnslp(p, construction=construction, _bug=bug)
    q = bn.slp
    n, m = bn.n, bn.m
    check_eq(bn.construction, construction, "the construction asked for")
    if bug is None:
        check_eq(m, count_gates(p, construction),
                 "pass 2 emits exactly the m gates counted by pass 1")
        check_eq(m, n + sum(g.gates for g in bn.gadgets),
                 "m = n + the gates of every gadget (nothing else is emitted)")
    rule = per_gadget or construction
    seen_r: set[int] = set()
    for g in bn.gadgets:
        if rule == "paper":
            check_eq(g.gates, _paper_gadget_gates(g.t),
                     "the paper's G_t costs ⌊log₂ t⌋ + popcount(t) gates (its own squarings)",
                     t=g.t, construction=construction)
        else:
            new = set(range(1, g.t.bit_length())) - seen_r
            check_eq(g.gates, bin(g.t).count("1") + len(new),
                     "the shared G_t costs popcount(t) + the squarings not emitted before",
                     t=g.t)
            seen_r |= new
    check_eq(as_fraction(q.a0), Fraction(1, 2 ** len(q.gates)),  # not is_bnslp: by hand
             "b_0 = 2^{−m} (Definition A.3)", m=m, b0=q.a0)
    want = ref_slp_values(p)  # the Fraction reference evaluator on P
    vals = q.evaluate()
    b0 = as_fraction(q.a0)
    for i, (e_i, pos) in enumerate(zip(bn.exponents, bn.positions, strict=True)):
        check_le(e_i, 2**i, "e_i <= 2^i", i=i)
        check_eq(as_fraction(vals[pos]), b0**e_i * want[i], "ã_i = b_0^{e_i}·a_i at its gate",
                 i=i, e_i=e_i, program=p.to_text())
    for r, pos in (*enumerate(bn.powers), *bn.squarings):
        check_eq(vals[pos], q.a0 ** (2**r), "p_r = b_0^{2^r}", r=r)
    for g in bn.gadgets:
        check_eq(vals[g.result], vals[g.source] * q.a0 ** g.t, "G_t multiplies by b_0^t",
                 t=g.t)
    n_p = want[-1]
    check_eq(as_fraction(vals[-1]), Fraction(n_p, 2**bn.scale_exponent),
             "output = 2^{−m·2^n}·n_P", m=m, n=n, program=p.to_text())
    check_eq(bn.scale_exponent, m * 2**n, "scale_exponent = m·2^n")
    worst = max(abs(v) for v in vals)
    check_le(worst, 1, "every gate value in [−1, 1] (Lemma A.4)")
    for j in (0, 1, 2, max(0, int(abs(n_p)).bit_length() - 1), int(abs(n_p)).bit_length()):
        check_eq(bit(vals[-1], bn.bit_position(j)), ref_bit(n_p, j),
                 "digit j of n_P sits at position j − m·2^n of the output", j=j)
    bound = (n * n + n if construction == "paper" else n * (n - 1) // 2 + 3 * n - 1) if n else 0
    check_eq(gate_bound(n, construction), bound, "gate_bound is the explicit polynomial")
    check_le(m, bound, f"m <= {'n² + n' if construction == 'paper' else 'n(n−1)/2 + 3n − 1'}",
             construction=construction)
    ev = Evidence.of(n=n, m=m, max_abs_value=worst)
    if n:
        ev.figures["m_per_n2"] = Fraction(m, n * n)
    if n >= 6:
        ev.figures["m_per_n2_from_n6"] = Fraction(m, n * n)
    return ev.bound("gates", m, max(bound, 1))


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
    "SLP → BN-SLP, the paper's construction (each G_t computes its own squarings): every "
    "G_t emits ⌊log₂ t⌋ + popcount(t) gates, m = n + Σ gadgets = the count from P's syntax, "
    "b_0 = 2^{−m}, ã_i = b_0^{e_i}·a_i at every gate, output 2^{−m·2^n}·n_P, all values in "
    "[−1, 1], e_i <= 2^i, m <= n² + n = O(n²)",
    instances=_a5_programs(), examples=60, show=_show, tags=("identity",),
)
def lemma_a5(p: SLP) -> Evidence:
    """P is drawn with a_0 = 1 (random gates, n <= 7, and the quadratic family of squarings
    followed by additions of a_0); the a_i come from the Fraction reference evaluator.
    Figures: ``m_per_n2`` (worst m/n², reached at n = 1 where m = 2), the same for n >= 6
    (``m_per_n2_from_n6``) and ``gates`` against the explicit bound n² + n."""
    return _check_lemma_a5(p, None, "paper")


@claim(
    "Lemma A.5",
    "SLP → BN-SLP, the shared-squarings variant (NOT the paper's m): the same identities, "
    "each G_t emits popcount(t) + the squarings not emitted before, m <= n(n−1)/2 + 3n − 1",
    instances=_a5_programs(), examples=40, show=_show, tags=("identity",),
)
def lemma_a5_shared(p: SLP) -> Evidence:
    return _check_lemma_a5(p, None, "shared")


A5_EXHAUSTIVE_LENGTH = 3


def all_integer_slps(max_length: int) -> list[SLP]:
    """Every SLP with a_0 = 1 of length ≤ ``max_length`` (3·i² choices for gate i), shortest
    first: 1, 4, 40, 1012 of them for lengths ≤ 0..3."""
    out: list[SLP] = [SLP(fmpq(1), ())]
    frontier: list[tuple[Gate, ...]] = [()]
    for i in range(1, max_length + 1):
        frontier = [(*gs, Gate(op, j, k)) for gs in frontier for op in OPS
                    for j in range(i) for k in range(i)]
        out += [SLP(fmpq(1), gs) for gs in frontier]
    return out


def _short_integer_slps() -> list[tuple[Construction, SLP]]:
    return [(c, p) for p in all_integer_slps(A5_EXHAUSTIVE_LENGTH) for c in CONSTRUCTIONS]


@claim(
    "Lemma A.5",
    "Lemma A.5 for EVERY SLP with a_0 = 1 of length ≤ 3, both constructions: per-gadget gate "
    "counts, m = the count from the syntax, ã_i = b_0^{e_i}·a_i, output 2^{−m·2^n}·n_P, "
    "values in [−1, 1], the bit position of digit j, the explicit bound on m",
    instances=st.sampled_from(_short_integer_slps()), exhaustive="SLPs (a_0 = 1) of length "
    f"≤ {A5_EXHAUSTIVE_LENGTH} × {{paper, shared}}", show=lambda i: f"# {i[0]}\n{_show(i[1])}",
)
def lemma_a5_exhaustive(inst: tuple[Construction, SLP]) -> Evidence:
    return _check_lemma_a5(inst[1], None, inst[0])


@claim(
    "Lemma A.5",
    "Negative control: the shared-squarings construction does not have the paper's "
    "per-gadget gate count ⌊log₂ t⌋ + popcount(t) (its m is not the paper's)",
    instances=_a5_programs(), expect="counterexample", control_of="bnslp.lemma_a5",
    examples=30, show=_show,
    refuted_on=("the paper's G_t costs ⌊log₂ t⌋ + popcount(t) gates (its own squarings)",),
)
def lemma_a5_shared_is_not_the_papers_refuted(p: SLP) -> Evidence:
    return _check_lemma_a5(p, None, "shared", per_gadget="paper")


@claim(
    "Lemma A.5",
    "Negative control: over the same exhaustive domain, without the final G_{2^n − e_n} "
    "the output is not 2^{−m·2^n}·n_P",
    instances=st.sampled_from(_short_integer_slps()), expect="counterexample",
    control_of="bnslp.lemma_a5_exhaustive", examples=20,
    show=lambda i: f"# {i[0]}\n{_show(i[1])}",
    refuted_on=("output = 2^{−m·2^n}·n_P",),
)
def lemma_a5_exhaustive_unscaled_refuted(inst: tuple[Construction, SLP]) -> Evidence:
    return _check_lemma_a5(inst[1], "no_output_scaling", inst[0])


@claim(
    "Lemma A.5",
    "Negative control: in the shared variant too, an alignment one power short breaks "
    "ã_i = b_0^{e_i}·a_i",
    instances=_a5_programs(), expect="counterexample", control_of="bnslp.lemma_a5_shared",
    examples=20, show=_show,
    refuted_on=("ã_i = b_0^{e_i}·a_i at its gate",),
)
def lemma_a5_shared_short_alignment_refuted(p: SLP) -> Evidence:
    return _check_lemma_a5(p, "low_alignment", "shared")


@claim(
    "Lemma A.4",
    "Lemma A.4 for EVERY gate structure of length ≤ 3 (b_0 = 2^{−m}): values in [−1, 1] "
    "and the invariant max_{t<=i}|b_t| <= 2^i·b_0",
    instances=st.sampled_from([p for _, p in _short_integer_slps()[::2]]),
    exhaustive=f"gate structures of length ≤ {A5_EXHAUSTIVE_LENGTH}", show=_show,
)
def lemma_a4_exhaustive(p: SLP) -> Evidence:
    return _check_lemma_a4(with_bn_constant(p))


@claim(
    "Lemma A.5",
    "Negative control: without the final G_{2^n − e_n} the output is not 2^{−m·2^n}·n_P",
    instances=_a5_programs(), expect="counterexample", control_of="bnslp.lemma_a5",
    examples=20, show=_show,
    refuted_on=("output = 2^{−m·2^n}·n_P",),
)
def lemma_a5_unscaled_output_refuted(p: SLP) -> Evidence:
    return _check_lemma_a5(p, "no_output_scaling", "paper")


@claim(
    "Lemma A.5",
    "Negative control: an alignment one power short breaks ã_i = b_0^{e_i}·a_i",
    instances=_a5_programs(), expect="counterexample", control_of="bnslp.lemma_a5",
    examples=20, show=_show,
    refuted_on=("ã_i = b_0^{e_i}·a_i at its gate",),
)
def lemma_a5_short_alignment_refuted(p: SLP) -> Evidence:
    return _check_lemma_a5(p, "low_alignment")


# --------------------------------------------------------------------------- certified, n <= 2

A5_CERTIFIED_LENGTH = 2
"""Lemma A.5 is certified exhaustively for every program of length <= this (40 programs)."""


def short_programs(max_length: int = A5_CERTIFIED_LENGTH) -> list[SLP]:
    """Every SLP with a_0 = 1 and at most ``max_length`` gates (all ops, all operands)."""
    out: list[SLP] = []

    def extend(gates: list[Gate]) -> None:
        out.append(SLP(fmpq(1), tuple(gates)))
        if len(gates) == max_length:
            return
        i = len(gates) + 1
        for op in OPS:
            for j in range(i):
                for k in range(i):
                    extend([*gates, Gate(op, j, k)])

    extend([])
    return out


def a5_certificate(p: SLP, *, bug: Bug | None = None) -> PolynomialIdentity:
    """Lemma A.5 for one program P: the gates of I(P), with b_0 as a variable, give
    b_0^{2^n}·n_P identically in ℚ[b_0] (hence 2^{−m·2^n}·n_P at b_0 = 2^{−m});
    n_P from the Fraction reference evaluator."""
    q = to_bnslp(p, _bug=bug).slp
    defs = [(f"q{i}", [g.op, f"q{g.j}" if g.j else "b0", f"q{g.k}" if g.k else "b0"])
            for i, g in enumerate(q.gates, start=1)]
    n_p = ref_slp_values(p)[-1]
    out = f"q{q.length}" if q.length else "b0"
    return PolynomialIdentity(
        name="lemma_A_5_" + "_".join(f"{'mul' if g.op == '*' else 'add' if g.op == '+' else 'sub'}"
                                     f"{g.j}{g.k}" for g in p.gates),
        variables=("b0",), definitions=tuple(defs), lhs=out,
        rhs=mul(num(n_p), power("b0", 2**p.length)),
        statement=f"Lemma A.5 for P = ({'; '.join(f'{g.op} {g.j} {g.k}' for g in p.gates)}): "
                  f"I(P) outputs b0^(2^n)·n_P with n_P = {n_p}")


def _prove_a5_short() -> Certificate:
    progs = short_programs()
    return Certificate(f"I(P) outputs b_0^(2^n)·n_P in ℚ[b_0] for all {len(progs)} programs "
                       f"of length <= {A5_CERTIFIED_LENGTH}",
                       items=tuple(a5_certificate(p) for p in progs))


@claim(
    "Lemma A.5",
    f"Exhaustively for every SLP P with a_0 = 1 of length n <= {A5_CERTIFIED_LENGTH}: I(P) "
    "with b_0 as a variable outputs b_0^{2^n}·n_P in ℚ[b_0], so 2^{−m·2^n}·n_P at "
    "b_0 = 2^{−m}; proved by one polynomial identity per program",
    instances=st.sampled_from(short_programs()), prover=_prove_a5_short, examples=10,
    show=_show, tags=("identity",),
)
def lemma_a5_short_programs(p: SLP) -> Evidence:
    """The full Lemma A.5 check on a drawn short program (the prover covers all of them)."""
    check_certificate(a5_certificate(p), "I(P) outputs b_0^{2^n}·n_P in ℚ[b_0]",
                      program=p.to_text())
    return _check_lemma_a5(p, None)


@claim(
    "Lemma A.5",
    "Negative control: without the final G_{2^n − e_n} the identity I(P) = b_0^{2^n}·n_P "
    "in ℚ[b_0] fails for some short program",
    instances=st.sampled_from(short_programs()), expect="counterexample",
    control_of="bnslp.lemma_a5_short_programs", examples=20, show=_show,
    refuted_on=("I(P) outputs b_0^{2^n}·n_P in ℚ[b_0]",),
)
def lemma_a5_short_unscaled_refuted(p: SLP) -> Evidence:
    check_certificate(a5_certificate(p, bug="no_output_scaling"),
                      "I(P) outputs b_0^{2^n}·n_P in ℚ[b_0]", program=p.to_text())
    return Evidence()
    return _check_lemma_a5(p, "low_alignment", "paper")


@claim(
    "Lemma A.4",
    "Negative control: over the same exhaustive domain, b_0 = 2^{−m+1} puts some value "
    "outside [−1, 1]",
    instances=st.sampled_from([p for _, p in _short_integer_slps()[::2]]),
    expect="counterexample", control_of="bnslp.lemma_a4_exhaustive", examples=50, show=_show,
    refuted_on=("BN-SLP gate value in [−1, 1] (Lemma A.4)",),
)
def lemma_a4_exhaustive_too_large_refuted(p: SLP) -> Evidence:
    return _check_lemma_a4(with_bn_constant(p, extra_bits=1))
