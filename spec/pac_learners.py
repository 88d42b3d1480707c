"""Theorems D.4 / D.1 at full strength: every deterministic learner, every mixture, and the
three steps of the proof the issue asks to settle.

**Every deterministic learner** (:func:`all_learner_failures`).  On the hard pair c⁽¹⁾, c⁽²⁾
a learner's input is the sequence of m examples.  A sequence missing 2^q carries the same
labels under both targets, so the learner makes ONE choice there; a sequence containing 2^q
is a different input under each target, so it makes one choice per target.  Only whether
its output ĥ equals h_{c⁽¹⁾}, h_{c⁽²⁾} at each point matters, so ĥ may be replaced by the
function taking, at each x, h_{c⁽¹⁾}(x), h_{c⁽²⁾}(x) or a third value: a finite set of
hypotheses realizing every error pattern (improper outputs included).  Enumerating every
choice at every input enumerates every deterministic learner up to its failures on the pair;
each one's average failure ½(Pr_{c⁽¹⁾}[err > ε] + Pr_{c⁽²⁾}[err > ε]) is computed exactly.

**Mixtures.**  A randomized learner is a probability distribution over choices at each input
(or over deterministic learners): its failure is the same weighted sum, so it is ≥ the
minimum over deterministic learners.  Checked exactly on random rational mixtures.

**Settled.**  (i) Theorem 1.6's "Ω(q)" needs ε < 1/(q + 1): for a fixed ε (1/4) ERM with a
constant number of examples suffices for every q (erratum of the reading without it).
(ii) "Choosing one binary expansion arbitrarily": the bit formula holds only for the
terminating expansion of a dyadic c (erratum).  (iii) "Some deterministic learner in its
support would also satisfy it" is false as a general step (erratum, m = 0, q = 1); the
bound carries over to mixtures anyway, because the proof bounds the AVERAGE over the pair.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

from flint import fmpq
from hypothesis import strategies as st

from spec.claims import Evidence, check, check_eq, check_le, claim
from spec.pac import (
    ERM_LOW,
    PowerDistribution,
    RoundedMultiplier,
    failure_bound,
    failure_probability,
    hard_pair,
    round_q,
)

CLAIM_NAMESPACE = "pac"

__all__ = ["PairGame", "all_learner_failures", "erm_failure_upper", "pair_game"]


@dataclass(frozen=True)
class PairGame:
    """The hard pair as a finite game: per input, the achievable failure patterns.

    ``shared``: one entry per sequence missing 2^q, the set of (fail under c⁽¹⁾, fail under
    c⁽²⁾) patterns some output realizes; ``separate``: per sequence containing 2^q and per
    target, the set of achievable fail bits.  Every sequence has probability (q+1)^{−m}.
    """

    q: int
    m: int
    shared: tuple[frozenset[tuple[int, int]], ...]
    separate: tuple[frozenset[int], ...]


def _hypothesis_values(q: int, c1: fmpq, c2: fmpq) -> list[tuple[fmpq, ...]]:
    """Every function x ↦ {h1(x), h2(x), a third value} on 𝒳_q (module doc)."""
    h1, h2 = RoundedMultiplier(c1, q), RoundedMultiplier(c2, q)
    per_x = []
    for x in PowerDistribution(q).support:
        vals = {h1(x), h2(x)}
        vals.add(max(vals) + fmpq(1, 2**q))
        per_x.append(sorted(vals))
    return [tuple(v) for v in itertools.product(*per_x)]


def pair_game(q: int, m: int, bits: Sequence[int], eps: fmpq) -> PairGame:
    c1, c2 = hard_pair(q, bits)
    dist = PowerDistribution(q)
    xs = dist.support
    h1, h2 = RoundedMultiplier(c1, q), RoundedMultiplier(c2, q)
    v1, v2 = [h1(x) for x in xs], [h2(x) for x in xs]

    def fails(h: tuple[fmpq, ...], v: list[fmpq]) -> int:
        wrong = sum(1 for a, b in zip(h, v, strict=True) if a != b)
        return int(fmpq(wrong, q + 1) > eps)

    hyps = _hypothesis_values(q, c1, c2)
    patterns = frozenset((fails(h, v1), fails(h, v2)) for h in hyps)
    singles1 = frozenset(p[0] for p in patterns)
    singles2 = frozenset(p[1] for p in patterns)
    shared: list[frozenset[tuple[int, int]]] = []
    separate: list[frozenset[int]] = []
    top = xs[-1]
    for seq in itertools.product(xs, repeat=m):
        same = [h1(x) for x in seq] == [h2(x) for x in seq]
        check_eq(same, top not in seq, "the two targets' samples coincide iff 2^q is missed")
        if same:
            shared.append(patterns)
        else:
            separate += [singles1, singles2]
    return PairGame(q, m, tuple(shared), tuple(separate))


def all_learner_failures(game: PairGame) -> Iterator[int]:
    """For every deterministic learner: Σ over inputs of its fail bits (the average failure
    over the pair is this over 2(q+1)^m)."""
    shared = [sorted(s) for s in game.shared]
    separate = [sorted(s) for s in game.separate]
    for a in itertools.product(*shared):
        base = sum(f1 + f2 for f1, f2 in a)
        for b in itertools.product(*separate):
            yield base + sum(b)


def _domain() -> list[tuple[int, int, tuple[int, ...]]]:
    out = []
    for q, ms in ((1, range(0, 4)), (2, range(0, 2))):
        for m in ms:
            for bits in itertools.product((0, 1), repeat=2 * q - 1):
                out.append((q, m, bits))
    out.append((2, 2, (0, 1, 1)))
    return out


def _check_all(inst: tuple[int, int, tuple[int, ...]], eps_of: str = "below") -> Evidence:
    q, m, bits = inst
    eps = fmpq(1, q + 2) if eps_of == "below" else fmpq(1, q + 1)
    game = pair_game(q, m, bits, eps)
    bound = failure_bound(q, m)  # q^m / (2 (q+1)^m)
    den = 2 * (q + 1) ** m
    count = 0
    best = None
    for total in all_learner_failures(game):
        count += 1
        check_le(fmpq(q**m, den), fmpq(total, den), "every deterministic learner's average "
                 "failure over the pair >= ½(q/(q+1))^m", q=q, m=m, eps=eps)
        best = total if best is None else min(best, total)
    assert best is not None
    check_eq(fmpq(best, den), bound, "the best deterministic learner attains ½(q/(q+1))^m",
             q=q, m=m)
    return Evidence.of(q=q, m=m, learners=count)


@claim(
    "Theorem D.4",
    "EVERY deterministic learner (proper or not) on the hard pair, ε = 1/(q+2) < 1/(q+1): "
    "average failure over c⁽¹⁾, c⁽²⁾ >= ½(q/(q+1))^m, with equality for the best one — "
    "enumerated for q = 1 (m <= 3), q = 2 (m <= 1, and m = 2 for one pair), every pair",
    instances=st.sampled_from(_domain()), exhaustive="q = 1, m ≤ 3; q = 2, m ≤ 1 (+ m = 2); "
    "every learner", show=repr,
)
def every_deterministic_learner(inst: tuple[int, int, tuple[int, ...]]) -> Evidence:
    """Up to 3^{sequences missing 2^q}·2^{2·sequences with 2^q} learners per instance
    (82 944 for q = 2, m = 2)."""
    return _check_all(inst)


@claim(
    "Theorem D.4",
    "Negative control: with ε = 1/(q+1) (outside the theorem) a learner may err at 2^q and "
    "still succeed, so some deterministic learner beats ½(q/(q+1))^m",
    instances=st.sampled_from([d for d in _domain() if d[1] >= 1]), expect="counterexample",
    control_of="pac.every_deterministic_learner", examples=5, show=repr,
    refuted_on=("every deterministic learner's average failure over the pair >= ½(q/(q+1))^m",),
)
def every_learner_eps_too_large_refuted(inst: tuple[int, int, tuple[int, ...]]) -> Evidence:
    return _check_all(inst, eps_of="at")


@st.composite
def _mixtures(draw: st.DrawFn) -> tuple[int, int, tuple[int, ...], list[list[int]]]:
    q, m, bits = draw(st.sampled_from([d for d in _domain() if d[:2] != (2, 2)]))
    game = pair_game(q, m, bits, fmpq(1, q + 2))
    n_inputs = len(game.shared) + len(game.separate)
    weights = draw(st.lists(st.lists(st.integers(0, 5), min_size=3, max_size=3),
                            min_size=n_inputs, max_size=n_inputs))
    return q, m, bits, weights


@claim(
    "Theorem D.4",
    "EVERY randomized learner is a mixture: random rational distributions over the choices at "
    "each input give an exact average failure over the pair >= ½(q/(q+1))^m",
    instances=_mixtures(), examples=30, show=repr,
)
def randomized_learners(inst: tuple[int, int, tuple[int, ...], list[list[int]]]) -> Evidence:
    """The failure of a mixture is the weighted sum of its choices' fail bits (linearity):
    checked exactly with fmpq weights, input by input."""
    return _check_mixture(inst, 1)


def _check_mixture(inst: tuple[int, int, tuple[int, ...], list[list[int]]],
                   factor: int) -> Evidence:
    q, m, bits, weights = inst
    game = pair_game(q, m, bits, fmpq(1, q + 2))
    total = fmpq(0)
    rows = iter(weights)
    for pats in game.shared:
        opts = sorted(pats)
        w = next(rows)[: len(opts)]
        if sum(w) == 0:
            w = [1] * len(opts)
        total += sum((fmpq(wi, sum(w)) * (f1 + f2) for wi, (f1, f2) in zip(w, opts,
                                                                          strict=True)),
                     fmpq(0))
    for bits_set in game.separate:
        opts1 = sorted(bits_set)
        w = next(rows)[: len(opts1)]
        if sum(w) == 0:
            w = [1] * len(opts1)
        total += sum((fmpq(wi, sum(w)) * f for wi, f in zip(w, opts1, strict=True)), fmpq(0))
    failure = total / (2 * (q + 1) ** m)
    check_le(factor * failure_bound(q, m), failure,
             "a mixture's average failure >= ½(q/(q+1))^m" if factor == 1 else
             "a mixture's average failure >= (q/(q+1))^m (without the ½)", q=q, m=m)
    return Evidence.of(q=q, m=m)


@claim(
    "Theorem D.4",
    "Negative control: the bound without the factor ½, (q/(q+1))^m, is beaten by some mixture",
    instances=_mixtures(), expect="counterexample", control_of="pac.randomized_learners",
    examples=30, show=repr,
    refuted_on=("a mixture's average failure >= (q/(q+1))^m (without the ½)",),
)
def mixture_without_half_refuted(inst: tuple[int, int, tuple[int, ...], list[list[int]]]
                                 ) -> Evidence:
    return _check_mixture(inst, 2)


# --------------------------------------------------------------------------- Ω(q) and ε


def erm_failure_upper(q: int, m: int, eps: Fraction) -> Fraction:
    """Pr[err(ERM_LOW) > ε] <= (a/(q+1))^m for EVERY target, a = #{k : (q − k)/(q+1) > ε}:
    a sample containing 2^j fixes the first j + q bits of c, so ERM is right at 2^0..2^j and
    its error is <= (q − j)/(q + 1)."""
    a = sum(1 for k in range(q + 1) if Fraction(q - k, q + 1) > eps)
    return Fraction(a, q + 1) ** m


FIXED_EPS = Fraction(1, 4)
FIXED_DELTA = Fraction(1, 8)
CONSTANT_M = 8


@claim(
    "Theorem 1.6",
    "Theorem 1.6 / D.1's 'Ω(q)' read without ε < 1/(q+1): for the fixed ε = 1/4, δ = 1/8, "
    "every (ε, δ) learner needs m >= q·ln(1/(2δ)) examples — checked against ERM with m = 8 "
    "for q = 1..40",
    instances=st.sampled_from(list(range(1, 41))), status="erratum", expect="counterexample",
    control_of="pac.sample_size_lower_bound", exhaustive="q = 1..40", show=repr,
    refuted_on=("m >= q·ln(1/(2δ)) for every (ε, δ) learner with ε fixed",),
)
def omega_q_without_eps_erratum(q: int) -> Evidence:
    """Refuted at q = 6 (6·ln 4 ≈ 8.3 > 8): ERM with 8 examples fails with probability
    <= (a/(q+1))^8 <= δ for every target and every q (a ≈ 3(q+1)/4), cross-checked with the
    exact failure probability of ERM for q <= 4.  The Ω(q) needs ε < 1/(q+1), as Theorem D.4
    states."""
    upper = erm_failure_upper(q, CONSTANT_M, FIXED_EPS)
    check(upper <= FIXED_DELTA, "ERM with 8 examples is an (1/4, 1/8) learner (sanity)",
          q=q, upper=upper)
    if q <= 4:
        for t in range(0, 2 ** (2 * q + 1), 3):
            c = fmpq(t, 2 ** (2 * q + 1))
            p = failure_probability(ERM_LOW, q, c, CONSTANT_M, fmpq(1, 4))
            check(Fraction(int(p.p), int(p.q)) <= upper, "exact ERM failure <= the bound",
                  q=q, c=c)
    # decide m >= q·ln(1/(2δ)) exactly: 8 >= q·ln 4  ⇔  e^8 >= 4^q
    e8_lower = Fraction(2980957987, 1000000)  # e^8 = 2980.957987... (lower 6-digit rational)
    e8_upper = Fraction(2980958, 1000)
    holds = 4**q <= e8_lower
    check(holds or 4**q > e8_upper, "decided exactly", q=q)
    check(holds, "m >= q·ln(1/(2δ)) for every (ε, δ) learner with ε fixed", q=q, m=CONSTANT_M,
          four_to_q=4**q, e_to_the_m_upper=e8_upper)
    return Evidence.of(q=q)


# --------------------------------------------------------------------------- binary expansions


def _expansion_domain() -> list[tuple[int, int, int]]:
    """(q, L, t): dyadic c = t/2^L, t odd, L <= 2q (its last 1 within the digits the
    formula reads), shortest first."""
    return [(q, length, t) for q in (1, 2) for length in range(1, 2 * q + 1)
            for t in range(1, 2**length, 2)]


def _ones_expansion(t: int, length: int, digits: int) -> list[int]:
    """The non-terminating expansion of t/2^length (t odd): t − 1 then 0111…"""
    head = [(t - 1) >> (length - i) & 1 for i in range(1, length + 1)]
    head[-1] = 0
    return head + [1] * (digits - length)


@claim(
    "Theorem D.4",
    "Theorem D.4's proof, 'choosing one binary expansion arbitrarily': h_c(2^k) = "
    "2^{−q}Σ_{i≤k+q} b_i 2^{k+q−i} holds for EITHER expansion of a dyadic c — checked on "
    "the non-terminating one (…0111…) for q = 1, 2",
    instances=st.sampled_from(_expansion_domain()), status="erratum", expect="counterexample",
    control_of="pac.rounded_multiplier_formula", exhaustive="dyadic c = t/2^L, L ≤ 2q, "
    "q = 1, 2", show=repr,
    refuted_on=("the bit formula with the chosen expansion",),
)
def binary_expansion_erratum(inst: tuple[int, int, int]) -> Evidence:
    """Refuted by q = 1, c = 1/2 = 0.0111…: at x = 2^0 the truncated 1s-expansion gives 0
    while h_c(1) = round_1(1/2) = 1/2 (the sum misses the tail, worth exactly 2^{−(k+q)}).
    The formula needs the terminating expansion (ending in 0s), which the proof's
    c⁽¹⁾ = 0.b…000… and c⁽²⁾ = 0.b…100… use: the choice is not arbitrary."""
    q, length, t = inst
    c = fmpq(t, 2**length)
    bits = _ones_expansion(t, length, 4 * q + 4)
    for k in range(q + 1):
        formula = fmpq(sum(b << (k + q - i) for i, b in enumerate(bits[: k + q], start=1)),
                       2**q)
        check_eq(formula, round_q(c * 2**k, q), "the bit formula with the chosen expansion",
                 q=q, c=c, k=k)
    return Evidence()


# --------------------------------------------------------------------------- support step


def _support_game() -> list[tuple[str, list[int]]]:
    """q = 1, m = 0, ε = 1/2: a learner outputs a fixed hypothesis; rows: the four
    hypotheses of ℋ_1 by their values at (1, 2), fail bits against the four targets."""
    q = 1
    dist = PowerDistribution(q)
    cs = [fmpq(k, 4) for k in range(4)]
    hs = [RoundedMultiplier(c, q) for c in cs]
    rows = []
    for h in hs:
        rows.append((f"h_{h.c}", [int(dist.error(h, t) > fmpq(1, 2)) for t in hs]))
    return rows


@claim(
    "Theorem D.4",
    "Theorem D.4's proof, randomized → deterministic as a general step: if a mixture of "
    "deterministic learners is an (ε, δ) learner, some learner in its support is one — "
    "checked on (ℋ_1, D_1), m = 0, ε = 1/2, δ = 1/2, the uniform mixture of h_0 and h_{1/2}",
    instances=st.just(None), status="erratum", expect="counterexample",
    control_of="pac.randomized_learners", examples=1,
    refuted_on=("some deterministic learner in the support is an (ε, δ) learner",),
)
def support_step_erratum(_: None) -> Evidence:
    """Refuted: the mixture fails each target with probability 1/2 <= δ, but h_0 fails the
    target h_{1/2} and h_{1/2} fails h_0 with probability 1.  (δ = 1/2 lies outside D.4's
    δ < 1/4; the point is the step, which is a minimax statement, not a support one.)  The
    lower bound needs no such step: the proof bounds the AVERAGE failure over c⁽¹⁾, c⁽²⁾,
    which is linear in the mixture (``pac.randomized_learners``)."""
    rows = dict(_support_game())
    mix = ["h_0", "h_1/2"]
    delta = Fraction(1, 2)
    n_t = len(next(iter(rows.values())))
    mixture_ok = all(Fraction(sum(rows[h][t] for h in mix), len(mix)) <= delta
                     for t in range(n_t))
    check(mixture_ok, "the mixture is an (ε, δ) learner (premise)")
    some_pure = any(all(rows[h][t] <= delta for t in range(n_t)) for h in mix)
    check(some_pure, "some deterministic learner in the support is an (ε, δ) learner",
          fail_rows={h: rows[h] for h in mix})
    return Evidence()
