"""Strategies for exact rationals of a requested size (§2 size)."""

from __future__ import annotations

from flint import fmpq
from hypothesis import strategies as st


def integers_of(bits: int) -> st.SearchStrategy[int]:
    """Integers with ``|n| < 2^bits`` (shrinking toward 0)."""
    return st.integers(-(2**bits) + 1, 2**bits - 1)


def rationals(bits: int = 16, *, den_bits: int | None = None,
              nonzero: bool = False) -> st.SearchStrategy[fmpq]:
    """Rationals ``p/q`` with ``|p| < 2^bits`` and ``1 <= q < 2^den_bits`` (default
    ``den_bits = bits``); shrinks toward small integers."""
    db = bits if den_bits is None else den_bits
    nums = integers_of(bits).filter(lambda n: n != 0) if nonzero else integers_of(bits)
    dens = st.integers(1, max(1, 2**db - 1))
    return st.builds(fmpq, nums, dens)


def dyadics(bits: int = 16, max_exp: int = 16) -> st.SearchStrategy[fmpq]:
    """Dyadic rationals ``p / 2^e`` with ``|p| < 2^bits`` and ``0 <= e <= max_exp``."""
    return st.builds(lambda p, e: fmpq(p, 2**e), integers_of(bits), st.integers(0, max_exp))


def small_integers(bound: int = 8) -> st.SearchStrategy[fmpq]:
    return st.integers(-bound, bound).map(fmpq)


def wide_rationals() -> st.SearchStrategy[fmpq]:
    """A mix meant for identities: small, negative, large (up to 2^200) and tiny (down to
    2^-200) rationals."""
    return st.one_of(
        small_integers(),
        rationals(8),
        rationals(64),
        st.builds(lambda p, e: fmpq(p, 2**e), integers_of(16), st.integers(0, 200)),
        st.builds(lambda p, e: fmpq(p) * 2**e, integers_of(16), st.integers(0, 200)),
    )
