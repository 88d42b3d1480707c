"""Appendix D: realizable PAC learning in the real model versus the bit model.

Theorem D.1 (= Theorem 1.6): for every q ≥ 1 there is a hypothesis class and a
distribution with realizable PAC sample complexity O(1) in the exact real-RAM model and
Ω(q) in the bit model with precision-q rounding.  The class is Definition D.3's rounded
multipliers:

* 𝒳_q = {2^0, 2^1, …, 2^q} and D_q uniform on it (:class:`PowerDistribution`);
* round_q(z) = 2^{−q}⌊z·2^q⌋ (:func:`round_q`);
* h_c(x) = round_q(c·x) for c ∈ [0, 1) (:class:`RoundedMultiplier`), ℋ_q = {h_c}
  (:class:`RoundedMultipliers`); labels in 𝒴 = 2^{−q}ℤ; 0-1 loss.

Theorem D.4's lower bound rests on the *hard pair* (:func:`hard_pair`)
c⁽¹⁾ = 0.b_1…b_{2q−1}000… and c⁽²⁾ = 0.b_1…b_{2q−1}100…, which agree on 2^0..2^{q−1} and
differ by 2^{−q} at 2^q: a sample that misses 2^q (probability (q/(q+1))^m) cannot tell
them apart, so some target fails with probability ≥ ½(q/(q+1))^m
(:func:`failure_bound`), and requiring that to be ≤ δ forces m ≥ q·ln(1/(2δ))
(:func:`minimal_sample_size`; the logarithm is natural: arXiv 2602.19017, App. D, proof of Thm D.4).

Everything here is exact: rationals are ``fmpq``, probabilities are ``fmpq``, and the
logarithms of the sample-size bound are enclosed in rigorous ``arb`` balls.  The
simulation of natural learners (:func:`simulate`) draws with a seeded ``random.Random``
and counts failures exactly; :func:`plot_simulation` draws it with matplotlib.

**Why one module of ~760 lines.**  It is one result, Appendix D (Theorems D.1 and D.4):
the objects of Definition D.3, the exact probabilities of the proof, the simulation of the
learners that the proof quantifies over, and the claims all speak of the same hard pair
and the same learners, and their claims check one against the other.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from flint import arb, ctx, fmpq, fmpz
from hypothesis import strategies as st

from checkers.errors import WhyReluError
from checkers.rationals import RationalLike, fmt, to_q
from spec.claims import Evidence, check, check_eq, claim

# --------------------------------------------------------------------------- objects


class PACError(WhyReluError, ValueError):
    """Malformed input to the Appendix D objects (q < 1, c ∉ [0, 1), x ∉ 𝒳_q, a label
    outside 𝒴, a sample no hypothesis of ℋ_q realizes, δ ∉ (0, 1/2), ...)."""


def _check_q(q: object) -> int:
    if isinstance(q, bool) or not isinstance(q, int | fmpz):
        raise PACError(f"precision q must be an integer >= 1, got {type(q).__name__} {q!r}")
    if int(q) < 1:
        raise PACError(f"precision q must be an integer >= 1, got {q}")
    return int(q)


def round_q(z: RationalLike, q: int) -> fmpq:
    """Definition D.3: ``round_q(z) = 2^{−q}⌊z·2^q⌋`` (round down to a multiple of 2^{−q}).

    >>> round_q("5/7", 2), round_q("-1/3", 1)
    (1/2, -1/2)
    """
    q = _check_q(q)
    return fmpq((to_q(z) * 2**q).floor(), 2**q)


@dataclass(frozen=True)
class RoundedMultiplier:
    """h_c(x) = round_q(c·x) for c ∈ [0, 1) (Definition D.3)."""

    c: fmpq
    q: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "q", _check_q(self.q))
        c = to_q(self.c)
        if not 0 <= c < 1:
            raise PACError(f"ℋ_q needs c in [0, 1), got c = {fmt(c)}")
        object.__setattr__(self, "c", c)
        object.__setattr__(self, "_scaled", c * 2**self.q)

    def index(self, x: RationalLike) -> fmpz:
        """K with h_c(x) = K·2^{−q}, i.e. ⌊c·x·2^q⌋."""
        v = x if isinstance(x, int) and not isinstance(x, bool) else to_q(x)
        scaled: fmpq = self._scaled  # type: ignore[attr-defined]
        return (scaled * v).floor()

    def __call__(self, x: RationalLike) -> fmpq:
        return fmpq(self.index(x), 2**self.q)

    def real(self, x: RationalLike) -> fmpq:
        """The unrounded value c·x (the exact real model of Definition D.3)."""
        return self.c * to_q(x)


@dataclass(frozen=True)
class PowerDistribution:
    """D_q: uniform on 𝒳_q = {2^0, …, 2^q} (Definition D.3)."""

    q: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "q", _check_q(self.q))

    @property
    def support(self) -> tuple[int, ...]:
        return tuple(1 << k for k in range(self.q + 1))

    def index(self, x: RationalLike) -> int:
        """k with x = 2^k; :class:`PACError` if x ∉ 𝒳_q."""
        v = to_q(x)
        if v.q != 1 or v <= 0:
            raise PACError(f"{fmt(v)} is not in X_q = {{2^0, ..., 2^{self.q}}}")
        n = int(v.p)
        k = n.bit_length() - 1
        if n != 1 << k or k > self.q:
            raise PACError(f"{n} is not in X_q = {{2^0, ..., 2^{self.q}}}")
        return k

    def probability(self, x: RationalLike) -> fmpq:
        self.index(x)
        return fmpq(1, self.q + 1)

    def sample(self, rng: random.Random, m: int) -> list[int]:
        """m i.i.d. draws from D_q."""
        return [1 << k for k in rng.choices(range(self.q + 1), k=m)]

    def error(self, h_hat: RoundedMultiplier, h_star: RoundedMultiplier) -> fmpq:
        """err_D(ĥ, h*) = Pr_{x∼D_q}[ĥ(x) ≠ h*(x)] (Definition D.2), exactly."""
        wrong = sum(1 for x in self.support if h_hat.index(x) != h_star.index(x))
        return fmpq(wrong, self.q + 1)


@dataclass(frozen=True)
class RoundedMultipliers:
    """ℋ_q = {h_c : c ∈ [0, 1)} with labels 𝒴 = 2^{−q}ℤ (Definition D.3)."""

    q: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "q", _check_q(self.q))

    def h(self, c: RationalLike) -> RoundedMultiplier:
        return RoundedMultiplier(to_q(c), self.q)

    def __contains__(self, h: object) -> bool:
        return isinstance(h, RoundedMultiplier) and h.q == self.q

    def is_label(self, y: RationalLike) -> bool:
        """y ∈ 𝒴 = {2^{−q}k : k ∈ ℤ}."""
        return bool((to_q(y) * 2**self.q).q == 1)

    @property
    def distribution(self) -> PowerDistribution:
        return PowerDistribution(self.q)


Example = tuple[int, fmpq]
"""A labelled example (x, y) with x ∈ 𝒳_q and y ∈ 𝒴."""


def consistent_interval(q: int, sample: Iterable[Example]) -> tuple[fmpq, fmpq]:
    """The set {c ∈ [0, 1) : h_c(x) = y for every (x, y) in the sample}, an interval [lo, hi).

    A label y = K·2^{−q} at x = 2^k says ⌊c·2^{k+q}⌋ = K, i.e. c ∈ [K/2^{k+q}, (K+1)/2^{k+q}).
    """
    dist = PowerDistribution(q)
    lo, hi = fmpq(0), fmpq(1)
    for x, y in sample:
        k = dist.index(x)
        scaled = to_q(y) * 2**q
        if scaled.q != 1:
            raise PACError(f"label {fmt(to_q(y))} is not in Y = 2^-{q}Z")
        width = 2 ** (k + q)
        lo = max(lo, fmpq(scaled.p, width))
        hi = min(hi, fmpq(scaled.p + 1, width))
    if lo >= hi:
        raise PACError("the sample is not realizable by any h_c in H_q")
    return lo, hi


Chooser = Callable[[fmpq, fmpq, random.Random | None], fmpq]


@dataclass(frozen=True)
class Learner:
    """A learner for ℋ_q (Definition D.2) that outputs some c in the consistent interval.

    ERM learners depend on the sample only through its set of distinct examples, which
    :func:`failure_probability` relies on.
    """

    name: str
    choose: Chooser
    deterministic: bool = True

    def __call__(self, q: int, sample: Sequence[Example],
                 rng: random.Random | None = None) -> RoundedMultiplier:
        lo, hi = consistent_interval(q, sample)
        c = self.choose(lo, hi, rng)
        if not lo <= c < hi:
            raise PACError(f"learner {self.name} left the consistent interval")
        return RoundedMultiplier(c, q)


def _random_point(lo: fmpq, hi: fmpq, rng: random.Random | None) -> fmpq:
    if rng is None:
        raise PACError("a randomized learner needs a random.Random")
    return lo + (hi - lo) * fmpq(rng.randrange(1 << 16), 1 << 16)


ERM_LOW = Learner("ERM, smallest consistent c", lambda lo, hi, rng: lo)
ERM_MID = Learner("ERM, midpoint of the consistent interval", lambda lo, hi, rng: (lo + hi) / 2)
ERM_RANDOM = Learner("ERM, random consistent c", _random_point, deterministic=False)
NATURAL_LEARNERS: tuple[Learner, ...] = (ERM_LOW, ERM_MID, ERM_RANDOM)


def hard_pair(q: int, bits: Sequence[int]) -> tuple[fmpq, fmpq]:
    """Theorem D.4's targets c⁽¹⁾ = 0.b_1…b_{2q−1}000…, c⁽²⁾ = 0.b_1…b_{2q−1}100….

    >>> hard_pair(1, [1])
    (1/2, 3/4)
    """
    q = _check_q(q)
    if len(bits) != 2 * q - 1 or any(b not in (0, 1) for b in bits):
        raise PACError(f"hard_pair needs 2q - 1 = {2 * q - 1} bits in {{0, 1}}, got {bits!r}")
    return _pair_at(bits, 2 * q)


def _pair_at(prefix: Sequence[int], position: int) -> tuple[fmpq, fmpq]:
    """0.prefix000… and 0.prefix with a 1 at binary ``position`` (prefix has position−1 bits)."""
    assert len(prefix) == position - 1
    num = 0
    for b in prefix:
        num = 2 * num + b
    c1 = fmpq(num, 2 ** (position - 1))
    return c1, c1 + fmpq(1, 2**position)


def failure_bound(q: int, m: int) -> fmpq:
    """½(q/(q+1))^m: the failure probability some target forces on any learner with m
    examples (proof of Theorem D.4)."""
    q = _check_q(q)
    if m < 0:
        raise PACError(f"sample size m must be >= 0, got {m}")
    return fmpq(q**m, 2 * (q + 1) ** m)


def check_delta(delta: RationalLike) -> fmpq:
    """δ as an exact rational in (0, 1/2), where ln(1/(2δ)) > 0 (Theorem D.4 takes
    δ < 1/4); :class:`PACError` otherwise."""
    d = to_q(delta)
    if not 0 < d < fmpq(1, 2):
        raise PACError(f"delta must lie in (0, 1/2), got {fmt(d)}")
    return d


def minimal_sample_size(q: int, delta: RationalLike) -> int:
    """The least m with ½(q/(q+1))^m ≤ δ, verified by exact rational comparisons.

    The search starts at ⌊ln(1/(2δ))/ln(1 + 1/q)⌋ (an ``arb`` estimate) and steps until
    the answer is certified exactly: the bound at m is ≤ δ and at m − 1 (if m ≥ 1) is > δ.
    """
    q = _check_q(q)
    d = check_delta(delta)
    est = arb(1 / (2 * d)).log() / arb(fmpq(q + 1, q)).log()
    m = max(0, int(est.mid().floor().unique_fmpz() or 0))
    while failure_bound(q, m) > d:
        m += 1
    while m > 0 and failure_bound(q, m - 1) <= d:
        m -= 1
    return m


def q_log_bound(q: int, delta: RationalLike, *, base: Literal["e", "2"] = "e",
                prec: int = 64) -> arb:
    """A rigorous ``arb`` ball containing q·log(1/(2δ)) (natural log, or base 2)."""
    d = check_delta(delta)
    with ctx.workprec(prec):
        lg = arb(1 / (2 * d)).log()
        if base == "2":
            lg = lg / arb(2).log()
        return arb(q) * lg


def certainly_at_least(m: int, ball_of: Callable[[int], arb],
                       max_prec: int = 4096) -> tuple[bool, arb]:
    """Decide m ≥ x rigorously for the real x enclosed by ``ball_of(prec)``, raising the
    precision until the ball no longer contains m.  Returns (m ≥ x, the ball used)."""
    prec = 64
    while True:
        ball = ball_of(prec)
        if fmpz(m) >= ball:
            return True, ball
        if fmpz(m) < ball:
            return False, ball
        if prec >= max_prec:
            raise PACError(f"could not separate {m} from {ball} at {prec} bits")
        prec *= 2


def arb_upper(ball: arb) -> fmpq:
    """The exact upper endpoint of an ``arb`` ball as a rational."""
    man, exp = ball.upper().man_exp()
    return fmpq(man) * 2**exp if exp >= 0 else fmpq(man, fmpz(2) ** (-exp))


def observed_set_probability(q: int, m: int, s: int) -> fmpq:
    """Probability that m i.i.d. draws from D_q hit exactly a given set of s points:
    surj(m, s)/(q+1)^m with surj(m, s) = Σ_j (−1)^j C(s, j)(s − j)^m."""
    surj = sum((-1) ** j * math.comb(s, j) * (s - j) ** m for j in range(s + 1))
    return fmpq(surj, (q + 1) ** m)


def failure_probability(learner: Learner, q: int, target: fmpq, m: int,
                        eps: RationalLike) -> fmpq:
    """Pr[err_D(ĥ, h_target) > ε] for a deterministic learner with m examples, exactly.

    Sums over the set S ⊆ 𝒳_q of distinct sampled points (2^{q+1} sets) with the exact
    probability that S is what m draws hit; the learner runs on S labelled by the target.
    """
    if not learner.deterministic:
        raise PACError(f"exact failure probability needs a deterministic learner, "
                       f"not {learner.name}")
    dist = PowerDistribution(q)
    h_star = RoundedMultiplier(target, q)
    e = to_q(eps)
    total = fmpq(0)
    for mask in range(1 << (q + 1)):
        pts = [x for k, x in enumerate(dist.support) if mask >> k & 1]
        p = observed_set_probability(q, m, len(pts))
        if p == 0:
            continue
        h_hat = learner(q, [(x, h_star(x)) for x in pts])
        if dist.error(h_hat, h_star) > e:
            total += p
    return total


# --------------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class SimulationPoint:
    """Empirical failure rate of one learner at one (q, m): ``failures`` out of ``trials``."""

    q: int
    m: int
    learner: str
    trials: int
    failures: int

    @property
    def rate(self) -> fmpq:
        return fmpq(self.failures, self.trials)

    @property
    def bound(self) -> fmpq:
        return failure_bound(self.q, self.m)

    def interval(self, z: float = 1.96) -> tuple[float, float]:
        """The Wilson score interval of the rate (95% by default), in floating point: it
        only draws error bars."""
        n, p = self.trials, self.failures / self.trials
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return max(0.0, centre - half), min(1.0, centre + half)


def simulate(qs: Sequence[int] = (2, 4, 8, 16), *, trials: int = 600, seed: int = 0,
             points: int = 8, learners: Sequence[Learner] = NATURAL_LEARNERS,
             ) -> list[SimulationPoint]:
    """Empirical failure rates of natural learners on the hard-pair prior of Theorem D.4.

    Each trial draws b_1..b_{2q−1} uniformly, a target c⁽¹⁾ or c⁽²⁾ with probability ½,
    m examples from D_q, runs the learner and counts a failure when err_D > ε for
    ε = 1/(q+2) < 1/(q+1).  m runs over ``points`` values in [0, 4q]; every (q, m, learner)
    uses its own ``random.Random`` seeded from (seed, q, m, learner), so runs are
    reproducible.  The theorem says every rate is ≥ ½(q/(q+1))^m up to sampling noise.
    """
    out: list[SimulationPoint] = []
    for q in qs:
        dist = PowerDistribution(q)
        eps = fmpq(1, q + 2)
        ms = sorted({round(i * 4 * q / (points - 1)) for i in range(points)})
        for m in ms:
            for learner in learners:
                rng = random.Random(f"whyrelu-pac|{seed}|{q}|{m}|{learner.name}")
                fails = 0
                for _ in range(trials):
                    bits = [rng.getrandbits(1) for _ in range(2 * q - 1)]
                    c = hard_pair(q, bits)[rng.getrandbits(1)]
                    h_star = RoundedMultiplier(c, q)
                    xs = sorted(set(dist.sample(rng, m)))
                    h_hat = learner(q, [(x, h_star(x)) for x in xs], rng)
                    if dist.error(h_hat, h_star) > eps:
                        fails += 1
                out.append(SimulationPoint(q, m, learner.name, trials, fails))
    return out


def plot_simulation(points: Sequence[SimulationPoint], path: Path, *,
                    delta: RationalLike = "1/20", max_q: int = 64) -> Path:
    """Draw the simulation (left) and the sample sizes of Theorem D.1 (right) to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    qs = sorted({p.q for p in points})
    names = list(dict.fromkeys(p.learner for p in points))
    markers = ["o", "s", "^", "D", "v"]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, q in enumerate(qs):
        col = colours[i % len(colours)]
        ms = sorted({p.m for p in points if p.q == q})
        grid = list(range(0, max(ms) + 1))
        ax.plot(grid, [float(failure_bound(q, m)) for m in grid], color=col, lw=1.5,
                label=f"q = {q}: bound ½(q/(q+1))^m")
        for j, name in enumerate(names):
            sel = [p for p in points if p.q == q and p.learner == name]
            lo_hi = [p.interval() for p in sel]
            rates = [float(p.rate) for p in sel]
            ax.errorbar([p.m + (j - 1) * 0.15 * q / 4 for p in sel], rates,
                        yerr=[[r - a for r, (a, _) in zip(rates, lo_hi, strict=True)],
                              [b - r for r, (_, b) in zip(rates, lo_hi, strict=True)]],
                        ls="none", marker=markers[j % len(markers)], color=col, mfc="none",
                        ms=4, elinewidth=0.7, label=name if i == 0 else None)
    ax.set_xlabel("sample size m")
    ax.set_ylabel("failure probability  Pr[err > ε]")
    ax.set_title("Theorem D.4: natural learners vs the lower bound\n"
                 "(markers: simulated rates with 95% intervals; lines: ½(q/(q+1))^m)",
                 fontsize=10)
    ax.set_ylim(-0.02, 1.02)
    ax.grid(True, ls="--", alpha=0.5)
    ax.legend(fontsize=7, loc="upper right")

    d = check_delta(delta)
    qq = list(range(1, max_q + 1))
    ax2.plot(qq, [minimal_sample_size(q, d) for q in qq], color="C3", lw=1.8,
             label=f"bit model: least m with ½(q/(q+1))^m ≤ δ = {fmt(d)}")
    ax2.plot(qq, [float(q_log_bound(q, d).mid()) for q in qq], color="C0", ls="--",
             label="q·ln(1/(2δ))")
    ax2.plot(qq, [1 for _ in qq], color="C2", lw=1.8, label="real model: one example")
    ax2.set_xlabel("precision q")
    ax2.set_ylabel("examples needed")
    ax2.set_title("Theorem D.1: O(1) in the real model, Ω(q) with q-bit rounding",
                  fontsize=10)
    ax2.grid(True, ls="--", alpha=0.5)
    ax2.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    from spec.plotting import save_figure

    save_figure(fig, path)  # the suffix names the format; byte-reproducible
    plt.close(fig)
    return path


# --------------------------------------------------------------------------- claims

MAX_Q = 6


def _bits(q: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(0, 1), min_size=2 * q - 1, max_size=2 * q - 1)


_pairs = st.integers(1, 40).flatmap(lambda q: st.tuples(st.just(q), _bits(q)))


def _check_pair(q: int, c1: fmpq, c2: fmpq) -> Evidence:
    h1, h2 = RoundedMultiplier(c1, q), RoundedMultiplier(c2, q)
    dist = PowerDistribution(q)
    for k in range(q):
        check_eq(h1(2**k), h2(2**k), f"c(1), c(2) must agree at x = 2^{k}", q=q, c1=c1, c2=c2)
    check_eq(h2(2**q) - h1(2**q), fmpq(1, 2**q), "h_c2(2^q) - h_c1(2^q) = 2^-q", q=q,
             c1=c1, c2=c2)
    # the same difference via integers: ⌊c2·2^{2q}⌋ − ⌊c1·2^{2q}⌋ = 1
    n1, n2 = c1 * 4**q, c2 * 4**q
    check_eq(int(n2.p) // int(n2.q) - int(n1.p) // int(n1.q), 1,
             "floor(c2 2^2q) - floor(c1 2^2q) = 1", q=q)
    err = dist.error(h1, h2)
    check_eq(err, fmpq(1, q + 1), "err_D(h_c1, h_c2) = 1/(q+1)", q=q)
    return Evidence.of(q=q)


@claim(
    "Theorem D.4",
    "The hard pair c(1) = 0.b_1…b_{2q−1}0, c(2) = 0.b_1…b_{2q−1}1 (2q binary digits) agrees "
    "on 2^0..2^{q−1} and differs by exactly 2^−q at 2^q, so err_D(h_c1, h_c2) = 1/(q+1)",
    instances=_pairs, examples=60, tags=("identity",),
)
def hard_pair_agree_then_differ(inst: tuple[int, list[int]]) -> Evidence:
    """Random q ≤ 40 and random bits b_1..b_{2q−1}; checked with :class:`RoundedMultiplier`
    and independently with integer floors ⌊c·2^{2q}⌋."""
    q, bits = inst
    c1, c2 = hard_pair(q, bits)
    return _check_pair(q, c1, c2)


@claim(
    "Theorem D.4",
    "Negative control: moving the distinguishing 1 of the hard pair to binary position "
    "2q − 1 or 2q + 1 breaks agreement below 2^q or the difference at 2^q",
    instances=st.tuples(_pairs, st.sampled_from([-1, 1])), expect="counterexample",
    control_of="pac.hard_pair_agree_then_differ", examples=30,
    refuted_on=("c(1), c(2) must agree at x = 2^0",),
)
def misplaced_distinguishing_bit_refuted(inst: tuple[tuple[int, list[int]], int]) -> Evidence:
    """Position 2q − 1 lets the pair differ at 2^{q−1}; position 2q + 1 makes them agree
    at 2^q as well."""
    (q, bits), shift = inst
    pos = 2 * q + shift
    prefix = [*bits, 0, 0][: pos - 1]
    c1, c2 = _pair_at(prefix, pos)
    return _check_pair(q, c1, c2)


def _bit_formula(q: int, bits: Sequence[int], k: int) -> fmpq:
    """The proof's formula h_c(2^k) = 2^{−q}Σ_{i=1}^{k+q} b_i 2^{k+q−i} (b_i = 0 past the
    given digits)."""
    total = sum(b << (k + q - i) for i, b in enumerate(bits[: k + q], start=1))
    return fmpq(total, 2**q)


_digits = st.integers(1, 30).flatmap(
    lambda q: st.tuples(st.just(q), st.lists(st.integers(0, 1), min_size=1, max_size=3 * q),
                        st.integers(0, 2**40), st.integers(1, 2**40)))


def _check_rounding(q: int, bits: list[int], num: int, den: int,
                    rounding: Callable[[fmpq, int], fmpq]) -> Evidence:
    cls = RoundedMultipliers(q)
    # a dyadic c given by its digits: the proof's bit formula
    c = fmpq(sum(b << (len(bits) - i) for i, b in enumerate(bits, start=1)), 2 ** len(bits))
    check(c < 1, "digits give c in [0, 1)")
    for k in range(q + 1):
        got = rounding(c * 2**k, q)
        check_eq(got, _bit_formula(q, bits, k), f"h_c(2^{k}) = 2^-q sum b_i 2^(k+q-i)", q=q,
                 c=c)
    # any rational c in [0, 1): against integer floor division, and the rounding window
    r = fmpq(num % den, den)
    for x in cls.distribution.support:
        y = rounding(r * x, q)
        num_x = (num % den) * x * 2**q
        check_eq(y, fmpq(num_x // den, 2**q), "round_q(c x) = floor(c x 2^q)/2^q", q=q, c=r,
                 x=x)
        check(cls.is_label(y) and y <= r * x < y + fmpq(1, 2**q),
              "round_q(z) in Y and round_q(z) <= z < round_q(z) + 2^-q", q=q, c=r, x=x, y=y)
    return Evidence.of(q=q, digits=len(bits))


@claim(
    "Definition D.3",
    "h_c(x) = round_q(c·x) equals ⌊c·x·2^q⌋/2^q (integer floor division), lies in 𝒴 within "
    "2^−q below c·x, and for c = 0.b_1b_2… equals 2^−q Σ_{i≤k+q} b_i 2^{k+q−i} at x = 2^k",
    instances=_digits, status="definition", examples=40, tags=("identity",),
)
def rounded_multiplier_formula(inst: tuple[int, list[int], int, int]) -> Evidence:
    """The bit formula is the first sentence of Theorem D.4's proof."""
    q, bits, num, den = inst
    return _check_rounding(q, bits, num, den, round_q)


@claim(
    "Definition D.3",
    "Negative control: rounding to the nearest multiple of 2^−q instead of down disagrees "
    "with the floor formula",
    instances=_digits, status="definition", expect="counterexample",
    control_of="pac.rounded_multiplier_formula", examples=40,
    refuted_on=("round_q(c x) = floor(c x 2^q)/2^q",),
)
def nearest_rounding_refuted(inst: tuple[int, list[int], int, int]) -> Evidence:
    """round-half-up: ⌊z·2^q + ½⌋/2^q."""
    q, bits, num, den = inst
    return _check_rounding(q, bits, num, den,
                           lambda z, qq: fmpq((z * 2**qq + fmpq(1, 2)).floor(), 2**qq))


_learner_inst = st.integers(1, MAX_Q).flatmap(
    lambda q: st.tuples(st.just(q), _bits(q), st.integers(0, 12 * q)))


def _check_learners(q: int, bits: list[int], m: int,
                    learners: Sequence[Learner]) -> Evidence:
    c1, c2 = hard_pair(q, bits)
    eps = fmpq(1, q + 2)  # any ε < 1/(q+1)
    dist = PowerDistribution(q)
    h1, h2 = RoundedMultiplier(c1, q), RoundedMultiplier(c2, q)
    bound = failure_bound(q, m)
    ev = Evidence.of(q=q, m=m)
    # the probabilities of the sampled sets are a distribution (Σ_S Pr[S] = 1), and the
    # proof's event "2^q never drawn" has probability (q/(q+1))^m exactly
    probs = [observed_set_probability(q, m, bin(mask).count("1")) for mask in range(2 << q)]
    check_eq(sum(probs, fmpq(0)), fmpq(1), "Σ_S Pr[S] = 1", q=q, m=m)
    check_eq(sum(probs[: 1 << q], fmpq(0)), fmpq(q**m, (q + 1) ** m),
             "Pr[2^q not drawn] = (q/(q+1))^m", q=q, m=m)
    for learner in learners:
        # the proof's event: a sample missing 2^q gives the same data under both targets
        for mask in range(1 << q):
            pts = [x for k, x in enumerate(dist.support) if mask >> k & 1]
            s1 = [(x, h1(x)) for x in pts]
            check_eq(s1, [(x, h2(x)) for x in pts], "identical samples without 2^q", q=q)
            out = learner(q, s1)
            check(max(dist.error(out, h1), dist.error(out, h2)) >= fmpq(1, q + 1) > eps,
                  "on such a sample the learner errs by >= 1/(q+1) > eps for one target",
                  q=q, learner=learner.name, sample=pts)
        p = (failure_probability(learner, q, c1, m, eps)
             + failure_probability(learner, q, c2, m, eps)) / 2
        check(p >= bound, "average failure probability >= 1/2 (q/(q+1))^m", q=q, m=m,
              learner=learner.name, failure=p, bound=bound)
        if p > 0:
            ev.bound("bound_over_failure", bound, p)
    return ev


@claim(
    "Theorem D.4",
    "Natural deterministic learners (ERM: smallest c, midpoint) fail with probability "
    "≥ ½(q/(q+1))^m on the hard pair, computed exactly over every sampled set",
    instances=_learner_inst, examples=80,
)
def learners_fail_at_least_bound(inst: tuple[int, list[int], int]) -> Evidence:
    """Failure means err_D > ε for ε = 1/(q+2) < 1/(q+1); the probability is the exact sum
    over sampled sets S ⊆ 𝒳_q of Pr[S] (surjection counts), averaged over c⁽¹⁾, c⁽²⁾.  The
    proof's step is checked too: every sample that misses 2^q is identical under both
    targets and the learner errs on one of them."""
    q, bits, m = inst
    return _check_learners(q, bits, m, [ERM_LOW, ERM_MID])


def _target_reader(c: fmpq) -> Learner:
    return Learner("reads the target", lambda lo, hi, rng: c)


@claim(
    "Theorem D.4",
    "Negative control: a 'learner' that reads the target instead of the sample beats the "
    "failure bound",
    instances=_learner_inst, expect="counterexample",
    control_of="pac.learners_fail_at_least_bound", examples=10,
    refuted_on=("failure probability >= 1/2 (q/(q+1))^m",),
)
def target_reading_learner_refuted(inst: tuple[int, list[int], int]) -> Evidence:
    """It outputs c⁽¹⁾ whatever the sample (not a learner in the sense of Definition D.2),
    so its failure probability on the target c⁽¹⁾ is 0, below ½(q/(q+1))^m."""
    q, bits, m = inst
    c1, _ = hard_pair(q, bits)
    eps = fmpq(1, q + 2)
    p = failure_probability(_target_reader(c1), q, c1, m, eps)
    bound = failure_bound(q, m)
    check(p >= bound, "failure probability >= 1/2 (q/(q+1))^m", failure=p, bound=bound)
    return Evidence.of(q=q)


DELTA_GRID: tuple[fmpq, ...] = tuple(to_q(d) for d in (
    "1/5", "1/8", "1/10", "1/20", "1/50", "1/100", "1/1000", "1/100000", "1/1000000000",
    "249/1000", "1/4294967296", "3/17", "1/3000"))
"""δ values of the sample-size grid (all in (0, 1/4), as Theorem D.4 requires)."""

_grid_inst = st.tuples(st.integers(1, 400), st.integers(1, 10**6), st.integers(4, 10**6))


def _q_ln_at(q: int, d: fmpq, prec: int) -> arb:
    return q_log_bound(q, d, prec=prec)


def _check_sample_size(q: int, num: int, den_extra: int, base: Literal["e", "2"]) -> Evidence:
    deltas = [*DELTA_GRID, fmpq(num, 4 * num + den_extra)]
    ev = Evidence.of(q=q)
    for d in deltas:
        check(0 < d < fmpq(1, 4), "delta in (0, 1/4)", delta=d)
        m = minimal_sample_size(q, d)
        # certify minimality exactly (rational comparisons, no logarithm involved)
        check(failure_bound(q, m) <= d, "bound at m is <= delta", q=q, m=m, delta=d)
        check(m == 0 or failure_bound(q, m - 1) > d, "bound at m - 1 is > delta", q=q, m=m,
              delta=d)
        # the proof's step ln(1 + 1/q) <= 1/q, rigorously
        check(arb(fmpq(q + 1, q)).log() <= arb(fmpq(1, q)), "ln(1 + 1/q) <= 1/q", q=q)
        if base == "2":
            # m >= q log2(r) <=> 2^m >= r^q: an exact comparison of rationals
            r = 1 / (2 * d)
            check(fmpq(2) ** m >= r**q, "m >= q log_2(1/(2 delta)), i.e. 2^m >= (1/(2 delta))^q",
                  q=q, delta=d, m=m, q_log2=q_log_bound(q, d, base="2").str(radius=False))
            continue
        ok, ball = certainly_at_least(m, functools.partial(_q_ln_at, q, d))
        check(ok, "m >= q ln(1/(2 delta)) for the least m with the bound <= delta",
              q=q, delta=d, m=m, q_ln=ball.str(radius=False))
        ev.bound("q_ln_over_m", arb_upper(ball), max(m, 1))
    return ev


@claim(
    "Theorem D.4",
    "½(q/(q+1))^m ≤ δ implies m ≥ q·ln(1/(2δ)): the least such m (certified with exact "
    "rationals) is ≥ q·ln(1/(2δ)) (rigorous arb enclosure) over a grid of q and δ",
    instances=_grid_inst, examples=25,
)
def sample_size_lower_bound(inst: tuple[int, int, int]) -> Evidence:
    """q is drawn in 1..400; δ runs over :data:`DELTA_GRID` plus one random rational in
    (0, 1/4).  Also checks ln(1 + 1/q) ≤ 1/q, the step the proof uses."""
    q, num, extra = inst
    return _check_sample_size(q, num, extra, "e")


@claim(
    "Theorem D.4",
    "Read with log = log₂, the bound m ≥ q·log₂(1/(2δ)) is false: the least m with "
    "½(q/(q+1))^m ≤ δ is ≈ q·ln(1/(2δ)) < q·log₂(1/(2δ)) for q ≥ 2 and small δ",
    instances=_grid_inst, status="erratum", expect="counterexample",
    control_of="pac.sample_size_lower_bound", examples=12,
    refuted_on=("m >= q log_2(1/(2 delta)), i.e. 2^m >= (1/(2 delta))^q",),
)
def log2_reading_refuted(inst: tuple[int, int, int]) -> Evidence:
    """The paper writes "log"; its step log(1 + 1/q) ≤ 1/q holds for the natural
    logarithm only, so the bound must be read with ln (arXiv 2602.19017, App. D, Thm D.4).
    With base 2 the comparison is exact: m ≥ q·log₂(r) ⟺ 2^m ≥ r^q."""
    q, num, extra = inst
    return _check_sample_size(q, num, extra, "2")


_real_inst = st.tuples(st.integers(1, 30), st.integers(0, 2**64), st.integers(1, 2**64),
                       st.integers(0, 30))


def learn_from_one_example(x: RationalLike, y: RationalLike) -> fmpq:
    """The real-model learner of Theorem D.1: from one example (x, c·x) with x ≠ 0, ĉ = y/x."""
    xv = to_q(x)
    if xv == 0:
        raise PACError("one example determines c only when x != 0")
    return to_q(y) / xv


def _check_one_example(q: int, num: int, den: int, k: int, rounded: bool) -> Evidence:
    k = min(k, q)
    c = fmpq(num % den, den)
    h = RoundedMultiplier(c, q)
    x = 2**k
    y = h(x) if rounded else h.real(x)
    c_hat = learn_from_one_example(x, y)
    check_eq(c_hat, c, "one example (x, c x) determines c = y/x", c=c, x=x, y=y)
    h_hat = RoundedMultiplier(c_hat, q)
    dist = PowerDistribution(q)
    check_eq(dist.error(h_hat, h), fmpq(0), "the learned hypothesis has error 0", c=c)
    for xx in dist.support:
        check_eq(h_hat.real(xx), h.real(xx), "c_hat x = c x on X_q", x=xx)
    return Evidence.of(examples_needed=1)


@claim(
    "Theorem D.1",
    "Real model (Theorem 1.6): one example (x, c·x) with x ≠ 0 determines c = y/x, so "
    "ℋ_q is learned with error 0 from m = 1 example for every ε, δ and q",
    instances=_real_inst, examples=40, tags=("identity",),
)
def real_model_one_example(inst: tuple[int, int, int, int]) -> Evidence:
    """c is any rational in [0, 1) (not only dyadic), x = 2^k ∈ 𝒳_q."""
    q, num, den, k = inst
    return _check_one_example(q, num, den, k, rounded=False)


@claim(
    "Theorem D.1",
    "Negative control: the same one-example learner fed the rounded label round_q(c·x) "
    "(the bit model) does not recover c",
    instances=_real_inst, expect="counterexample", control_of="pac.real_model_one_example",
    examples=40,
    refuted_on=("one example (x, c x) determines c = y/x",),
)
def rounded_label_one_example_refuted(inst: tuple[int, int, int, int]) -> Evidence:
    """y = h_c(x) loses the digits of c·x past 2^{−q}."""
    q, num, den, k = inst
    return _check_one_example(q, num, den, k, rounded=True)
