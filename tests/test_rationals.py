"""checkers.rationals: to_q, size, bit, fmt (§2 bit model, Problem 2.3)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from flint import fmpq, fmpz
from hypothesis import given
from hypothesis import strategies as st

from checkers.errors import RationalParseError, RationalTypeError, WhyReluError
from checkers.rationals import bit, bitlen, fmt, sign, size, to_q
from checkers.reference import ref_bit, ref_size

fractions = st.builds(Fraction, st.integers(-(2**80), 2**80), st.integers(1, 2**80))


def _fr(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


# ------------------------------------------------------------------ to_q accepts


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, Fraction(0)),
        (-7, Fraction(-7)),
        (2**200, Fraction(2**200)),
        (fmpz(-12), Fraction(-12)),
        (fmpq(6, -4), Fraction(-3, 2)),
        (Fraction(10, 4), Fraction(5, 2)),
        ("-3/7", Fraction(-3, 7)),
        ("-6/14", Fraction(-3, 7)),
        ("+5", Fraction(5)),
        ("3/-4", Fraction(-3, 4)),
        (" 12 / 8 ", Fraction(3, 2)),
        ("-0/5", Fraction(0)),
        ("007", Fraction(7)),
    ],
)
def test_to_q_accepts(value: Any, expected: Fraction) -> None:
    q = to_q(value)
    assert isinstance(q, fmpq)
    assert _fr(q) == expected


@given(fractions)
def test_to_q_of_every_exact_form_agrees(f: Fraction) -> None:
    text = f"{f.numerator}/{f.denominator}"
    q = to_q(text)
    assert _fr(q) == f
    assert to_q(f) == q
    assert to_q(q) == q
    assert q.q > 0
    if f.denominator == 1:
        assert to_q(f.numerator) == q
        assert to_q(fmpz(f.numerator)) == q


def test_to_q_reads_literals_beyond_the_int_digit_limit() -> None:
    # CPython's int() refuses decimal strings of more than 4300 digits
    q = to_q("1" * 5000 + "/" + "3" * 4999)
    assert q == fmpq(fmpz("1" * 5000), fmpz("3" * 4999))


# ------------------------------------------------------------------ to_q rejects


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.5, "0.5"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (True, "True"),
        (False, "False"),
        (None, "None"),
        (1 + 2j, "(1+2j)"),
        (b"1/2", "b'1/2'"),
        ([1, 2], "[1, 2]"),
    ],
)
def test_to_q_rejects_inexact_types(value: Any, shown: str) -> None:
    with pytest.raises(RationalTypeError) as info:
        to_q(value)
    assert shown in str(info.value)
    assert isinstance(info.value, TypeError) and isinstance(info.value, WhyReluError)


@pytest.mark.parametrize(
    "text",
    ["nan", "NaN", "inf", "-inf", "", " ", "1/", "/2", "1//2", "1/2/3",
     "abc", "1 2", "--1", "1_000", "0x10", "１", "٣", "1/٣", "½", "1/0", "-5/0", "x"],
)
def test_to_q_rejects_malformed_strings(text: str) -> None:
    with pytest.raises(RationalParseError) as info:
        to_q(text)
    assert isinstance(info.value, ValueError)
    if text.strip():
        assert repr(text) in str(info.value) or text in str(info.value)


def test_to_q_names_a_zero_denominator() -> None:
    with pytest.raises(RationalParseError, match="zero denominator in '1/0'"):
        to_q("1/0")


def test_to_q_refuses_absurdly_long_literals() -> None:
    with pytest.raises(RationalParseError, match="too long"):
        to_q("1" * 1_000_001)


# ------------------------------------------------------------------ size


def test_size_examples_and_the_zero_convention() -> None:
    # 0 = 0/1: bitlen(0) + bitlen(1) = 0 + 1
    assert size(to_q(0)) == 1
    assert size(to_q(1)) == 2
    assert size(to_q(-1)) == 2
    assert size(to_q("-3/7")) == 2 + 3
    assert size(to_q("6/14")) == 2 + 3  # lowest terms
    assert size(to_q(2**100)) == 101 + 1
    assert size(to_q(Fraction(1, 2**100))) == 1 + 101


@given(fractions)
def test_size_is_the_reference_size(f: Fraction) -> None:
    assert size(to_q(f)) == ref_size(f)
    assert size(to_q(f)) == size(to_q(-f))


def test_bitlen() -> None:
    assert [bitlen(n) for n in (0, 1, -1, 2, 255, -256)] == [0, 1, 1, 2, 8, 9]
    assert bitlen(fmpz(-256)) == 9


# ------------------------------------------------------------------ bit


def test_bit_examples() -> None:
    # 6 = 110b, 1/4 = 0.01b, 1/3 = 0.010101...b, 5/2 = 10.1b
    assert [bit(to_q(6), j) for j in (0, 1, 2, 3)] == [0, 1, 1, 0]
    assert [bit(to_q("1/4"), j) for j in (0, -1, -2, -3)] == [0, 0, 1, 0]
    assert [bit(to_q("1/3"), j) for j in (0, -1, -2, -3, -4)] == [0, 0, 1, 0, 1]
    assert [bit(to_q("-5/2"), j) for j in (1, 0, -1, -2)] == [1, 0, 1, 0]  # |q| is read
    assert bit(to_q(0), 0) == bit(to_q(0), -5) == 0


@given(fractions, st.integers(-200, 200))
def test_bit_matches_the_reference(f: Fraction, j: int) -> None:
    assert bit(to_q(f), j) == ref_bit(f, j)


@given(fractions, st.integers(10**6, 10**30))
def test_bit_at_huge_positive_positions_is_zero(f: Fraction, j: int) -> None:
    assert bit(to_q(f), j) == 0


@given(st.integers(1, 2**64), st.integers(2, 2**64), st.integers(0, 10**40))
def test_bit_at_huge_negative_positions(u: int, v: int, s: int) -> None:
    # floor(2^s u / v) mod 2 = floor(((2^s u) mod 2v) / v), 2^s u mod 2v by pow()
    expected = 1 if (u * pow(2, s, 2 * v)) % (2 * v) >= v else 0
    assert bit(to_q(Fraction(u, v)), -s) == expected


@given(st.integers(1, 2**64), st.integers(1, 2**64), st.integers(0, 3000))
def test_bit_at_negative_positions_matches_the_reference(u: int, v: int, s: int) -> None:
    assert bit(to_q(Fraction(-u, v)), -s) == ref_bit(Fraction(u, v), -s)


@given(st.integers(0, 2**300))
def test_bits_spell_an_integer(n: int) -> None:
    assert sum(bit(to_q(n), j) << j for j in range(n.bit_length() + 1)) == n


# ------------------------------------------------------------------ fmt, sign


@given(fractions)
def test_fmt_round_trips(f: Fraction) -> None:
    q = to_q(f)
    text = fmt(q)
    assert to_q(text) == q
    assert ("/" in text) == (f.denominator != 1)


def test_fmt_and_sign_examples() -> None:
    assert fmt(to_q("-6/4")) == "-3/2"
    assert fmt(to_q(5)) == "5"
    assert fmt(to_q(0)) == "0"
    assert [sign(to_q(v)) for v in ("-1/2", "0", "3")] == [-1, 0, 1]


# ------------------------------------------------------------------ exact messages and limits


def test_error_messages_are_exact() -> None:
    with pytest.raises(RationalTypeError) as info:
        to_q(0.5)
    assert str(info.value) == ('expected an exact rational, got float 0.5; write it as a '
                               'string such as "1/2" or "0.5" (read exactly), or pass '
                               'exact_float=True (--exact-floats) to take its exact binary '
                               'value')
    with pytest.raises(RationalTypeError) as info:
        to_q([1, 2])  # type: ignore[arg-type]
    assert str(info.value) == ("expected an exact rational (int, fmpz, fmpq, Fraction or "
                               "'p/q' string), got list [1, 2]")


def test_long_malformed_strings_are_shown_truncated() -> None:
    for text, shown in (("x" * 60, "x" * 60), ("y" * 61, "y" * 57 + "...")):
        with pytest.raises(RationalParseError) as info:
            to_q(text)
        assert str(info.value) == (f"not a rational: {shown!r} (expected 'p', 'p/q' or a "
                                   "decimal such as '0.01', with ASCII digits)")


def test_the_literal_length_limit_is_inclusive() -> None:
    assert to_q("7" * 1_000_000) == fmpq(fmpz("7" * 1_000_000))
    with pytest.raises(RationalParseError, match=r"too long \(1000001 characters\)"):
        to_q("7" * 1_000_001)


def test_bitlen_returns_a_python_int() -> None:
    assert type(bitlen(fmpz(-5))) is int and type(bitlen(-5)) is int


def test_sign_of_proper_fractions() -> None:
    assert [sign(to_q(v)) for v in ("-1/3", "1/3", "1", "-1")] == [-1, 1, 1, -1]
