"""checkers.network: validation, the node rule, backpropagation (§2, App. E).

The random engine-vs-reference comparison on generated DAGs is the claim
``engine.dag_matches_reference``; these tests pin hand-computed values and the parts the
claims leave out (injection at every node, several outputs, the hinge loss, ∂L/∂x,
custom losses, validation errors, bit budgets).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from itertools import pairwise
from typing import Any

import pytest
import sympy
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.activations import IDENTITY, RELU, Activation, parse_activation
from checkers.errors import BitBudgetExceeded, CycleError, DataError, NetworkError
from checkers.losses import HINGE, SQUARE, Loss
from checkers.network import Edge, Network, Sample
from checkers.rationals import fmt, size
from checkers.reference import RefNetwork, ref_samples
from strategies import any_activation, dag_networks, polynomials, samples_for

SQ = parse_activation("x^2")


def _fr(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def small_net() -> Network:
    """x --(2, -1)--> h = relu(·) --(1/2, 1/3)--> o = (·)^2, and x --(-1, 0)--> o."""
    return Network(
        {"x": None, "h": RELU, "o": SQ},
        [("x", "h", 2, -1), ("h", "o", "1/2", "1/3"), ("x", "o", -1, 0)],
        outputs=["o"],
    )


# ------------------------------------------------------------------ forward by hand


def test_forward_by_hand() -> None:
    net = small_net()
    tr = net.forward({"x": fmpq(3)})
    # h: relu(2*3 - 1) = 5;  o: (1/2*5 + 1/3 - 3)^2 = (-1/6)^2 = 1/36
    assert tr.value("h") == 5 and tr.pre_activation("h") == 5
    assert tr.pre_activation("o") == fmpq(-1, 6)
    assert tr.value("o") == fmpq(1, 36)
    assert tr.outputs == (fmpq(1, 36),)
    assert net({"x": 3}) == (fmpq(1, 36),)
    assert tr.values() == {"x": 3, "h": 5, "o": fmpq(1, 36)}


def test_injection_at_every_node() -> None:
    net = small_net()
    # x_h = -10 makes h's pre-activation 2*3 - 1 - 10 = -5, so relu gives 0
    tr = net.forward({"x": 3, "h": -10, "o": "1/2"})
    assert tr.pre_activation("h") == -5 and tr.value("h") == 0
    assert tr.pre_activation("o") == fmpq(1, 2) + fmpq(1, 3) - 3
    assert net.forward().values() == {"x": 0, "h": 0, "o": fmpq(1, 9)}  # missing inputs are 0


def test_only_the_sum_of_in_edge_biases_matters() -> None:
    a = Network({"x": None, "y": None, "o": SQ}, [("x", "o", 1, 5), ("y", "o", 1, -2)], ["o"])
    b = Network({"x": None, "y": None, "o": SQ}, [("x", "o", 1, 0), ("y", "o", 1, 3)], ["o"])
    x = {"x": fmpq(1, 3), "y": fmpq(-2)}
    assert a(x) == b(x)


def test_gradient_by_hand() -> None:
    net = small_net()
    g = net.gradient([Sample.of({"x": 3}, ["1/4"])], SQUARE)
    # L = 1/2 (1/36 - 1/4)^2 = 1/2 (2/9)^2 = 2/81;  dL/do = -2/9;  delta_o = -2/9 * 2 * (-1/6)
    assert g.loss == fmpq(2, 81)
    delta_o = fmpq(-2, 9) * 2 * fmpq(-1, 6)
    delta_h = delta_o * fmpq(1, 2) * 1  # relu'(5) = 1
    gw, gb = g.by_edge(net)
    assert gw == {"x->h": delta_h * 3, "h->o": delta_o * 5, "x->o": delta_o * 3}
    assert gb == {"x->h": delta_h, "h->o": delta_o, "x->o": delta_o}
    back = g.backwards[0]
    assert back.delta[net.index_of("x")] is None
    assert back.grad_x()[net.index_of("x")] == 2 * delta_h - delta_o
    assert back.grad_x()[net.index_of("h")] == delta_h


def test_relu_kink_backprop_uses_the_left_slope() -> None:
    net = Network({"x": None, "h": RELU}, [("x", "h", 1, 0)], ["h"])
    g = net.gradient([Sample.of({"x": 0}, [1])], SQUARE)  # pre-activation exactly 0
    assert g.grad_w == [0] and g.grad_b == [0]


# ------------------------------------------------------------------ vs the reference engine


def _agrees_with_reference(net: Network, data: list[Sample], loss: str) -> None:
    ref = RefNetwork(net)
    for s in data:
        want = ref.forward({k: _fr(v) for k, v in s.x.items()})
        tr = net.forward(s.x)
        assert {k: _fr(v) for k, v in tr.values().items()} == want
    g = net.gradient(data, SQUARE if loss == "square" else HINGE)
    total, gw, gb = ref.gradient(ref_samples(data), loss)
    assert _fr(g.loss) == total
    assert [_fr(v) for v in g.grad_w] == gw
    assert [_fr(v) for v in g.grad_b] == gb


@settings(max_examples=25)
@given(st.data())
def test_injection_everywhere_and_several_outputs_match_the_reference(data: Any) -> None:
    net = data.draw(dag_networks(any_activation(), max_hidden=5, max_outputs=3, weight_bits=4))
    samples = data.draw(samples_for(net, max_samples=2, bits=4, inject_everywhere=True))
    _agrees_with_reference(net, samples, "square")


@settings(max_examples=20)
@given(st.data())
def test_hinge_loss_backprop_matches_the_reference(data: Any) -> None:
    net = data.draw(dag_networks(any_activation(), max_hidden=4, max_outputs=2, weight_bits=4))
    labels = st.lists(st.sampled_from([fmpq(1), fmpq(-1)]), min_size=len(net.outputs),
                      max_size=len(net.outputs)).map(tuple)
    xs = data.draw(samples_for(net, max_samples=2, bits=4))
    samples = [Sample(s.x, data.draw(labels)) for s in xs]
    _agrees_with_reference(net, samples, "hinge")


# ------------------------------------------------------------------ vs sympy: dL/dx, custom loss


def _sympy_loss(net: Network, sample: Sample, xsym: dict[str, Any],
                loss: Callable[[list[Any], Sequence[Any]], Any]) -> Any:
    """L as a sympy expression in the injected inputs (polynomial activations only)."""
    val: dict[str, Any] = {}
    for i in net.arch.order:
        v = net.nodes[i]
        z = xsym[v]
        act = net.activation(v)
        if act is None:
            val[v] = z
            continue
        for e in net.arch.in_edges[i]:
            u = net.nodes[net.arch.src[e]]
            z = z + sympy.Rational(fmt(net.weights[e])) * val[u] + sympy.Rational(
                fmt(net.biases[e]))
        coeffs = act.describe().get("coefficients", ["0", "1"])
        val[v] = sum(sympy.Rational(c) * z**k for k, c in enumerate(coeffs))
    ys = [sympy.Rational(fmt(y)) for y in sample.y]
    return loss([val[t] for t in net.outputs], ys)


def _quartic_value(u: Sequence[fmpq], y: Sequence[fmpq]) -> fmpq:
    return sum(((a - b) ** 4 for a, b in zip(u, y, strict=True)), fmpq(0)) / 4


def _quartic_grad(u: Sequence[fmpq], y: Sequence[fmpq]) -> list[fmpq]:
    return [(a - b) ** 3 for a, b in zip(u, y, strict=True)]


QUARTIC = Loss("quartic", _quartic_value, _quartic_grad)


@settings(max_examples=10)
@given(st.data())
def test_input_gradient_and_a_custom_loss_match_sympy(data: Any) -> None:
    act: Activation = data.draw(st.one_of(polynomials(1, 3, 3), st.just(IDENTITY)))
    net = data.draw(dag_networks(act, max_inputs=2, max_hidden=3, max_outputs=2, weight_bits=3))
    sample = data.draw(samples_for(net, max_samples=1, bits=3, inject_everywhere=True))[0]
    syms = {v: sympy.Symbol(f"x_{v}") for v in net.nodes}
    at = {syms[v]: sympy.Rational(fmt(sample.x.get(v, fmpq(0)))) for v in net.nodes}
    expr = _sympy_loss(net, sample, syms,
                       lambda u, y: sum((a - b) ** 4 for a, b in zip(u, y, strict=True)) / 4)
    g = net.gradient([sample], QUARTIC)
    assert sympy.Rational(fmt(g.loss)) == expr.xreplace(at)
    grad_x = g.backwards[0].grad_x()
    for i, v in enumerate(net.nodes):
        assert sympy.Rational(fmt(grad_x[i])) == sympy.diff(expr, syms[v]).xreplace(at), v


def test_a_loss_without_derivative_is_refused() -> None:
    zero_one = Loss("0/1", lambda u, y: fmpq(int(list(u) != list(y))))
    with pytest.raises(DataError, match="'0/1' has no derivative"):
        small_net().gradient([Sample.of({"x": 1}, [0])], zero_one)
    assert small_net().loss([Sample.of({"x": 3}, ["1/36"])], zero_one) == 0


def test_label_length_mismatch() -> None:
    with pytest.raises(DataError, match="1 outputs but a label of length 2"):
        small_net().gradient([Sample.of({"x": 1}, [0, 1])], SQUARE)


def test_backward_checks_the_output_gradient_length() -> None:
    net = small_net()
    with pytest.raises(DataError, match="expected 1 output gradients, got 2"):
        net.backward(net.forward({"x": 1}), [fmpq(1), fmpq(2)])


# ------------------------------------------------------------------ validation


def _err(fn: Callable[[], object], cls: type[Exception] = NetworkError) -> str:
    with pytest.raises(cls) as info:
        fn()
    assert isinstance(info.value, ValueError)
    return str(info.value)


def test_unknown_node_is_named() -> None:
    msg = _err(lambda: Network({"x": None, "h": RELU}, [("x", "q", 1, 0)], ["h"]))
    assert "edge x->q: unknown node 'q'" in msg
    msg = _err(lambda: Network({"x": None, "h": RELU}, [("p", "h", 1, 0)], ["h"]))
    assert "unknown node 'p'" in msg


def test_cycle_is_named() -> None:
    acts: dict[str, Activation | None] = {"x": None, "a": RELU, "b": RELU, "c": RELU, "d": SQ}
    edges = [("x", "a", 1, 0), ("a", "b", 1, 0), ("b", "c", 1, 0), ("c", "a", 1, 0),
             ("c", "d", 1, 0)]
    msg = _err(lambda: Network(acts, edges, ["d"]), CycleError)
    rotations = ("a -> b -> c -> a", "b -> c -> a -> b", "c -> a -> b -> c")
    assert any(f"directed cycle: {r}" in msg for r in rotations), msg
    assert "d" not in msg.split(": ", 1)[1]


def test_self_loop_is_a_cycle() -> None:
    msg = _err(lambda: Network({"x": None, "h": RELU}, [("x", "h", 1, 0), ("h", "h", 1, 0)],
                               ["h"]), CycleError)
    assert "h -> h" in msg


@settings(max_examples=30)
@given(st.data())
def test_every_back_edge_yields_a_cycle_made_of_real_edges(data: Any) -> None:
    net = data.draw(dag_networks(RELU, max_hidden=6))
    hidden = [v for v in net.nodes if net.activation(v) is not None]
    i = data.draw(st.integers(0, len(hidden) - 1))
    j = data.draw(st.integers(i, len(hidden) - 1))
    # v_j is reachable from v_i only sometimes; force a path v_i -> v_j by an edge when absent
    edges = net.edge_list()
    if i != j and (hidden[i], hidden[j]) not in net.edges:
        edges.append(Edge.of(hidden[i], hidden[j]))
    edges.append(Edge.of(hidden[j], hidden[i]))  # the back edge closes a cycle
    acts = {v: net.activation(v) for v in net.nodes}
    with pytest.raises(CycleError) as info:
        Network(acts, edges, net.outputs)
    cycle = str(info.value).split(": ", 1)[1].split(" -> ")
    assert cycle[0] == cycle[-1] and len(cycle) >= 2
    pairs = {(e.src, e.dst) for e in edges}
    assert all((u, v) in pairs for u, v in pairwise(cycle))


def test_edge_into_a_source_is_named() -> None:
    msg = _err(lambda: Network({"x": None, "y": None, "h": RELU},
                               [("x", "h", 1, 0), ("h", "y", 1, 0)], ["h"]))
    assert "edge h->y enters the input node 'y'" in msg


def test_duplicate_edge_is_named() -> None:
    msg = _err(lambda: Network({"x": None, "h": RELU}, [("x", "h", 1, 0), ("x", "h", 2, 0)],
                               ["h"]))
    assert "duplicate edge x->h" in msg


def test_missing_activation_is_named() -> None:
    msg = _err(lambda: Network({"x": None, "h": None, "o": RELU},
                               [("x", "o", 1, 0), ("h", "o", 1, 0)], ["o"], inputs=["x"]))
    assert "node 'h' has no activation but is not listed as an input" in msg


def test_unknown_output_and_input_are_named() -> None:
    msg = _err(lambda: Network({"x": None, "h": RELU}, [("x", "h", 1, 0)], ["z"]))
    assert "output 'z' is not a node" in msg
    msg = _err(lambda: Network({"x": None, "h": RELU}, [("x", "h", 1, 0)], ["h"],
                               inputs=["x", "q"]))
    assert "input 'q' is not a node" in msg
    msg = _err(lambda: Network({"x": None, "h": RELU}, [("x", "h", 1, 0)], ["h"],
                               inputs=["x", "h"]))
    assert "input node 'h' must not carry an activation" in msg


def test_other_validation_errors() -> None:
    assert "duplicate output" in _err(
        lambda: Network({"x": None, "h": RELU}, [("x", "h", 1, 0)], ["h", "h"]))
    assert "duplicate input" in _err(
        lambda: Network({"x": None, "h": RELU}, [("x", "h", 1, 0)], ["h"], inputs=["x", "x"]))
    assert "non-empty strings" in _err(
        lambda: Network({"": None, "h": RELU}, [("", "h", 1, 0)], ["h"]))
    assert "must be an Activation or None" in _err(
        lambda: Network({"x": None, "h": "relu"}, [("x", "h", 1, 0)], ["h"]))  # type: ignore[dict-item]
    assert "weight and bias must be fmpq" in _err(
        lambda: Network({"x": None, "h": RELU}, [Edge("x", "h", 0.5)], ["h"]))  # type: ignore[arg-type]


def test_floats_are_refused_as_parameters() -> None:
    with pytest.raises(TypeError, match=r"float 0\.5"):
        Network({"x": None, "h": RELU}, [("x", "h", 0.5, 0)], ["h"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="float"):
        small_net().with_params([1, 1.5, 1], [0, 0, 0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="float"):
        small_net().forward({"x": 0.25})  # type: ignore[dict-item]


def test_unknown_input_coordinate() -> None:
    with pytest.raises(DataError, match="unknown node 'nope'"):
        small_net().forward({"nope": 1})


# ------------------------------------------------------------------ structure helpers


def test_structure_and_with_params() -> None:
    net = small_net()
    assert net.nodes == ("x", "h", "o") and net.inputs == ("x",) and net.outputs == ("o",)
    assert net.depth == 2
    assert net.edge_of("h", "o") == 1 and net.index_of("o") == 2
    assert net.activation("x") is None and net.activation("h") == RELU
    with pytest.raises(NetworkError, match="no edge o->h"):
        net.edge_of("o", "h")
    with pytest.raises(NetworkError, match="unknown node 'q'"):
        net.index_of("q")
    other = net.with_params([1, 1, 1], ["1/2", 0, 0])
    assert other.arch is net.arch
    # h = relu(1 + 1/2) = 3/2;  o = (3/2 + 1)^2
    assert other({"x": 1}) == (fmpq(25, 4),)
    with pytest.raises(NetworkError, match="expected 3 weights and biases, got 2 and 3"):
        net.with_params([1, 1], [0, 0, 0])
    assert "3 nodes, 3 edges, depth 2" in repr(net)
    assert "x->h: w=2 b=-1" in net.describe_params()
    assert [e.weight for e in net.edge_list()] == [2, fmpq(1, 2), -1]


def test_declaration_order_need_not_be_topological() -> None:
    net = Network({"o": SQ, "h": RELU, "x": None},
                  [("h", "o", 1, 0), ("x", "h", 1, 0)], ["o"])
    assert net({"x": -3}) == (fmpq(0),) and net({"x": 3}) == (fmpq(9),)
    assert [net.nodes[i] for i in net.arch.order] == ["x", "h", "o"]


# ------------------------------------------------------------------ bit budget


def test_forward_budget_names_the_node() -> None:
    nodes: dict[str, Activation | None] = {"x": None}
    edges = []
    prev = "x"
    for i in range(12):
        nodes[f"s{i}"] = SQ
        edges.append((prev, f"s{i}", 1, 0))
        prev = f"s{i}"
    net = Network(nodes, edges, [prev])
    tr = net.forward({"x": 3})
    assert tr.outputs == (fmpq(3) ** (2**12),)
    first_big = next(i for i in range(12) if size(tr.value(f"s{i}")) > 300)
    with pytest.raises(BitBudgetExceeded) as info:
        net.forward({"x": 3}, budget_bits=300)
    assert info.value.where == f"node 's{first_big}'"
    assert info.value.budget_bits == 300 and info.value.size_bits > 300
    assert "bit budget exceeded at node" in str(info.value)
    with pytest.raises(BitBudgetExceeded):
        net.gradient([Sample.of({"x": 3}, [0])], SQUARE, budget_bits=300)
    net.forward({"x": 3}, budget_bits=size(tr.outputs[0]))  # exactly enough: no error


# ------------------------------------------------------------------ details pinned


def test_a_cycle_found_from_a_node_below_it_names_only_the_cycle() -> None:
    # d (declared first) hangs below the cycle a -> b -> a: the walk starts at d
    acts: dict[str, Activation | None] = {"x": None, "d": SQ, "a": RELU, "b": RELU}
    edges = [("x", "a", 1, 0), ("a", "b", 1, 0), ("b", "a", 1, 0), ("b", "d", 1, 0)]
    msg = _err(lambda: Network(acts, edges, ["d"]), CycleError)
    assert msg.endswith("the network has a directed cycle: a -> b -> a"), msg


def test_edge_defaults() -> None:
    assert Edge.of("u", "v") == Edge("u", "v", fmpq(1), fmpq(0))


def test_loss_sums_over_samples_and_parameters_are_described() -> None:
    net = small_net()
    data = [Sample.of({"x": 3}, [1]), Sample.of({"x": "-1/2"}, [0])]
    assert net.loss(data, SQUARE) == net.gradient(data, SQUARE).loss
    assert net.loss(data, SQUARE) == sum(
        (net.loss([s], SQUARE) for s in data), fmpq(0))
    assert net.describe_params() == ("x->h: w=2 b=-1, h->o: w=1/2 b=1/3, "
                                     "x->o: w=-1 b=0")


def test_edge_list_and_repr() -> None:
    net = small_net()
    assert net.edge_list() == [Edge.of("x", "h", 2, -1), Edge.of("h", "o", "1/2", "1/3"),
                               Edge.of("x", "o", -1, 0)]
    acts: dict[str, Activation | None] = {f"x{i}": None for i in range(6)}
    acts.update({f"o{i}": IDENTITY for i in range(6)})
    wide = Network(acts, [(f"x{i}", f"o{i}", 1, 0) for i in range(6)],
                   [f"o{i}" for i in range(6)])
    assert repr(wide) == ("<Network 12 nodes, 6 edges, depth 1, inputs ['x0', 'x1', 'x2', "
                          "'x3'], outputs ['o0', 'o1', 'o2', 'o3']>")


def test_a_loss_gradient_of_the_wrong_length_is_a_data_error() -> None:
    bad = Loss("bad", lambda u, y: fmpq(0), lambda u, y: [fmpq(1), fmpq(2)])
    for budget in (None, 100):
        with pytest.raises(DataError, match="expected 1 output gradients, got 2"):
            small_net().gradient([Sample.of({"x": 1}, [0])], bad, budget_bits=budget)
