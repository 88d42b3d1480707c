"""``whyrelu check`` (run the claim registry) and ``whyrelu catalogue``."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checkers.activations import Activation
from spec.activations import activations
from spec.claims import Claim, load_all, select
from spec.cli import CLI, UsageError
from spec.harness import profiles
from spec.harness.campaign import (
    ResultsFile,
    ShardResult,
    parse_shard_spec,
    partition,
    run_shard,
    shards_for,
)
from spec.harness.catalogue import catalogue
from spec.harness.report import text_table
from spec.harness.runner import Result, items_for, uncovered

if TYPE_CHECKING:
    from distributed import Client


@dataclass
class Run:
    """What running the registry gave: the selection, the results, and the settings."""

    claims: list[Claim]
    activations: list[Activation]
    results: list[Result]
    uncovered: list[Activation]
    profile: str
    seed: int | None
    seconds: float
    shard_results: list[ShardResult] = field(default_factory=list)
    shard: tuple[int, int] = (1, 1)

    def results_file(self) -> ResultsFile:
        """The results of this run as a results file (``--results``, ``whyrelu merge``)."""
        return ResultsFile(self.profile, self.seed, [c.id for c in self.claims],
                           [a.name for a in self.activations], self.shard,
                           len(items_for(self.claims, self.activations)), self.seconds,
                           list(self.shard_results))

    @property
    def ok(self) -> bool:
        return all(r.meets_expectation for r in self.results)

    def extra(self) -> dict[str, Any]:
        """Run metadata for ``report.json``."""
        return {"profile": self.profile, "seed": self.seed,
                "activations": [a.name for a in self.activations]}


def select_claims(patterns: Sequence[str] | None) -> list[Claim]:
    """The registry, or the claims matching ``patterns`` (``--claim``)."""
    claims = list(load_all())
    if patterns:
        claims = select(claims, patterns)
        if not claims:
            raise UsageError(f"no claim matches {list(patterns)}")
    return claims


def run_registry(claims: Sequence[Claim], acts: Sequence[Activation], *, profile: str,
                 seed: int | None = None, jobs: int | None = None, quiet: bool = False,
                 label: str = "whyrelu check", shard: tuple[int, int] | None = None,
                 scheduler: str | Client | None = None, retries: int = 2,
                 database: str | None = None, database_readonly: bool = False,
                 modules: Sequence[str] = ()) -> Run:
    """Run every (claim, activation) item — or, with ``shard=(i, N)``, the i-th of N
    partitions of them — as shards (:func:`spec.harness.campaign.run_shard`): in parallel
    over ``jobs`` local processes, or on the Dask cluster at ``scheduler`` (``local:N``
    for a new local one; or a ``distributed.Client``).  A progress display goes to
    standard error; results come back in item order.  ``modules`` are imported by every
    shard before it runs (claims declared outside :mod:`spec`)."""
    all_items = items_for(claims, acts)
    items = all_items if shard is None else partition(all_items, *shard)
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    jobs = jobs or os.cpu_count() or 1
    where = f"scheduler {scheduler}" if isinstance(scheduler, str) else \
        "a Dask cluster" if scheduler is not None else f"{jobs} jobs"
    part = "" if shard is None else f" (shard {shard[0]}/{shard[1]} of {len(all_items)})"
    print(f"{label}: {len(claims)} claims, {len(acts)} activations, {len(items)} items{part}, "
          f"profile {profile}, {where}", file=sys.stderr)
    start = time.perf_counter()
    shards = shards_for(items, profile=profile, seed=seed, database=database,
                        database_readonly=database_readonly, modules=modules)
    out: list[ShardResult] = []
    progress = _Progress(len(items), quiet=quiet)

    def got(r: ShardResult) -> None:
        out.append(r)
        progress.update(r.result)

    if scheduler is not None:
        from spec.harness.cluster import connect, run_on_cluster

        with connect(scheduler) as client:
            run_on_cluster(client, shards, retries=retries, on_result=got)
    elif jobs == 1:
        for sh in shards:
            got(ShardResult.from_json(run_shard(sh.to_json())))
    else:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(jobs) as pool:
            for text in pool.imap_unordered(run_shard, [sh.to_json() for sh in shards]):
                got(ShardResult.from_json(text))
    progress.done()
    order = {it.name: i for i, it in enumerate(items)}
    out.sort(key=lambda r: order[r.result.item])
    return Run(list(claims), list(acts), [r.result for r in out], uncovered(load_all(), acts),
               profile, seed, time.perf_counter() - start, out, shard or (1, 1))


def _check(args: argparse.Namespace) -> int:
    profile = args.profile or profiles.default_profile()
    acts = activations(args.activation or [])
    claims = select_claims(args.claim)
    shard = None if args.shard is None else parse_shard_spec(args.shard)
    if args.list:
        items = items_for(claims, acts)
        for it in items if shard is None else partition(items, *shard):
            print(it.name)
        return 0
    if shard is not None and args.results is None:
        raise UsageError("--shard needs --results FILE (then: whyrelu merge FILE... "
                         "--report DIR)")
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
    added = [a for a in acts if a not in registered]
    print(text_table(run.claims, run.results, run.uncovered, added=added))
    print(f"\n{run.seconds:.1f}s", file=sys.stderr)
    if args.results is not None:
        run.results_file().write(Path(args.results))
        print(f"results written to {args.results}", file=sys.stderr)
    if not args.no_report and shard is None:
        from spec.cli.report import write

        md, js = write(Path(args.report), run, figures=not args.no_figures)
        print(f"report written to {md} and {js}", file=sys.stderr)
    return 0 if run.ok else 1


class _Progress:
    def __init__(self, total: int, *, quiet: bool) -> None:
        self.total, self.n, self.quiet = total, 0, quiet
        self.tty = sys.stderr.isatty()
        self.bad = 0

    def update(self, r: Result) -> None:
        self.n += 1
        if not r.meets_expectation:
            self.bad += 1
        if self.quiet:
            return
        mark = "ok" if r.meets_expectation else "FAIL"
        line = f"[{self.n}/{self.total}] {mark} {r.item}: {r.outcome} ({r.seconds:.1f}s)"
        if self.tty:
            sys.stderr.write("\r\033[K" + line[:150])
            if not r.meets_expectation:
                sys.stderr.write("\n")
        elif not r.meets_expectation or self.n % max(1, self.total // 10) == 0 \
                or self.n == self.total:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def done(self) -> None:
        if self.tty and not self.quiet:
            sys.stderr.write("\n")


def _catalogue(args: argparse.Namespace) -> int:
    sys.stdout.write(catalogue(load_all(), activations()))
    return 0


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """The options that choose what to run (shared by ``check`` and ``report``)."""
    p.add_argument("--profile", choices=profiles.PROFILES,
                   help="Hypothesis profile (default: ci if $CI is set, else dev)")
    p.add_argument("--activation", action="append", metavar="EXPR",
                   help="also run on this activation, e.g. 'x^4 - x' (repeatable)")
    p.add_argument("--claim", action="append", metavar="PATTERN",
                   help="only claims whose id or paper reference matches (repeatable)")
    p.add_argument("--jobs", type=int, metavar="N", help="processes (default: all cores)")
    p.add_argument("--seed", type=int, metavar="S", help="seed a randomized profile")
    p.add_argument("--quiet", action="store_true", help="no progress display")


def register(cli: CLI) -> None:
    p = cli.command("check", "run every claim of the paper on the activations under test and "
                    "print the theorem table", _check)
    add_run_arguments(p)
    p.add_argument("--report", metavar="DIR", default="report",
                   help="write report.md, report.json and the figures to DIR "
                        "(default: ./report)")
    p.add_argument("--no-report", action="store_true", help="do not write a report")
    p.add_argument("--no-figures", action="store_true", help="report without figures")
    p.add_argument("--list", action="store_true",
                   help="list the items (of --shard i/N if given) and exit")
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
