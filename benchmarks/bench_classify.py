"""How long ``classify`` (without ``--check``) takes for every row of docs/which-side.md.

The target is at most 5 s per activation (issue: "classify EXPR answers in <= 5 s");
measured here, not asserted in tests.  The first call pays for importing the claim registry
(``load_all``), reported separately.

Run: ``python -m benchmarks.bench_classify`` (``--repeats 3``, ``--markdown``).
"""

from __future__ import annotations

import argparse
import time

from spec.beyond.classify import TABLE_ROWS, classify


def bench(rows: tuple[str, ...] = TABLE_ROWS, repeats: int = 1) -> list[tuple[str, str, float]]:
    """``(expression, side/strength, best wall seconds)`` per row."""
    out = []
    for expr in rows:
        best = float("inf")
        verdict = ""
        for _ in range(repeats):
            t0 = time.perf_counter()
            v = classify(expr)
            best = min(best, time.perf_counter() - t0)
            verdict = f"{v.side}/{v.strength}"
        out.append((expr, verdict, best))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    from spec.claims import load_all

    load_all()
    print(f"loading the claim registry: {time.perf_counter() - t0:.2f} s")
    rows = bench(repeats=args.repeats)
    if args.markdown:
        print("| activation | verdict | seconds |\n|---|---|---:|")
        for expr, verdict, s in rows:
            print(f"| `{expr}` | {verdict} | {s:.2f} |")
    else:
        for expr, verdict, s in rows:
            print(f"{expr:32s} {verdict:18s} {s:6.2f} s")
    print(f"slowest: {max(s for _, _, s in rows):.2f} s (target 5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
