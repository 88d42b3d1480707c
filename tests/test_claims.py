"""The theorem-checking suite: one item per (claim, activation), generated from the registry
by ``spec.harness.pytest_plugin``; the theorem table is printed at the end of the run."""

import pytest

from spec.harness.pytest_plugin import record
from spec.harness.report import text_table
from spec.harness.runner import Item, run_item


def test_claim(whyrelu_item: Item, whyrelu_profile: str, request: pytest.FixtureRequest) -> None:
    result = run_item(whyrelu_item, profile=whyrelu_profile)
    record(request, result)
    if not result.meets_expectation:
        from spec.claims import get_claim

        pytest.fail(text_table([get_claim(result.claim_id)], [result])
                    + f"\nreplay: pytest '{request.node.nodeid}'\n    or: {result.replay}",
                    pytrace=False)
