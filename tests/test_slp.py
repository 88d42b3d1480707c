"""checkers.slp: straight-line programs (Definition 2.2), BitSLP / PosSLP (Problems 2.3, 2.5),
the text format and bit budgets."""

from __future__ import annotations

import io
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest
from flint import fmpq, fmpz
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.errors import BitBudgetExceeded, ForwardReferenceError, SLPError
from checkers.rationals import size
from checkers.reference import ref_bit, ref_slp_values
from checkers.slp import SLP, Gate, parse_slp, squaring_chain
from strategies import integer_slps, rational_slps, wide_rationals


def _fr(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


# ------------------------------------------------------------------ evaluation


def test_evaluation_by_hand() -> None:
    p = SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("-", 0, 2)])  # 1, 2, 4, -3
    assert p.evaluate() == [1, 2, 4, -3]
    assert p.value() == -3 and p.length == 3
    assert not p.positive() and p.sign() == -1
    assert [p.bit(j) for j in range(3)] == [1, 1, 0]  # |-3| = 11b
    q = SLP.of("1/2", [("*", 0, 0), ("-", 1, 0)])  # 1/2, 1/4, -1/4
    assert q.value() == fmpq(-1, 4) and q.bit(-2) == 1 and q.bit(-1) == 0
    assert SLP.of(5, []).value() == 5
    assert SLP.of(0, [("*", 0, 0)]).sign() == 0


@settings(max_examples=40)
@given(st.one_of(integer_slps(12), rational_slps(8)), st.integers(-64, 128))
def test_evaluation_matches_the_reference(p: SLP, j: int) -> None:
    want = ref_slp_values(p)
    assert [_fr(v) for v in p.evaluate()] == want
    assert [_fr(v) for v in p.iter_values()] == want
    assert p.bit(j) == ref_bit(want[-1], j)
    assert p.positive() == (want[-1] > 0)


def test_squaring_chain() -> None:
    p = squaring_chain(5, 3)
    assert p.value() == fmpq(3) ** 32
    assert p.to_text().splitlines()[1] == "a1 = a0 * a0"


# ------------------------------------------------------------------ construction errors


def test_forward_references_are_rejected() -> None:
    with pytest.raises(ForwardReferenceError, match=r"gate a1 = a0 \+ a1 refers to itself"):
        SLP.of(1, [("+", 0, 1)])
    with pytest.raises(ForwardReferenceError, match=r"gate a2 .* refers to the later gate a3"):
        SLP.of(1, [("+", 0, 0), ("*", 3, 1)])
    assert issubclass(ForwardReferenceError, SLPError)


def test_other_construction_errors() -> None:
    with pytest.raises(SLPError, match="unknown operation '/'"):
        SLP.of(1, [("/", 0, 0)])
    with pytest.raises(SLPError, match="unknown operation '/'"):
        SLP(fmpq(1), (Gate("/", 0, 0),))  # type: ignore[arg-type]
    with pytest.raises(SLPError, match="operand index -1 is not a natural number"):
        SLP.of(1, [("+", 0, -1)])
    with pytest.raises(SLPError, match="operand index True"):
        SLP.of(1, [("+", True, 0)])
    with pytest.raises(SLPError, match="a0 must be an fmpq"):
        SLP(1, ())  # type: ignore[arg-type]
    with pytest.raises(SLPError, match="gate a1 is not a Gate"):
        SLP(fmpq(1), (("+", 0, 0),))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="float"):
        SLP.of(0.5, [])  # type: ignore[arg-type]


# ------------------------------------------------------------------ text format


@settings(max_examples=40)
@given(st.one_of(integer_slps(12), rational_slps(8)))
def test_text_round_trips(p: SLP) -> None:
    assert parse_slp(p.to_text()) == p
    assert str(p) == p.to_text()


def test_comments_blank_lines_and_spacing() -> None:
    text = "# a comment\n\na0 = -3/6   # a half\n  a1=a0*a0\n\n# more\na2 = a1 - a0\n"
    p = parse_slp(text)
    assert p == SLP.of("-1/2", [("*", 0, 0), ("-", 1, 0)])
    assert parse_slp(["a0 = 2", "a1 = a0 + a0"]).value() == 4


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("a1 = a0 + a0\n", 1, "expected 'a0 = <rational>'"),
        ("a0 = 0.5.1\n", 1, "not a rational: '0.5.1'"),
        ("a0 = 1/0\n", 1, "zero denominator"),
        ("a0 =\n", 1, "expected 'a0 = <rational>'"),
        ("# c\na0 = 1\na1 = a0 / a0\n", 3, "expected 'a<i> = a<j> <op> a<k>'"),
        ("a0 = 1\na1 = a0 + a0\na3 = a1 * a1\n", 3, "expected a2, got a3"),
        ("a0 = 1\na1 = a0 + a0\na1 = a1 * a1\n", 3, "expected a2, got a1"),
        ("a0 = 1\n\na1 = a0 + 7\n", 3, "expected 'a<i> = a<j> <op> a<k>'"),
        ("a0 = 1\na1 = a0 + a0 + a0\n", 2, "expected 'a<i>"),
        ("a0 = 1\na0 = 2\n", 2, "expected 'a<i>"),
        ("a0 = 1\na1 = a0 ** a0\n", 2, "expected 'a<i>"),
        ("a0 = 1\na１ = a0 + a0\n", 2, "expected 'a<i>"),
    ],
)
def test_parser_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(SLPError) as info:
        parse_slp(text, source="prog.slp")
    msg = str(info.value)
    assert msg.startswith(f"prog.slp:{line}: "), msg
    assert fragment in msg


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("a0 = 1\na1 = a0 + a1\n", 2, "gate a1 refers to itself"),
        ("a0 = 1\na1 = a0 + a0\na2 = a5 * a1\n", 3, "gate a2 refers to the later gate a5"),
    ],
)
def test_forward_references_in_text_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ForwardReferenceError) as info:
        parse_slp(text, source="f.slp")
    assert str(info.value).startswith(f"f.slp:{line}: ") and fragment in str(info.value)


def test_empty_program() -> None:
    with pytest.raises(SLPError, match=r"empty\.slp: empty program"):
        parse_slp("# nothing\n\n", source="empty.slp")


def test_streaming_parse_from_a_file_object(tmp_path: Path) -> None:
    path = tmp_path / "chain.slp"
    path.write_text(squaring_chain(30).to_text(), encoding="utf-8")
    with path.open(encoding="utf-8") as fh:
        p = parse_slp(fh, source=str(path))
    assert p == squaring_chain(30)
    assert parse_slp(io.StringIO("a0 = 3\na1 = a0 * a0\n")).value() == 9


def test_parsing_consumes_lines_one_at_a_time() -> None:
    consumed: list[int] = []

    def lines() -> Iterator[str]:
        yield "a0 = 1"
        for i in range(1, 10**9):  # far too many to materialise
            consumed.append(i)
            yield f"a{i} = a{i - 1} + a{i - 1}" if i < 5 else "garbage"

    with pytest.raises(SLPError, match="<slp>:6: expected"):
        parse_slp(lines())
    assert consumed == [1, 2, 3, 4, 5]


# ------------------------------------------------------------------ bit budget


def test_a_40_step_squaring_chain_stops_at_its_budget() -> None:
    # a_i = 2^(2^i) has size 2^i + 2: the first gate over 10000 bits is a14 (16386 bits)
    p = squaring_chain(40)
    with pytest.raises(BitBudgetExceeded) as info:
        p.value(budget_bits=10_000)
    assert info.value.where == "gate a14"
    assert info.value.size_bits == 2**14 + 2 and info.value.budget_bits == 10_000
    assert str(info.value) == ("bit budget exceeded at gate a14: size 16386 bits > budget "
                               "10000 bits")
    seen = []
    with pytest.raises(BitBudgetExceeded):
        for v in p.iter_values(budget_bits=10_000):
            seen.append(v)
    assert len(seen) == 14 and size(seen[-1]) == 2**13 + 2


def test_a_rational_chain_stops_at_its_budget() -> None:
    p = SLP.of("1/3", [("*", i, i) for i in range(30)])  # 3^-(2^i)
    with pytest.raises(BitBudgetExceeded) as info:
        p.evaluate(budget_bits=1000)
    i = int(info.value.where.removeprefix("gate a"))
    assert size(fmpq(1, 3**(2**i))) > 1000 >= size(fmpq(1, 3**(2**(i - 1))))


def test_budget_counts_actual_sizes_not_bounds() -> None:
    # a2 = a1 - a1 = 0: the bound size(a1) + size(a1) + 1 = 11 exceeds 10, the value does not
    assert SLP.of(3, [("*", 0, 0), ("-", 1, 1)]).value(budget_bits=10) == 0
    # rational path: a2 = 1/81 (size 8), a3 = a2 - a2 with bound 17 > 16
    assert SLP.of("1/3", [("*", 0, 0), ("*", 1, 1), ("-", 2, 2)]).value(budget_bits=16) == 0


def test_budget_applies_to_a0() -> None:
    with pytest.raises(BitBudgetExceeded, match="at a0: size 102 bits > budget 100"):
        SLP.of(2**100, []).value(budget_bits=100)
    assert SLP.of(2**100, []).value(budget_bits=102) == 2**100


# ------------------------------------------------------------------ limits, exact messages


def test_the_budget_shortcut_bounds_sums_of_unlike_sizes() -> None:
    # 1 + 1/2^16 = 65537/65536 has size 34 > size(1) + size(1/2^16) + 1 = 21: a budget of
    # 25 must stop it (a bound of size(a) + size(b) + 1 let it through unmeasured)
    p = SLP.of("1/2", [("+", 0, 0), ("*", 0, 0), ("*", 2, 2), ("*", 3, 3), ("*", 4, 4),
                       ("+", 1, 5)])
    assert size(p.value()) == 34
    with pytest.raises(BitBudgetExceeded) as info:
        p.value(budget_bits=25)
    assert (info.value.where, info.value.size_bits) == ("gate a6", 34)
    # -1 - 1/4 = -5/4: size 6 = size(-1) + size(1/4)
    q = SLP.of("-1/2", [("+", 0, 0), ("*", 0, 0), ("-", 1, 2)])
    with pytest.raises(BitBudgetExceeded, match="gate a3: size 6 bits > budget 5"):
        q.value(budget_bits=5)


@given(rational_slps(max_length=8), st.integers(1, 200))
def test_the_budget_stops_exactly_at_the_first_value_beyond_it(p: SLP, budget: int) -> None:
    sizes = [size(v) for v in p.evaluate()]
    first = next((i for i, s in enumerate(sizes) if s > budget), None)
    if first is None:
        assert p.value(budget_bits=budget) == p.value()
    else:
        with pytest.raises(BitBudgetExceeded) as info:
            p.value(budget_bits=budget)
        assert info.value.where == ("a0" if first == 0 else f"gate a{first}")
        assert info.value.size_bits == sizes[first]


def test_a_value_of_exactly_the_budget_fits() -> None:
    assert SLP.of(2, [("*", 0, 0)]).value(budget_bits=4) == 4  # 4 = 100b: size 3 + 1
    assert SLP.of("1/2", [("*", 0, 0)]).value(budget_bits=4) == fmpq(1, 4)


def test_of_accepts_gates_and_triples() -> None:
    assert SLP.of(1, [Gate("+", 0, 0), ("*", 1, 1)]) == SLP(fmpq(1), (Gate("+", 0, 0),
                                                                     Gate("*", 1, 1)))
    assert SLP.of(5, []).value() == 5 and SLP.of(5, []).evaluate() == [5]


def test_index_digit_limit_and_exact_messages() -> None:
    eighteen = "1" * 18
    with pytest.raises(SLPError) as info:
        parse_slp(f"a0 = 1\na{eighteen} = a0 + a0", source="p.slp")
    assert str(info.value) == ("p.slp:2: gate indices must be consecutive: expected a1, "
                               f"got a{eighteen}")
    long = "9" * 25
    for line in (f"a{long} = a0 + a0", f"a1 = a{long} + a0", f"a1 = a0 + a{long}"):
        with pytest.raises(SLPError) as info:
            parse_slp(f"a0 = 1\n{line}", source="p.slp")
        assert str(info.value) == f"p.slp:2: gate index a{'9' * 20}... is too large"


def test_bad_lines_are_shown_to_60_characters() -> None:
    bad = "b" * 70
    with pytest.raises(SLPError) as info:
        parse_slp(bad, source="p.slp")
    assert str(info.value) == f"p.slp:1: expected 'a0 = <rational>', got {'b' * 60!r}"
    with pytest.raises(SLPError) as info:
        parse_slp(f"a0 = 1\n{bad}", source="p.slp")
    assert str(info.value) == ("p.slp:2: expected 'a<i> = a<j> <op> a<k>' with op in + - *, "
                               f"got {'b' * 60!r}")


def test_comments_end_at_the_first_hash() -> None:
    assert parse_slp("a0 = 2 # two # really\na1 = a0 * a0 # # #").value() == 4


def test_size_bounds_by_hand_and_for_products_of_large_numerators() -> None:
    from checkers.slp import _int_bound, size_bound

    # 3/4 * 5/7: 2 + 3 + 3 + 3 bits; 3/4 + 5/7 = 41/28: max(2 + 3, 3 + 3) + 1 + 3 + 3
    assert size_bound("*", fmpq(3, 4), fmpq(5, 7)) == 11
    assert size_bound("+", fmpq(3, 4), fmpq(5, 7)) == size_bound("-", fmpq(3, 4),
                                                                  fmpq(5, 7)) == 13
    # integers: size = bitlen + 1; 3 * 5 has <= 2 + 3 bits, 3 + 5 <= max(2, 3) + 1
    assert _int_bound("*", fmpz(3), fmpz(5)) == 6
    assert _int_bound("+", fmpz(3), fmpz(5)) == _int_bound("-", fmpz(3), fmpz(5)) == 5
    # (49/4)^2 = 2401/16 has size 17: a product of numerators larger than denominators
    p = SLP.of("7/2", [("*", 0, 0), ("*", 1, 1)])
    with pytest.raises(BitBudgetExceeded, match="gate a2: size 17 bits > budget 16"):
        p.value(budget_bits=16)


@given(wide_rationals(), wide_rationals(), st.sampled_from("+-*"))
def test_size_bound_is_an_upper_bound(a: fmpq, b: fmpq, op: str) -> None:
    from checkers.slp import _int_bound, size_bound

    r = a * b if op == "*" else (a + b if op == "+" else a - b)
    assert size(r) <= size_bound(op, a, b)
    if a.q == 1 and b.q == 1:
        assert size(r) <= _int_bound(op, a.p, b.p)


def test_construction_messages_are_exact() -> None:
    with pytest.raises(SLPError) as info:
        SLP(1, ())  # type: ignore[arg-type]
    assert str(info.value) == "a0 must be an fmpq, got int"
