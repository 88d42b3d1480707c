"""The #SubsetSum → BitSLP → ERM_bit chain (Theorem 2.4 illustrated) at benchmark scale.

n = 8 random weights in 1..32, σ = x^3 (degree 3), target = ⌊Σa_i/2⌋ (the densest block):
build the SLP of Π(1 + X^{a_i}), compile it (Lemma 3.2), build the M = n + 1 instances
I(P, j) and decide each at θ∗, and compare the count with brute-force enumeration.  Two
modes: ``shared`` verifies the forcing samples once (they do not depend on j) and
``reverify`` verifies every instance in full.  Reported: CPU and wall time per stage, the
sizes, and peak memory (the process's peak resident set size from ``getrusage``; FLINT
allocates outside Python's allocator, so ``tracemalloc`` would miss most of it).

Run: ``python -m benchmarks.bench_subset_sum`` (``--seeds 5``, ``--n 8``, ``--max-weight 32``).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time

from checkers.activations import parse_activation
from spec.subset_sum import subset_sum_chain


def _rss_mib() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


class _Clock:
    """Stage timings from the chain's progress callback (CPU and wall)."""

    def __init__(self) -> None:
        self.stage = "start"
        self.cpu = time.process_time()
        self.wall = time.perf_counter()
        self.spent: dict[str, tuple[float, float]] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self._close()
            self.stage = stage

    def _close(self) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        c0, w0 = self.spent.get(self.stage, (0.0, 0.0))
        self.spent[self.stage] = (c0 + cpu - self.cpu, w0 + wall - self.wall)
        self.cpu, self.wall = cpu, wall

    def finish(self) -> dict[str, tuple[float, float]]:
        self._close()
        return self.spent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--max-weight", type=int, default=32)
    ap.add_argument("--sigma", default="x^3")
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args(argv)
    base_rss = _rss_mib()
    print(f"# n = {args.n}, weights in 1..{args.max_weight}, sigma = {args.sigma}; "
          f"RSS after imports {base_rss:.1f} MiB; total includes the brute-force enumeration")
    print("| seed | weights | t | count | brute force | gates | \\|V\\| | \\|E\\| | templates "
          "| mode | compile+forcing CPU s | decide CPU s | total CPU s | total wall s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|")
    worst = 0.0
    for seed in range(args.seeds):
        rng = random.Random(seed)
        ws = [rng.randint(1, args.max_weight) for _ in range(args.n)]
        t = sum(ws) // 2
        for mode in ("shared", "reverify"):
            clock = _Clock()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            res = subset_sum_chain(ws, t, parse_activation(args.sigma), reverify=mode == "reverify",
                                   progress=clock)
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            spent = clock.finish()
            prep = sum(c for s, (c, _) in spent.items()
                       if s.startswith(("compiling", "verifying")))
            decide = sum(c for s, (c, _) in spent.items() if s.startswith("building"))
            worst = max(worst, wall)
            assert res.count == res.brute_force, (ws, t, res.count, res.brute_force)
            print(f"| {seed} | {','.join(map(str, ws))} | {t} | {res.count} | "
                  f"{res.brute_force} | {res.slp_gates} | {res.network_nodes} | "
                  f"{res.network_edges} | {res.forcing_templates} | {mode} | {prep:.3f} | "
                  f"{decide:.3f} | {cpu:.3f} | {wall:.3f} |")
    print(f"\nslowest chain: {worst:.2f} s wall (target < 30 s); peak RSS {_rss_mib():.1f} MiB "
          f"(after imports {base_rss:.1f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
