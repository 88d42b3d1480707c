"""checkers.reference: the Fraction oracle itself, on values computed by hand.

The oracle is compared with the fast engine everywhere else; here it is pinned to hand
computations so that the two cannot agree on a shared mistake.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from checkers.activations import parse_activation
from checkers.network import Network
from checkers.reference import (
    RefNetwork,
    activation_functions,
    loss_functions,
    ref_bit,
    ref_size,
    ref_slp_values,
)
from checkers.slp import SLP


def test_reference_activations_by_hand() -> None:
    f, df = activation_functions(parse_activation("1/3*x^2 - 1/2*x + 2/5").describe())
    assert f(F(3)) == F(3) - F(3, 2) + F(2, 5) and df(F(3)) == 2 - F(1, 2)
    f, df = activation_functions(parse_activation("pwl(0 | -2 | 1/2*x + 1 | 0 | 2*x + 1)")
                                 .describe())
    assert [f(F(t)) for t in (-3, -2, -1, 0, 1)] == [0, 0, F(1, 2), 1, 3]
    assert [df(F(t)) for t in (-2, 0, F(1, 100))] == [0, F(1, 2), 2]  # left slopes
    f, df = activation_functions(parse_activation("phi_2(x^2, 3/2)").describe())
    assert f(F(3, 5)) == F(1, 4) and f(F(2)) == F(3, 2) and df(F(2)) == 0
    assert df(F(3, 5)) == 1  # round_2(6/5) = 1
    with pytest.raises(ValueError, match="unknown activation kind 'tanh'"):
        activation_functions({"kind": "tanh"})


def test_reference_losses_by_hand() -> None:
    value, grad = loss_functions("square")
    assert value([F(3, 2)], [F(1, 2)]) == F(1, 2) and grad([F(3, 2)], [F(1, 2)]) == [1]
    value, grad = loss_functions("hinge")
    assert value([F(1, 4)], [F(1)]) == F(3, 4) and grad([F(1)], [F(1)]) == [0]
    with pytest.raises(ValueError, match="unknown loss 'l1'"):
        loss_functions("l1")
    with pytest.raises(ValueError, match="differ in length"):
        value([F(1)], [F(1), F(2)])


def test_reference_network_by_hand() -> None:
    net = Network({"x": None, "h": parse_activation("relu"), "o": parse_activation("x^2")},
                  [("x", "h", 2, -1), ("h", "o", "1/2", "1/3"), ("x", "o", -1, 0)], ["o"])
    ref = RefNetwork(net)
    assert ref.forward({"x": F(3)}) == {"x": 3, "h": 5, "o": F(1, 36)}
    assert ref.forward({"x": F(3), "h": F(-10)})["h"] == 0  # injection at a hidden node
    loss, gw, gb = ref.gradient([({"x": F(3)}, [F(1, 4)])], "square")
    delta_o = F(-2, 9) * 2 * F(-1, 6)
    delta_h = delta_o / 2
    assert loss == F(2, 81)
    assert gw == [delta_h * 3, delta_o * 5, delta_o * 3]
    assert gb == [delta_h, delta_o, delta_o]


def test_reference_slp_bits_and_sizes_by_hand() -> None:
    assert ref_slp_values(SLP.of("3/2", [("*", 0, 0), ("-", 1, 0)])) == [
        F(3, 2), F(9, 4), F(3, 4)]
    assert [ref_bit(F(27, 16), j) for j in (1, 0, -1, -2, -3, -4)] == [0, 1, 1, 0, 1, 1]
    assert ref_bit(F(-6), 1) == 1
    assert [ref_size(F(q)) for q in ("0", "1", "-3/7", "1/1024")] == [1, 2, 5, 12]


def test_phi_k_at_its_clip_boundaries() -> None:
    # phi_2(x) = clip(floor(4x)/4, -1, 1): at z = ±1 the rounded value is exactly ±C, which
    # is not clipped, so the derivative is round(1) = 1; beyond, it is clipped (0)
    f, df = activation_functions(parse_activation("phi_2(x)").describe())
    assert [f(F(z)) for z in (-2, -1, 1, 2)] == [-1, -1, 1, 1]
    assert [df(F(z)) for z in (-2, -1, 1, 2)] == [0, 1, 1, 0]
    # phi_3(2x, 2) at z = -1: 2z = -2 = -C exactly; derivative round_3(2) = 2
    f, df = activation_functions(parse_activation("phi_3(2*x, 2)").describe())
    assert (f(F(-1)), df(F(-1)), df(F(-3, 2))) == (F(-2), F(2), F(0))
