"""Unit tests of the Lemma 3.2 compiler, the ERM_bit instance I(P, j), Claim B.1 helpers and
``whyrelu slp compile``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flint import fmpq

from checkers.activations import RELU, Polynomial, parse_activation
from checkers.errors import DataError, DegreeError, SLPError
from checkers.slp import SLP
from spec.cli import main
from spec.lemma32 import (
    Counts,
    IncrementalEvaluator,
    Template,
    build_instance,
    compile_slp,
    expected_counts,
    gadget_polynomials,
    gate_polynomials,
    is_sigma_symmetry,
    sigma_symmetries,
    slp_polynomials,
)

Q = fmpq
P = SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("*", 0, 2), ("-", 3, 1)])  # 2, 4, 4, 2


def test_counts_by_hand() -> None:
    # μ = 2: v0..v4 plus two gadgets of 6·3 + 1 = 19 vertices; edges 1 + (9·3+1) + (10·3+1) + 2;
    # depths d1 = 1, d2 = 5, d3 = 9, d4 = 10
    c = compile_slp(P, parse_activation("x^2"))
    assert c.counts() == Counts(43, 62, 10) == expected_counts(P, 2)
    assert c.gate_values() == P.evaluate() == [Q(1), Q(2), Q(4), Q(4), Q(2)]
    assert c.output == "v4" and c.source == "v0"
    assert c.network.inputs == ("v0",)
    assert set(c.network.outputs) == set(c.network.nodes)


def test_theta_star_and_merged_edges() -> None:
    c = compile_slp(P, parse_activation("x^2"))
    assert c.D == 2 and [int(v) for v in c.lam_prime] == [1, 0, 0]
    net = c.network
    w = dict(zip(net.edges, net.weights, strict=True))
    b = dict(zip(net.edges, net.biases, strict=True))
    assert w[("v0", "v1")] == 2  # a0 + a0 merged
    assert w[("v1", "L1_2_2")] == 2 and b[("v1", "L1_2_2")] == 2  # a1·a1 merged into L1
    assert w[("v0", "L1_3_1")] == 1 and b[("v0", "L1_3_1")] == 1
    assert w[("v2", "L1_3_1")] == 1 and b[("v2", "L1_3_1")] == 0
    assert w[("U1_3_0", "z3")] == 1 and w[("U2_3_0", "z3")] == -1
    assert w[("U1_3_1", "z3")] == 0
    assert w[("z3", "v3")] == Q(1, 2)
    minus = compile_slp(SLP.of(3, [("-", 0, 0)]), parse_activation("x^3"))
    assert minus.network.weights == (Q(0),)
    assert minus.gate_values() == [Q(3), Q(0)]


def test_gate_polynomials_and_gadgets() -> None:
    c = compile_slp(P, parse_activation("x^3 - x"))
    assert gate_polynomials(c) == slp_polynomials(P)
    for got, want in gadget_polynomials(parse_activation("x^3 - x")).values():
        assert got == want


def test_compile_errors() -> None:
    with pytest.raises(DegreeError):
        compile_slp(P, parse_activation("2*x + 1"))
    with pytest.raises(DegreeError):
        compile_slp(P, RELU)
    with pytest.raises(SLPError):
        compile_slp("a0 = 1", "x^2")  # type: ignore[arg-type]


def test_instance_at_theta_star() -> None:
    c = compile_slp(P, parse_activation("x^2 + x"))
    inst = build_instance(c, 1, a=1, b=3)  # n_P = 2 = 0b10: bit 1 is 1
    n_sigma = len(c.sigma_edges())
    assert n_sigma == 2 * 3 * 3
    assert inst.template_count() == 1 + (62 - n_sigma) + 3 * n_sigma
    assert inst.sample_count() == 4 * inst.template_count() + 3
    assert inst.gamma == 1 and inst.alpha1 == 1 and inst.delta_sigma == 2
    ver = inst.verify()
    assert ver.forcing_ok and ver.checked == inst.template_count()
    assert ver.main_value == 2 and ver.total_loss == 0
    assert build_instance(c, 0, a=0, b=3).verify().total_loss == 3


def test_instance_rejects_bad_gap() -> None:
    c = compile_slp(P, parse_activation("x^2"))
    with pytest.raises(DataError):
        build_instance(c, 0, a=2, b=2)


def test_bit_extractor_loss() -> None:
    c = compile_slp(SLP.of(1, [("+", 0, 0)]), parse_activation("x^2"))
    inst = build_instance(c, 1)
    n = len(c.network.nodes)
    assert inst.loss.value([Q(1), Q(2)], [Q(0)] * n + [Q(1)]) == 0
    assert inst.loss.value([Q(1), Q(1)], [Q(0)] * n + [Q(1)]) == 1
    assert inst.loss.value([Q(1), Q(1)], [Q(1), Q(1), Q(0)]) == 0
    assert inst.loss.value([Q(1), Q(1)], [Q(1), Q(2), Q(0)]) == 1
    with pytest.raises(DataError):
        inst.loss.value([Q(1), Q(1)], [Q(1), Q(1), Q(2)])


def test_templates_are_realised_by_full_forward_passes() -> None:
    c = compile_slp(P, parse_activation("x^3"))
    inst = build_instance(c, 0)
    for t in inst.templates():
        tr = c.network.forward(inst.template_input(t))
        assert tr.val == inst.template_label(t)
        assert tr.pre == inst.template_pre(t)


def test_incremental_evaluator_matches_full_at_a_perturbed_theta() -> None:
    c = compile_slp(P, parse_activation("x^2"))
    inst = build_instance(c, 0)
    e = c.network.edge_of("v0", "L1_3_0")
    theta = c.theta_star.replace(e, weight=Q(3), bias=Q(1, 2))
    net = c.network_at(theta)
    x0 = {k: v for k, v in zip(net.nodes, inst.x0, strict=True) if v != 0}
    base = net.forward(x0)
    ev = IncrementalEvaluator(net, base)
    for t in inst.templates():
        vals = list(base.val)
        for v, val in ev.perturb(t.dx).items():
            vals[v] = val
        assert vals == net.forward(inst.template_input(t)).val
    assert not inst.verify(theta).forcing_ok


def test_forcing_detects_weights_and_biases_but_not_bias_shifts() -> None:
    c = compile_slp(P, parse_activation("x^2"))
    inst = build_instance(c, 0)
    t0 = c.theta_star
    e = c.network.edge_of("U1_3_0", "z3")
    tmpl = [Template("baseline", None, None, (), (), ()), inst.identity_template(e)]
    bad = t0.replace(e, weight=t0.weights[e] + 1)
    assert not inst.verify(bad, templates=tmpl, main=False).forcing_ok
    e1, e2 = c.network.edge_of("v0", "L1_3_2"), c.network.edge_of("v2", "L1_3_2")
    shifted = t0.replace(e1, bias=t0.biases[e1] + 5).replace(e2, bias=t0.biases[e2] - 5)
    assert inst.verify(shifted, main=False).forcing_ok


def test_sigma_symmetries() -> None:
    assert sigma_symmetries(parse_activation("x^2")) == [(Q(1), Q(0)), (Q(-1), Q(0))]
    assert sigma_symmetries(parse_activation("x^2 + x")) == [(Q(1), Q(0)), (Q(-1), Q(-1))]
    assert sigma_symmetries(parse_activation("1/3*x^2 - 1/2*x + 2/5"))[1] == (Q(-1), Q(3, 2))
    assert sigma_symmetries(parse_activation("x^3")) == [(Q(1), Q(0))]
    assert sigma_symmetries(parse_activation("x^4 + x^3")) == [(Q(1), Q(0))]
    assert not is_sigma_symmetry(parse_activation("x^2"), Q(2), Q(0))


def test_reflection_is_seen_only_through_identity_templates() -> None:
    # (−1, 0) passes the σ-templates of its edge, but for x² the template of (v_j, L) has
    # x_U = −1 and sees σ(−2) ≠ σ(0); for σ = x⁴ − 4x² (σ(2) = σ(0)) it passes everything
    slp = SLP.of(1, [("+", 0, 0), ("*", 0, 1)])
    for sigma, passes_all in (("x^2", False), ("x^4 - 4*x^2", True)):
        c = compile_slp(slp, parse_activation(sigma))
        inst = build_instance(c, 0)
        e = c.network.edge_of("L2_2_0", "U2_2_0")
        theta = c.theta_star.replace(e, weight=Q(-1), bias=Q(0))
        own = inst.templates_of_edge(e)
        assert inst.verify(theta, templates=own, main=False).forcing_ok
        assert inst.verify(theta, main=False).forcing_ok is passes_all
        assert c.gate_values(theta) == slp.evaluate()


def test_samples_materialise_with_multiplicities() -> None:
    c = compile_slp(SLP.of(1, [("*", 0, 0)]), parse_activation("x^2"))
    inst = build_instance(c, 0, a=0, b=2)
    samples = list(inst.samples())
    assert len(samples) == inst.template_count() + 1
    assert sum(m for _, m in samples) == inst.sample_count()
    total = sum((m * inst.loss.value(c.network.forward(s.x).outputs, s.y)
                 for s, m in samples), fmpq(0))
    assert total == inst.verify().total_loss == 0  # 1² = 1: bit 0 is 1


def _write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_cli_slp_compile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path, "p.slp", "a0 = 1\na1 = a0 + a0\na2 = a1 * a1\na3 = a2 * a1\n"
                                  "a4 = a3 - a0   # 7\n")
    assert main(["slp", "compile", f, "--sigma", "x^3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["output"] == "7" and out["simulates"] is True and out["forcing_ok"] is True
    slp = SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("*", 2, 1), ("-", 3, 0)])
    assert (out["nodes"], out["edges"], out["depth"]) == tuple(
        getattr(expected_counts(slp, 3), k) for k in ("nodes", "edges", "depth"))
    inst = build_instance(compile_slp(slp, parse_activation("x^3")), 0)
    assert out["forcing_samples"] == inst.template_count()
    assert main(["slp", "compile", f, "--sigma", "x^2", "--bit", "1", "--gap", "1", "3",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["bit"] == 1 and out["loss_at_theta_star"] == 0 and out["answer"] is True


@pytest.mark.parametrize("text,sigma", [
    ("a0 = 1\na1 = a0 + a5\n", "x^2"),
    ("a0 = 1\na1 = a0 / a0\n", "x^2"),
    ("a1 = a0 + a0\n", "x^2"),
    ("a0 = 1\na1 = a0 + a0\n", "x"),
    ("a0 = 1\na1 = a0 + a0\n", "relu"),
])
def test_cli_slp_compile_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                                sigma: str) -> None:
    f = _write(tmp_path, "bad.slp", text)
    assert main(["slp", "compile", f, "--sigma", sigma]) == 2
    err = capsys.readouterr().err
    assert err.startswith("whyrelu: error:") and len(err.strip().splitlines()) == 1


def test_figure_regenerates(tmp_path: Path) -> None:
    from benchmarks.figure_slp_network import EXAMPLE, draw

    out = tmp_path / "net.png"
    draw(compile_slp(EXAMPLE, parse_activation("x^2")), out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_convenience_methods() -> None:
    c = compile_slp(P, parse_activation("x^3"))
    inst = build_instance(c, 1, a=0, b=2)
    assert inst.forcing_ok() and inst.loss_at() == 0
    bad = c.theta_star.replace(0, weight=Q(5))
    assert not inst.forcing_ok(bad) and inst.loss_at(bad) >= 3


def test_text_sigma_is_parsed_at_the_boundary_only() -> None:
    # spec functions take an Activation; text goes through parse_activation first
    with pytest.raises(DegreeError, match="expected a polynomial activation, got str"):
        compile_slp(P, "x^2")  # type: ignore[arg-type]
    with pytest.raises(DegreeError, match="expected a polynomial activation, got fmpq_poly"):
        sigma_symmetries(Polynomial("x^2").poly)  # type: ignore[arg-type]


# ---------------------------------------------------------------- mutation-score tests (issue 21)


def test_identity_templates_with_a_sigma_tail_are_realised() -> None:
    """σ = x² + x: σ(α₁) − σ(0) = 2, so an identity edge leaving a σ-node moves its head by
    w∗·2 (§5.5); every template is realised by a full forward pass."""
    sigma = parse_activation("x^2 + x")
    c = compile_slp(P, sigma)
    inst = build_instance(c, 0)
    a = c.network.arch
    heads = 0
    for e in range(len(a.edges)):
        for t in inst.templates_of_edge(e):
            tail = a.acts[a.src[e]]
            if t.kind == "identity" and tail is not None and tail.name == sigma.name:
                heads += 1
                assert dict(t.y)[a.dst[e]] - inst.y0[a.dst[e]] == c.network.weights[e] * 2
            tr = c.network.forward(inst.template_input(t))
            assert tr.val == inst.template_label(t) and tr.pre == inst.template_pre(t)
    assert heads > 0


def test_sigma_templates_carry_their_tau() -> None:
    c = compile_slp(P, parse_activation("x^2"))
    inst = build_instance(c, 0)
    e = c.sigma_edges()[0]
    assert [(t.kind, t.edge, t.tau) for t in inst.templates_of_edge(e)] == [
        ("sigma", e, tau) for tau in range(c.mu + 1)]
    with pytest.raises(DataError, match=r"^bit index must be an integer, got '0'$"):
        build_instance(c, "0")  # type: ignore[arg-type]


def test_bit_extractor_loss_is_named() -> None:
    c = compile_slp(SLP.of(1, [("+", 0, 0)]), parse_activation("x^2"))
    assert build_instance(c, 3).loss.name == f"bit_extractor(j=3, t={c.output})"


def test_bit_budget_reaches_every_forward_pass() -> None:
    """``budget_bits`` bounds the baseline pass and the main sample's pass alike: n_P = 2^16
    (four squarings of 2) needs 17 bits while the baseline stays within a few."""
    from checkers.errors import BitBudgetExceeded

    slp = SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("*", 2, 2), ("*", 3, 3), ("*", 4, 4)])
    inst = build_instance(compile_slp(slp, parse_activation("x^2")), 16)
    assert inst.verify(budget_bits=64).main_value == 2**16
    assert inst.verify(main=False, budget_bits=12).forcing_ok
    with pytest.raises(BitBudgetExceeded):
        inst.verify(budget_bits=12)
    with pytest.raises(BitBudgetExceeded):
        inst.loss_at(budget_bits=12)
    assert inst.loss_at(budget_bits=64) == 0


def test_realisation_failure_names_the_template() -> None:
    """A planted pre-activation mismatch is reported with the template's kind, edge and τ."""
    from spec.claims import ClaimFailure
    from spec.lemma32 import instance as mod

    inst = build_instance(compile_slp(P, parse_activation("x^2")), 0)

    class Broken(type(inst)):  # type: ignore[misc]
        def template_pre(self, t: Template) -> list[fmpq]:
            pre = super().template_pre(t)
            return [v + 1 for v in pre] if t.kind == "sigma" and t.tau == 1 else pre

    broken = Broken(*(getattr(inst, f) for f in inst.__dataclass_fields__))
    with pytest.raises(ClaimFailure) as err:
        mod._check_realized(broken)
    assert err.value.message == "pre-activations equal ỹ"
    first = next(t for t in inst.templates() if t.kind == "sigma" and t.tau == 1)
    assert (err.value.terms["kind"], err.value.terms["edge"], err.value.terms["tau"]) == (
        "sigma", first.edge, 1)


def test_theta_star_loss_evidence_and_show() -> None:
    from spec.lemma32 import instance as mod

    inst = build_instance(compile_slp(P, parse_activation("x^2")), 1, a=0, b=2)
    ev = mod._check_theta_star_loss(P, 1, 0, 2, inst)
    assert ev.figures == {"templates": inst.template_count(), "samples": inst.sample_count()}
    shown = mod._show_sigma_slp((Polynomial("x^3"), P, 5))
    assert shown.startswith("# sigma = x^3; j = 5\n") and shown.endswith(P.to_text())


def test_surviving_reflections_are_counted() -> None:
    """Claim B.1 solved: with every template no reflection survives; without the identity
    template of edge 0, x²'s reflection (−1, 0) survives at exactly one σ-vertex and the
    simulation still holds (the figure counts it as +1)."""
    from spec.lemma32.forcing import check_zero_loss_solved

    slp = SLP.of(1, [("*", 0, 0)])
    act = parse_activation("x^2")
    ts = list(build_instance(compile_slp(slp, act), 0).templates())
    assert check_zero_loss_solved(act, slp).figures["surviving_reflections"] == 0
    sub = [t for t in ts if not (t.kind == "identity" and t.edge == 0)]
    assert len(sub) == len(ts) - 1
    assert check_zero_loss_solved(act, slp, sub).figures["surviving_reflections"] == 1


def test_template_outputs_reference_path() -> None:
    """The full-forward reference path: y at θ∗, the perturbed network's values elsewhere."""
    c = compile_slp(P, parse_activation("x^2"))
    inst = build_instance(c, 0)
    ts = list(inst.templates())
    for t in ts[:5]:
        assert inst.template_outputs(None, t) == inst.template_label(t)
    theta = c.theta_star.replace(0, weight=c.theta_star.weights[0] + 1)
    t = ts[1]
    assert inst.template_outputs(theta, t) == list(
        c.network_at(theta).forward(inst.template_input(t)).val)


def test_bit_extractor_names_a_missing_target() -> None:
    from spec.lemma32.instance import bit_extractor_loss

    c = compile_slp(SLP.of(1, [("+", 0, 0)]), parse_activation("x^2"))
    with pytest.raises(DataError, match=r"^bit extractor: target 'nowhere' is not an output$"):
        bit_extractor_loss(c.network, "nowhere", 0)


def test_realisation_value_failure_names_the_template() -> None:
    """A planted value mismatch is reported under its label with kind, edge and τ."""
    from spec.claims import ClaimFailure
    from spec.lemma32 import instance as mod

    inst = build_instance(compile_slp(P, parse_activation("x^2")), 0)

    class Broken(type(inst)):  # type: ignore[misc]
        def template_label(self, t: Template) -> list[fmpq]:
            y = super().template_label(t)
            return [v + 1 for v in y] if t.kind == "sigma" and t.tau == 2 else y

    broken = Broken(*(getattr(inst, f) for f in inst.__dataclass_fields__))
    with pytest.raises(ClaimFailure) as err:
        mod._check_realized(broken)
    assert err.value.message == "f_{θ∗}(x(y, ỹ)) = y at every vertex"
    first = next(t for t in inst.templates() if t.kind == "sigma" and t.tau == 2)
    assert (err.value.terms["kind"], err.value.terms["edge"], err.value.terms["tau"]) == (
        "sigma", first.edge, 2)


def test_incremental_check_labels_a_planted_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fast path that reports one failing template too many is caught on its sub-check."""
    import dataclasses

    from spec.claims import ClaimFailure
    from spec.lemma32 import instance as mod

    real = mod.ERMInstance.verify

    def planted(self: mod.ERMInstance, *args: object, **kw: object) -> mod.Verification:
        v = real(self, *args, **kw)  # type: ignore[arg-type]
        return dataclasses.replace(v, failing=[*v.failing, next(iter(self.templates()))])

    act = parse_activation("x^2")
    assert mod._check_incremental(act, (P, []), None).figures["failing"] == 0
    monkeypatch.setattr(mod.ERMInstance, "verify", planted)
    with pytest.raises(ClaimFailure) as err:
        mod._check_incremental(act, (P, []), None)
    assert err.value.message == "failing templates: fast path vs full passes"


def test_loss_instances_draw_the_smallest_gap() -> None:
    """I(P, j) with promise gap b = 1 (the smallest) is among the drawn instances."""
    from hypothesis import find, settings

    from spec.lemma32.instance import _loss_inst

    got = find(_loss_inst(parse_activation("x^2")), lambda t: t[3] == 1,
               settings=settings(database=None, max_examples=200))
    assert got[3] == 1 and got[2] == 0


# ---------------------------------------------------------------- mutation sample of network.py


def test_paper_counts_are_the_unmerged_counts_by_hand() -> None:
    # the negative control's formula: no merging, so a1 = a0 + a0 has 2 edges and
    # a2 = a1·a1 has 10·3 + 1 = 31 (|V| and depth do not depend on merging)
    from spec.lemma32.network import _paper_counts

    assert _paper_counts(P, 2) == Counts(43, 2 + 31 + 31 + 2, 10)
    assert _paper_counts(SLP.of(1, [("-", 0, 0)]), 3) == Counts(2, 2, 1)


def test_reference_engine_runs_at_a_perturbed_theta() -> None:
    # the U^(3) -> z edges carry −λ'_r σ(y + r) with Σ_r λ_r σ(y + r) = y²/2 (Lemma 3.1), so
    # dropping them is harmless when the second operand y = a1 = a0 − a0 is 0: the
    # simulation check (exact engine and Fraction reference) passes at that θ ≠ θ∗
    from spec.lemma32.network import _check_simulation

    slp = SLP.of(3, [("-", 0, 0), ("*", 0, 1)])
    c = compile_slp(slp, parse_activation("x^2 + x"))
    theta = c.theta_star
    for u in c.gadgets[2].U[2]:
        theta = theta.replace(c.network.edge_of(u, c.gadgets[2].z), weight=Q(0))
    assert theta != c.theta_star
    assert _check_simulation(slp, c, theta).figures["length"] == 2
    assert c.gate_values(theta) == [Q(3), Q(0), Q(0)]


def test_max_theta_bits_by_hand() -> None:
    from spec.lemma32.network import max_theta_bits

    # σ = x² + x: λ = (1, −3/4, 1/4), D = 4, λ' = (4, −3, 1); the largest entries are
    # 1/D = 1/4 and λ'_0 = 4, each of size 1 + 3 = 4 bits (size(2) = 3 for the shifts)
    c = compile_slp(P, parse_activation("x^2 + x"))
    assert [int(v) for v in c.lam_prime] == [4, -3, 1] and c.D == 4
    assert max_theta_bits(c) == 4
    # x²: every entry is in {0, ±1, 2, 1/2}: 3 bits
    assert max_theta_bits(compile_slp(P, parse_activation("x^2"))) == 3
    # a program without gates has no edges, hence no parameters
    assert max_theta_bits(compile_slp(SLP.of(1, []), parse_activation("x^2"))) == 0


def test_identity_and_sigma_edges_partition_the_edges() -> None:
    # P with μ = 2: two multiplication gadgets, each with 3·3 edges L -> U into σ vertices;
    # the other 62 − 18 = 44 edges have an id head (v_i, L, z)
    c = compile_slp(P, parse_activation("x^2"))
    ids, sig = c.identity_edges(), c.sigma_edges()
    assert (len(ids), len(sig)) == (44, 18)
    assert sorted(ids + sig) == list(range(62))
    assert {c.network.edges[e][1][0] for e in ids} == {"v", "L", "z"}
    assert {c.network.edges[e][1][0] for e in sig} == {"U"}


def test_mul_gadgets_by_hand() -> None:
    from spec.lemma32.network import MulGadget

    c = compile_slp(P, parse_activation("x^2"))
    assert sorted(c.gadgets) == [2, 3]  # a2 = a1·a1, a3 = a0·a2
    assert c.gadgets[2] == MulGadget(
        2, 1, 1,
        (("L1_2_0", "L1_2_1", "L1_2_2"), ("L2_2_0", "L2_2_1", "L2_2_2"),
         ("L3_2_0", "L3_2_1", "L3_2_2")),
        (("U1_2_0", "U1_2_1", "U1_2_2"), ("U2_2_0", "U2_2_1", "U2_2_2"),
         ("U3_2_0", "U3_2_1", "U3_2_2")),
        "z2")
    g3 = c.gadgets[3]
    assert (g3.gate, g3.j, g3.k, g3.z, g3.L[2][1], g3.U[0][2]) == (3, 0, 2, "z3", "L3_3_1",
                                                                   "U1_3_2")


def test_lemma32_certificates_are_named_and_accepted() -> None:
    from spec.lemma32.network import gadget_certificates, simulation_certificates

    x2 = parse_activation("x^2")
    gates = gadget_certificates(x2)
    assert [c.name for c in gates] == [f"lemma_3_2_gate_{n}" for n in (
        "a0", "a1", "add", "sub", "mul", "square", "double")]
    sims = simulation_certificates(x2)
    assert [c.name for c in sims] == ["lemma_3_2_slp_a0_add_a0", "lemma_3_2_slp_a0_sub_a0",
                                      "lemma_3_2_slp_a0_mul_a0", "lemma_3_2_slp_eval"]
    assert "a1 = a0 - a0" in sims[1].statement
    assert all(c.accepted() for c in (*gates, *sims))


def test_loss_instances_draw_thresholds_below_the_gap() -> None:
    """The threshold γ = a ranges over 0..b−1, not only a = b − 1: a = 0 with b >= 2 (the
    loss b on a wrong bit is then far above γ) is among the drawn instances."""
    from hypothesis import find, settings

    from spec.lemma32.instance import _loss_inst

    got = find(_loss_inst(parse_activation("x^2")), lambda t: t[3] >= 2 and t[2] < t[3] - 1,
               settings=settings(database=None, max_examples=200))
    assert (got[2], got[3]) == (0, 2)


def test_incremental_evaluator_skips_cancelled_and_unchanged_vertices() -> None:
    """A vertex whose pre-activation change cancels (m = a − b), or whose value does not
    change (s = c², c: 1 → −1), is skipped and the pass goes on to the vertices after it
    (z = m + s + a); with the planted ``max_depth = 0`` every source still changes but nothing
    downstream.  Expected values: full forward passes."""
    from checkers.activations import Identity
    from checkers.network import Network

    ident = Identity()
    net = Network({"a": None, "b": None, "c": None, "m": ident, "s": parse_activation("x^2"),
                   "z": ident},
                  [("a", "m", Q(1), Q(0)), ("b", "m", Q(-1), Q(0)), ("c", "s", Q(1), Q(0)),
                   ("m", "z", Q(1), Q(0)), ("s", "z", Q(1), Q(0)), ("a", "z", Q(1), Q(0))],
                  outputs=["z"])
    i = net.index_of
    base = net.forward({"c": 1})
    ev = IncrementalEvaluator(net, base)

    def changed(x: dict[str, int]) -> dict[int, fmpq]:
        full = net.forward(x).val
        return {v: full[v] for v in range(len(full)) if full[v] != base.val[v]}

    cancel = ev.perturb([(i("a"), Q(1)), (i("b"), Q(1))])
    assert cancel == changed({"a": 1, "b": 1, "c": 1}) == {i("a"): 1, i("b"): 1, i("z"): 2}
    same = ev.perturb([(i("c"), Q(-2)), (i("a"), Q(1))])
    assert same == changed({"a": 1, "c": -1}) == {i("a"): 1, i("c"): -1, i("m"): 1, i("z"): 3}
    shallow = IncrementalEvaluator(net, base, max_depth=0)
    assert shallow.perturb([(i("c"), Q(-2)), (i("a"), Q(1))]) == {i("a"): 1, i("c"): -1}


def test_wrong_sigma_templates_are_named_in_the_refutation() -> None:
    """The planted y_U = τ labels (negative control of theta_star_loss) fail exactly where
    τ ≠ τ² for σ = x², i.e. τ = 2 on every σ-edge; the failure names kind, edge and τ."""
    from spec.claims import ClaimFailure
    from spec.lemma32 import instance as mod

    c = compile_slp(P, parse_activation("x^2"))
    good = build_instance(c, 0, a=0, b=2)
    bad = mod._WrongSigmaTemplates(**{f: getattr(good, f) for f in good.__dataclass_fields__})
    assert [(t.kind, t.edge, t.tau) for t in bad.verify().failing] == [
        ("sigma", e, 2) for e in c.sigma_edges()]
    with pytest.raises(ClaimFailure) as err:
        mod._check_theta_star_loss(P, 0, 0, 2, bad)
    assert err.value.message == "θ∗ has zero loss on every forcing sample"
    assert err.value.terms["failing"] == [("sigma", e, 2) for e in c.sigma_edges()[:5]]


def test_verify_passes_max_depth_to_the_fast_path() -> None:
    """``verify(max_depth=0)`` (the planted truncation) stops every template at the vertices
    its input touches: the −w∗δy corrections of x(y, ỹ) are no longer cancelled downstream,
    so θ∗ itself fails templates that the exact pass meets."""
    c = compile_slp(P, parse_activation("x^2"))
    inst = build_instance(c, 0)
    assert inst.verify(main=False).forcing_ok
    shallow = inst.verify(main=False, max_depth=0)
    assert not shallow.forcing_ok and shallow.failing[0].kind == "identity"


def test_show_slp_displays_an_slp_and_its_parameters() -> None:
    from spec.lemma32._common import _show_slp

    assert _show_slp(P) == P.to_text()
    assert _show_slp((P, 3, Q(-1, 2))) == P.to_text() + "# and 3, -1/2"
    assert _show_slp((1, P)) == repr((1, P))


def test_all_short_slps_enumerates_every_program() -> None:
    """Every SLP with a_0 = 1 and at most two gates, once: gate i has 3·i² choices, so
    1 + 3 + 3·(3·4) = 40 programs."""
    from checkers.slp import Gate
    from spec.lemma32._common import _all_short_slps

    got = list(_all_short_slps(2))
    assert len(got) == len(set(got)) == 40
    assert all(p.a0 == 1 for p in got)
    assert [p.length for p in got].count(2) == 36 and got[0].gates == ()
    assert SLP(Q(1), (Gate("-", 0, 0), Gate("*", 1, 0))) in got
    assert len(list(_all_short_slps(1))) == 4


def test_with_product_ends_with_a_multiplication() -> None:
    """The appended gate multiplies any two earlier values (both ends of the range are
    drawn); ``square_free`` turns every square into a sum and keeps a final product."""
    from hypothesis import find, given, settings
    from hypothesis import strategies as st

    from spec.lemma32._common import _small_slps, _with_product

    fast = settings(database=None, max_examples=200)
    base = st.just(SLP.of(1, [("*", 0, 0), ("+", 1, 0)]))
    last = find(_with_product(base), lambda p: p.gates[-1].j == 2 and p.gates[-1].k == 0,
                settings=fast).gates[-1]
    assert (last.op, last.j, last.k) == ("*", 2, 0)
    sq = find(_with_product(base, square_free=True), lambda p: True, settings=fast)
    assert [(g.op, g.j, g.k) for g in sq.gates] == [("+", 0, 0), ("+", 1, 0), ("+", 0, 0),
                                                     ("*", 0, 3)]
    assert find(_with_product(base), lambda p: True, settings=fast).gates[-1].op == "*"

    @given(_with_product(_small_slps(3), square_free=True))
    @settings(database=None, max_examples=30, deadline=None)
    def square_free(p: SLP) -> None:
        assert p.gates[-1].op == "*"
        assert all(g.j != g.k for g in p.gates if g.op == "*")

    square_free()


def test_small_slps_draw_both_kinds_up_to_their_lengths() -> None:
    """Integer SLPs up to ``max_length`` gates and rational ones (a_0 ≠ 1 possible) up to
    ``max_length − 1``, and no longer."""
    from hypothesis import find, given, settings

    from spec.lemma32._common import _small_slps

    fast = settings(database=None, max_examples=500)
    assert find(_small_slps(3), lambda p: p.length == 3, settings=fast).a0 == 1
    assert find(_small_slps(3), lambda p: p.a0 != 1 and p.length == 2, settings=fast).length == 2

    @given(_small_slps(3))
    @settings(database=None, max_examples=100, deadline=None)
    def bounded(p: SLP) -> None:
        assert p.length <= (3 if p.a0 == 1 else 2)

    bounded()


def test_in_zero_loss_set_by_hand() -> None:
    """a_1 = a_0·a_0 with σ = x²: θ∗ and a bias moved between two in-edges of z1 (same sum)
    are in the solved zero-loss set; a moved id weight, a moved bias sum and the reflection
    (−1, 0) on a σ-edge (excluded by the identity templates) are not; without the identity
    templates the id vertices are not pinned and membership is refused."""
    from spec.lemma32.forcing import in_zero_loss_set, zero_loss_set

    c = compile_slp(SLP.of(1, [("*", 0, 0)]), parse_activation("x^2"))
    ins = build_instance(c, 0)
    sols = zero_loss_set(ins)
    t0 = c.theta_star
    edge = c.network.edge_of
    e1, e2 = edge("U1_1_0", "z1"), edge("U2_1_0", "z1")
    shifted = t0.replace(e1, bias=t0.biases[e1] + 3).replace(e2, bias=t0.biases[e2] - 3)
    assert in_zero_loss_set(ins, sols, t0) and in_zero_loss_set(ins, sols, shifted)
    ew = edge("v0", "L1_1_0")
    assert not in_zero_loss_set(ins, sols, t0.replace(ew, weight=t0.weights[ew] + 1))
    assert not in_zero_loss_set(ins, sols, t0.replace(e1, bias=t0.biases[e1] + 3))
    es = edge("L1_1_0", "U1_1_0")
    reflected = t0.replace(es, weight=Q(-1), bias=Q(0))
    assert not in_zero_loss_set(ins, sols, reflected)
    assert in_zero_loss_set(ins, sols, t0.replace(es, weight=Q(1), bias=Q(0)))
    sub = [t for t in ins.templates() if t.kind != "identity"]
    loose = zero_loss_set(ins, sub)
    (u,) = [s for s in loose if s.node == "U1_1_0"]
    assert set(u.solution_set) == {(Q(1), Q(0)), (Q(-1), Q(0))}
    with pytest.raises(ValueError, match=r"^vertex L1_1_0 is not pinned$"):
        in_zero_loss_set(ins, loose, t0)


def test_solve_sigma_vertex_by_hand() -> None:
    """σ(x + w·y_L + b) = y_U for σ = x²: the three τ-equations (0, τ, τ²) give (±1, 0);
    no equation, or only σ(b) = 0 (w free), is not a finite set; b² = 0 with b² = 1 is
    inconsistent, and b² = −1 with (w + b)² = 1 has no rational solution though finitely
    many complex ones."""
    from fractions import Fraction as F

    from spec.lemma32.forcing import solve_sigma_vertex

    sq = parse_activation("x^2")
    taus = [(Q(0), Q(t), Q(t * t)) for t in range(3)]
    assert solve_sigma_vertex(sq, taus) == (frozenset({(F(1), F(0)), (F(-1), F(0))}), True)
    assert solve_sigma_vertex(sq, [(Q(1), Q(2), Q(9))]) == (frozenset(), False)
    assert solve_sigma_vertex(sq, []) == (frozenset(), False)
    assert solve_sigma_vertex(sq, [(Q(0), Q(0), Q(0))]) == (frozenset(), False)
    assert solve_sigma_vertex(sq, [(Q(0), Q(0), Q(0)), (Q(0), Q(0), Q(1))]) == (frozenset(),
                                                                                True)
    assert solve_sigma_vertex(sq, [(Q(0), Q(0), Q(-1)), (Q(0), Q(1), Q(1))]) == (frozenset(),
                                                                                 True)
    shifted = solve_sigma_vertex(sq, [(Q(1), Q(t), Q((t + 1) ** 2)) for t in range(3)])
    assert shifted == (frozenset({(F(1), F(0)), (F(-1), F(-2))}), True)
    # non-integer solutions: (2w)² = 1, (4w)² = 4 give w = ±1/2; b² = 1/4, (w + b)² = 9/4,
    # (2w + b)² = 25/4 give (1, 1/2) and (−1, −1/2)
    halves = [(Q(0), Q(0), Q(0)), (Q(0), Q(2), Q(1)), (Q(0), Q(4), Q(4))]
    assert solve_sigma_vertex(sq, halves) == (frozenset({(F(1, 2), F(0)), (F(-1, 2), F(0))}),
                                              True)
    offsets = [(Q(0), Q(t), Q(2 * t + 1, 2) ** 2) for t in range(3)]
    assert solve_sigma_vertex(sq, offsets) == (frozenset({(F(1), F(1, 2)), (F(-1), F(-1, 2))}),
                                               True)


def test_moves_and_reflections_land_where_they_say() -> None:
    """_apply: a move's edge is pick mod |E|; a shift moves bias to the next in-edge of the
    same vertex (cyclically) and keeps the sum; a symmetry move puts syms[pick mod |syms|] on
    σ-edge pick mod |E_σ|.  _reflect puts (−1, 0) on each chosen σ-edge once, in order."""
    from spec.lemma32.forcing import _apply, _reflect

    c = compile_slp(SLP.of(1, [("*", 0, 0)]), parse_activation("x^2"))
    t0 = c.theta_star
    m = len(c.network.edges)  # 28; z1's in-edges are 6, 7, 8, 15, ..., 26
    th = _apply(c, [("weight", m + 2, Q(1, 3))])
    assert th.weights[2] == t0.weights[2] + Q(1, 3) and th.biases == t0.biases
    th = _apply(c, [("bias", 5, Q(2))])
    assert th.biases[5] == t0.biases[5] + 2 and th.weights == t0.weights
    th = _apply(c, [("shift", 26, Q(3))])
    assert (th.biases[26], th.biases[6]) == (t0.biases[26] + 3, t0.biases[6] - 3)
    assert th.weights == t0.weights and sum(th.biases) == sum(t0.biases)
    assert _apply(c, [("shift", 27, Q(3))]) == t0  # z1 -> v1 is v1's only in-edge
    es = c.sigma_edges()  # 9 σ-edges, symmetries (1, 0), (−1, 0)
    th = _apply(c, [("symmetry", 10, Q(5))])
    assert (th.weights[es[1]], th.biases[es[1]]) == (Q(1), Q(0)) and th == t0
    th = _apply(c, [("symmetry", 11, Q(5))])
    assert (th.weights[es[2]], th.biases[es[2]]) == (Q(-1), Q(0))
    assert [e for e in range(m) if th.weights[e] != t0.weights[e]] == [es[2]]
    theta, chosen = _reflect(c, [1, 10, 4])
    assert chosen == [es[1], es[4]]
    assert [e for e in range(m) if theta.weights[e] != t0.weights[e]] == chosen
    assert all((theta.weights[e], theta.biases[e]) == (Q(-1), Q(0)) for e in chosen)


def test_reflection_family_display_and_symmetric_sigmas() -> None:
    from hypothesis import given, settings

    from spec.lemma32.forcing import _show_family, _symmetric_polynomials

    slp = SLP.of(1, [("*", 0, 0)])
    assert _show_family((Polynomial("x^2"), slp, [1, 2], Q(-1, 3))) == (
        "# sigma = x^2; picks [1, 2]; s = -1/3\n" + slp.to_text())

    @given(_symmetric_polynomials(off_centre=True))
    @settings(database=None, max_examples=20, deadline=None)
    def off_centre(sigma: Polynomial) -> None:
        syms = sigma_symmetries(sigma)
        assert sigma.degree in (2, 4) and len(syms) == 2 and syms[1][1] != 0

    off_centre()


def test_sigma_edge_check_reports_reflections() -> None:
    """(−1, 0) on a σ-edge passes its own templates for x² and x⁴ − 4x²; the full forcing set
    sees it for x² only (figure reflection_passes_all_forcing); (1, 0) reports no reflection,
    (2, 0) is no symmetry and fails its templates."""
    from spec.lemma32.forcing import _check_sigma_edge

    slp = SLP.of(1, [("+", 0, 0), ("*", 0, 1)])
    for sigma, passes_all in (("x^2", 0), ("x^4 - 4*x^2", 1)):
        ev = _check_sigma_edge(parse_activation(sigma), (slp, 7, (Q(-1), Q(0))), None)
        assert ev.figures == {"symmetric": 1, "reflection_passes_all_forcing": passes_all}
    sq = parse_activation("x^2")
    assert _check_sigma_edge(sq, (slp, 0, (Q(1), Q(0))), None).figures == {"symmetric": 1}
    assert _check_sigma_edge(sq, (slp, 0, (Q(2), Q(0))), None).figures == {"symmetric": 0}


def test_zero_loss_set_unknowns_ranks_and_inconsistency() -> None:
    """Unknowns: (w, b) at a σ-vertex; the in-edge weights and the bias sum at an id vertex
    (z1 has 9 in-edges: 10).  A planted template that relabels z1 without changing any input
    makes z1's system inconsistent (rank reported as −1, no solution)."""
    from spec.lemma32.forcing import zero_loss_set

    c = compile_slp(SLP.of(1, [("*", 0, 0)]), parse_activation("x^2"))
    ins = build_instance(c, 0)
    sols = {s.node: s for s in zero_loss_set(ins)}
    assert {(s.unknowns, s.rank) for s in sols.values() if s.kind == "sigma"} == {(2, 2)}
    assert (sols["z1"].unknowns, sols["z1"].rank, sols["z1"].pinned) == (10, 10, True)
    assert (sols["v1"].unknowns, sols["v1"].rank) == (2, 2)
    z1 = c.network.index_of("z1")
    base = Template("baseline", None, None, (), (), ())
    bad = Template("identity", 6, None, ((z1, ins.y0[z1] + 1),), ((z1, ins.y0[z1] + 1),), ())
    planted = {s.node: s for s in zero_loss_set(ins, [base, bad])}
    assert (planted["z1"].rank, planted["z1"].solution, planted["z1"].pinned) == (-1, None,
                                                                                  False)
    assert planted["z1"].equations == 2


def test_sigma_edge_needs_all_mu_plus_one_templates() -> None:
    """For σ = x² + x, (w, b) = (−2, 0) meets τ = 0 and τ = 1 (σ(0) = 0, σ(−2) = σ(1) = 2)
    but not τ = 2 (σ(−4) = 12 ≠ σ(2) = 6): it is no symmetry and fails the μ + 1 = 3
    templates of its edge."""
    from spec.lemma32.forcing import _check_sigma_edge

    act = parse_activation("x^2 + x")
    slp = SLP.of(1, [("+", 0, 0), ("*", 0, 1)])
    assert _check_sigma_edge(act, (slp, 0, (Q(-2), Q(0))), None).figures == {"symmetric": 0}
    c = compile_slp(slp, act)
    e = c.sigma_edges()[0]
    theta = c.theta_star.replace(e, weight=Q(-2), bias=Q(0))
    ins = build_instance(c, 0)
    assert ins.verify(theta, templates=[ins.sigma_template(e, t) for t in (0, 1)],
                      main=False).forcing_ok


def test_zero_loss_set_without_the_full_sigma_templates() -> None:
    """Without the τ = μ templates a σ-vertex is solved by the Gröbner path: for x², τ = 0, 1
    give b = 0, w = ±1 and the identity templates exclude w = −1; the baseline alone leaves
    one equation in (w, b), an infinite solution set."""
    from spec.lemma32.forcing import VertexSolution, zero_loss_set

    c = compile_slp(SLP.of(1, [("*", 0, 0)]), parse_activation("x^2"))
    ins = build_instance(c, 0)
    ts = [t for t in ins.templates() if not (t.kind == "sigma" and t.tau == 2)]
    got = {s.node: s for s in zero_loss_set(ins, ts)}
    assert got["U1_1_0"] == VertexSolution("U1_1_0", "sigma", 4, 2, 2, None,
                                           ((Q(1), Q(0)),), True)
    base = [Template("baseline", None, None, (), (), ())]
    got = {s.node: s for s in zero_loss_set(ins, base)}
    assert got["U1_1_0"] == VertexSolution("U1_1_0", "sigma", 1, 2, 2, None, (), False)
    assert not got["U1_1_0"].pinned and got["v1"].solution is None


def test_surviving_reflection_with_an_offset() -> None:
    """σ = x² − 2x has the reflection (−1, 2) (σ(2 − z) = σ(z)); without the identity
    template of U2_1_0 -> z1 it survives at one σ-vertex, and f^U(x_main) = σ(−f^L + 2)
    still holds there (the offset b = 2 enters the check)."""
    from spec.lemma32.forcing import check_zero_loss_solved

    slp = SLP.of(1, [("*", 0, 0)])
    act = parse_activation("x^2 - 2*x")
    assert sigma_symmetries(act) == [(Q(1), Q(0)), (Q(-1), Q(2))]
    c = compile_slp(slp, act)
    e = c.network.edge_of("U2_1_0", "z1")
    ts = [t for t in build_instance(c, 0).templates()
          if not (t.kind == "identity" and t.edge == e)]
    assert check_zero_loss_solved(act, slp).figures["surviving_reflections"] == 0
    assert check_zero_loss_solved(act, slp, ts).figures["surviving_reflections"] == 1


def test_any_sigma_draws_cubics() -> None:
    """Random σ of degree 2..4, not only the symmetric family (degree 2 or 4): a cubic is
    among the drawn activations."""
    from hypothesis import find, settings

    from spec.lemma32.forcing import _any_sigma

    fast = settings(database=None, max_examples=300)
    assert find(_any_sigma(), lambda p: bool(p.degree == 3), settings=fast).degree == 3


def test_moves_are_one_to_three_real_changes() -> None:
    """zero_loss_forces moves θ∗ by 1..3 moves of a known kind with δ ≠ 0 (an empty list
    would only re-test θ∗)."""
    from hypothesis import given, settings

    from spec.lemma32.forcing import _moves

    @given(_moves())
    @settings(database=None, max_examples=60, derandomize=True, deadline=None)
    def moves(ms: list[tuple[str, int, fmpq]]) -> None:
        assert 1 <= len(ms) <= 3
        assert all(k in ("weight", "bias", "shift", "symmetry") and 0 <= p <= 10_000 and d != 0
                   for k, p, d in ms)

    moves()
