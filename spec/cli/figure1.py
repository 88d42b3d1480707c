"""``whyrelu figure1``: Figure 1 of the paper reproduced in floating point (float64)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spec.cli import CLI, UsageError, emit, figure_file


def _figure1(args: argparse.Namespace) -> int:
    from spec import figure1

    if args.exact:
        return _figure1_exact(args)
    if args.seeds < 1:
        raise UsageError(f"--seeds must be >= 1, got {args.seeds}")
    cmp = figure1.compare(seeds=args.seeds)
    out = {
        "arithmetic": "floating point (numpy float64), not exact",
        "depths_relu": list(figure1.RELU_DEPTHS),
        "depths_square": list(figure1.SQUARE_DEPTHS),
        "ours_relu": [round(v, 3) for v in cmp.relu],
        "ours_square": [round(v, 3) for v in cmp.square],
        "digitised_relu": list(figure1.DIGITISED["relu"]),
        "digitised_square": list(figure1.DIGITISED["square"]),
        "relu_max_deviation_decades": round(cmp.relu_max_abs, 3),
        "relu_tolerance_decades": figure1.RELU_TOLERANCE_DECADES,
        "square_max_relative_deviation": round(cmp.square_max_rel, 4),
        "square_tolerance_relative": figure1.SQUARE_TOLERANCE_RELATIVE,
        "within_tolerance": cmp.within_tolerance,
        "seeds": args.seeds,
    }
    if not args.no_plot:
        out["figure"] = str(figure1.plot(Path(args.output), cmp))
    emit(out, args.json)
    if not cmp.within_tolerance:
        print("whyrelu figure1: the reproduction is NOT within tolerance of the paper's "
              "digitised points", file=sys.stderr)
        return 1
    return 0


def register(cli: CLI) -> None:
    p = cli.command("figure1", "reproduce Figure 1 (gradient norm vs depth, x^2 vs ReLU) in "
                    "floating point beside the paper's digitised points", _figure1)
    p.add_argument("-o", "--output", default="figure1.png", metavar="FILE", type=figure_file,
                   help="where to write the plot: .png, .pdf or .svg (default: figure1.png)")
    p.add_argument("--seeds", type=int, default=5, metavar="N",
                   help="average log10 norms over seeds 0..N-1 (default 5)")
    p.add_argument("--no-plot", action="store_true", help="print the numbers only")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--exact", action="store_true",
                   help="the bit-model Figure 1: the same networks with every float weight "
                        "taken exactly, ‖∇W₁L‖² as a rational, log10 certified (seed 0)")
    p.add_argument("--depths", default="1-12", metavar="A-B",
                   help="with --exact: the depths (default 1-12; x^2 costs double per layer)")
    p.add_argument("--activations", default="relu,square", metavar="LIST",
                   help="with --exact: relu, square or both (default relu,square)")


def _depths(text: str) -> list[int]:
    try:
        if "-" in text:
            a, b = (int(t) for t in text.split("-", 1))
            ds = list(range(a, b + 1))
        else:
            ds = [int(t) for t in text.split(",")]
    except ValueError:
        raise UsageError(f"--depths: expected A-B or a comma list, got {text!r}") from None
    if not ds or min(ds) < 1:
        raise UsageError(f"--depths: depths must be >= 1, got {text!r}")
    return ds


def _figure1_exact(args: argparse.Namespace) -> int:
    import sys

    from spec import figure1_exact

    depths = _depths(args.depths)
    acts = [a.strip() for a in args.activations.split(",") if a.strip()]
    bad = [a for a in acts if a not in ("relu", "square")]
    if bad or not acts:
        raise UsageError(f"--activations: choose among relu, square (got {args.activations!r})")

    def progress(pt: figure1_exact.ExactPoint) -> None:  # on stderr, so JSON stays clean
        fl = "overflow" if pt.float_log10 is None else f"{pt.float_log10:.3f}"
        print(f"{pt.act:>6} depth {pt.depth:>2}: log10 ‖∇W1 L‖ ∈ "
              f"[{float(pt.log10_lo):.6f}, {float(pt.log10_hi):.6f}]  float64 {fl}  "
              f"largest value {pt.max_entry_bits} bits  ({pt.seconds:.1f} s wall, "
              f"{pt.cpu_seconds:.1f} s CPU)",
              file=sys.stderr, flush=True)

    curves = {a: figure1_exact.exact_curve(a, depths, progress=progress)
              for a in figure1_exact.ACTS if a in acts}
    out: dict[str, object] = {
        "arithmetic": "exact (weights are the float64 draws taken as exact dyadic rationals; "
                      "log10 certified by ball arithmetic); float64 values labelled",
        "command": (f"whyrelu figure1 --exact --depths {min(depths)}-{max(depths)} "
                    f"--activations {','.join(curves)}"),
        "points": [p.to_json() for a in acts for p in curves[a]],
        "totals": {a: {"seconds": round(sum(p.seconds for p in pts), 3),
                       "cpu_seconds": round(sum(p.cpu_seconds for p in pts), 3)}
                   for a, pts in curves.items()},
    }
    if not args.no_plot:
        out["figure"] = str(figure1_exact.plot(Path(args.output), curves.get("square", []),
                                               curves.get("relu", [])))
    emit(out, args.json, None if args.json else
         "exact Figure 1: " + ", ".join(f"{a} to depth {max(depths)}" for a in curves)
         + (f"; figure {out['figure']}" if "figure" in out else ""))
    return 0
