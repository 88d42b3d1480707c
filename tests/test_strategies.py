"""strategies: they generate what they claim, and failing instances shrink small."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any, TypeVar

from flint import fmpq
from hypothesis import find as _find
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from checkers.activations import (
    IDENTITY,
    RELU,
    Activation,
    BitBounded,
    PiecewiseLinear,
    Polynomial,
)
from checkers.layered import LayeredNetwork
from checkers.network import Network
from checkers.rationals import size
from checkers.slp import SLP
from strategies import (
    any_activation,
    bit_bounded,
    dag_networks,
    dyadics,
    integer_slps,
    integers_of,
    layered_batch,
    layered_networks,
    piecewise_linear,
    polynomials,
    rational_slps,
    rationals,
    relu_family,
    samples_for,
    slps,
    small_integers,
    wide_rationals,
)

# ------------------------------------------------------------------ rationals

T = TypeVar("T")

_FIND = settings(database=None, derandomize=True, max_examples=500)


def find(strategy: SearchStrategy[T], condition: Callable[[T], bool]) -> T:
    """``hypothesis.find`` with a fixed seed and no example database, so that the shrunk
    example (which these tests assert on) does not depend on the profile or on earlier runs."""
    return _find(strategy, condition, settings=_FIND)


@given(st.data(), st.integers(1, 40), st.integers(1, 20), st.booleans())
def test_rationals_respect_their_size(data: Any, bits: int, den_bits: int,
                                      nonzero: bool) -> None:
    q = data.draw(rationals(bits, den_bits=den_bits, nonzero=nonzero))
    assert isinstance(q, fmpq)
    assert abs(q.p) < 2**bits and 1 <= q.q < 2**den_bits
    assert size(q) <= bits + den_bits
    if nonzero:
        assert q != 0


@given(integers_of(10), dyadics(8, 5), small_integers(3))
def test_integers_dyadics_small(n: int, d: fmpq, s: fmpq) -> None:
    assert abs(n) < 2**10
    assert d.q & (d.q - 1) == 0 and d.q <= 2**5 and abs(d.p) < 2**8
    assert s.q == 1 and abs(s) <= 3


def test_wide_rationals_reach_large_and_tiny_values() -> None:
    assert size(find(wide_rationals(), lambda q: q > 2**150)) > 150
    tiny = find(wide_rationals(), lambda q: 0 < q < fmpq(1, 2**150))
    assert tiny.q > 2**150
    assert find(wide_rationals(), lambda q: q < 0) == -1  # shrinks to the simplest


def test_rationals_shrink_to_small_numbers() -> None:
    assert find(rationals(30), lambda q: q > 1000) == 1001
    assert find(rationals(30), lambda q: q.q > 1) == fmpq(1, 2)


# ------------------------------------------------------------------ activations


@given(st.integers(0, 3).flatmap(lambda lo: st.tuples(st.just(lo), st.integers(lo, 6)))
       .flatmap(lambda r: st.tuples(st.just(r), polynomials(r[0], r[1], 5))))
def test_polynomials_have_the_degree_asked(arg: tuple[tuple[int, int], Polynomial]) -> None:
    (lo, hi), p = arg
    assert lo <= p.degree <= hi
    assert p.coeffs[-1] != 0  # the leading coefficient
    assert p.traits.degree == p.degree
    assert all(abs(c.p) < 2**5 and c.q < 2**3 for c in p.coeffs)


@given(polynomials())
def test_default_polynomials_are_nonlinear(p: Polynomial) -> None:
    assert 2 <= p.degree <= 5 and p.traits.is_nonlinear_polynomial


@given(piecewise_linear(max_breakpoints=5))
def test_piecewise_linear_shape_and_continuity(act: PiecewiseLinear) -> None:
    ts = act.breakpoints
    assert 1 <= len(ts) <= 5 and all(a < b for a, b in pairwise(ts))
    assert len(act.pieces) == len(ts) + 1
    for i, t in enumerate(ts):
        (s0, c0), (s1, c1) = act.pieces[i], act.pieces[i + 1]
        assert s0 * t + c0 == s1 * t + c1


@given(relu_family())
def test_relu_family(act: Activation) -> None:
    assert act.traits.kind == "piecewise_linear" and act.traits.piecewise_linear


@given(bit_bounded(max_k=4))
def test_bit_bounded(act: BitBounded) -> None:
    assert 0 <= act.k <= 4 and act.traits.bit_bounded_k == act.k
    assert act.clip.q == 1 and 1 <= act.clip <= 8
    assert act.base == RELU or (isinstance(act.base, Polynomial) and 2 <= act.base.degree <= 3)


def test_any_activation_reaches_every_kind() -> None:
    def of_kind(kind: str) -> Activation:
        return find(any_activation(), lambda a: a.traits.kind == kind)

    for kind in ("identity", "polynomial", "piecewise_linear", "bit_bounded"):
        assert of_kind(kind).traits.kind == kind


def test_polynomials_shrink_to_a_monomial() -> None:
    p = find(polynomials(2, 5), lambda p: p.degree >= 4)
    assert p.name == "x^4"


# ------------------------------------------------------------------ networks


def _is_valid_dag(net: Network, act_ok: Any) -> None:
    for v in net.nodes:
        if v.startswith("x"):
            assert net.activation(v) is None and v in net.inputs
        else:
            assert act_ok(net.activation(v))
            assert net.arch.in_edges[net.index_of(v)], f"{v} has no in-edge"
    # the declaration order is a topological order
    pos = {v: i for i, v in enumerate(net.nodes)}
    assert all(pos[u] < pos[v] for u, v in net.edges)


@settings(max_examples=30)
@given(dag_networks(RELU, max_inputs=2, max_hidden=5, max_outputs=2, weight_bits=4))
def test_dag_networks(net: Network) -> None:
    _is_valid_dag(net, lambda a: a == RELU)
    n_hidden = sum(1 for v in net.nodes if v.startswith("v"))
    assert 1 <= len(net.inputs) <= 2 and 1 <= n_hidden <= 5 and 1 <= len(net.outputs) <= 2
    assert list(net.outputs) == [f"v{i}" for i in range(n_hidden - len(net.outputs), n_hidden)]
    assert all(abs(w.p) < 2**4 and w.q < 2**2 for w in (*net.weights, *net.biases))


@settings(max_examples=20)
@given(dag_networks(any_activation(), identity_outputs=True))
def test_dag_networks_identity_outputs(net: Network) -> None:
    _is_valid_dag(net, lambda a: isinstance(a, Activation))
    assert all(net.activation(t) == IDENTITY for t in net.outputs)


@settings(max_examples=20)
@given(st.data())
def test_samples_for(data: Any) -> None:
    net = data.draw(dag_networks(RELU, max_hidden=4))
    everywhere = data.draw(st.booleans())
    samples = data.draw(samples_for(net, max_samples=3, inject_everywhere=everywhere))
    assert 1 <= len(samples) <= 3
    for s in samples:
        assert set(s.x) == set(net.nodes if everywhere else net.inputs)
        assert len(s.y) == len(net.outputs)


@settings(max_examples=30)
@given(st.data(), st.booleans(), st.booleans())
def test_layered_networks_and_batches(data: Any, dyadic: bool, linear_output: bool) -> None:
    net = data.draw(layered_networks(RELU, min_depth=2, max_depth=3, max_width=3,
                                     weight_bits=6, dyadic=dyadic, linear_output=linear_output))
    assert 2 <= net.depth <= 3
    for i, layer in enumerate(net.layers, start=1):
        out, inp = layer.shape
        assert 1 <= out <= 3 and 1 <= inp <= 3
        last = i == net.depth
        assert layer.activation == (IDENTITY if last and linear_output else RELU)
        for v in (*[w for row in layer.weights for w in row], *layer.biases):
            assert abs(v.p) < 2**6
            if dyadic:
                assert v.q & (v.q - 1) == 0
    xs, ys = data.draw(layered_batch(net, max_batch=4))
    assert 1 <= len(xs) == len(ys) <= 4
    assert all(len(x) == net.input_dim for x in xs)
    assert all(len(y) == net.output_dim for y in ys)


def test_a_failing_network_shrinks_to_few_nodes_and_small_numbers() -> None:
    # "fails" when some weight is at least 10: the smallest such network is one edge
    net = find(dag_networks(RELU, max_inputs=3, max_hidden=6, weight_bits=8),
               lambda n: any(w >= 10 for w in n.weights))
    assert len(net.nodes) == 2 and len(net.edges) == 1
    assert net.weights == (fmpq(10),) and net.biases == (fmpq(0),)


def test_a_network_needing_depth_shrinks_to_a_path() -> None:
    net = find(dag_networks(RELU, max_hidden=6), lambda n: n.depth >= 3)
    assert net.depth == 3 and len(net.nodes) == 4 and len(net.edges) == 3
    assert all(w == 0 for w in net.weights) and all(b == 0 for b in net.biases)


def test_a_failing_layered_network_shrinks_to_width_one() -> None:
    net = find(layered_networks(RELU, max_depth=4, max_width=4),
               lambda n: n.depth >= 3)
    assert isinstance(net, LayeredNetwork)
    assert net.depth == 3 and all(layer.shape == (1, 1) for layer in net.layers)


# ------------------------------------------------------------------ SLPs


@given(slps(min_length=2, max_length=6, ops=("+", "*")))
def test_slps_respect_length_and_operations(p: SLP) -> None:
    assert 2 <= p.length <= 6 and p.a0 == 1
    assert all(g.op in ("+", "*") and 0 <= g.j < i and 0 <= g.k < i
               for i, g in enumerate(p.gates, start=1))


@given(integer_slps(8), rational_slps(5))
def test_integer_and_rational_slps(p: SLP, r: SLP) -> None:
    assert p.a0 == 1 and all(v.q == 1 for v in p.evaluate()) and p.length <= 8
    assert r.length <= 5 and abs(r.a0.p) < 2**6


def test_a_failing_slp_shrinks_to_a_short_program() -> None:
    # from a0 = 1, a value >= 16 needs three gates (2, 4, 16) and a negative one two; the
    # shrinker may settle on the doubling chain 2, 4, 8, 16 (deleting a gate alone does not
    # reach 1, 2, 4, 16 from there)
    p = find(integer_slps(12), lambda p: p.value() >= 16)
    assert p.length <= 4 and p.value() == 16
    p = find(integer_slps(12), lambda p: p.value() < 0)
    assert p.length == 2 and p.value() == -1
