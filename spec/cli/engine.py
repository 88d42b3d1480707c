"""``whyrelu slp eval``, ``whyrelu net eval``, ``whyrelu net grad``: the exact engine."""

from __future__ import annotations

import argparse
from pathlib import Path

from checkers.formats import dataset_from_json, network_from_json, read_json
from checkers.importers import compare_float, import_network, model_format
from checkers.losses import get_loss
from checkers.measure import max_size, measure_gradient
from checkers.network import Network
from checkers.rationals import fmt, size, to_q
from checkers.slp import SLP, parse_slp
from spec.cli import CLI, UsageError, emit, nonnegative_int

DEFAULT_BUDGET_BITS = 1 << 26
"""Default bit budget of CLI evaluations (64 Mbit per value); raise with ``--budget-bits``."""


def read_slp(path: str, *, exact_float: bool = False) -> SLP:
    """Read an SLP file: the text format (streamed line by line), or its JSON form when the
    name ends in ``.json`` (``schemas/slp.schema.json``)."""
    if path.endswith(".json"):
        from checkers.formats import slp_from_json

        return slp_from_json(read_json(path, exact_float=exact_float), source=path,
                             exact_float=exact_float)
    with Path(path).open(encoding="utf-8") as fh:
        try:
            return parse_slp(fh, source=path)
        except UnicodeDecodeError as e:
            raise UsageError(f"{path}: not UTF-8 text ({e.reason})") from None


def add_budget(p: argparse.ArgumentParser) -> None:
    p.add_argument("--budget-bits", type=nonnegative_int, default=DEFAULT_BUDGET_BITS,
                   metavar="BITS",
                   help=f"stop with an error when a value exceeds BITS bits "
                        f"(default {DEFAULT_BUDGET_BITS}; 0 for no budget)")


def add_exact_floats(p: argparse.ArgumentParser) -> None:
    """``--exact-floats``: read JSON floats (network, dataset and SLP JSON files) as their
    exact binary values (docs/formats.md)."""
    p.add_argument("--exact-floats", action="store_true",
                   help="accept JSON floats, each read as its exact binary value (0.1 is "
                        "3602879701896397/36028797018963968); decimal strings such as "
                        "\"0.1\" are always exact")


def budget(args: argparse.Namespace) -> int | None:
    b = int(args.budget_bits)
    return None if b <= 0 else b


def _slp_eval(args: argparse.Namespace) -> int:
    slp = read_slp(args.file, exact_float=args.exact_floats)
    value = slp.value(budget_bits=budget(args))
    out: dict[str, object] = {"value": fmt(value), "size_bits": size(value),
                              "length": slp.length, "positive": bool(value > 0)}
    if args.bit is not None:
        from checkers.rationals import bit

        out["bit"] = bit(value, args.bit)
    emit(out, args.json)
    return 0


def _parse_assignment(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise UsageError(f"--input expects NAME=RATIONAL, got {text!r}")
    name, value = text.split("=", 1)
    return name.strip(), value.strip()


def read_network(path: str, activations: list[str] | None = None, *,
                 exact_float: bool = False) -> Network:
    """A network JSON file, or a model file (.onnx, .safetensors, .npz) imported exactly
    (model weights are binary floats: always taken as their exact dyadic values)."""
    if model_format(path) is not None:
        return import_network(path, activations).network
    if activations:
        raise UsageError("--activation applies to .safetensors and .npz models only")
    return network_from_json(read_json(path, exact_float=exact_float), source=path,
                             exact_float=exact_float)


def _net_eval(args: argparse.Namespace) -> int:
    ef = args.exact_floats
    net = read_network(args.network, exact_float=ef)
    x = {}
    for a in args.input or []:
        name, value = _parse_assignment(a)
        if name not in net.arch.index:
            raise UsageError(f"--input: unknown node {name!r}")
        x[name] = to_q(value)
    tr = net.forward(x, budget_bits=budget(args))
    out: dict[str, object] = {
        "outputs": {t: fmt(v) for t, v in zip(net.outputs, tr.outputs, strict=True)},
        "values": {n: fmt(v) for n, v in tr.values().items()},
        "max_size_bits": max(max_size(tr.val), max_size(tr.pre)),
    }
    if args.compare_float:
        if model_format(args.network) is None:
            raise UsageError("--compare-float needs a model file (.onnx, .safetensors, .npz)")
        imported = import_network(args.network)
        extra = [n for n in x if n not in imported.network.inputs]
        if extra:
            raise UsageError(f"--compare-float: inputs only at the model's inputs, not {extra[0]}")
        cmp = compare_float(imported, [to_q(x.get(n, 0)) for n in imported.network.inputs])
        out["float_outputs (float, labelled)"] = list(cmp.floats)
        out["max_abs_float_error"] = cmp.max_abs_error
        out["max_rel_float_error"] = cmp.max_rel_error
    emit(out, args.json)
    return 0


def _net_grad(args: argparse.Namespace) -> int:
    ef = args.exact_floats
    net = read_network(args.network, exact_float=ef)
    data = dataset_from_json(read_json(args.data, exact_float=ef), net, source=args.data,
                             exact_float=ef)
    g = net.gradient(data, get_loss(args.loss), budget_bits=budget(args))
    gw, gb = g.by_edge(net)
    emit({
        "loss": fmt(g.loss),
        "grad_weight": {k: fmt(v) for k, v in gw.items()},
        "grad_bias": {k: fmt(v) for k, v in gb.items()},
        "max_size_bits": measure_gradient(g).max_bits,
    }, args.json)
    return 0


def register(cli: CLI) -> None:
    p = cli.command("eval", "evaluate an SLP file exactly (Definition 2.2, Problems 2.3, 2.5)",
                    _slp_eval, group="slp")
    p.add_argument("file", help="SLP file: the text format, or its JSON form (*.json)")
    p.add_argument("--bit", type=int, metavar="J", help="also print bit J of n_P (Problem 2.3)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_budget(p)
    add_exact_floats(p)

    p = cli.command("eval", "exact forward pass of a network JSON file or a model file "
                            "(.onnx, .safetensors, .npz) (§2 node rule)", _net_eval, group="net")
    p.add_argument("network", help="network JSON file or model file")
    p.add_argument("--compare-float", action="store_true",
                   help="also evaluate the model file in floating point by an independent "
                        "path and print the largest float error against the exact value")
    p.add_argument("--input", action="append", metavar="NAME=RATIONAL",
                   help="inject an input at a node (repeatable; missing inputs are 0)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_budget(p)
    add_exact_floats(p)

    p = cli.command("grad", "exact loss and gradient of a network over a dataset (backprop)",
                    _net_grad, group="net")
    p.add_argument("network", help="network JSON file")
    p.add_argument("--data", required=True, help="dataset JSON file")
    p.add_argument("--loss", default="square", choices=["square", "hinge"])
    p.add_argument("--json", action="store_true", help="print JSON")
    add_budget(p)
    add_exact_floats(p)
