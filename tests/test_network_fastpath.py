"""The DAG engine's shortcuts for zero terms (inactive ReLUs, zero inputs, zero weights,
zero deltas) against the Fraction reference engine."""

from __future__ import annotations

from fractions import Fraction

from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.activations import IDENTITY, RELU, Polynomial
from checkers.losses import HINGE, SQUARE, Loss
from checkers.network import Network, Sample
from checkers.rationals import RationalLike
from checkers.reference import RefNetwork, ref_samples


def frac(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def check(net: Network, data: list[Sample], loss: Loss) -> None:
    g = net.gradient(data, loss)
    ref = RefNetwork(net)
    total, gw, gb = ref.gradient(ref_samples(data), loss.name)
    assert frac(g.loss) == total
    assert [frac(v) for v in g.grad_w] == gw
    assert [frac(v) for v in g.grad_b] == gb
    for s, tr in zip(data, g.traces, strict=True):
        want = ref.forward({k: frac(v) for k, v in s.x.items()})
        assert [frac(v) for v in tr.val] == [want[n] for n in net.nodes]


def dead_relu_network() -> Network:
    """h0 is always inactive (negative bias, non-positive weight on a non-negative input),
    h1 is active, x1 is often 0; the output is linear."""
    acts = {"x0": None, "x1": None, "h0": RELU, "h1": RELU, "q": Polynomial("x^2"),
            "y": IDENTITY}
    edges = [
        ("x0", "h0", "-1", "-5"), ("x1", "h0", "0", "0"),
        ("x0", "h1", "3/2", "1/3"), ("x1", "h1", "-2", "0"),
        ("h0", "q", "7", "0"), ("h1", "q", "1/2", "-1"),
        ("h0", "y", "5", "0"), ("h1", "y", "-1/4", "1/8"), ("q", "y", "0", "0"),
    ]
    return Network(acts, edges, outputs=["y"])


def test_dead_relu_and_zero_terms() -> None:
    net = dead_relu_network()
    data = [Sample.of({"x0": "2", "x1": "0"}, ["1"]), Sample.of({"x0": "1/3"}, ["-2"]),
            Sample.of({}, ["0"])]
    for loss in (SQUARE, HINGE):
        check(net, data, loss)
    g = net.gradient(data, SQUARE)
    h0 = net.index_of("h0")
    for bw in g.backwards:
        assert bw.delta[h0] == 0  # inactive: δ = g σ'(z) with σ'(z) = 0
        assert bw.delta[net.index_of("x0")] is None  # sources carry no δ
        for e in (net.edge_of("x0", "h0"), net.edge_of("x1", "h0")):
            assert bw.grad_w[e] == 0 and bw.grad_b[e] == 0


@settings(max_examples=40)
@given(st.lists(st.sampled_from(["0", "1", "-1", "1/2", "-3/4", "2"]), min_size=6,
                max_size=6))
def test_zero_heavy_parameters(vals: list[str]) -> None:
    """Many zero weights, biases and inputs: every shortcut is taken somewhere."""
    acts = {"x0": None, "x1": None, "a": RELU, "b": RELU, "y": IDENTITY, "z": RELU}
    w = [fmpq(0) if i % 2 else fmpq(v) for i, v in enumerate(vals)]
    edges: list[tuple[str, str, RationalLike, RationalLike]] = [
        ("x0", "a", w[0], w[1]), ("x1", "a", w[2], 0), ("x0", "b", w[3], w[4]),
        ("a", "b", w[5], 0), ("a", "y", vals[0], 0), ("b", "y", vals[1], vals[2]),
        ("b", "z", vals[3], vals[4])]
    net = Network(acts, edges, outputs=["y", "z"])
    data = [Sample.of({"x0": vals[5], "x1": "0"}, ["1", "0"]),
            Sample.of({"x0": "0", "x1": vals[0]}, ["0", "-1"])]
    check(net, data, SQUARE)
