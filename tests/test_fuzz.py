"""Hostile input: every parser yields a valid object or the project's typed error.

Hypothesis drives the SLP text parser, the network and dataset JSON readers, the
polynomial-expression parser and the activation parser with arbitrary text, arbitrary
bytes, and near-valid input (valid documents with one piece replaced by something nasty:
``nan``, ``inf``, ``1/0``, floats, Unicode digits, huge exponents and literals, deep
nesting, forward references, self-loops, cycles).  The only exceptions allowed are
subclasses of :class:`~checkers.errors.WhyReluError`; the command line turns them into exit
status 2 and exactly one line on standard error.  Whatever parses is checked further: it
prints back to the same object and evaluates (under a bit budget) to the values of the
Fraction reference engine.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flint import fmpq, fmpq_poly, fmpz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkers.activations import Activation, parse_activation
from checkers.errors import (
    ActivationError,
    BitBudgetExceeded,
    DataError,
    PolynomialError,
    SLPError,
    WhyReluError,
)
from checkers.formats import dataset_from_json, loads_json, network_from_json
from checkers.losses import SQUARE
from checkers.network import Network
from checkers.poly import MAX_DEGREE, MAX_HEIGHT_BITS, height, parse_poly, poly_str
from checkers.rationals import size
from checkers.reference import RefNetwork, ref_samples, ref_slp_values
from checkers.slp import SLP, parse_slp
from spec.cli import main
from strategies import slps

T = TypeVar("T")
BUDGET = 4096
FUZZ = settings(max_examples=int(os.environ.get("WHYRELU_FUZZ_EXAMPLES", "150")),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
"""Examples per fuzz test; ``WHYRELU_FUZZ_EXAMPLES=20000`` runs a longer campaign."""

# ------------------------------------------------------------------ hostile pieces

NASTY = [
    "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-Infinity", "1/0", "0/0", "-1/0",
    "1.5", "0.1", "1e5", "1E-3", ".5", "5.", "0x10", "0b1", "1_000", "1//2", "1/2/3", "--1",
    "+-1", "1/", "/2", "", " ", "\t", "\x00", "\ufeff1", "١", "١/٢", "٣x", "①", "½", "²",
    "𝟙", "1 2", "1/ -2", "- 1", "9" * 5000, "1/" + "7" * 5000, "-" + "3" * 4400, "1" * 1_000_001,
]
"""Spellings that are not rationals (or are, barely: ``+-1`` is not, ``1/ -2`` is)."""

SIGNED = st.sampled_from(["", "-", "+"])


def numbers() -> st.SearchStrategy[str]:
    """Rational spellings, valid and not."""
    return st.one_of(
        st.sampled_from(NASTY),
        st.integers(-(10**30), 10**30).map(str),
        st.fractions(max_denominator=10**12).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(0, 10).map(lambda n: "1/" + "0" * n),
        st.text(max_size=6),
    )


def indices() -> st.SearchStrategy[str]:
    """Gate indices of the SLP text format, valid and not."""
    return st.one_of(
        st.integers(0, 12).map(str),
        st.integers(-3, 10**25).map(str),
        st.sampled_from(["", "-1", "01", "1.0", "١", "x", "9" * 4400, "0" * 50 + "1"]),
    )


def _ok_or_typed(fn: Callable[[], T]) -> T | WhyReluError:
    """Run ``fn``; a typed error is a result, anything else fails the test."""
    try:
        return fn()
    except WhyReluError as e:
        assert str(e).strip(), "a typed error must say what was wrong"
        return e


# ------------------------------------------------------------------ SLP text


@st.composite
def slp_lines(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return f"a0 = {draw(numbers())}"
    if kind <= 3:
        i, j, k = draw(indices()), draw(indices()), draw(indices())
        op = draw(st.sampled_from(["+", "-", "*", "/", "**", "^", "×", "−", "", " ", "+-"]))
        sp = draw(st.sampled_from(["", " ", "  ", "\t", "\u3000"]))
        return f"{sp}a{i}{sp}={sp}a{j}{sp}{op}{sp}a{k}{sp}"
    if kind == 4:
        return "# " + draw(st.text(max_size=20))
    return draw(st.text(max_size=30))


@st.composite
def slp_texts(draw: st.DrawFn) -> str:
    """Arbitrary text, free-form lines, or a valid program with one line spoiled, two lines
    swapped (forward references) or a gate made to refer to itself or to a later gate."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.text(max_size=200))
    if kind == 1:
        sep = draw(st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x0b"]))
        return sep.join(draw(st.lists(slp_lines(), max_size=8)))
    p = draw(slps(max_length=8))
    lines = p.to_text().splitlines()
    at = draw(st.integers(0, len(lines) - 1))
    if kind == 2:
        lines[at] = draw(slp_lines())
    else:
        i = draw(st.integers(1, len(lines) - 1)) if len(lines) > 1 else 0
        ref = draw(st.sampled_from([i, i + 1, i + 7]))
        lines[i] = f"a{i} = a{ref} * a0" if i else "a0 = a0"
        if at != i:
            lines[at], lines[i] = lines[i], lines[at]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n# end"]))


def _check_slp(p: SLP) -> None:
    assert parse_slp(p.to_text()) == p  # what parses prints back to itself
    try:
        values = p.evaluate(budget_bits=BUDGET)
    except BitBudgetExceeded as e:
        assert e.size_bits > BUDGET and e.where.startswith(("gate a", "a0"))
        return
    assert all(size(v) <= BUDGET for v in values)
    assert [Fraction(int(v.p), int(v.q)) for v in values] == ref_slp_values(p)


@FUZZ
@given(slp_texts())
def test_slp_parser_returns_a_program_or_an_slp_error(text: str) -> None:
    res = _ok_or_typed(lambda: parse_slp(text, source="fuzz.slp"))
    if isinstance(res, WhyReluError):
        assert isinstance(res, SLPError)
        assert str(res).startswith("fuzz.slp"), "an SLP error names the source"
    else:
        _check_slp(res)


@pytest.mark.parametrize(("text", "fragment"), [
    ("a0 = 1\na1 = a1 + a0", "gate a1 refers to itself"),
    ("a0 = 1\na1 = a0 + a2\na2 = a1 * a1", "gate a1 refers to the later gate a2"),
    ("a0 = 1\na1 = a0 + a0\na1 = a1 * a1", "expected a2, got a1"),
    ("a0 = 1\na2 = a1 * a1\na1 = a0 + a0", "expected a1, got a2"),
    ("a0 = nan", "not a rational"), ("a0 = inf", "not a rational"),
    ("a0 = 1/0", "zero denominator"), ("a0 = 0.5.1", "not a rational"),
    ("a0 = ١", "not a rational"), ("a0 = 1\na١ = a0 + a0", "expected 'a<i>"),
    ("a0 = 1\na1 = a0 / a0", "expected 'a<i>"),
    ("a0 = 1\na" + "9" * 5000 + " = a0 + a0", "is too large"),
    ("a0 = 1\na1 = a" + "9" * 5000 + " + a0", "is too large"),
    ("a0 = " + "9" * 1_000_001, "too long"),
])
def test_hostile_slp_lines_are_named(text: str, fragment: str) -> None:
    with pytest.raises(SLPError, match=fragment):
        parse_slp(text)


def _long_program(n: int, comment: int) -> Iterator[str]:
    """a_i = a_{i-1} + a_0 or a_{i-1} - a_{i//2} for i = 1..n, each line padded by a
    comment of ``comment`` characters (the text is never held in memory)."""
    pad = " #" + "c" * comment + "\n"
    yield "a0 = 1" + pad
    for i in range(1, n + 1):
        yield (f"a{i} = a{i - 1} + a0" if i % 2 else f"a{i} = a{i - 1} - a{i // 2}") + pad


def _long_program_value(n: int) -> int:
    vals = [1]
    for i in range(1, n + 1):
        vals.append(vals[-1] + 1 if i % 2 else vals[-1] - vals[i // 2])
    return vals[-1]


def test_a_long_program_streams_in_bounded_memory() -> None:
    # 10^5 gates with 1000-character lines: 100 MB of text, never materialised.  The parsed
    # program and its evaluation keep about 140 bytes per gate (Gate uses __slots__).
    n, comment = 100_000, 1000
    text_bytes = sum(len(line) for line in _long_program(n, comment))
    tracemalloc.start()
    try:
        p = parse_slp(_long_program(n, comment), source="long.slp")
        parsed, _ = tracemalloc.get_traced_memory()
        value = p.value(budget_bits=1 << 16)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert p.length == n and value == _long_program_value(n)
    assert parsed < 160 * n, f"{parsed / n:.0f} bytes per parsed gate"
    assert peak < 260 * n, f"{peak / n:.0f} bytes per gate at the peak of evaluation"
    assert peak < text_bytes / 5


def test_a_million_gate_file_through_the_command_line(tmp_path: Path) -> None:
    # 10^6 gates (16 MB of text) read from a file and evaluated by `whyrelu slp eval` in a
    # fresh process, which reports its own peak resident memory.
    n = 1_000_000
    path = tmp_path / "million.slp"
    with path.open("w", encoding="ascii") as f:
        f.writelines(_long_program(n, 0))
    code = ("import json, resource, sys; from spec.cli import main; "
            f"status = main(['slp', 'eval', {str(path)!r}, '--json']); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); "
            "sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["length"] == n and doc["value"] == str(_long_program_value(n))
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    assert peak_kib < 1024 * 1024, f"peak resident memory {peak_kib} KiB for 10^6 gates"


# ------------------------------------------------------------------ polynomials

POLY_TOKENS = ["x", "x", "X", "y", "(", ")", "(", ")", "+", "-", "*", "/", "^", "**", " ",
               "0", "1", "2", "7", "1/0", "4096", "4097", "99999999999", "9" * 300, ".", "1.5",
               "nan", "inf", "√", "²", "١", "e", "x^x", "^-1", "^(1/2)", ",", "|"]


@st.composite
def poly_texts(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(st.text(max_size=40))
    if kind == 1:
        return "".join(draw(st.lists(st.sampled_from(POLY_TOKENS), max_size=16)))
    # nested powers with big exponents: (((b)^e1)^e2)^e3
    base = draw(st.sampled_from(["x", "2", "9", "x+1", "3*x^2-1/7", "99999", "1/3*x"]))
    text = base
    for e in draw(st.lists(st.sampled_from(["0", "1", "2", "64", "4096", "4097", "10**9"]),
                           max_size=4)):
        text = f"({text})^{e}"
    return text


@FUZZ
@given(poly_texts())
def test_polynomial_parser_returns_a_polynomial_or_a_polynomial_error(text: str) -> None:
    res = _ok_or_typed(lambda: parse_poly(text))
    if isinstance(res, WhyReluError):
        assert isinstance(res, PolynomialError)
        return
    assert isinstance(res, fmpq_poly)
    assert res.degree() <= MAX_DEGREE and height(res) <= MAX_HEIGHT_BITS
    assert parse_poly(poly_str(res)) == res


@pytest.mark.parametrize(("text", "fragment"), [
    ("x^4097", "exceeds the limit"), ("x^99999999999999999999", "exceeds the limit"),
    ("(x^2)^2049", "degree exceeds"), ("(x+1)^4096*(x+1)^4096", "degree exceeds"),
    ("((9^4096)^4096)^4096", "coefficients would need"),
    ("(99999^4096)^4096", "coefficients would need"),
    ("2^(2^(2^(2^(2^5))))", "exceeds the limit"),
    ("x^-1", "not a non-negative integer"), ("x^(1/2)", "not a non-negative integer"),
    ("x^x", "depends on x"), ("1/x", "division by a non-constant"), ("1/0", "division by zero"),
    ("x/(x-x)", "division by zero"), ("nan", "unknown name"), ("inf", "unknown name"),
    ("1.5*x", "decimal points"), ("١*x", "unexpected character"), ("x²", "unexpected character"),
    ("(" * 5000 + "x" + ")" * 5000, "nested too deeply"), ("", "empty expression"),
    ("9" * 1_300_000, "too long"),
])
def test_hostile_polynomials_are_named(text: str, fragment: str) -> None:
    with pytest.raises(PolynomialError, match=fragment):
        parse_poly(text)


# ------------------------------------------------------------------ activations


def _activation_texts() -> st.SearchStrategy[str]:
    leaf = st.one_of(poly_texts(), st.sampled_from(["relu", "id", "identity", "x", "x^2"]),
                     numbers().map(lambda q: f"leaky_relu({q})"))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        ks = st.one_of(st.integers(0, 40).map(str),
                       st.sampled_from(["", "-1", "١", "1048577", "9" * 30, "9" * 5000]))
        pieces = st.lists(st.one_of(st.sampled_from(["x", "0", "2*x - 1", "1/2*x", "x^2"]),
                                    numbers()), min_size=1, max_size=5)
        return st.one_of(
            st.tuples(ks, inner).map(lambda t: f"phi_{t[0]}({t[1]})"),
            st.tuples(ks, inner, numbers()).map(lambda t: f"phi_{t[0]}({t[1]}, {t[2]})"),
            pieces.map(lambda ps: "pwl(" + " | ".join(ps) + ")"),
            inner.map(lambda s: f"leaky_relu({s})"),
        )

    return st.recursive(leaf, extend, max_leaves=4)


PROBES = [fmpq(0), fmpq(1), fmpq(-3, 2), fmpq(7, 3), fmpq(-(10**6), 7)]


@FUZZ
@given(_activation_texts())
def test_activation_parser_returns_an_activation_or_an_activation_error(text: str) -> None:
    res = _ok_or_typed(lambda: parse_activation(text))
    if isinstance(res, WhyReluError):
        assert isinstance(res, ActivationError)
        return
    assert isinstance(res, Activation)
    assert parse_activation(res.name) == res  # the canonical name reads back
    for z in PROBES:
        v, d = res(z), res.derivative(z)
        assert isinstance(v, fmpq) and isinstance(d, fmpq)


@pytest.mark.parametrize(("text", "fragment"), [
    ("phi_" + "9" * 5000 + "(x)", "exceeds the limit"), ("phi_1048577(x)", "exceeds the limit"),
    ("phi_١(x)", "unknown name"), ("phi_2(relu, 0)", "positive clip"),
    ("phi_2(relu, nan)", "not a rational"), ("phi_2(phi_3(relu))", "phi_K of phi_K"),
    ("leaky_relu(inf)", "not a rational"), ("leaky_relu(1/0)", "zero denominator"),
    ("pwl(x | 0)", "alternating"), ("pwl(x | 1/0 | 2x)", "zero denominator"),
    ("pwl(x | 0 | x^2)", "not affine"), ("pwl(x | 1 | 2*x)", "discontinuous"),
    ("pwl(x | 1 | x | 0 | x)", "increase strictly"), ("0", "zero polynomial"),
    ("x" * 100_001, "too long"), ("(x+1)^4096", "too large: its canonical form"),
])
def test_hostile_activations_are_named(text: str, fragment: str) -> None:
    with pytest.raises(ActivationError, match=fragment):
        parse_activation(text)


# ------------------------------------------------------------------ network and dataset JSON

NAMES = ["x", "y", "h", "o", "", "x ", "é", "0"]


def _values() -> st.SearchStrategy[Any]:
    return st.one_of(numbers(), st.integers(-(10**40), 10**40), st.floats(), st.booleans(),
                     st.none(), st.lists(st.integers(), max_size=2))


@st.composite
def network_docs(draw: st.DrawFn) -> Any:
    """A network document with hostile parts: unknown, duplicate and empty names, self-loops,
    cycles, edges into inputs, float and non-rational weights, bad activations."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5))
    inputs = draw(st.lists(st.sampled_from(NAMES), max_size=2))
    acts = st.one_of(st.none(), st.sampled_from(["relu", "x^2", "x^3 - x", "phi_2(x^2)",
                                                 "pwl(0 | 0 | x)", "id"]),
                     _activation_texts(), st.integers())
    nodes = []
    for n in names:
        node: dict[str, Any] = {"name": n}
        act = None if n in inputs else draw(acts)
        if act is not None:
            node["activation"] = act
        if draw(st.integers(0, 9)) == 0:
            node = draw(st.sampled_from([{}, {"name": None}, {"name": 3}, []]))
        nodes.append(node)
    edge = st.fixed_dictionaries(
        {"from": st.sampled_from(NAMES), "to": st.sampled_from(NAMES)},
        optional={"weight": _values(), "bias": _values()})
    doc: dict[str, Any] = {"nodes": nodes, "inputs": inputs,
                           "outputs": draw(st.lists(st.sampled_from(NAMES), max_size=2)),
                           "edges": draw(st.lists(edge, max_size=6))}
    for key in draw(st.lists(st.sampled_from(["nodes", "outputs", "edges", "inputs"]),
                             max_size=1)):
        doc[key] = draw(st.one_of(st.none(), st.integers(), st.text(max_size=3)))
    return doc


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                        st.text(max_size=6))
    return st.recursive(scalars, lambda c: st.lists(c, max_size=3)
                        | st.dictionaries(st.sampled_from([*NAMES, "nodes", "edges"]), c,
                                          max_size=3), max_leaves=12)


@st.composite
def json_texts(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.text(max_size=80))
    if kind == 1:
        return json.dumps(draw(_json_values()))
    text = json.dumps(draw(network_docs()))
    if kind == 3 and text:  # spoil one character
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + draw(st.sampled_from(["", "NaN", "1e400", "[", "}", "\\"])) + text[
            at + 1:]
    return text


def _check_network(net: Network, data_doc: Any) -> None:
    from checkers.formats import network_to_json

    assert network_from_json(network_to_json(net)).nodes == net.nodes
    data = _ok_or_typed(lambda: dataset_from_json(data_doc, net))
    if isinstance(data, WhyReluError):
        assert isinstance(data, DataError)
        return
    try:
        g = net.gradient(data, SQUARE, budget_bits=BUDGET)
    except BitBudgetExceeded as e:
        assert e.size_bits > BUDGET and e.where
        return
    total, _, _ = RefNetwork(net).gradient(ref_samples(data), "square")
    assert Fraction(int(g.loss.p), int(g.loss.q)) == total


@FUZZ
@given(json_texts(), st.one_of(_json_values(), st.lists(st.fixed_dictionaries(
    {"x": st.dictionaries(st.sampled_from(NAMES), _values(), max_size=2),
     "y": st.dictionaries(st.sampled_from(NAMES), _values(), max_size=2)}), max_size=2)))
def test_network_json_gives_a_network_or_a_typed_error(text: str, data_doc: Any) -> None:
    doc = _ok_or_typed(lambda: loads_json(text, source="fuzz.json"))
    if isinstance(doc, WhyReluError):
        assert isinstance(doc, DataError) and str(doc).startswith("fuzz.json")
        return
    net = _ok_or_typed(lambda: network_from_json(doc, source="fuzz.json"))
    if isinstance(net, WhyReluError):
        assert str(net).startswith("fuzz.json"), "a network error names the source"
        return
    _check_network(net, data_doc)


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 100_000 + "1" + "}" * 100_000,
    '{"nodes": [{"name": "x"}], "outputs": [], "edges": [{"from": "x", "to": "x", "weight": '
    + "[" * 50_000 + "]" * 50_000 + "}]}",
])
def test_deeply_nested_json_is_a_typed_error(text: str) -> None:
    with pytest.raises(WhyReluError):
        network_from_json(loads_json(text))


@pytest.mark.parametrize(("text", "fragment"), [
    ("NaN", "not a rational"), ("-Infinity", "not a rational"), ("1.0", "is a float"),
    ("1e400", "is a float"), ("1" * 1_000_001, "too long"),
])
def test_json_numbers_that_are_not_rationals(text: str, fragment: str) -> None:
    with pytest.raises(DataError, match=fragment):
        loads_json(text)


def test_json_integers_beyond_the_int_digit_limit_are_exact() -> None:
    doc = {"nodes": [{"name": "x"}, {"name": "o", "activation": "id"}], "inputs": ["x"],
           "outputs": ["o"], "edges": [{"from": "x", "to": "o", "weight": 0, "bias": 0}]}
    text = json.dumps(doc).replace('"weight": 0', '"weight": ' + "7" * 5000)
    net = network_from_json(loads_json(text))
    assert net.weights[0] == fmpq(fmpz("7" * 5000))


@pytest.mark.parametrize(("edges", "fragment"), [
    ([("x", "h"), ("h", "h")], "cycle: h -> h"),
    ([("x", "h"), ("h", "o"), ("o", "h")], "directed cycle"),
    ([("h", "x")], "enters the input node"),
    ([("x", "h"), ("x", "h")], "duplicate edge"),
    ([("x", "q")], "unknown node 'q'"),
])
def test_cycles_self_loops_and_bad_edges_are_named(edges: list[tuple[str, str]],
                                                   fragment: str) -> None:
    doc = {"nodes": [{"name": "x"}, {"name": "h", "activation": "relu"},
                     {"name": "o", "activation": "x^2"}], "inputs": ["x"], "outputs": ["o"],
           "edges": [{"from": u, "to": v} for u, v in edges]}
    with pytest.raises(WhyReluError, match=fragment):
        network_from_json(loads_json(json.dumps(doc)))


# ------------------------------------------------------------------ the command line on bytes

VALID_NET = json.dumps({
    "nodes": [{"name": "x"}, {"name": "h", "activation": "relu"},
              {"name": "o", "activation": "x^2 + 1/2*x"}],
    "inputs": ["x"], "outputs": ["o"],
    "edges": [{"from": "x", "to": "h", "weight": "2", "bias": "-1"},
              {"from": "h", "to": "o", "weight": "1/2", "bias": "1/3"}]}).encode()
VALID_DATA = b'[{"x": {"x": "3/2"}, "y": {"o": "1"}}]'
VALID_SLP = b"a0 = 3/2\na1 = a0 * a0\na2 = a1 - a0\n"


@st.composite
def file_bytes(draw: st.DrawFn, valid: bytes) -> bytes:
    """Arbitrary bytes, or a valid file with a few bytes replaced (invalid UTF-8 included)."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=120))
    out = bytearray(valid)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(out) - 1))
        out[at:at + 1] = draw(st.sampled_from([b"", b"\xff", b"\xc3", b"\x00", b".5", b"[",
                                               b"\xd9\xa1", b"9" * 50, b"/0", b"a9"]))
    return bytes(out)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _assert_clean_exit(code: int, out: str, err: str) -> None:
    if code == 0:
        json.loads(out)
        assert err == ""
    else:
        assert code == 2, (code, err)
        assert out == ""
        assert err.startswith("whyrelu: error: ") and err.count("\n") == 1, err
        assert "Traceback" not in err


@FUZZ
@given(data=st.data())
def test_cli_on_hostile_files_exits_0_or_2_with_one_line(scratch: Path, data: Any) -> None:
    slp = scratch / "p.slp"
    net = scratch / "n.json"
    samples = scratch / "d.json"
    slp.write_bytes(data.draw(file_bytes(VALID_SLP), label="slp"))
    net.write_bytes(data.draw(file_bytes(VALID_NET), label="net"))
    samples.write_bytes(data.draw(file_bytes(VALID_DATA), label="data"))
    j = data.draw(st.integers(-(10**6), 10**30), label="bit")
    x = data.draw(numbers(), label="x")
    for argv in (["slp", "eval", str(slp), "--bit", str(j), "--budget-bits", str(BUDGET)],
                 ["net", "eval", str(net), "--input", f"x={x}", "--budget-bits", str(BUDGET)],
                 ["net", "grad", str(net), "--data", str(samples), "--budget-bits",
                  str(BUDGET)]):
        _assert_clean_exit(*_cli(*argv, "--json"))


def test_cli_on_a_deeply_nested_network_file(scratch: Path) -> None:
    path = scratch / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    code, out, err = _cli("net", "eval", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1 and "nested too deeply" in err

