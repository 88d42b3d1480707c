"""checkers.measure: the largest sizes over a forward/backward computation (§2 size)."""

from __future__ import annotations

from typing import Any

from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.activations import RELU, parse_activation
from checkers.losses import SQUARE
from checkers.measure import BitReport, max_size, measure_backward, measure_gradient, measure_trace
from checkers.network import Network, Sample
from checkers.rationals import size
from strategies import any_activation, dag_networks, samples_for


def test_max_size() -> None:
    assert max_size([]) == 0
    assert max_size([fmpq(0), fmpq(-3, 7), fmpq(1, 1024)]) == 1 + 11


def test_measure_by_hand() -> None:
    net = Network({"x": None, "h": parse_activation("x^2")}, [("x", "h", "1/3", 0)], ["h"])
    g = net.gradient([Sample.of({"x": 3}, [5])], SQUARE)
    # pre(h) = 1 (size 2), h = 1 (2); g_h = 1 - 5 = -4 (4), delta_h = -8 (5);
    # grad_w = -8 * 3 = -24 (6), grad_b = -8 (5); g_x = 1/3 * -8 = -8/3 (6); x = 3 (3)
    r = measure_gradient(g)
    assert (r.pre_bits, r.value_bits) == (3, 3)
    assert (r.g_bits, r.delta_bits, r.grad_bits) == (6, 5, 6)
    assert r.forward_bits == 3 and r.backward_bits == 6 and r.max_bits == 6
    assert r.per_node == {"x": 6, "h": 5}


@settings(max_examples=20)
@given(st.data())
def test_measured_figures_are_the_maxima(data: Any) -> None:
    net = data.draw(dag_networks(any_activation(), max_hidden=4, weight_bits=5))
    samples = data.draw(samples_for(net, max_samples=2, bits=5))
    g = net.gradient(samples, SQUARE)
    r = measure_gradient(g)
    pres = [z for tr in g.traces for z in tr.pre]
    vals = [v for tr in g.traces for v in tr.val]
    gs = [v for bw in g.backwards for v in bw.g]
    ds = [v for bw in g.backwards for v in bw.delta if v is not None]
    assert r.pre_bits == max_size(pres) and r.value_bits == max_size(vals)
    assert r.g_bits == max_size(gs) and r.delta_bits == max_size(ds)
    assert r.grad_bits == max_size([*g.grad_w, *g.grad_b])
    assert r.max_bits == max(r.pre_bits, r.value_bits, r.g_bits, r.delta_bits, r.grad_bits)
    for i, v in enumerate(net.nodes):
        per = [size(tr.pre[i]) for tr in g.traces] + [size(tr.val[i]) for tr in g.traces]
        per += [size(bw.g[i]) for bw in g.backwards]
        per += [size(d) for bw in g.backwards if (d := bw.delta[i]) is not None]
        assert r.per_node[v] == max(per)


def test_reports_accumulate() -> None:
    net = Network({"x": None, "h": RELU}, [("x", "h", 1, 0)], ["h"])
    r = BitReport()
    measure_trace(net.forward({"x": 1}), r)
    measure_trace(net.forward({"x": 2**40}), r)
    assert r.value_bits == 42 and r.per_node["h"] == 42
    measure_backward(net.nodes, net.backward(net.forward({"x": 1}), [fmpq(1, 2**50)]), r)
    assert r.g_bits == 52 and r.max_bits == 52


def test_standalone_reports_cover_every_node_even_zero_ones() -> None:
    # measure_trace and measure_backward on their own (no report given): a node whose
    # values are all 0 has size 1 and still appears
    net = Network({"x": None, "h": RELU}, [("x", "h", 1, 0)], ["h"])
    tr = net.forward({"x": 0})
    r = measure_trace(tr)
    assert r.per_node == {"x": 1, "h": 1} and (r.pre_bits, r.value_bits) == (1, 1)
    b = measure_backward(net.nodes, net.backward(tr, [fmpq(0)]))
    assert b.per_node == {"x": 1, "h": 1} and (b.g_bits, b.delta_bits) == (1, 1)
