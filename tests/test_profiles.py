"""spec.harness.profiles: the ci / dev / deep Hypothesis profiles."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import settings

from spec.harness import profiles


def test_profiles_do_not_inherit_hypothesis_ci_defaults() -> None:
    # With CI set, Hypothesis activates its own derandomized "ci" profile at import; dev and
    # deep must stay randomized (and keep an example database) all the same.
    code = ("from hypothesis import settings; import spec.harness.profiles; "
            "print([(settings.get_profile(n).derandomize, settings.get_profile(n).database "
            "is None) for n in ('ci', 'dev', 'deep')])")
    for ci in ("1", None):
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        if ci:
            env["CI"] = ci
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True, timeout=60).stdout
        assert out.strip() == "[(True, True), (False, False), (False, False)]", (ci, out)


def test_profile_settings() -> None:
    for name in profiles.PROFILES:
        s = settings.get_profile(name)
        assert s.deadline is None and s.report_multiple_bugs is False
    assert settings.get_profile("deep").max_examples == 10 * settings.get_profile(
        "dev").max_examples
    assert profiles.SCALE == {"ci": 4, "dev": 1, "deep": 10}


def test_default_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HYPOTHESIS_PROFILE", raising=False)
    monkeypatch.setenv("CI", "1")
    assert profiles.default_profile() == "ci"
    monkeypatch.delenv("CI")
    assert profiles.default_profile() == "dev"
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "deep")
    assert profiles.default_profile() == "deep"
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "fast")
    with pytest.raises(ValueError, match="HYPOTHESIS_PROFILE='fast' is not a whyrelu profile"):
        profiles.default_profile()
