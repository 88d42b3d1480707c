"""Hypothesis profiles shared by pytest and ``whyrelu check``.

* ``ci`` — derandomized, no deadline, no example database (reproducible runs), four times
  a claim's declared example count (CI has the time: the whole registry takes a few minutes
  on two cores);
* ``dev`` — the default: random, no deadline, the declared count (a quick local run);
* ``deep`` — ten times the declared count, random.

Deadlines are off everywhere: exact arithmetic is slow by nature.  A claim declares its
example count (``examples=``); the profile multiplies it by :data:`SCALE`.

Nothing is written into the working directory: Hypothesis's storage (its example database,
which replays earlier counterexamples first, and its caches) lives in a per-user cache
directory, ``$XDG_CACHE_HOME/whyrelu/hypothesis`` (default ``~/.cache/whyrelu/hypothesis``;
``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows).  ``WHYRELU_DATABASE=DIR``
puts the example database elsewhere, ``WHYRELU_DATABASE=none`` turns it off;
``HYPOTHESIS_STORAGE_DIRECTORY`` (Hypothesis's own variable) moves all of its storage.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase

from checkers.errors import WhyReluError

PROFILES = ("ci", "dev", "deep")
SCALE = {"ci": 4, "dev": 1, "deep": 10}
_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


class ProfileError(WhyReluError, ValueError):
    """An unknown Hypothesis profile name (``HYPOTHESIS_PROFILE``, ``--profile``)."""


def cache_dir() -> Path:
    """The per-user cache directory of whyrelu (platform conventions, as ``platformdirs``)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "whyrelu" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "whyrelu"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "whyrelu"


def hypothesis_dir() -> Path:
    """Where Hypothesis keeps its storage (``HYPOTHESIS_STORAGE_DIRECTORY`` if set)."""
    where = os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY")
    return Path(where) if where else cache_dir() / "hypothesis"


def database_path() -> Path | None:
    """The example database directory: ``$WHYRELU_DATABASE`` (``none``: no database), else
    ``examples`` under :func:`hypothesis_dir`."""
    env = os.environ.get("WHYRELU_DATABASE")
    if env is not None and env.strip().lower() in ("none", "off", ""):
        return None
    return Path(env) if env else hypothesis_dir() / "examples"


def database() -> ExampleDatabase | None:
    """The example database of the ``dev`` and ``deep`` profiles (created on first write)."""
    path = database_path()
    return None if path is None else DirectoryBasedExampleDatabase(str(path))


def register() -> None:
    """Register the three profiles with Hypothesis (idempotent).

    Each derives from Hypothesis's ``default`` profile, not from whatever profile is
    active: when ``CI`` is set Hypothesis activates its own derandomized ``ci`` profile,
    and ``dev``/``deep`` must stay randomized (with an example database) even there.
    """
    set_hypothesis_home_dir(hypothesis_dir())  # never ./.hypothesis
    parent = settings.get_profile("default")
    common: dict[str, Any] = {
        "parent": parent,
        "deadline": None, "print_blob": False, "report_multiple_bugs": False,
        "suppress_health_check": _SUPPRESS,
        # no "explain" phase: it re-runs a shrunk failure many times, costly for exact checks
        "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    }
    settings.register_profile("ci", max_examples=50, derandomize=True, database=None, **common)
    db = database()
    settings.register_profile("dev", max_examples=100, database=db, **common)
    settings.register_profile("deep", max_examples=1000, database=db, **common)


def default_profile() -> str:
    """``HYPOTHESIS_PROFILE`` if set, else ``ci`` when ``CI`` is set, else ``dev``."""
    name = os.environ.get("HYPOTHESIS_PROFILE")
    if name:
        if name not in PROFILES:
            raise ProfileError(f"HYPOTHESIS_PROFILE={name!r} is not a whyrelu profile; choose "
                               f"one of {', '.join(PROFILES)}")
        return name
    return "ci" if os.environ.get("CI") else "dev"


register()
