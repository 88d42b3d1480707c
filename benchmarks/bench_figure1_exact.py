"""Cost of the exact Figure 1 (``python benchmarks/bench_figure1_exact.py [--depths 1-8]``).

For every depth and σ ∈ {x², ReLU} of the paper's reconstructed setup (width 64, input 10,
batch 64, He-normal × 3; :mod:`spec.figure1_exact`), one run measures

* ``engine``: :meth:`checkers.layered.LayeredNetwork.first_layer_gradient` (forward pass,
  σ and σ' entrywise, backward pass, ∂L/∂W₁), and
* ``bare``: the FLINT operations the same pass needs, on the very matrices the engine
  produced — ``W_l·H_{l−1}`` (forward), ``W_lᵀ·Δ_l`` (backward) and ``Δ₁·H₀ᵀ`` as
  ``fmpz_mat`` products of the numerators (every matrix here is dyadic: one power-of-two
  denominator), each computed as the engine does it — one column (row) of the huge factor
  at a time with FLINT's ``fmpz_mat`` product where the sizes are lopsided, FLINT's own
  product otherwise (the choice made before the clock starts; written out here with raw
  FLINT calls) — plus the entrywise σ/σ' products (``z·z`` and ``2z`` for x²) as ``fmpz``
  operations: the floor of this algorithm;
* ``flint*`` (depths up to ``--star-max-depth``): the same products as plain
  ``fmpz_mat * fmpz_mat``, FLINT's own algorithm choice (multi-modular here);

and prints the ratios engine/bare and flint*/engine, the largest value (bits) and the
seconds.  Nothing is
asserted on times; the figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flint import fmpz_mat

from checkers import matmul
from checkers.losses import SQUARE
from spec.figure1 import Act
from spec.figure1_exact import ACTS, exact_network


def by_columns(a: fmpz_mat, b: fmpz_mat) -> fmpz_mat:
    """``a·b`` one column of ``b`` at a time (raw FLINT calls)."""
    k, c = b.nrows(), b.ncols()
    be = b.entries()
    cols = [(a * fmpz_mat(k, 1, be[j::c])).entries() for j in range(c)]
    return fmpz_mat(a.nrows(), c, [cols[j][i] for i in range(a.nrows()) for j in range(c)])


def by_rows(a: fmpz_mat, b: fmpz_mat) -> fmpz_mat:
    """``a·b`` one row of ``a`` at a time (raw FLINT calls)."""
    k = a.ncols()
    ae = a.entries()
    out = []
    for i in range(a.nrows()):
        out.extend((fmpz_mat(1, k, ae[i * k:(i + 1) * k]) * b).entries())
    return fmpz_mat(a.nrows(), b.ncols(), out)


def engine_choice(a: fmpz_mat, b: fmpz_mat) -> Callable[[fmpz_mat, fmpz_mat], fmpz_mat]:
    """The product the engine uses for these sizes (decided outside the timed region)."""
    if a.ncols() < 8 or a.nrows() * b.ncols() < 64:
        return star
    ab, bb = matmul.max_bits(a), matmul.max_bits(b)
    if max(ab, bb) < matmul.LOPSIDED_MIN_BITS or \
            max(ab, bb) < matmul.LOPSIDED_RATIO * max(min(ab, bb), 1):
        return star
    return by_columns if bb >= ab else by_rows


def star(a: fmpz_mat, b: fmpz_mat) -> fmpz_mat:
    return a * b


def bench(depth: int, act: Act, *, with_star: bool
          ) -> tuple[float, float, float | None, int]:
    """(engine, bare, flint* seconds, largest value bits) at one depth."""
    net, xs, ys = exact_network(depth, act, 0)
    t0 = time.perf_counter()
    _, tr, deltas, _, _ = net._backprop(xs, ys, SQUARE, first_only=True)
    engine = time.perf_counter() - t0
    rounds = 3 if engine < 1 else 1  # best of 3 where a pass is short (warm-up, noise)
    for _ in range(rounds - 1):
        t0 = time.perf_counter()
        net._backprop(xs, ys, SQUARE, first_only=True)
        engine = min(engine, time.perf_counter() - t0)
    # the bare operations on the engine's own matrices (all dyadic: fmpz numerators)
    ws = [m.num for m in net._W]
    hs, zs, ds = [h.num for h in tr.H], [z.num for z in tr.Z], [d.num for d in deltas]
    bare = min(bare_pass(act, ws, hs, zs, ds, None) for _ in range(rounds))
    flint_star = (min(bare_pass(act, ws, hs, zs, ds, star) for _ in range(rounds))
                  if with_star else None)
    bits = 0
    for m in (*hs, *zs):
        assert m is not None
        bits = max(bits, max(int(abs(v).bit_length()) for v in m.entries()))
    return engine, bare, flint_star, bits


def bare_pass(act: Act, ws: list[fmpz_mat | None], hs: list[fmpz_mat | None],
              zs: list[fmpz_mat | None], ds: list[fmpz_mat | None],
              mul: Callable[[fmpz_mat, fmpz_mat], fmpz_mat] | None) -> float:
    """Seconds for the pass's raw FLINT operations with the product ``mul`` (``None``: the
    engine's choice for each product, decided before timing)."""
    pairs: list[tuple[fmpz_mat, fmpz_mat]] = []
    for w, h in zip(ws, hs[:-1], strict=True):
        assert w is not None and h is not None
        pairs.append((w, h))
    for layer in range(len(ws) - 1, 0, -1):
        w, d = ws[layer], ds[layer]
        assert w is not None and d is not None
        pairs.append((w.transpose(), d))
    d0, h0 = ds[0], hs[0]
    assert d0 is not None and h0 is not None
    pairs.append((d0, h0.transpose()))
    muls = [mul or engine_choice(a, b) for a, b in pairs]
    t0 = time.perf_counter()
    n_fwd = len(ws)
    for (w, h), m in zip(pairs[:n_fwd], muls, strict=False):  # forward W_l·H_{l−1}
        _ = m(w, h)
    for z in zs[:-1]:  # σ(z) = z·z and σ'(z) = 2z entrywise (hidden layers)
        assert z is not None
        if act == "square":
            ents = z.entries()
            _ = [v * v for v in ents]
            _ = [2 * v for v in ents]
    for k, layer in enumerate(range(len(ws) - 1, 0, -1)):  # W_lᵀ·Δ_l, then ⊙ σ'(Z_{l−1})
        (wt, d), z = pairs[n_fwd + k], zs[layer - 1]
        assert z is not None
        g = muls[n_fwd + k](wt, d)
        if act == "square":
            _ = [a * (2 * b) for a, b in zip(g.entries(), z.entries(), strict=True)]
    _ = muls[-1](*pairs[-1])  # ∂L/∂W₁ = Δ₁·H₀ᵀ
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--depths", default="1-8")
    ap.add_argument("--activations", default="relu,square")
    ap.add_argument("--star-max-depth", type=int, default=8,
                    help="time FLINT's own product (a*b) up to this depth")
    args = ap.parse_args(argv)
    a, b = (int(t) for t in args.depths.split("-"))
    print(f"# python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.2f}")
    print("| σ | depth | engine (s) | bare FLINT, same products (s) | engine/bare "
          "| FLINT `*` (s) | FLINT `*`/engine | largest numerator (bits) |")
    print("|---|---|---|---|---|---|---|---|")
    for act in ACTS:
        if act not in args.activations.split(","):
            continue
        for depth in range(a, b + 1):
            e, bare, fs, bits = bench(depth, act, with_star=depth <= args.star_max_depth)
            st = ("—", "—") if fs is None else (f"{fs:.3f}", f"{fs / e:.2f}")
            print(f"| {'x²' if act == 'square' else 'ReLU'} | {depth} | {e:.3f} | {bare:.3f} "
                  f"| {e / bare:.2f} | {st[0]} | {st[1]} | {bits} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
