"""File formats: network, dataset and SLP JSON (the SLP text format is :mod:`checkers.slp`);
their JSON Schemas are ``whyrelu/schemas/*.schema.json`` (``schemas/`` in the repository).

Rationals are strings ``"p/q"``, ``"p"`` or decimals ``"0.01"`` (read exactly; JSON integers
are accepted too).  JSON floats are refused unless ``exact_float=True`` (``--exact-floats``),
which takes their exact binary value; ``NaN`` and ``Infinity`` are always refused.  Network JSON::

    {"nodes": [{"name": "x"}, {"name": "h", "activation": "relu"}, ...],
     "inputs": ["x"], "outputs": ["h"],
     "edges": [{"from": "x", "to": "h", "weight": "1/2", "bias": "0"}]}

Input nodes carry no activation.  A dataset is a JSON list of
``{"x": {node: "p/q"}, "y": {output: "p/q"}}``; missing input coordinates are 0.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flint import fmpz

from checkers.activations import Activation, parse_activation
from checkers.errors import DataError, NetworkError, SLPError, WhyReluError
from checkers.network import Edge, Network, Sample
from checkers.rationals import RationalLike, fmt, to_q
from checkers.slp import OPS, SLP, Gate

MAX_JSON_BYTES = 256 * 1024 * 1024
MAX_INT_DIGITS = 1_000_000
"""Longest JSON integer literal read (as for ``"p/q"`` strings, see :func:`to_q`)."""


def _reject_float(text: str) -> Any:
    raise DataError(f"JSON number {text} is a float; write rationals as strings like \"1/2\" "
                    f"or \"0.5\" (read exactly), or pass exact_float=True (--exact-floats) "
                    f"to take its exact binary value")


def _reject_constant(text: str) -> Any:
    raise DataError(f"JSON constant {text} is not a rational")


def _parse_int(text: str) -> int | fmpz:
    # int() refuses literals beyond sys.get_int_max_str_digits(); fmpz has no such limit
    if len(text) <= 4000:
        return int(text)
    if len(text) > MAX_INT_DIGITS:
        raise DataError(f"JSON integer literal too long ({len(text)} digits)")
    return fmpz(text)


def loads_json(text: str, *, source: str = "<json>", exact_float: bool = False) -> Any:
    """Parse JSON refusing NaN, Infinity and (unless ``exact_float``) floats; errors are
    :class:`DataError`.

    Integers longer than 4000 digits are read as ``fmpz``."""
    try:
        return json.loads(text, parse_float=float if exact_float else _reject_float,
                          parse_constant=_reject_constant, parse_int=_parse_int)
    except DataError as e:
        raise DataError(f"{source}: {e}") from None
    except RecursionError:
        raise DataError(f"{source}: JSON nested too deeply") from None
    except json.JSONDecodeError as e:
        raise DataError(f"{source}: invalid JSON: {e}") from None


def read_json(path: str | Path, *, exact_float: bool = False) -> Any:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_JSON_BYTES:
            raise DataError(f"{p}: file larger than {MAX_JSON_BYTES} bytes")
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise DataError(f"{p}: not UTF-8 text ({e.reason})") from None
    return loads_json(text, source=str(p), exact_float=exact_float)


def _rational(value: Any, where: str, exact_float: bool = False) -> RationalLike:
    if isinstance(value, float) and exact_float:
        try:
            return to_q(value, exact_float=True)
        except (TypeError, ValueError) as e:
            raise DataError(f"{where}: {e}") from None
    if isinstance(value, bool) or not isinstance(value, int | fmpz | str):
        raise DataError(f"{where}: expected a rational string like \"1/2\", got {value!r}")
    try:
        return to_q(value)
    except (TypeError, ValueError) as e:
        raise DataError(f"{where}: {e}") from None


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DataError(f"{where}: expected a JSON object, got {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise DataError(f"{where}: expected a JSON list, got {type(value).__name__}")
    return value


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise DataError(f"{where}: expected a non-empty node name, got {value!r}")
    return value


def network_from_json(doc: Any, *, source: str = "<network>",
                      exact_float: bool = False) -> Network:
    """Build a :class:`Network` from the network JSON document (see the module doc)."""
    d = _obj(doc, source)
    for key in ("nodes", "outputs", "edges"):
        if key not in d:
            raise DataError(f"{source}: missing key {key!r}")
    where_in = f"{source}: inputs"
    inputs = [_name(n, where_in) for n in _list(d.get("inputs", []), where_in)]
    acts: dict[str, Activation | None] = {}
    for i, node in enumerate(_list(d["nodes"], f"{source}: nodes")):
        nd = _obj(node, f"{source}: nodes[{i}]")
        name = _name(nd.get("name"), f"{source}: nodes[{i}].name")
        if name in acts:
            raise NetworkError(f"{source}: duplicate node {name!r}")
        act = nd.get("activation")
        if act is None:
            if name not in inputs:
                raise NetworkError(
                    f"{source}: node {name!r} has no activation and is not listed in 'inputs'"
                )
            acts[name] = None
        else:
            if name in inputs:
                raise NetworkError(f"{source}: input node {name!r} must not carry an activation")
            if not isinstance(act, str):
                raise DataError(f"{source}: node {name!r}: activation must be a string")
            try:
                parsed = parse_activation(act)
            except WhyReluError as e:
                raise DataError(f"{source}: node {name!r}: {e}") from None
            acts[name] = parsed
            if not parsed.traits.exact:
                raise DataError(f"{source}: node {name!r}: bad activation {act!r}: its values "
                                f"are irrational (not exact on ℚ); round it with phi_K, e.g. "
                                f"phi_8({act})")
    edges: list[Edge] = []
    for i, edge in enumerate(_list(d["edges"], f"{source}: edges")):
        ed = _obj(edge, f"{source}: edges[{i}]")
        u = _name(ed.get("from"), f"{source}: edges[{i}].from")
        v = _name(ed.get("to"), f"{source}: edges[{i}].to")
        where = f"{source}: edge {u}->{v}"
        w = to_q(_rational(ed.get("weight", "1"), f"{where} weight", exact_float))
        b = to_q(_rational(ed.get("bias", "0"), f"{where} bias", exact_float))
        edges.append(Edge(u, v, w, b))
    outputs = [_name(n, f"{source}: outputs") for n in _list(d["outputs"], f"{source}: outputs")]
    try:
        return Network(acts, edges, outputs=outputs, inputs=inputs)
    except NetworkError as e:  # keep the subtype (CycleError) and name the file
        raise type(e)(f"{source}: {e}") from None


def network_to_json(net: Network) -> dict[str, Any]:
    """The network JSON document of ``net``."""
    nodes: list[dict[str, str]] = []
    for name in net.nodes:
        act = net.activation(name)
        nodes.append({"name": name} if act is None else {"name": name, "activation": act.name})
    return {
        "nodes": nodes,
        "inputs": list(net.inputs),
        "outputs": list(net.outputs),
        "edges": [
            {"from": u, "to": v, "weight": fmt(w), "bias": fmt(b)}
            for (u, v), w, b in zip(net.edges, net.weights, net.biases, strict=True)
        ],
    }


def dataset_from_json(doc: Any, net: Network, *, source: str = "<data>",
                      exact_float: bool = False) -> list[Sample]:
    """Samples for ``net``: ``y`` must give every output of ``net``."""
    out: list[Sample] = []
    for i, item in enumerate(_list(doc, source)):
        it = _obj(item, f"{source}[{i}]")
        xs = _obj(it.get("x", {}), f"{source}[{i}].x")
        ys = _obj(it.get("y", {}), f"{source}[{i}].y")
        x: dict[str, RationalLike] = {}
        for k, v in xs.items():
            if k not in net.arch.index:
                raise DataError(f"{source}[{i}].x: unknown node {k!r}")
            x[k] = _rational(v, f"{source}[{i}].x.{k}", exact_float)
        for k in ys:
            if k not in net.outputs:
                raise DataError(f"{source}[{i}].y: {k!r} is not an output")
        missing = [t for t in net.outputs if t not in ys]
        if missing:
            raise DataError(f"{source}[{i}].y: missing label for output {missing[0]!r}")
        y = [_rational(ys[t], f"{source}[{i}].y.{t}", exact_float) for t in net.outputs]
        out.append(Sample.of(x, y))
    return out


def dataset_to_json(data: Sequence[Sample], net: Network) -> list[dict[str, Any]]:
    """The dataset JSON document of ``data`` (labels aligned with ``net.outputs``)."""
    for i, s in enumerate(data):
        if len(s.y) != len(net.outputs):
            raise DataError(f"sample {i}: {len(s.y)} labels for {len(net.outputs)} outputs")
    return [
        {"x": {k: fmt(v) for k, v in s.x.items()},
         "y": {t: fmt(v) for t, v in zip(net.outputs, s.y, strict=True)}}
        for s in data
    ]


def slp_from_json(doc: Any, *, source: str = "<slp.json>", exact_float: bool = False) -> SLP:
    """An SLP from its JSON form ``{"a0": "3/2", "gates": [["*", 0, 0], ...]}``
    (``schemas/slp.schema.json``); the text format is read by :func:`checkers.slp.parse_slp`."""
    d = _obj(doc, source)
    if "a0" not in d or "gates" not in d:
        raise DataError(f"{source}: an SLP needs the keys 'a0' and 'gates'")
    extra = sorted(set(d) - {"a0", "gates"})
    if extra:
        raise DataError(f"{source}: unknown key {extra[0]!r}")
    a0 = to_q(_rational(d["a0"], f"{source}: a0", exact_float))
    gates: list[Gate] = []
    for i, g in enumerate(_list(d["gates"], f"{source}: gates"), start=1):
        where = f"{source}: gate a{i}"
        if (not isinstance(g, list) or len(g) != 3 or g[0] not in OPS
                or not all(isinstance(r, int) and not isinstance(r, bool) for r in g[1:])):
            raise DataError(f"{where}: expected [op, j, k] with op in + - * and integer j, k, "
                            f"got {g!r}"[:200])
        gates.append(Gate(g[0], g[1], g[2]))
    try:
        return SLP(a0, tuple(gates))
    except SLPError as e:
        raise type(e)(f"{source}: {e}") from None


def slp_to_json(slp: SLP) -> dict[str, Any]:
    """The JSON form of an SLP (see :func:`slp_from_json`)."""
    return {"a0": fmt(slp.a0), "gates": [[g.op, g.j, g.k] for g in slp.gates]}


def rationals_json(values: Mapping[str, Any]) -> dict[str, str]:
    """``{name: "p/q"}`` for a mapping of fmpq values."""
    return {k: fmt(to_q(v)) for k, v in values.items()}
