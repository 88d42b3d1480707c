"""``whyrelu check`` (run the claim registry) and ``whyrelu catalogue``."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

from spec import profiles
from spec.activations import activations
from spec.catalogue import catalogue
from spec.claims import load_all, select
from spec.cli import CLI, UsageError
from spec.report import text_table, write_report
from spec.runner import Item, Result, items_for, run_item, uncovered


def _work(job: tuple[Item, str, int | None]) -> Result:
    item, profile, seed = job
    return run_item(item, profile=profile, user_seed=seed)


def _check(args: argparse.Namespace) -> int:
    profile = args.profile or profiles.default_profile()
    acts = activations(args.activation or [])
    claims = list(load_all())
    if args.claim:
        claims = select(claims, args.claim)
        if not claims:
            raise UsageError(f"no claim matches {args.claim}")
    items = items_for(claims, acts)
    if args.list:
        for it in items:
            print(it.name)
        return 0
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    jobs = args.jobs or os.cpu_count() or 1
    print(f"whyrelu check: {len(claims)} claims, {len(acts)} activations, {len(items)} items, "
          f"profile {profile}, {jobs} jobs", file=sys.stderr)
    start = time.perf_counter()
    work = [(it, profile, args.seed) for it in items]
    results: list[Result] = []
    progress = _Progress(len(items), quiet=args.quiet)
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
    unc = uncovered(load_all(), acts)
    registered = activations()
    added = [a for a in acts if a not in registered]
    print(text_table(claims, results, unc, added=added))
    print(f"\n{time.perf_counter() - start:.1f}s", file=sys.stderr)
    if args.report:
        write_report(Path(args.report), claims, results, unc,
                     extra={"profile": profile, "seed": args.seed,
                            "activations": [a.name for a in acts]})
        print(f"report written to {args.report}/report.md and report.json", file=sys.stderr)
    return 0 if all(r.meets_expectation for r in results) else 1


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


def register(cli: CLI) -> None:
    p = cli.command("check", "run every claim of the paper on the activations under test and "
                    "print the theorem table", _check)
    p.add_argument("--profile", choices=profiles.PROFILES,
                   help="Hypothesis profile (default: ci if $CI is set, else dev)")
    p.add_argument("--activation", action="append", metavar="EXPR",
                   help="also run on this activation, e.g. 'x^4 - x' (repeatable)")
    p.add_argument("--claim", action="append", metavar="PATTERN",
                   help="only claims whose id or paper reference matches (repeatable)")
    p.add_argument("--report", metavar="DIR", help="write report.md and report.json to DIR")
    p.add_argument("--jobs", type=int, metavar="N", help="processes (default: all cores)")
    p.add_argument("--seed", type=int, metavar="S", help="seed a randomized profile")
    p.add_argument("--list", action="store_true", help="list the items and exit")
    p.add_argument("--quiet", action="store_true", help="no progress display")
    cli.command("catalogue", "print the theorem catalogue (docs/theorems.md) as Markdown",
                _catalogue)
