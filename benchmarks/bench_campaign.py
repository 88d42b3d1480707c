"""Campaign throughput: the Dask path against the local path on the same shards.

Two sets of shards (docs/campaigns.md), each run by :func:`spec.harness.campaign.run_shard`:

* ``mixed`` — the ``ci`` items of a few claim groups as they are (0.01 s to a few seconds);
* ``long`` — eight chunks of one claim with an example budget calibrated so that a shard
  takes about ``--target`` seconds (default 1 s).

Each set runs (1) serially in this process, (2) on a ``LocalCluster`` of one worker,
(3) on a ``LocalCluster`` of two workers, (4) in a local pool of two processes
(``whyrelu check --jobs 2``, process start-up included).  Reported: wall time, CPU time of
every process involved (this one, which hosts the Dask scheduler, plus the workers or pool
processes), shards per second, the Dask overhead (2 against 1) and the speed-up from one to
two workers (3 against 2), by wall time and, since wall times on a shared machine measure
the other users, from CPU times (the busiest worker's).  Cluster start-up is timed
separately and not counted.  Configurations alternate over ``--repeats`` rounds and the
best round counts; the load average is printed with the figures.

``--registry FILE`` also times every ``ci`` shard of the registry (CPU seconds, serially)
and writes them to FILE, then estimates a campaign's makespan on P cores by list
scheduling the measured times in item order and longest-first.

Run: ``python -m benchmarks.bench_campaign`` (``--repeats 2``, ``--target 1``,
``--registry shard-times.json``, ``--cores 100``).
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import json
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spec.activations import activations
from spec.claims import load_all, select
from spec.harness.campaign import Shard, ShardResult, import_project, run_shard, shards_for
from spec.harness.runner import items_for

MIXED_CLAIMS = ("pac", "bnslp", "fractional", "gadget.identity")
LONG_CLAIM = "piecewise.bit_length_rules"  # cheap, uniform examples: cost ∝ budget
LONG_CHUNKS = 8


def mixed_shards() -> list[Shard]:
    claims = select(load_all(), MIXED_CLAIMS)
    return shards_for(items_for(claims, activations()), profile="ci")


def long_shards(target: float) -> list[Shard]:
    """Eight chunks of :data:`LONG_CLAIM`, each about ``target`` seconds (calibrated)."""
    probe = 400
    sh = Shard(LONG_CLAIM, None, 0, LONG_CHUNKS, "ci", examples=probe * LONG_CHUNKS)
    run_shard(sh.to_json())  # warm-up
    t0 = time.process_time()
    run_shard(sh.to_json())
    per_example = max((time.process_time() - t0) / probe, 1e-4)
    n = max(1, round(target / per_example))
    return [Shard(LONG_CLAIM, None, k, LONG_CHUNKS, "ci", examples=n * LONG_CHUNKS)
            for k in range(LONG_CHUNKS)]


def run_serial(shards: Sequence[Shard]) -> list[ShardResult]:
    return [ShardResult.from_json(run_shard(s.to_json())) for s in shards]


def run_pool(shards: Sequence[Shard], jobs: int) -> list[ShardResult]:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(jobs) as pool:
        return [ShardResult.from_json(t)
                for t in pool.imap_unordered(run_shard, [s.to_json() for s in shards])]


@dataclass
class Timing:
    """Wall time, CPU time (every process involved) and the busiest worker's CPU time of
    one configuration, per round."""

    config: str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    busiest: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.seconds)


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _workers_cpu(client: Any | None) -> dict[str, float]:
    return {} if client is None else dict(client.run(time.process_time))


def _time(fn: Callable[[], list[ShardResult]], n: int, client: Any | None,
          timing: Timing) -> None:
    w0, c0, k0 = _workers_cpu(client), time.process_time(), _children_cpu()
    t0 = time.perf_counter()
    out = fn()
    timing.seconds.append(time.perf_counter() - t0)
    own = time.process_time() - c0 + _children_cpu() - k0
    per_worker = [t - w0.get(w, 0.0) for w, t in _workers_cpu(client).items()]
    timing.cpu.append(own + sum(per_worker))
    timing.busiest.append(max(per_worker) if per_worker else own)
    if len(out) != n or any(r.result.outcome == "error" for r in out):
        raise RuntimeError("a shard failed during the benchmark")


def bench_set(name: str, shards: Sequence[Shard], repeats: int,
              clients: dict[str, Any]) -> dict[str, Any]:
    from spec.harness.cluster import run_on_cluster

    configs: dict[str, tuple[Callable[[], list[ShardResult]], Any]] = {
        "local, serial": (lambda: run_serial(shards), None),
        "Dask, 1 worker": (lambda: run_on_cluster(clients["1"], shards), clients["1"]),
        "Dask, 2 workers": (lambda: run_on_cluster(clients["2"], shards), clients["2"]),
        "local pool, 2 processes": (lambda: run_pool(shards, 2), None),
    }
    # warm up: every worker imports the project once (not counted)
    for key in ("1", "2"):
        run_on_cluster(clients[key], shards[:2])
    timings = {c: Timing(c) for c in configs}
    for _ in range(repeats):
        for c, (fn, client) in configs.items():
            _time(fn, len(shards), client, timings[c])
    shard_times = sorted(r.result.seconds for r in run_serial(shards))
    serial, d1, d2 = (timings[c] for c in
                      ("local, serial", "Dask, 1 worker", "Dask, 2 workers"))
    return {
        "set": name, "shards": len(shards),
        "shard_seconds": {"min": shard_times[0], "median": shard_times[len(shard_times) // 2],
                          "max": shard_times[-1], "sum": sum(shard_times)},
        "wall": {c: t.best for c, t in timings.items()},
        "cpu": {c: min(t.cpu) for c, t in timings.items()},
        "all_rounds": {c: {"wall": t.seconds, "cpu": t.cpu, "busiest": t.busiest}
                       for c, t in timings.items()},
        "shards_per_second": {c: len(shards) / t.best for c, t in timings.items()},
        "dask_overhead": d1.best / serial.best - 1,
        "dask_cpu_overhead": min(d1.cpu) / min(serial.cpu) - 1,
        "speedup_1_to_2_workers": d1.best / d2.best,
        # from CPU times: what an otherwise idle 2-core machine would give
        "speedup_1_to_2_workers_cpu": min(d1.busiest) / min(d2.busiest),
    }


def makespan(times: Sequence[float], cores: int, *, longest_first: bool) -> float:
    """List scheduling of ``times`` on ``cores`` (in order, or longest first)."""
    order = sorted(times, reverse=True) if longest_first else list(times)
    free = [0.0] * min(cores, max(1, len(order)))
    heapq.heapify(free)
    for t in order:
        heapq.heappush(free, heapq.heappop(free) + t)
    return max(free)


def registry_times(path: str) -> list[dict[str, Any]]:
    """CPU seconds of every ``ci`` shard of the registry, run serially (written to path)."""
    shards = shards_for(items_for(load_all(), activations()), profile="ci")
    out = []
    for k, sh in enumerate(shards):
        t0 = time.process_time()
        res = ShardResult.from_json(run_shard(sh.to_json())).result
        out.append({"item": res.item, "cpu": time.process_time() - t0, "wall": res.seconds,
                    "outcome": res.outcome})
        if k % 25 == 0:
            print(f"  registry: {k + 1}/{len(shards)}", file=sys.stderr)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    return out


def estimate(times: list[dict[str, Any]], cores: Sequence[int], overhead: float,
             scale: float) -> dict[str, Any]:
    cpu = [t["cpu"] * scale for t in times]
    return {
        "shards": len(cpu), "scale": scale, "total_cpu": sum(cpu), "longest": max(cpu),
        "longest_items": sorted(((t["cpu"] * scale, t["item"]) for t in times),
                                reverse=True)[:5],
        "makespan": {str(p): {"in_order": makespan(cpu, p, longest_first=False) * (1 + overhead),
                              "longest_first": makespan(cpu, p, longest_first=True)
                              * (1 + overhead)} for p in cores},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--target", type=float, default=1.0, help="seconds per long shard")
    ap.add_argument("--registry", metavar="FILE",
                    help="time every ci shard of the registry, write FILE, estimate")
    ap.add_argument("--registry-from", metavar="FILE", help="reuse measured shard times")
    ap.add_argument("--cores", type=int, action="append", help="cores for the estimate")
    ap.add_argument("--json", metavar="FILE", help="write every figure to FILE")
    args = ap.parse_args(argv)
    from spec.harness.cluster import connect

    import_project()
    doc: dict[str, Any] = {"load_before": os.getloadavg(), "cpus": os.cpu_count()}
    clients: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        for n in (1, 2):
            t0 = time.perf_counter()
            clients[str(n)] = stack.enter_context(connect(f"local:{n}"))
            doc[f"cluster_start_{n}"] = time.perf_counter() - t0
        doc["sets"] = [bench_set("mixed", mixed_shards(), args.repeats, clients),
                       bench_set("long", long_shards(args.target), args.repeats, clients)]
    doc["load_after"] = os.getloadavg()
    for s in doc["sets"]:
        print(f"\n{s['set']}: {s['shards']} shards, shard time (serial) min "
              f"{s['shard_seconds']['min']:.2f} s, median {s['shard_seconds']['median']:.2f} s, "
              f"max {s['shard_seconds']['max']:.2f} s")
        for c, w in s["wall"].items():
            print(f"  {c:<26} {w:7.2f} s wall  {s['cpu'][c]:7.2f} s CPU  "
                  f"{s['shards_per_second'][c]:6.2f} shards/s")
        print(f"  Dask overhead (1 worker vs serial): wall {100 * s['dask_overhead']:+.1f} %, "
              f"CPU {100 * s['dask_cpu_overhead']:+.1f} %;  speed-up 1 -> 2 workers: wall "
              f"{s['speedup_1_to_2_workers']:.2f}x, from CPU times "
              f"{s['speedup_1_to_2_workers_cpu']:.2f}x")
    print(f"\nload average before {doc['load_before']}, after {doc['load_after']} "
          f"({doc['cpus']} CPUs)")
    times = None
    if args.registry_from:
        with open(args.registry_from, encoding="utf-8") as f:
            times = json.load(f)
    elif args.registry:
        times = registry_times(args.registry)
    if times is not None:
        long_overhead = max(0.0, doc["sets"][1]["dask_cpu_overhead"])
        cores = args.cores or [2, 100]
        doc["estimate_ci"] = estimate(times, cores, long_overhead, 1.0)
        doc["estimate_deep"] = estimate(times, cores, long_overhead, 10 / 4)
        for key in ("estimate_ci", "estimate_deep"):
            e = doc[key]
            print(f"\n{key}: {e['shards']} shards, {e['total_cpu']:.0f} CPU s in all, "
                  f"longest {e['longest']:.1f} s")
            for p, m in e["makespan"].items():
                print(f"  {p:>4} cores: {m['in_order']:8.1f} s in item order, "
                      f"{m['longest_first']:8.1f} s longest first")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
