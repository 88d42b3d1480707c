"""Theorem E.2's verifier (``ERMInstance``, ``Theta``, ``verify``) for the modules of
:mod:`spec.beyond`, found under either package layout: ``spec.np_membership`` (one module) or
``spec.theorem_e2`` (the verifier in its own package).  Typed loosely on purpose: the
names are re-exported from whichever module exists."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


def _load() -> ModuleType:
    for name in ("spec.np_membership", "spec.theorem_e2"):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    raise ImportError("Theorem E.2's verifier (spec.theorem_e2 / spec.np_membership) is missing")


_module = _load()
ERMInstance: Any = _module.ERMInstance
Theta: Any = _module.Theta
verify: Any = _module.verify
