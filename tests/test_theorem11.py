"""Unit tests of Theorem 1.1's pieces (``spec/theorem11.py``): the σ-only value bound, the
network of a BN-SLP and its bit index, and the bit-flipping adversary."""

from __future__ import annotations

from flint import fmpq, fmpq_poly

from checkers.activations import parse_activation
from checkers.rationals import bit
from checkers.slp import SLP
from spec.bnslp import to_bnslp
from spec.lemma32 import build_instance, compile_slp, gate_polynomials
from spec.theorem11 import (
    bit_flip_theta,
    bn_network,
    node_value_maxima,
    sup_abs_on_interval,
    value_bound,
)

SEVEN = SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("*", 2, 1), ("-", 3, 0)])  # 2, 4, 8, 7


def test_sup_abs_brackets_the_maximum() -> None:
    # x^3 − 3x on [−2, 2]: |p| reaches 2 at ±1 (critical points) and at ±2
    p = fmpq_poly([0, -3, 0, 1])
    lo, hi = sup_abs_on_interval(p, fmpq(-2), fmpq(2))
    assert lo <= 2 <= hi <= fmpq(1001, 1000) * lo
    # x^3 − 2x on [−1, 1]: the maximum 4√6/9 (at x = ±√(2/3)) is irrational; 96/81 is its
    # square, and the endpoints only reach 1
    q = fmpq_poly([0, -2, 0, 1])
    lo, hi = sup_abs_on_interval(q, fmpq(-1), fmpq(1))
    assert lo * lo <= fmpq(96, 81) <= hi * hi
    assert lo > 1 and hi <= fmpq(1001, 1000) * lo


def test_value_bound_by_hand() -> None:
    vb = value_bound(parse_activation("x^2"))
    # L ∈ [−2, 4]: S = 16; D = 2; C = max(4, 16, 2) = 16
    assert vb.sigma_sup_lower == vb.sigma_sup_upper == 16
    assert vb.constant == 16 and vb.l_range == (fmpq(-2), fmpq(4))
    # T: μ = 2, σ(0) = 0, σ(α1 = 1) = 1, W = max(2, λ' = 1) = 2, Δ = 1, σ(τ) <= 4
    assert vb.template_constant == 4
    assert value_bound(parse_activation("x^3")).constant == 125  # S = 5^3 > D = 36


def test_bn_network_output_and_bit_index() -> None:
    bn, c = bn_network(SEVEN, parse_activation("x^2"))
    assert c.x_main() == {"v0": fmpq(1, 2**bn.m)}
    assert c.gate_values()[-1] == fmpq(7, 2**bn.scale_exponent)
    # as a polynomial in the main input x: 7·x^(2^4)
    assert gate_polynomials(c)[-1] == fmpq_poly([0] * 16 + [7])
    for j, want in [(0, 1), (1, 1), (2, 1), (3, 0)]:  # 7 = 111b
        ins = build_instance(c, bn.bit_position(j), a=0, b=2)
        assert ins.loss_at() == 2 * (1 - want)
        # the paper's shift by m reads the wrong digit
        assert bit(c.gate_values()[-1], j - bn.m) == 0
    mx = node_value_maxima(c)
    vb = value_bound(parse_activation("x^2"))
    assert mx["v"] <= 1 and mx["L_min"] >= -2 and mx["L_max"] <= 4
    assert max(mx["U"], mx["z"], mx["pre"]) <= vb.constant


def test_unscaled_network_is_not_bounded() -> None:
    c = compile_slp(SEVEN, parse_activation("x^2"))
    assert node_value_maxima(c)["v"] == 8


def test_bit_flip_theta_flips_the_digit_and_fails_forcing() -> None:
    c = compile_slp(SEVEN, parse_activation("x^3"))
    for j in (0, 3, -1):
        th = bit_flip_theta(c, j, fmpq(7))
        out = c.gate_values(th)[-1]
        assert bit(out, j) != bit(fmpq(7), j)
        assert not build_instance(c, j).forcing_ok(th)
    neg = SLP.of(1, [("-", 0, 0), ("-", 1, 0)])  # −1
    c = compile_slp(neg, parse_activation("x^2"))
    th = bit_flip_theta(c, 1, fmpq(-1))
    assert c.gate_values(th)[-1] == -3


def test_bnslp_values_tiny_but_exact() -> None:
    bn = to_bnslp(SEVEN)
    assert bn.slp.value() * 2**bn.scale_exponent == 7
