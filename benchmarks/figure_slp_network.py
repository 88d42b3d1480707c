"""Draw the network of Lemma 3.2 for a small SLP (the figure of ``docs/gadget.md``).

Run ``python -m benchmarks.figure_slp_network`` to regenerate
``docs/figures/slp_network.png``.  Vertices are placed by their longest-path depth from
v_0 (one column per depth); each edge is labelled with its θ∗ weight and, when non-zero,
its bias.  Gate vertices v_i are grey, id vertices L and z white, σ vertices U orange.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch

from checkers.activations import parse_activation
from checkers.rationals import fmt
from checkers.slp import SLP
from spec.lemma32 import CompiledSLP, compile_slp

EXAMPLE = SLP.of(1, [("+", 0, 0), ("*", 1, 0), ("-", 2, 1)])
"""a0 = 1, a1 = a0 + a0 (merged: weight 2), a2 = a1·a0, a3 = a2 − a1."""

OUT = Path(__file__).resolve().parent.parent / "docs" / "figures" / "slp_network.png"


def _layout(c: CompiledSLP) -> dict[str, tuple[float, float]]:
    """Gate vertices on a horizontal line; each multiplication gadget in three columns
    (L, U, z) before its gate vertex, one row per (r, τ)."""
    pos: dict[str, tuple[float, float]] = {c.gate_nodes[0]: (0.0, 0.0)}
    x = 0.0
    for i, g in enumerate(c.slp.gates, start=1):
        gad = c.gadgets.get(i)
        if gad is None:
            x += 1.6
        else:
            rows = [(r, t) for r in range(c.mu + 1) for t in range(3)]
            n = len(rows)
            for k, (r, t) in enumerate(rows):
                y = 0.9 * ((n - 1) / 2 - k)
                pos[gad.L[t][r]] = (x + 1.8, y)
                pos[gad.U[t][r]] = (x + 3.6, y)
            pos[gad.z] = (x + 5.2, 0.0)
            x += 6.8
        pos[c.gate_nodes[i]] = (x, 0.0 if g.op == "*" else -0.6 * (i % 2))
    return pos


def draw(c: CompiledSLP, path: Path, title: str | None = None) -> None:
    """Draw the compiled network with its θ∗ labels to ``path`` (PNG)."""
    pos = _layout(c)
    net = c.network
    fig, ax = plt.subplots(figsize=(13, 8.5))
    for (u, v), w, b in zip(net.edges, net.weights, net.biases, strict=True):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.add_patch(FancyArrowPatch((x1, y1), (x2, y2), arrowstyle="-|>", mutation_scale=13,
                                     shrinkA=12, shrinkB=13, lw=0.7,
                                     color="0.55" if w == 0 else "0.15"))
        label = fmt(w) + ("" if b == 0 else f", b={fmt(b)}")
        t = 0.62
        ax.text(x1 + t * (x2 - x1), y1 + t * (y2 - y1), label, fontsize=6.5, ha="center",
                va="center", color="tab:blue" if w != 0 else "0.5",
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
    for name, (x, y) in pos.items():
        act = net.activation(name)
        if act is None or name.startswith("v"):
            face = "0.8"
        elif act.traits.kind == "identity":
            face = "white"
        else:
            face = "tab:orange"
        ax.add_patch(Circle((x, y), 0.3, fc=face, ec="black", lw=0.8, zorder=3))
        ax.text(x, y, name, fontsize=6.5, ha="center", va="center", zorder=4)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    lam = ", ".join(fmt(v) for v in c.lam)
    ax.set_title(title or (
        f"Lemma 3.2 network for a0 = 1, a1 = a0 + a0, a2 = a1·a0, a3 = a2 − a1 with "
        f"σ = {c.sigma.name}\nλ = ({lam}), D = {c.D}, λ' = "
        f"({', '.join(str(v) for v in c.lam_prime)}); edge labels: θ∗ weight[, bias]; "
        f"orange = σ, grey = gate vertices v_i"), fontsize=9)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="draw the Lemma 3.2 network of a 3-gate SLP")
    ap.add_argument("--sigma", default="x^2 + x", help="activation (default x^2 + x)")
    ap.add_argument("--out", type=Path, default=OUT, help=f"output PNG (default {OUT})")
    args = ap.parse_args(argv)
    draw(compile_slp(EXAMPLE, parse_activation(args.sigma)), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
