"""Figure 1 of the paper, reproduced in floating point (numpy float64), as the paper did.

The figure plots log₁₀‖∇_{W₁}L‖₂ against depth for randomly initialised MLPs with
σ(x) = x² and with ReLU, every weight matrix scaled by 3.  The paper states neither its
setup nor its code (arXiv 2602.19017, §1, Figure 1); whyrelu uses the points digitised from its
vector graphic (±0.01) and a reconstructed setup that reproduces them:

* ``depth`` hidden layers of width 64, input dimension 10, scalar linear output, no biases;
* He-normal initialisation (std √(2/fan_in)) of every matrix, then each matrix × 3;
* a batch of 64 standard-normal inputs and standard-normal targets;
* mean-squared-error loss (averaged over the batch);
* the Frobenius norm of the gradient of the first-layer weights;
* float64, the mean of log₁₀‖∇_{W₁}L‖ over seeds 0..``seeds``−1 (numpy ``default_rng``).

**This is a floating-point illustration, not an exact check**: it is the only place in
whyrelu where floats are used for the mathematics.  Its claim has status *cited* and
compares the float curve with the digitised points within stated tolerances
(:data:`RELU_TOLERANCE_DECADES`, :data:`SQUARE_TOLERANCE_RELATIVE`).  The exact bit-model
counterpart (exact sizes of the same quantities) is a separate command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
from hypothesis import strategies as st

from spec.claims import Evidence, check, claim

Act = Literal["square", "relu"]
FloatArray = npt.NDArray[np.float64]

RELU_DEPTHS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 8, 10, 12)
SQUARE_DEPTHS: tuple[int, ...] = (1, 2, 3, 4, 5)

DIGITISED: dict[Act, tuple[float, ...]] = {
    "square": (4.09, 10.83, 25.21, 52.37, 112.00),
    "relu": (1.72, 2.53, 3.71, 4.31, 5.37, 6.35, 8.38, 10.41, 11.70),
}
"""The paper's points read from its vector graphic (arXiv 2602.19017, Figure 1), log₁₀‖∇_{W₁}L‖₂."""

RELU_TOLERANCE_DECADES = 0.75
"""Largest allowed |ours − digitised| for ReLU, in decades (log₁₀ units), at every depth.

Why: the setup is a reconstruction and the paper's draw of weights and data is unknown.
Over 200 seeds, one run's log₁₀‖∇_{W₁}L‖ has a standard deviation growing from 0.15 (depth
1) to 0.46 (depth 12); the paper's points are one unknown draw (or a few), ours the mean of
:data:`DEFAULT_SEEDS` seeds, so their difference has a standard deviation up to ≈ 0.5 at
depth 12.  0.75 decades (≈ 1.5σ there, far more at shallow depths) accepts this noise but
rejects a wrong scale factor: at depth 12 the curve misses by ~11 decades without the ×3
(it stays flat), by ~4 decades with ×2 and by ~3.5 decades with ×4."""

SQUARE_TOLERANCE_RELATIVE = 0.10
"""Largest allowed |ours − digitised| / digitised for σ(x) = x², at every depth.

Why: the x² values span 4 to 112 decades and grow doubly exponentially, so a relative
tolerance is the natural one.  One run's spread reaches 2.8 decades (2.6 %) at depth 5, and
the unstated averaging (mean of logs vs log of the mean) moves depth 5 by another 2 %;
10 % covers both while a wrong scale factor misses by more (×1: 60 %, ×2: 26 %,
×4: 15 %)."""

DEFAULT_SEEDS = 5
WIDTH = 64
INPUT_DIM = 10
BATCH = 64
SCALE = 3.0


@dataclass(frozen=True)
class Setup:
    """The reconstructed setup of Figure 1 (the paper, arXiv 2602.19017, states none)."""

    width: int = WIDTH
    input_dim: int = INPUT_DIM
    batch: int = BATCH
    scale: float = SCALE


@dataclass(frozen=True)
class Instance:
    """One random MLP of the setup and one batch (float64)."""

    weights: list[FloatArray]
    w_out: FloatArray
    x: FloatArray
    y: FloatArray
    act: Act


def instance(depth: int, act: Act, seed: int, setup: Setup = Setup()) -> Instance:
    """Draw the weights (He-normal × scale), inputs and targets with ``default_rng(seed)``."""
    if depth < 1:
        raise ValueError(f"depth must be >= 1, got {depth}")
    rng = np.random.default_rng(seed)
    weights: list[FloatArray] = []
    fan_in = setup.input_dim
    for _ in range(depth):
        weights.append(rng.normal(0.0, np.sqrt(2.0 / fan_in), (setup.width, fan_in))
                       * setup.scale)
        fan_in = setup.width
    w_out = rng.normal(0.0, np.sqrt(2.0 / fan_in), (1, fan_in)) * setup.scale
    x = rng.standard_normal((setup.batch, setup.input_dim))
    y = rng.standard_normal((setup.batch, 1))
    return Instance(weights, w_out, x, y, act)


def _sigma(z: FloatArray, act: Act) -> FloatArray:
    return z * z if act == "square" else np.maximum(z, 0.0)


def loss(inst: Instance) -> float:
    """L = mean((f(x) − y)²) over the batch."""
    h = inst.x
    for w in inst.weights:
        h = _sigma(h @ w.T, inst.act)
    return float(np.mean((h @ inst.w_out.T - inst.y) ** 2))


def first_layer_gradient(inst: Instance) -> FloatArray:
    """∇_{W₁}L by backpropagation (float64)."""
    hs = [inst.x]
    zs: list[FloatArray] = []
    for w in inst.weights:
        z = hs[-1] @ w.T
        zs.append(z)
        hs.append(_sigma(z, inst.act))
    out = hs[-1] @ inst.w_out.T
    batch = inst.x.shape[0]
    delta = (2.0 / batch) * (out - inst.y) @ inst.w_out  # ∂L/∂h_depth
    grad_w1 = np.zeros_like(inst.weights[0])
    for layer in range(len(inst.weights) - 1, -1, -1):
        z = zs[layer]
        dz = delta * (2.0 * z if inst.act == "square" else (z > 0).astype(np.float64))
        if layer == 0:
            grad_w1 = dz.T @ hs[0]
        delta = dz @ inst.weights[layer]
    return grad_w1


def first_layer_gradient_norm(depth: int, act: Act, seed: int,
                              setup: Setup = Setup()) -> float:
    """‖∇_{W₁}L‖_F for one random MLP and batch (float64)."""
    return float(np.linalg.norm(first_layer_gradient(instance(depth, act, seed, setup))))


def curve(act: Act, depths: Sequence[int] | None = None, *, seeds: int = DEFAULT_SEEDS,
          setup: Setup = Setup()) -> list[float]:
    """Mean over seeds 0..seeds−1 of log₁₀‖∇_{W₁}L‖ at every depth (float64)."""
    ds = depths if depths is not None else (SQUARE_DEPTHS if act == "square" else RELU_DEPTHS)
    return [float(np.mean([np.log10(first_layer_gradient_norm(d, act, s, setup))
                           for s in range(seeds)])) for d in ds]


@dataclass(frozen=True)
class Comparison:
    """Our curves against the digitised points."""

    relu: list[float]
    square: list[float]
    relu_max_abs: float
    square_max_rel: float

    @property
    def within_tolerance(self) -> bool:
        return (self.relu_max_abs <= RELU_TOLERANCE_DECADES
                and self.square_max_rel <= SQUARE_TOLERANCE_RELATIVE)


def compare(*, seeds: int = DEFAULT_SEEDS, setup: Setup = Setup()) -> Comparison:
    relu = curve("relu", seeds=seeds, setup=setup)
    square = curve("square", seeds=seeds, setup=setup)
    relu_dev = max(abs(a - b) for a, b in zip(relu, DIGITISED["relu"], strict=True))
    sq_dev = max(abs(a - b) / b for a, b in zip(square, DIGITISED["square"], strict=True))
    return Comparison(relu, square, relu_dev, sq_dev)


def _hundredths(v: float) -> Fraction:
    """A float figure for the theorem table, rounded to 1/100 (evidence is rational)."""
    return Fraction(round(v * 100), 100)


def _check(setup: Setup) -> Evidence:
    cmp = compare(setup=setup)
    for d, ours, paper in zip(RELU_DEPTHS, cmp.relu, DIGITISED["relu"], strict=True):
        check(abs(ours - paper) <= RELU_TOLERANCE_DECADES,
              f"ReLU at depth {d}: |ours - digitised| <= {RELU_TOLERANCE_DECADES} decades",
              depth=d, ours=round(ours, 3), digitised=paper, scale=setup.scale)
    for d, ours, paper in zip(SQUARE_DEPTHS, cmp.square, DIGITISED["square"], strict=True):
        check(abs(ours - paper) <= SQUARE_TOLERANCE_RELATIVE * paper,
              f"x^2 at depth {d}: |ours - digitised| <= {SQUARE_TOLERANCE_RELATIVE:.0%} "
              "of the digitised value", depth=d, ours=round(ours, 3), digitised=paper,
              scale=setup.scale)
    ev = Evidence.of()
    ev.bound("relu_max_dev_decades", _hundredths(cmp.relu_max_abs),
             _hundredths(RELU_TOLERANCE_DECADES))
    ev.bound("square_max_dev_percent", _hundredths(100 * cmp.square_max_rel),
             _hundredths(100 * SQUARE_TOLERANCE_RELATIVE))
    return ev


@claim(
    "Figure 1",
    "Floating-point reproduction (float64, not exact): log₁₀‖∇_{W₁}L‖₂ vs depth with weights "
    "×3 stays within 0.75 decades of the digitised ReLU points and within 10 % of the "
    "digitised x² points",
    instances=st.just(None), status="cited", examples=1,
)
def reproduces_digitised_points(inst: None) -> Evidence:
    """Uses the reconstructed setup of Figure 1 (width 64, input 10, batch 64, He-normal × 3,
    averaged MSE, mean of log₁₀ over seeds 0–4).  Floats are used only here; the outcome
    says the illustration is reproduced, not that anything is proved."""
    return _check(Setup())


@claim(
    "Figure 1",
    "Negative control: the same float reproduction without the ×3 weight scaling misses "
    "the digitised points",
    instances=st.just(None), status="cited", expect="counterexample",
    control_of="figure1.reproduces_digitised_points", examples=1,
    refuted_on=("ReLU at depth 1: |ours - digitised| <= 0.75 decades",),
)
def unscaled_weights_refuted(inst: None) -> Evidence:
    """He-normal weights preserve the signal, so the ReLU curve stays flat (below 10^0.5)."""
    return _check(Setup(scale=1.0))


def plot(path: Path, cmp: Comparison | None = None) -> Path:
    """Draw our curves beside the digitised points (left: as the paper; right: ReLU)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cmp = cmp or compare()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.6))
    for a in (ax, ax2):
        a.plot(RELU_DEPTHS, cmp.relu, color="C1", marker=".", label="ReLU (ours, float64)")
        a.plot(RELU_DEPTHS, DIGITISED["relu"], ls="none", color="C1", marker="s", mfc="none",
               ms=7, label="ReLU (paper, digitised)")
        a.set_xlabel("Depth (number of hidden layers)")
        a.set_xticks(range(2, 13, 2))
        a.grid(True, ls="--", alpha=0.6)
    ax.plot(SQUARE_DEPTHS, cmp.square, color="C0", marker="o",
            label="Polynomial σ(x)=x² (ours, float64)")
    ax.plot(SQUARE_DEPTHS, DIGITISED["square"], ls="none", color="C0", marker="D",
            mfc="none", ms=8, label="Polynomial σ(x)=x² (paper, digitised)")
    ax.set_ylabel(r"$\log_{10}\,\|\nabla_{W_1} L\|_2$")
    ax.set_title("Figure 1 reproduced in floating point (weights ×3 per layer)", fontsize=10)
    ax.legend(fontsize=8)
    ax2.set_title(f"ReLU only (tolerance ±{RELU_TOLERANCE_DECADES} decades shaded)",
                  fontsize=10)
    ax2.fill_between(RELU_DEPTHS, [v - RELU_TOLERANCE_DECADES for v in DIGITISED["relu"]],
                     [v + RELU_TOLERANCE_DECADES for v in DIGITISED["relu"]], color="C1",
                     alpha=0.12)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    from spec.plotting import save_figure

    save_figure(fig, path)  # the suffix names the format; byte-reproducible
    plt.close(fig)
    return path
