"""``whyrelu check`` (run the claim registry) and ``whyrelu catalogue``."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checkers.activations import Activation
from spec.activations import activations
from spec.claims import Claim, load_all, select
from spec.cli import CLI, UsageError
from spec.harness import profiles
from spec.harness.catalogue import catalogue
from spec.harness.report import text_table
from spec.harness.runner import Item, Result, items_for, run_item, uncovered


def _work(job: tuple[Item, str, int | None]) -> Result:
    item, profile, seed = job
    return run_item(item, profile=profile, user_seed=seed)


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
                 label: str = "whyrelu check") -> Run:
    """Run every (claim, activation) item, in parallel over ``jobs`` processes, with a
    progress display on standard error; results come back in item order."""
    items = items_for(claims, acts)
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    jobs = jobs or os.cpu_count() or 1
    print(f"{label}: {len(claims)} claims, {len(acts)} activations, {len(items)} items, "
          f"profile {profile}, {jobs} jobs", file=sys.stderr)
    start = time.perf_counter()
    work = [(it, profile, seed) for it in items]
    results: list[Result] = []
    progress = _Progress(len(items), quiet=quiet)
    if jobs == 1:
        for job in work:
            results.append(_work(job))
            progress.update(results[-1])
    else:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(jobs) as pool:
            for res in pool.imap_unordered(_work, work):
                results.append(res)
                progress.update(res)
    progress.done()
    order = {it.name: i for i, it in enumerate(items)}
    results.sort(key=lambda r: order[r.item])
    return Run(list(claims), list(acts), results, uncovered(load_all(), acts), profile, seed,
               time.perf_counter() - start)


def _check(args: argparse.Namespace) -> int:
    profile = args.profile or profiles.default_profile()
    if args.only:  # only the given activations' items, each announced by its verdict
        if not args.activation:
            raise UsageError("--only needs --activation EXPR")
        from checkers.activations import parse_activation
        from spec.beyond.classify import classify

        acts = list(dict.fromkeys(parse_activation(a) for a in args.activation))
        for a in acts:  # an inexact σ (tanh) runs only the claims that cover it
            print(classify(a, measured=False).line())
    else:
        acts = activations(args.activation or [])
    claims = select_claims(args.claim)
    if args.only:  # the activation's items only: no activation-free claims
        claims = [c for c in claims if c.covers is not None]
    if args.list:
        for it in items_for(claims, acts):
            print(it.name)
        return 0
    run = run_registry(claims, acts, profile=profile, seed=args.seed, jobs=args.jobs,
                       quiet=args.quiet)
    registered = activations()
    added = acts if args.only else [a for a in acts if a not in registered]
    print(text_table(run.claims, run.results, run.uncovered, added=added))
    for a in added:  # the coverage line, also when --claim selects no covering claim
        if not any(r.activation == a.name for r in run.results):
            n = sum(1 for c in load_all() if c.covers is not None and c.applies_to(a))
            print(f"activation {a.name}: covered by 0 of the selected claims ({n} claims in "
                  f"the registry cover it; whyrelu classify '{a.name}' lists them)")
    print(f"\n{run.seconds:.1f}s", file=sys.stderr)
    if not args.no_report:
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
    p.add_argument("--list", action="store_true", help="list the items and exit")
    p.add_argument("--only", action="store_true",
                   help="run only the --activation items (not the registered activations), "
                        "starting with each one's verdict line")
    cli.command("catalogue", "print the theorem catalogue (docs/theorems.md) as Markdown",
                _catalogue)
