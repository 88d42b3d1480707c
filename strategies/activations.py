"""Strategies for activations: polynomials of degree >= 2, piecewise-linear, bit-bounded."""

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
    Polynomial,
)
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
    """Continuous piecewise-linear activations with 1..max_breakpoints breakpoints."""
    ts = sorted(set(draw(st.lists(rationals(bits, den_bits=3), min_size=1,
                                  max_size=max_breakpoints))))
    slopes = draw(st.lists(rationals(bits, den_bits=3), min_size=len(ts) + 1,
                           max_size=len(ts) + 1))
    c = draw(rationals(bits, den_bits=3))
    pieces = [(slopes[0], c)]
    for t, s in zip(ts, slopes[1:], strict=True):
        s0, c0 = pieces[-1]
        pieces.append((s, s0 * t + c0 - s * t))  # continuity at t
    return PiecewiseLinear(ts, pieces)


def relu_family() -> st.SearchStrategy[Activation]:
    """ReLU, leaky ReLU with a random rational slope, or a general piecewise-linear one."""
    return st.one_of(
        st.just(RELU),
        st.builds(LeakyReLU, rationals(4, den_bits=4)),
        piecewise_linear(),
    )


def bit_bounded(max_k: int = 6) -> st.SearchStrategy[BitBounded]:
    """φ_K over a polynomial or ReLU base, with a small clip bound."""
    base: st.SearchStrategy[Activation] = st.one_of(polynomials(2, 3, 3), st.just(RELU))
    return st.builds(BitBounded, base, st.integers(0, max_k),
                     st.integers(1, 8).map(fmpq))


def any_activation() -> st.SearchStrategy[Activation]:
    return st.one_of(st.just(IDENTITY), polynomials(1, 4, 4), relu_family(), bit_bounded())
