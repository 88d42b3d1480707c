"""Typed errors of the exact engine.

Every error names what was wrong (the value, the line, the node, the gate), so that a
user sees the cause in one line.  All malformed-input errors derive from
:class:`WhyReluError` *and* from :class:`ValueError` (or :class:`TypeError` for values of
the wrong type), so callers may catch either.
"""

from __future__ import annotations


class WhyReluError(Exception):
    """Base class of every error raised on purpose by whyrelu."""


class RationalTypeError(WhyReluError, TypeError):
    """A value that is not an exact rational (a float, a bool, ...) where one was expected."""


class RationalParseError(WhyReluError, ValueError):
    """A string that does not spell a rational ``p`` or ``p/q``."""


class PolynomialError(WhyReluError, ValueError):
    """A polynomial expression that is malformed, irrational or not a polynomial."""


class ActivationError(WhyReluError, ValueError):
    """A malformed activation (discontinuous piecewise-linear function, bad syntax, ...)."""


class DegreeError(ActivationError):
    """A construction needs a polynomial activation of degree >= 2 and got something else."""


class NetworkError(WhyReluError, ValueError):
    """A malformed network: unknown node, cycle, edge into a source, duplicate edge, ..."""


class CycleError(NetworkError):
    """The edge set of a network contains a directed cycle."""


class SLPError(WhyReluError, ValueError):
    """A malformed straight-line program (Definition 2.2)."""


class ForwardReferenceError(SLPError):
    """A gate a_i = a_j (op) a_k with j >= i or k >= i."""


class DataError(WhyReluError, ValueError):
    """A malformed dataset or file."""


class BitBudgetExceeded(WhyReluError, ArithmeticError):
    """An exact computation would exceed its declared bit budget.

    ``where`` names the gate or node, ``size_bits`` the size reached and ``budget_bits``
    the budget.  With ``at_least``, ``size_bits`` is a proven lower bound on the size of a
    value that was not computed because it could not fit.
    """

    def __init__(self, where: str, size_bits: int, budget_bits: int, *,
                 at_least: bool = False) -> None:
        self.where = where
        self.size_bits = size_bits
        self.budget_bits = budget_bits
        self.at_least = at_least
        size_text = f"at least {size_bits}" if at_least else f"{size_bits}"
        super().__init__(
            f"bit budget exceeded at {where}: size {size_text} bits > budget {budget_bits} bits"
        )


class DegreeLimitError(ActivationError):
    """A polynomial activation above the degree limit (:data:`checkers.limits.MAX_DEGREE`)."""


class PoleError(ActivationError, ArithmeticError):
    """A rational activation ``p(x)/q(x)`` evaluated at a pole (a root of ``q``);
    ``point`` is the rational where it happened."""

    def __init__(self, activation: str, point: str, *, derivative: bool = False) -> None:
        self.activation = activation
        self.point = point
        what = "derivative of " if derivative else ""
        super().__init__(f"{what}{activation} has a pole at x = {point} (undefined there)")


class InexactActivationError(ActivationError, ArithmeticError):
    """An activation whose values are not rational (tanh, sigmoid, ``x^(1/2)``, ...) was
    asked for an exact value at a point where it has none; round it with ``phi_K(...)``."""


class RoundingPrecisionError(InexactActivationError):
    """Ball arithmetic reached the precision cap without certifying ``⌊2^K f(q)⌋``."""
