"""``whyrelu classify EXPR [--json] [--check] [-o FIG]`` and ``whyrelu classify --table``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from checkers.activations import Activation, parse_activation
from spec.beyond.classify import Measurement, Verdict, classify, which_side_markdown
from spec.claims import get_claim
from spec.cli import CLI, UsageError, emit
from spec.harness import profiles


def run_verdict_claims(v: Verdict, act: Activation, *, profile: str, jobs: int | None,
                       quiet: bool) -> tuple[list[dict[str, Any]], bool]:
    """Run exactly the verdict's claims, on this activation only (claims without an
    activation once); their outcomes and whether all met their expectation."""
    from spec.harness.session import run_registry

    claims = [get_claim(cid) for cid in v.claims]
    run = run_registry(claims, [act], profile=profile, jobs=jobs, quiet=quiet,
                       label=f"whyrelu classify --check {act.name}")
    out = [{"claim": r.claim_id, "activation": r.activation, "outcome": r.outcome,
            "expected": r.expect, "meets_expectation": r.meets_expectation}
           for r in run.results]
    return out, run.ok


def draw(m: Measurement, path: Path, on_piece: dict[str, Any] | None = None) -> None:
    """The size profile as a figure (floats for plotting only); ``on_piece`` adds the
    profile of chains inside the polynomial piece (gadget verdicts)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    ax.plot(m.depths, m.forward, "o-", label="forward (max bits)")
    ax.plot(m.depths, m.backward, "s--", label="backward (max bits)")
    if on_piece is not None:
        ax.plot(on_piece["depths"], on_piece["forward_bits"], "^-",
                label="forward, inside the piece")
    ax.set_yscale("log")
    ax.set_xlabel("depth (hidden layers)")
    ax.set_ylabel("exact size (bits)")
    title = f"{m.activation}: random network {m.growth}"
    if on_piece is not None:
        title += f"\ninside the piece {on_piece['growth']}"
    ax.set_title(title, fontsize=8)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _classify(args: argparse.Namespace) -> int:
    if args.table:
        sys.stdout.write(which_side_markdown())
        return 0
    if args.expr is None:
        raise UsageError("classify needs an activation EXPR (or --table)")
    act = parse_activation(args.expr)
    v = classify(act)
    out = v.to_json()
    ok = True
    if args.check:
        results, ok = run_verdict_claims(v, act, profile=args.profile
                                         or profiles.default_profile(), jobs=args.jobs,
                                         quiet=args.quiet or args.json)
        out["check"] = results
        out["check_ok"] = ok
    if args.output:
        if v.measured is None or not v.measured.depths:
            raise UsageError(f"no measured size profile for {v.activation} to draw")
        draw(v.measured, Path(args.output), v.extra.get("measured_on_piece"))
    if args.json:
        emit(out, True)
    else:
        text = v.text()
        if args.check:
            met = sum(1 for r in out["check"] if r["meets_expectation"])
            text += f"\ncheck: {met}/{len(out['check'])} claims met their expectation"
            text += "".join(f"\n  FAIL {r['claim']}: {r['outcome']} (expected {r['expected']})"
                            for r in out["check"] if not r["meets_expectation"])
        if args.output:
            text += f"\nfigure written to {args.output}"
        print(text)
    return 0 if ok else 1


def register(cli: CLI) -> None:
    p = cli.command("classify", "which side of the dichotomy an activation is on: a verdict "
                    "with evidence and the claims backing it", _classify)
    p.add_argument("expr", nargs="?", metavar="EXPR",
                   help="activation, e.g. 'x^4 - x', relu^2, hardswish, 1/x, tanh")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--check", action="store_true",
                   help="also run exactly the claims behind the verdict, on this activation")
    p.add_argument("-o", "--output", metavar="FIG", help="draw the measured size profile")
    p.add_argument("--table", action="store_true",
                   help="print docs/which-side.md (every activation of the table)")
    p.add_argument("--profile", choices=profiles.PROFILES, help="Hypothesis profile for --check")
    p.add_argument("--jobs", type=int, metavar="N", help="processes for --check")
    p.add_argument("--quiet", action="store_true", help="no progress display for --check")
