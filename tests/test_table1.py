"""Table 1 and ``whyrelu report``: cells tied to claims by paper reference."""

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from spec.claims import Claim, load_all
from spec.cli import main
from spec.harness import table1
from spec.harness.runner import Result


def _claim(cid: str, ref: str, expect: str = "holds") -> Claim:
    return Claim(id=cid, ref=ref, statement="s", status="theorem", covers=None,
                 strategy=lambda act: st.just(None), run_check=lambda act, inst: None,
                 expect=expect)  # type: ignore[arg-type]


def _result(c: Claim, outcome: Any) -> Result:
    return Result(item=c.id, claim_id=c.id, ref=c.ref, status=c.status, activation=None,
                  expect=c.expect, outcome=outcome, examples=1, seconds=0.0)


def test_every_cell_is_present_once_and_explained() -> None:
    keys = [(c.setting, c.column) for c in table1.CELLS]
    assert sorted(keys) == sorted((s, col) for s in table1.SETTINGS for col in ("real", "bit"))
    for c in table1.CELLS:
        assert c.backing or c.not_executable, c
    for h in table1.HEADLINES:
        assert h.backing or h.not_executable, h
    assert any(h.ref == "Corollary 1.2" and not h.backing for h in table1.HEADLINES)
    assert len({c.anchor for c in table1.CELLS}) == len(table1.CELLS)


@pytest.mark.parametrize("claim_ref,wanted,ok", [
    ("Theorem E.1", "Theorem E.1", True),
    ("Thm E.1", "Theorem E.1", True),
    ("Theorem E.1 (bit growth)", "Theorem E.1", True),
    ("Theorem E.12", "Theorem E.1", False),
    ("Theorem 1.1(ii)", "Theorem 1.1", True),
    ("App. C", "Appendix C", True),
    ("Appendix C", "App. C", True),
    ("Lemma 3.2 / Claim B.1", "Claim B.1", True),
    ("Lem 3.1", "Lemma 3.1", True),
    ("Lemma 3.1", "Lemma 3.10", False),
    ("Definition (network semantics)", "Definition (network semantics)", True),
])
def test_ref_matching(claim_ref: str, wanted: str, ok: bool) -> None:
    assert table1.ref_matches(claim_ref, wanted) is ok


def test_status_tolerates_missing_claims() -> None:
    held = _claim("x.e1", "Theorem E.1")
    control = _claim("x.e1_control", "Theorem E.1", expect="counterexample")
    failed = _claim("x.e2", "Theorem E.2")
    idle = _claim("x.r15", "Remark 1.5")
    claims = [held, control, failed, idle]
    results = [_result(held, "proved"), _result(control, "refuted"), _result(failed, "refuted")]
    st_ = {(s.cell.setting, s.cell.column): s  # type: ignore[union-attr]
           for s in table1.status(claims, results)}
    shallow = st_[("Shallow ERM", "bit")]
    assert shallow.verdict.startswith("FAILED: 2/3 claims")
    deep_poly = st_[("Deep ERM, poly σ", "bit")]
    assert deep_poly.verdict == "not yet registered"
    assert st_[("Shallow ERM", "real")].verdict == "not executable"
    pw = st_[("Backprop / sign, pw-linear σ", "bit")]
    assert pw.verdict == "all met: 2/2 claims; 1 not run; 1 reference(s) not yet registered"
    md = "\n".join(table1.markdown(list(st_.values())))
    assert "*not yet registered*" in md and "not run in this report" in md
    assert "[`x.e1`](#claim-x-e1)" in md and "**NOT MET**" in md
    doc = pw.to_json()
    assert doc["column"] == "ERM_bit"
    assert [b["registered"] for b in doc["backing"]] == [True, True, False]


def test_headlines_markdown() -> None:
    claims = list(load_all())
    sts = table1.status(claims, [], table1.HEADLINES)
    md = "\n".join(table1.headlines_markdown(sts))
    assert "Corollary 1.2" in md and "not executable" in md
    assert "`pac.hard_pair_agree_then_differ`" in md  # registered, but not run here
    assert "not run in this report" in md


def test_report_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rep"
    code = main(["report", str(out), "--claim", "pac.hard_pair", "--claim", "figure1",
                 "--jobs", "1", "--quiet", "--profile", "ci", "--pac-trials", "3"])
    assert code == 0
    md = (out / "report.md").read_text(encoding="utf-8")
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert "## Table 1: main complexity comparisons" in md and "## Theorem table" in md
    assert "![Figure 1 (floating-point reproduction)](figures/figure1.png)" in md
    assert (out / "figures" / "figure1.png").exists()
    assert (out / "figures" / "pac_failure.png").exists()
    assert (out / "figures" / "bits-vs-depth.png").read_bytes()[:4] == b"\x89PNG"
    assert "![Figure 1 in the bit model (exact)](figures/bits-vs-depth.png)" in md
    # the exact paper-scale Figure 1 beside the float one (ci: x² to depth 6)
    assert (out / "figures" / "figure1-exact.png").read_bytes()[:4] == b"\x89PNG"
    assert "![Figure 1, exact, at the paper's scale](figures/figure1-exact.png)" in md
    assert "x²: at depth 6 log₁₀‖∇W₁L‖₂ ∈ [219.68" in md  # docs/performance.md's value
    assert "float64 is lost from depth 6 on" in md
    assert "ReLU: at depth 6" in md and "float64 agrees at every depth drawn" in md
    assert len(doc["table1"]) == 10 and doc["ok"] is True
    assert {c["claim"] for c in doc["claims"]} >= {"pac.hard_pair_agree_then_differ",
                                                   "figure1.reproduces_digitised_points"}
    assert [f["file"] for f in doc["figures"]] == ["figures/figure1.png",
                                                   "figures/figure1-exact.png",
                                                   "figures/pac_failure.png",
                                                   "figures/bits-vs-depth.png"]
    assert '<a id="claim-pac-hard-pair-agree-then-differ"></a>' in md


def test_report_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["report", str(f), "--no-figures", "--claim", "pac.hard_pair"]) == 2
    assert main(["report", str(tmp_path / "r"), "--claim", "no-such-claim-xyz"]) == 2
    assert "no claim matches" in capsys.readouterr().err


def test_check_still_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--claim", "pac.real_model", "--jobs", "1", "--quiet",
                 "--profile", "ci", "--no-report"]) == 0
    assert "pac.real_model_one_example" in capsys.readouterr().out


@pytest.mark.parametrize("ref,norm", [
    ("Thm 1.1", "Theorem 1.1"), ("Theorem 1.1", "Theorem 1.1"), ("Lemma 3.1", "Lemma 3.1"),
    ("Def. D.3", "Definition D.3"), ("Definition D.3", "Definition D.3"),
    ("App. C", "Appendix C"), ("Appendix C", "Appendix C"), ("App C", "Appendix C"),
    ("Remark B.3", "Remark B.3"), ("Rem 1.5", "Remark 1.5"), ("Conj. A.2", "Conjecture A.2"),
    ("Corollary 1.2", "Corollary 1.2"), ("Prob 2.3", "Problem 2.3"),
])
def test_normalise_ref(ref: str, norm: str) -> None:
    assert table1.normalise_ref(ref) == norm
