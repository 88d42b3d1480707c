"""The activations under test: the extension point of the specification.

Every claim whose coverage predicate matches an activation listed here runs on it.  To
add an activation, append one line to ``REGISTERED`` (or pass ``--activation EXPR`` to
``whyrelu check`` / ``--activation EXPR`` to pytest); see
``docs/adding-an-activation.md``.  The syntax is that of
:func:`checkers.activations.parse_activation`.
"""

from __future__ import annotations

from collections.abc import Iterable

from checkers.activations import Activation, parse_activation
from checkers.errors import ActivationError
from checkers.limits import MAX_DEGREE, check_degree

REGISTERED: tuple[str, ...] = (
    # the hardness side: polynomials of degree >= 2 (Theorems 1.1, 1.3)
    "x^2",
    "x^3",
    "x^2 + x",
    "1/3*x^2 - 1/2*x + 2/5",
    "x^5 - 2*x^3 + 1/7*x",
    # the polynomial-time side: piecewise linear (Theorems 1.4, E.1, E.2)
    "relu",
    "leaky_relu(1/8)",
    "pwl(0 | -2 | 1/2*x + 1 | 0 | 2*x + 1 | 3 | -x + 10)",
    # bit-bounded rounding (Remark 1.5)
    "phi_4(x^2)",
    # beyond the paper's kinds (issue 15): named piecewise-linear and piecewise-polynomial
    "relu6",
    "abs",
    "relu^2",
    "hardswish",
    "phi_8(tanh)",
)


def activations(extra: Iterable[str] = (), *, max_degree: int = MAX_DEGREE) -> list[Activation]:
    """The registered activations plus ``extra`` ones, parsed, without duplicates, in a
    deterministic order (registered first, then extras in the order given); a polynomial
    above ``max_degree`` is refused (:func:`checkers.limits.check_degree`)."""
    out: list[Activation] = []
    for text in (*REGISTERED, *extra):
        act = parse_activation(text)
        if not act.traits.exact:  # tanh, x^(1/2), ...: outside the exact model of §2
            raise ActivationError(
                f"bad activation {text!r}: {act.name} has irrational values, so the claims "
                f"(exact ℚ → ℚ semantics) cannot run on it; round it with phi_K, e.g. "
                f"phi_8({act.name})")
        check_degree(act, max_degree)
        if act not in out:
            out.append(act)
    return out
