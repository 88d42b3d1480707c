"""Unit tests of spec/figure1.py: the float64 reproduction of Figure 1."""

import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from spec import figure1
from spec.cli import main

SMALL = figure1.Setup(width=5, input_dim=3, batch=4, scale=1.5)


@pytest.mark.parametrize("act", ["square", "relu"])
def test_backprop_matches_central_differences(act: figure1.Act) -> None:
    inst = figure1.instance(3, act, seed=11, setup=SMALL)
    grad = figure1.first_layer_gradient(inst)
    h = 1e-6
    for i, j in [(0, 0), (2, 1), (4, 2)]:
        w = inst.weights[0]
        plus = [w.copy(), *inst.weights[1:]]
        minus = [w.copy(), *inst.weights[1:]]
        plus[0][i, j] += h
        minus[0][i, j] -= h
        num = (figure1.loss(replace(inst, weights=plus))
               - figure1.loss(replace(inst, weights=minus))) / (2 * h)
        assert grad[i, j] == pytest.approx(num, rel=1e-5, abs=1e-7)


def test_instance_is_seeded_and_shaped() -> None:
    a = figure1.instance(2, "relu", 3, SMALL)
    b = figure1.instance(2, "relu", 3, SMALL)
    assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights, strict=True))
    assert [w.shape for w in a.weights] == [(5, 3), (5, 5)]
    assert a.w_out.shape == (1, 5) and a.x.shape == (4, 3) and a.y.shape == (4, 1)
    with pytest.raises(ValueError, match="depth"):
        figure1.instance(0, "relu", 0)


def test_curves_have_the_paper_shape() -> None:
    cmp = figure1.compare(seeds=2)
    assert len(cmp.relu) == len(figure1.RELU_DEPTHS) == len(figure1.DIGITISED["relu"])
    assert len(cmp.square) == len(figure1.SQUARE_DEPTHS) == len(figure1.DIGITISED["square"])
    # x^2 increments roughly double; ReLU grows about one decade per layer
    inc = np.diff(cmp.square)
    assert all(b > 1.5 * a for a, b in itertools.pairwise(inc))
    slope = np.polyfit(figure1.RELU_DEPTHS, cmp.relu, 1)[0]
    assert 0.7 < slope < 1.2


def test_default_setup_is_within_tolerance_and_unscaled_is_not() -> None:
    assert figure1.compare().within_tolerance
    assert not figure1.compare(setup=figure1.Setup(scale=1.0)).within_tolerance


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "f.png"
    code = main(["figure1", "-o", str(out), "--json", "--seeds", "2"])
    doc = json.loads(capsys.readouterr().out)
    assert code == (0 if doc["within_tolerance"] else 1)  # a failed check exits non-zero
    assert doc["arithmetic"].startswith("floating point")
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert main(["figure1", "--seeds", "0", "--no-plot"]) == 2
