"""Unit tests of spec/beyond (gadgets beyond the paper) and of ``classify``."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
from flint import fmpq, fmpq_poly

from checkers.activations import Activation, Traits, parse_activation
from checkers.errors import DegreeError
from checkers.slp import SLP
from spec.beyond._kinds import ReciprocalForm, pieces_of, reciprocal_form_of
from spec.beyond.classify import TABLE_ROWS, classify
from spec.beyond.local_gadget import (
    breakpoint_gadget,
    check_local,
    choose_window,
    local_gadget,
    piecewise_sigma,
    prove_local,
)
from spec.beyond.reciprocal import SHIFT, FormActivation, check_multiplication
from spec.beyond.simulation import compile_beyond, simulate
from spec.bnslp import with_bn_constant
from spec.claims import STATUSES, ClaimFailure, load_all
from spec.cli import main


class PPoly(Activation):
    """A piecewise polynomial fixture (the activation language has its own class)."""

    def __init__(self, name: str, pieces: list[tuple[fmpq | None, fmpq | None, fmpq_poly]]):
        self.name = name
        self._pieces = pieces
        self._sigma = piecewise_sigma(pieces)
        self.traits = Traits(cast(Any, "piecewise_polynomial"))

    def intervals(self) -> list[tuple[fmpq | None, fmpq | None, fmpq_poly]]:
        return list(self._pieces)

    def __call__(self, z: fmpq) -> fmpq:
        return self._sigma(z)

    def derivative(self, z: fmpq) -> fmpq:
        return fmpq(piecewise_sigma([(lo, hi, p.derivative())
                                     for lo, hi, p in self._pieces])(z))

    def describe(self) -> dict[str, Any]:
        return {}


Q = fmpq
RELU2 = PPoly("relu^2_fixture", [(None, Q(0), fmpq_poly([0])), (Q(0), None, fmpq_poly([0, 0, 1]))])
HARDSWISH = PPoly("hardswish_fixture", [
    (None, Q(-3), fmpq_poly([0])), (Q(-3), Q(3), fmpq_poly([0, Q(1, 2), Q(1, 6)])),
    (Q(3), None, fmpq_poly([0, 1]))])
RECIPROCAL = FormActivation(ReciprocalForm.moebius(Q(0), Q(1), Q(1), Q(0)))
AFFINE_PLUS = FormActivation(ReciprocalForm(Q(1), Q(-2), Q(5), Q(1), Q(2)))
SLP_HARD = with_bn_constant(SLP.of(1, [("-", 0, 0), ("-", 1, 0), ("*", 1, 1), ("*", 2, 0),
                                       ("*", 4, 2), ("+", 5, 5), ("*", 6, 6), ("*", 7, 2)]))


@pytest.mark.parametrize(("lo", "hi", "mu"), [(Q(0), None, 3), (None, Q(2), 2),
                                              (Q(-3), Q(3), 2), (None, None, 4),
                                              (Q(1, 7), Q(2, 7), 5)])
def test_window_inside_interval(lo: fmpq | None, hi: fmpq | None, mu: int) -> None:
    c, s = choose_window(lo, hi, mu)
    assert s > 0
    a, b = c - 2 * s, c + (mu + 2) * s
    assert (lo is None or lo < a) and (hi is None or b < hi)


@pytest.mark.parametrize("act", [RELU2, HARDSWISH])
def test_local_gadget_proved_and_checked(act: PPoly) -> None:
    g = local_gadget(act)
    assert g.inside()
    assert "x*y" in prove_local(g, act.name).text
    for x, y in [(Q(-1), Q(1)), (Q(0), Q(0)), (Q(1, 3), Q(-2, 5)), (Q(1), Q(1))]:
        check_local(act, g, x, y)


def test_hardswish_window() -> None:
    g = local_gadget(HARDSWISH)
    assert (g.c, g.s) == (Q(-1, 2), Q(1, 2))
    assert g.window == (Q(-3, 2), Q(3, 2))


def test_breakpoint_gadget_refuted() -> None:
    g = breakpoint_gadget(RELU2)
    assert not g.inside()
    with pytest.raises(ClaimFailure, match="= x·y"):
        check_local(RELU2, g, Q(-1, 2), Q(1, 3))


def test_polynomial_has_no_breakpoint_control() -> None:
    with pytest.raises(DegreeError):
        breakpoint_gadget([(None, None, fmpq_poly([0, 0, 1]))])


@pytest.mark.parametrize("act", [RELU2, HARDSWISH, RECIPROCAL, AFFINE_PLUS])
def test_simulation_and_control(act: Activation) -> None:
    ev = simulate(SLP_HARD, act)
    assert ev.figures["gates"] == SLP_HARD.length
    with pytest.raises(ClaimFailure, match="reproduces every gate value"):
        simulate(SLP_HARD, act, planted="leave_piece")


def test_simulation_gate_values_match_slp() -> None:
    c = compile_beyond(SLP_HARD, RELU2)
    assert c.gate_values(SLP_HARD.a0) == SLP_HARD.evaluate()
    assert c.how == "local gadget"


def test_reciprocal_network_and_pole() -> None:
    check_multiplication(RECIPROCAL, Q(0), Q(-1), SHIFT)
    with pytest.raises(ClaimFailure, match="pole"):
        check_multiplication(RECIPROCAL, Q(0), Q(1, 2), Q(0))


def test_reciprocal_form_detection() -> None:
    f = reciprocal_form_of(parse_activation("(x+1)/(x+2)"))
    assert f == ReciprocalForm(Q(0), Q(1), Q(-1), Q(1), Q(2))
    g = reciprocal_form_of(parse_activation("(x^2+1)/(x+2)"))
    assert g == ReciprocalForm(Q(1), Q(-2), Q(5), Q(1), Q(2))
    assert reciprocal_form_of(AFFINE_PLUS) == g
    for t in (Q(3), Q(-1, 7)):
        assert g(t) == (t * t + 1) / (t + 2) == AFFINE_PLUS(t)
    for text in ("x^2", "1/(x^2+1)", "(x^3+1)/(x+2)", "1/(x^2 - 1)"):
        assert reciprocal_form_of(parse_activation(text)) is None
    h = reciprocal_form_of(parse_activation("3/(2*x+1)^3"))
    assert h == ReciprocalForm(Q(0), Q(0), Q(3, 8), Q(1), Q(1, 2), 3)
    assert pieces_of(parse_activation("relu")) == [(None, Q(0), fmpq_poly([0])),
                                                   (Q(0), None, fmpq_poly([0, 1]))]


def test_beyond_claims_never_theorems() -> None:
    assert "beyond" in STATUSES
    for c in load_all():
        if c.module.startswith("spec.beyond"):
            assert c.status != "theorem", c.id
        if c.status == "beyond":
            assert c.ref.startswith("Beyond the paper"), c.id
    beyond = [c for c in load_all() if c.status == "beyond"]
    controls = {c.control_of for c in beyond if c.expect == "counterexample"}
    for c in beyond:
        if c.expect == "holds":
            assert c.id in controls, f"{c.id} has no negative control"


@pytest.mark.parametrize(("expr", "side", "strength"), [
    ("x^2", "hard", "proved"), ("x^4 - x", "hard", "proved"), ("relu", "tractable", "proved"),
    ("2*x", "tractable", "proved"), ("leaky_relu(1)", "tractable", "proved"),
    ("phi_4(x^2)", "tractable", "proved"), ("1/8*x^2 + 1/2*x + 1/4", "hard", "proved"),
])
def test_classify_paper_rules(expr: str, side: str, strength: str) -> None:
    v = classify(expr)
    assert (v.side, v.strength) == (side, strength)
    assert v.claims and v.reason and v.evidence
    assert v.measured is not None and len(v.measured.depths) >= 3


def test_classify_growth_separates_the_sides() -> None:
    hard, easy = classify("x^4 - x").measured, classify("relu").measured
    assert hard is not None and easy is not None
    assert hard.growth.startswith("multiplicative")
    assert not easy.growth.startswith("multiplicative")


def test_classify_local_gadget_fixture() -> None:
    v = classify(RELU2)
    assert (v.side, v.strength, v.beyond_paper) == ("hard", "gadget", True)
    assert any("Claim B.1" in e for e in v.evidence)
    assert "local_gadget.identity" in v.claims and "relu_k.identity" in v.claims
    w = classify(RECIPROCAL, measured=False)
    assert (w.side, w.strength) == ("hard", "gadget")
    assert "reciprocal.identity" in w.claims and "reciprocal.multiplication" in w.claims


def test_classify_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "x^4 - x", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("activation", "kind", "side", "strength", "reason", "evidence", "claims"):
        assert key in out
    assert out["side"] == "hard" and "gadget.identity" in out["claims"]


def test_classify_cli_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "phi_4(x^2)", "--check", "--json", "--jobs", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["check_ok"] is True
    assert {r["claim"] for r in out["check"]} == set(out["claims"])
    assert all(r["activation"] in (None, "phi_4(x^2)") for r in out["check"])


def test_check_only_starts_with_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--activation", "x^3", "--only", "--claim", "gadget.identity",
                 "--no-report", "--jobs", "1", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0].startswith("x^3: hard (proved)")
    assert "activation x^3: covered by" in out


def test_check_coverage_line_with_unrelated_claim(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--activation", "x^3", "--only", "--claim", "piecewise.layered",
          "--no-report", "--jobs", "1", "--quiet"])
    assert "activation x^3: covered by 0 of the selected claims" in capsys.readouterr().out


def test_classify_unknown_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "frobnicate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("whyrelu: error:") and len(err.strip().splitlines()) == 1


def test_table_rows_listed() -> None:
    assert "x^(1/2)" in TABLE_ROWS and "1/x" in TABLE_ROWS and "phi_8(tanh)" in TABLE_ROWS


EXPECTED = {
    "x^2": ("hard", "proved"), "x^4 - x": ("hard", "proved"), "relu": ("tractable", "proved"),
    "leaky_relu(0.01)": ("tractable", "proved"), "relu6": ("tractable", "proved"),
    "hardtanh": ("tractable", "proved"), "abs": ("tractable", "proved"),
    "hard_sigmoid": ("tractable", "proved"), "hardswish": ("hard", "gadget"),
    "relu^2": ("hard", "gadget"), "relu^3": ("hard", "gadget"), "gelu": ("outside", "none"),
    "tanh": ("outside", "proved"), "sigmoid": ("outside", "proved"),
    "silu": ("outside", "proved"), "softplus": ("outside", "proved"),
    "exp": ("outside", "proved"), "x^(1/2)": ("outside", "proved"), "1/x": ("hard", "gadget"),
    "(x+1)/(x+2)": ("hard", "gadget"), "(x^2+1)/(x+2)": ("hard", "gadget"),
    "1/x^2": ("hard", "gadget"), "1/(x^2+1)": ("open", "measured"),
    "0.125*x^2 + 0.5*x + 0.25": ("hard", "proved"),
    "0.1192*x^2 + 0.5*x + 0.0156": ("hard", "proved"),
    "phi_8(tanh)": ("tractable", "proved"), "phi_4(x^2)": ("tractable", "proved"),
}


def test_table_rows_have_the_expected_verdicts() -> None:
    assert set(EXPECTED) == set(TABLE_ROWS)
    for expr in TABLE_ROWS:
        v = classify(expr, measured=False)
        assert (v.side, v.strength) == EXPECTED[expr], expr
        if v.strength == "gadget":
            assert v.beyond_paper and any("Claim B.1" in e for e in v.evidence), expr
        assert v.claims or v.side == "open", expr


def test_affine_spellings_get_one_verdict() -> None:
    verdicts = [classify(e, measured=False) for e in ("2*x", "pwl(2*x)", "leaky_relu(2)",
                                                     "3*x - 1")]
    for v in verdicts[:2]:
        assert (v.activation, v.kind, v.side) == ("2*x", "affine", "tractable")
    assert verdicts[0].claims == verdicts[1].claims == verdicts[3].claims
    assert verdicts[2].kind == "piecewise_linear"


@pytest.mark.parametrize("expr", ["relu^2", "hardswish", "1/x", "(x+1)/(x+2)",
                                  "(x^2+1)/(x+2)", "1/x^2", "(x^3+1)/x^2"])
def test_simulation_with_the_language(expr: str) -> None:
    act = parse_activation(expr)
    simulate(SLP_HARD, act)
    with pytest.raises(ClaimFailure):
        simulate(SLP_HARD, act, planted="leave_piece")


def test_local_gadget_claims_use_real_relu_k() -> None:
    from spec.beyond.relu_k import relu_k_network, relu_power

    sigma = relu_power(3)
    assert isinstance(sigma, Activation) and sigma.name == "relu^3"
    net = relu_k_network(sigma, 3)
    assert net is not None and net({"x": Q(-2, 3)})[0] == Q(-8, 27)


def test_jump_and_discontinuous_pieces() -> None:
    v = classify("ppoly(0 | 0 | 1, continuous=false)", measured=False)
    assert (v.side, v.strength) == ("open", "measured")
    w = classify("ppoly(0 | 0 | x^2 + 1, continuous=false)", measured=False)
    assert (w.side, w.strength) == ("hard", "gadget")
    act = parse_activation("ppoly(0 | 0 | x^2 + 1, continuous=false)")
    simulate(SLP_HARD, act)
    with pytest.raises(ClaimFailure):
        simulate(SLP_HARD, act, planted="leave_piece")


def test_check_only_runs_only_the_activations_items(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--activation", "tanh", "--only", "--no-report", "--jobs", "1",
                 "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("tanh: outside (proved)")
    assert "2/2 claims met their expectation (2/2 items)." in out


def test_classify_draws_the_profile(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "growth.png"
    assert main(["classify", "relu^2", "-o", str(out)]) == 0
    assert out.stat().st_size > 1000
    assert "figure written" in capsys.readouterr().out


def test_every_prover_gives_items_a_kernel_rechecks() -> None:
    """A claim reported *proved* has typed certificates that the runner re-checks (Coq, z3
    or the Python checker): no prover returns a bare text (an empty ``items`` would be
    reported proved with nothing re-checked)."""
    from spec.activations import activations
    from spec.claims import load_all

    proved = []
    for c in load_all():
        if c.prover is None or c.expect != "holds":  # a control's prover must fail
            continue
        targets = [None] if c.covers is None else [a for a in activations() if c.covers(a)]
        for act in targets:
            cert = c.prover(act)
            name = "-" if act is None else act.name
            assert cert.items, f"{c.id} on {name}: a proof without certificates"
            proved.append((c.id, name))
    assert ("local_gadget.identity", "relu^2") in proved


def test_local_gadget_certificates_fail_when_planted_wrong() -> None:
    """The local gadget's (★loc) identity and window inequalities are re-checked: a λ off by
    one in its first entry, or a window end on the interval's end, is rejected."""
    import dataclasses

    from checkers.activations import Polynomial, parse_activation
    from checkers.certificates import CertificateRejected, Inequality
    from spec.beyond.local_gadget import local_gadget, prove_local
    from spec.gadget import star_certificate

    g = local_gadget(parse_activation("hardswish"))
    star, lo, hi = prove_local(g, "hardswish").items
    assert (star.name, lo.name, hi.name) == (
        "local_gadget_star", "local_gadget_window_lo", "local_gadget_window_hi")
    for c in (star, lo, hi):
        c.check()
    bad = star_certificate(Polynomial(g.shifted), [g.lam[0] + 1, *g.lam[1:]],
                           name="local_gadget_star")
    with pytest.raises(CertificateRejected):
        bad.check()
    assert isinstance(lo, Inequality)
    with pytest.raises(CertificateRejected):
        dataclasses.replace(lo, rhs=lo.lhs).check()
