"""checkers.relu_erm (the exact zero-loss decider) and ``whyrelu erm``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flint import fmpq

from checkers.activations import IDENTITY, RELU
from checkers.network import Edge, Network, Sample
from checkers.relu_erm import (
    PatternLimitExceeded,
    Problem,
    UnsupportedArchitecture,
    check_refutation,
    decide,
)
from spec.cli import main


def _net(units: int) -> Network:
    acts = {"x": None} | {f"h{k}": RELU for k in range(units)} | {"o": IDENTITY}
    edges = [Edge("x", f"h{k}") for k in range(units)]
    edges += [Edge(f"h{k}", "o", fmpq(1)) for k in range(units)]
    return Network(acts, edges, outputs=["o"], inputs=["x"])


def _problem(units: int, pairs: list[tuple[int, int]]) -> Problem:
    net = _net(units)
    free = tuple(v != "o" for _, v in net.edges)
    data = tuple(Sample({"x": fmpq(a)}, (fmpq(b),)) for a, b in pairs)
    return Problem(net, free, free, data)


ABS = [(-1, 1), (1, 1), (0, 0), (-2, 2)]


def test_one_unit_fits_relu() -> None:
    p = _problem(1, [(0, 0), (1, 1), (2, 2), (-3, 0)])
    d = decide(p)
    assert d.feasible and d.witness is not None and p.zero_loss(d.witness)


def test_abs_needs_two_units() -> None:
    one = _problem(1, ABS)
    d1 = decide(one)
    assert not d1.feasible and d1.refutation is not None
    assert check_refutation(one, d1.refutation)
    two = _problem(2, ABS)
    d2 = decide(two)
    assert d2.feasible and d2.witness is not None and two.zero_loss(d2.witness)


def test_refutation_missing_certificate_rejected() -> None:
    p = _problem(1, ABS)
    d = decide(p)
    assert d.refutation is not None and d.refutation.certificates
    r = d.refutation
    broken = type(r)(r.order, r.kept, r.dropped, r.certificates[1:], r.groups)
    assert not check_refutation(p, broken)


def test_unsupported_architectures() -> None:
    net = _net(1)
    with pytest.raises(UnsupportedArchitecture, match="bilinear"):
        Problem(net, (True, True), (False, False), ())
    deep = Network({"x": None, "h": RELU, "g": RELU, "o": IDENTITY},
                   [Edge("x", "h"), Edge("h", "g"), Edge("g", "o")], outputs=["o"])
    with pytest.raises(UnsupportedArchitecture):
        Problem(deep, (True, True, False), (True, True, False), ())


def test_pattern_limit() -> None:
    with pytest.raises(PatternLimitExceeded):
        decide(_problem(1, ABS), max_patterns=1)


def _files(tmp_path: Path) -> tuple[str, str]:
    net = {"nodes": [{"name": "x"}, {"name": "h0", "activation": "relu"},
                     {"name": "o", "activation": "id"}],
           "inputs": ["x"], "outputs": ["o"],
           "edges": [{"from": "x", "to": "h0", "free": ["weight", "bias"]},
                     {"from": "h0", "to": "o", "weight": "1"}]}
    data = [{"x": {"x": str(a)}, "y": {"o": str(b)}} for a, b in ABS]
    (tmp_path / "n.json").write_text(json.dumps(net))
    (tmp_path / "d.json").write_text(json.dumps(data))
    return str(tmp_path / "n.json"), str(tmp_path / "d.json")


def test_cli_decide_no_with_certificates(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    n, d = _files(tmp_path)
    certs = tmp_path / "c.json"
    assert main(["erm", "decide", n, d, "--json", "--certificates", str(certs)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["feasible"] is False and out["certificates_checked"] is True
    written = json.loads(certs.read_text())
    assert len(written) == out["certificates"] and written[0]["kind"] == "farkas"


def test_cli_decide_bad_free_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    n, d = _files(tmp_path)
    doc = json.loads(Path(n).read_text())
    doc["edges"][0]["free"] = ["slope"]
    Path(n).write_text(json.dumps(doc))
    assert main(["erm", "decide", n, d]) == 2
    assert "free" in capsys.readouterr().err


@pytest.mark.parametrize("sets", ["1 2;;3", "1 x", "0 1", ""])
def test_cli_set_splitting_bad_input(sets: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["erm", "set-splitting", "--sets", sets]) == 2
    err = capsys.readouterr().err
    assert err.startswith("whyrelu: error:") and err.count("\n") == 1


def test_cli_set_splitting_both_ways(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["erm", "set-splitting", "--sets", "1 2; 2 3; 1 3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["splittable"] is False and out["zero_loss"] is False
    assert out["certificates_checked"] is True and out["certificates"] > 0
    assert main(["erm", "set-splitting", "--sets", "1 2 3; 3 4 5; 1 4 5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["splittable"] and out["zero_loss"] and out["witness_verified"]


def test_table1_np_complete_cells_back_both_halves() -> None:
    from spec.claims import load_all
    from spec.harness import table1

    claims = load_all()
    for cell in table1.CELLS:
        if cell.entry != "NP-complete":
            continue
        assert cell.not_executable is not None
        assert "Boob–Dey–Lan" in cell.not_executable
        found = {c.id for b in cell.backing for c in table1.claims_for(b.ref, claims)}
        assert "relu_np_hardness.splittable_iff_zero_loss" in found  # hardness half
        assert "relu_np_hardness.fixed_output_step_cited" in found  # the cited step
        assert any(table1.ref_matches(c.ref, "Theorem E.2")  # membership half
                   for c in claims if c.id in found)


def test_planted_bug_caught_by_the_claim_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plant: an 'on' unit only needs p_k ≥ −1 instead of p_k ≥ 0 (h_k = p_k may then be
    negative).  The triangle (NO) then looks trainable and 'splittable ⇔ loss 0' is refuted.
    (The opposite plant, p_k ≥ 1, goes unnoticed on this reduction: its witnesses have
    p_k = 1 on every active unit, a scale the decider is free to choose.)"""
    import checkers.relu_erm as engine
    from spec.beyond import relu_np_hardness as r
    from spec.claims import ClaimFailure

    real = engine.case_rows

    def planted(prob: Problem, sample: Sample, pattern: tuple[int, ...]) -> engine.Rows:
        rows = real(prob, sample, pattern)
        b = list(rows.b)
        for k, on in enumerate(pattern):  # the first len(pattern) rows are the units' sides
            if on:
                b[k] += 1
        return engine.Rows(rows.A, tuple(b), rows.A_eq, rows.b_eq)

    monkeypatch.setattr(engine, "case_rows", planted)
    insts = [r.SetSplitting(5, ((1, 2, 3), (3, 4, 5), (1, 4, 5))),
             r.SetSplitting(3, ((1, 2), (2, 3), (1, 3)))]
    outs = [r.Outcome(i, r.splitting(i), engine.decide(r.problem(i))) for i in insts]
    with pytest.raises(ClaimFailure, match="splittable ⇔"):
        r._iff_check(outs, [o.split is not None for o in outs])


def test_hinge_loss() -> None:
    net = _net(1)
    free = tuple(v != "o" for _, v in net.edges)
    data = tuple(Sample({"x": fmpq(a)}, (fmpq(b),)) for a, b in [(2, 1), (-2, -1)])
    p = Problem(net, free, free, data, loss="hinge")
    d = decide(p)  # ReLU ≥ 0 cannot reach y·f ≥ 1 for y = −1 with output weight +1
    assert not d.feasible and d.refutation is not None and check_refutation(p, d.refutation)
    p2 = Problem(net, free, free, data[:1], loss="hinge")
    d2 = decide(p2)
    assert d2.feasible and d2.witness is not None and p2.zero_loss(d2.witness)
