"""The theorem-checking suite: one item per (claim, activation), generated from the registry
by ``spec.harness.pytest_plugin``; the theorem table is printed at the end of the run.

Under the ``ci`` profile a claim that holds must also have reached every regime it declares
(``regimes=(...)``, recorded by :func:`spec.claims.regime`): a regime never drawn is a
strategy that never produces the case the claim is about."""

import pytest

from spec.harness.pytest_plugin import record
from spec.harness.report import text_table
from spec.harness.runner import Item, run_item


def test_claim(whyrelu_item: Item, whyrelu_profile: str, request: pytest.FixtureRequest) -> None:
    result = run_item(whyrelu_item, profile=whyrelu_profile)
    record(request, result)
    from spec.claims import get_claim

    if not result.meets_expectation:
        pytest.fail(text_table([get_claim(result.claim_id)], [result])
                    + f"\nreplay: pytest '{request.node.nodeid}'\n    or: {result.replay}",
                    pytrace=False)
    declared = get_claim(result.claim_id).regimes
    if whyrelu_profile == "ci" and result.outcome in ("holds", "proved") and declared:
        missing = [r for r in declared if not result.regimes.get(r)]
        assert not missing, (f"{result.item}: declared regimes never reached in the ci "
                             f"profile: {missing} (reached: {result.regimes})")
