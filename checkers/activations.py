"""Activations with exact values and exact derivatives (§2, Remark 1.5, App. E).

Every activation has a canonical ``name`` (an expression :func:`parse_activation` reads
back), declares its :class:`Traits` (the extension point of the claim registry matches on
them) and exposes a plain-data :meth:`Activation.describe` that the Fraction reference
engine re-implements independently.  The syntax of activation strings is documented in
:mod:`checkers.activation_parser` and ``docs/adding-an-activation.md``.

Kinds (``Traits.kind``):

* ``identity``, ``affine`` (a polynomial of degree <= 1; however it is spelled: ``2*x``,
  ``pwl(2*x)`` and ``leaky_relu(1)`` are the same activation), ``polynomial`` (degree >= 2);
* ``piecewise_linear`` — continuous, rational breakpoints, affine pieces (App. E):
  ``relu``, ``leaky_relu(a)``, ``relu6``, ``hardtanh``, ``abs``, ``hard_sigmoid``, ``pwl``;
* ``piecewise_polynomial`` — rational breakpoints, polynomial pieces, at least one of
  degree >= 2 or a jump: ``relu^k``, ``hardswish``, ``ppoly``;
* ``rational`` — ``p(x)/q(x)`` in lowest terms, undefined at the roots of ``q``
  (:class:`~checkers.errors.PoleError`);
* ``fractional_power`` (``x^(p/q)``) and ``transcendental`` (``tanh``, ``sigmoid``, ...):
  values are irrational in general, so ``Traits.exact`` is false and asking for a value
  that is not rational raises :class:`~checkers.errors.InexactActivationError`;
* ``bit_bounded`` — ``phi_K(f)`` or ``phi_K(f, C)`` of Remark 1.5 for any ``f`` above: exact
  multiples of ``2^-K``, computed with FLINT ball arithmetic when ``f`` is not exact.

**Derivative convention at breakpoints.**  The derivative at a breakpoint is the slope of
the piece to its *left* (so ``relu'(0) = 0``, ``leaky_relu(a)'(0) = a`` and
``abs'(0) = -1``); piece ``i`` applies on ``(t_i, t_{i+1}]``, so the value at a jump is the
left piece's.  For ``phi_K`` the backprop rule is the straight-through estimator:
``phi'(z) = round_K(base'(z))`` where the rounded output lies in ``[-C, C]`` and ``0``
where it is clipped; it is itself a multiple of ``2^-K``.
"""

from __future__ import annotations

from checkers.activation_kinds import (
    IDENTITY as IDENTITY,
)
from checkers.activation_kinds import (
    MAX_ACTIVATION_DEGREE as MAX_ACTIVATION_DEGREE,
)
from checkers.activation_kinds import (
    MAX_PHI_K as MAX_PHI_K,
)
from checkers.activation_kinds import (
    MAX_ROUNDING_PREC as MAX_ROUNDING_PREC,
)
from checkers.activation_kinds import (
    RELU as RELU,
)
from checkers.activation_kinds import (
    Activation as Activation,
)
from checkers.activation_kinds import (
    Ball as Ball,
)
from checkers.activation_kinds import (
    BitBounded as BitBounded,
)
from checkers.activation_kinds import (
    Identity as Identity,
)
from checkers.activation_kinds import (
    InexactActivation as InexactActivation,
)
from checkers.activation_kinds import (
    Kind as Kind,
)
from checkers.activation_kinds import (
    LeakyReLU as LeakyReLU,
)
from checkers.activation_kinds import (
    PiecewiseLinear as PiecewiseLinear,
)
from checkers.activation_kinds import (
    PiecewisePolynomial as PiecewisePolynomial,
)
from checkers.activation_kinds import (
    Polynomial as Polynomial,
)
from checkers.activation_kinds import (
    Rational as Rational,
)
from checkers.activation_kinds import (
    ReLU as ReLU,
)
from checkers.activation_kinds import (
    ReLUPower as ReLUPower,
)
from checkers.activation_kinds import (
    Traits as Traits,
)
from checkers.activation_kinds import (
    abs_activation as abs_activation,
)
from checkers.activation_kinds import (
    certified_floor as certified_floor,
)
from checkers.activation_kinds import (
    hard_sigmoid as hard_sigmoid,
)
from checkers.activation_kinds import (
    hardswish as hardswish,
)
from checkers.activation_kinds import (
    hardtanh as hardtanh,
)
from checkers.activation_kinds import (
    piecewise as piecewise,
)
from checkers.activation_kinds import (
    rational_function as rational_function,
)
from checkers.activation_kinds import (
    relu6 as relu6,
)
from checkers.activation_parser import parse as _parse


def parse_activation(text: str) -> Activation:
    """Read an activation from its string form (see :mod:`checkers.activation_parser`).

    >>> parse_activation("leaky_relu(1/8)").name
    'leaky_relu(1/8)'
    >>> parse_activation("pwl(0 | 0 | x | 1 | 1)").traits.piecewise_linear
    True
    """
    return _parse(text)
