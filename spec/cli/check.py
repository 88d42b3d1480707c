"""``whyrelu check`` (run the claim registry) and ``whyrelu catalogue``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spec.activations import activations
from spec.claims import load_all
from spec.cli import CLI, UsageError
from spec.cli.report import add_figure_arguments, write
from spec.harness.campaign import parse_shard_spec, partition
from spec.harness.catalogue import catalogue
from spec.harness.report import statistics_lines, text_table
from spec.harness.runner import items_for
from spec.harness.session import add_run_arguments, run_registry, run_settings, select_claims

DEFAULT_REPORT = "report"
"""Where ``whyrelu check`` writes its report unless told otherwise (``--report``)."""


def _check(args: argparse.Namespace) -> int:
    if args.no_report and args.report is not None:
        raise UsageError("--no-report and --report DIR contradict each other; give one")
    if args.only:  # only the given activations' items, each announced by its verdict
        if not args.activation:
            raise UsageError("--only needs --activation EXPR")
        from checkers.activations import parse_activation
        from spec.beyond.classify import classify

        profile, _ = run_settings(argparse.Namespace(**{**vars(args), "activation": None}))
        acts = list(dict.fromkeys(parse_activation(a) for a in args.activation))
        for a in acts:  # an inexact σ (tanh) runs only the claims that cover it
            print(classify(a, measured=False).line())
    else:
        profile, acts = run_settings(args)
    claims = select_claims(args.claim)
    if args.only:  # the activation's items only: no activation-free claims
        claims = [c for c in claims if c.covers is not None]
    shard = None if args.shard is None else parse_shard_spec(args.shard)
    if args.list:
        items = items_for(claims, acts)
        for it in items if shard is None else partition(items, *shard):
            print(it.name)
        return 0
    if shard is not None and args.results is None:
        raise UsageError("--shard needs --results FILE (then: whyrelu merge FILE... "
                         "--report DIR)")
    if shard is not None and args.report is not None:
        raise UsageError("--shard writes no report; merge the results with whyrelu merge "
                         "FILE... --report DIR")
    if args.retries < 0:
        raise UsageError(f"--retries must be >= 0, got {args.retries}")
    if args.database:
        from spec.harness.database import check_reachable, shared_database

        shared_database(args.database)  # a malformed URL is an error whatever the profile
        check_reachable(args.database)
        if profile == "ci" or args.seed is not None:
            print("whyrelu check: note: the ci profile and seeded runs use no example "
                  "database; --database is ignored", file=sys.stderr)
    run = run_registry(claims, acts, profile=profile, seed=args.seed, jobs=args.jobs,
                       quiet=args.quiet, shard=shard, scheduler=args.scheduler,
                       retries=args.retries, database=args.database,
                       database_readonly=args.database_readonly)
    registered = activations()
    added = acts if args.only else [a for a in acts if a not in registered]
    print(text_table(run.claims, run.results, run.uncovered, added=added))
    for a in added:  # the coverage line, also when --claim selects no covering claim
        if not any(r.activation == a.name for r in run.results):
            n = sum(1 for c in load_all() if c.covers is not None and c.applies_to(a))
            print(f"activation {a.name}: covered by 0 of the selected claims ({n} claims in "
                  f"the registry cover it; whyrelu classify '{a.name}' lists them)")
    if args.statistics:
        print("\nstatistics (per item):")
        for line in statistics_lines(run.results):
            print(f"  {line}")
    print(f"\n{run.seconds:.1f}s", file=sys.stderr)
    if args.results is not None:
        run.results_file().write(Path(args.results))
        print(f"results written to {args.results}", file=sys.stderr)
    if not args.no_report and shard is None:
        md, js = write(Path(args.report or DEFAULT_REPORT), run, figures=not args.no_figures,
                       exact_depth=args.exact_depth)
        print(f"report written to {md} and {js}", file=sys.stderr)
    return 0 if run.ok else 1


def _catalogue(args: argparse.Namespace) -> int:
    sys.stdout.write(catalogue(load_all(), activations()))
    return 0


def register(cli: CLI) -> None:
    p = cli.command("check", "run every claim of the paper on the activations under test and "
                    "print the theorem table", _check)
    add_run_arguments(p)
    p.add_argument("--report", metavar="DIR", default=None,
                   help=f"write report.md, report.json and the figures to DIR "
                        f"(default: ./{DEFAULT_REPORT})")
    p.add_argument("--no-report", action="store_true", help="do not write a report")
    p.add_argument("--no-figures", action="store_true", help="report without figures")
    add_figure_arguments(p)
    p.add_argument("--list", action="store_true", help="list the items and exit")
    p.add_argument("--only", action="store_true",
                   help="run only the --activation items (not the registered activations), "
                        "starting with each one's verdict line")
    p.add_argument("--statistics", action="store_true",
                   help="print per-item statistics: examples run, invalid, shrinks, time, "
                        "why it stopped (also in report.json)")
    camp = p.add_argument_group("campaigns (docs/campaigns.md)")
    camp.add_argument("--shard", metavar="i/N",
                      help="run only the i-th of N deterministic partitions of the items "
                           "(1 <= i <= N); needs --results, writes no report")
    camp.add_argument("--results", metavar="FILE",
                      help="write the results as JSON to FILE, for 'whyrelu merge'")
    camp.add_argument("--scheduler", metavar="ADDRESS",
                      help="run the shards on the Dask cluster at ADDRESS "
                           "(tcp://host:8786), or on a new local one with 'local:N'")
    camp.add_argument("--retries", type=int, default=2, metavar="N",
                      help="with --scheduler: retry a failing shard N times (default 2)")
    camp.add_argument("--database", metavar="URL",
                      help="share the example database: redis://host:port/db or a "
                           "directory, combined with the local one")
    camp.add_argument("--database-readonly", action="store_true",
                      help="replay from --database but never write to it")
    cli.command("catalogue", "print the theorem catalogue (docs/theorems.md) as Markdown",
                _catalogue)
