"""The JSON Schemas of the file formats (``schemas/``, shipped as ``whyrelu/schemas``) accept
what whyrelu really writes and reads, and reject malformed files; LICENSE and CITATION.cff
match the project metadata."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import whyrelu
from checkers.formats import (
    dataset_from_json,
    dataset_to_json,
    network_from_json,
    network_to_json,
    read_json,
    slp_from_json,
    slp_to_json,
)
from checkers.slp import parse_slp
from spec.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def validate(doc: Any, name: str) -> None:
    schema = whyrelu.schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(doc)


def invalid(doc: Any, name: str) -> bool:
    return not jsonschema.Draft202012Validator(whyrelu.schema(name)).is_valid(doc)


def test_schemas_are_the_repository_files() -> None:
    for name in whyrelu.SCHEMAS:
        on_disk = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text("utf-8"))
        assert on_disk == whyrelu.schema(name)
    with pytest.raises(whyrelu.WhyReluError, match="no schema 'model'"):
        whyrelu.schema("model")


def test_real_networks_and_datasets_validate() -> None:
    doc = read_json(DATA / "net.json")
    validate(doc, "network")
    net = network_from_json(doc)
    validate(network_to_json(net), "network")
    data = read_json(DATA / "data.json")
    validate(data, "dataset")
    validate(dataset_to_json(dataset_from_json(data, net), net), "dataset")
    compiled = whyrelu.compile_slp(DATA / "chain.slp", "x^2 + x")
    validate(compiled.to_json()["network"], "network")


@pytest.mark.parametrize("name", ["chain.slp", "negative.slp", "squaring.slp"])
def test_real_slps_validate_and_round_trip(name: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    slp = parse_slp((DATA / name).read_text(encoding="utf-8"))
    doc = slp_to_json(slp)
    validate(doc, "slp")
    assert slp_from_json(doc) == slp
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["slp", "eval", str(path), "--json"]) == 0
    assert main(["slp", "eval", str(DATA / name), "--json"]) == 0
    out = capsys.readouterr().out
    first, second = out[: len(out) // 2], out[len(out) // 2:]
    assert json.loads(first) == json.loads(second)  # the JSON form means the same program


def test_real_reports_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--claim", "gadget.x_squared_example", "--claim",
                 "gadget.unhalved_lambda_refuted", "--profile", "ci", "--jobs", "1",
                 "--quiet", "--no-figures", "--report", str(tmp_path / "r")]) == 0
    capsys.readouterr()
    doc = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    validate(doc, "report")
    assert doc["schema_version"] == whyrelu.SCHEMA_VERSION
    assert doc["whyrelu_version"] == whyrelu.__version__
    refuted = [c for c in doc["claims"] if c["outcome"] == "refuted"]
    assert refuted and refuted[0]["counterexample"]  # a refutation's fields validate too
    run = whyrelu.run_claim("gadget.x_squared_example")
    validate(json.loads(whyrelu.write_report(run, tmp_path / "api").json.read_text("utf-8")),
             "report")


def test_malformed_files_fail_validation() -> None:
    net = read_json(DATA / "net.json")
    float_weight = json.loads((DATA / "float_weight.json").read_text(encoding="utf-8"))
    assert invalid(float_weight, "network")  # a float weight (the reader refuses it too)
    assert invalid({k: v for k, v in net.items() if k != "outputs"}, "network")
    assert invalid({**net, "edges": [{"from": "x", "to": "h", "weight": "1/2/3"}]}, "network")
    assert invalid({**net, "nodes": [{"name": ""}]}, "network")
    assert invalid([{"x": {"x": "1"}}], "dataset")  # no label
    assert invalid([{"x": {"x": 0.5}, "y": {"o": "1"}}], "dataset")
    assert invalid({"a0": "1", "gates": [["/", 0, 0]]}, "slp")
    assert invalid({"a0": "1", "gates": [["*", -1, 0]]}, "slp")
    assert invalid({"a0": 1.5, "gates": []}, "slp")
    report = {"schema_version": 1, "whyrelu_version": "0.1.0", "claims": [],
              "uncovered_activations": []}
    validate(report, "report")
    assert invalid({**report, "schema_version": 2}, "report")
    assert invalid({k: v for k, v in report.items() if k != "whyrelu_version"}, "report")
    entry: dict[str, Any] = {
             "claim": "c", "reference": "Lemma 3.1", "status": "theorem", "activation": None,
             "outcome": "maybe", "expectation": "holds", "meets_expectation": True,
             "examples": 1, "figures": {}, "worst": None, "message": None,
             "counterexample": None, "replay": None, "certificate": None, "seconds": 0.1}
    assert invalid({**report, "claims": [entry]}, "report")
    validate({**report, "claims": [{**entry, "outcome": "holds"}]}, "report")


def test_license_and_citation_match_the_metadata() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert meta["license"]["text"] == "MIT" and license_text.startswith("MIT License")
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f"version: {meta['version']}" in cff and "license: MIT" in cff
    assert "arXiv:2602.19017" in cff and "Doron-Arad" in cff and "Mossel" in cff
