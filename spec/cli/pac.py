"""``whyrelu pac``: the PAC separation of Appendix D as numbers and a plot."""

from __future__ import annotations

import argparse
from pathlib import Path

from checkers.rationals import fmt
from spec.cli import CLI, UsageError, emit, figure_file


def _pac(args: argparse.Namespace) -> int:
    from spec import pac

    if args.trials < 1:
        raise UsageError(f"--trials must be >= 1, got {args.trials}")
    qs: list[int] = args.q or [2, 4, 8, 16]
    for q in qs:
        if q < 1:
            raise UsageError(f"--q must be >= 1, got {q}")
    delta = pac.check_delta(args.delta)
    points = pac.simulate(qs, trials=args.trials, seed=args.seed)
    sizes = [(q, pac.minimal_sample_size(q, delta), pac.q_log_bound(q, delta).str(radius=False))
             for q in qs]
    out: dict[str, object] = {
        "delta": fmt(delta),
        "sample_size": [{"q": q, "least_m": m, "q_ln_1_over_2delta": ln}
                        for q, m, ln in sizes],
        "simulation": [{"q": p.q, "m": p.m, "learner": p.learner, "trials": p.trials,
                        "failures": p.failures, "rate": fmt(p.rate), "bound": fmt(p.bound)}
                       for p in points],
        "seed": args.seed,
    }
    if not args.no_plot:
        out["figure"] = str(pac.plot_simulation(points, Path(args.output), delta=delta))
    if args.json:
        emit(out, True)
    else:
        lines = [f"least m with 1/2 (q/(q+1))^m <= {fmt(delta)} vs q ln(1/(2 delta)):"]
        lines += [f"  q = {q}: m = {m}  (q ln = {ln})" for q, m, ln in sizes]
        lines.append("simulated failure rates (learner: rate vs bound):")
        lines += [f"  q = {p.q}, m = {p.m}, {p.learner}: {float(p.rate):.3f} vs "
                  f"{float(p.bound):.3f}" for p in points]
        if "figure" in out:
            lines.append(f"figure: {out['figure']}")
        emit(out, False, "\n".join(lines))
    return 0


def register(cli: CLI) -> None:
    p = cli.command("pac", "PAC learning in the real vs the bit model (Appendix D): sample "
                    "sizes and a seeded simulation of natural learners, as a plot", _pac)
    p.add_argument("-o", "--output", default="pac_failure.png", metavar="FILE",
                   type=figure_file,
                   help="where to write the plot: .png, .pdf or .svg (default: pac_failure.png)")
    p.add_argument("--q", action="append", type=int, metavar="Q",
                   help="precision q to simulate (repeatable; default 2, 4, 8, 16)")
    p.add_argument("--trials", type=int, default=600, metavar="N",
                   help="trials per (q, m, learner) (default 600)")
    p.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    p.add_argument("--delta", default="1/20", metavar="RATIONAL",
                   help="confidence parameter for the sample-size panel (default 1/20)")
    p.add_argument("--no-plot", action="store_true", help="print the numbers only")
    p.add_argument("--json", action="store_true", help="print JSON")
