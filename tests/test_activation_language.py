"""The activation language (issue 15): names, aliases, decimals, canonical forms, the new
kinds (piecewise polynomial, rational, fractional power, transcendental) and ``phi_K`` of any
of them with ball arithmetic, cross-checked against hand computations and mpmath."""

from __future__ import annotations

from fractions import Fraction

import mpmath  # type: ignore[import-untyped]
import pytest
from flint import fmpq, fmpq_poly, fmpz
from hypothesis import given, settings
from hypothesis import strategies as st

import checkers.activation_base as acts
from checkers.activations import (
    RELU,
    Activation,
    BitBounded,
    LeakyReLU,
    PiecewiseLinear,
    PiecewisePolynomial,
    Polynomial,
    Rational,
    ReLUPower,
    Traits,
    parse_activation,
    piecewise,
    rational_function,
)
from checkers.errors import (
    ActivationError,
    InexactActivationError,
    PoleError,
    RoundingPrecisionError,
    WhyReluError,
)
from checkers.reference import activation_functions, inexact_floor
from checkers.transcendental import TRANSCENDENTAL_NAMES, FractionalPower, Transcendental
from strategies.activations import (
    any_activation,
    inputs_at_breakpoints,
    inputs_near_poles,
    piecewise_polynomials,
    rational_functions,
    relu_powers,
    rounded_inexact,
)
from strategies.rationals import rationals, wide_rationals

q = fmpq


def _fr(v: fmpq) -> Fraction:
    return Fraction(int(v.p), int(v.q))


# ------------------------------------------------------------------ hand-computed values


def test_relu_squared_by_hand() -> None:
    a = parse_activation("relu^2")
    assert [a(z) for z in (q(-1, 2), q(0), q(3, 2))] == [0, 0, q(9, 4)]
    assert [a.derivative(z) for z in (q(-1, 2), q(0), q(3, 2))] == [0, 0, 3]
    assert parse_activation("relu(x)^2") == a == ReLUPower(2) and a.name == "relu^2"
    assert parse_activation("ReLU ** 3")(q(-2)) == 0 and parse_activation("relu^3")(q(2)) == 8


def test_hardswish_by_hand() -> None:
    h = parse_activation("hardswish")
    # x·relu6(x + 3)/6: 0 at -3, 0 at 0, 1·4/6 at 1, 3·6/6 at 3
    assert [h(q(z)) for z in (-3, 0, 1, 3)] == [0, 0, q(2, 3), 3]
    # derivative (2x + 3)/6 inside, left piece at the breakpoints
    assert [h.derivative(q(z)) for z in (-3, 0, 1, 3, 4)] == [0, q(1, 2), q(5, 6), q(3, 2), 1]
    assert parse_activation("hard_swish") == h
    assert parse_activation("ppoly(0 | -3 | 1/6*x^2 + 1/2*x | 3 | x)") == h


def test_named_piecewise_linear_by_hand() -> None:
    r6, ht, ab, hs = (parse_activation(t) for t in ("relu6", "hardtanh", "abs", "hard_sigmoid"))
    assert [r6(q(z)) for z in (-1, 0, 3, 6, 7)] == [0, 0, 3, 6, 6]
    assert [ht(q(z)) for z in (-2, -1, q(1, 2), 1, 2)] == [-1, -1, q(1, 2), 1, 1]
    assert [ab(q(z)) for z in (-3, 0, 2)] == [3, 0, 2] and ab.derivative(q(0)) == -1
    # PyTorch Hardsigmoid: 0 for x <= -3, 1 for x >= 3, x/6 + 1/2 between
    assert [hs(q(z)) for z in (-4, -3, 0, 1, 3, 4)] == [0, 0, q(1, 2), q(2, 3), 1, 1]
    for a in (r6, ht, ab, hs):
        assert a.traits.kind == "piecewise_linear" and isinstance(a, PiecewiseLinear)


def test_reciprocal_and_mobius_by_hand() -> None:
    r = parse_activation("1/x")
    assert isinstance(r, Rational) and r(q(1, 3)) == 3 and r.derivative(q(1, 3)) == -9
    m = parse_activation("(2*x + 1)/(x - 1)")
    assert isinstance(m, Rational)
    assert m(q(3)) == q(7, 2) and m.derivative(q(3)) == q(-3, 4)  # -3/(x-1)^2
    assert m.poles() == [1] and r.poles() == [0]
    with pytest.raises(PoleError, match="pole at x = 1") as info:
        m(q(1))
    assert info.value.point == "1" and isinstance(info.value, WhyReluError)
    with pytest.raises(PoleError, match="derivative of 1/x has a pole at x = 0"):
        r.derivative(q(0))


def test_phi4_tanh_at_1_against_mpmath_100_digits() -> None:
    mpmath.mp.dps = 100
    try:
        t1 = mpmath.tanh(1)
        assert mpmath.floor(16 * t1) == 12  # tanh(1) = 0.7615...
        assert parse_activation("phi_4(tanh)")(q(1)) == q(12, 16)
        d1 = 1 - t1**2  # 0.41997...: 16 * d1 = 6.71...
        assert parse_activation("phi_4(tanh)").derivative(q(1)) == q(int(mpmath.floor(16 * d1)), 16)
    finally:
        mpmath.mp.dps = 15


def _mp_reference(name: str, x: mpmath.mpf, derivative: bool) -> mpmath.mpf:
    f = {"tanh": mpmath.tanh, "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
         "softplus": lambda t: mpmath.log(1 + mpmath.exp(t)),
         "silu": lambda t: t / (1 + mpmath.exp(-t)),
         "gelu": lambda t: t * (1 + mpmath.erf(t / mpmath.sqrt(2))) / 2, "exp": mpmath.exp}[name]
    return mpmath.diff(f, x) if derivative else f(x)


@pytest.mark.parametrize("name", TRANSCENDENTAL_NAMES)
@pytest.mark.parametrize("k", [0, 3, 8, 20])
def test_rounded_transcendentals_against_mpmath_100_digits(name: str, k: int) -> None:
    act = BitBounded(Transcendental(name), k, 4)
    mpmath.mp.dps = 100
    try:
        for z in (q(1), q(-1), q(1, 3), q(-5, 2), q(7, 4), q(3), q(1, 1000)):
            x = mpmath.mpf(int(z.p)) / int(z.q)
            want = mpmath.floor(2**k * _mp_reference(name, x, False))
            cap = 4 * 2**k
            want = min(max(want, -cap), cap)
            assert act(z) == q(int(want), 2**k), (name, k, z)
            if abs(want) < cap:
                dwant = mpmath.floor(2**k * _mp_reference(name, x, True))
                assert act.derivative(z) == q(int(dwant), 2**k), (name, k, z)
    finally:
        mpmath.mp.dps = 15


def test_transcendentals_are_exact_where_rational() -> None:
    zero = q(0)
    assert [Transcendental(n)(zero) for n in ("tanh", "sigmoid", "silu", "gelu", "exp")] == \
        [0, q(1, 2), 0, 0, 1]
    assert [Transcendental(n).derivative(zero) for n in TRANSCENDENTAL_NAMES] == \
        [1, q(1, 4), q(1, 2), q(1, 2), q(1, 2), 1]
    with pytest.raises(InexactActivationError, match=r"round it with phi_K, e.g. phi_8\(tanh\)"):
        Transcendental("tanh")(q(1, 3))
    with pytest.raises(InexactActivationError, match="softplus at x = 0 is not rational"):
        Transcendental("softplus")(zero)
    with pytest.raises(InexactActivationError, match="the derivative of gelu"):
        Transcendental("gelu").derivative(q(1))
    # phi_K is exact at the rational points: no ball arithmetic needed
    assert parse_activation("phi_3(sigmoid)")(zero) == q(1, 2)
    assert parse_activation("phi_3(sigmoid)").derivative(zero) == q(1, 4)


def test_rounding_far_out_keeps_relative_precision() -> None:
    big = q(10**30, 7)
    assert parse_activation("phi_8(tanh)")(big) == q(255, 256)  # tanh < 1 strictly
    assert parse_activation("phi_8(tanh)")(-big) == -1
    assert parse_activation("phi_8(sigmoid)")(-big) == 0
    assert parse_activation("phi_8(silu, 100)")(-big) == q(-1, 256)  # tiny negative
    assert parse_activation("phi_8(gelu, 100)")(-big) == q(-1, 256)
    wide = parse_activation(f"phi_8(gelu, {10**40})")
    assert wide(q(10**30)) == 10**30 - q(1, 256)  # gelu(x) < x
    assert wide.derivative(q(10**30)) == 1 and wide.derivative(q(-(10**30))) == q(-1, 256)
    assert parse_activation("phi_8(exp, 7)")(big) == 7  # clipped without computing e^big
    assert parse_activation("phi_8(tanh)").derivative(q(1, 10**40)) == q(255, 256)


def test_precision_cap_is_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(acts, "MAX_ROUNDING_PREC", 32)
    with pytest.raises(RoundingPrecisionError, match="within 32 bits"):
        parse_activation("phi_4(tanh)")(q(1))
    assert issubclass(RoundingPrecisionError, InexactActivationError)


# ------------------------------------------------------------------ fractional powers


def test_fractional_power() -> None:
    s = parse_activation("x^(1/2)")
    assert isinstance(s, FractionalPower) and s.traits == Traits("fractional_power", exact=False)
    assert s(q(9, 4)) == q(3, 2) and s.derivative(q(9, 4)) == q(1, 3)
    with pytest.raises(InexactActivationError, match="x\\^\\(1/2\\) at x = 2 is not rational"):
        s(q(2))
    with pytest.raises(ActivationError, match="undefined at x = -1"):
        s(q(-1))
    with pytest.raises(PoleError, match="derivative of x\\^\\(1/2\\) has a pole at x = 0"):
        s.derivative(q(0))
    c = parse_activation("x^(1/3)")
    assert c(q(-8, 27)) == q(-2, 3) and c(q(0)) == 0
    assert parse_activation("x^(-1/2)")(q(4)) == q(1, 2)
    # phi_K of a power: ⌊2^8·√2⌋ = 362 (√2 = 1.41421...), derivative ⌊256/(2√2)⌋ = 90
    assert parse_activation("phi_8(x^(1/2), 4)")(q(2)) == q(362, 256)
    assert parse_activation("phi_8(x^(1/2), 4)").derivative(q(2)) == q(90, 256)
    assert parse_activation("x^0.5") == s and parse_activation("x**(2/4)") == s
    assert parse_activation("x^(4/2)") == parse_activation("x^2")
    assert parse_activation("x^(-1)") == parse_activation("1/x")


# ------------------------------------------------------------------ traits follow the function


@pytest.mark.parametrize("texts", [
    ("2*x", "pwl(2*x)", "ppoly(2*x)", "2x", "4*x/2", "(2*x^2 + 2*x)/(x + 1)", "2.0*x"),
    ("x", "leaky_relu(1)", "pwl(x | 0 | x)", "x^(2/2)"),
    ("relu", "pwl(0 | 0 | x)", "leaky_relu(0)", "ppoly(0 | 0 | x)", "relu^1", "ReLU(x)"),
    ("abs", "leaky_relu(-1)", "pwl(-x | 0 | x)"),
    ("leaky_relu(1/100)", "leaky_relu(0.01)", "leaky_relu(1e-2)", "pwl(0.01*x | 0 | x)"),
    ("relu^2", "relu(x)^2", "ppoly(0 | 0 | x^2)", "ppoly(0 | -1 | 0 | 0 | x^2)"),
    ("silu", "swish", "SiLU(x)"),
    ("hard_sigmoid", "hardsigmoid", "pwl(0 | -3 | x/6 + 1/2 | 3 | 1)"),
    ("phi_2(x^2, 0.5)", "phi_2(x^2, 1/2)"),
])
def test_one_function_one_canonical_form(texts: tuple[str, ...]) -> None:
    parsed = [parse_activation(t) for t in texts]
    for a in parsed:
        assert a == parsed[0] and a.name == parsed[0].name, (a, parsed[0])
        assert a.traits == parsed[0].traits and a.describe() == parsed[0].describe()


def test_affine_traits_however_spelled() -> None:
    affine = Traits("affine", degree=1, piecewise_linear=True)
    for a in (parse_activation("2*x"), parse_activation("pwl(2*x)"), LeakyReLU(1),
              PiecewiseLinear([0], [(2, 0), (2, 0)])):
        assert a.traits == affine
        assert a.traits.is_polynomial and not a.traits.is_nonlinear_polynomial
    assert LeakyReLU(1) == Polynomial("x") and LeakyReLU(0) == RELU


def test_kinds_and_exactness() -> None:
    expect = {
        "id": "identity", "2*x + 1": "affine", "x^3": "polynomial", "relu6": "piecewise_linear",
        "relu^2": "piecewise_polynomial", "hardswish": "piecewise_polynomial",
        "ppoly(0 | 0 | x + 1, continuous=false)": "piecewise_polynomial",
        "1/x": "rational", "x^(1/2)": "fractional_power", "gelu": "transcendental",
        "phi_3(gelu)": "bit_bounded", "phi_3(1/x)": "bit_bounded",
    }
    for text, kind in expect.items():
        t = parse_activation(text).traits
        assert t.kind == kind, text
        assert t.exact == (kind not in ("fractional_power", "transcendental")), text
    t = parse_activation("ppoly(0 | 0 | x + 1, continuous=false)").traits
    assert not t.continuous and t.piece_degree == 1 and not t.piecewise_linear
    assert parse_activation("hardswish").traits.piece_degree == 2
    assert parse_activation("phi_3(gelu)").traits.bit_bounded_k == 3


def test_constructors_refuse_non_canonical_forms() -> None:
    with pytest.raises(ActivationError, match="use piecewise"):
        PiecewisePolynomial([0], [[0], [0, 1]])
    with pytest.raises(ActivationError, match="single piece"):
        PiecewisePolynomial([0], [[0, 0, 1], [0, 0, 1]])
    with pytest.raises(ActivationError, match="constant denominator"):
        Rational(fmpq_poly([0, 1]), fmpq_poly([2]))
    assert isinstance(piecewise([0], [[0], [0, 1]]), PiecewiseLinear)
    assert isinstance(piecewise([0], [[0], [0, 0, 1]]), ReLUPower)
    assert rational_function(fmpq_poly([-1, 0, 1]), fmpq_poly([-1, 1])) == Polynomial("x + 1")
    assert Rational(fmpq_poly([2]), fmpq_poly([0, 4])).name == "1/(2*x)"


# ------------------------------------------------------------------ piecewise pieces


def test_intervals_and_piece_on() -> None:
    h = parse_activation("hardswish")
    assert isinstance(h, PiecewisePolynomial)
    x = fmpq_poly([0, 1])
    assert h.intervals() == [(None, q(-3), fmpq_poly([])),
                             (q(-3), q(3), fmpq_poly([0, q(1, 2), q(1, 6)])), (q(3), None, x)]
    assert h.piece_on(-1, 1) == fmpq_poly([0, q(1, 2), q(1, 6)])
    assert h.piece_on(-3, 3) == fmpq_poly([0, q(1, 2), q(1, 6)])  # open interval
    assert h.piece_on(None, -3) == fmpq_poly([]) and h.piece_on(3, None) == x
    assert h.piece_on(2, 4) is None and h.piece_on(None, None) is None
    r = parse_activation("relu")
    assert isinstance(r, PiecewiseLinear)
    assert r.intervals() == [(None, q(0), fmpq_poly([])), (q(0), None, x)]
    assert r.piece_on(0, 5) == x and r.piece_on(-1, 1) is None
    with pytest.raises(ActivationError, match="empty interval"):
        r.piece_on(1, 1)
    p = parse_activation("x^2")
    assert isinstance(p, Polynomial) and p.piece_on(None, None) == p.poly


@settings(max_examples=40)
@given(piecewise_polynomials(), st.data())
def test_piece_on_agrees_with_the_activation(act: PiecewisePolynomial, data: st.DataObject
                                             ) -> None:
    for lo, hi, poly in act.intervals():
        assert act.piece_on(lo, hi) == poly
        a = lo if lo is not None else (hi - 10 if hi is not None else q(-10))
        b = hi if hi is not None else a + 10
        k = data.draw(st.integers(1, 99))
        z = a + (b - a) * q(k, 100)
        assert act(z) == poly(z)


# ------------------------------------------------------------------ against the reference


def _same_as_reference(act: Activation, z: fmpq) -> None:
    f, df = activation_functions(act.describe())
    assert _fr(act(z)) == f(_fr(z)), (act, z)
    assert _fr(act.derivative(z)) == df(_fr(z)), (act, z)


@settings(max_examples=60)
@given(st.one_of(piecewise_polynomials(), relu_powers()).flatmap(
    lambda a: st.tuples(st.just(a), inputs_at_breakpoints(a))))
def test_piecewise_polynomials_match_the_reference(inst: tuple[Activation, fmpq]) -> None:
    _same_as_reference(*inst)


@settings(max_examples=60)
@given(rational_functions().flatmap(lambda a: st.tuples(st.just(a), inputs_near_poles(a))))
def test_rational_functions_match_the_reference(inst: tuple[Rational, fmpq]) -> None:
    _same_as_reference(*inst)


@settings(max_examples=30)
@given(rational_functions())
def test_rational_functions_raise_at_every_rational_pole(act: Rational) -> None:
    for p in act.poles():
        with pytest.raises(PoleError) as info:
            act(p)
        assert info.value.point == str(p).replace(" ", "")


@settings(max_examples=40, deadline=None)
@given(rounded_inexact(), st.one_of(wide_rationals(), rationals(6, den_bits=3)))
def test_rounded_inexact_matches_the_mpmath_reference(act: BitBounded, z: fmpq) -> None:
    _same_as_reference(act, z)


@settings(max_examples=40)
@given(st.sampled_from(["x^(1/2)", "x^(1/3)", "x^(2/3)", "x^(3/2)", "x^(-1/3)", "x^(5/3)"]),
       st.integers(0, 10), rationals(8, den_bits=6))
def test_rounded_powers_match_integer_roots(text: str, k: int, z: fmpq) -> None:
    act = BitBounded(parse_activation(text), k, 16)
    if z < 0 and text in ("x^(1/2)", "x^(3/2)"):
        z = -z
    if z == 0 and text in ("x^(1/2)", "x^(1/3)", "x^(2/3)", "x^(-1/3)"):
        z = q(1, 7)
    _same_as_reference(act, z)


def test_reference_refuses_unrounded_inexact() -> None:
    with pytest.raises(ValueError, match="round them with phi_K"):
        activation_functions(Transcendental("tanh").describe())
    assert inexact_floor({"kind": "transcendental", "function": "tanh"},
                         Fraction(10**30, 7), 256, False) == 255


# ------------------------------------------------------------------ syntax


@settings(max_examples=80)
@given(any_activation() | rational_functions() | st.sampled_from(
    [Transcendental(n) for n in TRANSCENDENTAL_NAMES]))
def test_canonical_names_read_back(act: Activation) -> None:
    again = parse_activation(act.name)
    assert again == act and again.traits == act.traits and again.describe() == act.describe()


@pytest.mark.parametrize("text", [
    "relu^2", "relu(x)^3", "hardswish", "hard_swish", "relu6", "hardtanh", "abs", "hard_sigmoid",
    "hardsigmoid", "tanh", "sigmoid", "softplus", "silu", "swish", "gelu", "exp", "GELU(x)",
    "x^(1/2)", "1/x", "(x + 1)/(x^2 + 1)", "ppoly(0 | 0 | x^2 | 1 | 2*x - 1)",
    "ppoly(0 | 0 | x + 1, continuous = false)", "phi_4(tanh)", "phi_8(gelu, 2)",
    "phi_6(x^(1/3), 3/2)", "phi_2(relu^2)", "phi_2(1/x, 4)", "leaky_relu(0.01)", "0.25*x^2 - 1.5",
])
def test_every_documented_form_parses_and_reads_back(text: str) -> None:
    act = parse_activation(text)
    assert parse_activation(act.name) == act


@pytest.mark.parametrize(("text", "fragment"), [
    ("tahn", "unknown name 'tahn'; nearest known names: tanh"),
    ("sigmod", "nearest known names: sigmoid"),
    ("foo(x)", "unknown name 'foo'; known names: id, identity, relu"),
    ("hardswish(2*x)", "'hardswish' can only be used on its own"),
    ("x*relu6(x + 3)/6", "compositions are not part of the activation language"),
    ("relu^0", "relu^k needs a positive integer k, got 0"),
    ("relu^(1/2)", "relu^k needs a positive integer k, got 1/2"),
    ("relu^600", "exceeds the limit 512"),
    ("ppoly(0 | 0 | x + 1)", "discontinuous at breakpoint 0: left piece gives 0, right piece "
                             "gives 1 (write continuous=false"),
    ("ppoly(0 | 0 | x^2, continuous=maybe)", "unexpected argument"),
    ("pwl(0 | 0 | x, continuous=false)", "only ppoly takes"),
    ("ppoly(0 | 0 | 1/x)", "is not a polynomial"),
    ("ppoly(x^600 | 0 | 0)", "exceeds the limit 512"),
    ("1/(x - x)", "division by zero"),
    ("(x+1)^(1/2)", "a fractional power is written x^(p/q), on its own"),
    ("x^(1/1000)", "limited to 512"),
    ("1e99999", "exceeds 10000"),
    ("1/x^600", "exceeds the limit 512"),
])
def test_errors_are_one_line_and_name_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(ActivationError) as info:
        parse_activation(text)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_decimals_are_exact() -> None:
    assert parse_activation("leaky_relu(0.01)").name == "leaky_relu(1/100)"
    assert parse_activation("0.1*x^2").name == "1/10*x^2"
    assert parse_activation("phi_3(tanh, 2.5)").name == "phi_3(tanh, 5/2)"
    assert parse_activation("pwl(0 | 0.5 | x - 0.5)").name == "pwl(0 | 1/2 | x - 1/2)"
    assert parse_activation("1.5e3*x^2").name == "1500*x^2"


def test_relu_power_fast_paths() -> None:
    a = ReLUPower(3)
    nums = [fmpz(-2), fmpz(0), fmpz(1), fmpz(5)]
    vals, d = a.apply_shared(nums, fmpz(3))
    dvals, dd = a.derivative_shared(nums, fmpz(3))
    for n, v, dv in zip(nums, vals, dvals, strict=True):
        assert fmpq(v, d) == a(fmpq(n, 3)) and fmpq(dv, dd) == a.derivative(fmpq(n, 3))


def test_inexact_activations_are_refused_where_exact_values_are_needed() -> None:
    from checkers.errors import DataError
    from checkers.formats import network_from_json
    from spec.activations import activations

    with pytest.raises(ActivationError, match=r"round it with phi_K, e.g. phi_8\(gelu\)"):
        activations(["GELU"])
    assert [a.name for a in activations(["phi_8(gelu)"])][-1] == "phi_8(gelu)"
    def doc(act: str) -> dict[str, object]:
        return {"nodes": [{"name": "x"}, {"name": "h", "activation": act}], "inputs": ["x"],
                "outputs": ["h"], "edges": [{"from": "x", "to": "h"}]}

    with pytest.raises(DataError, match=r"node 'h': bad activation 'x\^\(1/2\)'.*phi_K"):
        network_from_json(doc("x^(1/2)"))
    net = network_from_json(doc("phi_4(x^(1/2), 2)"))
    assert net.forward({"x": q(2)}).outputs == (q(22, 16),)  # ⌊16·√2⌋ = 22


_ALPHABET = "x0123456789.e+-*/^()| ,=relutanhsigmodpwlyphi_k"


_TOKENS = ["x", "1", "2", "0.5", "1/2", "+", "-", "*", "/", "^", "(", ")", "|", ",", "relu",
           "tanh", "ppoly(", "pwl(", "phi_3(", "leaky_relu(", "continuous=false", "1e-2",
           "x^(1/3)", "hardswish", "abs", "relu^2", " "]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(_ALPHABET, max_size=30),
                 st.lists(st.sampled_from(_TOKENS), max_size=12).map("".join)))
def test_any_text_parses_or_is_a_typed_one_line_error(text: str) -> None:
    try:
        act = parse_activation(text)
    except ActivationError as e:
        assert "\n" not in str(e)
        return
    again = parse_activation(act.name)
    assert again == act and again.traits == act.traits
    try:
        act(q(1, 3))
        act.derivative(q(1, 3))
    except ActivationError:
        pass  # a pole, an irrational value, an even root of a negative number
