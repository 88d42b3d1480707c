"""spec.definitions: the engine's claims on activations beyond the registered ones.

The claims themselves run as items of ``tests/test_claims.py``; here: their negative
controls stay refutable on every activation a user may add, including ones with σ' = 1.
"""

from __future__ import annotations

import pytest

from spec.harness.runner import Item, run_item


@pytest.mark.parametrize("activation", ["x", "id"])
def test_wrong_chain_rule_is_refuted_even_where_the_derivative_is_one(activation: str) -> None:
    result = run_item(Item("engine.wrong_chain_rule_refuted", activation), profile="ci")
    assert result.outcome == "refuted", result.message
    assert result.meets_expectation
    assert result.counterexample is not None and "# NET.json" in result.counterexample
