"""Which side of the dichotomy is an activation on?  ``classify(σ) -> Verdict``.

A verdict has a *side* (``hard``, ``tractable``, ``outside`` the bit model, ``open``), a
*strength* (``proved`` by the paper's theorems or a cited theorem, ``gadget``: a gadget
beyond the paper with the simulation checked, ``measured`` only, ``none``), one sentence of
reason, a list of evidence, the ids of the registered claims that back it, and a measured
size profile (exact forward/backward sizes of a small random network over depth).

The rules (PAPER.md §§1, 4, 9, 11, 16):

* polynomial of degree >= 2 → hard/proved (Lemma 3.1's λ, Theorems 1.1 and 1.3);
* affine, piecewise linear with rational data, and φ_K(any f) → tractable/proved
  (Theorems E.1/E.2, Remark 1.5);
* a piece of degree >= 2 (ReLU^k, hard-swish, splines) → hard/gadget: the local gadget and
  exact SLP simulation, BEYOND the paper; Claim B.1's forcing argument is proved for
  polynomials only, so hardness transfer is not proved;
* 1/x, Möbius maps and αt + β + γ/(ct + d)^k (1/x²: σ∘σ = x⁴) → hard/gadget through the
  reciprocal squaring or Lemma 3.1 on σ∘σ, BEYOND the paper (the paper lists 1/x as open);
  other rational functions → open;
* unrounded transcendental → outside (Lindemann–Weierstrass), round it with φ_K;
  x^(p/q) non-integer → outside (Theorem F.1: no gadget of the paper's form).

This module answers without running Hypothesis (``whyrelu classify --check`` runs the
claims); it never imports the harness.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Literal

from flint import fmpq, fmpq_poly

from checkers.activations import Activation, BitBounded, parse_activation
from checkers.errors import WhyReluError
from checkers.losses import SQUARE
from checkers.rationals import fmt
from spec.beyond._kinds import nonlinear_pieces, pieces_of, reciprocal_form_of
from spec.claims import Claim, ClaimFailure, load_all

Side = Literal["hard", "tractable", "outside", "open"]
Strength = Literal["proved", "gadget", "measured", "none"]

__all__ = ["TABLE_ROWS", "Measurement", "Verdict", "classify", "which_side_markdown"]

TABLE_ROWS: tuple[str, ...] = (
    "x^2", "x^4 - x", "relu", "leaky_relu(0.01)", "relu6", "hardtanh", "abs", "hard_sigmoid",
    "hardswish", "relu^2", "relu^3", "gelu", "tanh", "sigmoid", "silu", "softplus", "exp",
    "x^(1/2)", "1/x", "(x+1)/(x+2)", "(x^2+1)/(x+2)", "1/x^2", "1/(x^2+1)",
    "0.125*x^2 + 0.5*x + 0.25", "0.1192*x^2 + 0.5*x + 0.0156", "phi_8(tanh)", "phi_4(x^2)",
)
"""The activations of ``docs/which-side.md`` (HE-friendly quadratic approximations of ReLU
included)."""

MAX_MEASURE_BITS = 60_000
"""The size profile stops at the first depth whose sizes exceed this (×μ growth)."""


@dataclass(frozen=True)
class Measurement:
    """Exact sizes (bits) of forward values and backward quantities (g, δ, gradient) of a
    seeded random network (width 2, square loss) per depth, and the growth per layer."""

    activation: str
    depths: tuple[int, ...]
    forward: tuple[int, ...]
    backward: tuple[int, ...]
    growth: str
    note: str = ""
    seeds: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"activation": self.activation, "depths": list(self.depths),
                "forward_bits": list(self.forward), "backward_bits": list(self.backward),
                "growth": self.growth, "note": self.note}


@dataclass(frozen=True)
class Verdict:
    """What :func:`classify` says about one activation (see the module doc)."""

    activation: str
    kind: str
    side: Side
    strength: Strength
    reason: str
    evidence: tuple[str, ...]
    claims: tuple[str, ...]
    measured: Measurement | None = None
    beyond_paper: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"activation": self.activation, "kind": self.kind, "side": self.side,
                "strength": self.strength, "reason": self.reason,
                "evidence": list(self.evidence), "claims": list(self.claims),
                "beyond_paper": self.beyond_paper,
                "measured": None if self.measured is None else self.measured.to_json(),
                **self.extra}

    def line(self) -> str:
        """The one-line verdict."""
        return f"{self.activation}: {self.side} ({self.strength}) — {self.reason}"

    def text(self) -> str:
        """The verdict in one screen."""
        out = [self.line(), f"kind: {self.kind}"]
        if self.beyond_paper:
            out.append("note: this verdict goes BEYOND the paper (gadget checked here, not a "
                       "theorem of the paper)")
        out.append("evidence:")
        out += [f"  - {e}" for e in self.evidence]
        if self.measured is not None:
            m = self.measured
            pairs = ", ".join(f"d={d}: {f}/{b}" for d, f, b in
                              zip(m.depths, m.forward, m.backward, strict=True))
            out.append(f"measured ({m.activation}; forward/backward bits by depth): {pairs}; "
                       f"growth {m.growth}" + (f" ({m.note})" if m.note else ""))
        shown = ", ".join(self.claims[:6]) + (", …" if len(self.claims) > 6 else "")
        out.append(f"claims ({len(self.claims)}): {shown or 'none'}")
        return "\n".join(out)


# --------------------------------------------------------------------------- measurement


def measure(act: Activation, *, max_depth: int = 6, seed: int = 0) -> Measurement:
    """Exact sizes over depth on a seeded random width-2 network (one sample, square loss).

    A depth whose network meets a pole (rational σ) is redrawn with the next seed; the
    profile stops once sizes pass :data:`MAX_MEASURE_BITS`."""
    from spec.piecewise import measure_layered, random_layered

    depths: list[int] = []
    seeds: list[int] = []
    fwd: list[int] = []
    bwd: list[int] = []
    note = ""
    for d in range(1, max_depth + 1):
        for attempt in range(8):
            net_seed = random.Random(f"{seed}:{d}:{attempt}").randrange(1 << 30)
            try:
                net, xs, ys = random_layered(act, hidden=d, width=2, bits=3, samples=1,
                                             seed=net_seed)
                m, _ = measure_layered(net, xs, ys, SQUARE)
                break
            except (WhyReluError, ZeroDivisionError):
                continue
        else:
            note = f"every random network of depth {d} met a pole or an inexact value"
            break
        depths.append(d)
        seeds.append(net_seed)
        fwd.append(m.forward)
        bwd.append(max(m.backward, m.grad))
        if max(fwd[-1], bwd[-1]) > MAX_MEASURE_BITS:
            note = f"stopped past {MAX_MEASURE_BITS} bits"
            break
    return Measurement(act.name, tuple(depths), tuple(fwd), tuple(bwd), _growth(fwd), note,
                       tuple(seeds))


def measure_on_piece(act: Activation, c: fmpq, s: fmpq, shifted: fmpq_poly, *,
                     max_depth: int = 6) -> Measurement:
    """Exact sizes over depth on chains that stay inside σ's polynomial piece: v_i =
    σ(c + s·v_{i−1}/M) = p̃(v_{i−1}/M) with M a power of 2 >= Σ|coefficients of p̃|, input
    M/3, so every argument is c + s·U with |U| <= 1 (the local gadget's window)."""
    from checkers.network import Sample
    from spec.piecewise import chain_network, measure_network

    bound = sum((abs(shifted[k]) for k in range(int(shifted.degree()) + 1)), fmpq(0))
    m = fmpq(1)
    while m < bound:
        m *= 2
    depths: list[int] = []
    fwd: list[int] = []
    bwd: list[int] = []
    note = "chains inside the piece"
    for d in range(1, max_depth + 1):
        net = chain_network(act, [s / m] * d, [c] * d)
        sizes = measure_network(net, [Sample.of({"x": m / 3}, [0])], SQUARE)
        depths.append(d)
        fwd.append(sizes.forward)
        bwd.append(max(sizes.backward, sizes.grad))
        if max(fwd[-1], bwd[-1]) > MAX_MEASURE_BITS:
            note += f"; stopped past {MAX_MEASURE_BITS} bits"
            break
    return Measurement(act.name, tuple(depths), tuple(fwd), tuple(bwd), _growth(fwd), note)


def _growth(sizes: list[int]) -> str:
    if len(sizes) < 3:
        return "unknown (fewer than 3 depths)"
    first, last, n = max(sizes[0], 1), max(sizes[-1], 1), len(sizes) - 1
    ratio = (last / first) ** (1 / n)
    if ratio >= 1.5:
        return f"multiplicative (×{ratio:.1f} per layer, geometric mean)"
    per = (last - first) / n
    if per <= 1:
        return "bounded (no growth with depth)"
    return f"additive (+{per:.0f} bits per layer on average)"


# --------------------------------------------------------------------------- claims


def _covering(act: Activation) -> list[Claim]:
    return [c for c in load_all() if c.covers is not None and c.applies_to(act)]


def _ids(claims: list[Claim], extra_modules: tuple[str, ...] = (),
         extra_prefixes: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The covering claims' ids, then those of the activation-free claims (of the given
    modules or id prefixes) that back the same rule."""
    ids = [c.id for c in claims]
    for c in load_all():
        if c.covers is None and (c.module in extra_modules
                                 or any(c.id.startswith(p) for p in extra_prefixes)):
            ids.append(c.id)
    return tuple(dict.fromkeys(ids))


# --------------------------------------------------------------------------- the rules


def classify(expr_or_activation: str | Activation, *, measured: bool = True) -> Verdict:
    """The verdict for σ (an expression or an :class:`Activation`); see the module doc."""
    act = (parse_activation(expr_or_activation) if isinstance(expr_or_activation, str)
           else expr_or_activation)
    t = act.traits
    kind = str(t.kind)
    if kind == "polynomial" and (t.degree or 0) <= 1:
        kind = "affine"
    covering = _covering(act)

    def measure_or_none(a: Activation) -> Measurement | None:
        return measure(a) if measured else None

    if isinstance(act, BitBounded) or t.bit_bounded_k is not None:
        assert isinstance(act, BitBounded)
        cap = act.output_size_bound()
        return Verdict(act.name, kind, "tractable", "proved",
                       f"φ_{act.k} rounds and clips every value, so every activation output "
                       f"has at most {cap} bits whatever the base (Remark 1.5, Theorem E.1)",
                       (f"Remark 1.5: outputs are multiples of 2^-{act.k} in "
                        f"[-{fmt(act.clip)}, {fmt(act.clip)}]: size <= {cap} bits",
                        "Theorem E.1's proof covers k-bit rounded/clipped activations with "
                        "k <= poly(N): one gradient step in polynomial time"),
                       _ids(covering), measure_or_none(act))
    if t.is_nonlinear_polynomial:
        return _polynomial(act, kind, covering, measure_or_none(act))
    if kind in ("identity", "affine") or t.piecewise_linear:
        return _piecewise_linear(act, kind, covering, measure_or_none(act))
    if pieces_of(act) is not None and nonlinear_pieces(act):
        return _local(act, kind, covering, measure_or_none(act))
    if pieces_of(act) is not None:  # every piece affine, with a jump
        return Verdict(act.name, kind, "open", "measured",
                       "piecewise linear with a jump: Theorem E.1's counting (additions, "
                       "products with slopes, comparisons) applies verbatim, but the claims "
                       "here cover continuous piecewise-linear activations only",
                       ("Theorem E.1 as stated (App. E) asks for rational breakpoints, slopes "
                        "and intercepts; whyrelu's explicit bound assumes continuity",),
                       _ids(covering), measure_or_none(act))
    if kind == "rational":
        return _rational(act, kind, covering, measure_or_none)
    if kind == "fractional_power":
        return _fractional(act, kind, covering, measure_or_none)
    if kind == "transcendental":
        return _transcendental(act, kind, covering, measure_or_none)
    return Verdict(act.name, kind, "open", "none",
                   "no rule of the paper or beyond it applies to this kind", (),
                   _ids(covering))


def _polynomial(act: Activation, kind: str, covering: list[Claim],
                m: Measurement | None) -> Verdict:
    from spec.gadget import _XY, gadget_lambdas, gadget_polynomial, sigma_polynomial

    p = sigma_polynomial(act)
    lam = gadget_lambdas(act)
    bits = max(int(v.p.bit_length() + v.q.bit_length()) for v in lam)
    ev = [f"Lemma 3.1: λ = ({', '.join(fmt(v) for v in lam)}), at most {bits} bits each"]
    if p.degree() <= 24:
        x, y = _XY.gens()
        if gadget_polynomial(act, lam) == x * y:
            ev.append("(★) Σ_j λ_j(σ(x+y+j) − σ(x+j) − σ(y+j)) = x·y proved by exact "
                      "expansion in ℚ[x, y]")
        else:  # pragma: no cover - Lemma 3.1 is a theorem
            raise ClaimFailure("Lemma 3.1's identity failed", {"sigma": act.name})
    ev += ["Lemma 3.2 + Claim B.1: BitSLP reduces to promise ERM_bit with activations "
           "{σ, id}; Theorem 1.1: ERM_bit is #P-hard (so not in NP unless PH ⊆ Δ_2^P, "
           "Corollary 1.2)",
           "Theorem 1.3: deciding a bit of one gradient coordinate is #P-hard; exact sizes "
           "grow ×μ per layer"]
    return Verdict(act.name, kind, "hard", "proved",
                   f"a polynomial of degree {int(p.degree())} >= 2 multiplies exactly "
                   "(Lemma 3.1), so Theorems 1.1 and 1.3 apply",
                   tuple(ev), _ids(covering), m, extra={"lambda": [fmt(v) for v in lam],
                                                        "lambda_bits": bits})


def _piecewise_linear(act: Activation, kind: str, covering: list[Claim],
                      m: Measurement | None) -> Verdict:
    from spec.piecewise import (
        closed_form_bound,
        profile_of_layered,
        random_layered,
        size_bound,
    )

    ev = ["Theorem E.1: one exact backprop step takes polynomial time; every size is at "
          "most N + O(|E|)(N + 1) bits (additive growth with depth)",
          "Theorem E.2: restricted ERM_bit is in P, so ERM_bit is in NP (Theorem 1.4)"]
    extra: dict[str, Any] = {}
    if m is not None and m.depths:
        d = m.depths[-1]
        net, xs, ys = random_layered(act, hidden=d, width=2, bits=3, samples=1,
                                     seed=m.seeds[-1])
        prof = profile_of_layered(net, xs, ys, SQUARE)
        b = size_bound(prof)
        ev.append(f"explicit bound (docs/piecewise-bounds.md) on a depth-{d} random network: "
                  f"every size <= {b.total} bits (closed form {closed_form_bound(prof)}); "
                  f"measured at most {max(m.forward[-1], m.backward[-1])} bits")
        extra["bound_bits"] = b.total
    what = "affine" if kind in ("identity", "affine") else "piecewise linear with rational data"
    return Verdict(act.name, kind, "tractable", "proved",
                   f"{what}: exact backprop stays polynomial (Theorems E.1, E.2)",
                   tuple(ev), _ids(covering), m, extra=extra)


def _local(act: Activation, kind: str, covering: list[Claim], m: Measurement | None) -> Verdict:
    from checkers.slp import SLP
    from spec.beyond.local_gadget import local_gadget, prove_local
    from spec.beyond.simulation import simulate
    from spec.bnslp import with_bn_constant

    g = local_gadget(act)
    prove_local(g, act.name)
    lo = "-∞" if g.lo is None else fmt(g.lo)
    hi = "∞" if g.hi is None else fmt(g.hi)
    a, b = g.window
    ev = [f"beyond the paper: σ = {g.piece} on ({lo}, {hi}); local gadget with c = {fmt(g.c)}, "
          f"s = {fmt(g.s)} (window [{fmt(a)}, {fmt(b)}]), λ = "
          f"({', '.join(fmt(v) for v in g.lam)}) ({g.lambda_bits} bits); identity proved in "
          "ℚ[x, y] for the piece"]
    demo = with_bn_constant(SLP.of(1, [("-", 0, 0), ("-", 1, 0), ("*", 2, 2), ("*", 3, 2),
                                       ("+", 4, 4), ("*", 5, 0)]))
    simulate(demo, act)
    ev.append("exact SLP simulation checked on a 6-gate BN-SLP (Lemma A.4: values in [−1, 1]); "
              "claim simulation.simulates runs random BN-SLPs")
    on_piece = measure_on_piece(act, g.c, g.s, g.shifted)
    ev.append(f"measured inside the piece (chains v_i = σ(c + s·v_(i−1)/M)): forward bits "
              f"{', '.join(map(str, on_piece.forward))} for depths 1..{len(on_piece.depths)}: "
              f"{on_piece.growth}")
    ids = _ids(covering, extra_prefixes=("local_gadget.", "simulation.named"))
    if _is_relu_power(act):
        ev.append("t^k = ReLU(t)^k + (−1)^k·ReLU(−t)^k: two units compute t^k on all of ℝ")
        ids = tuple(dict.fromkeys([*ids, *_ids([], extra_prefixes=("relu_k.",))]))
    ev.append("NOT proved: the forcing argument (Claim B.1) is proved for polynomial σ only, "
              "so hardness transfer (Theorem 1.1) is not proved for σ")
    return Verdict(act.name, kind, "hard", "gadget",
                   f"σ has a piece of degree {g.mu} >= 2, where a local multiplication gadget "
                   "simulates SLPs exactly (beyond the paper; hardness transfer not proved)",
                   tuple(ev), ids, m, beyond_paper=True,
                   extra={"gadget": g.describe(), "measured_on_piece": on_piece.to_json()})


def _is_relu_power(act: Activation) -> bool:
    ps = pieces_of(act) or []
    if len(ps) != 2 or ps[0][1] != 0 or not ps[0][2].is_zero():
        return False
    p = ps[1][2]
    k = int(p.degree())
    return k >= 2 and p == fmpq_poly([0] * k + [1])


def _rational(act: Activation, kind: str, covering: list[Claim], measure_or_none: Any) -> Verdict:
    form = reciprocal_form_of(act)
    if form is None:
        prof = measure_or_none(act)
        return Verdict(act.name, kind, "open", "measured",
                       "a rational function not of the form αt + β + γ/(ct + d)^k: no exact "
                       "multiplication gadget is known here (the paper lists 1/x as open)",
                       ("the reciprocal gadgets need σ = αt + β + γ/(ct + d)^k (one pole; the "
                        "remainder modulo the denominator a constant); σ is not of that form",),
                       _ids(covering), prof)
    from checkers.slp import SLP
    from spec.beyond.reciprocal import SHIFT, _prove_r, check_multiplication
    from spec.beyond.simulation import simulate
    from spec.bnslp import with_bn_constant

    _prove_r()
    check_multiplication(act, fmpq(-1), fmpq(1, 3), SHIFT)
    simulate(with_bn_constant(SLP.of(1, [("-", 0, 0), ("*", 1, 1), ("-", 1, 0), ("*", 3, 3)])),
             act)
    if form.k == 1:
        what = "a Möbius map" if form.is_moebius else "an affine map plus a Möbius term"
        how = ("one σ unit gives 1/v up to an affine map of its value and pre-activation; "
               "x² = 1/(1/x − 1/(x+1)) − x proved in ℚ(x)")
        mechanism = "squares exactly through 1/(1/x − 1/(x+1)) − x, hence multiplies"
    else:
        what = f"a pole of order {form.k}"
        how = (f"two σ units give v ↦ 1/(1/v^{form.k})^{form.k} = v^{form.k ** 2}, a "
               f"polynomial of degree {form.k ** 2}; Lemma 3.1 for (U + 3)^{form.k ** 2}")
        mechanism = (f"gives the polynomial v^{form.k ** 2} with two units (σ∘σ), hence "
                     "multiplies by Lemma 3.1")
    ev = [f"beyond the paper: σ(x) = {form.text()} ({what}): {how}",
          f"with the shift u = x + {fmt(SHIFT)} no σ argument reaches a pole for BN-SLP values: "
          "x·y checked exactly through the network, SLP simulation checked",
          "the paper (§1.2) lists 1/x as open",
          "NOT proved: the forcing argument (Claim B.1) is proved for polynomial σ only, so "
          "hardness transfer is not proved"]
    ids = _ids(covering, extra_prefixes=("reciprocal.", "simulation.named"))
    return Verdict(act.name, kind, "hard", "gadget",
                   f"{what} {mechanism} (beyond the paper, which lists 1/x as open; hardness "
                   "transfer not proved)",
                   tuple(ev), ids, measure_or_none(act), beyond_paper=True)


def _rounded(act: Activation, measure_or_none: Any) -> Measurement | None:
    try:
        return measure_or_none(BitBounded(act, 8))  # type: ignore[no-any-return]
    except WhyReluError:
        return None


def _fractional(act: Activation, kind: str, covering: list[Claim], measure_or_none: Any
                ) -> Verdict:
    return Verdict(act.name, kind, "outside", "proved",
                   "a non-integer power is irrational at most rationals (not ℚ → ℚ) and no "
                   "gadget of the paper's form multiplies with it (Theorem F.1)",
                   ("Theorem F.1 / Lemma F.2: no rational λ_0..λ_m gives "
                    "Σ_j λ_j(f(x+y+j) − f(x+j) − f(y+j)) = x·y for f(T) = T^α, α ∉ ℤ_{>=0}",
                    "round it with phi_K (e.g. phi_8(...)) to land on the tractable side "
                    "(Remark 1.5); the measured profile is that of phi_8(σ)"),
                   _ids(covering, extra_modules=("spec.fractional",)),
                   _rounded(act, measure_or_none))


def _transcendental(act: Activation, kind: str, covering: list[Claim], measure_or_none: Any
                    ) -> Verdict:
    if act.name == "gelu":
        return Verdict(act.name, kind, "outside", "none",
                       "GELU = x·Φ(x) involves erf, which has no exact rational values to "
                       "compute with (irrationality at rational q ≠ 0 is not known from "
                       "Lindemann–Weierstrass), so it is not usable as a map ℚ → ℚ",
                       ("exact evaluation is refused except at 0 (gelu(0) = 0)",
                        "round it with phi_K: e.g. phi_8(gelu) is tractable (Remark 1.5, "
                        "Theorem E.1); the measured profile is that of phi_8(σ)"),
                       _ids(covering), _rounded(act, measure_or_none))
    return Verdict(act.name, kind, "outside", "proved",
                   "σ takes irrational values at rational inputs (Lindemann–Weierstrass: e^q is "
                   "transcendental for rational q ≠ 0), so it is not a map ℚ → ℚ",
                   ("Lindemann–Weierstrass (cited): tanh, sigmoid, SiLU are irrational at every "
                    "rational q ≠ 0, softplus at every rational q; exact evaluation is refused",
                    f"round it with phi_K: e.g. phi_8({act.name}) is tractable (Remark 1.5, "
                    "Theorem E.1); the measured profile is that of phi_8(σ)"),
                   _ids(covering), _rounded(act, measure_or_none))


# --------------------------------------------------------------------------- the table


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def which_side_markdown(rows: tuple[str, ...] = TABLE_ROWS) -> str:
    """``docs/which-side.md``: one row per activation, generated by :func:`classify`."""
    out = ["# Which side is my activation on?", "",
           "<!-- Generated by `whyrelu classify --table`; do not edit "
           "(tests/test_which_side.py fails when stale). -->", "",
           "Each row is the output of `whyrelu classify EXPR`. *side*: `hard` (exact "
           "training is as hard as PosSLP/BitSLP), `tractable` (polynomial-time backprop, "
           "ERM_bit in NP), `outside` (not a map ℚ → ℚ: round it with `phi_K`), `open`. "
           "*strength*: `proved` (the paper's theorems or a cited theorem), `gadget` (a gadget "
           "BEYOND the paper with exact simulation checked; the forcing argument of Claim B.1 "
           "is proved for polynomials only, so hardness transfer is not proved), `measured`, "
           "`none`. *growth*: exact sizes of a small random network over depth. "
           "`whyrelu classify EXPR --check` runs the listed claims.", "",
           "The gadgets beyond the paper (status `beyond` in the [catalogue](theorems.md)): "
           "a *local gadget* — Lemma 3.1 applied to σ(c + s·U) on a piece of degree ≥ 2, with "
           "c, s rational and c + s·[−2, μ+2] inside the piece, so that every argument stays "
           "in the piece for BN-SLP values |x|, |y| ≤ 1 (`local_gadget.*`); the identity "
           "t^k = ReLU(t)^k + (−1)^k·ReLU(−t)^k (`relu_k.*`); the *reciprocal squaring* "
           "x² = 1/(1/x − 1/(x+1)) − x with the shift u = x + 3 for σ = αt + β + γ/(ct + d), "
           "and σ∘σ = v^(k²) for a pole of order k ≥ 2 (`reciprocal.*`); exact simulation of "
           "random BN-SLPs by the compiled networks (`simulation.*`). Each has a negative "
           "control (arguments pushed across a breakpoint or onto a pole) that is refuted.",
           "",
           "| activation | kind | side | strength | reason | growth | claims |",
           "|---|---|---|---|---|---|---|"]
    verdicts = [classify(text) for text in rows]
    for text, v in zip(rows, verdicts, strict=True):
        growth = v.measured.growth if v.measured is not None else "—"
        if v.measured is not None and v.measured.activation != v.activation:
            growth += f" ({v.measured.activation})"
        if "measured_on_piece" in v.extra:
            growth += f"; inside the piece: {v.extra['measured_on_piece']['growth']}"
        out.append(f"| `{text}` → `{v.activation}` | {v.kind} | **{v.side}** | {v.strength} | "
                   f"{_md(v.reason)} | {growth} | {len(v.claims)} |")
    out += ["", "## Evidence", ""]
    for v in verdicts:
        out.append(f"- `{v.activation}`: " + "; ".join(_md(e) for e in v.evidence))
    return "\n".join(out) + "\n"
