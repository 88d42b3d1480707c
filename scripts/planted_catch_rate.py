"""Run every planted bug of ``tests/quality/planted.py`` against the claims and print the
catch rate by module (the table recorded in ``docs/quality.md``).

    python scripts/planted_catch_rate.py            # every plant
    python scripts/planted_catch_rate.py NAME ...   # only these plants
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.quality.planted import PLANTS, hunt


def main(argv: list[str]) -> int:
    chosen = [p for p in PLANTS if not argv or p.name in argv]
    by_module: dict[str, list[bool]] = defaultdict(list)
    missed = []
    for plant in chosen:
        t0 = time.perf_counter()
        caught, results = hunt(plant)
        dt = time.perf_counter() - t0
        by_module[plant.module].append(caught is not None)
        who = "-" if caught is None else (f"{caught[0]}[{caught[1]}]" if caught[1] else caught[0])
        outcome = next((r.outcome for r in results if not r.meets_expectation), "holds")
        print(f"{'caught' if caught else 'MISSED':7} {plant.name:34} {dt:6.1f}s  {outcome:9} {who}",
              flush=True)
        if caught is None:
            missed.append(plant)
    print(f"\n{'module':34} {'caught':>6} / planted")
    for module in sorted(by_module):
        v = by_module[module]
        print(f"{module:34} {sum(v):>6} / {len(v)}")
    total = [x for v in by_module.values() for x in v]
    print(f"{'TOTAL':34} {sum(total):>6} / {len(total)}")
    for plant in missed:
        print(f"missed: {plant.name} ({plant.module}): {plant.description}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
