"""The exact Figure 1 (spec.figure1_exact): exact weights, certified logarithms."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq, fmpz_mat

from benchmarks.bench_figure1_exact import bench
from checkers.reference import RefLayered
from spec.figure1 import Setup, instance
from spec.figure1_exact import certified_log10_sqrt, exact_network, exact_point

SMALL = Setup(width=3, input_dim=2, batch=3)


def test_exact_network_is_the_float_network() -> None:
    net, xs, _ = exact_network(2, "relu", 7, SMALL)
    inst = instance(2, "relu", 7, SMALL)
    w0 = net.layers[0].weights
    assert [[float(v) for v in row] for row in w0] == inst.weights[0].tolist()
    assert all(Fraction(int(v.p), int(v.q)) == Fraction(float(f))
               for row, frow in zip(w0, inst.weights[0], strict=True)
               for v, f in zip(row, frow, strict=True))
    assert [[float(v) for v in x] for x in xs] == inst.x.tolist()


@pytest.mark.parametrize("act", ["relu", "square"])
def test_norm_equals_the_fraction_reference(act: str) -> None:
    """‖∇W₁L‖² with L = (1/B)Σ(f − y)², against the Fraction reference's ½Σ gradient ×2/B."""
    net, xs, ys = exact_network(3, act, 1, SMALL)  # type: ignore[arg-type]
    fx = [[Fraction(int(v.p), int(v.q)) for v in x] for x in xs]
    fy = [[Fraction(int(v.p), int(v.q)) for v in y] for y in ys]
    _, gw, _ = RefLayered(net).gradient(fx, fy, "square")
    s = Fraction(2, SMALL.batch)
    expected = sum((s * g) ** 2 for row in gw[0] for g in row)
    p = exact_point(3, act, 1, SMALL)  # type: ignore[arg-type]
    assert p.norm_sq == fmpq(expected.numerator, expected.denominator)


def test_certified_log10() -> None:
    lo, hi = certified_log10_sqrt(fmpq(100))
    assert lo <= 1 <= hi and hi - lo < Fraction(1, 10**30)
    lo, hi = certified_log10_sqrt(fmpq(2))
    assert lo < Fraction(np.log10(2) / 2) + Fraction(1, 10**12)
    with pytest.raises(ValueError, match="non-positive"):
        certified_log10_sqrt(fmpq(0))


def test_float_value_beside_the_exact_one_at_full_width() -> None:
    p = exact_point(1, "square", 0)
    assert p.float_log10 is not None and abs(float(p.log10_lo) - p.float_log10) < 1e-9


def test_benchmark_smoke() -> None:
    e, bare, star, bits = bench(2, "square", with_star=True)
    assert e > 0 and bare > 0 and star is not None and star > 0 and bits > 0
    assert bench(1, "relu", with_star=False)[2] is None


def test_paper_scale_lopsided_products_match_flint_and_float64(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """At the paper's width 64, depth 5 reaches the lopsided products of
    :func:`checkers.matmul.mat_mul` (≈ 6000-bit activations against 66-bit weights): the
    exact ‖∇W₁L‖² equals the one computed with FLINT's own products, and its certified log₁₀
    agrees with float64 (still finite and accurate at depth 5)."""
    import checkers.layered as layered
    from checkers import matmul

    sizes: list[tuple[int, int]] = []
    real = matmul.mat_mul

    def recording(a: fmpz_mat, b: fmpz_mat) -> fmpz_mat:
        sizes.append((matmul.max_bits(a), matmul.max_bits(b)))
        return real(a, b)

    monkeypatch.setattr(layered, "mat_mul", recording)
    fast = exact_point(5, "square", 0)
    lopsided = [s for s in sizes if max(s) >= matmul.LOPSIDED_MIN_BITS
                and max(s) >= matmul.LOPSIDED_RATIO * min(s)]
    monkeypatch.setattr(layered, "mat_mul", lambda a, b: a * b)
    plain = exact_point(5, "square", 0)
    assert fast.norm_sq == plain.norm_sq and fast.max_entry_bits == plain.max_entry_bits
    assert fast.max_entry_bits > 4000 and lopsided
    assert fast.float_log10 is not None
    assert abs(float((fast.log10_lo + fast.log10_hi) / 2) - fast.float_log10) < 1e-9
