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

_OFFSET_RANGE = 1 << 16


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
    (univariate integer programs evaluated at 1).

    Gates are a Hypothesis list (so the shrinker can delete any of them) and operands are
    drawn as offsets back from the gate (``j = i - 1 - (d mod i)``, uniform over ``0..i-1``),
    so deleting a gate keeps the references of the gates after it local: a failing program
    shrinks to a short chain ``a_i = a_{i-1} op a_{i-1}``.
    """
    first = draw(a0) if a0 is not None else fmpq(1)
    offsets = st.integers(0, _OFFSET_RANGE - 1)
    raw = draw(st.lists(st.tuples(st.sampled_from(list(ops)), offsets, offsets),
                        min_size=min_length, max_size=max_length))
    gates = tuple(Gate(op, i - 1 - dj % i, i - 1 - dk % i)
                  for i, (op, dj, dk) in enumerate(raw, start=1))
    return SLP(first, gates)


def integer_slps(max_length: int = 10) -> st.SearchStrategy[SLP]:
    """SLPs with ``a_0 = 1`` (so every value is an integer)."""
    return slps(max_length=max_length)


def rational_slps(max_length: int = 8) -> st.SearchStrategy[SLP]:
    """SLPs with a random rational ``a_0``."""
    return slps(max_length=max_length, a0=rationals(6))
