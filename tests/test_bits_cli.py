"""Tests of ``whyrelu bits`` (spec.cli.bits)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spec.cli import main
from spec.cli.bits import sweep


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(["bits", *argv, "--json"])
    out = capsys.readouterr().out
    return code, (json.loads(out) if code == 0 else {})


def _bits(capsys: pytest.CaptureFixture[str], act: str, *extra: str) -> dict[str, object]:
    code, obj = _run(capsys, "--activation", act, "--depth", "4", "--width", "3",
                     "--weight-bits", "4", "--samples", "2", "--seed", "5", *extra)
    assert code == 0
    return obj


def test_keys_and_determinism(capsys: pytest.CaptureFixture[str]) -> None:
    a = _bits(capsys, "relu")
    assert set(a) == {"max_size_bits", "max_grad_size_bits", "bound_bits"}
    assert a == _bits(capsys, "relu")
    assert all(isinstance(v, int) and v > 0 for v in a.values())


def test_piecewise_linear_within_bound_polynomial_beyond(
        capsys: pytest.CaptureFixture[str]) -> None:
    for act in ("relu", "leaky_relu(1/8)", "pwl(0 | -2 | 1/2*x + 1 | 0 | 2*x + 1 | 3 | -x + 10)",
                "phi_4(x^2)"):
        r = _bits(capsys, act)
        assert int(str(r["max_size_bits"])) <= int(str(r["bound_bits"]))
        assert int(str(r["max_grad_size_bits"])) <= int(str(r["max_size_bits"]))
    code, r = _run(capsys, "--activation", "x^2", "--depth", "8", "--width", "3",
                   "--weight-bits", "4", "--seed", "5")
    assert code == 0 and int(str(r["max_size_bits"])) > int(str(r["bound_bits"]))


def test_hinge_loss_and_budget(capsys: pytest.CaptureFixture[str]) -> None:
    _bits(capsys, "relu", "--loss", "hinge")
    code = main(["bits", "--activation", "x^3", "--depth", "12", "--width", "3",
                 "--budget-bits", "1000"])
    err = capsys.readouterr().err
    assert code == 2 and "bit budget exceeded" in err


def test_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bits", "--depth", "3"]) == 2
    assert "--activation" in capsys.readouterr().err
    assert main(["bits", "--activation", "relu", "--depth", "2", "--width", "0"]) == 2
    assert main(["bits", "--activation", "sin(x)", "--depth", "2"]) == 2
    assert main(["bits", "--activation", "relu", "--depth", "-1"]) == 2
    capsys.readouterr()


def test_sweep_writes_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fig.png"
    code = main(["bits", "--sweep", "--max-depth", "3", "--width", "3", "-o", str(out),
                 "--json"])
    assert code == 0
    obj = json.loads(capsys.readouterr().out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    curves = obj["curves"]
    assert set(curves) == {"x^2", "x^3", "relu", "leaky_relu(1/8)"}
    for name in ("relu", "leaky_relu(1/8)"):
        c = curves[name]
        assert all(m <= b for m, b in zip(c["max_grad_size_bits"], c["grad_bound_bits"],
                                          strict=True))


def test_sweep_curves_are_deterministic_and_stop_on_budget() -> None:
    a = sweep(max_depth=3, width=2, bits=3, samples=1, seed=1, activations=("x^3", "relu"))
    b = sweep(max_depth=3, width=2, bits=3, samples=1, seed=1, activations=("x^3", "relu"))
    assert a == b
    tiny = sweep(max_depth=6, width=2, bits=3, samples=1, seed=1, budget_bits=40,
                 activations=("x^3",))
    assert tiny[0].stopped_at is not None and len(tiny[0].depths) < 6
