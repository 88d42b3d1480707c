"""Hypothesis profiles for the test suite (``ci`` when ``CI`` is set, else ``dev``);
``--hypothesis-profile`` or ``HYPOTHESIS_PROFILE`` choose another."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

from spec.harness import profiles

profiles.register()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Load the default profile before Hypothesis's plugin applies ``--hypothesis-profile``;
    an unknown ``HYPOTHESIS_PROFILE`` is a one-line usage error."""
    try:
        name = profiles.default_profile()
    except profiles.ProfileError as e:
        raise pytest.UsageError(str(e)) from None
    settings.load_profile(name)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under mutation testing (``scripts/mutation.sh``), run the unit tests before the
    claims and cheap claims before slow ones, so that a mutant fails fast."""
    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    stats = Path("mutmut-stats.json")  # mutmut runs the tests from its mutants/ directory
    durations: dict[str, float] = {}
    if stats.exists():
        durations = json.loads(stats.read_text(encoding="utf-8")).get("duration_by_test", {})
    items.sort(key=lambda it: ("test_claims.py" in it.nodeid, durations.get(it.nodeid, 0.0)))
