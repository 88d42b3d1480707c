"""Run every negative control on fresh random examples (not the ``ci`` profile's).

A control declares the sub-check it must be refuted on (``refuted_on``); the census test
checks that under the derandomised ``ci`` profile only.  A label that names what only the
``ci`` examples hit (the edge where a bound first fails, ``a + b`` but not ``a − b``) turns a
refutation on another example into an ``error`` — and ``whyrelu check`` (the ``dev``
profile) fails.  This sweep runs every control item of the registry under ``--profile``
(default ``dev``, unseeded: new examples each run) and prints those that do not meet their
expectation.

    python scripts/controls_sweep.py                # every control item, dev profile
    python scripts/controls_sweep.py --part 0/2     # half of them (run 1/2 beside it)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spec.activations import activations
from spec.claims import load_all
from spec.harness.runner import items_for, run_item


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--profile", default="dev", choices=("ci", "dev", "deep"))
    ap.add_argument("--examples", type=int, default=300, help="examples per item at most")
    ap.add_argument("--part", default="0/1", metavar="i/N", help="every N-th item from i")
    args = ap.parse_args(argv)
    i, n = (int(v) for v in args.part.split("/"))
    controls = [c for c in load_all() if c.expect == "counterexample"]
    items = items_for(controls, activations())[i::n]
    t0 = time.perf_counter()
    bad = []
    for it in items:
        r = run_item(it, profile=args.profile, examples=args.examples)
        if not r.meets_expectation:
            bad.append(r)
            print(f"NOT MET {r.item}: {r.outcome}: {(r.message or '').splitlines()[:1]}",
                  flush=True)
    print(f"{len(items)} control items, {len(bad)} not met "
          f"({time.perf_counter() - t0:.0f} s, profile {args.profile})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
