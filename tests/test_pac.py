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
