"""Exact gradient descent (checkers.training), checked against the Fraction reference
engine and against a step computed by hand."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from flint import fmpq

from checkers.activations import IDENTITY
from checkers.errors import BitBudgetExceeded
from checkers.formats import dataset_from_json, network_from_json, read_json
from checkers.losses import SQUARE
from checkers.network import Network, Sample
from checkers.reference import RefNetwork, ref_samples
from checkers.training import TrainingError, gd_step, theta_bits, train
from spec.cli import main

DATA = Path(__file__).parent / "data"


def _q(f: Fraction) -> fmpq:
    return fmpq(f.numerator, f.denominator)


def _fixture() -> tuple[Network, list[Sample]]:
    net = network_from_json(read_json(DATA / "net.json"))
    return net, dataset_from_json(read_json(DATA / "data.json"), net)


def test_one_step_by_hand() -> None:
    # f(x) = w·x + b, one sample (x, y) = (2, 1), L = ½(f − y)², θ = (w, b) = (1, 0), η = 1/4:
    # f = 2, ∂L/∂w = (f − y)·x = 2, ∂L/∂b = 1, so θ' = (1 − 1/2, 0 − 1/4) = (1/2, −1/4);
    # then f' = 3/4 and L(θ') = ½(3/4 − 1)² = 1/32.
    net = Network({"x": None, "o": IDENTITY}, [("x", "o", fmpq(1), fmpq(0))],
                  outputs=["o"], inputs=["x"])
    data = [Sample.of({"x": 2}, [1])]
    step = gd_step(net, data, SQUARE, fmpq(1, 4))
    assert step.weights == (fmpq(1, 2),) and step.biases == (fmpq(-1, 4),)
    run = train(net, data, SQUARE, fmpq(1, 4), 1)
    assert [r.loss for r in run.records] == [fmpq(1, 2), fmpq(1, 32)]
    # the sign of the step matters: θ + η∇L gives f = 5/2·... a larger loss
    assert gd_step(net, data, SQUARE, fmpq(-1, 4)).loss(data, SQUARE) > fmpq(1, 2)


def test_gd_step_is_theta_minus_eta_reference_gradient() -> None:
    net, data = _fixture()
    eta = fmpq(1, 8)
    ref = RefNetwork(net)
    _, gw, gb = ref.gradient(ref_samples(data), "square")
    new = gd_step(net, data, SQUARE, eta)
    e = Fraction(1, 8)
    assert list(new.weights) == [_q(Fraction(int(w.p), int(w.q)) - e * g)
                                 for w, g in zip(net.weights, gw, strict=True)]
    assert list(new.biases) == [_q(Fraction(int(b.p), int(b.q)) - e * g)
                                for b, g in zip(net.biases, gb, strict=True)]


def test_train_records_match_reference_losses_and_sizes() -> None:
    net, data = _fixture()
    eta = fmpq(1, 16)
    run = train(net, data, SQUARE, eta, 3)
    assert len(run.records) == 4
    cur = net
    for k, rec in enumerate(run.records):
        loss, _, _ = RefNetwork(cur).gradient(ref_samples(data), "square")
        assert rec.step == k and rec.loss == _q(loss)
        assert rec.theta_bits == theta_bits(cur)
        if k < 3:
            cur = gd_step(cur, data, SQUARE, eta)
    assert run.network.weights == cur.weights and run.network.biases == cur.biases


def test_train_refuses_bad_arguments_and_budget() -> None:
    net, data = _fixture()
    with pytest.raises(TrainingError, match="steps must be >= 0"):
        train(net, data, SQUARE, fmpq(1, 8), -1)
    with pytest.raises(TrainingError, match="at least one sample"):
        train(net, [], SQUARE, fmpq(1, 8), 1)
    with pytest.raises(BitBudgetExceeded):
        train(net, data, SQUARE, fmpq(1, 8), 40, budget_bits=64)


def test_cli_train_save_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "trained.json"
    code = main(["train", str(DATA / "net.json"), str(DATA / "data.json"), "--lr", "1/8",
                 "--steps", "2", "--json", "--save", str(out)])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    net, data = _fixture()
    run = train(net, data, SQUARE, fmpq(1, 8), 2)
    assert doc["final_loss"] == str(run.records[-1].loss)
    assert [r["theta_bits"] for r in doc["records"]] == [r.theta_bits for r in run.records]
    saved = network_from_json(read_json(out))
    assert saved.weights == run.network.weights
    code = main(["train", str(DATA / "net.json"), str(DATA / "data.json"), "--steps", "30",
                 "--budget-bits", "64", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("whyrelu: error: bit budget exceeded")
    assert err.count("\n") == 1
