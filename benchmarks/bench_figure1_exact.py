"""Cost of the exact Figure 1 (``python benchmarks/bench_figure1_exact.py [--depths 1-8]``).

For every depth and σ ∈ {x², ReLU} of the paper's reconstructed setup (width 64, input 10,
batch 64, He-normal × 3; :mod:`spec.figure1_exact`), one run measures

* ``engine``: :meth:`checkers.layered.LayeredNetwork.first_layer_gradient` (forward pass,
  σ and σ' entrywise, backward pass, ∂L/∂W₁), and
* ``bare``: the FLINT products the same pass needs, on the very matrices the engine
  produced — ``W_l·H_{l−1}`` (forward), ``W_lᵀ·Δ_l`` (backward) and ``Δ₁·H₀ᵀ`` as
  ``fmpz_mat`` products of the numerators (every matrix here is dyadic: one power-of-two
  denominator), plus the entrywise σ/σ' products (``z·z`` and ``2z`` for x²) as ``fmpz``
  operations — the floor any exact implementation pays;

and prints the ratio engine/bare, the largest value (bits) and the seconds.  Nothing is
asserted on times; the figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkers.losses import SQUARE
from spec.figure1 import Act
from spec.figure1_exact import ACTS, exact_network


def bench(depth: int, act: Act) -> tuple[float, float, int]:
    """(engine seconds, bare seconds, largest value bits) at one depth."""
    net, xs, ys = exact_network(depth, act, 0)
    t0 = time.perf_counter()
    _, tr, deltas, _, _ = net._backprop(xs, ys, SQUARE, first_only=True)
    engine = time.perf_counter() - t0
    # the bare operations on the engine's own matrices (all dyadic: fmpz numerators)
    ws = [m.num for m in net._W]
    hs, zs, ds = [h.num for h in tr.H], [z.num for z in tr.Z], [d.num for d in deltas]
    t0 = time.perf_counter()
    for w, h in zip(ws, hs[:-1], strict=True):  # forward W_l·H_{l−1}
        assert w is not None and h is not None
        _ = w * h
    for z in zs[:-1]:  # σ(z) = z·z and σ'(z) = 2z entrywise (hidden layers)
        assert z is not None
        if act == "square":
            ents = z.entries()
            _ = [v * v for v in ents]
            _ = [2 * v for v in ents]
    for layer in range(len(ws) - 1, 0, -1):  # backward W_lᵀ·Δ_l, then ⊙ σ'(Z_{l−1})
        w, d, z = ws[layer], ds[layer], zs[layer - 1]
        assert w is not None and d is not None and z is not None
        g = w.transpose() * d
        if act == "square":
            _ = [a * (2 * b) for a, b in zip(g.entries(), z.entries(), strict=True)]
    d0, h0 = ds[0], hs[0]
    assert d0 is not None and h0 is not None
    _ = d0 * h0.transpose()  # ∂L/∂W₁ = Δ₁·H₀ᵀ
    bare = time.perf_counter() - t0
    bits = 0
    for m in (*hs, *zs):
        assert m is not None
        bits = max(bits, max(int(abs(v).bit_length()) for v in m.entries()))
    return engine, bare, bits


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--depths", default="1-8")
    ap.add_argument("--activations", default="relu,square")
    args = ap.parse_args(argv)
    a, b = (int(t) for t in args.depths.split("-"))
    print(f"# python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.2f}")
    print("| σ | depth | engine (s) | bare FLINT (s) | engine/bare | largest numerator (bits) |")
    print("|---|---|---|---|---|---|")
    for act in ACTS:
        if act not in args.activations.split(","):
            continue
        for depth in range(a, b + 1):
            e, bare, bits = bench(depth, act)
            print(f"| {'x²' if act == 'square' else 'ReLU'} | {depth} | {e:.3f} | {bare:.3f} "
                  f"| {e / bare:.2f} | {bits} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
