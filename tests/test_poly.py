"""checkers.poly: the polynomial parser and printer (σ ∈ ℚ[T], §2), with sympy as oracle."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from flint import fmpq, fmpq_poly
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.errors import PolynomialError
from checkers.poly import MAX_DEGREE, coefficients, parse_poly, poly, poly_str
from strategies.rationals import rationals

X = sympy.Symbol("x")


def _sympy_coeffs(text: str) -> list[Fraction]:
    """Coefficients r_0..r_μ of ``text`` according to sympy (the oracle)."""
    p = sympy.Poly(sympy.sympify(text, rational=True), X)
    cs = [Fraction(int(c.p), int(c.q)) for c in reversed(p.all_coeffs())]
    while cs and cs[-1] == 0:
        cs.pop()
    return cs


def _coeffs(p: fmpq_poly) -> list[Fraction]:
    return [Fraction(int(c.p), int(c.q)) for c in coefficients(p)]


# ------------------------------------------------------------------ printing round trip


@given(st.lists(rationals(40, den_bits=20), max_size=9))
def test_poly_str_parses_back(cs: list[fmpq]) -> None:
    p = fmpq_poly(cs)
    text = poly_str(p)
    assert parse_poly(text) == p
    assert poly_str(parse_poly(text)) == text  # canonical


@settings(max_examples=25)
@given(st.lists(rationals(20, den_bits=10), max_size=6))
def test_poly_str_agrees_with_sympy(cs: list[fmpq]) -> None:
    p = fmpq_poly(cs)
    assert _sympy_coeffs(poly_str(p)) == _coeffs(p)


def test_poly_str_examples() -> None:
    assert poly_str(parse_poly("1/2 + x*x*3 - 2 x")) == "3*x^2 - 2*x + 1/2"
    assert poly_str(poly([0, -1])) == "-x"
    assert poly_str(poly([])) == "0"
    assert poly_str(poly(["-1/3", 0, 1])) == "x^2 - 1/3"
    assert coefficients(poly([])) == []
    assert coefficients(parse_poly("x^2 + 1/2")) == [fmpq(1, 2), 0, 1]


# ------------------------------------------------------------------ sympy as the oracle


def _expr(depth: int) -> st.SearchStrategy[str]:
    """Random expressions in the syntax shared by parse_poly and sympy."""
    const = st.builds(lambda p, q: f"{p}/{q}" if q != 1 else str(p),
                      st.integers(0, 50), st.integers(1, 12))
    leaf = st.one_of(st.just("x"), const)
    if depth == 0:
        return leaf
    sub = _expr(depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda a, op, b: f"({a}) {op} ({b})", sub, st.sampled_from("+-*"), sub),
        st.builds(lambda a, e, star: f"({a}){'**' if star else '^'}{e}", sub,
                  st.integers(0, 3), st.booleans()),
        st.builds(lambda a: f"-({a})", sub),
        st.builds(lambda a, q: f"({a})/{q}", sub, st.integers(1, 9)),
    )


@settings(max_examples=60)
@given(_expr(3))
def test_parser_agrees_with_sympy(text: str) -> None:
    assert _coeffs(parse_poly(text)) == _sympy_coeffs(text)


@pytest.mark.parametrize(
    "text",
    ["x^3 - 2*x + 1/2", "1/3*x^2 - 1/2*x + 2/5", "x^5 - 2*x^3 + 1/7*x", "(x+1)^3",
     "-x^2", "2^3*x", "x**2 - x", "x/2 - 3/4", "((x))", "0*x^7 + 1", "-(x - 1)*(x + 1)",
     "+x", "0^0", "x^0"],
)
def test_parser_examples_agree_with_sympy(text: str) -> None:
    assert _coeffs(parse_poly(text)) == _sympy_coeffs(text)


def test_implicit_multiplication() -> None:
    assert parse_poly("2 x") == parse_poly("2*x")
    assert parse_poly("2(x+1)") == parse_poly("2*x + 2")
    assert parse_poly("x x") == parse_poly("x^2")


# ------------------------------------------------------------------ rejection


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1/x", "division by a non-constant"),
        ("x/(x+1)", "division by a non-constant"),
        ("x^-1", "not a non-negative integer"),
        ("x^(1/2)", "not a non-negative integer"),
        ("x^(-2)", "not a non-negative integer"),
        ("2^x", "exponent depends on x"),
        ("sqrt(x)", "unknown name 'sqrt'"),
        ("sin(x)", "unknown name 'sin'"),
        ("pi*x", "unknown name 'pi'"),
        ("sqrt(2)*x", "unknown name 'sqrt'"),
        ("y^2", "unknown name 'y'"),
        ("0.5*x", "decimal points are not accepted"),
        ("x^0.5", "decimal points are not accepted"),
        ("1e3*x", "unknown name 'e3'"),
        ("x/0", "division by zero"),
        ("x/(x-x)", "division by zero"),
        ("x^99999999999999999999", "exceeds the limit"),
        ("x^4097", "exceeds the limit"),
        ("(x+1)^5000", "exceeds the limit"),
        ("(x^64)^65", "exceeds the limit"),
        ("x^2000*x^2000*x^2000", "exceeds the limit"),
        ("", "empty expression"),
        ("   ", "empty expression"),
        ("x +", "unexpected end"),
        ("(x", "unexpected end"),
        ("(x]", "unexpected character ']'"),
        ("x)", "unexpected ')'"),
        ("x^", "missing exponent"),
        ("x^2^3", "unexpected '^'"),
        ("x ; 1", "unexpected character ';'"),
        ("x²", "unexpected character '²'"),
        ("1//2", "unexpected '/'"),
    ],
)
def test_parser_rejects_with_a_named_reason(text: str, fragment: str) -> None:
    with pytest.raises(PolynomialError) as info:
        parse_poly(text)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_parser_rejects_non_strings() -> None:
    with pytest.raises(PolynomialError, match="expected a polynomial string, got float"):
        parse_poly(0.5)  # type: ignore[arg-type]


def test_degree_limit_is_a_parameter() -> None:
    assert MAX_DEGREE == 4096
    assert parse_poly("x^4096").degree() == 4096
    assert parse_poly("x^5000", max_degree=5000).degree() == 5000
    with pytest.raises(PolynomialError, match="exceeds the limit 3"):
        parse_poly("x^4", max_degree=3)


def test_deep_nesting_is_a_typed_error_not_a_crash() -> None:
    with pytest.raises(PolynomialError, match="nested too deeply"):
        parse_poly("(" * 5000 + "x" + ")" * 5000)
    with pytest.raises(PolynomialError, match="nested too deeply"):
        parse_poly("-" * 5000 + "x")
    assert parse_poly("(" * 50 + "x" + ")" * 50) == parse_poly("x")


def test_long_coefficients_beyond_the_int_digit_limit() -> None:
    p = parse_poly("1" * 5000 + "*x^2")
    assert p.degree() == 2
    assert str(p[2].p) == "1" * 5000 and p[2].q == 1


def test_coefficient_constructor_rejects_floats() -> None:
    with pytest.raises(TypeError, match="float"):
        poly([1, 0.5])  # type: ignore[list-item]


# ------------------------------------------------------------------ exact messages


def test_error_messages_show_the_expression_and_the_position() -> None:
    with pytest.raises(PolynomialError) as info:
        parse_poly("x +")
    assert str(info.value) == "in polynomial 'x +': unexpected end of expression"
    with pytest.raises(PolynomialError) as info:
        parse_poly("x ? 1")
    assert str(info.value) == "in polynomial 'x ? 1' at position 2: unexpected character '?'"
    t80, t81 = "1+" * 39 + "1?", "1+" * 40 + "?"
    assert (len(t80), len(t81)) == (80, 81)
    with pytest.raises(PolynomialError) as info:
        parse_poly(t80)
    assert str(info.value) == f"in polynomial {t80!r} at position 79: unexpected character '?'"
    with pytest.raises(PolynomialError) as info:
        parse_poly(t81)
    assert str(info.value) == (f"in polynomial {t81[:77] + '...'!r} at position 80: "
                               "unexpected character '?'")


# ------------------------------------------------------------------ size bounds (bit budgets)


def test_size_bounds_by_hand() -> None:
    from checkers.poly import SizeBounds

    # 4x^2 - 1 = (4x^2 - 1)/1: sum |a_i| = 5 (3 bits), D = 1, a_2 = 4 (3 bits).
    # z = 1/2^300: upper = 3 + 2*max(1, 301) + 1 + 2*301 = 1208.  lower: d = 2^300 shares
    # every prime with a_2, so d1 = 1, d2 = 2^300: k = 2*(301 - 1 - 3) = 594, the
    # denominator has >= 595 bits; |p(z)| >= 2^-1, so the numerator has >= -1 + 595 bits:
    # 1189.  Exactly: p(z) = (1 - 2^598)/2^598, size 598 + 599 = 1197.
    b = SizeBounds(fmpq_poly([-1, 0, 4]))
    z = fmpq(1, 2**300)
    assert (b.lower(z), b.upper(z)) == (1189, 1208)
    # x^2 at 3: upper = 1 + 2*2 + 1 + 2*1 = 8; lower: d = 1, |9| = 2^3.17: 3 + 1 + 1 = 5
    sq = SizeBounds(fmpq_poly([0, 0, 1]))
    assert (sq.lower(fmpq(3)), sq.upper(fmpq(3))) == (5, 8)
    # x at 3: the same formula with mu = 1: upper = 1 + 2 + 1 + 1 = 5
    assert SizeBounds(fmpq_poly([0, 1])).upper(fmpq(3)) == 5
    # constants have their exact size
    third = SizeBounds(fmpq_poly([fmpq(1, 3)]))
    assert third.lower(fmpq(7)) == third.upper(fmpq(7)) == 3
    zero = SizeBounds(fmpq_poly([]))
    assert zero.lower(fmpq(5)) == zero.upper(fmpq(5)) == 1


def test_product_limits_are_exact() -> None:
    assert parse_poly("x^2*x^2", max_degree=4).degree() == 4
    assert parse_poly("2*x^4", max_degree=4).degree() == parse_poly("x^4*2", max_degree=4) \
        .degree() == 4
    with pytest.raises(PolynomialError) as info:
        parse_poly("x^2*x^3", max_degree=4)
    assert str(info.value) == "in polynomial 'x^2*x^3' at position 3: degree exceeds the limit 4"
    # height(x) = 1 + 1, height(5) = 3 + 1, and bitlen(deg x + 2) = 2: 8 bits predicted
    assert parse_poly("x*5", max_bits=8) == fmpq_poly([0, 5])
    with pytest.raises(PolynomialError) as info:
        parse_poly("x*5", max_bits=7)
    assert str(info.value) == ("in polynomial 'x*5' at position 1: coefficients would need up "
                               "to 8 bits, beyond the limit 7")


@pytest.mark.parametrize(("text", "message"), [
    ("x^", "in polynomial 'x^': missing exponent"),
    ("x^-", "in polynomial 'x^-': missing exponent"),
    ("x^x", "in polynomial 'x^x' at position 2: exponent depends on x (not a polynomial)"),
    ("x^-1", "in polynomial 'x^-1' at position 3: exponent -1 is not a non-negative integer "
             "(not a polynomial)"),
    ("x^(1/2)", "in polynomial 'x^(1/2)' at position 2: exponent 1/2 is not a non-negative "
                "integer (not a polynomial)"),
    ("x^5000", "in polynomial 'x^5000' at position 2: exponent 5000 exceeds the limit 4096"),
    ("2^5000", "in polynomial '2^5000' at position 2: exponent 5000 exceeds the limit 4096"),
    ("(x^2)^2049", "in polynomial '(x^2)^2049' at position 5: degree exceeds the limit 4096"),
])
def test_exponent_messages_are_exact(text: str, message: str) -> None:
    with pytest.raises(PolynomialError) as info:
        parse_poly(text)
    assert str(info.value) == message
