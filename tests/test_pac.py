"""Unit tests of spec/pac.py (Appendix D): the objects, exact probabilities, the simulation."""

import itertools
import json
import math
import random
from fractions import Fraction
from pathlib import Path

import pytest
from flint import fmpq

from checkers.errors import RationalTypeError, WhyReluError
from spec import pac
from spec.cli import main


def test_round_q_rounds_down() -> None:
    assert pac.round_q("5/7", 2) == fmpq(1, 2)
    assert pac.round_q("-1/3", 1) == fmpq(-1, 2)
    assert pac.round_q(3, 4) == 3
    with pytest.raises(RationalTypeError):
        pac.round_q(0.5, 2)  # type: ignore[arg-type]


@pytest.mark.parametrize("q", [0, -1, True, 1.5, "2"])
def test_bad_precision(q: object) -> None:
    with pytest.raises(pac.PACError):
        pac.RoundedMultipliers(q)  # type: ignore[arg-type]


def test_rounded_multiplier_validates_c() -> None:
    for bad in ("1", "-1/2", "3/2"):
        with pytest.raises(pac.PACError, match=r"\[0, 1\)"):
            pac.RoundedMultiplier(fmpq(Fraction(bad).numerator, Fraction(bad).denominator), 3)
    with pytest.raises(RationalTypeError):
        pac.RoundedMultipliers(3).h(0.25)  # type: ignore[arg-type]
    h = pac.RoundedMultipliers(3).h("1/3")
    assert [h(x) for x in (1, 2, 4, 8)] == [fmpq(2, 8), fmpq(5, 8), fmpq(10, 8), fmpq(21, 8)]
    assert h.real(8) == fmpq(8, 3)
    assert h in pac.RoundedMultipliers(3) and h not in pac.RoundedMultipliers(4)


def test_labels_and_support() -> None:
    cls = pac.RoundedMultipliers(2)
    assert cls.is_label("3/4") and not cls.is_label("1/8")
    d = cls.distribution
    assert d.support == (1, 2, 4)
    assert d.probability(4) == fmpq(1, 3)
    for bad in (3, 8, "1/2", 0, -2):
        with pytest.raises(pac.PACError, match="not in X_q"):
            d.index(bad)


def test_error_is_exact() -> None:
    d = pac.PowerDistribution(3)
    h1, h2 = pac.hard_pair(3, [1, 0, 1, 1, 0])
    assert d.error(pac.RoundedMultiplier(h1, 3), pac.RoundedMultiplier(h2, 3)) == fmpq(1, 4)
    assert d.error(pac.RoundedMultiplier(h1, 3), pac.RoundedMultiplier(h1, 3)) == 0


def test_hard_pair_shape_and_errors() -> None:
    assert pac.hard_pair(1, [1]) == (fmpq(1, 2), fmpq(3, 4))
    c1, c2 = pac.hard_pair(2, [0, 1, 1])
    assert (c1, c2) == (fmpq(3, 8), fmpq(7, 16))
    with pytest.raises(pac.PACError, match="2q - 1"):
        pac.hard_pair(2, [0, 1])
    with pytest.raises(pac.PACError):
        pac.hard_pair(2, [0, 1, 2])


def test_consistent_interval() -> None:
    h = pac.RoundedMultiplier(fmpq(5, 16), 2)
    lo, hi = pac.consistent_interval(2, [(x, h(x)) for x in (1, 4)])
    assert lo <= fmpq(5, 16) < hi and hi - lo == fmpq(1, 16)
    assert pac.consistent_interval(2, []) == (fmpq(0), fmpq(1))
    with pytest.raises(pac.PACError, match="not realizable"):
        pac.consistent_interval(2, [(1, fmpq(0)), (4, fmpq(3))])
    with pytest.raises(pac.PACError, match="not in Y"):
        pac.consistent_interval(2, [(1, fmpq(1, 8))])


def test_learners() -> None:
    h = pac.RoundedMultiplier(fmpq(5, 16), 2)
    sample = [(x, h(x)) for x in (1, 2)]
    assert pac.ERM_LOW(2, sample).c == fmpq(1, 4)
    # labels 1/4 at 1 and 2/4 at 2 leave c in [1/4, 3/8)
    assert pac.ERM_MID(2, sample).c == fmpq(5, 16)
    out = pac.ERM_RANDOM(2, sample, random.Random(1))
    assert fmpq(1, 4) <= out.c < fmpq(3, 8)
    with pytest.raises(pac.PACError, match="random"):
        pac.ERM_RANDOM(2, sample)


def test_failure_bound_and_minimal_sample_size() -> None:
    assert pac.failure_bound(3, 0) == fmpq(1, 2)
    assert pac.failure_bound(3, 2) == fmpq(9, 32)
    with pytest.raises(pac.PACError):
        pac.failure_bound(3, -1)
    for q in (1, 2, 5, 17):
        for d in ("1/5", "1/100", "3/13"):
            m = pac.minimal_sample_size(q, d)
            brute = next(k for k in range(10_000) if pac.failure_bound(q, k) <= fmpq(d))
            assert m == brute
            assert m >= q * math.log(1 / (2 * float(Fraction(d))))  # float sanity only
    for bad in ("0", "1/2", "3/4", "-1/8"):
        with pytest.raises(pac.PACError, match="delta"):
            pac.minimal_sample_size(2, bad)


def test_certainly_at_least_and_arb_upper() -> None:
    ok, ball = pac.certainly_at_least(7, lambda p: pac.q_log_bound(3, "1/20", prec=p))
    assert ok  # 3 ln 10 = 6.907...
    ok, _ = pac.certainly_at_least(6, lambda p: pac.q_log_bound(3, "1/20", prec=p))
    assert not ok
    assert pac.arb_upper(ball) >= fmpq(6907, 1000)


def test_observed_set_probabilities_sum_to_one() -> None:
    for q, m in [(1, 0), (2, 3), (4, 7), (5, 1)]:
        total = sum(math.comb(q + 1, s) * pac.observed_set_probability(q, m, s)
                    for s in range(q + 2))
        assert total == 1


def _brute_failure(learner: pac.Learner, q: int, c: fmpq, m: int, eps: fmpq) -> fmpq:
    """Enumerate every ordered sample of m draws (an independent oracle)."""
    d = pac.PowerDistribution(q)
    h = pac.RoundedMultiplier(c, q)
    fails = 0
    for xs in itertools.product(d.support, repeat=m):
        out = learner(q, [(x, h(x)) for x in xs])
        fails += d.error(out, h) > eps
    return fmpq(fails, (q + 1) ** m)


@pytest.mark.parametrize("q,m", [(1, 3), (2, 4), (3, 3)])
def test_failure_probability_matches_enumeration(q: int, m: int) -> None:
    eps = fmpq(1, q + 2)
    for bits in itertools.islice(itertools.product([0, 1], repeat=2 * q - 1), 6):
        for c in pac.hard_pair(q, list(bits)):
            for learner in (pac.ERM_LOW, pac.ERM_MID):
                assert (pac.failure_probability(learner, q, c, m, eps)
                        == _brute_failure(learner, q, c, m, eps))


def test_failure_probability_needs_deterministic_learner() -> None:
    with pytest.raises(pac.PACError, match="deterministic"):
        pac.failure_probability(pac.ERM_RANDOM, 2, fmpq(1, 3), 2, fmpq(1, 4))


def test_real_model_learner() -> None:
    assert pac.learn_from_one_example(4, "4/3") == fmpq(1, 3)
    with pytest.raises(pac.PACError):
        pac.learn_from_one_example(0, 0)


def test_simulation_is_deterministic(tmp_path: Path) -> None:
    a = pac.simulate([2, 3], trials=20, seed=7, points=4)
    b = pac.simulate([2, 3], trials=20, seed=7, points=4)
    c = pac.simulate([2, 3], trials=20, seed=8, points=4)
    assert a == b and a != c
    assert {p.q for p in a} == {2, 3} and all(0 <= p.failures <= p.trials for p in a)
    lo, hi = a[0].interval()
    assert 0 <= lo <= float(a[0].rate) <= hi <= 1
    path = pac.plot_simulation(a, tmp_path / "pac.png", max_q=8)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.png"
    assert main(["pac", "--q", "2", "--trials", "5", "-o", str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["sample_size"][0] == {"q": 2, "least_m": 6,
                                     "q_ln_1_over_2delta": doc["sample_size"][0][
                                         "q_ln_1_over_2delta"]}
    assert out.exists() and doc["figure"] == str(out)
    assert main(["pac", "--delta", "one tenth", "--no-plot"]) == 2
    assert main(["pac", "--trials", "0", "--no-plot"]) == 2
    assert "--trials" in capsys.readouterr().err


def test_errors_are_whyrelu_errors() -> None:
    assert issubclass(pac.PACError, WhyReluError) and issubclass(pac.PACError, ValueError)


def _prior_failure(learner: pac.Learner, q: int, m: int) -> fmpq:
    """The exact failure probability of a deterministic learner under simulate()'s prior:
    uniform bits b_1..b_{2q−1}, then c⁽¹⁾ or c⁽²⁾ with probability ½ each, ε = 1/(q+2)."""
    eps = fmpq(1, q + 2)
    total = fmpq(0)
    for bits in itertools.product([0, 1], repeat=2 * q - 1):
        for c in pac.hard_pair(q, list(bits)):
            total += pac.failure_probability(learner, q, c, m, eps)
    return fmpq(total / 2 ** (2 * q))


def test_simulation_grid_and_rates_match_the_exact_probabilities() -> None:
    """m runs over round(i·4q/(points−1)), i = 0..points−1 (q = 2, 4 points: 0, 3, 5, 8);
    each simulated rate lies within 4.5 standard errors of the exact failure probability
    under the same prior (equal to it when that is 0 or 1)."""
    trials = 400
    pts = pac.simulate([2], trials=trials, seed=3, points=4,
                       learners=(pac.ERM_LOW, pac.ERM_MID))
    assert [(p.q, p.m, p.learner, p.trials) for p in pts] == [
        (2, m, learner.name, trials) for m in (0, 3, 5, 8)
        for learner in (pac.ERM_LOW, pac.ERM_MID)]
    for p in pts:
        learner = pac.ERM_LOW if p.learner == pac.ERM_LOW.name else pac.ERM_MID
        exact = _prior_failure(learner, p.q, p.m)
        assert exact >= p.bound
        if exact in (0, 1):
            assert p.rate == exact
            continue
        sd = math.sqrt(float(exact) * (1 - float(exact)) / trials)
        assert abs(float(p.rate) - float(exact)) <= 4.5 * sd, (p, exact)


def test_wilson_interval_endpoints_solve_the_score_equation() -> None:
    """The Wilson interval is {p0 : |p̂ − p0| <= z·sqrt(p0(1 − p0)/n)}: its endpoints are the
    roots of (1 + z²/n)p0² − (2p̂ + z²/n)p0 + p̂² = 0."""
    z = 1.96
    for k, n in [(3, 10), (0, 7), (7, 7), (1, 400), (250, 400)]:
        p = pac.SimulationPoint(2, 1, "x", n, k)
        ph = k / n
        lo, hi = p.interval()
        for r in (lo, hi):
            assert abs((1 + z * z / n) * r * r - (2 * ph + z * z / n) * r + ph * ph) < 1e-12
        assert 0 <= lo <= ph <= hi <= 1 and (lo < hi)
    lo99, hi99 = pac.SimulationPoint(2, 1, "x", 10, 3).interval(2.576)
    lo95, hi95 = pac.SimulationPoint(2, 1, "x", 10, 3).interval()
    assert lo99 < lo95 and hi95 < hi99


def test_plot_draws_the_simulation_and_the_sample_sizes(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    """The figure's content (not its bytes): the bound curves ½(q/(q+1))^m, every simulated
    rate with its Wilson error bar at m offset by (j − 1)·0.15·q/4, and on the right the least
    m, q·ln(1/(2δ)) and the single example of the real model, with their titles and legends."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    import spec.plotting

    figs: list[object] = []

    def capture(fig: object, path: Path, **kw: object) -> Path:
        figs.append(fig)  # the file itself: test_simulation_is_deterministic
        return path

    monkeypatch.setattr(spec.plotting, "save_figure", capture)
    pts = pac.simulate([2, 3], trials=10, seed=1, points=3)
    out = pac.plot_simulation(pts, tmp_path / "pac.svg", delta="1/10", max_q=5)
    assert out == tmp_path / "pac.svg"
    (fig,) = figs
    ax, ax2 = fig.axes  # type: ignore[attr-defined]
    assert tuple(fig.get_size_inches()) == (12, 4.8)  # type: ignore[attr-defined]
    # laid out tightly (the default subplot margins start at x = 0.125) and closed
    assert ax.get_position().x0 < 0.1 and ax2.get_position().x1 > 0.95
    assert fig.number not in plt.get_fignums()  # type: ignore[attr-defined]
    names = [learner.name for learner in pac.NATURAL_LEARNERS]
    colours = ["#1f77b4", "#ff7f0e"]
    # left: one bound curve per q, on m = 0..4q
    curves = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert [line.get_label() for line in curves] == [
        "q = 2: bound ½(q/(q+1))^m", "q = 3: bound ½(q/(q+1))^m"]
    for line, q, col in zip(curves, (2, 3), colours, strict=True):
        assert list(line.get_xdata()) == list(range(4 * q + 1))
        assert list(line.get_ydata()) == [q**m / (2 * (q + 1) ** m) for m in range(4 * q + 1)]
        assert to_hex(line.get_color()) == col and line.get_linewidth() == 1.5
    bars = ax.containers
    labels = [b.get_label() for b in bars]  # the learners are named once, at the first q
    assert labels[:3] == names and all(lb.startswith("_") for lb in labels[3:])
    for idx, bar in enumerate(bars):
        q, j = (2, 3)[idx // 3], idx % 3
        sel = [p for p in pts if p.q == q and p.learner == names[j]]
        data, _, (segs,) = bar.lines
        assert list(data.get_xdata()) == [p.m + (j - 1) * 0.15 * q / 4 for p in sel]
        assert list(data.get_ydata()) == [p.failures / p.trials for p in sel]
        assert data.get_marker() == "os^"[j] and data.get_markerfacecolor() == "none"
        assert data.get_markersize() == 4 and to_hex(data.get_color()) == colours[idx // 3]
        assert data.get_linestyle() == "None" and list(segs.get_linewidth()) == [0.7]
        assert [[list(end) for end in s] for s in segs.get_segments()] == [
            [[x, pytest.approx(p.interval()[0], abs=1e-12)],
             [x, pytest.approx(p.interval()[1], abs=1e-12)]]
            for x, p in zip(data.get_xdata(), sel, strict=True)]
    assert ax.get_xlabel() == "sample size m"
    assert ax.get_ylabel() == "failure probability  Pr[err > ε]"
    assert ax.get_title() == ("Theorem D.4: natural learners vs the lower bound\n(markers: "
                              "simulated rates with 95% intervals; lines: ½(q/(q+1))^m)")
    assert ax.title.get_fontsize() == 10 and ax.get_ylim() == (-0.02, 1.02)
    grid = ax.get_xgridlines()[0]
    assert grid.get_visible() and grid.get_linestyle() == "--" and grid.get_alpha() == 0.5
    legend = ax.get_legend()
    assert legend._loc == 1 and legend.get_texts()[0].get_fontsize() == 7
    assert [t.get_text() for t in legend.get_texts()] == [
        "q = 2: bound ½(q/(q+1))^m", "q = 3: bound ½(q/(q+1))^m", *names]
    # right: the sample sizes for q = 1..max_q
    least, qln, one = ax2.get_lines()
    qs = [1, 2, 3, 4, 5]
    assert list(least.get_xdata()) == qs == list(qln.get_xdata()) == list(one.get_xdata())
    assert list(least.get_ydata()) == [
        next(m for m in range(200) if fmpq(q**m, 2 * (q + 1) ** m) <= fmpq(1, 10))
        for q in qs]
    assert all(abs(y - q * math.log(5)) < 1e-12 for y, q in zip(qln.get_ydata(), qs,
                                                                strict=True))
    assert list(one.get_ydata()) == [1] * 5
    assert [(to_hex(ln.get_color()), ln.get_linewidth(), ln.get_linestyle()) for ln in
            (least, qln, one)] == [(to_hex("C3"), 1.8, "-"), (to_hex("C0"), 1.5, "--"),
                                   (to_hex("C2"), 1.8, "-")]
    assert [ln.get_label() for ln in (least, qln, one)] == [
        "bit model: least m with ½(q/(q+1))^m ≤ δ = 1/10", "q·ln(1/(2δ))",
        "real model: one example"]
    assert (ax2.get_xlabel(), ax2.get_ylabel()) == ("precision q", "examples needed")
    assert ax2.get_title() == "Theorem D.1: O(1) in the real model, Ω(q) with q-bit rounding"
    assert ax2.title.get_fontsize() == 10
    grid2 = ax2.get_ygridlines()[0]
    assert grid2.get_visible() and grid2.get_linestyle() == "--" and grid2.get_alpha() == 0.5
    legend2 = ax2.get_legend()
    assert legend2._loc == 2 and legend2.get_texts()[0].get_fontsize() == 8


def test_learner_check_compares_every_sample_without_2q(monkeypatch: pytest.MonkeyPatch) -> None:
    """The proof's step is checked on every subset of {2^0, ..., 2^{q−1}}: a hard pair with
    its distinguishing 1 one place too early (position 2q − 1) agrees at 2^0 but differs at
    2^{q−1}, and the samples containing 2^{q−1} expose it."""
    from spec.claims import ClaimFailure

    monkeypatch.setattr(pac, "hard_pair",
                        lambda q, bits: pac._pair_at(list(bits)[: 2 * q - 2], 2 * q - 1))
    for q in (2, 3):
        with pytest.raises(ClaimFailure) as err:
            pac._check_learners(q, [1] * (2 * q - 1), 2 * q, [pac.ERM_LOW])
        assert err.value.message == "identical samples without 2^q"
        assert err.value.terms["lhs"][-1][0] == 2 ** (q - 1)


def test_random_learner_spreads_over_the_consistent_interval() -> None:
    """ERM_RANDOM's c = lo + (hi − lo)·u/2^16 with u uniform in 0..2^16 − 1: every draw stays
    in [lo, hi) = [1/4, 3/8), on a grid of step (hi − lo)/2^16, and both ends of the interval
    are reached."""
    h = pac.RoundedMultiplier(fmpq(5, 16), 2)
    sample = [(x, h(x)) for x in (1, 2)]
    rng = random.Random(5)
    lo, width = fmpq(1, 4), fmpq(1, 8)
    us = [(pac.ERM_RANDOM(2, sample, rng).c - lo) / width * 2**16 for _ in range(200)]
    assert all(u.q == 1 and 0 <= u < 2**16 for u in us)
    assert min(us) < 2**14 and max(us) >= 3 * 2**14


def test_learner_output_must_lie_in_the_half_open_interval() -> None:
    """The consistent set is [lo, hi): a chooser returning hi (or below lo) is refused."""
    h = pac.RoundedMultiplier(fmpq(5, 16), 2)
    sample = [(x, h(x)) for x in (1, 2)]  # c in [1/4, 3/8)
    assert pac.Learner("lo", lambda lo, hi, rng: lo)(2, sample).c == fmpq(1, 4)
    for name, choose in (("hi", lambda lo, hi, rng: hi),
                         ("below", lambda lo, hi, rng: lo - fmpq(1, 1 << 20))):
        with pytest.raises(pac.PACError, match=f"^learner {name} left the consistent interval$"):
            pac.Learner(name, choose)(2, sample)
