"""The layered fast path (:mod:`checkers.layered`) against plain Fraction arithmetic: the
matrix helpers, both representations (shared denominator and ``fmpq_mat``), the matrix
square loss, generic losses, and the layered Fraction reference against the DAG engine."""

from __future__ import annotations

from fractions import Fraction
from math import lcm

import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.activations import (
    IDENTITY,
    RELU,
    Activation,
    BitBounded,
    LeakyReLU,
    Polynomial,
)
from checkers.errors import DataError, NetworkError
from checkers.layered import Layer, LayeredGradient, LayeredNetwork, Mat
from checkers.losses import HINGE, SQUARE, Loss
from checkers.network import Sample
from checkers.reference import RefLayered

PRIMES = (1, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47)


def frac(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def fracs(m: Mat) -> list[list[Fraction]]:
    return [[frac(v) for v in row] for row in m.tolist()]


def old_rule_is_shared(entries: list[fmpq]) -> bool:
    """The representation rule, restated: shared iff bitlen(lcm of the denominators) <=
    2 * (largest denominator's bit-length) + 16."""
    dens = [int(v.q) for v in entries]
    return lcm(*dens).bit_length() <= 2 * max(d.bit_length() for d in dens) + 16


def mixed_rationals(bits: int = 8) -> st.SearchStrategy[fmpq]:
    """Rationals whose denominators are small primes (their lcm outgrows any single one, so
    matrices of them take the ``fmpq_mat`` path) or powers of two (the shared path)."""
    return st.one_of(
        st.builds(lambda p, q: fmpq(p, q), st.integers(-(2**bits), 2**bits),
                  st.sampled_from(PRIMES)),
        st.builds(lambda p, e: fmpq(p, 2**e), st.integers(-(2**bits), 2**bits),
                  st.integers(0, 6)),
    )


@st.composite
def matrices(draw: st.DrawFn, max_rows: int = 4, max_cols: int = 4,
             values: st.SearchStrategy[fmpq] | None = None) -> tuple[int, int, list[fmpq]]:
    r = draw(st.integers(1, max_rows))
    c = draw(st.integers(1, max_cols))
    vs = values if values is not None else mixed_rationals()
    return r, c, draw(st.lists(vs, min_size=r * c, max_size=r * c))


# ------------------------------------------------------------------ Mat


@given(matrices())
def test_from_rationals_round_trips_and_follows_the_rule(m: tuple[int, int, list[fmpq]]) -> None:
    r, c, ents = m
    mat = Mat.from_rationals(r, c, ents)
    assert mat.entries() == ents
    assert mat.shared == old_rule_is_shared(ents)
    if mat.shared:
        assert mat.den is not None
        assert int(mat.den) == lcm(*(int(v.q) for v in ents))


def test_both_representations_are_reached() -> None:
    unrelated = [fmpq(1, p) for p in PRIMES[1:]]
    assert not Mat.from_rationals(1, len(unrelated), unrelated).shared
    dyadic = [fmpq(3, 2**e) for e in range(20)]
    assert Mat.from_rationals(4, 5, dyadic).shared


@given(matrices(), st.data())
def test_add_column_and_row_sums(m: tuple[int, int, list[fmpq]], data: st.DataObject) -> None:
    r, c, ents = m
    mat = Mat.from_rationals(r, c, ents)
    b = data.draw(st.lists(mixed_rationals(), min_size=r, max_size=r))
    got = fracs(mat.add_column(b))
    want = [[frac(ents[i * c + j]) + frac(b[i]) for j in range(c)] for i in range(r)]
    assert got == want
    assert [frac(v) for v in mat.row_sums()] == [sum(row, Fraction(0)) for row in fracs(mat)]


def test_add_column_rejects_wrong_length() -> None:
    mat = Mat.from_rationals(2, 2, [fmpq(1), fmpq(2), fmpq(3), fmpq(4)])
    with pytest.raises(NetworkError, match="3 biases for a matrix with 2 rows"):
        mat.add_column([fmpq(1)] * 3)


@given(matrices(), matrices())
def test_matmul_hadamard_apply(a: tuple[int, int, list[fmpq]],
                               b: tuple[int, int, list[fmpq]]) -> None:
    ra, ca, ea = a
    _, cb, eb = b
    A = Mat.from_rationals(ra, ca, ea)
    B = Mat.from_rationals(ca, cb, (eb * (ca * cb))[:ca * cb])
    fa, fb = fracs(A), fracs(B)
    want = [[sum((fa[i][k] * fb[k][j] for k in range(ca)), Fraction(0)) for j in range(cb)]
            for i in range(ra)]
    assert fracs(A @ B) == want
    assert fracs(A.transpose()) == [list(col) for col in zip(*fa, strict=True)]
    assert fracs(A.hadamard(A)) == [[x * x for x in row] for row in fa]
    for act in (RELU, IDENTITY, LeakyReLU("1/3"), Polynomial("x^2 - 1/2")):
        assert A.apply(act).entries() == [act(v) for v in A.entries()]
        assert A.apply(act, derivative=True).entries() == [act.derivative(v)
                                                           for v in A.entries()]


# ------------------------------------------------------------------ networks


ACTIVATIONS: tuple[Activation, ...] = (
    RELU, LeakyReLU("1/8"), Polynomial("x^2 + 1/3*x"), IDENTITY, BitBounded(RELU, 3, 2),
)


@st.composite
def networks_and_batches(
    draw: st.DrawFn, values: st.SearchStrategy[fmpq] | None = None
) -> tuple[LayeredNetwork, list[list[fmpq]], list[list[fmpq]]]:
    vs = values if values is not None else mixed_rationals(6)
    depth = draw(st.integers(1, 3))
    widths = [draw(st.integers(1, 3)) for _ in range(depth + 1)]
    act = draw(st.sampled_from(ACTIVATIONS))
    layers = []
    for l in range(1, depth + 1):  # noqa: E741
        w = [[draw(vs) for _ in range(widths[l - 1])] for _ in range(widths[l])]
        b = [draw(vs) for _ in range(widths[l])]
        layers.append(Layer.of(w, b, IDENTITY if (l == depth and draw(st.booleans())) else act))
    batch = draw(st.integers(1, 3))
    xs = [[draw(vs) for _ in range(widths[0])] for _ in range(batch)]
    ys = [[draw(vs) for _ in range(widths[-1])] for _ in range(batch)]
    return LayeredNetwork(layers), xs, ys


def check_against_reference(net: LayeredNetwork, xs: list[list[fmpq]],
                            ys: list[list[fmpq]], loss: Loss) -> None:
    g = net.gradient(xs, ys, loss)
    ref = RefLayered(net)
    total, gw, gb = ref.gradient([[frac(v) for v in x] for x in xs],
                                 [[frac(v) for v in y] for y in ys], loss.name)
    assert frac(g.loss) == total
    assert [[[frac(v) for v in row] for row in layer] for layer in g.grad_w] == gw
    assert [[frac(v) for v in layer] for layer in g.grad_b] == gb
    for s, x in enumerate(xs):
        zs, hs = ref.forward([frac(v) for v in x])
        assert [frac(v) for v in g.trace.outputs()[s]] == hs[-1]
        for l in range(net.depth):  # noqa: E741
            assert [frac(g.trace.Z[l].column(s)[i]) for i in range(len(zs[l]))] == zs[l]


@settings(max_examples=60)
@given(networks_and_batches(), st.sampled_from((SQUARE, HINGE)))
def test_layered_matches_layered_reference(
    inst: tuple[LayeredNetwork, list[list[fmpq]], list[list[fmpq]]], loss: Loss
) -> None:
    check_against_reference(*inst, loss)


@settings(max_examples=30)
@given(networks_and_batches(values=st.builds(lambda p: fmpq(p, 2**8), st.integers(-99, 99))))
def test_layered_matches_reference_on_the_shared_path(
    inst: tuple[LayeredNetwork, list[list[fmpq]], list[list[fmpq]]]
) -> None:
    check_against_reference(*inst, SQUARE)


@pytest.mark.parametrize("act", ACTIVATIONS, ids=lambda a: a.name)
def test_mixed_representations_agree_with_reference(act: Activation) -> None:
    """Layer 1 over unrelated denominators (``fmpq_mat``), layer 2 dyadic (shared), inputs
    dyadic: both forms meet in the products, σ and σ'."""
    unrelated = [[fmpq(1, 101), fmpq(-2, 103), fmpq(5, 107)],
                 [fmpq(4, 109), fmpq(1, 113), fmpq(-1, 127)]]
    l1 = Layer.of(unrelated, [fmpq(1, 23), fmpq(-1, 29)], act)
    l2 = Layer.of([["3/4", "-1/2"], ["1/8", "5/2"]], ["1/2", "-3/4"], act)
    l3 = Layer.of([["1/2", "1/4"]], ["-1/16"], IDENTITY)
    net = LayeredNetwork([l1, l2, l3])
    assert not net._W[0].shared and net._W[1].shared
    xs = [[fmpq(3, 4), fmpq(-1, 2), fmpq(5)], [fmpq(1), fmpq(2), fmpq(-1, 8)]]
    ys = [[fmpq(1, 2)], [fmpq(-3)]]
    for loss in (SQUARE, HINGE):
        check_against_reference(net, xs, ys, loss)
    assert net.forward(xs).outputs() == net.gradient(xs, ys, SQUARE).trace.outputs()


def test_custom_loss_takes_the_generic_path() -> None:
    """A loss that is not :data:`SQUARE` (even one computing the same numbers) goes sample
    by sample and gives the same result as the matrix square loss."""
    own = Loss("square", SQUARE.value, SQUARE.grad)
    net = LayeredNetwork([Layer.of([["1/3", "2"], ["-1", "1/5"]], ["1/7", "0"], RELU),
                          Layer.of([["1/2", "-3"]], ["1/9"], IDENTITY)])
    xs = [["1", "-2/3"], ["5/4", "1/11"], ["0", "0"]]
    ys = [["1/2"], ["-1"], ["3"]]
    a, b = net.gradient(xs, ys, SQUARE), net.gradient(xs, ys, own)
    assert a.loss == b.loss and a.grad_w == b.grad_w and a.grad_b == b.grad_b


def test_square_loss_label_length_is_checked() -> None:
    net = LayeredNetwork([Layer.of([["1", "2"]], ["0"], IDENTITY)])
    with pytest.raises(DataError, match="1 outputs but a label of length 2"):
        net.gradient([["1", "1"]], [["1", "2"]], SQUARE)


def test_lazy_grad_w() -> None:
    net = LayeredNetwork([Layer.of([["1/3", "2"], ["-1", "1/5"]], ["1/7", "0"], RELU),
                          Layer.of([["1/2", "-3"]], ["1/9"], IDENTITY)])
    g = net.gradient([["1", "-2/3"], ["5/4", "1/11"]], [["1/2"], ["-1"]], SQUARE)
    assert g.grad_w_mats is not None
    rows = g.grad_w
    assert rows is g.grad_w  # built once
    assert rows == [m.tolist() for m in g.grad_w_mats]
    assert all(isinstance(v, fmpq) for layer in rows for row in layer for v in row)
    eager = LayeredGradient(g.loss, rows, g.grad_b, g.trace, g.deltas)
    assert eager.grad_w == rows and eager.grad_w_mats is None
    eager.grad_w = []
    assert eager.grad_w == []
    assert "LayeredGradient" in repr(g)
    with pytest.raises(ValueError, match="needs grad_w"):
        LayeredGradient(g.loss, None, g.grad_b, g.trace, g.deltas)


# ------------------------------------------------------------------ reference vs DAG


@settings(max_examples=40)
@given(networks_and_batches())
def test_layered_reference_matches_dag_engine(
    inst: tuple[LayeredNetwork, list[list[fmpq]], list[list[fmpq]]]
) -> None:
    """The layered Fraction reference (reverse mode) against the DAG engine."""
    net, xs, ys = inst
    dag = net.to_network()
    data = [Sample.of({f"x{i}": v for i, v in enumerate(x)}, y)
            for x, y in zip(xs, ys, strict=True)]
    gd = dag.gradient(data, SQUARE)
    total, gw, gb = RefLayered(net).gradient([[frac(v) for v in x] for x in xs],
                                             [[frac(v) for v in y] for y in ys], "square")
    assert frac(gd.loss) == total
    for l in range(1, net.depth + 1):  # noqa: E741
        prev, names = net.layer_names(l - 1), net.layer_names(l)
        for i, v in enumerate(names):
            assert frac(gd.grad_b[dag.edge_of(prev[0], v)]) == gb[l - 1][i]
            for j, u in enumerate(prev):
                assert frac(gd.grad_w[dag.edge_of(u, v)]) == gw[l - 1][i][j]
