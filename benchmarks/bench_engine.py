"""Speed of the exact engine, as ratios measured in one run (``python benchmarks/bench_engine.py``).

Workload (the engine's performance targets):

* a layered ReLU network (identity on the output layer) of width 64 and depth 16, a batch
  of 32 samples, square loss; one forward + backward pass
  (:meth:`checkers.layered.LayeredNetwork.gradient`), timed against

  (a) the Fraction reference (:class:`checkers.reference.RefLayered`: plain loops, one
      sample at a time, the same forward + reverse pass), and
  (b) the bare FLINT matrix products the pass needs, on the very matrices the engine
      produced: ``W_l·H_{l-1}`` (forward, l = 1..L), ``W_lᵀ·Δ_l`` (l = 2..L) and
      ``Δ_l·H_{l-1}ᵀ`` (l = 1..L), as ``fmpz_mat`` products of the numerators where the
      engine keeps a matrix over one shared denominator and as ``fmpq_mat`` products
      otherwise (the cheapest form FLINT offers for those matrices);

  and against the DAG engine (:meth:`checkers.network.Network.gradient` on
  :meth:`~checkers.layered.LayeredNetwork.to_network`).
* the 26-step squaring chain :func:`checkers.slp.squaring_chain` evaluated by
  :meth:`checkers.slp.SLP.value` against a bare ``x = x*x`` loop over ``fmpz``.

Weights, biases, inputs and labels are "32-bit rationals" (size ≈ 32 bits) of two kinds:

* ``dyadic``: ``±n / 2^15`` with ``n`` odd, ``2^15 <= n < 2^16`` (size exactly 32);
* ``random``: ``±n / d`` with ``2^23 <= n < 2^24`` and ``d`` drawn independently for every
  entry, uniformly from ``[2^7, 2^8)``: 24-bit numerators over random 8-bit denominators
  (size 32 before reduction to lowest terms; after it, at most 32 and 30.4 on average).

Why 8-bit denominators: with unrelated denominators the exact values' denominators grow by
about the lcm of all the denominators of a layer, per layer.  For 16-bit numerators over
random 16-bit denominators that lcm is thousands of bits (measured: ~1.5 kbit after layer
1, then ~7 kbit more per layer; ~120 kbit at depth 16 by extrapolation), a 64x64 by 64x32 product
takes seconds and the Fraction reference hours: the benchmark would measure only GMP's
gcd.  With 8-bit denominators the lcm of a layer is bounded by lcm(1..255) (~360 bits) and
the values reach a few thousand bits at depth 16; the table reports the sizes reached.

``engine`` times ``gradient()`` alone (∂L/∂W is returned as exact matrices, like the bare
products); ``engine+dW`` also reads every ∂L/∂W entry as an ``fmpq``.  After timing, the
engine's loss and gradient are checked to equal the reference's and the DAG engine's
exactly (``MISSED``/``MISMATCH`` mark failures; a mismatch makes the exit status 1).
See ``docs/performance.md`` for figures measured on a 2-CPU machine.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import cast

import flint
from flint import fmpq, fmpq_mat, fmpz, fmpz_mat

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkers.activations import IDENTITY, RELU
from checkers.layered import Layer, LayeredGradient, LayeredNetwork, Mat
from checkers.losses import SQUARE
from checkers.network import Gradient, Sample
from checkers.rationals import size
from checkers.reference import RefLayered
from checkers.slp import squaring_chain

KINDS = ("dyadic", "random")

Batch = list[list[fmpq]]
RefGradient = tuple[Fraction, list[list[list[Fraction]]], list[list[Fraction]]]


def random_rational(rng: random.Random, kind: str) -> fmpq:
    """One "32-bit rational" of the given kind (see the module doc)."""
    sign = rng.choice((-1, 1))
    if kind == "dyadic":
        return fmpq(sign * (rng.randrange(1 << 14, 1 << 15) * 2 + 1), 1 << 15)
    if kind == "random":
        return fmpq(sign * rng.randrange(1 << 23, 1 << 24), rng.randrange(1 << 7, 1 << 8))
    raise ValueError(f"unknown weight kind {kind!r}; choose one of {KINDS}")


def build_mlp(
    kind: str, *, width: int = 64, depth: int = 16, batch: int = 32, seed: int = 2602
) -> tuple[LayeredNetwork, Batch, Batch]:
    """The benchmark MLP (ReLU hidden layers, identity output) with a batch and labels."""
    rng = random.Random(f"{seed}-{kind}-{width}-{depth}-{batch}")

    def draw(n: int) -> list[fmpq]:
        return [random_rational(rng, kind) for _ in range(n)]

    layers = [
        Layer(tuple(tuple(draw(width)) for _ in range(width)), tuple(draw(width)),
              IDENTITY if l == depth else RELU)
        for l in range(1, depth + 1)  # noqa: E741
    ]
    xs = [draw(width) for _ in range(batch)]
    ys = [draw(width) for _ in range(batch)]
    return LayeredNetwork(layers), xs, ys


def best_times(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Best wall time (``time.perf_counter``) of each function over ``repeats`` rounds; a
    round calls every function once, so a load spike on the machine hits all of them.
    The garbage collector is run before and disabled during each call, and results are
    freed outside the timed region."""
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(max(1, repeats)):
        for name, fn in fns.items():
            gc.collect()
            gc.disable()
            try:
                t0 = time.perf_counter()
                result = fn()
                best[name] = min(best[name], time.perf_counter() - t0)
            finally:
                gc.enable()
            del result
    return best


def best_time(fn: Callable[[], object], repeats: int) -> float:
    """:func:`best_times` of a single function."""
    return best_times({"fn": fn}, repeats)["fn"]


def _mat_product(a: Mat, b: Mat) -> Callable[[], object]:
    """The bare FLINT product of two engine matrices, in the cheapest form they allow."""
    if a.num is not None and b.num is not None:
        an, bn = fmpz_mat(a.num), fmpz_mat(b.num)
        return lambda: an * bn
    aq, bq = fmpq_mat(a.as_fmpq_mat()), fmpq_mat(b.as_fmpq_mat())
    return lambda: aq * bq


def bare_products(net: LayeredNetwork, xs: Batch, ys: Batch) -> Callable[[], list[object]]:
    """A callable doing only the matrix products of one forward + backward pass, on the
    matrices the engine computes (taken from one run of the engine, outside the timing)."""
    g = net.gradient(xs, ys, SQUARE)
    weights = net._W  # the engine's own weight matrices (same representation)
    H, D = g.trace.H, g.deltas
    products = [_mat_product(weights[k], H[k]) for k in range(net.depth)]
    products += [_mat_product(weights[k].transpose(), D[k]) for k in range(1, net.depth)]
    products += [_mat_product(D[k], H[k].transpose()) for k in range(net.depth)]

    def run() -> list[object]:
        return [p() for p in products]

    return run


def _frac(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


class Kept:
    """A callable that remembers the result of its last call (to check it after timing)."""

    def __init__(self, fn: Callable[[], object]) -> None:
        self.fn = fn
        self.last: object = None

    def __call__(self) -> object:
        self.last = self.fn()
        return self.last


def reference_pass(net: LayeredNetwork, xs: Batch, ys: Batch) -> Callable[[], RefGradient]:
    """The Fraction reference doing the same forward + backward pass."""
    ref = RefLayered(net)
    fx = [[_frac(v) for v in x] for x in xs]
    fy = [[_frac(v) for v in y] for y in ys]
    return lambda: ref.gradient(fx, fy, "square")


def dag_pass(net: LayeredNetwork, xs: Batch, ys: Batch) -> Callable[[], Gradient]:
    """The DAG engine doing the same forward + backward pass."""
    dag = net.to_network()
    names = net.input_names()
    data = [Sample({n: v for n, v in zip(names, x, strict=True)}, tuple(y))
            for x, y in zip(xs, ys, strict=True)]
    return lambda: dag.gradient(data, SQUARE)


def agrees_with_reference(g: LayeredGradient, ref: RefGradient) -> bool:
    """Loss and every gradient entry equal the Fraction reference's, exactly."""
    total, gw, gb = ref
    return (_frac(g.loss) == total
            and [[[_frac(v) for v in row] for row in m] for m in g.grad_w] == gw
            and [[_frac(v) for v in b] for b in g.grad_b] == gb)


def agrees_with_dag(net: LayeredNetwork, g: LayeredGradient, gd: Gradient) -> bool:
    """Loss and every gradient entry equal the DAG engine's (edge names of ``to_network``)."""
    dag = net.to_network()
    if g.loss != gd.loss:
        return False
    for l in range(1, net.depth + 1):  # noqa: E741
        prev, names = net.layer_names(l - 1), net.layer_names(l)
        for i, v in enumerate(names):
            if g.grad_b[l - 1][i] != gd.grad_b[dag.edge_of(prev[0], v)]:
                return False
            if any(g.grad_w[l - 1][i][j] != gd.grad_w[dag.edge_of(u, v)]
                   for j, u in enumerate(prev)):
                return False
    return True


@dataclass
class MLPResult:
    kind: str
    engine: float
    engine_entries: float
    bare: float
    reference: float | None
    dag: float | None
    max_value_bits: int
    max_den_bits: int
    max_delta_bits: int
    checked: list[str]
    mismatches: list[str]


def value_sizes(g: LayeredGradient) -> tuple[int, int, int]:
    """Largest size of a forward value (pre-activation or activation), largest denominator
    bit-length among them, and largest size of a backward δ."""
    fwd = [v for m in (*g.trace.Z, *g.trace.H) for v in m.entries()]
    back = [v for m in g.deltas for v in m.entries()]
    return (max(size(v) for v in fwd), max(int(v.q.bit_length()) for v in fwd),
            max(size(v) for v in back))


def bench_mlp(
    kind: str, *, width: int = 64, depth: int = 16, batch: int = 32, repeats: int = 3,
    ref_repeats: int = 1, reference: bool = True, dag: bool = True, dag_repeats: int = 1,
) -> MLPResult:
    """Time the engine's forward + backward against its baselines on one weight kind, then
    check that the engine, the reference and the DAG engine computed the same numbers."""
    net, xs, ys = build_mlp(kind, width=width, depth=depth, batch=batch)
    t = best_times({
        "engine": lambda: net.gradient(xs, ys, SQUARE),
        "entries": lambda: net.gradient(xs, ys, SQUARE).grad_w,
        "bare": bare_products(net, xs, ys),
    }, repeats)
    g = net.gradient(xs, ys, SQUARE)
    checked: list[str] = []
    mismatches: list[str] = []
    ref_t = dag_t = None
    if reference:
        ref_run = Kept(reference_pass(net, xs, ys))
        ref_t = best_time(ref_run, ref_repeats)
        ok = agrees_with_reference(g, cast(RefGradient, ref_run.last))
        (checked if ok else mismatches).append("reference")
        del ref_run
    if dag:
        dag_run = Kept(dag_pass(net, xs, ys))
        dag_t = best_time(dag_run, dag_repeats)
        ok = agrees_with_dag(net, g, cast(Gradient, dag_run.last))
        (checked if ok else mismatches).append("DAG")
        del dag_run
    return MLPResult(kind, t["engine"], t["entries"], t["bare"], ref_t, dag_t,
                     *value_sizes(g), checked, mismatches)


@dataclass
class SLPResult:
    steps: int
    engine: float
    bare: float
    value_bits: int


def bench_slp(steps: int = 26, repeats: int = 3) -> SLPResult:
    """:meth:`SLP.value` of the squaring chain against a bare ``fmpz`` squaring loop."""
    slp = squaring_chain(steps)

    def bare() -> fmpz:
        x = fmpz(2)
        for _ in range(steps):
            x = x * x
        return x

    t = best_times({"engine": slp.value, "bare": bare}, repeats)
    engine, bare_t = t["engine"], t["bare"]
    if slp.value() != bare():
        raise RuntimeError("the squaring chain and the bare loop disagree")
    return SLPResult(steps, engine, bare_t, int(bare().bit_length()))


TARGET_REF = {"dyadic": 20.0, "random": 3.0}
TARGET_BARE = 1.5
TARGET_SLP = 1.2


def _ratio(num: float | None, den: float | None) -> float | None:
    return None if num is None or den is None else num / den


def _cell(r: float | None, target: float | None = None, at_least: bool = True) -> str:
    if r is None:
        return "-"
    if target is None:
        return f"{r:.2f}x"
    ok = r >= target if at_least else r <= target
    return f"{r:.2f}x ({'>=' if at_least else '<='} {target:g}x {'ok' if ok else 'MISSED'})"


def _secs(t: float | None) -> str:
    return "-" if t is None else f"{t:.3f}"


def report(mlps: Sequence[MLPResult], slp: SLPResult | None, *, width: int, depth: int,
           batch: int, repeats: int) -> str:
    """The tables the script prints (targets in brackets)."""
    lines = [
        f"python {platform.python_version()}, python-flint {flint.__version__}, "
        f"{os.cpu_count()} CPUs",
        f"MLP width {width}, depth {depth}, batch {batch} (ReLU hidden layers, identity "
        f"output, square loss): one forward + backward pass; best of {repeats} interleaved "
        "rounds (reference and DAG: see --ref-repeats)",
        "",
        f"{'seconds':<8} {'engine':>8} {'engine+dW':>10} {'bare FLINT':>11} "
        f"{'reference':>10} {'DAG':>9}",
    ]
    for r in mlps:
        lines.append(f"{r.kind:<8} {_secs(r.engine):>8} {_secs(r.engine_entries):>10} "
                     f"{_secs(r.bare):>11} {_secs(r.reference):>10} {_secs(r.dag):>9}")
    lines += ["", f"{'ratio':<8} {'reference/engine':<24} {'engine/bare':<24} "
              f"{'(engine+dW)/bare':<17} {'DAG/engine':<10}"]
    for r in mlps:
        lines.append(
            f"{r.kind:<8} "
            f"{_cell(_ratio(r.reference, r.engine), TARGET_REF.get(r.kind)):<24} "
            f"{_cell(_ratio(r.engine, r.bare), TARGET_BARE, at_least=False):<24} "
            f"{_cell(_ratio(r.engine_entries, r.bare)):<17} "
            f"{_cell(_ratio(r.dag, r.engine)):<10}")
    lines += ["", f"{'sizes':<8} {'max size(z), size(h)':>21} {'max den bits':>13} "
              f"{'max size(δ)':>12}  (bits, lowest terms)"]
    for r in mlps:
        lines.append(f"{r.kind:<8} {r.max_value_bits:>21} {r.max_den_bits:>13} "
                     f"{r.max_delta_bits:>12}")
    lines += ["", "engine = LayeredNetwork.gradient; engine+dW also reads every dL/dW entry "
              "as an fmpq (grad_w); bare FLINT = the 3L-1 matrix products alone"]
    for r in mlps:
        if r.checked:
            lines.append(f"{r.kind}: loss and every gradient entry equal the "
                         f"{' and the '.join(r.checked)} exactly")
        if r.mismatches:
            lines.append(f"{r.kind}: MISMATCH with the {' and the '.join(r.mismatches)}")
    if slp is not None:
        lines += [
            "",
            f"SLP squaring chain, {slp.steps} steps (a value of {slp.value_bits} bits): "
            f"SLP.value {_secs(slp.engine)}s, bare fmpz loop {_secs(slp.bare)}s, ratio "
            f"{_cell(_ratio(slp.engine, slp.bare), TARGET_SLP, at_least=False)}",
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Speed of the exact engine as ratios measured in one run.")
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--depth", type=int, default=16)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS),
                    help="weight kinds to run (see the module doc)")
    ap.add_argument("--repeats", type=int, default=5,
                    help="interleaved rounds of the engine and the bare products (best of)")
    ap.add_argument("--ref-repeats", type=int, default=1,
                    help="runs of the (slow) Fraction reference and DAG engine (best of)")
    ap.add_argument("--no-reference", action="store_true", help="skip the Fraction reference")
    ap.add_argument("--dag-kinds", nargs="*", choices=KINDS, default=["dyadic"],
                    help="weight kinds on which to run the DAG engine too (default: dyadic; "
                         "on random denominators it takes minutes and gigabytes)")
    ap.add_argument("--slp-steps", type=int, default=26, help="0 skips the SLP benchmark")
    args = ap.parse_args(argv)
    mlps = []
    for kind in args.kinds:
        mlps.append(bench_mlp(kind, width=args.width, depth=args.depth, batch=args.batch,
                              repeats=args.repeats, ref_repeats=args.ref_repeats,
                              reference=not args.no_reference, dag=kind in args.dag_kinds,
                              dag_repeats=args.ref_repeats))
        print(f"[{kind} done]", file=sys.stderr, flush=True)
    slp = bench_slp(args.slp_steps, args.repeats) if args.slp_steps > 0 else None
    print(report(mlps, slp, width=args.width, depth=args.depth, batch=args.batch,
                 repeats=args.repeats))
    return 1 if any(r.mismatches for r in mlps) else 0


if __name__ == "__main__":
    raise SystemExit(main())
