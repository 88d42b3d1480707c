"""Patterns explored and time of the exact zero-loss decider against instance size
(``python -m benchmarks.bench_erm``; ``CI=1`` runs the small set only).

Instances are set-splitting instances turned into the Boob–Dey–Lan ReLU training problem
(:mod:`spec.beyond.relu_np_hardness`, beyond the paper):

* every enumerated instance (n ≤ 4; at most 3 subsets for n = 4, any number for n ≤ 3, up
  to renaming), grouped by n, and the Fano plane (NO) — the set the claims run;
* odd cycles (sets {i, i+1 mod n}, n odd: NO) and even cycles (YES) of growing n;
* random 3-uniform families with n elements and n subsets (seeded), unless ``CI`` is set.

For each: the answer, patterns explored (search nodes), LPs solved, Farkas certificates of
a NO answer, the decision's seconds and the seconds to re-check the answer (Theorem E.2's
verifier for YES, :func:`checkers.relu_erm.check_refutation` for NO).  The exit status is
1 if some answer disagrees with brute force or fails its check.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Sequence

from checkers.relu_erm import check_refutation, decide
from spec.beyond._theorem_e2 import verify
from spec.beyond.relu_np_hardness import (
    FANO,
    SetSplitting,
    enumerated,
    erm_instance,
    problem,
    splitting,
    theta_of,
)


def run(inst: SetSplitting) -> tuple[bool, bool, int, int, int, float, float]:
    """(splittable, agrees and checks, patterns, LPs, certificates, seconds, check s)."""
    split = splitting(inst)
    prob = problem(inst)
    d = decide(prob)
    t = time.perf_counter()
    if d.witness is not None:
        v = verify(erm_instance(inst), theta_of(prob, d.witness))
        ok = v.accepted and v.loss == 0
    else:
        assert d.refutation is not None
        ok = check_refutation(prob, d.refutation)
    check_s = time.perf_counter() - t
    agree = (split is not None) == d.feasible and ok
    return (split is not None, agree, d.explored, d.solved, d.certificates, d.seconds,
            check_s)


def cycle(n: int) -> SetSplitting:
    return SetSplitting(n, tuple(tuple(sorted((i, i % n + 1))) for i in range(1, n + 1)))


def random_family(n: int, seed: int) -> SetSplitting:
    rng = random.Random(seed)
    return SetSplitting(n, tuple(tuple(sorted(rng.sample(range(1, n + 1), 3)))
                                 for _ in range(n)))


def table(rows: Sequence[tuple[str, int, SetSplitting | Sequence[SetSplitting]]]) -> bool:
    print("| instances | n | count | YES/NO | patterns (max) | LPs (max) | certificates "
          "(max) | decide s (total) | check s (total) |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|")
    good = True
    grand = 0.0
    for name, n, insts in rows:
        group = [insts] if isinstance(insts, SetSplitting) else list(insts)
        res = [run(i) for i in group]
        good &= all(r[1] for r in res)
        yes = sum(r[0] for r in res)
        dec = sum(r[5] for r in res)
        chk = sum(r[6] for r in res)
        grand += dec + chk
        flag = "" if all(r[1] for r in res) else " **MISMATCH**"
        print(f"| {name}{flag} | {n} | {len(group)} | {yes}/{len(group) - yes} | "
              f"{max(r[2] for r in res)} | {max(r[3] for r in res)} | "
              f"{max(r[4] for r in res)} | {dec:.2f} | {chk:.2f} |")
    print(f"\ntotal: {grand:.2f} s")
    return good


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--max-n", type=int, default=9, help="largest cycle / random n")
    args = ap.parse_args()
    ci = bool(os.environ.get("CI"))
    by_n: dict[int, list[SetSplitting]] = {}
    for inst in enumerated():
        by_n.setdefault(inst.n, []).append(inst)
    rows: list[tuple[str, int, SetSplitting | Sequence[SetSplitting]]] = [
        ("enumerated", n, group) for n, group in sorted(by_n.items())]
    rows.append(("Fano plane", 7, FANO))
    if not ci:
        for n in range(3, args.max_n + 1):
            rows.append((f"cycle C{n} ({'odd' if n % 2 else 'even'})", n, cycle(n)))
        for n in range(5, args.max_n + 1, 2):
            rows.append(("random 3-uniform, n sets", n,
                         [random_family(n, s) for s in range(3)]))
    return 0 if table(rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
