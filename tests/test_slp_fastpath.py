"""``SLP.value`` of an integer program skips the per-gate ``fmpq`` copies; it must give the
value and the bit-budget behaviour of ``SLP.evaluate`` (Definition 2.2)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkers.errors import BitBudgetExceeded
from checkers.reference import ref_slp_values
from checkers.slp import SLP, squaring_chain
from strategies import integer_slps
from strategies.slps import rational_slps


@given(st.one_of(integer_slps(12), rational_slps(8), st.builds(
    lambda n, k: SLP.of(n, [("*", i, i) for i in range(k)]), st.integers(-9, 9),
    st.integers(0, 6))))
def test_value_is_the_last_evaluated_value(p: SLP) -> None:
    v = p.value()
    assert v == p.evaluate()[-1]
    assert Fraction(int(v.p), int(v.q)) == ref_slp_values(p)[-1]


@given(integer_slps(12), st.integers(1, 40))
def test_value_and_evaluate_share_the_budget(p: SLP, budget: int) -> None:
    def outcome(f: Callable[[], object]) -> object:
        try:
            return f()
        except BitBudgetExceeded as e:
            return (e.where, e.size_bits, e.budget_bits)

    a = outcome(lambda: p.value(budget_bits=budget))
    b = outcome(lambda: p.evaluate(budget_bits=budget)[-1])
    assert a == b


def test_squaring_chain_value() -> None:
    assert squaring_chain(5).value() == 2**32
    assert squaring_chain(0, 7).value() == 7
    with pytest.raises(BitBudgetExceeded, match="gate a5"):
        squaring_chain(6).value(budget_bits=20)
