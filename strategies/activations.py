"""Strategies for activations: polynomials, piecewise-linear and piecewise-polynomial ones,
rational functions, transcendental and fractional-power bases, bit-bounded roundings, and
inputs placed exactly at breakpoints and next to poles."""

from __future__ import annotations

from flint import fmpq, fmpq_poly
from hypothesis import strategies as st

from checkers.activations import (
    IDENTITY,
    RELU,
    Activation,
    BitBounded,
    LeakyReLU,
    PiecewiseLinear,
    PiecewisePolynomial,
    Polynomial,
    Rational,
    ReLUPower,
    abs_activation,
    hard_sigmoid,
    hardswish,
    hardtanh,
    relu6,
)
from checkers.transcendental import TRANSCENDENTAL_NAMES, FractionalPower, Transcendental
from strategies.rationals import rationals


@st.composite
def polynomials(
    draw: st.DrawFn, min_degree: int = 2, max_degree: int = 5, coeff_bits: int = 6
) -> Polynomial:
    """σ ∈ ℚ[T] with ``min_degree <= deg σ <= max_degree`` (leading coefficient non-zero)."""
    mu = draw(st.integers(min_degree, max_degree))
    coeffs = [draw(rationals(coeff_bits, den_bits=3)) for _ in range(mu)]
    lead = draw(rationals(coeff_bits, den_bits=3, nonzero=True))
    return Polynomial(fmpq_poly([*coeffs, lead]))


@st.composite
def piecewise_linear(
    draw: st.DrawFn, max_breakpoints: int = 4, bits: int = 6
) -> PiecewiseLinear:
    """Continuous piecewise-linear activations with 1..max_breakpoints breakpoints (adjacent
    slopes differ, so every breakpoint is a real kink)."""
    ts = sorted(set(draw(st.lists(rationals(bits, den_bits=3), min_size=1,
                                  max_size=max_breakpoints))))
    slopes = draw(st.lists(rationals(bits, den_bits=3), min_size=len(ts) + 1,
                           max_size=len(ts) + 1))
    for i in range(1, len(slopes)):
        if slopes[i] == slopes[i - 1]:
            slopes[i] += 1
    c = draw(rationals(bits, den_bits=3))
    pieces = [(slopes[0], c)]
    for t, s in zip(ts, slopes[1:], strict=True):
        s0, c0 = pieces[-1]
        pieces.append((s, s0 * t + c0 - s * t))  # continuity at t
    return PiecewiseLinear(ts, pieces)


def named_piecewise_linear() -> st.SearchStrategy[PiecewiseLinear]:
    """relu6, hardtanh, abs, hard_sigmoid."""
    return st.sampled_from([relu6(), hardtanh(), abs_activation(), hard_sigmoid()])


def relu_family() -> st.SearchStrategy[Activation]:
    """ReLU, leaky ReLU with a random rational slope (not 1: that is the affine ``x``), a
    named piecewise-linear activation, or a general piecewise-linear one."""
    return st.one_of(
        st.just(RELU),
        st.builds(LeakyReLU, rationals(4, den_bits=4).filter(lambda a: a != 1)),
        named_piecewise_linear(),
        piecewise_linear(),
    )


@st.composite
def piecewise_polynomials(draw: st.DrawFn, max_breakpoints: int = 3, max_degree: int = 3,
                          bits: int = 5, continuous: bool | None = None
                          ) -> PiecewisePolynomial:
    """Polynomial pieces (at least one of degree >= 2) on rational breakpoints; continuous
    (the constant terms are fixed to match at each breakpoint) unless ``continuous`` is
    False, or either when it is None."""
    cont = draw(st.booleans()) if continuous is None else continuous
    ts = sorted(set(draw(st.lists(rationals(bits, den_bits=2), min_size=1,
                                  max_size=max_breakpoints))))
    pieces: list[fmpq_poly] = []
    for i in range(len(ts) + 1):
        deg = draw(st.integers(0, max_degree))
        p = fmpq_poly([draw(rationals(bits, den_bits=2)) for _ in range(deg + 1)])
        if cont and i > 0:
            p = p + (pieces[-1](ts[i - 1]) - p(ts[i - 1]))
        if i > 0 and p == pieces[-1]:
            p = p + fmpq_poly([0, 0, 1]) - fmpq_poly([ts[i - 1] ** 2])  # make it differ
        pieces.append(p)
    if all(max(int(p.degree()), 0) <= 1 for p in pieces):
        k = draw(st.sampled_from([0, len(pieces) - 1]))  # an end piece touches one t
        t = ts[0] if k == 0 else ts[-1]
        pieces[k] = pieces[k] + fmpq_poly([t * t, -2 * t, 1])  # (x - t)^2 keeps continuity
    return PiecewisePolynomial(ts, pieces, continuous=cont)


def relu_powers(max_k: int = 5) -> st.SearchStrategy[Activation]:
    """``relu^k`` for ``2 <= k <= max_k`` and ``hardswish``."""
    return st.one_of(st.integers(2, max_k).map(ReLUPower), st.just(hardswish()))


@st.composite
def rational_functions(draw: st.DrawFn, max_degree: int = 2, bits: int = 4) -> Rational:
    """``p/q`` with a non-constant denominator that does not divide the numerator
    (including ``1/x`` and Möbius maps)."""
    while True:
        dq = draw(st.integers(1, max_degree))
        dp = draw(st.integers(0, max_degree))
        q = fmpq_poly([*[draw(rationals(bits, den_bits=2)) for _ in range(dq)],
                       draw(rationals(bits, den_bits=2, nonzero=True))])
        p = fmpq_poly([draw(rationals(bits, den_bits=2)) for _ in range(dp)]
                      + [draw(rationals(bits, den_bits=2, nonzero=True))])
        g = p.gcd(q)
        if g.degree() < q.degree():
            return Rational(p, q)


def inexact_bases() -> st.SearchStrategy[Activation]:
    """Transcendental functions and fractional powers with odd roots (defined on ℚ) or
    even roots."""
    return st.one_of(
        st.sampled_from([Transcendental(n) for n in TRANSCENDENTAL_NAMES]),
        st.sampled_from([FractionalPower(fmpq(a, b)) for a, b in
                         ((1, 2), (1, 3), (2, 3), (3, 2), (-1, 3), (5, 3))]),
    )


def rounded_inexact(max_k: int = 8) -> st.SearchStrategy[BitBounded]:
    """``phi_K`` over a transcendental base (total on ℚ), with a small clip bound."""
    return st.builds(BitBounded, st.sampled_from([Transcendental(n)
                                                  for n in TRANSCENDENTAL_NAMES]),
                     st.integers(0, max_k), st.integers(1, 8).map(fmpq))


def bit_bounded(max_k: int = 6) -> st.SearchStrategy[BitBounded]:
    """φ_K over a polynomial or ReLU base, with a small clip bound."""
    base: st.SearchStrategy[Activation] = st.one_of(polynomials(2, 3, 3), st.just(RELU))
    return st.builds(BitBounded, base, st.integers(0, max_k),
                     st.integers(1, 8).map(fmpq))


def any_activation() -> st.SearchStrategy[Activation]:
    """Every total exact kind: identity, polynomials (affine too), piecewise-linear,
    piecewise-polynomial, ``relu^k``/hardswish and ``phi_K`` (rational functions are partial
    and have their own strategy)."""
    return st.one_of(st.just(IDENTITY), polynomials(1, 4, 4), relu_family(), bit_bounded(),
                     piecewise_polynomials(), relu_powers(), rounded_inexact(6))


@st.composite
def inputs_at_breakpoints(draw: st.DrawFn, act: Activation, bits: int = 8) -> fmpq:
    """A breakpoint of ``act`` exactly, or one a tiny step to either side, or any rational."""
    ts: list[fmpq] = list(getattr(act, "breakpoints", []))
    if not ts or draw(st.integers(0, 3)) == 0:
        return draw(rationals(bits, den_bits=4))
    t: fmpq = draw(st.sampled_from(ts))
    eps = fmpq(1, 2 ** draw(st.integers(1, 64)))
    return t + draw(st.sampled_from([fmpq(0), eps, -eps]))


@st.composite
def inputs_near_poles(draw: st.DrawFn, act: Rational, bits: int = 8) -> fmpq:
    """A rational a tiny step from a pole of ``act`` (never on it), or any non-pole."""
    poles = act.poles()
    near: bool = draw(st.booleans())
    if poles and near:
        eps = fmpq(1, 2 ** draw(st.integers(1, 64)))
        return draw(st.sampled_from(poles)) + draw(st.sampled_from([eps, -eps]))
    return draw(rationals(bits, den_bits=4).filter(lambda z: act.denominator(z) != 0))
