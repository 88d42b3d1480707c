"""checkers.formats: network and dataset JSON (rationals as strings; floats refused)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flint import fmpq, fmpz
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers import formats
from checkers.activations import RELU
from checkers.errors import CycleError, DataError, NetworkError, WhyReluError
from checkers.formats import (
    dataset_from_json,
    dataset_to_json,
    loads_json,
    network_from_json,
    network_to_json,
    rationals_json,
    read_json,
)
from checkers.network import Network, Sample
from strategies import any_activation, dag_networks, samples_for

NET: dict[str, Any] = {
    "nodes": [{"name": "x"}, {"name": "h", "activation": "relu"},
              {"name": "o", "activation": "x^2 + 1/2*x"}],
    "inputs": ["x"],
    "outputs": ["o"],
    "edges": [{"from": "x", "to": "h", "weight": "2", "bias": "-1"},
              {"from": "h", "to": "o", "weight": "1/2", "bias": "1/3"}],
}


def _net(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(NET))
    doc.update(changes)
    return doc


# ------------------------------------------------------------------ round trips


def test_reading_a_hand_written_network() -> None:
    net = network_from_json(NET)
    assert net.nodes == ("x", "h", "o") and net.inputs == ("x",) and net.outputs == ("o",)
    assert net.weights == (fmpq(2), fmpq(1, 2)) and net.biases == (fmpq(-1), fmpq(1, 3))
    assert net.activation("h") == RELU
    assert network_to_json(net) == {**NET, "nodes": [
        {"name": "x"}, {"name": "h", "activation": "relu"},
        {"name": "o", "activation": "x^2 + 1/2*x"}]}


def test_defaults_and_integer_rationals() -> None:
    doc = _net(edges=[{"from": "x", "to": "h"}, {"from": "h", "to": "o", "weight": 3}])
    net = network_from_json(doc)
    assert net.weights == (fmpq(1), fmpq(3)) and net.biases == (fmpq(0), fmpq(0))


@settings(max_examples=30)
@given(st.data())
def test_network_and_dataset_round_trip_through_text(data: Any) -> None:
    net = data.draw(dag_networks(any_activation(), max_hidden=4, weight_bits=30))
    samples = data.draw(samples_for(net, bits=30, inject_everywhere=True))
    text = json.dumps(network_to_json(net))
    again = network_from_json(loads_json(text))
    assert again.nodes == net.nodes and again.edges == net.edges
    assert again.inputs == net.inputs and again.outputs == net.outputs
    assert again.weights == net.weights and again.biases == net.biases
    assert [again.activation(v) for v in net.nodes] == [net.activation(v) for v in net.nodes]
    back = dataset_from_json(loads_json(json.dumps(dataset_to_json(samples, net))), again)
    assert back == samples
    assert again.forward(samples[0].x).val == net.forward(samples[0].x).val


def test_dataset_missing_inputs_are_zero() -> None:
    net = network_from_json(NET)
    data = dataset_from_json([{"y": {"o": "1"}}, {"x": {"x": "3/2", "h": -1}, "y": {"o": 0}}],
                             net)
    assert data == [Sample.of({}, [1]), Sample.of({"x": "3/2", "h": -1}, [0])]


# ------------------------------------------------------------------ JSON-level rejection


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"w": 0.5}', "JSON number 0.5 is a float"),
        ('{"w": 1e3}', "JSON number 1e3 is a float"),
        ('{"w": -0.0}', "JSON number -0.0 is a float"),
        ('{"w": NaN}', "JSON constant NaN is not a rational"),
        ('[Infinity]', "JSON constant Infinity"),
        ('[-Infinity]', "JSON constant -Infinity"),
        ('{"w": }', "invalid JSON"),
        ("", "invalid JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_loads_json_rejects(text: str, fragment: str) -> None:
    with pytest.raises(DataError) as info:
        loads_json(text, source="f.json")
    assert str(info.value).startswith("f.json: ") and fragment in str(info.value)


def test_exact_json_is_read_exactly() -> None:
    assert loads_json('{"w": "1/3", "n": 10000000000000000000000001}') == {
        "w": "1/3", "n": 10000000000000000000000001}


def test_read_json(tmp_path: Path) -> None:
    good = tmp_path / "net.json"
    good.write_text(json.dumps(NET), encoding="utf-8")
    assert read_json(good) == NET
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"name": "\xe9"}')
    with pytest.raises(DataError, match="not UTF-8"):
        read_json(latin)
    with pytest.raises(FileNotFoundError):
        read_json(tmp_path / "missing.json")


def test_read_json_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "MAX_JSON_BYTES", 10)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(NET), encoding="utf-8")
    with pytest.raises(DataError, match="larger than 10 bytes"):
        read_json(big)


# ------------------------------------------------------------------ network documents


def _net_error(doc: Any, cls: type[WhyReluError] = DataError) -> str:
    with pytest.raises(cls) as info:
        network_from_json(doc, source="net.json")
    msg = str(info.value)
    assert msg.startswith("net.json"), msg
    return msg


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"nodes": None}, "nodes: expected a JSON list, got NoneType"),
        ({"nodes": [1]}, "nodes[0]: expected a JSON object, got int"),
        ({"nodes": [{"activation": "relu"}]}, "nodes[0].name: expected a non-empty node name"),
        ({"nodes": [{"name": "x"}, {"name": "h", "activation": 3},
                    {"name": "o", "activation": "x"}]}, "node 'h': activation must be a string"),
        ({"nodes": [{"name": "x"}, {"name": "h", "activation": "tanh"},
                    {"name": "o", "activation": "x"}]}, "node 'h': bad activation 'tanh'"),
        ({"nodes": [{"name": "x"}, {"name": "h", "activation": "sqrt(x)"},
                    {"name": "o", "activation": "x"}]}, "node 'h': bad activation"),
        ({"inputs": "x"}, "inputs: expected a JSON list"),
        ({"outputs": [""]}, "outputs: expected a non-empty node name"),
        ({"edges": [{"from": "x", "to": "h", "weight": "0.5.1"}]},
         "edge x->h weight: not a rational: '0.5.1'"),
        ({"edges": [{"from": "x", "to": "h", "bias": True}]},
         "edge x->h bias: expected a rational string"),
        ({"edges": [{"from": "x", "to": "h", "weight": ["1"]}]},
         "edge x->h weight: expected a rational string"),
        ({"edges": [{"from": "x", "to": "h", "weight": "1/0"}]}, "zero denominator"),
        ({"edges": [{"to": "h"}]}, "edges[0].from: expected a non-empty node name"),
    ],
)
def test_malformed_network_documents(changes: dict[str, Any], fragment: str) -> None:
    assert fragment in _net_error(_net(**changes))


def test_missing_keys_and_wrong_document_type() -> None:
    for key in ("nodes", "outputs", "edges"):
        doc = _net()
        del doc[key]
        assert f"missing key '{key}'" in _net_error(doc)
    assert "expected a JSON object, got list" in _net_error([])


def test_structural_errors_keep_their_type_and_name_the_culprit() -> None:
    msg = _net_error(_net(nodes=[*NET["nodes"], {"name": "h", "activation": "relu"}]),
                     NetworkError)
    assert "duplicate node 'h'" in msg
    msg = _net_error(_net(nodes=[*NET["nodes"], {"name": "lonely"}]), NetworkError)
    assert "node 'lonely' has no activation and is not listed in 'inputs'" in msg
    msg = _net_error(_net(nodes=[{"name": "x", "activation": "relu"}, *NET["nodes"][1:]]),
                     NetworkError)
    assert "input node 'x' must not carry an activation" in msg
    msg = _net_error(_net(outputs=["z"]), NetworkError)
    assert "output 'z' is not a node" in msg
    msg = _net_error(_net(edges=[*NET["edges"], {"from": "o", "to": "q"}]), NetworkError)
    assert "edge o->q: unknown node 'q'" in msg
    msg = _net_error(_net(edges=[*NET["edges"], {"from": "o", "to": "x"}]), NetworkError)
    assert "enters the input node 'x'" in msg
    msg = _net_error(_net(edges=[*NET["edges"], {"from": "x", "to": "h"}]), NetworkError)
    assert "duplicate edge x->h" in msg
    msg = _net_error(_net(edges=[*NET["edges"], {"from": "o", "to": "h"}]), CycleError)
    assert "directed cycle" in msg and ("h -> o -> h" in msg or "o -> h -> o" in msg)


# ------------------------------------------------------------------ dataset documents


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ({"x": {}}, "data.json: expected a JSON list"),
        ([3], "data.json[0]: expected a JSON object, got int"),
        ([{"x": [], "y": {"o": "1"}}], "data.json[0].x: expected a JSON object"),
        ([{"x": {"q": "1"}, "y": {"o": "1"}}], "data.json[0].x: unknown node 'q'"),
        ([{"x": {"x": "1/2/3"}, "y": {"o": "1"}}],
         "data.json[0].x.x: not a rational: '1/2/3'"),
        ([{"x": {}, "y": {"h": "1", "o": "1"}}], "data.json[0].y: 'h' is not an output"),
        ([{"x": {}, "y": {}}], "data.json[0].y: missing label for output 'o'"),
        ([{"x": {}, "y": {"o": None}}], "data.json[0].y.o: expected a rational string"),
    ],
)
def test_malformed_datasets(doc: Any, fragment: str) -> None:
    net = network_from_json(NET)
    with pytest.raises(DataError) as info:
        dataset_from_json(doc, net, source="data.json")
    assert fragment in str(info.value)


def test_rationals_json() -> None:
    assert rationals_json({"a": fmpq(-6, 4), "b": 3, "c": "2/4"}) == {
        "a": "-3/2", "b": "3", "c": "1/2"}


def test_network_to_json_of_a_programmatic_network() -> None:
    net = Network({"x": None, "h": RELU}, [("x", "h", "-1/3", 0)], ["h"])
    assert network_to_json(net)["edges"] == [
        {"from": "x", "to": "h", "weight": "-1/3", "bias": "0"}]


# ------------------------------------------------------------------ exact messages and limits


@pytest.mark.parametrize(("changes", "message"), [
    ({"edges": [3]}, "net.json: edges[0]: expected a JSON object, got int"),
    ({"edges": [{"from": "x"}]}, "net.json: edges[0].to: expected a non-empty node name, "
                                 "got None"),
    ({"outputs": 3}, "net.json: outputs: expected a JSON list, got int"),
    ({"inputs": 5}, "net.json: inputs: expected a JSON list, got int"),
])
def test_network_messages_are_exact(changes: dict[str, Any], message: str) -> None:
    assert _net_error(_net(**changes)) == message


def test_default_sources_name_the_document() -> None:
    with pytest.raises(DataError, match=r"^<json>: invalid JSON"):
        loads_json("{")
    with pytest.raises(DataError, match=r"^<network>: expected a JSON object, got list$"):
        network_from_json([])
    with pytest.raises(DataError, match=r"^<data>: expected a JSON list, got dict$"):
        dataset_from_json({}, network_from_json(NET))


def test_inputs_are_optional_and_keep_their_order() -> None:
    net = network_from_json({"nodes": [{"name": "h", "activation": "relu"}],
                             "outputs": ["h"], "edges": []})
    assert net.inputs == () and net({}) == (fmpq(0),)
    two = network_from_json({"nodes": [{"name": "x"}, {"name": "y"},
                                       {"name": "o", "activation": "id"}],
                             "inputs": ["y", "x"], "outputs": ["o"], "edges": []})
    assert two.inputs == ("y", "x")


def test_dataset_labels_exact_messages() -> None:
    net = network_from_json(NET)
    with pytest.raises(DataError) as info:
        dataset_from_json([{"x": {}}], net, source="d.json")
    assert str(info.value) == "d.json[0].y: missing label for output 'o'"
    with pytest.raises(DataError) as info:
        dataset_from_json([{"x": {}, "y": 3}], net, source="d.json")
    assert str(info.value) == "d.json[0].y: expected a JSON object, got int"
    no_outputs = network_from_json({"nodes": [{"name": "x"}], "inputs": ["x"],
                                    "outputs": [], "edges": []})
    assert dataset_from_json([{"x": {"x": "1"}}], no_outputs)[0].y == ()


def test_long_json_integers() -> None:
    assert type(loads_json("7" * 4000)) is int
    assert type(loads_json("7" * 4001)) is fmpz
    assert loads_json("7" * 1_000_000) == fmpz("7" * 1_000_000)
    with pytest.raises(DataError, match=r"^<json>: JSON integer literal too long \(1000001"):
        loads_json("7" * 1_000_001)


def test_read_json_size_limit_is_inclusive_and_reads_utf8(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "n.json"
    f.write_text('{"é": "ü"}', encoding="utf-8")
    n = f.stat().st_size
    monkeypatch.setattr(formats, "MAX_JSON_BYTES", n)
    assert read_json(f) == {"é": "ü"}
    monkeypatch.setattr(formats, "MAX_JSON_BYTES", n - 1)
    with pytest.raises(DataError, match=f"file larger than {n - 1} bytes"):
        read_json(f)


def test_dataset_to_json_needs_a_label_per_output() -> None:
    net = network_from_json(NET)
    with pytest.raises(DataError, match=r"^sample 0: 2 labels for 1 outputs$"):
        dataset_to_json([Sample.of({"x": 1}, [1, 2])], net)
