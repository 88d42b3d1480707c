"""Theorem 1.4: an exact gradient step on a piecewise-linear network, and k steps.

Gradient descent θ ← θ − η∇L(θ) keeps polynomial size *per step* (Theorem E.1).  Over k
steps the sizes compound: the gradient is a polynomial of degree 2L − 1 in θ on each
activation region, so the denominator exponent of θ can be multiplied by 2L − 1 per step.
For depth 1 this gives size linear in k (``gd_depth1_linear_in_k``); for depth 2 the size
can reach 3^k already for ReLU (``gd_depth2_family``), so "polynomial in k" is a depth-1
statement; with σ = x² it fails at depth 1 (``gd_polynomial_refuted``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from flint import fmpq, fmpz
from hypothesis import strategies as st

from checkers.activations import (
    IDENTITY,
    RELU,
    Activation,
    LeakyReLU,
)
from checkers.losses import HINGE, LOSSES, SQUARE, Loss
from checkers.network import Edge, Network, Sample
from checkers.rationals import fmt
from checkers.reference import RefNetwork, ref_samples
from checkers.training import gd_step, theta_bits
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    PIECEWISE_LINEAR,
    Evidence,
    as_fraction,
    check,
    check_eq,
    check_le,
    claim,
    claim_for,
    refuted_on,
)
from spec.piecewise import (
    DagInstance,
    bits_for,
    layer_depths,
    profile_of_network,
    show_dag,
    size_bound,
)
from strategies import (
    dag_networks,
    fan_in_networks,
    rationals,
    samples_for,
    uniform_injections,
)

CLAIM_NAMESPACE = "np_membership"
"""Claim ids stay ``np_membership.*`` (the module this code came from)."""

__all__ = [
    "StepBounds",
    "depth1_linear",
    "depth2_network",
    "gd_bounds",
    "gd_step",
    "theta_bits",
]


# --------------------------------------------------------------------------- gradient descent


def _reference_step(net: Network, data: Sequence[Sample], loss: Loss,
                    eta: fmpq) -> tuple[list[Fraction], list[Fraction]]:
    """θ − η·∇L(θ) with the gradient of the Fraction reference engine (forward mode)."""
    _, gw, gb = RefNetwork(net).gradient(ref_samples(data), loss.name)
    e = as_fraction(eta)
    return ([as_fraction(w) - e * g for w, g in zip(net.weights, gw, strict=True)],
            [as_fraction(b) - e * g for b, g in zip(net.biases, gb, strict=True)])


def _checked_step(net: Network, data: Sequence[Sample], loss: Loss, eta: fmpq,
                  j: int) -> Network:
    """:func:`gd_step`, checked equal to θ − η·(reference gradient): the step's direction
    and every entry, not only its size."""
    new = gd_step(net, data, loss, eta)
    want_w, want_b = _reference_step(net, data, loss, eta)
    check_eq([as_fraction(w) for w in new.weights], want_w,
             f"step {j + 1}: weights vs θ − η·(reference gradient)")
    check_eq([as_fraction(b) for b in new.biases], want_b,
             f"step {j + 1}: biases vs θ − η·(reference gradient)")
    return new


@dataclass(frozen=True)
class StepBounds:
    """Per step j: θ_j has denominators dividing ``dens[j]`` and entries of magnitude at
    most ``mags[j]``."""

    dens: tuple[fmpz, ...]
    mags: tuple[fmpq, ...]

    def bits(self, j: int) -> int:
        return bits_for(self.mags[j], self.dens[j])


def gd_bounds(net: Network, data: Sequence[Sample], loss: Loss, eta: fmpq,
              steps: int) -> StepBounds:
    """The iterated Theorem E.1 bound for ``steps`` exact gradient steps: with θ_j over
    ``P_j`` and ``|θ_j| <= T_j``, ``P_{j+1} = den(η) P_j^(2L-1) D² Σ^(2L)`` and ``T_{j+1}
    = T_j + |η|·max(grad magnitudes)`` (masses ``k·T_j``)."""
    prof = profile_of_network(net, data, loss)
    L = prof.depth
    P = prof.param_den
    T = max((abs(q) for q in (*net.weights, *net.biases)), default=fmpq(0))
    dens, mags = [P], [T]
    k_in, k_out = prof.in_degree, prof.out_degree
    for _ in range(steps):
        p = dataclasses.replace(prof, param_den=P, in_mass=k_in * T, out_mass=k_out * T,
                                bias_mass=k_in * T)
        b = size_bound(p)
        T = T + abs(eta) * max(b.grad_w_max, b.grad_b_max)
        P = eta.q * P ** max(1, 2 * L - 1) * prof.data_den**2 * prof.slope_den ** (2 * L)
        dens.append(P)
        mags.append(T)
    return StepBounds(tuple(dens), tuple(mags))


def depth1_linear(net: Network, data: Sequence[Sample], loss: Loss,
                  eta: fmpq) -> tuple[int, int]:
    """``(α, β)`` with ``size(θ_k) <= α + β·k`` for every k, for a network of layer depth 1
    (proof in ``docs/piecewise-bounds.md``): with ``R = 1 + |η|(a₁ + a₀)``, ``a₁ = n S²
    max(X,1) k (X+1)``, ``a₀ = n S max(X,1)(S X + C + Y)`` and ``E = den(η) D² Σ²``,
    ``β = bitlen⌈R⌉ + 2 bitlen E`` and ``α = bitlen⌈max(T₀,1)⌉ + 2 bitlen P₀ + 1``."""
    p = profile_of_network(net, data, loss)
    X, S, C, Y, k, n = (p.x_max, p.slope_max, p.intercept_max, p.y_max, p.in_degree,
                        p.samples)
    xm = max(X, fmpq(1))
    a1 = n * S * S * xm * k * (X + 1)
    a0 = n * S * xm * (S * X + C + Y)
    R = 1 + abs(eta) * (a1 + a0)
    E = eta.q * p.data_den**2 * p.slope_den**2
    T0 = max([fmpq(1)] + [abs(q) for q in (*net.weights, *net.biases)])
    beta = int(R.ceil().bit_length()) + 2 * int(E.bit_length())
    alpha = int(T0.ceil().bit_length()) + 2 * int(p.param_den.bit_length()) + 1
    return alpha, beta


@dataclass(frozen=True)
class GDCase:
    """A network, data, loss, learning rate and number of steps."""

    dag: DagInstance
    eta: fmpq
    steps: int


def show_gd(c: GDCase) -> str:
    return f"# eta = {fmt(c.eta)}, steps = {c.steps}\n" + show_dag(c.dag)


_ETAS = st.one_of(st.sampled_from([fmpq(1), fmpq(1, 2), fmpq(1, 10)]),
                  rationals(3, den_bits=4, nonzero=True))


def _gd_cases(act: Activation) -> st.SearchStrategy[GDCase]:
    nets = dag_networks(act, max_inputs=2, max_hidden=3, max_outputs=1, weight_bits=4)
    dags = nets.flatmap(lambda net: st.builds(
        lambda data, loss: DagInstance(net, tuple(data), loss),
        samples_for(net, max_samples=2, bits=4), st.sampled_from(list(LOSSES.values()))))
    tight = fan_in_networks(act, max_fan_in=3, max_chain=0, bits=3, uniform=True).flatmap(
        lambda net: st.builds(lambda data, loss: DagInstance(net, tuple(data), loss),
                              uniform_injections(net, bits=3), st.sampled_from([SQUARE, HINGE])))
    return st.one_of(
        st.builds(GDCase, dags, _ETAS, st.integers(1, 3)),
        # integer networks and data with η = 1/1009: the bound's denominator is den(η)^j
        # and nothing else, so a bound without den(η) is refuted
        st.builds(GDCase, tight, st.just(fmpq(1, 1009)), st.integers(1, 2)))


@claim_for(
    "Theorem E.1",
    "Exact gradient descent on piecewise-linear networks: after j steps every weight and "
    "bias has size at most the iterated bound (denominator P_j = den(η)·P_(j-1)^(2L-1)·D²·Σ^(2L))",
    covers=PIECEWISE_LINEAR, instances=_gd_cases, examples=50, show=show_gd,
)
def gd_steps_within_bound(act: Activation, case: GDCase) -> Evidence:
    """Small DAGs (up to 3 hidden nodes), up to 3 steps, η = 1, 1/2, 1/10 or random."""
    d = case.dag
    bounds = gd_bounds(d.net, d.data, d.loss, case.eta, case.steps)
    net = d.net
    for j in range(case.steps + 1):
        check_le(theta_bits(net), bounds.bits(j), f"size of θ after {j} steps exceeds the bound")
        if j < case.steps:
            net = _checked_step(net, d.data, d.loss, case.eta, j)
    ev = Evidence.of(steps=case.steps, theta_bits=theta_bits(net))
    if bounds.bits(case.steps) >= 16:
        ev.bound("theta_bits", theta_bits(net), bounds.bits(case.steps))
    return ev


def _single_layer(act: Activation) -> st.SearchStrategy[Network]:
    @st.composite
    def build(draw: st.DrawFn) -> Network:
        n_in = draw(st.integers(1, 3))
        n_out = draw(st.integers(1, 2))
        acts: dict[str, Activation | None] = {f"x{i}": None for i in range(n_in)}
        edges: list[Edge] = []
        w = rationals(4, den_bits=3)
        for j in range(n_out):
            acts[f"v{j}"] = act
            ins = [i for i in range(n_in) if draw(st.booleans())] or [0]
            edges += [Edge(f"x{i}", f"v{j}", draw(w), draw(w)) for i in ins]
        return Network(acts, edges, outputs=[f"v{j}" for j in range(n_out)])

    return build()


def _depth1_cases(act: Activation) -> st.SearchStrategy[GDCase]:
    dags = _single_layer(act).flatmap(lambda net: st.builds(
        lambda data, loss: DagInstance(net, tuple(data), loss),
        samples_for(net, max_samples=2, bits=4), st.sampled_from(list(LOSSES.values()))))
    return st.builds(GDCase, dags, _ETAS, st.integers(1, 12))


def _check_linear_in_k(case: GDCase) -> Evidence:
    d = case.dag
    alpha, beta = depth1_linear(d.net, d.data, d.loss, case.eta)
    net = d.net
    sizes = [theta_bits(net)]
    for k in range(1, case.steps + 1):
        net = _checked_step(net, d.data, d.loss, case.eta, k - 1) if k <= 2 else gd_step(
            net, d.data, d.loss, case.eta)
        sizes.append(theta_bits(net))
        check_le(sizes[-1], alpha + beta * k, f"size of θ after {k} steps exceeds α + βk",
                 alpha=alpha, beta=beta, sizes=sizes)
    growth = Fraction(sizes[-1] - sizes[0], case.steps)
    return Evidence.of(steps=case.steps, alpha=alpha).bound("bits_per_step", growth, beta)


@claim_for(
    "Theorem E.1",
    "Depth 1: the size of θ after k exact gradient steps is at most α + β·k (explicit α, β): "
    "linear in k",
    covers=PIECEWISE_LINEAR, instances=_depth1_cases, examples=50, show=show_gd,
)
def gd_depth1_linear_in_k(act: Activation, case: GDCase) -> Evidence:
    """Single-layer networks, up to 12 steps; ``bits_per_step`` is the measured growth."""
    check(max(layer_depths(case.dag.net)) == 1, "not a depth-1 network")
    return _check_linear_in_k(case)


@claim_for(
    "Theorem E.1",
    "Dichotomy for gradient descent: with a polynomial σ of degree >= 2 the same linear-in-k "
    "bound fails already at depth 1",
    covers=NONLINEAR_POLYNOMIAL, instances=_depth1_cases, examples=30, show=show_gd,
    expect="counterexample", control_of="np_membership.gd_depth1_linear_in_k",
    shrink_calls=60,
)
def gd_polynomial_refuted(act: Activation, case: GDCase) -> Evidence:
    """The update is a polynomial of degree 2μ − 1 in θ: the size can multiply by 2μ − 1 per
    step."""
    with refuted_on("size of θ after"):
        return _check_linear_in_k(case)


def _depth2_cases(act: Activation) -> st.SearchStrategy[GDCase]:
    def build(w1: fmpq, w2: fmpq, x: fmpq, eta: fmpq, steps: int) -> GDCase:
        net = depth2_network(act, w1, w2)
        return GDCase(DagInstance(net, (Sample({"x": x}, (fmpq(0),)),), SQUARE), eta, steps)

    unit = st.builds(lambda c, e: fmpq(c, 3**e), st.integers(1, 8), st.integers(1, 3))
    return st.builds(build, unit, unit, st.sampled_from([fmpq(1), fmpq(1, 2)]),
                     st.sampled_from([fmpq(1), fmpq(1, 2)]), st.integers(1, 8))


@claim_for(
    "Theorem E.1",
    "Negative control: the depth-1 linear-in-k bound fails at depth 2 (the per-step degree "
    "2L − 1 = 3 compounds), already for piecewise-linear activations",
    covers=PIECEWISE_LINEAR, instances=_depth2_cases, examples=40, show=show_gd,
    expect="counterexample", control_of="np_membership.gd_depth1_linear_in_k",
    shrink_calls=60,
)
def gd_depth2_refuted(act: Activation, case: GDCase) -> Evidence:
    """``x → h → out`` (identity output) with small positive weights."""
    with refuted_on("size of θ after"):
        return _check_linear_in_k(case)


def depth2_network(act: Activation, w1: fmpq, w2: fmpq) -> Network:
    """``x → h → out``: hidden node with ``act``, identity output, biases 0."""
    acts: dict[str, Activation | None] = {"x": None, "h": act, "out": IDENTITY}
    return Network(acts, [Edge("x", "h", w1, fmpq(0)), Edge("h", "out", w2, fmpq(0))],
                   outputs=["out"])


@dataclass(frozen=True)
class Depth2Family:
    """The family of ``gd_depth2_family``: ``w₁ = w₂ = c/3^e`` (3 ∤ c, ``0 < c < 3^e``)."""

    c: int
    e: int
    steps: int
    act: Activation


def _family_cases() -> st.SearchStrategy[Depth2Family]:
    acts = st.one_of(st.just(RELU), st.builds(LeakyReLU, rationals(3, den_bits=3)))
    pairs = [(c, e) for e in (1, 2, 3) for c in range(1, 3**e) if c % 3 != 0]
    return st.builds(lambda ce, k, act: Depth2Family(ce[0], ce[1], k, act),
                     st.sampled_from(pairs), st.integers(0, 7), acts)


def _v3(n: fmpz) -> int:
    v = 0
    while n % 3 == 0:
        n //= 3
        v += 1
    return v


@claim(
    "Theorem E.1",
    "Consequence: on x = 1 → h (ReLU or leaky ReLU) → out (identity) with w₁ = w₂ = c/3^e "
    "(3 ∤ c, 0 < c < 3^e), biases 0, label 0, square loss and η = 1/2, gradient descent on "
    "all of θ keeps h's pre-activation positive and gives v₃(den w_k) = e·3^k exactly for "
    "both weights: size >= 3^k, so beyond depth 1 no bound polynomial in k holds",
    instances=_family_cases(), examples=40,
    show=lambda f: f"c = {f.c}, e = {f.e}, steps = {f.steps}, σ = {f.act.name}",
)
def gd_depth2_family(f: Depth2Family) -> Evidence:
    """3-adic induction with m = e·3^k: v(w₁) = v(w₂) = v(h) = -m and v(b₂) > -2m give
    v(r) = -2m for r = w₂h + b₂, so w₂ - r h/2, w₁ - r w₂/2, b₁ - r w₂/2 and h - r w₂ all
    have valuation -3m while v(b₂ - r/2) >= -2m > -6m (2 is a 3-adic unit)."""
    w = fmpq(f.c, 3**f.e)
    net = depth2_network(f.act, w, w)
    data = (Sample({"x": fmpq(1)}, (fmpq(0),)),)
    for k in range(f.steps + 1):
        h_pre = net.forward({"x": fmpq(1)}).pre_activation("h")
        check(h_pre > 0, f"h's pre-activation is not positive after {k} steps", z=h_pre)
        want = f.e * 3**k
        for q in net.weights:
            check_eq(_v3(q.q), want, f"v_3(den w) after {k} steps",
                     weights=[fmt(v) for v in net.weights])
        if k < f.steps:
            net = gd_step(net, data, SQUARE, fmpq(1, 2))
    return Evidence.of(steps=f.steps, theta_bits=theta_bits(net))
