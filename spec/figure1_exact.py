"""Figure 1 in the bit model: the same networks, every float weight taken *exactly*.

The float reproduction (:mod:`spec.figure1`) draws He-normal weights ×3, inputs and targets
in float64.  A float64 number is a dyadic rational, so the very same network and batch have
an exact gradient: here ``‖∇_{W₁}L‖₂²`` is computed as a rational (averaged MSE, as in the
float setup) by the layered fast path (:class:`checkers.layered.LayeredNetwork`: integer
matrices over one power-of-two denominator), and its ``log₁₀`` is certified by ball
arithmetic (``flint.arb``): the printed decimals are correct, not rounded floats.

Where float64 overflows (σ = x² beyond depth 6) or loses the value, the exact curve goes on;
the figure marks where the float curve stops.  The sizes of the exact entries (bits) are
the bit-model content of the figure: they double per layer for x² and grow additively for
ReLU (Theorem E.1).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from flint import arb, ctx, fmpq, fmpz
from hypothesis import strategies as st

from checkers.activations import IDENTITY, RELU, Activation, Polynomial
from checkers.importers import exact_float
from checkers.layered import Layer, LayeredNetwork
from checkers.losses import SQUARE
from spec.claims import Evidence, check, check_eq, claim, refuted_on, regime
from spec.figure1 import Act, Setup, first_layer_gradient, instance

CLAIM_NAMESPACE = "figure1"

SQUARE_ACT: Activation = Polynomial("x^2")
ACTS: tuple[Act, ...] = ("square", "relu")


@dataclass(frozen=True)
class ExactPoint:
    """One depth of the exact curve: ``‖∇_{W₁}L‖²`` exactly, ``log₁₀‖∇_{W₁}L‖₂`` enclosed
    in ``[log10_lo, log10_hi]`` (a certified interval), the float64 value beside it (``None``
    where float64 overflowed or gave inf/nan), the largest entry size and the time taken."""

    depth: int
    act: Act
    norm_sq: fmpq
    log10_lo: Fraction
    log10_hi: Fraction
    float_log10: float | None
    max_entry_bits: int
    seconds: float
    cpu_seconds: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {"depth": self.depth, "activation": self.act,
                "log10_norm": [str(self.log10_lo), str(self.log10_hi)],
                "log10_norm_approx": float((self.log10_lo + self.log10_hi) / 2),
                "float64_log10_norm": self.float_log10,
                "norm_sq_bits": int(self.norm_sq.p.bit_length() + self.norm_sq.q.bit_length()),
                "max_entry_bits": self.max_entry_bits, "seconds": round(self.seconds, 3),
                "cpu_seconds": round(self.cpu_seconds, 3)}


def exact_network(depth: int, act: Act, seed: int, setup: Setup | None = None
                  ) -> tuple[LayeredNetwork, list[list[fmpq]], list[list[fmpq]]]:
    """The float setup's network and batch (:func:`spec.figure1.instance`), exactly."""
    inst = instance(depth, act, seed, setup or Setup())
    sigma = SQUARE_ACT if act == "square" else RELU

    def q_rows(a: np.ndarray) -> list[list[fmpq]]:
        return [[exact_float(float(v)) for v in row] for row in a]

    layers = [Layer.of(q_rows(w), [0] * w.shape[0], sigma) for w in inst.weights]
    layers.append(Layer.of(q_rows(inst.w_out), [0], IDENTITY))
    return LayeredNetwork(layers), q_rows(inst.x), q_rows(inst.y)


def certified_log10_sqrt(v: fmpq, *, prec: int = 128) -> tuple[Fraction, Fraction]:
    """An interval ``[lo, hi]`` (dyadic rationals) containing ``log₁₀ √v`` for ``v > 0``:
    ``(log₂|num| − log₂ den)`` enclosed by ``arb`` and widened to its ball."""
    if v <= 0:
        raise ValueError("log10 of a non-positive number")
    old = ctx.prec
    try:
        ctx.prec = prec
        val = (arb(fmpz(v.p)).log() - arb(fmpz(v.q)).log()) / (2 * arb(10).log())
        return _arb_exact(val.lower()), _arb_exact(val.upper())
    finally:
        ctx.prec = old


def _arb_exact(x: arb) -> Fraction:
    """The exact value of an exact (radius-0) arb, as a Fraction."""
    man, exp = x.man_exp()
    m, e = int(man), int(exp)
    return Fraction(m * 2**e) if e >= 0 else Fraction(m, 2**-e)


def exact_point(depth: int, act: Act, seed: int = 0, setup: Setup | None = None, *,
                scale_first: fmpq | None = None) -> ExactPoint:
    """``‖∇_{W₁}L‖²`` for the averaged MSE ``L = (1/B) Σ (f(x_i) − y_i)²``, exactly.

    The layered engine's square loss is ``½ Σ (f − y)²``, so the averaged MSE gradient is
    ``2/B`` times its gradient (an exact scaling)."""
    t0, c0 = time.perf_counter(), time.process_time()
    setup = setup or Setup()
    net, xs, ys = exact_network(depth, act, seed, setup)
    if scale_first is not None:  # a perturbed network (negative controls only)
        first = net.layers[0]
        net = LayeredNetwork([Layer.of([[v * scale_first for v in row] for row in first.weights],
                                       first.biases, first.activation), *net.layers[1:]])
    _, m, trace = net.first_layer_gradient(xs, ys, SQUARE)
    if m.num is not None:
        assert m.den is not None
        sq = sum((v * v for v in m.num.entries()), fmpz(0))
        half_norm_sq = fmpq(sq, m.den * m.den)
    else:
        half_norm_sq = sum((v * v for v in m.entries()), fmpq(0))
    scale = fmpq(2, setup.batch)
    norm_sq = half_norm_sq * scale * scale
    lo, hi = certified_log10_sqrt(norm_sq)
    bits = 0
    for mat in (*trace.Z, *trace.H, m):
        if mat.num is not None:
            assert mat.den is not None
            den_bits = int(mat.den.bit_length())
            bits = max(bits, max(int(abs(v).bit_length()) for v in mat.num.entries())
                       + den_bits)
    with np.errstate(over="ignore", invalid="ignore"):
        fl = float(np.linalg.norm(first_layer_gradient(instance(depth, act, seed, setup))))
    float_log10 = float(np.log10(fl)) if np.isfinite(fl) and fl > 0 else None
    return ExactPoint(depth, act, norm_sq, lo, hi, float_log10, bits,
                      time.perf_counter() - t0, time.process_time() - c0)


def exact_curve(act: Act, depths: Sequence[int], *, seed: int = 0, setup: Setup | None = None,
                progress: Callable[[ExactPoint], None] | None = None) -> list[ExactPoint]:
    """The exact curve over ``depths`` (one seed: the exact value is per network)."""
    out = []
    for d in depths:
        p = exact_point(d, act, seed, setup)
        out.append(p)
        if progress is not None:
            progress(p)
    return out


# --------------------------------------------------------------------------- claims

_SMALL = Setup(width=6, input_dim=3, batch=5)


@claim(
    "Figure 1",
    "Exact bit-model counterpart: for the float setup's own weights taken exactly, the "
    "certified log₁₀‖∇_{W₁}L‖₂ contains the float64 value up to float rounding (where "
    "float64 is finite), for x² and ReLU",
    instances=st.tuples(st.sampled_from(ACTS), st.integers(1, 4),
                        st.integers(0, 2**16)),
    examples=6,
)
def exact_matches_float(inst: tuple[Act, int, int]) -> Evidence:
    """At a small width the float64 gradient is accurate to ~1e-12 relative, so the exact
    certified interval must lie within 1e-9 decades of it: an independent cross-check of
    the exact layered backprop against numpy's float backprop on the same network."""
    act, depth, seed = inst
    p = exact_point(depth, act, seed, _SMALL)
    check(p.float_log10 is not None, "float64 is finite at this size", depth=depth)
    assert p.float_log10 is not None
    mid = float((p.log10_lo + p.log10_hi) / 2)
    check(abs(mid - p.float_log10) <= 1e-9,
          "the exact log10 norm agrees with float64 to float precision",
          exact=mid, float64=p.float_log10, depth=depth, act=act)
    check(p.log10_hi - p.log10_lo < Fraction(1, 10**20), "the enclosure is certified and "
          "narrow", width=float(p.log10_hi - p.log10_lo))
    return Evidence.of(depth=depth)


@claim(
    "Figure 1",
    "Negative control: the exact gradient of the averaged MSE without its 2/B factor "
    "disagrees with the float64 value",
    instances=st.tuples(st.sampled_from(ACTS), st.integers(1, 3),
                        st.integers(0, 2**16)),
    expect="counterexample", control_of="figure1.exact_matches_float", examples=4,
    refuted_on=("the exact log10 norm agrees with float64 to float precision",),
)
def exact_without_mse_scale_refuted(inst: tuple[Act, int, int]) -> Evidence:
    act, depth, seed = inst
    p = exact_point(depth, act, seed, _SMALL)
    assert p.float_log10 is not None
    wrong = p.norm_sq * fmpq(_SMALL.batch, 2) ** 2  # the ½Σ gradient, unscaled
    lo, hi = certified_log10_sqrt(wrong)
    mid = float((lo + hi) / 2)
    check(abs(mid - p.float_log10) <= 1e-9,
          "the exact log10 norm agrees with float64 to float precision",
          exact=mid, float64=p.float_log10)
    return Evidence.of(depth=depth)


@claim(
    "Figure 1",
    "At the paper's own scale (width 64, batch 64) and the depths where float64 is still "
    "accurate, the exact certified log₁₀‖∇_{W₁}L‖₂ for σ = x² agrees with float64 to float "
    "precision: the engine's lopsided products (huge activations against float-sized "
    "weights) cross-checked against numpy",
    instances=st.tuples(st.integers(4, 5), st.integers(0, 2**16)),
    examples=2, regimes=("a lopsided product (≥ 4000-bit entries against ≤ 1/16 the bits)",),
)
def paper_scale_matches_float(inst: tuple[int, int]) -> Evidence:
    depth, seed = inst
    p = _paper_scale_point(depth, seed)
    assert p.float_log10 is not None
    mid = float((p.log10_lo + p.log10_hi) / 2)
    check(abs(mid - p.float_log10) <= 1e-9,
          "the exact log10 norm agrees with float64 to float precision",
          exact=mid, float64=p.float_log10, depth=depth, seed=seed)
    return Evidence.of(depth=depth, bits=p.max_entry_bits)


@claim(
    "Figure 1",
    "Negative control: at the paper's scale, the exact gradient with the first layer's "
    "weights scaled by 1 + 2⁻²⁰ (invisible in the figure, far above float precision) "
    "disagrees with float64",
    instances=st.tuples(st.integers(4, 5), st.integers(0, 2**16)),
    examples=2, expect="counterexample", control_of="figure1.paper_scale_matches_float",
)
def paper_scale_perturbed_refuted(inst: tuple[int, int]) -> Evidence:
    depth, seed = inst
    with refuted_on("the exact log10 norm agrees with float64"):
        p = _paper_scale_point(depth, seed, scale_first=fmpq(2**20 + 1, 2**20))
        assert p.float_log10 is not None
        mid = float((p.log10_lo + p.log10_hi) / 2)
        check(abs(mid - p.float_log10) <= 1e-9,
              "the exact log10 norm agrees with float64 to float precision",
              exact=mid, float64=p.float_log10, depth=depth, seed=seed)
    return Evidence.of(depth=depth)


def _paper_scale_point(depth: int, seed: int, *, scale_first: fmpq | None = None
                       ) -> ExactPoint:
    """:func:`exact_point` for σ = x² at the paper's setup, recording the regime when a
    lopsided product was reached; ``scale_first`` perturbs the first layer (controls)."""
    from checkers import matmul

    before = matmul.LOPSIDED_PRODUCTS.count
    p = exact_point(depth, "square", seed, Setup(), scale_first=scale_first)
    if matmul.LOPSIDED_PRODUCTS.count > before:
        regime("a lopsided product (≥ 4000-bit entries against ≤ 1/16 the bits)")
    return p


@claim(
    "Figure 1",
    "The certified log₁₀ enclosure contains log₁₀ of exact squares: log₁₀√(10^(2k)) = k",
    instances=st.integers(-40, 40), examples=20,
)
def certified_log10_exact_powers(k: int) -> Evidence:
    lo, hi = certified_log10_sqrt(fmpq(10) ** (2 * k))
    check(lo <= k <= hi, "log10 enclosure contains the exact value", k=k, lo=lo, hi=hi)
    return Evidence.of()


@claim(
    "Figure 1",
    "Negative control: an enclosure shifted by one ulp of its width misses exact powers",
    instances=st.integers(1, 40), examples=5, expect="counterexample",
    control_of="figure1.certified_log10_exact_powers",
    refuted_on=("log10 enclosure contains the exact value",),
)
def shifted_log10_refuted(k: int) -> Evidence:
    lo, hi = certified_log10_sqrt(fmpq(10) ** (2 * k))
    shift = (hi - lo) + Fraction(1, 2**200)
    check(lo + shift <= k <= hi + shift, "log10 enclosure contains the exact value", k=k)
    return Evidence.of()


def check_point_values(points: Sequence[ExactPoint]) -> None:
    """Consistency of a computed curve (used by the command): each enclosure is ordered."""
    for p in points:
        check_eq(p.log10_lo <= p.log10_hi, True, "ordered enclosure", depth=p.depth)


def plot(path: Path, square: Sequence[ExactPoint], relu: Sequence[ExactPoint]) -> Path:
    """Exact certified curves over the float64 ones; float overflow marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.6))
    for pts, color, label in ((square, "C0", "σ(x)=x²"), (relu, "C1", "ReLU")):
        if not pts:
            continue
        ds = [p.depth for p in pts]
        ax.plot(ds, [float(p.log10_hi) for p in pts], color=color, marker="o",
                label=f"{label}, exact (certified)")
        fl = [(p.depth, p.float_log10) for p in pts if p.float_log10 is not None]
        ax.plot([d for d, _ in fl], [v for _, v in fl], color=color, ls="none", marker="x",
                ms=9, label=f"{label}, float64")
        lost = [p for p in pts if p.float_log10 is None]
        if lost:
            ax.axvline(lost[0].depth - 0.5, color=color, ls=":", alpha=0.7)
            ax.annotate("float64 overflows", (lost[0].depth - 0.45, float(lost[0].log10_hi)),
                        fontsize=8, color=color)
        ax2.semilogy(ds, [p.max_entry_bits for p in pts], color=color, marker="o",
                     label=f"{label}: largest exact entry")
    ax.set_xlabel("Depth (number of hidden layers)")
    ax.set_ylabel(r"$\log_{10}\,\|\nabla_{W_1} L\|_2$")
    ax.set_yscale("log")
    ax.set_title("Figure 1, exact (weights ×3, width 64, batch 64; log scale)", fontsize=10)
    ax.grid(True, ls="--", alpha=0.6)
    ax.legend(fontsize=8)
    for a in (ax, ax2):
        a.xaxis.get_major_locator().set_params(integer=True)
    ax2.set_xlabel("Depth (number of hidden layers)")
    ax2.set_ylabel("bits")
    ax2.set_title("Size of the largest exact value (forward, backward, ∇W)", fontsize=10)
    ax2.grid(True, ls="--", alpha=0.6)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower().lstrip(".") or "png"
    fig.savefig(path, format=suffix, dpi=120, metadata={"Software": None}
                if suffix == "png" else None)
    plt.close(fig)
    return path
