"""Definition claims for the activation language beyond the paper's kinds (issue 15).

The paper's model (§2) has activations σ: ℚ → ℚ and treats polynomials, piecewise-linear
functions and the bit-bounded φ_K of Remark 1.5.  The engine also evaluates piecewise
polynomials (``relu^k``, ``hardswish``, ``ppoly``), rational functions (``1/x``, Möbius
maps) and ``phi_K`` of transcendental functions and fractional powers.  These claims pin the
*semantics* of those kinds — they go beyond the paper and are definitions, not theorems:

* piecewise polynomials and rational functions equal the Fraction reference engine
  (:mod:`checkers.reference`, rebuilt from ``describe()``) at, next to and between
  breakpoints and next to poles, and a pole is a typed error naming the point;
* ``phi_K(f)`` for transcendental ``f`` equals ``⌊2^K f(q)⌋/2^K`` (clipped) computed by an
  independent mpmath reference, and for ``x^(p/q)`` by integer roots; outputs are multiples
  of ``2^-K`` whose size is capped as in Remark 1.5.

Each has a negative control with a planted bug refuted on the sub-check its statement names.
"""

from __future__ import annotations

from collections.abc import Callable

from flint import fmpq, fmpz
from hypothesis import strategies as st

from checkers.activations import Activation, BitBounded, PiecewisePolynomial, Rational
from checkers.errors import PoleError
from checkers.rationals import fmt, size
from checkers.reference import activation_functions
from checkers.transcendental import TRANSCENDENTAL_NAMES, FractionalPower, Transcendental
from spec.claims import Evidence, as_fraction, check, check_eq, check_le, claim
from strategies.activations import (
    inputs_at_breakpoints,
    inputs_near_poles,
    piecewise_polynomials,
    rational_functions,
    relu_powers,
)
from strategies.rationals import rationals, wide_rationals

CLAIM_NAMESPACE = "activation_semantics"
REF = "Definition (activation semantics)"

Fn = Callable[[fmpq], fmpq]


def _show(inst: tuple[Activation, list[fmpq]]) -> str:
    return f"activation {inst[0].name!r} at x in {[fmt(z) for z in inst[1]]}"


def _compare(act: Activation, zs: list[fmpq], value: Fn, derivative: Fn) -> None:
    f, df = activation_functions(act.describe())
    for z in zs:
        check_eq(as_fraction(value(z)), f(as_fraction(z)), "value equals the reference",
                 x=fmt(z))
        check_eq(as_fraction(derivative(z)), df(as_fraction(z)),
                 "derivative equals the reference (left piece at a breakpoint)", x=fmt(z))


# ------------------------------------------------------------------ piecewise polynomials


def _ppoly_inst() -> st.SearchStrategy[tuple[Activation, list[fmpq]]]:
    acts: st.SearchStrategy[Activation] = st.one_of(piecewise_polynomials(), relu_powers())
    return acts.flatmap(lambda a: st.tuples(
        st.just(a), st.lists(inputs_at_breakpoints(a), min_size=1, max_size=6)))


def _pieces(act: Activation) -> int:
    return len(act.pieces) if isinstance(act, PiecewisePolynomial) else 1


@claim(
    REF,
    "Piecewise-polynomial activations (relu^k, hardswish, ppoly with or without jumps) "
    "take the reference's value and left-piece derivative at, next to and between "
    "breakpoints",
    instances=_ppoly_inst(), status="definition", examples=40, show=_show,
)
def piecewise_polynomial_matches_reference(inst: tuple[Activation, list[fmpq]]) -> Evidence:
    """Engine value and derivative vs :func:`checkers.reference.activation_functions`."""
    act, zs = inst
    _compare(act, zs, act, act.derivative)
    return Evidence.of(pieces=_pieces(act), points=len(zs))


def _right_piece(act: Activation) -> Fn:
    """Planted bug: the value of the piece to the right (cyclically) of the right one."""
    assert isinstance(act, PiecewisePolynomial)
    n = len(act.pieces)
    return lambda z: act.pieces[(act._index(z) + 1) % n](z)


@claim(
    REF,
    "Negative control: evaluating the neighbouring piece disagrees with the reference "
    "value",
    instances=_ppoly_inst(), status="definition", expect="counterexample",
    control_of="activation_semantics.piecewise_polynomial_matches_reference", examples=60,
    show=_show,
    refuted_on=("value equals the reference",),
)
def neighbouring_piece_refuted(inst: tuple[Activation, list[fmpq]]) -> Evidence:
    """The same comparison, the value taken from piece ``i + 1`` instead of piece ``i``."""
    act, zs = inst
    _compare(act, zs, _right_piece(act), act.derivative)
    return Evidence.of(pieces=_pieces(act))


# ------------------------------------------------------------------ rational functions


def _rational_inst() -> st.SearchStrategy[tuple[Rational, list[fmpq]]]:
    return rational_functions().flatmap(lambda a: st.tuples(
        st.just(a), st.lists(inputs_near_poles(a), min_size=1, max_size=6)))


def _check_poles(act: Rational) -> int:
    poles = act.poles()
    for p in poles:
        try:
            act(p)
        except PoleError as e:
            check_eq(e.point, fmt(p), "the pole error names the pole")
            continue
        check(False, "evaluating at a pole is a PoleError", pole=fmt(p))
    return len(poles)


@claim(
    REF,
    "Rational activations p(x)/q(x) (1/x, Möbius maps, ...) take the reference's value and "
    "derivative next to their poles, and evaluating at a pole is a typed error naming it",
    instances=_rational_inst(), status="definition", examples=40,
    show=lambda i: _show((i[0], i[1])),
)
def rational_matches_reference(inst: tuple[Rational, list[fmpq]]) -> Evidence:
    """Value and quotient-rule derivative vs the Fraction reference; every rational root of
    ``q`` raises :class:`~checkers.errors.PoleError`."""
    act, zs = inst
    _compare(act, zs, act, act.derivative)
    return Evidence.of(poles=_check_poles(act), points=len(zs))


@claim(
    REF,
    "Negative control: a quotient rule that divides by q instead of q² disagrees with the "
    "reference derivative",
    instances=_rational_inst(), status="definition", expect="counterexample",
    control_of="activation_semantics.rational_matches_reference", examples=40,
    show=lambda i: _show((i[0], i[1])),
    refuted_on=("derivative equals the reference (left piece at a breakpoint)",),
)
def unsquared_quotient_rule_refuted(inst: tuple[Rational, list[fmpq]]) -> Evidence:
    """Planted bug: ``(p'q − pq')/q``."""
    act, zs = inst
    _compare(act, zs, act, lambda z: act.derivative(z) * act.denominator(z))
    return Evidence.of(points=len(zs))


# ------------------------------------------------------------------ rounded inexact bases

_BASES: list[Activation] = [
    *(Transcendental(n) for n in TRANSCENDENTAL_NAMES),
    *(FractionalPower(fmpq(a, b)) for a, b in ((1, 3), (2, 3), (-1, 3), (5, 3), (1, 5))),
]

RoundedInst = tuple[int, fmpq, list[fmpq]]


def _rounded_inst() -> st.SearchStrategy[RoundedInst]:
    """(K, C, points): every base of :data:`_BASES` is rounded with these K and C."""
    zs = st.lists(st.one_of(rationals(6, den_bits=3), wide_rationals()).filter(
        lambda z: z != 0), min_size=1, max_size=4)
    return st.tuples(st.integers(0, 12),
                     st.sampled_from([fmpq(1), fmpq(4), fmpq(5, 2), fmpq(10**6)]), zs)


def _rounded_show(inst: RoundedInst) -> str:
    k, c, zs = inst
    return f"phi_{k}(f, {fmt(c)}) for every f in {[b.name for b in _BASES]} at x in " \
           f"{[fmt(z) for z in zs]}"


def _compare_rounded(inst: RoundedInst, value: Callable[[BitBounded], Fn]) -> Evidence:
    k, c, zs = inst
    worst, bound = 0, 0
    for base in _BASES:
        act = BitBounded(base, k, c)
        f, df = activation_functions(act.describe())
        val = value(act)
        for z in zs:
            v = val(z)
            check_eq(as_fraction(v), f(as_fraction(z)),
                     "rounded value equals the mpmath / integer-root reference",
                     activation=act.name, x=fmt(z))
            check_eq(as_fraction(act.derivative(z)), df(as_fraction(z)),
                     "rounded derivative equals the reference", activation=act.name, x=fmt(z))
            check_eq((v * fmpz(2) ** act.k).q, 1, "the output is a multiple of 2^-K",
                     activation=act.name, x=fmt(z))
            check_le(size(v), act.output_size_bound(), "output size within Remark 1.5's cap",
                     activation=act.name, x=fmt(z))
            worst, bound = max(worst, size(v)), act.output_size_bound()
    return Evidence().bound("output_size", worst, bound)


@claim(
    REF,
    "phi_K of tanh, sigmoid, softplus, silu, gelu, exp and x^(p/q) equals ⌊2^K f(q)⌋/2^K "
    "clipped to [-C, C] as computed by an independent reference (mpmath / integer roots), "
    "with outputs of capped size",
    instances=_rounded_inst(), status="definition", examples=30, show=_rounded_show,
)
def rounded_inexact_matches_reference(inst: RoundedInst) -> Evidence:
    """FLINT ball arithmetic (engine) vs mpmath at doubling precision (reference), for
    every base at the same K, C and points."""
    return _compare_rounded(inst, lambda act: act)


def _round_to_nearest(act: BitBounded) -> Fn:
    """Planted bug: round to the nearest multiple of 2^-K instead of down."""
    finer = BitBounded(act.base, act.k + 1, act.clip + 1)

    def value(z: fmpq) -> fmpq:
        scale = fmpz(2) ** act.k
        v = fmpq(((finer(z) * 2 * scale + 1) / 2).floor(), scale)
        cap = act.round(act.clip)
        return min(max(v, -cap), cap)

    return value


@claim(
    REF,
    "Negative control: rounding to the nearest multiple of 2^-K instead of down disagrees "
    "with the reference rounded value",
    instances=_rounded_inst(), status="definition", expect="counterexample",
    control_of="activation_semantics.rounded_inexact_matches_reference", examples=40,
    show=_rounded_show,
    refuted_on=("rounded value equals the mpmath / integer-root reference",),
)
def round_to_nearest_refuted(inst: RoundedInst) -> Evidence:
    """The same comparison with the planted rounding."""
    return _compare_rounded(inst, _round_to_nearest)
