"""Regime coverage and negative controls: the machinery behind ``regimes=(...)`` and
:func:`spec.claims.refuted_on`."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from spec.claims import (
    _REGISTRY,
    Evidence,
    check,
    claim,
    get_claim,
    load_all,
    refuted_on,
    regime,
)
from spec.harness.runner import Item, run_item


@pytest.fixture
def toy_claims() -> object:
    load_all()
    before = dict(_REGISTRY)

    @claim("Definition (test)", "toy: regimes are counted", instances=st.integers(-5, 5),
           examples=30, id="quality_toy.counts", regimes=("negative", "never"))
    def counts(n: int) -> Evidence:
        if n < 0:
            regime("negative")
        return Evidence()

    @claim("Definition (test)", "toy control refuted on another sub-check",
           instances=st.just(0), examples=1, id="quality_toy.unrelated",
           expect="counterexample", control_of="quality_toy.counts")
    def unrelated(n: int) -> Evidence:
        with refuted_on("the named sub-check"):
            check(False, "some other sub-check")
        return Evidence()

    @claim("Definition (test)", "toy control refuted on its named sub-check",
           instances=st.just(0), examples=1, id="quality_toy.named",
           expect="counterexample", control_of="quality_toy.counts")
    def named(n: int) -> Evidence:
        with refuted_on("the named sub-check"):
            check(False, "the named sub-check failed")
        return Evidence()

    yield None
    _REGISTRY.clear()
    _REGISTRY.update(before)


def test_regimes_are_counted_and_missing_ones_reported(toy_claims: object) -> None:
    r = run_item(Item("quality_toy.counts", None), profile="ci")
    assert r.outcome == "holds"
    assert r.regimes["negative"] > 0
    assert r.regimes["never"] == 0  # declared, never reached: tests/test_claims.py fails it


def test_a_control_refuted_on_another_sub_check_is_an_error(toy_claims: object) -> None:
    r = run_item(Item("quality_toy.unrelated", None), profile="ci")
    assert r.outcome == "error" and not r.meets_expectation
    assert "not on the named sub-check" in (r.message or "")
    r = run_item(Item("quality_toy.named", None), profile="ci")
    assert r.outcome == "refuted" and r.meets_expectation


def test_declared_regimes_are_reached_by_their_claims_in_ci() -> None:
    """A cheap representative subset (the full check runs in tests/test_claims.py)."""
    for cid, act in (("engine.layered_matches_dag", "relu"),
                     ("theorem11.sup_abs_certified", None)):
        r = run_item(Item(cid, act), profile="ci")
        assert r.meets_expectation
        assert all(r.regimes.get(name) for name in get_claim(cid).regimes), r.regimes
