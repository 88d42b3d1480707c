"""``whyrelu merge FILE... --report DIR``: the report of a run made of shards.

Each ``whyrelu check --shard i/N --results FILE`` (one SLURM array task, say) writes the
results of its partition; ``merge`` reads them all and writes the theorem table,
``report.md`` and ``report.json`` exactly as one ``whyrelu check`` of the same profile and
seed would (up to timings).  An item no file reports is an ``error`` (see
docs/campaigns.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checkers.activations import parse_activation
from spec.activations import activations
from spec.claims import get_claim, load_all
from spec.cli import CLI
from spec.harness.campaign import CampaignError, ResultsFile, merge_results, shards_for
from spec.harness.report import text_table
from spec.harness.runner import items_for, uncovered
from spec.harness.session import Run


def merged_run(paths: list[Path]) -> Run:
    """The run that the results files at ``paths`` are shards of."""
    files = [ResultsFile.read(p) for p in paths]
    first = files[0]
    try:
        claims = [get_claim(cid) for cid in first.claims]
    except KeyError as e:
        raise CampaignError(f"{paths[0]}: {e.args[0]} (not in this checkout's registry)") \
            from None
    acts = [parse_activation(a) for a in first.activations]
    items = items_for(claims, acts)
    if len(items) != first.items:
        raise CampaignError(f"{paths[0]}: the run had {first.items} items, this checkout's "
                            f"registry gives {len(items)} (different code version?)")
    shards = shards_for(items, profile=first.profile, seed=first.seed)
    merged = merge_results(files, items, shards)
    return Run(claims, acts, [r.result for r in merged], uncovered(load_all(), acts),
               first.profile, first.seed, max(f.seconds for f in files), merged)


def _merge(args: argparse.Namespace) -> int:
    run = merged_run([Path(p) for p in args.files])
    registered = activations()
    added = [a for a in run.activations if a not in registered]
    print(text_table(run.claims, run.results, run.uncovered, added=added))
    if args.results is not None:
        run.results_file().write(Path(args.results))
        print(f"results written to {args.results}", file=sys.stderr)
    if not args.no_report:
        from spec.cli.report import write

        md, js = write(Path(args.report), run, figures=not args.no_figures)
        print(f"report written to {md} and {js}", file=sys.stderr)
    return 0 if run.ok else 1


def register(cli: CLI) -> None:
    p = cli.command("merge", "merge the results files of 'whyrelu check --shard i/N "
                    "--results FILE' into the theorem table and the report", _merge)
    p.add_argument("files", nargs="+", metavar="FILE", help="results files, one per shard")
    p.add_argument("--report", metavar="DIR", default="report",
                   help="write report.md, report.json and the figures to DIR "
                        "(default: ./report)")
    p.add_argument("--no-report", action="store_true", help="do not write a report")
    p.add_argument("--no-figures", action="store_true", help="report without figures")
    p.add_argument("--results", metavar="FILE",
                   help="also write the merged results as one results file")
