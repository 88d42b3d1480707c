"""``whyrelu figure1``: Figure 1 of the paper reproduced in floating point (float64)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spec.cli import CLI, UsageError, emit, figure_file


def _figure1(args: argparse.Namespace) -> int:
    from spec import figure1

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
