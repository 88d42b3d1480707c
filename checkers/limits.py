"""Limits shared by every entry point (command line, pytest plugin, Python API).

One place, so that ``whyrelu gadget``, ``whyrelu check --activation``, the pytest option and
``whyrelu.parse_activation`` refuse the same inputs with the same message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checkers.errors import DegreeLimitError

if TYPE_CHECKING:  # this module imports nothing else of checkers, so any parser may use it
    from checkers.activations import Activation

MAX_DEGREE = 512
"""Largest polynomial degree accepted by default: Lemma 3.1's gadget solves a dense
(μ+1)×(μ+1) rational system, about 6 s and 300 MB at μ = 400, 90 s and 1.7 GB at μ = 800,
and every claim on a polynomial σ builds it."""


def degree_of(act: Activation) -> int:
    """The largest polynomial degree inside ``act`` (its base under ``phi_K``); 1 for
    piecewise-linear activations."""
    degree = 1
    seen: Activation | None = act
    while seen is not None:
        d = getattr(seen.traits, "degree", None)
        if isinstance(d, int):
            degree = max(degree, d)
        base = getattr(seen, "base", None)
        seen = base if hasattr(base, "traits") else None
    return degree


def check_degree(act: Activation, max_degree: int = MAX_DEGREE) -> Activation:
    """Return ``act``, or raise :class:`~checkers.errors.DegreeLimitError` when a polynomial
    inside it has degree above ``max_degree``."""
    if max_degree < 1:
        raise DegreeLimitError(f"the degree limit must be at least 1, got {max_degree}")
    d = degree_of(act)
    if d > max_degree:
        raise DegreeLimitError(
            f"activation {act.name[:60]!r} has degree {d}, above the limit {max_degree} "
            f"(Lemma 3.1's linear system grows like the cube of the degree; raise it with "
            f"--max-degree)")
    return act
