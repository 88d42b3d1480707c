"""Running a selection of the claim registry: one session of ``whyrelu check`` or
``whyrelu report`` (parallel items, a progress display, the results in item order)."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checkers.activations import Activation
from checkers.errors import WhyReluError
from checkers.limits import MAX_DEGREE
from spec.claims import Claim, load_all, select
from spec.harness import profiles
from spec.harness.campaign import (
    ResultsFile,
    ShardResult,
    partition,
    run_shard,
    shards_for,
)
from spec.harness.runner import Result, items_for, uncovered

if TYPE_CHECKING:
    from distributed import Client


class SelectionError(WhyReluError):
    """A claim selection or a run setting that leaves nothing to run."""


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
            raise SelectionError(f"no claim matches {list(patterns)}")
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
        raise SelectionError(f"--jobs must be at least 1, got {jobs}")
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


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    return _int_at_least(text, 1)


def nonnegative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    return _int_at_least(text, 0)


def _int_at_least(text: str, least: int) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if n < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}, got {n}")
    return n


def run_settings(args: argparse.Namespace) -> tuple[str, list[Activation]]:
    """The profile and the activations of ``check``/``report``, with the options checked
    against each other (a seed means nothing to the derandomized ``ci`` profile)."""
    from hypothesis import settings

    from spec.activations import activations

    profile = args.profile or profiles.default_profile()
    if args.seed is not None and settings.get_profile(profile).derandomize:
        raise SelectionError(f"--seed has no effect with the derandomized profile {profile!r}; "
                             f"use --profile dev or deep to seed a run")
    return profile, activations(args.activation or [], max_degree=args.max_degree)


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """The options that choose what to run (shared by ``check`` and ``report``)."""
    p.add_argument("--profile", choices=profiles.PROFILES,
                   help="Hypothesis profile (default: ci if $CI is set, else dev)")
    p.add_argument("--activation", action="append", metavar="EXPR",
                   help="also run on this activation, e.g. 'x^4 - x' (repeatable)")
    p.add_argument("--claim", action="append", metavar="PATTERN",
                   help="only claims whose id or paper reference matches (repeatable)")
    p.add_argument("--jobs", type=positive_int, metavar="N",
                   help="processes (default: all cores)")
    p.add_argument("--seed", type=nonnegative_int, metavar="S",
                   help="seed a randomized profile (dev, deep)")
    p.add_argument("--max-degree", type=positive_int, default=MAX_DEGREE, metavar="MU",
                   help=f"refuse a polynomial activation of degree above MU "
                        f"(default {MAX_DEGREE})")
    p.add_argument("--quiet", action="store_true", help="no progress display")
