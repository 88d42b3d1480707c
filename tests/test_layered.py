"""checkers.layered: the dense fast path, in both matrix representations, against the DAG path
and the Fraction reference (§2, App. E)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from typing import Any, Literal
from unittest.mock import patch

import pytest
from flint import fmpq, fmpq_mat, fmpz, fmpz_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.activations import IDENTITY, RELU, parse_activation
from checkers.errors import DataError, NetworkError
from checkers.layered import Layer, LayeredNetwork, Mat
from checkers.losses import HINGE, SQUARE, Loss
from checkers.network import Sample
from checkers.reference import RefNetwork, ref_samples
from strategies import any_activation, layered_batch, layered_networks
from strategies.rationals import rationals

Mode = Literal["shared", "fmpq_mat", "auto"]
Batch = list[list[Any]]


def _fr(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def _lcm_den(entries: Sequence[fmpq]) -> fmpz:
    d = fmpz(1)
    for v in entries:
        d = d.lcm(v.q)
    return d


@contextmanager
def forced(mode: Mode) -> Iterator[None]:
    """Make :meth:`Mat.from_rationals` always pick one representation."""
    if mode == "auto":
        yield
        return

    def make(rows: int, cols: int, entries: Sequence[fmpq]) -> Mat:
        ents = list(entries)
        if mode == "shared":
            d = _lcm_den(ents)
            return Mat(rows, cols, num=fmpz_mat(rows, cols, [v.p * (d // v.q) for v in ents]),
                       den=d)
        return Mat(rows, cols, q=fmpq_mat(rows, cols, ents))

    with patch.object(Mat, "from_rationals", staticmethod(make)):
        yield


# ------------------------------------------------------------------ representation choice


def test_automatic_representation_choice() -> None:
    dyadic = Mat.from_rationals(2, 2, [fmpq(1, 2), fmpq(3, 8), fmpq(-5, 4), fmpq(7)])
    assert dyadic.shared and dyadic.den == 8
    primes = [1_000_003, 1_000_033, 1_000_037, 1_000_039]
    unrelated = Mat.from_rationals(2, 2, [fmpq(1, p) for p in primes])
    assert not unrelated.shared
    for m, ents in ((dyadic, [fmpq(1, 2), fmpq(3, 8), fmpq(-5, 4), fmpq(7)]),
                    (unrelated, [fmpq(1, p) for p in primes])):
        assert m.entries() == ents
        assert m.as_fmpq_mat() == fmpq_mat(2, 2, ents)


entries_2x3 = st.lists(rationals(12, den_bits=8), min_size=6, max_size=6)


@settings(max_examples=30)
@given(entries_2x3, entries_2x3, st.lists(rationals(8, den_bits=6), min_size=2, max_size=2),
       st.sampled_from(["shared", "fmpq_mat"]), st.sampled_from(["shared", "fmpq_mat"]))
def test_matrix_operations_in_both_representations(
    a: list[fmpq], b: list[fmpq], bias: list[fmpq], ma: Mode, mb: Mode
) -> None:
    with forced(ma):
        A = Mat.from_rationals(2, 3, a)
    with forced(mb):
        B = Mat.from_rationals(2, 3, b)
    qa, qb = fmpq_mat(2, 3, a), fmpq_mat(2, 3, b)
    assert A.shared == (ma == "shared") and B.shared == (mb == "shared")
    assert A.entries() == a and A.as_fmpq_mat() == qa
    assert (A @ B.transpose()).as_fmpq_mat() == qa * qb.transpose()
    assert A.transpose().entries() == qa.transpose().entries()
    assert A.column(1) == [a[1], a[4]]
    assert A.hadamard(B).entries() == [x * y for x, y in zip(a, b, strict=True)]
    assert A.add_column(bias).entries() == [a[i * 3 + j] + bias[i]
                                           for i in range(2) for j in range(3)]
    assert A.row_sums() == [a[0] + a[1] + a[2], a[3] + a[4] + a[5]]
    sq = parse_activation("x^2 - 1/3")
    assert A.apply(sq).entries() == [sq(v) for v in a]
    assert A.apply(RELU, derivative=True).entries() == [RELU.derivative(v) for v in a]
    with pytest.raises(NetworkError, match="shape mismatch 2x3 @ 2x3"):
        A @ B


# ------------------------------------------------------------------ fast path = DAG = reference


def _dag_gradient(net: LayeredNetwork, xs: Batch, ys: Batch, loss: Loss) -> Any:
    data = [Sample.of({f"x{i}": v for i, v in enumerate(x)}, y)
            for x, y in zip(xs, ys, strict=True)]
    return net.to_network(), data, net.to_network().gradient(data, loss)


def _compare(net: LayeredNetwork, xs: Batch, ys: Batch, mode: Mode, loss: Loss) -> None:
    with forced(mode):
        fast = LayeredNetwork(net.layers)
        g = fast.gradient(xs, ys, loss)
    if mode != "auto":
        mats = [*g.trace.Z, *g.trace.H, *g.deltas]
        assert all(m.shared == (mode == "shared") for m in mats)
    dag, data, gd = _dag_gradient(net, xs, ys, loss)
    assert g.loss == gd.loss
    assert g.trace.outputs() == [list(tr.outputs) for tr in gd.traces]
    for l in range(1, net.depth + 1):  # noqa: E741
        prev, names = net.layer_names(l - 1), net.layer_names(l)
        for i, v in enumerate(names):
            for j, u in enumerate(prev):
                assert g.grad_w[l - 1][i][j] == gd.grad_w[dag.edge_of(u, v)]
            assert g.grad_b[l - 1][i] == gd.grad_b[dag.edge_of(prev[0], v)]
    total, _, _ = RefNetwork(dag).gradient(ref_samples(data), loss.name)
    assert _fr(g.loss) == total


@settings(max_examples=20)
@given(st.data(), st.sampled_from(["shared", "fmpq_mat", "auto"]), st.booleans())
def test_fast_path_equals_the_dag_in_each_representation(data: Any, mode: Mode,
                                                         dyadic: bool) -> None:
    act = data.draw(any_activation())
    net = data.draw(layered_networks(act, max_depth=3, max_width=3, weight_bits=5,
                                     dyadic=dyadic, linear_output=data.draw(st.booleans())))
    xs, ys = data.draw(layered_batch(net, max_batch=3, bits=5))
    _compare(net, xs, ys, mode, SQUARE)


@settings(max_examples=10)
@given(st.data(), st.sampled_from(["shared", "fmpq_mat"]))
def test_fast_path_hinge_loss(data: Any, mode: Mode) -> None:
    net = data.draw(layered_networks(RELU, max_depth=2, max_width=3, weight_bits=4))
    xs, _ = data.draw(layered_batch(net, max_batch=3, bits=4))
    ys = [[data.draw(st.sampled_from([fmpq(1), fmpq(-1)])) for _ in range(net.output_dim)]
          for _ in xs]
    _compare(net, xs, ys, mode, HINGE)


def test_unrelated_denominators_take_the_fmpq_mat_path_and_agree() -> None:
    primes = [1_000_003, 1_000_033, 1_000_037, 1_000_039, 1_000_081, 1_000_099]
    w = [[fmpq(k + 1, p) for k, p in enumerate(primes[:3])],
         [fmpq(-1, p) for p in primes[3:]]]
    net = LayeredNetwork([Layer.of(w, ["1/7", "-2/9"], parse_activation("x^2 + x")),
                          Layer.of([[1, -1]], [0], IDENTITY)])
    xs: Batch = [[fmpq(1, 3), 2, fmpq(-5, 11)], [0, fmpq(1, 2), 1]]
    ys: Batch = [[1], [fmpq(-1, 4)]]
    g = net.gradient(xs, ys, SQUARE)
    assert not g.trace.Z[0].shared
    _compare(net, xs, ys, "auto", SQUARE)


# ------------------------------------------------------------------ conversion and errors


def test_to_network_names_and_biases() -> None:
    net = LayeredNetwork([Layer.of([[1, 2], [3, 4]], [5, 6], RELU),
                          Layer.of([[7, 8]], [9], IDENTITY)])
    dag = net.to_network()
    assert dag.inputs == ("x0", "x1") and dag.outputs == ("h2_0",)
    assert dag.nodes == ("x0", "x1", "h1_0", "h1_1", "h2_0")
    assert dag.weights[dag.edge_of("x1", "h1_0")] == 2
    assert dag.biases[dag.edge_of("x0", "h1_1")] == 6
    assert dag.biases[dag.edge_of("x1", "h1_1")] == 0
    assert net.forward([[1, 1]]).outputs() == [list(dag({"x0": 1, "x1": 1}))]
    assert net.depth == 2 and net.input_dim == 2 and net.output_dim == 1
    assert net.layer_names(0) == ["x0", "x1"]


def test_layered_validation_errors() -> None:
    with pytest.raises(NetworkError, match="at least one layer"):
        LayeredNetwork([])
    with pytest.raises(NetworkError, match="layer 1 has no inputs"):
        LayeredNetwork([Layer.of([[]], [0], RELU)])
    with pytest.raises(NetworkError, match="layer 2 has shape 1x3, expected"):
        LayeredNetwork([Layer.of([[1, 2]], [0], RELU), Layer.of([[1, 2, 3]], [0], RELU)])
    with pytest.raises(NetworkError, match="layer 1: ragged"):
        LayeredNetwork([Layer.of([[1, 2], [3]], [0, 0], RELU)])
    with pytest.raises(NetworkError, match="layer 1: 1 biases for 2 nodes"):
        LayeredNetwork([Layer.of([[1], [2]], [0], RELU)])
    with pytest.raises(NetworkError, match="activation must be an Activation"):
        LayeredNetwork([Layer(((fmpq(1),),), (fmpq(0),), "relu")])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="float"):
        Layer.of([[0.5]], [0], RELU)  # type: ignore[list-item]


def test_batch_errors() -> None:
    net = LayeredNetwork([Layer.of([[1, 2]], [0], RELU)])
    with pytest.raises(DataError, match="empty batch"):
        net.forward([])
    with pytest.raises(DataError, match="sample 1: 1 inputs, expected 2"):
        net.forward([[1, 2], [1]])
    with pytest.raises(DataError, match="2 inputs but 1 labels"):
        net.gradient([[1, 2], [3, 4]], [[0]], SQUARE)
    with pytest.raises(DataError, match="no derivative"):
        net.gradient([[1, 2]], [[0]], Loss("0/1", lambda u, y: fmpq(0)))
    with pytest.raises(TypeError, match="float"):
        net.forward([[1, 0.5]])  # type: ignore[list-item]


def test_mixed_representations_multiply_exactly() -> None:
    # a shared-denominator matrix (denominator 2) times an fmpq_mat one
    a = Mat.from_rationals(1, 2, [fmpq(1, 2), fmpq(3, 2)])
    b = Mat(2, 1, q=fmpq_mat(2, 1, [fmpq(1, 3), fmpq(1, 5)]))
    assert a.shared and not b.shared
    assert a.as_fmpq_mat() == fmpq_mat(1, 2, [fmpq(1, 2), fmpq(3, 2)])
    assert (a @ b).entries() == [fmpq(1, 6) + fmpq(3, 10)]


def test_gradient_rows_have_the_layer_shape_and_messages_are_exact() -> None:
    net = LayeredNetwork([Layer.of([[1, 2, 3], [4, 5, 6]], [0, 1], RELU),
                          Layer.of([[1, -1]], [0], IDENTITY)])
    g = net.gradient([[1, 2, 3]], [[0]], SQUARE)
    assert [[len(row) for row in gw] for gw in g.grad_w] == [[3, 3], [2]]
    dag = net.to_network()
    gw, _ = dag.gradient([Sample.of({"x0": 1, "x1": 2, "x2": 3}, [0])], SQUARE).by_edge(dag)
    assert g.grad_w == [[[gw[f"x{j}->h1_{i}"] for j in range(3)] for i in range(2)],
                        [[gw[f"h1_{i}->h2_0"] for i in range(2)]]]
    for build, msg in ((lambda: LayeredNetwork([]),
                        "a layered network needs at least one layer"),
                       (lambda: LayeredNetwork([Layer.of([[]], [0], RELU)]),
                        "layer 1 has no inputs"),
                       (lambda: net.forward([]), "empty batch")):
        with pytest.raises((NetworkError, DataError)) as info:
            build()
        assert str(info.value) == msg


def test_hadamard_needs_equal_shapes() -> None:
    a = Mat.from_rationals(1, 2, [fmpq(1), fmpq(2)])
    with pytest.raises(NetworkError, match=r"^shape mismatch 1x2 \* 2x1$"):
        a.hadamard(Mat.from_rationals(2, 1, [fmpq(1), fmpq(2)]))


@pytest.mark.parametrize("mode", ["shared", "fmpq_mat"])
def test_relu_pre_activations_exactly_zero_use_the_left_slope(mode: Mode) -> None:
    # z = 0 exactly at the hidden layer (both samples); relu'(0) = 0, so no gradient reaches
    # the first layer through that unit, in the fast path as in the DAG and the reference.
    net = LayeredNetwork([Layer.of([[1, -1], [2, 1]], [0, "-1/2"], RELU),
                          Layer.of([[3, "1/2"]], [1], IDENTITY)])
    xs: Batch = [[1, 1], [fmpq(1, 4), fmpq(1, 4)]]
    ys: Batch = [[2], [fmpq(-1, 3)]]
    with forced(mode):
        g = LayeredNetwork(net.layers).gradient(xs, ys, SQUARE)
    assert g.trace.Z[0].entries()[:2] == [0, 0]  # unit 0 (rows are units, columns samples)
    assert g.grad_w[0][0] == [0, 0] and g.grad_b[0][0] == 0
    _compare(net, xs, ys, mode, SQUARE)
