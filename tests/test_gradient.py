"""Unit tests of the App. C reduction, the Definition 4.1/4.2 instances, the bounded variant
and ``whyrelu slp gradient``.  Expected values are computed by hand in the comments."""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from flint import fmpq

from checkers.activations import IDENTITY, RELU, Polynomial, parse_activation
from checkers.errors import DataError, DegreeError, NetworkError, SLPError
from checkers.losses import SQUARE, Loss
from checkers.network import Edge, Network, Sample
from checkers.rationals import bit, size
from checkers.reference import RefNetwork, ref_bit, ref_samples, ref_slp_values
from checkers.slp import SLP, parse_slp
from spec.cli import main
from spec.theorem13 import (
    OUTPUT_NODE,
    BackpropBit,
    BackpropInstance,
    PromiseBackpropSign,
    PromiseViolation,
    app_c,
    bitslp_to_backprop_bit,
    bounded_bit_position,
    bounded_bitslp_to_backprop_bit,
    central_difference,
    gradient_sizes,
    paper_posslp_to_promise_sign,
    posslp_to_promise_sign,
    power_of_two_exponent,
    repaired_slp,
    to_bnslp,
    value_bound,
)

Q = fmpq
DATA = Path(__file__).resolve().parent / "data"
P4 = SLP.of(1, [("+", 0, 0), ("*", 1, 1)])  # 1, 2, 4
ZERO = SLP.of(1, [("+", 0, 0), ("-", 1, 1)])  # 1, 2, 0
NEG = SLP.of(1, [("+", 0, 0), ("-", 0, 1)])  # 1, 2, -1


# ------------------------------------------------------------------ App. C


def test_app_c_network_shape() -> None:
    a = app_c(P4, parse_activation("x^2"), copies=3)
    net = a.instance.network
    assert net.inputs == ("v0",) and net.outputs == (OUTPUT_NODE,)
    assert net.edges[a.instance.edge] == ("v2", OUTPUT_NODE)
    assert a.instance.weight == 0 and net.biases[a.instance.edge] == 0
    assert net.activation(OUTPUT_NODE) == IDENTITY
    assert len(net.edges) == len(a.compiled.network.edges) + 1
    assert a.instance.data == ((Sample.of({"v0": 1}, [-1]), 3),)
    assert len(a.instance.samples()) == 3
    assert a.instance.sigma == Polynomial("x^2")


@pytest.mark.parametrize("sigma", ["x^2", "x^3", "x^2 + x", "1/3*x^2 - 1/2*x + 2/5"])
def test_gradient_by_hand(sigma: str) -> None:
    # n_P = 4, a0 = 1, B = 3: B·a0·n_P = 12 at θ∗; with w = 1/2: 3·(2 + 1)·4 = 36
    a = app_c(P4, parse_activation(sigma), copies=3)
    assert a.instance.gradient() == 12
    assert a.instance.loss_value() == Q(3, 2)  # (B/2)(0 + 1)²
    assert a.instance.with_weight(Q(1, 2)).gradient() == 36
    assert app_c(P4, parse_activation(sigma), copies=3, w=Q(1, 2)).instance.gradient() == 36
    assert a.instance.sign() == 1 and a.instance.answer()


def test_gradient_with_rational_a0() -> None:
    # chain.slp: a0 = 3/2, n_P = 27/16, B = 2, w = -1: 2·(-27/16 + 3/2)·27/16 = -81/128
    p = parse_slp((DATA / "chain.slp").read_text(encoding="utf-8"))
    inst = app_c(p, parse_activation("x^3"), copies=2, w=-1).instance
    assert inst.gradient() == Q(-81, 128)
    # L = (B/2)(w n_P + a0)² = (-3/16)² = 9/256
    assert inst.loss_value() == Q(9, 256)


def test_central_difference_is_exact() -> None:
    inst = app_c(NEG, parse_activation("x^2"), copies=2, w=Q(3, 7)).instance
    g = inst.gradient()
    assert g == 2 * (Q(3, 7) * -1 + 1) * -1
    for h in (Q(1), Q(-5, 3), Q(1, 1000), Q(10**9)):
        assert central_difference(inst, h) == g
    with pytest.raises(DataError, match="h != 0"):
        central_difference(inst, 0)


def test_all_partials_agree_with_the_reference_by_hand() -> None:
    a = app_c(SLP.of(Q(1, 2), [("*", 0, 0)]), parse_activation("x^2"), w=Q(2, 3))
    inst = a.instance
    g = inst.network.gradient(inst.samples(), SQUARE)
    loss, gw, gb = RefNetwork(inst.network).gradient(ref_samples(inst.samples()), "square")
    assert Fraction(str(g.loss)) == loss
    assert [Fraction(str(v)) for v in g.grad_w] == gw
    assert [Fraction(str(v)) for v in g.grad_b] == gb
    assert any(v != 0 for v in gw[:-1])  # w_e∗ ≠ 0: the signal reaches the gadget


def test_zero_gate_program() -> None:
    # P = (a0): t0 = v0, f^t = w·a0, gradient B(w a0 + a0) a0
    inst = app_c(SLP.of(3, []), parse_activation("x^2"), copies=2, w=1).instance
    assert inst.network.edges[inst.edge] == ("v0", OUTPUT_NODE)
    assert inst.gradient() == 2 * (3 + 3) * 3


def test_gradient_sizes() -> None:
    s = gradient_sizes(app_c(P4, parse_activation("x^2"), w=1))
    # n_P = 4 (3 + 1 bits); ∂L/∂w_e∗ = (4 + 1)·4 = 20 (5 + 1 bits)
    assert (s.output_bits, s.e_star_bits) == (4, 6)
    assert s.max_entry_bits >= s.e_star_bits and s.entries == 2 * 30
    assert set(s.to_json()) == {"output_bits", "e_star_bits", "max_entry_bits", "max_entry",
                                "entries", "instance_bits"}


def test_size_bits_by_hand() -> None:
    # _simple(): w = 1, 2 (2 + 3 bits), b = 0, 0 (1 + 1), x = 3 (3), y = 1 (2), mult 1 (1)
    assert _simple().size_bits() == 5 + 2 + 3 + 2 + 1
    inst = app_c(P4, parse_activation("x^2"), copies=5).instance
    net = inst.network
    theta = sum(int(w.p.bit_length() + w.q.bit_length() + b.p.bit_length() + b.q.bit_length())
                for w, b in zip(net.weights, net.biases, strict=True))
    assert inst.size_bits() == theta + 2 + 2 + 3  # x = 1, y = −1, multiplicity 5


def test_app_c_rejects_bad_copies() -> None:
    for bad in (0, -1, True):
        with pytest.raises(DataError, match="copies"):
            app_c(P4, parse_activation("x^2"), copies=bad)


# ------------------------------------------------------------------ Definition 4.1 objects


def _simple(**kw: object) -> BackpropInstance:
    sq = Polynomial("x^2")
    acts = {"x": None, "h": sq, "y": IDENTITY}
    net = Network(acts, [Edge.of("x", "h", 1), Edge.of("h", "y", 2)], outputs=["y"])
    args: dict[str, object] = {"network": net, "data": ((Sample.of({"x": 3}, [1]), 1),),
                               "loss": SQUARE, "edge": 1}
    args.update(kw)
    return BackpropInstance(**args)  # type: ignore[arg-type]


def test_backprop_instance_by_hand() -> None:
    # f = 2·x², x = 3: f = 18, ∂L/∂w_hy = (18 − 1)·9 = 153
    inst = _simple()
    assert inst.gradient() == 153
    assert inst.edge_name == "h->y"
    assert BackpropBit(inst, 0).answer() and not BackpropBit(inst, 1).answer()  # 153 = 10011001b
    assert BackpropBit(inst, 3).answer()
    with pytest.raises(DataError, match="bit index"):
        BackpropBit(inst, True)


def test_backprop_instance_validation() -> None:
    sq, cube = Polynomial("x^2"), Polynomial("x^3")
    two_out = Network({"x": None, "h": sq, "y": IDENTITY},
                      [Edge.of("x", "h"), Edge.of("h", "y")], outputs=["h", "y"])
    with pytest.raises(NetworkError, match="scalar inputs and outputs"):
        _simple(network=two_out)
    with pytest.raises(NetworkError, match="not an edge index"):
        _simple(edge=2)
    with pytest.raises(DataError, match=r"ℚ × ℚ"):
        _simple(data=((Sample.of({"h": 3}, [1]), 1),))
    with pytest.raises(DataError, match=r"ℚ × ℚ"):
        _simple(data=((Sample.of({"x": 3}, [1, 2]), 1),))
    with pytest.raises(DataError, match="multiplicity"):
        _simple(data=((Sample.of({"x": 3}, [1]), 0),))
    with pytest.raises(DataError, match="empty"):
        _simple(data=())
    with pytest.raises(DataError, match="no derivative"):
        _simple(loss=Loss("zero_one", SQUARE.value, None))
    relu_net = Network({"x": None, "h": RELU, "y": IDENTITY},
                       [Edge.of("x", "h"), Edge.of("h", "y")], outputs=["y"])
    with pytest.raises(DegreeError, match="neither id nor"):
        _simple(network=relu_net)
    mixed = Network({"x": None, "h": sq, "y": cube},
                    [Edge.of("x", "h"), Edge.of("h", "y")], outputs=["y"])
    with pytest.raises(NetworkError, match="one σ"):
        _simple(network=mixed)


# ------------------------------------------------------------------ Definition 4.2, repair


def test_repaired_slp() -> None:
    for p in (P4, ZERO, NEG):
        q = repaired_slp(p)
        assert q.length == p.length + 2
        assert q.value() == 2 * p.value() - 1
    with pytest.raises(SLPError, match="a0 = 1"):
        repaired_slp(SLP.of(2, [("+", 0, 0)]))


def test_promise_sign() -> None:
    # n_Q = 2·4 − 1 = 7, B = b = 3: gradient 21 >= 3 (YES); NEG: n_Q = −3, gradient −9 (NO)
    yes = posslp_to_promise_sign(P4, parse_activation("x^2"), 3)
    assert yes.instance.gradient() == 21 and yes.answer() and yes.promise_holds()
    no = posslp_to_promise_sign(NEG, parse_activation("x^3"), 3)
    assert no.instance.gradient() == -9 and not no.answer()
    # n_P = 0: n_Q = −1, gradient −b (NO, as PosSLP says)
    zero = posslp_to_promise_sign(ZERO, parse_activation("x^2"), 2)
    assert zero.instance.gradient() == -2 and not zero.answer()


def test_paper_reduction_breaks_at_zero() -> None:
    red = paper_posslp_to_promise_sign(ZERO, parse_activation("x^2"), 2)
    assert red.instance.gradient() == 0 and not red.promise_holds()
    with pytest.raises(PromiseViolation, match="strictly between"):
        red.answer()
    assert paper_posslp_to_promise_sign(P4, parse_activation("x^2"), 2).answer()
    with pytest.raises(SLPError):
        paper_posslp_to_promise_sign(SLP.of(Q(1, 2), []), parse_activation("x^2"), 1)


def test_promise_gap_must_be_positive() -> None:
    inst = app_c(P4, parse_activation("x^2")).instance
    for bad in (0, -2, True):
        with pytest.raises(DataError, match="gap"):
            PromiseBackpropSign(inst, bad)


# ------------------------------------------------------------------ BitSLP → Backprop-Bit


def test_power_of_two_exponent() -> None:
    cases = {Q(1): 0, Q(8): 3, Q(-4): 2, Q(1, 16): -4, Q(-1, 2): -1, Q(3): None,
             Q(3, 4): None, Q(0): None, Q(2, 3): None}
    for q, s in cases.items():
        assert power_of_two_exponent(q) == s, q


def test_bitslp_to_backprop_bit() -> None:
    # negative.slp: n_P = −15 = −1111b; a0 = 1, so the gradient is −15 and j is unchanged
    p = parse_slp((DATA / "negative.slp").read_text(encoding="utf-8"))
    for j in range(-2, 7):
        red = bitslp_to_backprop_bit(p, parse_activation("x^2"), j)
        assert red.j == j
        assert red.answer() == (ref_bit(Fraction(-15), j) == 1)
    # a0 = 1/4: a1 = a0·a0 = 1/16; the gradient a0·n_P = 1/64 holds bit j of 1/16 at j − 2
    q = SLP.of(Q(1, 4), [("*", 0, 0)])
    for j in range(-8, 2):
        red = bitslp_to_backprop_bit(q, parse_activation("x^2"), j)
        assert red.j == j - 2
        assert red.answer() == (bit(Q(1, 16), j) == 1)
    with pytest.raises(SLPError, match="2\\^s"):
        bitslp_to_backprop_bit(SLP.of(3, [("*", 0, 0)]), parse_activation("x^2"), 0)


# ------------------------------------------------------------------ bounded variant


def test_to_bnslp_lemma_a5() -> None:
    # P: a0 = 1, a1 = a0 + a0 (n = 1): ã1 = b0 + b0 with e1 = 1, then one alignment
    # multiplication by b0 (2^1 − 1 = 1): m = 2 gates, value b0²·2 = 2^{-4}·2
    bn, m, n = to_bnslp(SLP.of(1, [("+", 0, 0)]))
    assert (m, n) == (2, 1) and bn.a0 == Q(1, 4) and bn.length == 2
    assert bn.value() == Q(2, 16)
    for p in (P4, ZERO, NEG, SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("*", 2, 2), ("-", 3, 1)])):
        bn, m, n = to_bnslp(p)
        assert bn.length == m and bn.a0 == Q(1, 2**m)
        assert Fraction(str(bn.value())) == ref_slp_values(p)[-1] / Fraction(2) ** (m * 2**n)
        assert all(abs(v) <= 1 for v in bn.evaluate())  # Lemma A.4
    with pytest.raises(SLPError):
        to_bnslp(SLP.of(2, []))


def test_bounded_bit_position() -> None:
    assert bounded_bit_position(0, 2, 1) == -6
    assert bounded_bit_position(5, 3, 2) == 5 - 15


def test_bounded_reduction_by_hand() -> None:
    # P = (1, 2): m = 2, n = 1; gradient = 2^{−2·3}·2 = 1/32; bit 1 of n_P = 2 sits at −5
    bn, m, n = to_bnslp(SLP.of(1, [("+", 0, 0)]))
    red = bounded_bitslp_to_backprop_bit(bn, m, n, parse_activation("x^2"), 1)
    assert red.instance.gradient() == Q(1, 32)
    assert red.j == -5 and red.answer()
    assert not bounded_bitslp_to_backprop_bit(bn, m, n, parse_activation("x^2"), 0).answer()
    with pytest.raises(SLPError, match="BN-SLP"):
        bounded_bitslp_to_backprop_bit(bn, m + 1, n, parse_activation("x^2"), 0)
    with pytest.raises(SLPError, match="BN-SLP"):
        bounded_bitslp_to_backprop_bit(SLP.of(1, bn.gates), m, n, parse_activation("x^2"), 0)


def test_value_bound() -> None:
    # x²: μ + 2 = 4, D = 2, Σ|r_k|·4^k = 16
    assert value_bound(parse_activation("x^2")) == 16
    # x³: 5, D = 36, 125
    assert value_bound(parse_activation("x^3")) == 125
    assert value_bound(parse_activation("1/3*x^2 - 1/2*x + 2/5")) == 480  # D = 480 > 16/3 + 2 + 2/5


# ------------------------------------------------------------------ CLI


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    code, out, err = _run(capsys, *argv, "--json")
    assert code == 0, err
    result: dict[str, object] = json.loads(out)
    return result


@pytest.mark.parametrize("name", ["chain.slp", "negative.slp", "squaring.slp"])
def test_cli_matches_the_reference(capsys: pytest.CaptureFixture[str], name: str) -> None:
    vals = ref_slp_values(parse_slp((DATA / name).read_text(encoding="utf-8")))
    a0, n_p = vals[0], vals[-1]
    for copies, sigma in ((1, "x^2"), (3, "x^3")):
        for j in (-3, 0, 2):
            out = _json(capsys, "slp", "gradient", str(DATA / name), "--sigma", sigma,
                        "--copies", str(copies), "--bit", str(j))
            g = copies * a0 * n_p
            assert out == {"gradient": str(g), "sign": (g > 0) - (g < 0),
                           "bit": ref_bit(g, j)}


def test_cli_by_hand(capsys: pytest.CaptureFixture[str]) -> None:
    neg = str(DATA / "negative.slp")
    # n_P = −15, a0 = 1, B = 3, w = 1/2: 3·(−15/2 + 1)·(−15) = 585/2
    out = _json(capsys, "slp", "gradient", neg, "--sigma", "x^3", "--copies", "3",
                "--weight", "1/2", "--sizes")
    assert out["gradient"] == "585/2" and out["sign"] == 1 and out["bit"] is None
    sizes = out["sizes"]
    assert isinstance(sizes, dict) and sizes["output_bits"] == 5 and sizes["e_star_bits"] == 12
    code, text, _ = _run(capsys, "slp", "gradient", neg, "--sigma", "x^2", "--bit", "3")
    assert code == 0 and text == "gradient: -15\nsign: -1\nbit: 1\n"


@pytest.mark.parametrize(("args", "message"), [
    (["negative.slp", "--sigma", "x"], "degree >= 2"),
    (["negative.slp", "--sigma", "relu"], "degree >= 2"),
    (["negative.slp", "--sigma", "x^2", "--copies", "0"], "--copies"),
    (["negative.slp", "--sigma", "x^2", "--weight", "0.5.1"], "--weight"),
    (["malformed.slp", "--sigma", "x^2"], "malformed.slp:2"),
    (["forward_reference.slp", "--sigma", "x^2"], "refers to"),
    (["missing.slp", "--sigma", "x^2"], "no such file"),
    (["squaring.slp", "--sigma", "x^2", "--budget-bits", "100"], "bit budget exceeded"),
])
def test_cli_bad_input(capsys: pytest.CaptureFixture[str], args: list[str],
                       message: str) -> None:
    code, out, err = _run(capsys, "slp", "gradient", str(DATA / args[0]), *args[1:])
    assert code == 2 and out == ""
    assert err.startswith("whyrelu: error: ") and err.count("\n") == 1
    assert message in err


# ---------------------------------------------------------------- mutation-score tests (issue 21)


def test_promise_boundary_gradients_meet_the_promise() -> None:
    """Definition 4.2: YES if ∂L/∂w_e∗ >= b, NO if <= −b, both closed.  P = (1): n_Q = 1, so
    the gradient is exactly b; P = (1, 2, 0): n_Q = −1, exactly −b."""
    sq = parse_activation("x^2")
    yes = posslp_to_promise_sign(SLP.of(1, []), sq, 4)
    assert yes.instance.gradient() == 4 and yes.promise_holds() and yes.answer()
    no = posslp_to_promise_sign(ZERO, sq, 2)
    assert no.instance.gradient() == -2 and no.promise_holds() and not no.answer()


def test_multiplicities_must_be_integers() -> None:
    """A multiplicity is a positive int: not a bool, not a float, not 0."""
    for bad in (True, 1.5, 0, -1):
        with pytest.raises(DataError, match="multiplicity must be a positive integer"):
            _simple(data=((Sample.of({"x": 3}, [1]), bad),))
    assert _simple(data=((Sample.of({"x": 3}, [1]), 2),)).gradient() == 2 * 153


def test_sigma_is_derived_not_passed() -> None:
    """σ is read off the network (Definition 4.1), never given: not an init parameter."""
    inst = _simple()
    assert inst.sigma == Polynomial("x^2")
    with pytest.raises(TypeError):
        BackpropInstance(inst.network, inst.data, SQUARE, 1, sigma=None)  # type: ignore[call-arg]


def test_loss_value_honours_the_bit_budget() -> None:
    """L by forward passes stops at the first value beyond the budget (v1 = 2 needs 3 bits)."""
    from checkers.errors import BitBudgetExceeded

    inst = app_c(P4, parse_activation("x^2"), copies=3).instance
    with pytest.raises(BitBudgetExceeded):
        inst.loss_value(budget_bits=2)
    assert inst.loss_value(budget_bits=64) == Q(3, 2)


def test_planted_sign_bug_loss() -> None:
    """The negative control's loss: the square loss with ∂ℒ/∂u = y − u (sign flipped)."""
    from spec.theorem13.backprop import _sign_bug_loss

    bug = _sign_bug_loss()
    assert bug.name == "square_sign_bug"
    assert bug.grad is not None and bug.grad([Q(1), Q(5)], [Q(3), Q(2)]) == [2, -3]
    assert bug.value([Q(1)], [Q(3)]) == SQUARE.value([Q(1)], [Q(3)]) == 2


def test_shower_prints_the_slp_and_the_named_values() -> None:
    from spec.theorem13.backprop import _shower

    show = _shower("sigma", "P", "B", "w")
    assert show((parse_activation("x^2"), P4, 3, Q(1, 2))) == (
        "# sigma = x^2\na0 = 1\na1 = a0 + a0\na2 = a1 * a1\n# B = 3, w = 1/2")


def test_app_c_identity_figures_by_hand() -> None:
    """a0 = 3 squared four times (n = 3^16, 26 bits), then a5 = a4² (3^32) and the output
    a6 = a4 + a0: size(n_P) < the largest gate's size, both >= 16 bits, so both ratio
    figures are reported, each the largest entry of the whole gradient (at w_e∗ = 1)
    over its own denominator."""
    from checkers.rationals import size
    from spec.claims import get_claim

    p = SLP.of(3, [("*", 0, 0), ("*", 1, 1), ("*", 2, 2), ("*", 3, 3), ("*", 4, 4),
                   ("+", 4, 0)])
    n_p, a0 = 3**16 + 3, 3
    gate_bits = size(Q(3**32))
    sq = parse_activation("x^2")
    ev = get_claim("gradient.app_c_identity").run_check(sq, (p, 2, Q(1, 3), Q(5, 7)))
    assert ev is not None
    inst = app_c(p, sq, copies=2, w=1).instance
    g = inst.network.gradient(inst.samples(), SQUARE)
    top = max(size(v) for v in (*g.grad_w, *g.grad_b))
    assert ev.figures == {
        "output_bits": size(Q(n_p)), "max_gate_bits": gate_bits,
        "gradient_bits": size(2 * (Q(1, 3) * n_p + a0) * n_p),
        "max_gradient_entry_bits": top,
        "entry_bits_per_output_bit": Fraction(top, size(Q(n_p))),
        "entry_bits_per_gate_bit": Fraction(top, gate_bits)}
    assert size(Q(n_p)) < gate_bits


@pytest.mark.parametrize("program", [ZERO, NEG, P4])
def test_app_c_identity_at_every_sign_of_n_p(program: SLP) -> None:
    """The sign sub-check at n_P = 0, < 0 and > 0 (a0 = 1 > 0): sign 0, −1, +1."""
    from spec.claims import get_claim

    ev = get_claim("gradient.app_c_identity").run_check(
        parse_activation("x^3"), (program, 1, Q(0), Q(1)))
    assert ev is not None


def test_every_partial_moves_theta_but_never_w_e_star() -> None:
    """The moves of θ hit every edge named, except e∗'s weight (its bias may move): the
    largest gradient entry is the Fraction reference's at that θ."""
    from checkers.reference import ref_size
    from spec.claims import get_claim

    sq = parse_activation("x^2")
    p = SLP.of(Q(1, 2), [("*", 0, 0)])
    a = app_c(p, sq, w=Q(2, 3))
    net, e_star = a.instance.network, a.instance.edge
    moves = [(0, Q(3), Q(1, 2)), (e_star, Q(5), Q(-1, 3))]
    ws, bs = list(net.weights), list(net.biases)
    ws[0] += 3
    bs[0] += Q(1, 2)
    bs[e_star] -= Q(1, 3)
    moved = net.with_params(ws, bs)
    _, gw, gb = RefNetwork(moved).gradient(ref_samples(a.instance.samples()), "square")
    ev = get_claim("gradient.every_partial_matches_reference").run_check(
        sq, (p, 1, Q(2, 3), moves))
    assert ev is not None
    assert ev.figures == {"edges": len(net.edges),
                          "max_gradient_entry_bits": max(ref_size(v) for v in gw + gb)}


P3 = SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("-", 2, 0)])  # 1, 2, 4, 3


def test_paper_promise_reduction_uses_b_copies() -> None:
    """App. C as written takes B = b samples: ∂L/∂w_e∗(θ∗) = b·n_P (= 3·4 for P4)."""
    red = paper_posslp_to_promise_sign(P4, parse_activation("x^2"), 3)
    assert red.b == 3 and red.instance.gradient() == 12
    assert red.instance.data[0][1] == 3


def test_bnslp_parameters_must_be_natural() -> None:
    """m < 0 or n < 0 alone is refused as such (before the shape check)."""
    bn, m, n = to_bnslp(SLP.of(1, [("+", 0, 0)]))
    sq = parse_activation("x^2")
    for mm, nn in ((-1, n), (m, -1)):
        with pytest.raises(SLPError, match="natural numbers"):
            bounded_bitslp_to_backprop_bit(bn, mm, nn, sq, 0)


def test_reduction_claims_evidence_by_hand() -> None:
    """Figures of the Theorem 1.3 claims on hand instances.  BitSLP: P3 (n_P = 3, a0 = 1),
    j from −2, 3 extra bits: top = bitlen 3 + 2 = 4, bits read 4 + 3 + 2 = 9, gradient 3
    (size 3); a0 = −1/4, n_P = a2 = 2·(1/16) = 1/8: gradient −1/32 (size 7), top = 3, bits
    read from j = 1: 3 − 1 = 2.  Promise: n_Q = 5, b = 3: gradient 15 (size 5), margin b
    against |g|.  Bounded: shift m(2^n + 1) with m from Lemma A.5, gradient n_P/2^shift."""
    from spec.claims import get_claim

    sq = parse_activation("x^2")
    bit_claim = get_claim("gradient.bitslp_to_backprop_bit_decides")
    ev = bit_claim.run_check(sq, (P3, -2, 3))
    assert ev is not None and (ev.figures, ev.bounds) == ({"gradient_bits": 3, "bits_read": 9},
                                                          {})
    quarter = SLP.of(Q(-1, 4), [("*", 0, 0), ("+", 1, 1)])
    ev = bit_claim.run_check(sq, (quarter, 1, 0))
    assert ev is not None and ev.figures == {"gradient_bits": 7, "bits_read": 2}
    ev = get_claim("gradient.posslp_to_promise_sign_repaired").run_check(sq, (P3, 3))
    assert ev is not None
    assert (ev.figures, ev.bounds) == ({"gradient_bits": 5, "promise_margin": 3},
                                       {"promise_margin": 15})
    bounded = get_claim("gradient.bounded_variant_shift")
    for p, n_p in ((ZERO, 0), (NEG, -1), (P3, 3)):
        _, m, n = to_bnslp(p)
        assert n == p.length
        ev = bounded.run_check(sq, (p, 1))
        assert ev is not None
        shift = m * (2**n + 1)
        assert {k: ev.figures[k] for k in ("m", "shift", "gradient_bits")} == {
            "m": m, "shift": shift, "gradient_bits": size(Q(n_p, 2**shift))}
        assert ev.bounds == {"max_abs_value": 16}  # value_bound(x²)
        assert 0 < ev.figures["max_abs_value"] <= 16


def test_bit_claim_checks_the_sign_for_a0_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a0 = 1 > 0 the Backprop-Sign sub-check runs (here on P = (1, 0): a1 = 0): a
    planted wrong sign is refuted on it."""
    from spec.claims import ClaimFailure, get_claim

    monkeypatch.setattr(BackpropInstance, "sign", lambda self: 1)
    p = SLP.of(1, [("-", 0, 0)])
    with pytest.raises(ClaimFailure, match=r"Backprop-Sign answer = sign n_P \(a0 > 0\)"):
        get_claim("gradient.bitslp_to_backprop_bit_decides").run_check(
            parse_activation("x^2"), (p, 0, 0))


def test_bounded_claim_reads_digits_above_n_p(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bounded claim reads bits j < bitlen(n_P) + 1 + width: a gradient with a spurious
    digit at j = bitlen(n_P) + 1 (width 2) is refuted on the bit sub-check."""
    import spec.theorem13.reductions as red
    from spec.claims import ClaimFailure, get_claim

    _, m, n = to_bnslp(P3)
    spurious = bounded_bit_position(3, m, n)  # bitlen(3) + 1 = 3

    def planted(g: Q, j: int) -> int:
        return 1 - bit(g, j) if j == spurious else bit(g, j)

    monkeypatch.setattr(red, "bit", planted)
    with pytest.raises(ClaimFailure, match=r"bit j − m\(2\^n\+1\) of the gradient"):
        get_claim("gradient.bounded_variant_shift").run_check(parse_activation("x^2"), (P3, 2))


def test_reduction_strategies_draw_their_declared_ranges() -> None:
    """BitSLP instances: a0 = ±2^s with s < 0 and s > 0 and both signs, window widths 0 and
    12; bounded instances: width 0 and 6; PosSLP instances: the one-gate zero program."""
    from hypothesis import Phase, find, settings

    from spec.theorem13.reductions import _bit_inst, _bounded_inst, _int_slps

    sq = parse_activation("x^2")
    cfg = settings(database=None, max_examples=400, phases=[Phase.generate],  # no shrinking
                   derandomize=True)
    bit_wants: list[Callable[[tuple[SLP, int, int]], bool]] = [
        lambda i: i[0].a0 < -1, lambda i: 0 < i[0].a0 < 1, lambda i: -1 < i[0].a0 < 0,
        lambda i: i[0].a0 > 1, lambda i: i[2] == 0, lambda i: i[2] == 12]
    for bit_want in bit_wants:
        find(_bit_inst(sq), bit_want, settings=cfg)
    bounded_wants: list[Callable[[tuple[SLP, int]], bool]] = [
        lambda i: i[1] == 0, lambda i: i[1] == 6]
    for bounded_want in bounded_wants:
        find(_bounded_inst(sq), bounded_want, settings=cfg)
    find(_int_slps(6), lambda p: p.length == 1 and p.value() == 0, settings=cfg)


def test_app_c_certificate_and_its_plant_at_a_point() -> None:
    """L(w) = B·½(w·n + a0)²: the certificate's two sides agree at a point, and the planted
    one (the factor n dropped from the gradient) misses by exactly h·B(w·n + a0)(n − 1)."""
    from checkers.certificates import evaluate
    from spec.theorem13.backprop import app_c_certificate

    env = {"w": Fraction(2, 3), "h": Fraction(-5, 7), "n": Fraction(3), "a0": Fraction(1, 2),
           "B": Fraction(4)}
    w, h, n, a0, b = env["w"], env["h"], env["n"], env["a0"], env["B"]
    good, bad = app_c_certificate(), app_c_certificate(planted=True)
    assert evaluate(good.lhs, env) == evaluate(good.rhs, env) == b / 2 * n**2 * h**2
    assert evaluate(bad.rhs, env) == evaluate(good.rhs, env)
    assert evaluate(bad.lhs, env) - evaluate(bad.rhs, env) == h * b * (w * n + a0) * (n - 1)
    assert good.accepted() and not bad.accepted()


def test_app_c_prover_gives_the_certificate() -> None:
    """The prover of gradient.app_c_gradient_formula returns the one App. C identity (an
    empty certificate would be accepted vacuously by the runner)."""
    from spec.theorem13.backprop import _prove_app_c, app_c_certificate

    cert = _prove_app_c()
    assert cert.items == (app_c_certificate(),)
    (item,) = cert.items
    assert item.name == "app_C_gradient" and item.variables == ("w", "h", "n", "a0", "B")
    assert item.accepted()


def test_app_c_network_refuses_a_vertex_named_t() -> None:
    """The added output vertex is ``t``: a compiled network that already has one is refused
    (the new edge e∗ would otherwise land on the old vertex)."""
    import dataclasses

    from spec.lemma32 import compile_slp
    from spec.theorem13.backprop import app_c_network

    compiled = compile_slp(SLP.of(3, []), Polynomial("x^2"))
    clash = Network({"v0": None, OUTPUT_NODE: IDENTITY}, [Edge.of("v0", OUTPUT_NODE)],
                    outputs=[OUTPUT_NODE])
    with pytest.raises(NetworkError, match="the compiled network already has a vertex 't'"):
        app_c_network(dataclasses.replace(compiled, network=clash))
    net, e = app_c_network(compiled, Q(2))
    assert net.edges[e] == ("v0", OUTPUT_NODE) and net.weights[e] == 2 and net.biases[e] == 0


def test_formula_control_is_refuted_by_the_certificate_at_n_one() -> None:
    """At n_P = 1 the planted gradient B(w·n + a0) equals the true one, so only the planted
    certificate (rejected) refutes the negative control there."""
    from spec.claims import ClaimFailure, get_claim

    inst = (Q(2, 3), Q(1), Q(-1, 2), 3, Q(5, 7))
    assert get_claim("gradient.app_c_gradient_formula").run_check(None, inst) is not None
    with pytest.raises(ClaimFailure, match="certificate accepted") as e:
        get_claim("gradient.app_c_gradient_formula_planted_refuted").run_check(None, inst)
    terms = e.value.terms
    assert terms["central_difference"] == terms["formula"] == 3 * (Q(2, 3) - Q(1, 2))
    assert terms["certificate_accepted"] is False
