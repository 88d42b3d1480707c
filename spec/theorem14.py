"""Theorem 1.4 and Theorem E.1's proof: one exact gradient step, its operations counted.

**The step.**  :func:`metered_step` runs standard backprop on a network, a dataset and a
loss and returns θ − η∇L(θ), L(θ) and the number of arithmetic operations it performed
(additions, multiplications, comparisons; one evaluation of a fixed activation or of its
derivative counts as one operation, as in the paper's O(n·|E|) count).  Per sample:

* forward: z_v = x_v + Σ_{(u,v)} (w_{u,v} f^u + b_{u,v}) — 3 operations per edge — and
  f^v = σ^v(z_v), one per non-input vertex;
* loss derivative ∂ℒ/∂u_t: one per output;
* backward: δ_v = σ^v'(z_v)·g_v — 2 per non-input vertex — and per edge
  ∂L/∂w += δ_v f^u, ∂L/∂b += δ_v, g_u += w δ_v — 5 per edge;

then the update w ← w − η ∂L/∂w, b ← b − η ∂L/∂b: 4 per edge.  Hence EXACTLY

    ops = n·(8|E| + 3|H ∪ T| + |T|) + 4|E|   (n samples),

and since every non-input vertex has an in-edge, |T| <= |H ∪ T| <= |E|, so
8n|E| <= ops <= 12n|E| + 4|E| <= 16·n·|E|: Theorem E.1's O(n·|E|) with explicit constants.
With piecewise-linear activations every operand has polynomially many bits
(``piecewise.dag_sizes_within_bound``), so the step takes polynomial time (Theorem 1.4).

**Constant-depth polynomial σ** (Table 1, shallow ERM_bit ∈ NP): a σ-chain of depth d with
weights, biases, input and σ's coefficients of height <= A and common denominator q has
output size at most B_d + E_d with B_0 = bitlen(A), B_{k+1} = bitlen((μ+1)A) + μ(bitlen(A)
+ B_k + 1) (numerator bits) and E_0 = bitlen(q), E_{k+1} = (μ+1)·bitlen(q) + μ·E_k
(denominator bits) — O(μ^d·N), polynomial for constant d (:func:`chain_upper_bound`),
beside ``piecewise.chain_lower_bound``'s μ^d + 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flint import fmpq, fmpz
from hypothesis import strategies as st

from checkers.activations import Activation, Polynomial
from checkers.losses import Loss
from checkers.network import Network, Sample
from checkers.rationals import size
from checkers.reference import RefNetwork, ref_samples
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    PIECEWISE_LINEAR,
    Evidence,
    as_fraction,
    check_eq,
    check_le,
    claim_for,
)
from spec.piecewise import DagInstance, chain_network, dag_instances, show_dag
from spec.planted import WrongDerivative

__all__ = ["Step", "chain_upper_bound", "metered_step", "op_count"]


@dataclass(frozen=True)
class Step:
    """θ − η∇L(θ), L(θ), ∇L(θ) and the operations counted."""

    weights: tuple[fmpq, ...]
    biases: tuple[fmpq, ...]
    loss: fmpq
    grad_w: tuple[fmpq, ...]
    grad_b: tuple[fmpq, ...]
    ops: int


def metered_step(net: Network, data: Sequence[Sample], loss: Loss, eta: fmpq,
                 *, activation_of: dict[int, Activation] | None = None) -> Step:
    """One gradient step by standard backprop, counting operations (module doc).
    ``activation_of`` overrides vertices' activations (a planted bug for a control)."""
    if loss.grad is None:
        raise ValueError(f"loss {loss.name!r} has no derivative")
    a = net.arch
    w, b = net.weights, net.biases
    acts = [activation_of.get(v, act) if activation_of else act
            for v, act in enumerate(a.acts)]
    ops = 0
    gw = [fmpq(0)] * len(a.edges)
    gb = [fmpq(0)] * len(a.edges)
    total = fmpq(0)
    for sample in data:
        f = [fmpq(0)] * len(a.nodes)
        z = [fmpq(0)] * len(a.nodes)
        for v in a.order:
            zv = sample.x.get(a.nodes[v], fmpq(0))
            act = acts[v]
            if act is None:
                f[v] = zv
                continue
            for e in a.in_edges[v]:
                zv = zv + (w[e] * f[a.src[e]] + b[e])
                ops += 3
            z[v] = zv
            f[v] = act(zv)
            ops += 1
        out = [f[i] for i in a.output_idx]
        total += loss.value(out, sample.y)
        g = [fmpq(0)] * len(a.nodes)
        for i, d in zip(a.output_idx, loss.grad(out, sample.y), strict=True):
            g[i] += d
            ops += 1
        for v in reversed(a.order):
            act = acts[v]
            if act is None:
                continue
            delta = act.derivative(z[v]) * g[v]
            ops += 2
            if delta == 0:
                ops += 5 * len(a.in_edges[v])  # the same operations, on zeros
                continue
            for e in a.in_edges[v]:
                u = a.src[e]
                gw[e] += delta * f[u]
                gb[e] += delta
                g[u] += w[e] * delta
                ops += 5
    new_w = tuple(x - eta * d for x, d in zip(w, gw, strict=True))
    new_b = tuple(x - eta * d for x, d in zip(b, gb, strict=True))
    ops += 4 * len(a.edges)
    return Step(new_w, new_b, total, tuple(gw), tuple(gb), ops)


def op_count(net: Network, samples: int) -> int:
    """n·(8|E| + 3|H ∪ T| + |T|) + 4|E|, from the network's shape alone."""
    a = net.arch
    non_input = sum(1 for act in a.acts if act is not None)
    return samples * (8 * len(a.edges) + 3 * non_input + len(a.output_idx)) + 4 * len(a.edges)


ETA = fmpq(1, 8)


def _check_step(inst: DagInstance, *, update_ops: bool = True,
                planted: bool = False) -> Evidence:
    net, data, loss = inst.net, list(inst.data), inst.loss
    over: dict[int, Activation] | None = None
    if planted:  # σ' + 1 at every non-input vertex (spec.planted.WrongDerivative)
        over = {v: WrongDerivative(act) for v, act in enumerate(net.arch.acts)
                if act is not None}
    step = metered_step(net, data, loss, ETA, activation_of=over)
    ref = net.gradient(data, loss)
    check_eq(list(step.grad_w), ref.grad_w, "the metered backprop's ∂L/∂w equal the engine's")
    check_eq(list(step.grad_b), ref.grad_b, "the metered backprop's ∂L/∂b equal the engine's")
    rg = RefNetwork(net).gradient(ref_samples(data), loss.name)
    check_eq([as_fraction(x) for x in step.grad_w], rg[1],
             "∂L/∂w equal the Fraction reference's")
    check_eq(as_fraction(step.loss), rg[0], "L(θ) equals the Fraction reference's")
    n, e_count = len(data), len(net.edges)
    want = op_count(net, n) - (0 if update_ops else 4 * e_count)
    check_eq(step.ops, want, "operations = n(8|E| + 3|H∪T| + |T|) + 4|E| exactly",
             n=n, edges=e_count)
    check_le(step.ops, 16 * n * e_count, "operations <= 16·n·|E|", n=n, edges=e_count)
    check_le(8 * n * e_count, step.ops, "operations >= 8·n·|E|", n=n, edges=e_count)
    check_eq(step.weights, tuple(x - ETA * d for x, d in zip(net.weights, ref.grad_w,
                                                             strict=True)),
             "the step is θ − η∇L(θ)")
    check_eq(step.biases, tuple(x - ETA * d for x, d in zip(net.biases, ref.grad_b,
                                                            strict=True)),
             "the step is θ − η∇L(θ) (biases)")
    biggest = max((size(x) for x in (*step.weights, *step.biases, *step.grad_w)), default=0)
    return (Evidence.of(samples=n, edges=e_count, largest_entry_bits=biggest)
            .bound("ops_per_n_edges", fmpq(step.ops, max(1, n * e_count)), 16))


@claim_for(
    "Theorem E.1",
    "Theorem E.1's proof, counted: one gradient step (forward + backward + update) by standard "
    "backprop performs exactly n(8|E| + 3|H∪T| + |T|) + 4|E| operations, between 8n|E| and "
    "16n|E|, and computes the engine's and the Fraction reference's exact gradient",
    covers=PIECEWISE_LINEAR, instances=dag_instances, examples=8, show=show_dag,
)
def gradient_step_operations(act: Activation, inst: DagInstance) -> Evidence:
    """Random piecewise-linear DAGs (the same family as ``piecewise.dag_sizes_within_bound``,
    which bounds every operand's size); figure ``ops_per_n_edges`` against 16."""
    return _check_step(inst)


@claim_for(
    "Theorem E.1",
    "Negative control: the count without the update's 4|E| operations is not the number "
    "performed",
    covers=PIECEWISE_LINEAR, instances=dag_instances, expect="counterexample",
    control_of="theorem14.gradient_step_operations", examples=5, show=show_dag,
    refuted_on=("operations = n(8|E| + 3|H∪T| + |T|) + 4|E| exactly",),
)
def operations_without_update_refuted(act: Activation, inst: DagInstance) -> Evidence:
    return _check_step(inst, update_ops=False)


@claim_for(
    "Theorem 1.4",
    "Theorem 1.4 (upper side): with piecewise-linear activations a candidate θ is checked "
    "(L(θ) computed exactly, equal to the Fraction reference) and one exact backprop step "
    "θ − η∇L(θ) obtained in O(n·|E|) operations (<= 16n|E|) on numbers of polynomially many "
    "bits, with no promise",
    covers=PIECEWISE_LINEAR, instances=dag_instances, examples=8, show=show_dag,
)
def exact_step_polynomial(act: Activation, inst: DagInstance) -> Evidence:
    """The same metered step as ``gradient_step_operations``; operand sizes are bounded by
    ``piecewise.dag_sizes_within_bound`` (Theorem E.1) and the certificate check with its
    budget by ``np_membership.verifier_*`` (Theorem E.2)."""
    return _check_step(inst)


@claim_for(
    "Theorem 1.4",
    "Negative control: backprop with σ' + 1 in place of σ' (spec.planted.WrongDerivative) "
    "does not produce the exact gradient",
    covers=PIECEWISE_LINEAR, instances=dag_instances, expect="counterexample",
    control_of="theorem14.exact_step_polynomial", examples=10, show=show_dag,
    refuted_on=("the metered backprop's ∂L/∂w equal the engine's",
                "the metered backprop's ∂L/∂b equal the engine's",),
)
def wrong_derivative_step_refuted(act: Activation, inst: DagInstance) -> Evidence:
    return _check_step(inst, planted=True)


# --------------------------------------------------------------------------- constant depth


def chain_upper_bound(act: Polynomial, weights: Sequence[fmpq], biases: Sequence[fmpq],
                      x: fmpq, *, depth_exponent: bool = True) -> int:
    """B_d + E_d of the module doc (``depth_exponent=False`` plants a bug: μ replaced by 1
    in the recursion, a bound linear in d)."""
    mu = act.degree
    vals = [*weights, *biases, x, *act.coeffs]
    a_height = max(max(abs(int(v.p)) for v in vals), 1)
    q = fmpz(1)
    for v in vals:
        q = q.lcm(v.q)
    qb = int(q.bit_length())
    ab = int(fmpz(a_height).bit_length())
    k = mu if depth_exponent else 1
    num, den = ab, qb
    for _ in weights:
        num = int(fmpz((mu + 1) * a_height).bit_length()) + k * (ab + num + 1)
        den = (mu + 1) * qb + k * den
    return num + den


@dataclass(frozen=True)
class Chain:
    depth: int
    weights: tuple[fmpq, ...]
    biases: tuple[fmpq, ...]
    x: fmpq


def _chains(act: Activation) -> st.SearchStrategy[Chain]:
    assert isinstance(act, Polynomial)
    small = st.builds(lambda p, q: fmpq(p, q), st.integers(-9, 9), st.integers(1, 6))
    d_max = 1
    while act.degree ** (d_max + 1) <= 400:
        d_max += 1
    return st.integers(1, d_max).flatmap(lambda d: st.builds(
        Chain, st.just(d), st.lists(small, min_size=d, max_size=d).map(tuple),
        st.lists(small, min_size=d, max_size=d).map(tuple), small))


def _check_chain(act: Activation, ch: Chain, *, depth_exponent: bool = True) -> Evidence:
    assert isinstance(act, Polynomial)
    net = chain_network(act, list(ch.weights), list(ch.biases))
    out = net.forward({"x": ch.x}).outputs[0]
    bound = chain_upper_bound(act, ch.weights, ch.biases, ch.x, depth_exponent=depth_exponent)
    check_le(size(out), bound, "size of a depth-d σ-chain's output <= B_d + E_d",
             depth=ch.depth)
    return Evidence.of(depth=ch.depth).bound("output_bits", size(out), bound)


@claim_for(
    "Theorem E.1",
    "Dichotomy, upper side (Table 1, shallow ERM_bit ∈ NP for polynomial σ at constant "
    "depth): a σ-chain of depth d has output size <= B_d + E_d = O(μ^d·N), explicit",
    covers=NONLINEAR_POLYNOMIAL, instances=_chains, examples=30,
)
def chain_upper_bound_holds(act: Activation, ch: Chain) -> Evidence:
    """Beside ``piecewise.chain_lower_bound`` (size >= μ^d + 2 on its p-adic family): both
    sides grow like μ^d, a constant at constant depth."""
    return _check_chain(act, ch)


@claim_for(
    "Theorem E.1",
    "Negative control: a bound linear in the depth (μ replaced by 1 in the recursion) does "
    "not hold for σ-chains",
    covers=NONLINEAR_POLYNOMIAL, instances=_chains, expect="counterexample",
    control_of="theorem14.chain_upper_bound_holds", examples=30,
    refuted_on=("size of a depth-d σ-chain's output <= B_d + E_d",),
)
def chain_linear_bound_refuted(act: Activation, ch: Chain) -> Evidence:
    return _check_chain(act, ch, depth_exponent=False)
