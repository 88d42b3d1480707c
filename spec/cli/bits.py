"""``whyrelu bits``: exact bit sizes of backprop on a random layered network against the
proven bound (Theorem E.1, Remark 1.5), and ``--sweep``: the bit-model Figure 1.

The network is :class:`spec.piecewise.LayeredSpec`: ``--depth`` hidden layers of width
``--width`` with the activation, then a linear output of width 1; every weight, bias,
input and label is ``p/q`` with ``|p| < 2^B`` and ``1 <= q < 2^max(1, B // 2)`` for
``B = --weight-bits``, drawn from ``--seed``.  ``bound_bits`` is the Theorem E.1 bound for
a piecewise-linear activation; for a polynomial one it is the same formula with σ's
coefficients in place of slopes and intercepts (so that its failure is visible); for φ_K it
is the Remark 1.5 bound.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

from flint import fmpq

from checkers.activations import Activation, BitBounded, parse_activation
from checkers.errors import BitBudgetExceeded
from checkers.layered import LayeredNetwork, Mat
from checkers.losses import LOSSES
from checkers.rationals import size
from spec.cli import CLI, UsageError, emit, figure_file, nonnegative_int, parse_act
from spec.piecewise import LayeredSpec, measure_layered, profile_of_layered, size_bound

DEFAULT_BUDGET_BITS = 1 << 22
"""Largest forward value size (bits) ``whyrelu bits`` computes before giving up."""

SWEEP_ACTIVATIONS = ("x^2", "x^3", "relu", "leaky_relu(1/8)")


@dataclass(frozen=True)
class BitsResult:
    """Measured and proven sizes for one instance."""

    max_size_bits: int
    max_grad_size_bits: int
    bound_bits: int
    grad_bound_bits: int

    def as_json(self) -> dict[str, int]:
        return {"max_size_bits": self.max_size_bits,
                "max_grad_size_bits": self.max_grad_size_bits, "bound_bits": self.bound_bits}


def _budgeted_forward(net: LayeredNetwork, xs: Sequence[Sequence[fmpq]], budget: int) -> None:
    """Run the forward pass layer by layer and stop at the first layer with a value larger
    than ``budget`` bits (:class:`~checkers.errors.BitBudgetExceeded`)."""
    h = Mat.from_rationals(net.input_dim, len(xs),
                           [xs[j][i] for i in range(net.input_dim) for j in range(len(xs))])
    for li, layer in enumerate(net.layers, start=1):
        rows, cols = layer.shape
        w = Mat.from_rationals(rows, cols, [v for row in layer.weights for v in row])
        z = (w @ h).add_column(layer.biases)
        h = z.apply(layer.activation)
        s = max(max(size(v) for v in z.entries()), max(size(v) for v in h.entries()))
        if s > budget:
            raise BitBudgetExceeded(f"layer {li}", s, budget)


def measure_bits(act: Activation, spec: LayeredSpec,
                 budget_bits: int | None = DEFAULT_BUDGET_BITS) -> BitsResult:
    """Measured sizes and the proven bound for the instance ``spec`` with ``act``."""
    net, xs, ys = spec.build(act)
    loss = LOSSES[spec.loss]
    if budget_bits is not None:
        _budgeted_forward(net, xs, budget_bits)
    m, _ = measure_layered(net, xs, ys, loss)
    if isinstance(act, BitBounded):
        from spec.bit_bounded import phi_bound, phi_profile

        dag = spec.as_dag(act)
        pb = phi_bound(phi_profile(dag.net, dag.data, dag.loss))
        bound, grad_bound = pb.total, pb.grad
    else:
        b = size_bound(profile_of_layered(net, xs, ys, loss))
        bound, grad_bound = b.total, b.grad
    return BitsResult(m.total, m.grad, bound, grad_bound)


@dataclass(frozen=True)
class SweepCurve:
    """One activation's curve: depths reached, measured gradient sizes, bounds."""

    activation: str
    depths: tuple[int, ...]
    grad_bits: tuple[int, ...]
    grad_bound_bits: tuple[int, ...]
    piecewise_linear: bool
    stopped_at: int | None


def sweep(*, max_depth: int, width: int, bits: int, samples: int, seed: int,
          budget_bits: int = 1 << 20,
          activations: Sequence[str] = SWEEP_ACTIVATIONS) -> list[SweepCurve]:
    """Largest gradient-entry size against depth 1..max_depth for each activation; a curve
    stops at the first depth whose forward values pass ``budget_bits``."""
    curves = []
    for text in activations:
        act = parse_activation(text)
        depths: list[int] = []
        grads: list[int] = []
        bounds: list[int] = []
        stopped = None
        for d in range(1, max_depth + 1):
            spec = LayeredSpec(hidden=d, width=width, bits=bits, samples=samples, seed=seed)
            try:
                r = measure_bits(act, spec, budget_bits)
            except BitBudgetExceeded:
                stopped = d
                break
            depths.append(d)
            grads.append(r.max_grad_size_bits)
            bounds.append(r.grad_bound_bits)
        curves.append(SweepCurve(act.name, tuple(depths), tuple(grads), tuple(bounds),
                                 act.traits.piecewise_linear, stopped))
    return curves


def plot_sweep(curves: Sequence[SweepCurve], path: str, *, width: int, bits: int,
               seed: int) -> None:
    """Write the figure (PNG, PDF or SVG by suffix; matplotlib, Agg backend; no timestamp)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    styles = {"x^2": ("tab:blue", "o"), "x^3": ("tab:green", "s"), "relu": ("tab:orange", "^"),
              "leaky_relu(1/8)": ("tab:red", "v")}
    fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=110)
    for i, c in enumerate(curves):
        color, marker = styles.get(c.activation, (f"C{i}", "o"))
        label = f"σ = {c.activation}" + (f" (stops: > budget at depth {c.stopped_at})"
                                         if c.stopped_at else "")
        ax.plot(c.depths, c.grad_bits, marker=marker, color=color, label=label)
        if c.piecewise_linear:
            ax.plot(c.depths, c.grad_bound_bits, linestyle="--", color=color, alpha=0.8,
                    label=f"proven bound (Theorem E.1), {c.activation}")
    ax.set_yscale("log", base=2)
    ax.set_xlabel("Depth (number of hidden layers)")
    ax.set_ylabel("largest size of an entry of ∇L (bits)")
    ax.set_title(f"Exact gradient sizes vs depth (width {width}, {bits}-bit rationals, "
                 f"seed {seed})", fontsize=10)
    ax.grid(True, linestyle="--", alpha=0.5)
    ax.legend(fontsize=8)
    fig.tight_layout()
    from spec.plotting import save_figure

    save_figure(fig, path, dpi=110)
    plt.close(fig)


def _positive(name: str, value: int, minimum: int = 1) -> None:
    if value < minimum:
        raise UsageError(f"{name} must be at least {minimum}, got {value}")


def _run(args: argparse.Namespace) -> int:
    _positive("--width", args.width)
    _positive("--weight-bits", args.weight_bits)
    _positive("--samples", args.samples)
    if args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")
    if args.sweep:
        _positive("--max-depth", args.max_depth)
        if args.depth is not None:
            raise UsageError("--depth is for one instance; --sweep runs depths 1..--max-depth")
        drawn = SWEEP_ACTIVATIONS if args.activation is None else (
            parse_act(args.activation).name,)
        curves = sweep(max_depth=args.max_depth, width=args.width, bits=args.weight_bits,
                       samples=args.samples, seed=args.seed, activations=drawn)
        plot_sweep(curves, args.output, width=args.width, bits=args.weight_bits,
                   seed=args.seed)
        emit({"output": args.output,
              "curves": {c.activation: {"depths": list(c.depths),
                                        "max_grad_size_bits": list(c.grad_bits),
                                        "grad_bound_bits": list(c.grad_bound_bits),
                                        "stopped_at": c.stopped_at} for c in curves}},
             args.json)
        return 0
    if args.activation is None or args.depth is None:
        raise UsageError("give --activation and --depth (or --sweep)")
    _positive("--depth", args.depth, 0)
    act = parse_act(args.activation)
    spec = LayeredSpec(hidden=args.depth, width=args.width, bits=args.weight_bits,
                       samples=args.samples, seed=args.seed, loss=args.loss)
    budget = None if args.budget_bits <= 0 else int(args.budget_bits)
    emit(measure_bits(act, spec, budget).as_json(), args.json)
    return 0


def register(cli: CLI) -> None:
    p = cli.command("bits", "exact bit sizes of backprop on a random layered network vs the "
                    "proven bound (Theorem E.1, Remark 1.5); --sweep plots them vs depth",
                    _run)
    p.add_argument("--activation", metavar="EXPR", help="activation of the hidden layers")
    p.add_argument("--depth", type=int, metavar="D", help="number of hidden layers")
    p.add_argument("--width", type=int, default=4, metavar="W", help="hidden width (default 4)")
    p.add_argument("--weight-bits", type=int, default=4, metavar="B",
                   help="numerators below 2^B, denominators below 2^max(1, B//2) (default 4)")
    p.add_argument("--samples", type=int, default=2, metavar="N", help="samples (default 2)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("--loss", default="square", choices=sorted(LOSSES))
    p.add_argument("--budget-bits", type=nonnegative_int, default=DEFAULT_BUDGET_BITS,
                   metavar="BITS",
                   help=f"give up when a forward value passes BITS bits (default "
                        f"{DEFAULT_BUDGET_BITS}; 0 for no budget)")
    p.add_argument("--sweep", action="store_true",
                   help="plot the largest gradient size vs depth for --activation (default: "
                        "x^2, x^3, relu and leaky_relu(1/8)) with the proven bound")
    p.add_argument("--max-depth", type=int, default=12, metavar="D",
                   help="deepest network of the sweep (default 12)")
    p.add_argument("-o", "--output", default="bits-vs-depth.png", metavar="FILE",
                   type=figure_file,
                   help="figure written by --sweep: .png, .pdf or .svg (default "
                        "bits-vs-depth.png)")
    p.add_argument("--json", action="store_true", help="print JSON")
