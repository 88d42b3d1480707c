"""Unit tests of spec.bit_bounded: the Remark 1.5 bound for φ_K networks."""

from __future__ import annotations

import pytest
from flint import fmpq, fmpz

from checkers.activations import IDENTITY, RELU, BitBounded, Polynomial, parse_activation
from checkers.errors import ActivationError
from checkers.losses import SQUARE
from checkers.network import Edge, Network, Sample
from checkers.rationals import size
from spec.bit_bounded import derivative_sup, phi_bound, phi_profile, unrounded
from spec.piecewise import bits_for, chain_network, measure_network

PHI = BitBounded(Polynomial("x^2"), 4)


def test_derivative_sup() -> None:
    assert derivative_sup(Polynomial("x^3 - 2*x"), fmpq(2)) == 3 * 4 + 2
    assert derivative_sup(RELU, fmpq(100)) == 1
    assert derivative_sup(parse_activation("leaky_relu(-3)"), fmpq(1)) == 3
    assert derivative_sup(IDENTITY, fmpq(5)) == 1


def test_forward_cap_does_not_depend_on_depth() -> None:
    data = [Sample.of({"x": "3/2"}, ["1/3"])]
    caps = []
    for d in (2, 10, 40):
        net = chain_network(PHI, [fmpq(3, 2)] * d, [fmpq(1, 4)] * d)
        b = phi_bound(phi_profile(net, data, SQUARE))
        m = measure_network(net, data, SQUARE)
        assert m.forward <= b.forward
        assert max(m.g, m.delta, m.grad_w, m.grad_b) <= b.backward
        caps.append(b.forward)
    assert caps[0] == caps[1] == caps[2]
    # φ_4 outputs are multiples of 1/16 in [-1, 1]
    assert bits_for(fmpq(1), fmpz(16)) == PHI.output_size_bound() == 10


def test_identity_sinks_allowed_and_other_mixtures_refused() -> None:
    net = Network({"x": None, "h": PHI, "o": IDENTITY},
                  [Edge.of("x", "h", "2"), Edge.of("h", "o", "5")], outputs=["o"])
    p = phi_profile(net, [Sample.of({"x": "1"}, ["0"])], SQUARE)
    assert p.identity_outputs and p.cap == 1
    relay = Network({"x": None, "i": IDENTITY, "h": PHI},
                    [Edge.of("x", "i"), Edge.of("i", "h")], outputs=["h"])
    with pytest.raises(ActivationError, match="out-edges"):
        phi_profile(relay, [Sample.of({"x": "1"}, ["0"])], SQUARE)
    plain = Network({"x": None, "h": RELU}, [Edge.of("x", "h")], outputs=["h"])
    with pytest.raises(ActivationError, match="exactly one phi_K"):
        phi_profile(plain, [Sample.of({"x": "1"}, ["0"])], SQUARE)


def test_unrounded_network_blows_up() -> None:
    net = chain_network(PHI, [fmpq(1)] * 6, [fmpq(0)] * 6)
    x = {"x": fmpq(3, 2)}
    capped = net.forward(x).outputs[0]
    assert capped == 1  # clipped
    plain = unrounded(net).forward(x).outputs[0]
    assert plain == fmpq(3, 2) ** 64 and size(plain) > 64
