"""Strategies for straight-line programs (Definition 2.2).

Generate *structure* (operations and operand indices); values come from evaluation.  With
``max_length`` around 12 and every gate a squaring, the value reaches 2^(2^11) (2 Kbit):
big enough to matter, small enough to be cheap.
"""

from __future__ import annotations

from collections.abc import Sequence

from flint import fmpq
from hypothesis import strategies as st

from checkers.slp import OPS, SLP, Gate, Op
from strategies.rationals import rationals


@st.composite
def slps(
    draw: st.DrawFn,
    *,
    min_length: int = 1,
    max_length: int = 10,
    ops: Sequence[Op] = OPS,
    a0: st.SearchStrategy[fmpq] | None = None,
) -> SLP:
    """SLPs ``(a_0, ..., a_ℓ)`` with ``min_length <= ℓ <= max_length``; ``a_0 = 1`` by default
    (univariate integer programs evaluated at 1)."""
    first = draw(a0) if a0 is not None else fmpq(1)
    n = draw(st.integers(min_length, max_length))
    gates = []
    for i in range(1, n + 1):
        op = draw(st.sampled_from(list(ops)))
        j = draw(st.integers(0, i - 1))
        k = draw(st.integers(0, i - 1))
        gates.append(Gate(op, j, k))
    return SLP(first, tuple(gates))


def integer_slps(max_length: int = 10) -> st.SearchStrategy[SLP]:
    """SLPs with ``a_0 = 1`` (so every value is an integer)."""
    return slps(max_length=max_length)


def rational_slps(max_length: int = 8) -> st.SearchStrategy[SLP]:
    """SLPs with a random rational ``a_0``."""
    return slps(max_length=max_length, a0=rationals(6))
