"""pytest conventions of the claim suite: registered markers (status, ``control``, side),
ids that ``-k`` selects by activation slug, ``--activation``, per-claim statistics, and the
replay line of a refutation (the pytest node id and the command line)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from spec.claims import STATUSES, get_claim, load_all
from spec.harness.pytest_plugin import MARKERS, side
from spec.harness.runner import Item, item_id, slug

ROOT = Path(__file__).resolve().parent.parent


def _pytest(*args: str, plugin_dir: Path | None = None,
            profile: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "1",
           "PYTHONPATH": os.pathsep.join(str(p) for p in (ROOT, plugin_dir) if p)}
    env.pop("HYPOTHESIS_PROFILE", None)
    if profile is not None:
        env["HYPOTHESIS_PROFILE"] = profile
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-p",
                           "no:cacheprovider", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


def _collected(*args: str) -> list[str]:
    proc = _pytest("tests/test_claims.py", "--collect-only", "-q", *args)
    assert proc.returncode in (0, 5), proc.stdout + proc.stderr
    return [ln for ln in proc.stdout.splitlines() if ln.startswith("tests/test_claims.py::")]


def test_slugs() -> None:
    assert slug("x^2 + x") == "x2_plus_x"
    assert slug("x^4 - x") == "x4_minus_x"
    assert slug("leaky_relu(1/8)") == "leaky_relu_1_8"
    assert slug("phi_4(x^2)") == "phi_4_x2"
    assert item_id(Item("gadget.identity", "x^2 + x")) == "gadget.identity[x^2 + x|x2_plus_x]"
    assert item_id(Item("c", None, 1, 3)) == "c#2of3"


def test_every_marker_is_registered_and_sides_follow_the_paper() -> None:
    assert set(STATUSES) | {"control", "hardness", "tractable"} == set(MARKERS)
    assert side(get_claim("gadget.identity")) == "hardness"  # Lemma 3.1
    tractable = [c for c in load_all() if c.ref.startswith(("Theorem E.", "Remark 1.5"))]
    assert tractable and all(side(c) == "tractable" for c in tractable)
    assert all(side(c) is None for c in load_all() if c.ref.startswith("Theorem D."))  # PAC


def test_markers_select_what_they_say() -> None:
    claims = {c.id: c for c in load_all()}

    def ids(lines: list[str]) -> set[str]:
        return {ln.split("[", 1)[1].split("[", 1)[0].split("#", 1)[0].rstrip("]")
                for ln in lines}

    errata = ids(_collected("-m", "erratum"))
    assert errata and errata == {i for i, c in claims.items() if c.status == "erratum"}
    not_control = ids(_collected("-m", "not control"))
    assert not_control and all(claims[i].control_of is None for i in not_control)
    tractable = ids(_collected("-m", "tractable and control"))
    assert tractable and all(claims[i].control_of is not None
                             and side(claims[i]) == "tractable" for i in tractable)


def test_unregistered_markers_are_errors(tmp_path: Path) -> None:
    test = tmp_path / "test_typo.py"
    test.write_text("import pytest\n\n@pytest.mark.theorm\ndef test_x() -> None:\n    pass\n",
                    encoding="utf-8")
    proc = _pytest(str(test), "-q", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT))
    assert proc.returncode != 0 and "'theorm' not found in `markers`" in proc.stdout


def test_k_selects_by_activation_slug_and_activation_adds_one() -> None:
    lines = _collected("-k", "x2_plus_x")
    assert lines and all("[x^2 + x|x2_plus_x]" in ln for ln in lines)
    added = _collected("--activation", "x^4 - x", "--whyrelu-activation", "x^5", "-k",
                       "x4_minus_x or x5")
    assert any("|x4_minus_x]" in ln for ln in added) and any("|x5]" in ln for ln in added)


def test_statistics_and_the_replay_line_of_a_planted_bug(tmp_path: Path) -> None:
    # the plant: λ doubled, so Lemma 3.1's example (λ = (1/2, 0, 0) for x²) must fail
    (tmp_path / "plant_lambda.py").write_text(
        "import spec.gadget as g\n_orig = g.gadget_lambdas\n"
        "g.gadget_lambdas = lambda s: [2 * v for v in _orig(s)]\n", encoding="utf-8")
    node = "tests/test_claims.py::test_claim[gadget.x_squared_example]"
    proc = _pytest(node, "-q", "--hypothesis-show-statistics", "-p", "plant_lambda",
                   plugin_dir=tmp_path)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert f"replay: pytest '{node}'" in out
    assert "or: whyrelu check --claim gadget.x_squared_example --profile ci" in out
    assert "@reproduce_failure" not in out
    stats = out[out.index("whyrelu claim statistics"):]
    assert "gadget.x_squared_example: " in stats and "stopped: found a counterexample" in stats
    clean = _pytest(node, "-q", "--hypothesis-show-statistics")
    assert clean.returncode == 0, clean.stdout
    assert "stopped: reached the example budget" in clean.stdout


@pytest.mark.parametrize("status", sorted(STATUSES))
def test_status_markers_exist(status: str) -> None:
    assert status in MARKERS


def test_an_unknown_profile_is_a_usage_error_under_pytest() -> None:
    proc = _pytest("tests/test_poly.py", "-q", profile="foo")
    assert proc.returncode == 4
    assert "HYPOTHESIS_PROFILE='foo' is not a whyrelu profile" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
