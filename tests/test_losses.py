"""checkers.losses: square and hinge values and gradients, incl. the hinge kink convention."""

from __future__ import annotations

from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import given
from hypothesis import strategies as st

from checkers.errors import DataError
from checkers.losses import HINGE, LOSSES, SQUARE, get_loss
from checkers.reference import loss_functions
from strategies.rationals import rationals


def _fr(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def q(text: str) -> fmpq:
    return fmpq(Fraction(text).numerator, Fraction(text).denominator)


def test_square_by_hand() -> None:
    u, y = [q("3/2"), q("-1")], [q("1/2"), q("1")]
    assert SQUARE.value(u, y) == fmpq(1, 2) * (1 + 4)  # ½((1)² + (−2)²)
    assert SQUARE.grad is not None
    assert SQUARE.grad(u, y) == [1, -2]


def test_hinge_by_hand_and_its_kink() -> None:
    assert HINGE.grad is not None
    # margin 1 - y u: 1 - 1*(1/4) = 3/4 > 0 -> loss 3/4, gradient -y = -1
    assert HINGE.value([q("1/4")], [q("1")]) == fmpq(3, 4)
    assert HINGE.grad([q("1/4")], [q("1")]) == [-1]
    # correct side with margin: loss 0, gradient 0
    assert HINGE.value([q("-3")], [q("-1")]) == 0 and HINGE.grad([q("-3")], [q("-1")]) == [0]
    # exactly at the kink 1 - y u = 0: loss 0 and the convention gives gradient 0
    assert HINGE.value([q("1")], [q("1")]) == 0 and HINGE.grad([q("1")], [q("1")]) == [0]
    assert HINGE.grad([q("-1/2")], [q("-2")]) == [0]  # 1 - (-2)(-1/2) = 0
    # just inside the kink the gradient is -y
    assert HINGE.grad([q("999/1000")], [q("1")]) == [-1]
    # several coordinates add up
    assert HINGE.value([q("0"), q("2")], [q("1"), q("-1")]) == 1 + 3


vectors = st.integers(1, 4).flatmap(
    lambda n: st.tuples(st.lists(rationals(10, den_bits=6), min_size=n, max_size=n),
                        st.lists(rationals(10, den_bits=6), min_size=n, max_size=n)))


@given(vectors, st.sampled_from(["square", "hinge"]))
def test_losses_match_the_reference(uy: tuple[list[fmpq], list[fmpq]], name: str) -> None:
    u, y = uy
    loss = get_loss(name)
    value, grad = loss_functions(name)
    fu, fy = [_fr(v) for v in u], [_fr(v) for v in y]
    assert _fr(loss.value(u, y)) == value(fu, fy)
    assert loss.grad is not None
    assert [_fr(g) for g in loss.grad(u, y)] == grad(fu, fy)


@given(vectors, rationals(6, den_bits=4, nonzero=True))
def test_square_gradient_is_the_exact_derivative(uy: tuple[list[fmpq], list[fmpq]],
                                                 h: fmpq) -> None:
    # the square loss is quadratic in each coordinate: a central difference is exact
    u, y = uy
    assert SQUARE.grad is not None
    g = SQUARE.grad(u, y)
    for t in range(len(u)):
        up = [v + h if i == t else v for i, v in enumerate(u)]
        dn = [v - h if i == t else v for i, v in enumerate(u)]
        assert (SQUARE.value(up, y) - SQUARE.value(dn, y)) / (2 * h) == g[t]


@given(vectors, rationals(6, den_bits=4, nonzero=True))
def test_hinge_gradient_away_from_the_kink(uy: tuple[list[fmpq], list[fmpq]], h: fmpq) -> None:
    # where every margin stays on one side over [u - |h|, u + |h|], hinge is affine there
    u, y = uy
    assert HINGE.grad is not None
    g = HINGE.grad(u, y)
    for t in range(len(u)):
        lo, hi = u[t] - abs(h), u[t] + abs(h)
        m_lo, m_hi = 1 - y[t] * lo, 1 - y[t] * hi
        if (m_lo > 0) != (m_hi > 0) or m_lo == 0 or m_hi == 0:
            continue
        up = [hi if i == t else v for i, v in enumerate(u)]
        dn = [lo if i == t else v for i, v in enumerate(u)]
        assert (HINGE.value(up, y) - HINGE.value(dn, y)) / (2 * abs(h)) == g[t]


def test_length_mismatch_and_unknown_loss() -> None:
    with pytest.raises(DataError, match="square loss: 2 outputs but a label of length 1"):
        SQUARE.value([fmpq(1), fmpq(2)], [fmpq(1)])
    assert HINGE.grad is not None
    with pytest.raises(DataError, match="hinge loss: 1 outputs but a label of length 2"):
        HINGE.grad([fmpq(1)], [fmpq(1), fmpq(2)])
    with pytest.raises(DataError, match=r"^hinge loss: 1 outputs but a label of length 2$"):
        HINGE.value([fmpq(1)], [fmpq(1), fmpq(2)])
    with pytest.raises(DataError, match=r"unknown loss 'l1'; choose one of \['hinge', 'square'\]"):
        get_loss("l1")
    assert sorted(LOSSES) == ["hinge", "square"]
