"""Hypothesis profiles shared by pytest and ``whyrelu check``.

* ``ci`` — derandomized, no deadline, no example database (reproducible runs), four times
  a claim's declared example count (CI has the time: the whole registry takes a few minutes
  on two cores);
* ``dev`` — the default: random, no deadline, the declared count (a quick local run);
* ``deep`` — ten times the declared count, random.

Deadlines are off everywhere: exact arithmetic is slow by nature.  A claim declares its
example count (``examples=``); the profile multiplies it by :data:`SCALE`.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, Phase, settings

PROFILES = ("ci", "dev", "deep")
SCALE = {"ci": 4, "dev": 1, "deep": 10}
_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


def register() -> None:
    """Register the three profiles with Hypothesis (idempotent).

    Each derives from Hypothesis's ``default`` profile, not from whatever profile is
    active: when ``CI`` is set Hypothesis activates its own derandomized ``ci`` profile,
    and ``dev``/``deep`` must stay randomized (with an example database) even there.
    """
    parent = settings.get_profile("default")
    common: dict[str, Any] = {
        "parent": parent,
        "deadline": None, "print_blob": True, "report_multiple_bugs": False,
        "suppress_health_check": _SUPPRESS,
        # no "explain" phase: it re-runs a shrunk failure many times, costly for exact checks
        "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    }
    settings.register_profile("ci", max_examples=50, derandomize=True, database=None, **common)
    settings.register_profile("dev", max_examples=100, **common)
    settings.register_profile("deep", max_examples=1000, **common)


def default_profile() -> str:
    """``HYPOTHESIS_PROFILE`` if set, else ``ci`` when ``CI`` is set, else ``dev``."""
    name = os.environ.get("HYPOTHESIS_PROFILE")
    if name:
        if name not in PROFILES:
            raise ValueError(f"unknown Hypothesis profile {name!r}; choose one of {PROFILES}")
        return name
    return "ci" if os.environ.get("CI") else "dev"


register()
