"""checkers.activations: exact values and derivatives, traits, syntax (§2, Remark 1.5, App. E)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from flint import fmpq, fmpz
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.activations import (
    IDENTITY,
    RELU,
    Activation,
    BitBounded,
    LeakyReLU,
    PiecewiseLinear,
    Polynomial,
    Traits,
    parse_activation,
)
from checkers.errors import ActivationError, DegreeError, PolynomialError, WhyReluError
from checkers.rationals import size
from checkers.reference import activation_functions
from spec.activations import REGISTERED
from strategies import any_activation, bit_bounded, piecewise_linear, polynomials, relu_family
from strategies.rationals import rationals, wide_rationals


def _fr(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


# ------------------------------------------------------------------ values vs the reference


@settings(max_examples=60)
@given(any_activation(), st.lists(wide_rationals(), min_size=1, max_size=4))
def test_value_and_derivative_match_the_reference(act: Activation, zs: list[fmpq]) -> None:
    f, df = activation_functions(act.describe())
    for z in zs:
        assert _fr(act(z)) == f(_fr(z)), (act, z)
        assert _fr(act.derivative(z)) == df(_fr(z)), (act, z)


@pytest.mark.parametrize("text", REGISTERED)
def test_registered_activations_match_the_reference_at_and_near_breakpoints(text: str) -> None:
    act = parse_activation(text)
    f, df = activation_functions(act.describe())
    points = [fmpq(n, 4) for n in range(-20, 21)] + [fmpq(10**30, 7), fmpq(-(10**30), 3)]
    for z in points:
        assert _fr(act(z)) == f(_fr(z))
        assert _fr(act.derivative(z)) == df(_fr(z))


@settings(max_examples=30)
@given(polynomials(0, 6, 8), wide_rationals())
def test_polynomial_value_and_derivative_by_horner(act: Polynomial, z: fmpq) -> None:
    cs = act.coeffs
    value = fmpq(0)
    for c in reversed(cs):
        value = value * z + c
    slope = fmpq(0)
    for k in range(len(cs) - 1, 0, -1):
        slope = slope * z + k * cs[k]
    assert act(z) == value
    assert act.derivative(z) == slope


@settings(max_examples=40)
@given(any_activation(), st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=5),
       st.integers(1, 2**20))
def test_shared_denominator_fast_paths(act: Activation, nums: list[int], den: int) -> None:
    ns = [fmpz(n) for n in nums]
    vals, d = act.apply_shared(ns, fmpz(den))
    dvals, dd = act.derivative_shared(ns, fmpz(den))
    assert d > 0 and dd > 0
    for n, v, dv in zip(ns, vals, dvals, strict=True):
        assert fmpq(v, d) == act(fmpq(n, den))
        assert fmpq(dv, dd) == act.derivative(fmpq(n, den))


# ------------------------------------------------------------------ conventions


def test_breakpoint_convention_is_the_left_slope() -> None:
    assert RELU(fmpq(0)) == 0 and RELU.derivative(fmpq(0)) == 0
    assert RELU.derivative(fmpq(1, 10**9)) == 1
    leaky = LeakyReLU("1/8")
    assert leaky(fmpq(-8)) == -1 and leaky(fmpq(3)) == 3
    assert leaky.derivative(fmpq(0)) == fmpq(1, 8)
    pw = parse_activation("pwl(0 | -2 | 1/2*x + 1 | 0 | 2*x + 1 | 3 | -x + 10)")
    assert isinstance(pw, PiecewiseLinear)
    # at each breakpoint: the left piece's slope; just right of it: the right piece's
    for t, left, right in ((-2, 0, fmpq(1, 2)), (0, fmpq(1, 2), 2), (3, 2, -1)):
        assert pw.derivative(fmpq(t)) == left
        assert pw.derivative(fmpq(t) + fmpq(1, 10**6)) == right
    assert [pw(fmpq(t)) for t in (-3, -2, 0, 3, 4)] == [0, 0, 1, 7, 6]


@settings(max_examples=40)
@given(piecewise_linear(), rationals(8, den_bits=4))
def test_piecewise_linear_is_continuous_and_affine_between_breakpoints(
    act: PiecewiseLinear, eps: fmpq
) -> None:
    for i, t in enumerate(act.breakpoints):
        s0, c0 = act.pieces[i]
        s1, c1 = act.pieces[i + 1]
        assert act(t) == s0 * t + c0 == s1 * t + c1
    z = act.breakpoints[0] - abs(eps) - 1
    assert act(z) == act.pieces[0][0] * z + act.pieces[0][1]
    z = act.breakpoints[-1] + abs(eps) + 1
    assert act(z) == act.pieces[-1][0] * z + act.pieces[-1][1]


def test_identity() -> None:
    z = fmpq(-7, 3)
    assert IDENTITY(z) == z and IDENTITY.derivative(z) == 1
    assert parse_activation("id") is IDENTITY and parse_activation("identity") is IDENTITY


# ------------------------------------------------------------------ phi_K (Remark 1.5)


@settings(max_examples=60)
@given(bit_bounded(), wide_rationals())
def test_phi_k_outputs_are_k_bit_dyadics_within_the_bound(act: BitBounded, z: fmpq) -> None:
    v = act(z)
    assert size(v) <= act.output_size_bound()
    assert (v * 2**act.k).q == 1  # a multiple of 2^-K
    assert abs(v) <= act.clip
    d = act.derivative(z)
    assert (d * 2**act.k).q == 1
    # round down, then clip: the reference definition
    scaled = _fr(act.base(z)) * 2**act.k
    unclipped = Fraction(scaled.__floor__(), 2**act.k)
    cap = Fraction((_fr(act.clip) * 2**act.k).__floor__(), 2**act.k)
    assert _fr(v) == min(max(unclipped, -cap), cap)
    if abs(unclipped) > cap:
        assert d == 0


def test_phi_k_examples() -> None:
    phi = parse_activation("phi_2(x^2)")
    assert isinstance(phi, BitBounded)
    assert phi(fmpq(1, 3)) == 0  # 1/9 rounds down to 0
    assert phi(fmpq(3, 5)) == fmpq(1, 4)  # 9/25 = 0.36 -> 0.25
    assert phi(fmpq(2)) == 1  # clipped to C = 1
    assert phi(fmpq(-2)) == 1
    assert phi.derivative(fmpq(3, 5)) == 1  # round_2(6/5) = 1
    assert phi.derivative(fmpq(2)) == 0  # clipped
    # bitlen(floor(1 * 2^2)) + 2 + 1; every output m/4, |m| <= 4, has size <= 6
    assert phi.output_size_bound() == 3 + 2 + 1
    assert max(size(fmpq(m, 4)) for m in range(-4, 5)) <= phi.output_size_bound()
    wide = parse_activation("phi_3(relu, 5/2)")
    assert isinstance(wide, BitBounded)
    assert wide(fmpq(100)) == fmpq(5, 2) and wide(fmpq(-100)) == 0
    assert wide.name == "phi_3(relu, 5/2)"


def test_phi_k_rejects_bad_parameters() -> None:
    with pytest.raises(ActivationError, match="K >= 0"):
        BitBounded(RELU, -1)
    with pytest.raises(ActivationError, match="K >= 0"):
        BitBounded(RELU, True)
    with pytest.raises(ActivationError, match="positive clip"):
        BitBounded(RELU, 2, 0)
    with pytest.raises(ActivationError, match="phi_K of phi_K"):
        parse_activation("phi_2(phi_1(x^2))")
    with pytest.raises(TypeError, match="float"):
        BitBounded(RELU, 2, 0.5)  # type: ignore[arg-type]


# ------------------------------------------------------------------ continuity and syntax


def test_discontinuous_piecewise_linear_is_named() -> None:
    with pytest.raises(ActivationError) as info:
        PiecewiseLinear([0], [(0, 0), (1, 1)])
    assert "discontinuous at breakpoint 0" in str(info.value)
    assert "left piece gives 0, right piece gives 1" in str(info.value)
    with pytest.raises(ActivationError, match="discontinuous at breakpoint 1/2"):
        parse_activation("pwl(x | 1/2 | 2*x)")


def test_piecewise_linear_shape_errors() -> None:
    with pytest.raises(ActivationError, match="2 breakpoints need 3 pieces, got 2"):
        PiecewiseLinear([0, 1], [(0, 0), (1, 0)])
    with pytest.raises(ActivationError, match="increase strictly, got 1 then 0"):
        PiecewiseLinear([1, 0], [(0, 0), (0, 0), (0, 0)])
    with pytest.raises(ActivationError, match="increase strictly"):
        PiecewiseLinear([1, 1], [(0, 0), (0, 0), (0, 0)])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0", "zero polynomial"),
        ("x - x", "zero polynomial"),
        ("leaky_relu(0.5x)", "not a rational"),
        ("leaky_relu()", "not a rational"),
        ("relu(2*x)", "'relu' can only be used on its own"),
        ("tahn", "unknown name 'tahn'; nearest known names: tanh"),
        ("pwl(x | 0)", "alternating"),
        ("pwl(x^2 | 0 | x)", "not affine"),
        ("pwl(x | a | x)", "not a rational"),
        ("pwl(x | 1 | 2*x)", "discontinuous at breakpoint 1"),
        ("phi_2(x^2, 0)", "positive clip"),
        ("phi_2(x^2, 1/0)", "zero denominator"),
        ("phi_2(tahn)", "unknown name"),
        ("phi_-1(x)", "unknown name 'phi_'"),
        ("", "empty expression"),
        ("x^0.5.1", "unexpected"),
    ],
)
def test_parse_activation_errors_name_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(ActivationError) as info:
        parse_activation(text)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_parse_activation_guards() -> None:
    with pytest.raises(ActivationError, match="got int"):
        parse_activation(3)  # type: ignore[arg-type]
    with pytest.raises(ActivationError, match="too long"):
        parse_activation("x" * 100_001)
    with pytest.raises(ActivationError, match="nested too deeply"):
        parse_activation("phi_1(" * 1200 + "x" + ")" * 1200)
    with pytest.raises(ActivationError, match="nested too deeply"):
        parse_activation("(" * 5000 + "x" + ")" * 5000)


@settings(max_examples=60)
@given(any_activation())
def test_name_round_trips(act: Activation) -> None:
    again = parse_activation(act.name)
    assert again == act
    assert again.describe() == act.describe()
    assert again.traits == act.traits
    assert str(act) == act.name and act.name in repr(act)
    assert hash(again) == hash(act)


# ------------------------------------------------------------------ traits


def test_traits() -> None:
    t = parse_activation("x^3 - x").traits
    assert t == Traits("polynomial", degree=3)
    assert t.is_polynomial and t.is_nonlinear_polynomial and not t.piecewise_linear
    t = parse_activation("2*x + 1").traits
    assert t.is_polynomial and not t.is_nonlinear_polynomial and t.piecewise_linear
    assert parse_activation("5").traits.degree == 0
    assert IDENTITY.traits == Traits("identity", degree=1, piecewise_linear=True)
    for text in ("relu", "leaky_relu(1/8)", "pwl(0 | 0 | x)"):
        t = parse_activation(text).traits
        assert t.kind == "piecewise_linear" and t.piecewise_linear and not t.is_polynomial
    t = parse_activation("phi_4(x^2)").traits
    assert t.kind == "bit_bounded" and t.bit_bounded_k == 4 and not t.is_polynomial


@settings(max_examples=20)
@given(relu_family())
def test_relu_family_is_piecewise_linear(act: Activation) -> None:
    assert act.traits.kind == "piecewise_linear"


def test_error_hierarchy() -> None:
    assert issubclass(DegreeError, ActivationError)
    assert issubclass(ActivationError, WhyReluError) and issubclass(ActivationError, ValueError)
    assert issubclass(PolynomialError, ValueError)


# ------------------------------------------------------------------ details pinned


def test_fresh_identity_and_relu_instances() -> None:
    # the module singletons are built at import; fresh instances must be the same thing
    from checkers.activations import Identity, ReLU

    ident = Identity()
    assert ident.name == "id" and ident == IDENTITY
    assert ident.traits == Traits("identity", degree=1, piecewise_linear=True)
    relu = ReLU()
    assert relu.name == "relu" and relu == RELU and relu.traits == RELU.traits
    assert relu.breakpoints == [fmpq(0)]
    assert relu.pieces == [(fmpq(0), fmpq(0)), (fmpq(1), fmpq(0))]
    zs = [fmpq(-2), fmpq(0), fmpq(1, 3), fmpq(5)]
    assert [relu(z) for z in zs] == [0, 0, fmpq(1, 3), 5]
    assert [relu.derivative(z) for z in zs] == [0, 0, 1, 1]
    assert relu.describe() == {"kind": "piecewise_linear", "breakpoints": ["0"],
                               "slopes": ["0", "1"], "intercepts": ["0", "0"]}


def test_relu_shared_fast_path_at_the_smallest_numerators() -> None:
    nums = [fmpz(-1), fmpz(0), fmpz(1), fmpz(2)]
    z, one, two = fmpz(0), fmpz(1), fmpz(2)
    assert RELU.apply_shared(nums, fmpz(3)) == ([z, z, one, two], fmpz(3))
    assert RELU.derivative_shared(nums, fmpz(3)) == ([z, z, one, one], one)


def test_phi_k_defaults_limits_and_messages() -> None:
    from checkers.activations import MAX_PHI_K

    assert BitBounded(RELU, 2).clip == 1
    assert BitBounded(RELU, MAX_PHI_K).k == MAX_PHI_K
    with pytest.raises(ActivationError) as info:
        BitBounded(BitBounded(RELU, 1), 2)
    assert str(info.value) == "phi_K of phi_K is not supported; round the base once"
    with pytest.raises(ActivationError) as info:
        parse_activation("phi_2(phi_3(relu, 2), 5)")  # the inner comma is not the split
    assert str(info.value) == "phi_K of phi_K is not supported; round the base once"


@pytest.mark.parametrize(("text", "clip"), [
    ("phi_2(relu,3)", 3), ("phi_2( relu ,  3 )", 3), ("phi_2((x+1)^2, 3)", 3),
    ("phi_2((x+1)^2)", 1), ("phi_2(pwl(0 | 0 | x), 1/2)", fmpq(1, 2)),
])
def test_phi_k_arguments_split_at_the_top_level_comma(text: str, clip: fmpq | int) -> None:
    act = parse_activation(text)
    assert isinstance(act, BitBounded) and act.clip == clip and act.k == 2


def test_phi_k_is_not_clipped_at_exactly_plus_minus_c() -> None:
    act = parse_activation("phi_2(x)")
    assert [act(fmpq(z)) for z in (-2, -1, 1, 2)] == [-1, -1, 1, 1]
    assert [act.derivative(fmpq(z)) for z in (-2, -1, 1, 2)] == [0, 1, 1, 0]


def test_polynomials_from_coefficients_and_their_traits() -> None:
    assert Polynomial([0, 0, 1]) == parse_activation("x^2")
    assert Polynomial(["1/2", 0, 1]).name == "x^2 + 1/2"
    assert not parse_activation("x^2").traits.piecewise_linear
    with pytest.raises(ActivationError) as info:
        Polynomial([0])
    assert str(info.value) == "the zero polynomial is not an activation"
    with pytest.raises(ActivationError) as info:
        parse_activation("pwl(x + 1 | 0 | x)")
    assert str(info.value) == ("piecewise-linear: discontinuous at breakpoint 0: left piece "
                               "gives 1, right piece gives 0")
