"""Build and fully verify the ERM_bit instance I(P, j) of Lemma 3.2 for growing SLPs.

For SLPs with 10, 100 and 1000 gates and σ of degree 2 and 4, the benchmark times:
compiling P (:func:`spec.lemma32.network.compile_slp`), building I(P, j), and verifying θ∗
on *every* forcing template plus the main sample (:meth:`ERMInstance.verify`, incremental
evaluation from the baseline), together with the simulation check f^{v_i} = a_i.  It prints
the figures and the growth exponent of the verification time in |E| (least-squares slope
of log time against log |E|).  The naive alternative, one full forward pass per template,
is timed on the smallest sizes for comparison (it is Θ(|E|·|templates|)).

Run: ``python -m benchmarks.bench_instance`` (``--quick`` stops at 100 gates).
"""

from __future__ import annotations

import argparse
import math
import random
import time
from dataclasses import dataclass

from flint import fmpq

from checkers.activations import parse_activation
from checkers.rationals import size
from checkers.slp import SLP, Gate, Op
from spec.lemma32 import build_instance, compile_slp

SIGMAS = ("x^2", "x^4 - 2*x^3 + 1/3*x")
SIZES = (10, 100, 1000)
VALUE_BITS = 64


def bounded_slp(n: int, seed: int, *, value_bits: int = VALUE_BITS) -> SLP:
    """A random SLP with n gates (about one third multiplications) whose values stay below
    ``value_bits`` bits: a gate drawn at random is redrawn while its value would be larger,
    so the structure is random but the main forward pass stays cheap."""
    rng = random.Random(seed)
    vals = [fmpq(1)]
    gates: list[Gate] = []
    ops: tuple[Op, ...] = ("+", "-", "*")
    while len(gates) < n:
        op = rng.choice(ops)
        j = rng.randrange(len(vals))
        k = rng.randrange(len(vals))
        x, y = vals[j], vals[k]
        v = x + y if op == "+" else x - y if op == "-" else x * y
        if size(v) > value_bits:
            continue
        gates.append(Gate(op, j, k))
        vals.append(v)
    return SLP(fmpq(1), tuple(gates))


@dataclass
class Row:
    sigma: str
    gates: int
    nodes: int
    edges: int
    templates: int
    build_s: float
    verify_s: float
    ok: bool

    @property
    def total_s(self) -> float:
        return self.build_s + self.verify_s


def run_one(sigma: str, n: int, seed: int = 1, repeat: int = 1) -> Row:
    """Best of ``repeat`` runs of build (compile + instance) and verify."""
    slp = bounded_slp(n, seed)
    best: Row | None = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        c = compile_slp(slp, parse_activation(sigma))
        inst = build_instance(c, 0, a=0, b=1)
        t1 = time.perf_counter()
        ver = inst.verify()
        simulates = c.gate_values() == slp.evaluate()
        t2 = time.perf_counter()
        ok = ver.forcing_ok and simulates and ver.checked == inst.template_count()
        row = Row(sigma, n, len(c.network.nodes), len(c.network.edges),
                  inst.template_count(), t1 - t0, t2 - t1, ok)
        if best is None or row.total_s < best.total_s:
            best = row
    assert best is not None
    return best


def naive_seconds(sigma: str, n: int, seed: int = 1) -> float:
    """One full engine forward pass per template (the O(|E|²) baseline)."""
    c = compile_slp(bounded_slp(n, seed), parse_activation(sigma))
    inst = build_instance(c, 0)
    t0 = time.perf_counter()
    for t in inst.templates():
        out = c.network.forward(inst.template_input(t)).val
        assert out == inst.template_label(t)
    return time.perf_counter() - t0


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log y against log x."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum(
        (a - mx) ** 2 for a in lx)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="sizes 10 and 100 only")
    ap.add_argument("--sizes", type=int, nargs="+", metavar="N", help="gate counts to run")
    args = ap.parse_args(argv)
    sizes = tuple(args.sizes) if args.sizes else SIZES[:2] if args.quick else SIZES
    print(f"{'sigma':<22} {'gates':>5} {'|V|':>7} {'|E|':>7} {'templates':>9} "
          f"{'build s':>8} {'verify s':>9} {'total s':>8} {'us/templ':>8}  ok")
    for sigma in SIGMAS:
        rows = [run_one(sigma, n, repeat=5 if n <= 100 else 3 if n <= 1000 else 1)
                for n in sizes]
        for r in rows:
            print(f"{r.sigma:<22} {r.gates:>5} {r.nodes:>7} {r.edges:>7} {r.templates:>9} "
                  f"{r.build_s:>8.3f} {r.verify_s:>9.3f} {r.total_s:>8.3f} "
                  f"{1e6 * r.verify_s / r.templates:>8.1f}  {r.ok}")
        exp = slope([float(r.edges) for r in rows], [r.total_s for r in rows])
        print(f"  growth exponent of build+verify time in |E| ({sigma}): {exp:.2f}")
        naive = [naive_seconds(sigma, n) for n in sizes[:2]]
        ratio = [nv / r.verify_s for nv, r in zip(naive, rows, strict=False)]
        print("  naive full forward per template: "
              + ", ".join(f"{n} gates {t:.3f} s ({q:.0f}x the incremental verify)"
                          for n, t, q in zip(sizes, naive, ratio, strict=False)))


if __name__ == "__main__":
    main()
