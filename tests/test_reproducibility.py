"""Reproducibility: ``ci`` runs are identical (outcomes, theorem tables, report files and
figures, byte for byte); ``--seed`` makes a randomized profile reproducible; the replay
command printed for a refutation reproduces the same counterexample.

The full three-run comparison of the whole suite is ``scripts/reproducibility.sh`` (too
slow for CI); here a representative subset of claims runs twice, in fresh processes with
different hash seeds.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis.database import InMemoryExampleDatabase

from spec.cli import main
from spec.harness.report import markdown_without_timings, without_timings
from spec.harness.runner import Item, run_item

SUBSET = [
    "engine.slp_matches_reference",        # holds, activation-free
    "engine.swapped_subtraction_refuted",  # a negative control: refuted, with counterexample
    "gadget.identity",                     # proved on every polynomial activation
    "piecewise.addition_rule_paper",       # an erratum
    "pac.sample_size_lower_bound",         # measured figure against its bound
    "figure1.reproduces_digitised_points",  # floating point, cited
]
CONTROL = "engine.swapped_subtraction_refuted"
ACT_CONTROL = "engine.dropped_bias_refuted"


def _whyrelu() -> str:
    return str(Path(sys.executable).with_name("whyrelu"))


def _check_in_subprocess(report: Path, hash_seed: str) -> str:
    argv = [_whyrelu(), "check", "--profile", "ci", "--jobs", "1", "--quiet",
            "--report", str(report)]
    for c in SUBSET:
        argv += ["--claim", c]
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    r = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False, env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_two_ci_runs_give_identical_tables_reports_and_figures(tmp_path: Path) -> None:
    tables = [_check_in_subprocess(tmp_path / f"r{i}", str(i)) for i in (1, 2)]
    assert tables[0] == tables[1]
    assert "engine.swapped_subtraction_refuted" in tables[0]
    docs = [json.loads((tmp_path / f"r{i}" / "report.json").read_text(encoding="utf-8"))
            for i in (1, 2)]
    assert without_timings(docs[0]) == without_timings(docs[1])  # only timings may differ
    assert {c["claim"] for c in docs[0]["claims"]} >= set(SUBSET)
    mds = [markdown_without_timings((tmp_path / f"r{i}" / "report.md").read_text(
        encoding="utf-8")) for i in (1, 2)]
    assert mds[0] == mds[1]
    figs = sorted(p.name for p in (tmp_path / "r1" / "figures").glob("*.png"))
    assert figs == ["bits-vs-depth.png", "figure1-exact.png", "figure1.png",
                    "pac_failure.png"]
    for name in figs:
        one = (tmp_path / "r1" / "figures" / name).read_bytes()
        two = (tmp_path / "r2" / "figures" / name).read_bytes()
        assert one == two, f"{name} differs between runs"
        assert b"Software" not in one and b"matplotlib version" not in one


def test_without_timings_drops_only_wall_clock_fields() -> None:
    doc = {"seconds": 1.5, "claims": [{"claim": "a", "seconds": 0.2, "examples": 3}],
           "ok": True}
    assert without_timings(doc) == {"claims": [{"claim": "a", "examples": 3}], "ok": True}
    assert markdown_without_timings("- Run time 12.3 s; whyrelu 0.1") == \
        "- Run time … s; whyrelu 0.1"


# ------------------------------------------------------------------ replay and --seed


def _check(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", "--jobs", "1", "--quiet", "--no-figures", *argv])
    return code, out.getvalue()


def _entries(report: Path, claim: str) -> list[dict[str, Any]]:
    doc = json.loads((report / "report.json").read_text(encoding="utf-8"))
    return [c for c in doc["claims"] if c["claim"] == claim]


def _replay(command: str, report: Path) -> None:
    """Run a printed replay command (without the Hypothesis blob note) into ``report``."""
    argv = shlex.split(command.split("   (Hypothesis:")[0])
    assert argv[:2] == ["whyrelu", "check"]
    code, _ = _check(*argv[2:], "--report", str(report))
    assert code == 0


@pytest.mark.parametrize(("claim", "activation"), [(CONTROL, None), (ACT_CONTROL, "x^3")])
def test_the_printed_replay_command_reproduces_the_counterexample(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, claim: str,
        activation: str | None) -> None:
    monkeypatch.chdir(tmp_path)
    code, _ = _check("--profile", "ci", "--claim", claim, "--report", "first")
    assert code == 0
    first = next(e for e in _entries(tmp_path / "first", claim)
                 if e["activation"] == activation)
    assert first["outcome"] == "refuted" and first["counterexample"]
    replay = first["replay"]
    assert replay.startswith(f"whyrelu check --claim {claim} --profile ci")
    assert "@reproduce_failure" not in replay  # the command line replays; no opaque blob
    if activation is not None:
        assert f"--activation '{activation}'" in replay
    _replay(replay, tmp_path / "again")
    again = next(e for e in _entries(tmp_path / "again", claim)
                 if e["activation"] == activation)
    assert again["outcome"] == "refuted"
    assert again["counterexample"] == first["counterexample"]
    assert again["message"] == first["message"]


def test_seed_makes_the_dev_profile_reproducible(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # unseeded runs in between store their counterexamples in the example database, and a
    # seeded run must not replay them
    monkeypatch.chdir(tmp_path)
    claims = ["--claim", CONTROL, "--claim", "engine.slp_matches_reference"]
    _check("--profile", "dev", "--seed", "11", *claims, "--report", "s1")
    for _ in range(2):
        _check("--profile", "dev", *claims, "--report", "unseeded")
    _check("--profile", "dev", "--seed", "11", *claims, "--report", "s2")
    docs = [without_timings(json.loads((tmp_path / d / "report.json").read_text(
        encoding="utf-8"))) for d in ("s1", "s2")]
    assert docs[0] == docs[1]
    assert docs[0]["seed"] == 11 and docs[0]["profile"] == "dev"
    control = next(c for c in docs[0]["claims"] if c["claim"] == CONTROL)
    assert control["outcome"] == "refuted" and "--seed 11" in control["replay"]
    _replay(control["replay"], tmp_path / "replayed")
    replayed = _entries(tmp_path / "replayed", CONTROL)[0]
    assert replayed["counterexample"] == control["counterexample"]


def test_a_seeded_run_ignores_the_example_database() -> None:
    # an unseeded run stores its counterexample in the database; a seeded run that
    # replayed it would stop at example 1 instead of where the seed first fails
    db = InMemoryExampleDatabase()
    settings.register_profile("dev-memory-db", settings(settings.get_profile("dev"),
                                                        database=db))
    item = Item(CONTROL, None)
    first = run_item(item, profile="dev-memory-db", user_seed=5)
    assert first.outcome == "refuted" and first.examples > 1
    stored = run_item(item, profile="dev-memory-db")
    assert stored.outcome == "refuted" and any(db.data.values())
    again = run_item(item, profile="dev-memory-db", user_seed=5)
    assert (again.outcome, again.examples, again.counterexample, again.message) == (
        first.outcome, first.examples, first.counterexample, first.message)
