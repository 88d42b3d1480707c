"""Smoke test: the engine benchmark's functions still run on a tiny instance (no timing is
asserted; benchmarks report ratios, they do not gate the build)."""

from __future__ import annotations

import pytest

from benchmarks.bench_engine import (
    KINDS,
    bench_mlp,
    bench_slp,
    build_mlp,
    main,
    random_rational,
    report,
)
from checkers.rationals import size


@pytest.mark.parametrize("kind", KINDS)
def test_bench_mlp_tiny(kind: str) -> None:
    r = bench_mlp(kind, width=3, depth=2, batch=2, repeats=1)
    assert r.mismatches == [] and r.checked == ["reference", "DAG"]
    assert min(r.engine, r.engine_entries, r.bare) > 0
    assert r.reference is not None and r.dag is not None
    assert r.max_value_bits >= r.max_den_bits >= 1


def test_weights_are_32_bit_rationals() -> None:
    import random

    rng = random.Random(0)
    dyadic = [random_rational(rng, "dyadic") for _ in range(200)]
    assert all(size(q) == 32 and q.q == 2**15 for q in dyadic)
    rand = [random_rational(rng, "random") for _ in range(200)]
    assert all(size(q) <= 32 and q.q < 2**8 for q in rand)
    assert sum(size(q) for q in rand) / len(rand) >= 29  # lowest terms shave a few bits
    with pytest.raises(ValueError, match="unknown weight kind"):
        random_rational(rng, "float")
    net, xs, ys = build_mlp("dyadic", width=2, depth=3, batch=4)
    assert net.depth == 3 and len(xs) == len(ys) == 4


def test_report_and_main(capsys: pytest.CaptureFixture[str]) -> None:
    slp = bench_slp(steps=3, repeats=1)
    assert slp.value_bits == 2**3 + 1
    text = report([bench_mlp("dyadic", width=2, depth=1, batch=1, repeats=1)], slp,
                  width=2, depth=1, batch=1, repeats=1)
    assert "reference/engine" in text and "squaring chain" in text
    assert main(["--width", "2", "--depth", "2", "--batch", "2", "--repeats", "1",
                 "--slp-steps", "2", "--dag-kinds", "dyadic", "random"]) == 0
    out = capsys.readouterr().out
    assert "engine/bare" in out and "MISMATCH" not in out


def test_bench_erm_tiny() -> None:
    from benchmarks.bench_erm import cycle, run

    splittable, ok, patterns, *_ = run(cycle(3))
    assert not splittable and ok and patterns > 0
    splittable, ok, *_ = run(cycle(4))
    assert splittable and ok


def test_bench_classify_tiny() -> None:
    from benchmarks.bench_classify import bench

    rows = bench(("x^2", "relu"), repeats=1)
    assert [(e, v) for e, v, _ in rows] == [("x^2", "hard/proved"), ("relu", "tractable/proved")]
    assert all(s >= 0 for _, _, s in rows)
