"""``whyrelu net import`` and ``whyrelu train``: networks trained elsewhere, read and
trained exactly (§2, Theorem E.1)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from checkers.formats import dataset_from_json, network_to_json, read_json
from checkers.importers import import_network
from checkers.losses import get_loss
from checkers.rationals import fmt, to_q
from checkers.training import StepRecord, train
from spec.cli import CLI, UsageError, emit
from spec.cli.engine import add_budget, budget, read_network


def _activations(args: argparse.Namespace) -> list[str] | None:
    if not args.activation:
        return None
    return [a.strip() for a in args.activation.split(";") if a.strip()]


def _import(args: argparse.Namespace) -> int:
    imported = import_network(args.model, _activations(args))
    doc = network_to_json(imported.network)
    Path(args.output).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    emit({"format": imported.format, "dtype": imported.dtype,
          "layers": [list(layer) for layer in imported.layers],
          "activations": imported.activations, "nodes": len(imported.network.nodes),
          "edges": len(imported.network.edges), "written": args.output}, args.json)
    return 0


def _train(args: argparse.Namespace) -> int:
    net = read_network(args.network)
    data = dataset_from_json(read_json(args.data), net, source=args.data)
    eta = to_q(args.lr)
    if args.steps < 0:
        raise UsageError(f"--steps must be >= 0, got {args.steps}")

    def progress(r: StepRecord) -> None:
        if not args.json and not args.quiet:
            print(f"step {r.step:>4}: loss {float(r.loss):.6g}  θ {r.theta_bits} bits  "
                  f"activations {r.activation_bits} bits  gradient {r.gradient_bits} bits",
                  file=sys.stderr, flush=True)

    run = train(net, data, get_loss(args.loss), eta, args.steps,
                budget_bits=budget(args), progress=progress)
    out = run.to_json()
    out["final_loss"] = fmt(run.records[-1].loss)
    if args.save:
        Path(args.save).write_text(json.dumps(network_to_json(run.network), indent=1) + "\n",
                                   encoding="utf-8")
        out["saved"] = args.save
    if args.plot:
        _plot(run.records, args.plot)
        out["plot"] = args.plot
    emit(out, args.json, None if args.json else
         f"{args.steps} exact steps, final loss {fmt(run.records[-1].loss)} "
         f"(≈ {float(run.records[-1].loss):.6g}); largest θ {run.records[-1].theta_bits} bits")
    return 0


def _plot(records: tuple[StepRecord, ...], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = [r.step for r in records]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(steps, [r.theta_bits for r in records], marker="o", label="θ")
    ax.plot(steps, [r.activation_bits for r in records], marker="s", label="activations")
    ax.plot(steps, [r.gradient_bits for r in records], marker="^", label="gradient")
    ax.set_xlabel("gradient step k")
    ax.set_ylabel("largest size (bits, exact)")
    ax.grid(True, linestyle="--", alpha=0.5)
    ax.legend()
    fig.tight_layout()
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in ("png", "pdf", "svg"):
        plt.close(fig)
        raise UsageError(f"--plot {path}: unknown figure format (use .png, .pdf or .svg)")
    fig.savefig(path, format=suffix)
    plt.close(fig)


def register(cli: CLI) -> None:
    p = cli.command("import", "import an ONNX / safetensors / npz model exactly (every float "
                              "weight becomes its exact dyadic rational)", _import, group="net")
    p.add_argument("model", help="model file: .onnx, .safetensors or .npz")
    p.add_argument("-o", "--output", required=True, metavar="NET.json",
                   help="write the network JSON here")
    p.add_argument("--activation", metavar="A;B;...",
                   help="activations after each layer (safetensors/npz without stored ones)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = cli.command("train", "exact gradient descent θ ← θ − η∇L (Theorem E.1): loss and sizes "
                             "per step", _train)
    p.add_argument("network", help="network JSON file or model file")
    p.add_argument("data", help="dataset JSON file")
    p.add_argument("--loss", default="square", choices=["square", "hinge"])
    p.add_argument("--lr", default="1/8", metavar="RATIONAL", help="learning rate η (exact)")
    p.add_argument("--steps", type=int, default=1, metavar="K")
    p.add_argument("--save", metavar="OUT.json", help="write the trained network")
    p.add_argument("--plot", metavar="FIG", help="draw sizes per step (.png, .pdf, .svg)")
    p.add_argument("--quiet", action="store_true", help="no per-step progress")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_budget(p)
