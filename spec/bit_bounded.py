"""Remark 1.5: bit-bounded activations φ_K keep every size polynomial, whatever the base.

``φ_K(z) = clip(⌊2^K base(z)⌋ / 2^K, -C', C')`` with ``C' = ⌊2^K C⌋ / 2^K`` outputs
multiples of ``2^-K`` of magnitude at most ``C'``; its backprop rule returns
``⌊2^K base'(z)⌋ / 2^K`` (0 where the output is clipped), a multiple of ``2^-K`` of
magnitude at most ``S_φ = sup_{|z| <= Z} |base'(z)| + 2^-K``.  On a network whose non-input
nodes all use φ_K (output nodes may be the identity when they have no out-edges), with P, D,
X, Y, A, A', B, n, L as in :mod:`spec.piecewise` and ``F = max(X, C')``:

==================  =============================  ==========================
quantity            denominator divides            magnitude at most
==================  =============================  ==========================
``f^v`` (φ node)    ``2^K``                        ``C'``
``z_v``             ``P D 2^K``                    ``Z = X + A F + B``
``g_v``             ``P^(1+r) D 2^(K(1+r))``       ``Γ_r = G_0 + A' S' Γ_(r-1)``
``δ_v``             ``P^(1+r) D 2^(K(2+r))``       ``S' Γ_r``
``∂L/∂w``           ``P^L D² 2^(K(L+2))``          ``n S' Γ_(L-1) F``
``∂L/∂b``           ``P^L D 2^(K(L+1))``           ``n S' Γ_(L-1)``
==================  =============================  ==========================

(``S' = max(S_φ, 1)`` if an identity output is present, else ``S_φ``; ``G_0`` is the
largest output value plus Y for the square loss, Y for the hinge.)  The forward sizes do
not depend on the depth at all; the backward ones grow linearly in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flint import fmpq, fmpz
from hypothesis import strategies as st

from checkers.activations import Activation, BitBounded, Identity, PiecewiseLinear, Polynomial
from checkers.errors import ActivationError, BitBudgetExceeded
from checkers.losses import HINGE, SQUARE, Loss
from checkers.measure import KindSizes
from checkers.network import Network, Sample
from checkers.rationals import fmt
from spec.claims import BIT_BOUNDED, Evidence, check, check_le, claim_for, regime
from spec.piecewise import (
    NONTRIVIAL_BITS,
    DagInstance,
    Measured,
    bits_for,
    dag_instances,
    layer_depths,
    layered_specs,
    lcm_of,
    max_abs,
    measure_network,
    show_dag,
)
from strategies import fan_in_networks

REF = "Remark 1.5"


def derivative_sup(base: Activation, radius: fmpq) -> fmpq:
    """An upper bound on ``|base'(z)|`` over ``|z| <= radius`` (exact rational)."""
    if isinstance(base, Identity):
        return fmpq(1)
    if isinstance(base, PiecewiseLinear):
        return max_abs(s for s, _ in base.pieces)
    if isinstance(base, Polynomial):
        total = fmpq(0)
        for k, c in enumerate(base.coeffs):
            if k >= 1:
                total += k * abs(c) * radius ** (k - 1)
        return total
    bound = getattr(base, "derivative_bound", None)  # piecewise polynomial, transcendental
    if bound is not None:
        return fmpq(bound(radius))
    raise ActivationError(f"no derivative bound for base activation {base.name}")


@dataclass(frozen=True)
class PhiProfile:
    """What the Remark 1.5 bound depends on (module doc for the notation)."""

    phi: BitBounded
    depth: int
    samples: int
    param_den: fmpz
    data_den: fmpz
    x_max: fmpq
    y_max: fmpq
    in_mass: fmpq
    out_mass: fmpq
    bias_mass: fmpq
    identity_outputs: bool
    loss: str

    @property
    def cap(self) -> fmpq:
        """C' = ⌊2^K C⌋ / 2^K, the largest output magnitude of φ_K."""
        return self.phi.round(self.phi.clip)

    def describe(self) -> dict[str, object]:
        return {"phi": self.phi.name, "L": self.depth, "n": self.samples,
                "P": str(self.param_den), "D": str(self.data_den), "X": fmt(self.x_max),
                "Y": fmt(self.y_max), "A": fmt(self.in_mass), "A_out": fmt(self.out_mass),
                "B": fmt(self.bias_mass), "loss": self.loss}


def phi_profile(net: Network, data: Sequence[Sample], loss: Loss) -> PhiProfile:
    """The profile of a network whose non-input nodes use one φ_K, except identity nodes
    without out-edges."""
    a = net.arch
    phis = {act for act in a.acts if isinstance(act, BitBounded)}
    if len(phis) != 1:
        raise ActivationError(f"expected exactly one phi_K activation, found {len(phis)}")
    identity_outputs = False
    for v, act in enumerate(a.acts):
        if act is None or isinstance(act, BitBounded):
            continue
        if not isinstance(act, Identity) or a.out_edges[v]:
            raise ActivationError(
                f"node {a.nodes[v]!r}: only phi_K, or the identity at a node without "
                f"out-edges, is covered by the Remark 1.5 bound (got {act.name})")
        identity_outputs = True
    n_nodes = len(a.nodes)
    in_mass = [fmpq(0)] * n_nodes
    out_mass = [fmpq(0)] * n_nodes
    bias_sum = [fmpq(0)] * n_nodes
    for e, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        in_mass[a.dst[e]] += abs(w)
        out_mass[a.src[e]] += abs(w)
        bias_sum[a.dst[e]] += b
    xs = [v for s in data for v in s.x.values()]
    ys = [v for s in data for v in s.y]
    if loss.name not in ("square", "hinge"):
        raise ActivationError(f"the bound covers the square and hinge losses, not {loss.name}")
    return PhiProfile(
        phi=next(iter(phis)), depth=max(layer_depths(net), default=0), samples=len(data),
        param_den=lcm_of(q.q for q in [*net.weights, *net.biases]),
        data_den=lcm_of(q.q for q in [*xs, *ys]), x_max=max_abs(xs), y_max=max_abs(ys),
        in_mass=max(in_mass, default=fmpq(0)), out_mass=max(out_mass, default=fmpq(0)),
        bias_mass=max_abs(bias_sum), identity_outputs=identity_outputs, loss=loss.name)


PhiBound = KindSizes
"""Size bounds (bits) per kind of quantity for a φ_K network (Remark 1.5)."""


def phi_bound(p: PhiProfile) -> PhiBound:
    """The Remark 1.5 bound (module doc; proof in ``docs/piecewise-bounds.md``)."""
    L, P, D, n = p.depth, p.param_den, p.data_den, p.samples
    two_k = fmpz(2) ** p.phi.k
    cap, X = p.cap, p.x_max
    F = max(X, cap)
    Z = X + p.in_mass * F + p.bias_mass
    s_phi = derivative_sup(p.phi.base, Z) + fmpq(1, two_k)
    S = max(s_phi, fmpq(1)) if p.identity_outputs else s_phi
    pdk = P * D * two_k
    pre = max(bits_for(X, D), bits_for(Z, pdk))
    value = max(bits_for(X, D), bits_for(cap, two_k))
    if p.identity_outputs:
        value = max(value, bits_for(Z, pdk))
    out_max = max(cap, Z) if p.identity_outputs else cap
    g0 = out_max + p.y_max if p.loss == "square" else p.y_max
    Gamma = [g0]
    for _ in range(L):
        Gamma.append(g0 + p.out_mass * S * Gamma[-1])
    g = max(bits_for(Gamma[r], P ** (1 + r) * D * two_k ** (1 + r)) for r in range(L + 1))
    delta = max((bits_for(S * Gamma[r], P ** (1 + r) * D * two_k ** (2 + r))
                 for r in range(L)), default=0)
    if L >= 1:
        grad_w = bits_for(n * S * Gamma[L - 1] * F, P**L * D * D * two_k ** (L + 2))
        grad_b = bits_for(n * S * Gamma[L - 1], P**L * D * two_k ** (L + 1))
    else:
        grad_w = grad_b = 0
    return PhiBound(pre, value, g, delta, grad_w, grad_b)


# --------------------------------------------------------------------------- instances

K_VALUES = (0, 1, 2, 4, 8, 16, 32)
"""The K of φ_K the claims run (besides the registered one)."""


@dataclass(frozen=True)
class PhiInstance:
    """A φ_K network (DAG, possibly the DAG form of a layered one) with data and loss."""

    k: int
    dag: DagInstance

    @property
    def phi(self) -> BitBounded:
        acts = [a for a in self.dag.net.arch.acts if isinstance(a, BitBounded)]
        return acts[0]


def phi_instances(act: Activation) -> st.SearchStrategy[PhiInstance]:
    """φ_K for several K (same base and clip as ``act``) on deep DAGs, chains and layered
    networks (DAG form; output layer the identity)."""
    assert isinstance(act, BitBounded)
    ks = sorted({act.k, *K_VALUES})

    def for_k(k: int) -> st.SearchStrategy[PhiInstance]:
        phi = BitBounded(act.base, k, act.clip)
        dags = st.one_of(dag_instances(phi),
                         layered_specs(max_hidden=12, max_width=6, min_hidden=1).map(
                             lambda s: s.as_dag(phi)),
                         _large_bias_instances(phi))
        return dags.map(lambda d: PhiInstance(k, d))

    return st.sampled_from(ks).flatmap(for_k)


def _large_bias_instances(phi: BitBounded) -> st.SearchStrategy[DagInstance]:
    """Extremal family: many in-edges with one large positive integer bias each, or one
    large integer weight each (the bias mass B, or the in-mass term A·F, well above X and
    C', so the pre-activation bound Z = X + A·F + B is met almost with equality), and small
    integer inputs at the input nodes."""
    nets = st.one_of(  # large biases, or large weights (the in-mass A·F dominating)
        fan_in_networks(phi, max_fan_in=6, max_chain=3, bits=8, uniform=True),
        fan_in_networks(phi, max_fan_in=6, max_chain=3, bits=1, uniform=True, weight_bits=8))
    return nets.flatmap(lambda net: st.builds(
        lambda x, loss: DagInstance(net, (Sample({v: fmpq(x) for v in net.inputs},
                                                 tuple(fmpq(0) for _ in net.outputs)),), loss),
        st.integers(1, 3), st.sampled_from([SQUARE, HINGE])))


def _show(inst: PhiInstance) -> str:
    return f"# K = {inst.k}\n" + show_dag(inst.dag)


# --------------------------------------------------------------------------- claims


def _measure(inst: PhiInstance) -> tuple[Measured, PhiBound, PhiProfile]:
    d = inst.dag
    prof = phi_profile(d.net, d.data, d.loss)
    return measure_network(d.net, d.data, d.loss), phi_bound(prof), prof


PHI_REGIMES = ("a φ_K node clipped to ±C'", "a φ_K node not clipped, with φ_K'(z) != 0")


def _note_regimes(inst: PhiInstance) -> None:
    net = inst.dag.net
    a = net.arch
    for s in inst.dag.data:
        tr = net.forward(s.x)
        for v, act in enumerate(a.acts):
            if isinstance(act, BitBounded):
                cap = act.round(act.clip)
                if abs(tr.val[v]) == cap and abs(act.unclipped(tr.pre[v])) >= cap:
                    regime(PHI_REGIMES[0])
                elif act.derivative(tr.pre[v]) != 0:
                    regime(PHI_REGIMES[1])


@claim_for(
    REF,
    "φ_K networks (K in {0, 1, 2, 4, 8, 16, 32}): forward sizes are at most a cap depending "
    "on K, C and the network's numbers but not on its depth; backward sizes and gradient "
    "entries at most an explicit bound linear in the depth",
    covers=BIT_BOUNDED, instances=phi_instances, examples=100, show=_show,
    regimes=PHI_REGIMES,
)
def sizes_capped(act: Activation, inst: PhiInstance) -> Evidence:
    """Checks every kind of quantity against :func:`phi_bound` on deep DAGs (depth up to 24,
    chains up to 40) and layered networks."""
    m, b, prof = _measure(inst)
    _note_regimes(inst)
    for kind in ("pre", "value", "g", "delta", "grad_w", "grad_b"):
        check_le(getattr(m, kind), getattr(b, kind),
                 f"size of {kind} exceeds the Remark 1.5 bound", **prof.describe())
    ev = Evidence.of(k=inst.k, depth=prof.depth, forward_cap_bits=b.forward,
                     forward_bits=m.forward, backward_bits=max(m.backward, m.grad))
    if prof.depth >= 2 and b.forward >= NONTRIVIAL_BITS:
        ev.bound("forward_size_bits", m.forward, b.forward)
    back_bound = max(b.backward, b.grad)
    if prof.depth >= 2 and back_bound >= NONTRIVIAL_BITS:
        ev.bound("backward_size_bits", max(m.backward, m.grad), back_bound)
    return ev


def unrounded(net: Network) -> Network:
    """The same network with every φ_K replaced by its base activation (an inexact base such
    as tanh has no exact values, so it is rounded 64 bits finer instead, φ_{K+64})."""
    def base(a: BitBounded) -> Activation:
        return a.base if a.base.traits.exact else BitBounded(a.base, a.k + 64, a.clip)

    acts = {v: (base(a) if isinstance(a, BitBounded) else a)
            for v, a in zip(net.nodes, net.arch.acts, strict=True)}
    return Network(acts, net.edge_list(), outputs=net.outputs, inputs=net.inputs)


@claim_for(
    REF,
    "Negative control: without the rounding (base activation in place of φ_K) the forward "
    "sizes leave the φ_K cap on deep networks",
    covers=BIT_BOUNDED, instances=phi_instances, examples=60, show=_show,
    expect="counterexample", control_of="bit_bounded.sizes_capped", shrink_calls=60,
    refuted_on=("unrounded value at ",),
)
def unrounded_exceeds_cap(act: Activation, inst: PhiInstance) -> Evidence:
    """The forward pass of the unrounded network runs with the φ_K forward cap as its bit
    budget, so a blow-up (2^d bits for x² at depth d) stops at the first node beyond it."""
    d = inst.dag
    cap = phi_bound(phi_profile(d.net, d.data, d.loss)).forward
    plain = unrounded(d.net)
    try:
        for s in d.data:
            plain.forward(s.x, budget_bits=cap)
    except BitBudgetExceeded as e:
        check(False, f"unrounded value at {e.where} exceeds the φ_K forward cap",
              size_bits=e.size_bits, cap_bits=cap, k=inst.k)
    return Evidence.of(cap_bits=cap)


__all__ = [
    "K_VALUES", "PhiBound", "PhiInstance", "PhiProfile", "derivative_sup", "phi_bound",
    "phi_instances", "phi_profile", "unrounded",
]
