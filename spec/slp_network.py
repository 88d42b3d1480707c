"""Lemma 3.2 and Claim B.1: the network that simulates an SLP, and the ERM_bit instance I(P).

**The compiler** (§5.1–5.3).  :func:`compile_slp` maps an SLP P = (a_0, ..., a_ℓ) and σ of
degree μ >= 2 to a network with activations in {σ, id} and parameters θ∗:

* one id node ``v{i}`` per gate (``v0`` is the source, an input node), target ``v{ℓ}``;
* per multiplication gate i and shift r ∈ {0..μ}: id nodes ``L1_{i}_{r}``, ``L2_{i}_{r}``,
  ``L3_{i}_{r}`` and σ nodes ``U1_{i}_{r}``, ``U2_{i}_{r}``, ``U3_{i}_{r}``; one id node
  ``z{i}``;
* edges and θ∗ as in the table of §5.3, with D the least common denominator of σ's
  coefficients and of Lemma 3.1's λ, and λ' = D·λ ∈ ℤ^{μ+1}.

**Repeated operands** (a decision; PAPER.md §5 notes, §14).  E is a set, so a gate that
uses one operand twice (a_j·a_j, a_j ± a_j) would need parallel edges.  The compiler
merges them into one edge whose weight and bias are the sums: w∗ = 2 on (v_j, L1) with
bias r for a square, w∗ = 2 for a_j + a_j and w∗ = 0 for a_j − a_j.  The node rule only
sees w·f^u + b summed over parallel copies, so the simulation is unchanged; the forcing
templates are defined from w∗ and work unchanged (a w∗ = 0 edge is forced to 0).

**Counts** (derived here, checked by ``slp_network.counts``), with m_× multiplication
gates and [j = k] for a repeated operand:

* |V| = (ℓ + 1) + m_×·(6(μ+1) + 1);
* |E| = Σ_{±} (2 − [j=k]) + Σ_{×} ((10 − [j=k])(μ+1) + 1);
* depth = max_i d_i with d_0 = 0, d_i = max(d_j, d_k) + 1 for ± and + 4 for ×
  (v_j → L → U → z → v_i).

**The instance** (§5.4–5.5).  :class:`ERMInstance` holds I(P, j): every vertex is an input
and an output coordinate, labels are ℚ^V × {flag}, the loss is the bit extractor
(:func:`bit_extractor_loss`), the forcing templates (baseline, one per identity-headed
edge, one per σ-edge and τ ∈ {0..μ}) each with multiplicity b + 1, b copies of the main
sample (a_0 at v_0, flag 1), and γ = a.

**Fast verification.**  Every template differs from the baseline input on O(1)
coordinates (the template's support and the out-neighbours of its changed vertices), so
:meth:`ERMInstance.verify` runs one full forward pass for the baseline and then, per
template, re-evaluates only the vertices whose pre-activation changes, in topological
order (:class:`IncrementalEvaluator`).  At θ∗ this costs O(out-degree) per template instead
of O(|E|); the claim ``slp_network.incremental_matches_full`` cross-checks it against the
engine's full forward pass.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import sympy
from flint import fmpq, fmpq_mpoly, fmpq_mpoly_ctx, fmpq_poly, fmpz
from hypothesis import strategies as st

from checkers.activations import IDENTITY, Activation, Polynomial
from checkers.certificates import (
    ExactEvaluation,
    Expr,
    KernelCertificate,
    PolynomialIdentity,
    add,
    mul,
    num,
    perturbed,
    poly_at,
    sub,
)
from checkers.errors import DataError, SLPError
from checkers.losses import Loss
from checkers.network import Edge, Network, Sample, Trace
from checkers.poly import coefficients
from checkers.rationals import bit, fmt, size
from checkers.reference import RefNetwork, ref_bit, ref_slp_values
from checkers.slp import OPS, SLP, Gate
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    Certificate,
    Evidence,
    as_fraction,
    check,
    check_certificate,
    check_eq,
    claim,
    claim_for,
)
from spec.gadget import SigmaLike, gadget_lambdas, sigma_polynomial
from strategies import integer_slps, polynomials, rational_slps, rationals

__all__ = [
    "CompiledSLP",
    "Counts",
    "ERMInstance",
    "IncrementalEvaluator",
    "MulGadget",
    "Template",
    "Theta",
    "Verification",
    "bit_extractor_loss",
    "build_instance",
    "common_denominator",
    "compile_slp",
    "expected_counts",
    "gadget_polynomials",
    "gate_node",
    "gate_polynomials",
    "is_sigma_symmetry",
    "max_theta_bits",
    "sigma_symmetries",
    "slp_polynomials",
    "symmetries_by_sympy",
]


# --------------------------------------------------------------------------- the compiler


@dataclass(frozen=True)
class MulGadget:
    """The private vertices of multiplication gate ``gate`` (a_gate = a_j · a_k).

    ``L[τ-1][r]`` and ``U[τ-1][r]`` name L^{(τ)}_{i,r} and U^{(τ)}_{i,r}; ``z`` names z_i.
    """

    gate: int
    j: int
    k: int
    L: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    U: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    z: str


@dataclass(frozen=True)
class Theta:
    """Parameters θ = (w_e, b_e)_{e∈E}, aligned with ``network.edges``."""

    weights: tuple[fmpq, ...]
    biases: tuple[fmpq, ...]

    def replace(self, edge: int, *, weight: fmpq | None = None,
                bias: fmpq | None = None) -> Theta:
        """θ with the weight and/or bias of one edge replaced."""
        w, b = list(self.weights), list(self.biases)
        if weight is not None:
            w[edge] = weight
        if bias is not None:
            b[edge] = bias
        return Theta(tuple(w), tuple(b))


@dataclass(frozen=True)
class Counts:
    """|V|, |E| and depth of a compiled network."""

    nodes: int
    edges: int
    depth: int


def gate_node(i: int) -> str:
    """The name of v_i."""
    return f"v{i}"


@dataclass(frozen=True)
class CompiledSLP:
    """The network of Lemma 3.2 for an SLP and σ, with θ∗ as its parameters.

    ``network`` carries θ∗ (``network.weights``/``network.biases``); ``gate_nodes[i]`` is
    v_i; ``gadgets`` maps each multiplication gate to its private vertices; ``lam``, ``D``
    and ``lam_prime`` are λ (Lemma 3.1), the common denominator D and λ' = D·λ (§5.1).
    """

    slp: SLP
    sigma: Polynomial
    network: Network
    lam: tuple[fmpq, ...]
    D: fmpz
    lam_prime: tuple[fmpz, ...]
    gate_nodes: tuple[str, ...]
    gadgets: Mapping[int, MulGadget]

    @property
    def mu(self) -> int:
        """μ = deg σ."""
        return self.sigma.degree

    @property
    def source(self) -> str:
        """s = v_0."""
        return self.gate_nodes[0]

    @property
    def output(self) -> str:
        """t = v_ℓ."""
        return self.gate_nodes[-1]

    @property
    def theta_star(self) -> Theta:
        """θ∗ of §5.3."""
        return Theta(self.network.weights, self.network.biases)

    def network_at(self, theta: Theta) -> Network:
        """The same architecture with parameters θ."""
        return self.network.with_params(theta.weights, theta.biases)

    def x_main(self, a0: fmpq | None = None) -> dict[str, fmpq]:
        """The main input: a_0 at v_0, 0 elsewhere ("input a_0", §5.3)."""
        return {self.source: self.slp.a0 if a0 is None else a0}

    def gate_values(self, theta: Theta | None = None, *,
                    budget_bits: int | None = None) -> list[fmpq]:
        """f^{v_i}_θ(x_main) for i = 0..ℓ (θ∗ by default)."""
        net = self.network if theta is None else self.network_at(theta)
        tr = net.forward(self.x_main(), budget_bits=budget_bits)
        return [tr.value(v) for v in self.gate_nodes]

    def counts(self) -> Counts:
        """|V|, |E| and depth as built."""
        return Counts(len(self.network.nodes), len(self.network.edges), self.network.depth)

    def sigma_edges(self) -> list[int]:
        """Indices of E_σ = {(L^{(τ)}_{i,r}, U^{(τ)}_{i,r})}: the edges with a σ head."""
        acts = self.network.arch.acts
        return [e for e, v in enumerate(self.network.arch.dst) if _is_sigma(acts[v])]

    def identity_edges(self) -> list[int]:
        """Indices of E_id: the edges with an id head (into v_i, L and z vertices)."""
        acts = self.network.arch.acts
        return [e for e, v in enumerate(self.network.arch.dst) if not _is_sigma(acts[v])]

    def node_activations(self) -> dict[str, Activation | None]:
        """Every vertex with its activation (``None`` for the input v_0), in node order."""
        return dict(zip(self.network.nodes, self.network.arch.acts, strict=True))

    def theta_star_values(self) -> set[fmpq]:
        """The set of values that θ∗ entries may take: {0, ±1, ±2, r, ±λ'_r, 1/D}
        (2 comes from merged repeated operands).  Depends on σ only."""
        out = {fmpq(0), fmpq(1), fmpq(-1), fmpq(2), 1 / fmpq(self.D)}
        out |= {fmpq(r) for r in range(self.mu + 1)}
        out |= {fmpq(v) for v in self.lam_prime} | {-fmpq(v) for v in self.lam_prime}
        return out


def _is_sigma(act: Activation | None) -> bool:
    return act is not None and act.traits.kind != "identity"


def common_denominator(sigma: SigmaLike) -> tuple[fmpz, list[fmpq], list[fmpz]]:
    """D (the least common denominator of σ's coefficients and of λ), λ and λ' = D·λ (§5.1)."""
    p = sigma_polynomial(sigma)
    lam = gadget_lambdas(p)
    d = fmpz(1)
    for c in [*coefficients(p), *lam]:
        d = d.lcm(c.q)
    lam_prime = [v.p * (d // v.q) for v in lam]
    return d, lam, lam_prime


def _as_polynomial(sigma: SigmaLike) -> Polynomial:
    if isinstance(sigma, Polynomial):
        sigma_polynomial(sigma)
        return sigma
    return Polynomial(sigma_polynomial(sigma))


def compile_slp(slp: SLP, sigma: SigmaLike) -> CompiledSLP:
    """The network N(P) and θ∗ of Lemma 3.2 (§5.2–5.3), repeated operands merged.

    Raises :class:`~checkers.errors.DegreeError` for σ that is not a polynomial of degree
    >= 2 and :class:`~checkers.errors.SLPError` for something that is not an SLP.
    """
    if not isinstance(slp, SLP):
        raise SLPError(f"expected an SLP, got {type(slp).__name__}")
    act = _as_polynomial(sigma)
    mu = act.degree
    d, lam, lam_prime = common_denominator(act)
    inv_d = 1 / fmpq(d)
    acts: dict[str, Activation | None] = {gate_node(0): None}
    edges: dict[tuple[str, str], list[fmpq]] = {}
    one, zero = fmpq(1), fmpq(0)

    def add(u: str, v: str, w: fmpq, b: fmpq) -> None:
        cur = edges.get((u, v))
        if cur is None:
            edges[(u, v)] = [w, b]
        else:  # a repeated operand: merge the parallel edges
            cur[0] += w
            cur[1] += b

    gadgets: dict[int, MulGadget] = {}
    shifts = [fmpq(r) for r in range(mu + 1)]
    for i, g in enumerate(slp.gates, start=1):
        vj, vk, vi = gate_node(g.j), gate_node(g.k), gate_node(i)
        if g.op != "*":
            acts[vi] = IDENTITY
            add(vj, vi, one, zero)
            add(vk, vi, one if g.op == "+" else -one, zero)
            continue
        ls = tuple(tuple(f"L{t}_{i}_{r}" for r in range(mu + 1)) for t in (1, 2, 3))
        us = tuple(tuple(f"U{t}_{i}_{r}" for r in range(mu + 1)) for t in (1, 2, 3))
        z = f"z{i}"
        for row in ls:
            for name in row:
                acts[name] = IDENTITY
        for row in us:
            for name in row:
                acts[name] = act
        acts[z] = IDENTITY
        acts[vi] = IDENTITY
        for r in range(mu + 1):
            lr = fmpq(lam_prime[r])
            add(vj, ls[0][r], one, shifts[r])
            add(vk, ls[0][r], one, zero)
            add(vj, ls[1][r], one, shifts[r])
            add(vk, ls[2][r], one, shifts[r])
            for t in range(3):
                add(ls[t][r], us[t][r], one, zero)
            add(us[0][r], z, lr, zero)
            add(us[1][r], z, -lr, zero)
            add(us[2][r], z, -lr, zero)
        add(z, vi, inv_d, zero)
        gadgets[i] = MulGadget(i, g.j, g.k, (ls[0], ls[1], ls[2]), (us[0], us[1], us[2]), z)
    net = Network(acts, [Edge(u, v, w, b) for (u, v), (w, b) in edges.items()],
                  outputs=list(acts), inputs=[gate_node(0)])
    return CompiledSLP(slp, act, net, tuple(lam), d, tuple(lam_prime),
                       tuple(gate_node(i) for i in range(slp.length + 1)), gadgets)


def expected_counts(slp: SLP, mu: int) -> Counts:
    """|V|, |E| and depth predicted from the SLP's syntax alone (see the module doc)."""
    nodes = slp.length + 1
    edges = 0
    depth = [0]
    for g in slp.gates:
        rep = 1 if g.j == g.k else 0
        if g.op == "*":
            nodes += 6 * (mu + 1) + 1
            edges += (10 - rep) * (mu + 1) + 1
            depth.append(max(depth[g.j], depth[g.k]) + 4)
        else:
            edges += 2 - rep
            depth.append(max(depth[g.j], depth[g.k]) + 1)
    return Counts(nodes, edges, max(depth))


# --------------------------------------------------------------------------- σ-symmetries


def is_sigma_symmetry(sigma: SigmaLike, w: fmpq, b: fmpq) -> bool:
    """Does σ(w·z + b) ≡ σ(z) hold as polynomials in z?"""
    p = sigma_polynomial(sigma)
    return bool(p(fmpq_poly([b, w])) == p)


def sigma_symmetries(sigma: SigmaLike) -> list[tuple[fmpq, fmpq]]:
    """All (w, b) ∈ ℚ² with σ(w z + b) ≡ σ(z) (Claim B.1(2)'s remaining freedom).

    Comparing z^μ coefficients gives w^μ = 1, so w = ±1 over ℚ; w = 1 forces b = 0 by the
    z^{μ−1} coefficient; w = −1 needs μ even and then b = −2 r_{μ−1}/(μ r_μ), kept only if
    σ(b − z) ≡ σ(z) holds (PAPER.md §5 notes).
    """
    p = sigma_polynomial(sigma)
    mu = int(p.degree())
    out = [(fmpq(1), fmpq(0))]
    if mu % 2 == 0:
        b = -2 * p[mu - 1] / (mu * p[mu])
        if is_sigma_symmetry(p, fmpq(-1), b):
            out.append((fmpq(-1), b))
    return out


# --------------------------------------------------------------------------- the loss


def bit_extractor_loss(network: Network, target: str, j: int) -> Loss:
    """The 0/1 loss of §5.4 over outputs ŷ ∈ ℚ^V and labels (y, flag) ∈ ℚ^V × {0, 1}.

    flag 1 (main): 𝟏[bit_j(ŷ_t) ≠ 1]; flag 0 (auxiliary): 𝟏[ŷ ≠ y] (exact, every
    coordinate).  The label is the |V| coordinates followed by the flag.
    """
    outputs = list(network.outputs)
    if target not in outputs:
        raise DataError(f"bit extractor: target {target!r} is not an output")
    t = outputs.index(target)
    n = len(outputs)

    def value(u: Sequence[fmpq], label: Sequence[fmpq]) -> fmpq:
        if len(u) != n or len(label) != n + 1:
            raise DataError(f"bit extractor: expected {n} outputs and a label of length "
                            f"{n + 1}, got {len(u)} and {len(label)}")
        flag = label[n]
        if flag == 1:
            return fmpq(0 if bit(u[t], j) == 1 else 1)
        if flag == 0:
            return fmpq(0 if all(a == c for a, c in zip(u, label[:n], strict=True)) else 1)
        raise DataError(f"bit extractor: flag must be 0 or 1, got {flag}")

    return Loss(f"bit_extractor(j={j}, t={target})", value, None)


# --------------------------------------------------------------------------- templates


TemplateKind = Literal["baseline", "identity", "sigma"]


@dataclass(frozen=True)
class Template:
    """A forcing template (y, ỹ) of §5.5, stored by its difference from the baseline.

    ``y`` lists (vertex index, y_v) on the template's support (elsewhere y = y^{(0)}),
    ``pre`` the target pre-activations ỹ_v there (elsewhere ỹ = 0), and ``dx`` the non-zero
    entries of x(y, ỹ) − x(y^{(0)}, ỹ^{(0)}).  ``edge`` is the edge the template belongs to
    and ``tau`` the τ of a σ-edge template.
    """

    kind: TemplateKind
    edge: int | None
    tau: int | None
    y: tuple[tuple[int, fmpq], ...]
    pre: tuple[tuple[int, fmpq], ...]
    dx: tuple[tuple[int, fmpq], ...]


@dataclass
class Verification:
    """What :meth:`ERMInstance.verify` found at one θ."""

    templates: int
    failing: list[Template]
    checked: int
    main_value: fmpq | None
    main_loss: int | None
    b: int

    @property
    def forcing_ok(self) -> bool:
        """Zero loss on every auxiliary (forcing) sample."""
        return not self.failing

    @property
    def aux_loss(self) -> int:
        """Σ over 𝒟_a: (b + 1) per failing template."""
        return (self.b + 1) * len(self.failing)

    @property
    def total_loss(self) -> int:
        """L(θ) = aux loss + b·𝟏[bit_j(f^t(x_main)) ≠ 1] (needs the main sample)."""
        if self.main_loss is None:
            raise DataError("the main sample was not evaluated")
        return self.aux_loss + self.b * self.main_loss


class IncrementalEvaluator:
    """Exact forward passes from a fixed baseline input, re-evaluating only what changes.

    ``base`` is the trace of the baseline input at θ.  :meth:`perturb` takes sparse input
    changes and returns the vertices whose value differs from the baseline, with their new
    values; every other vertex keeps its baseline value exactly.  Pre-activations are linear
    in the inputs and in the in-neighbours' values, so a vertex is revisited only when some
    input or in-neighbour changed, in topological order.
    """

    def __init__(self, network: Network, base: Trace, *, max_depth: int | None = None) -> None:
        a = network.arch
        self.acts = a.acts
        self.ident = [act is None or act.traits.kind == "identity" for act in a.acts]
        self.pos = [0] * len(a.nodes)
        for i, v in enumerate(a.order):
            self.pos[v] = i
        self.out_edges = a.out_edges
        self.dst = a.dst
        self.w = network.weights
        self.pre0 = base.pre
        self.val0 = base.val
        self.max_depth = max_depth  # a planted bug for a negative control (None: exact)

    def perturb(self, dx: Sequence[tuple[int, fmpq]]) -> dict[int, fmpq]:
        dpre: dict[int, fmpq] = {}
        depth: dict[int, int] = {}
        heap: list[tuple[int, int]] = []
        for v, d in dx:
            if v in dpre:
                dpre[v] += d
            else:
                dpre[v] = d
                depth[v] = 0
                heapq.heappush(heap, (self.pos[v], v))
        changed: dict[int, fmpq] = {}
        pre0, val0, w, dst = self.pre0, self.val0, self.w, self.dst
        while heap:
            _, v = heapq.heappop(heap)
            d = dpre.pop(v)
            if d == 0:
                continue
            z = pre0[v] + d
            act = self.acts[v]
            new = z if self.ident[v] or act is None else act(z)
            dv = new - val0[v]
            if dv == 0:
                continue
            changed[v] = new
            if self.max_depth is not None and depth[v] >= self.max_depth:
                continue
            for e in self.out_edges[v]:
                u = dst[e]
                c = w[e] * dv
                if u in dpre:
                    dpre[u] += c
                else:
                    dpre[u] = c
                    depth[u] = depth[v] + 1
                    heapq.heappush(heap, (self.pos[u], u))
        return changed


@dataclass
class ERMInstance:
    """The ERM_bit instance I(P, j) of Lemma 3.2 with promise gap a < b (§5.4–5.5).

    𝒟 = 𝒟_a ⊎ 𝒟_m: every forcing template with multiplicity b + 1 and b copies of the main
    sample (x_main, (0, 1)); γ = a.  Build it with :func:`build_instance`.
    """

    compiled: CompiledSLP
    j: int
    a: int
    b: int
    alpha1: fmpq
    delta_sigma: fmpq
    y0: list[fmpq]
    x0: list[fmpq]
    loss: Loss

    @property
    def network(self) -> Network:
        return self.compiled.network

    @property
    def gamma(self) -> int:
        """The threshold γ := a."""
        return self.a

    @property
    def forcing_multiplicity(self) -> int:
        return self.b + 1

    @property
    def main_multiplicity(self) -> int:
        return self.b

    def template_count(self) -> int:
        """Distinct forcing templates: 1 + |E_id| + (μ+1)|E_σ|."""
        n_sigma = len(self.compiled.sigma_edges())
        n_id = len(self.network.edges) - n_sigma
        return 1 + n_id + (self.compiled.mu + 1) * n_sigma

    def sample_count(self) -> int:
        """|𝒟| with multiplicities: (b + 1)·templates + b."""
        return (self.b + 1) * self.template_count() + self.b

    # ------------------------------------------------------------------ templates
    def templates(self) -> Iterator[Template]:
        """Every forcing template, in a fixed order: baseline, E_id, then E_σ × {0..μ}."""
        yield Template("baseline", None, None, (), (), ())
        a = self.network.arch
        for e in range(len(a.edges)):
            if not _is_sigma(a.acts[a.dst[e]]):
                yield self.identity_template(e)
        for e in range(len(a.edges)):
            if _is_sigma(a.acts[a.dst[e]]):
                for tau in range(self.compiled.mu + 1):
                    yield self.sigma_template(e, tau)

    def _dx(self, dy: Mapping[int, fmpq], dpre: Mapping[int, fmpq]) -> tuple[
            tuple[int, fmpq], ...]:
        # x(y, ỹ)_v = ỹ_v − Σ_{(u,v)} (w∗ y_u + b∗): the change is δỹ_v − Σ w∗ δy_u
        a = self.network.arch
        w = self.network.weights
        out: dict[int, fmpq] = dict(dpre)
        for u, d in dy.items():
            if d == 0:
                continue
            for e in a.out_edges[u]:
                v = a.dst[e]
                out[v] = out.get(v, fmpq(0)) - w[e] * d
        return tuple((v, d) for v, d in out.items() if d != 0)

    def identity_template(self, e: int) -> Template:
        """The template of an identity-headed edge e = (p, q) (§5.5)."""
        a = self.network.arch
        p, q = a.src[e], a.dst[e]
        if _is_sigma(a.acts[p]):
            yp, prep = self.compiled.sigma(self.alpha1), self.alpha1
        else:
            yp, prep = fmpq(1), fmpq(1)
        yq = self.network.weights[e] * (yp - self.y0[p])
        dy = {p: yp - self.y0[p], q: yq - self.y0[q]}
        return Template("identity", e, None, ((p, yp), (q, yq)), ((p, prep), (q, yq)),
                        self._dx(dy, {p: prep, q: yq}))

    def sigma_template(self, e: int, tau: int) -> Template:
        """The template (e_σ, τ) of a σ-edge e_σ = (L, U): y_L = ỹ_L = τ, y_U = σ(τ),
        ỹ_U = τ (§5.5)."""
        a = self.network.arch
        lv, uv = a.src[e], a.dst[e]
        t = fmpq(tau)
        yu = self.compiled.sigma(t)
        dy = {lv: t - self.y0[lv], uv: yu - self.y0[uv]}
        return Template("sigma", e, tau, ((lv, t), (uv, yu)), ((lv, t), (uv, t)),
                        self._dx(dy, {lv: t, uv: t}))

    def templates_of_edge(self, e: int) -> list[Template]:
        """The templates that belong to edge e (one for E_id, μ + 1 for E_σ)."""
        a = self.network.arch
        if _is_sigma(a.acts[a.dst[e]]):
            return [self.sigma_template(e, t) for t in range(self.compiled.mu + 1)]
        return [self.identity_template(e)]

    def template_input(self, t: Template) -> dict[str, fmpq]:
        """The full input x(y, ỹ) of a template, as a mapping of its non-zero coordinates."""
        x = list(self.x0)
        for v, d in t.dx:
            x[v] += d
        names = self.network.nodes
        return {names[v]: val for v, val in enumerate(x) if val != 0}

    def template_label(self, t: Template) -> list[fmpq]:
        """The label y of a template (every vertex, without the flag)."""
        y = list(self.y0)
        for v, val in t.y:
            y[v] = val
        return y

    def template_pre(self, t: Template) -> list[fmpq]:
        """The target pre-activations ỹ of a template."""
        pre = [fmpq(0)] * len(self.y0)
        for v, val in t.pre:
            pre[v] = val
        return pre

    def main_sample(self) -> Sample:
        """(x_main, (y_main = 0, flag 1))."""
        n = len(self.network.nodes)
        return Sample(dict(self.compiled.x_main()), tuple([fmpq(0)] * n + [fmpq(1)]))

    def samples(self) -> Iterator[tuple[Sample, int]]:
        """Every distinct sample with its multiplicity (materialised: small instances)."""
        for t in self.templates():
            label = (*self.template_label(t), fmpq(0))
            yield Sample(self.template_input(t), label), self.b + 1
        yield self.main_sample(), self.b

    # ------------------------------------------------------------------ verification
    def verify(self, theta: Theta | None = None, *, main: bool = True,
               stop_at_first: bool = False, templates: Sequence[Template] | None = None,
               budget_bits: int | None = None,
               max_depth: int | None = None) -> Verification:
        """Evaluate the loss at θ (θ∗ by default): which forcing templates fail, and, with
        ``main``, the main sample's loss.  Exact; one full forward pass for the baseline,
        then an incremental pass per template."""
        net = self.network if theta is None else self.compiled.network_at(theta)
        x0 = {name: v for name, v in zip(net.nodes, self.x0, strict=True) if v != 0}
        base = net.forward(x0, budget_bits=budget_bits)
        ev = IncrementalEvaluator(net, base, max_depth=max_depth)
        y0, val0 = self.y0, base.val
        bad0 = [v for v in range(len(y0)) if val0[v] != y0[v]]
        failing: list[Template] = []
        checked = 0
        for t in (self.templates() if templates is None else templates):
            checked += 1
            if not self._template_ok(t, ev.perturb(t.dx), val0, bad0):
                failing.append(t)
                if stop_at_first:
                    break
        main_value: fmpq | None = None
        main_loss: int | None = None
        if main:
            tr = net.forward(self.compiled.x_main(), budget_bits=budget_bits)
            main_value = tr.value(self.compiled.output)
            main_loss = 0 if bit(main_value, self.j) == 1 else 1
        total = self.template_count() if templates is None else len(templates)
        return Verification(total, failing, checked, main_value, main_loss, self.b)

    def forcing_ok(self, theta: Theta | None = None) -> bool:
        """Does θ have zero loss on every forcing sample?  (Stops at the first failure.)"""
        return self.verify(theta, main=False, stop_at_first=True).forcing_ok

    def loss_at(self, theta: Theta | None = None, *, budget_bits: int | None = None) -> int:
        """L(θ) = Σ over 𝒟 of multiplicity · ℒ(f_θ(x), y), exactly."""
        return self.verify(theta, budget_bits=budget_bits).total_loss

    def _template_ok(self, t: Template, changed: Mapping[int, fmpq], val0: Sequence[fmpq],
                     bad0: Sequence[int]) -> bool:
        y0 = self.y0
        support = dict(t.y)
        for v, val in changed.items():
            if v not in support and val != y0[v]:
                return False
        for v, yv in support.items():
            if changed.get(v, val0[v]) != yv:
                return False
        return all(v in changed or v in support for v in bad0)

    def template_outputs(self, theta: Theta | None, t: Template) -> list[fmpq]:
        """f_θ(x(y, ỹ)) at every vertex by the engine's full forward pass (reference path)."""
        net = self.network if theta is None else self.compiled.network_at(theta)
        return list(net.forward(self.template_input(t)).val)


def build_instance(compiled: CompiledSLP, j: int, *, a: int = 0, b: int = 1) -> ERMInstance:
    """I(P, j) of Lemma 3.2 for a compiled SLP, bit index j and promise gap a < b."""
    if isinstance(j, bool) or not isinstance(j, int):
        raise DataError(f"bit index must be an integer, got {j!r}")
    if not (isinstance(a, int) and isinstance(b, int)) or not 0 <= a < b:
        raise DataError(f"the promise gap needs integers 0 <= a < b, got a = {a}, b = {b}")
    sigma = compiled.sigma
    mu = compiled.mu
    s0 = sigma(fmpq(0))
    alpha1 = next(fmpq(t) for t in range(1, mu + 2) if sigma(fmpq(t)) != s0)
    net = compiled.network
    a_ = net.arch
    y0 = [s0 if _is_sigma(act) else fmpq(0) for act in a_.acts]
    x0 = [fmpq(0)] * len(y0)
    for e in range(len(a_.edges)):
        v = a_.dst[e]
        x0[v] -= net.weights[e] * y0[a_.src[e]] + net.biases[e]
    loss = bit_extractor_loss(net, compiled.output, j)
    return ERMInstance(compiled, j, a, b, alpha1, sigma(alpha1) - s0, y0, x0, loss)


# --------------------------------------------------------------------------- symbolic evaluation


def _symbolic_forward(compiled: CompiledSLP, inputs: Mapping[str, Any], zero: Any) -> list[Any]:
    """The node rule with values in a polynomial ring (fmpq_poly or fmpq_mpoly)."""
    net = compiled.network
    a = net.arch
    cs = coefficients(compiled.sigma.poly)
    val: list[Any] = [zero] * len(a.nodes)
    for v in a.order:
        z = inputs.get(a.nodes[v], zero)
        for e in a.in_edges[v]:
            z = z + net.weights[e] * val[a.src[e]] + net.biases[e]
        if _is_sigma(a.acts[v]):
            acc = zero
            for c in reversed(cs):
                acc = acc * z + c
            z = acc
        val[v] = z
    return val


def gate_polynomials(compiled: CompiledSLP) -> list[fmpq_poly]:
    """f^{v_i}_{θ∗} as polynomials in the input a_0 (x_main = a_0·e_{v_0}), i = 0..ℓ."""
    vals = _symbolic_forward(compiled, {compiled.source: fmpq_poly([0, 1])}, fmpq_poly([]))
    return [vals[compiled.network.index_of(v)] for v in compiled.gate_nodes]


def slp_polynomials(slp: SLP) -> list[fmpq_poly]:
    """a_0, ..., a_ℓ as polynomials in a_0 (Definition 2.2 over ℚ[a_0])."""
    vals = [fmpq_poly([0, 1])]
    for g in slp.gates:
        x, y = vals[g.j], vals[g.k]
        vals.append(x + y if g.op == "+" else x - y if g.op == "-" else x * y)
    return vals


_XY = fmpq_mpoly_ctx.get(("x", "y"), "lex")


def gadget_polynomials(sigma: SigmaLike) -> dict[str, tuple[fmpq_mpoly, fmpq_mpoly]]:
    """(network polynomial, expected polynomial) in ℚ[x, y] for each gate kind.

    The network of (a0; a1 = a0 − a0; a2 = a0 + a1; a3 = a0 − a1; a4 = a0 * a1;
    a5 = a0 * a0; a6 = a0 + a0) is evaluated with x injected at v_0 and y at v_1 (v_1 has
    the merged weight-0 edge, so f^{v_1} = y): each gate's vertex must equal the gate's
    operation on its operands' polynomials.
    """
    slp = SLP.of(1, [("-", 0, 0), ("+", 0, 1), ("-", 0, 1), ("*", 0, 1), ("*", 0, 0),
                     ("+", 0, 0)])
    c = compile_slp(slp, sigma)
    x, y = _XY.gens()
    zero = _XY.from_dict({})
    vals = _symbolic_forward(c, {"v0": x, "v1": y}, zero)
    got = [vals[c.network.index_of(v)] for v in c.gate_nodes]
    want = [x, y, x + y, x - y, x * y, x * x, 2 * x]
    names = ["a0", "a1 (= y)", "a0 + a1", "a0 - a1", "a0 * a1", "a0 * a0", "a0 + a0"]
    return {n: (g, w) for n, g, w in zip(names, got, want, strict=True)}




def network_definitions(compiled: CompiledSLP, inputs: Mapping[str, Expr],
                        targets: Sequence[str]) -> tuple[list[tuple[str, Expr]], list[str]]:
    """The node rule of Definition 2.3 written out as straight-line definitions (for the
    typed certificates): ``s<v>`` the pre-activation, ``n<v>`` the vertex value, for the
    ancestors of ``targets`` through edges of non-zero weight only (a weight-0 edge adds its
    bias alone); returns the definitions and the targets' names."""
    net = compiled.network
    a = net.arch
    cs = coefficients(compiled.sigma.poly)
    need: set[int] = set()
    stack = [net.index_of(t) for t in targets]
    while stack:
        v = stack.pop()
        if v not in need:
            need.add(v)
            stack += [a.src[e] for e in a.in_edges[v] if net.weights[e] != 0]
    defs: list[tuple[str, Expr]] = []
    for v in a.order:
        if v not in need:
            continue
        terms: list[Expr] = []
        if a.nodes[v] in inputs:
            terms.append(inputs[a.nodes[v]])
        for e in a.in_edges[v]:
            w, b = net.weights[e], net.biases[e]
            if w != 0:
                terms.append(mul(num(w), f"n{a.src[e]}"))
            if b != 0:
                terms.append(num(b))
        pre = add(*terms) if terms else "0"
        if _is_sigma(a.acts[v]):
            defs.append((f"s{v}", pre))
            pre = poly_at(cs, f"s{v}")
        defs.append((f"n{v}", pre))
    return defs, [f"n{net.index_of(t)}" for t in targets]


def gadget_certificates(sigma: SigmaLike) -> list[PolynomialIdentity]:
    """Lemma 3.2's gate gadgets as typed certificates: in the compiled network of the SLP
    of :func:`gadget_polynomials` (x injected at v_0, y at v_1), written out vertex by vertex
    with the weights θ∗, each gate vertex equals its operation in ℚ[x, y]."""
    slp = SLP.of(1, [("-", 0, 0), ("+", 0, 1), ("-", 0, 1), ("*", 0, 1), ("*", 0, 0),
                     ("+", 0, 0)])
    c = compile_slp(slp, sigma)
    want: list[Expr] = ["x", "y", add("x", "y"), sub("x", "y"), mul("x", "y"),
                        mul("x", "x"), mul("2", "x")]
    names = ["a0", "a1", "add", "sub", "mul", "square", "double"]
    label = sigma.name if isinstance(sigma, Activation) else str(sigma)
    out = []
    for gate, w, nm in zip(c.gate_nodes, want, names, strict=True):
        defs, (target,) = network_definitions(c, {"v0": "x", "v1": "y"}, [gate])
        out.append(PolynomialIdentity(
            name=f"lemma_3_2_gate_{nm}", variables=("x", "y"), definitions=tuple(defs),
            lhs=target, rhs=w,
            statement=f"Lemma 3.2 for σ = {label}: the compiled network with weights θ∗, "
                      f"x at v0 and y at v1, computes the gate {nm} at vertex {gate}"))
    return out


def simulation_certificates(sigma: SigmaLike) -> list[KernelCertificate]:
    """θ∗ simulating small SLPs, as typed certificates: for the three one-gate SLPs
    a1 = a0 ∘ a0 the compiled network's gate vertex equals a0 ∘ a0 in ℚ[a0]; and the
    three-gate SLP (a0 = 3/2; a0², a1², a2 + a0) evaluates exactly, through the network at
    θ∗, to the value of the Fraction reference evaluator."""
    label = sigma.name if isinstance(sigma, Activation) else str(sigma)
    out: list[KernelCertificate] = []
    for op, name in (("+", "add"), ("-", "sub"), ("*", "mul")):
        c = compile_slp(SLP.of(1, [(op, 0, 0)]), sigma)
        defs, (target,) = network_definitions(c, {c.source: "a0"}, [c.gate_nodes[1]])
        want: Expr = (add("a0", "a0") if op == "+" else sub("a0", "a0") if op == "-"
                      else mul("a0", "a0"))
        out.append(PolynomialIdentity(
            name=f"lemma_3_2_slp_a0_{name}_a0", variables=("a0",), definitions=tuple(defs),
            lhs=target, rhs=want,
            statement=f"Lemma 3.2 for σ = {label}: the network of the SLP (a0; a0 {op} a0) "
                      f"with weights θ∗ computes a1 = a0 {op} a0 for every input a0"))
    slp = SLP.of(fmpq(3, 2), [("*", 0, 0), ("*", 1, 1), ("+", 2, 0)])
    c = compile_slp(slp, sigma)
    defs, (target,) = network_definitions(c, {c.source: "a0"}, [c.gate_nodes[-1]])
    out.append(ExactEvaluation(
        name="lemma_3_2_slp_eval", inputs=(("a0", Fraction(3, 2)),),
        definitions=tuple(defs), output=target, claimed=ref_slp_values(slp)[-1],
        statement=f"Lemma 3.2 for σ = {label}: the network of (a0 = 3/2; a0², a1², a2 + a0) "
                  "at θ∗ outputs the SLP's value"))
    return out


def max_theta_bits(compiled: CompiledSLP) -> int:
    """The largest size of a θ∗ entry."""
    return max((size(v) for v in (*compiled.network.weights, *compiled.network.biases)),
               default=0)


# =========================================================================== claims

BUDGET_BITS = 1 << 16
"""Bit budget of forward passes inside claims (an example that needs more is rejected)."""


def _show_slp(inst: Any) -> str:
    if isinstance(inst, SLP):
        return inst.to_text()
    if isinstance(inst, tuple) and inst and isinstance(inst[0], SLP):
        rest = ", ".join(repr(v) if not isinstance(v, fmpq) else fmt(v) for v in inst[1:])
        return inst[0].to_text() + f"# and {rest}"
    return repr(inst)


def _small_slps(max_length: int = 7) -> st.SearchStrategy[SLP]:
    return st.one_of(integer_slps(max_length), rational_slps(max_length - 1))


@st.composite
def _with_product(draw: st.DrawFn, base: st.SearchStrategy[SLP],
                  square_free: bool = False) -> SLP:
    """An SLP whose last gate is a multiplication (so E_σ is not empty); with
    ``square_free`` every multiplication has distinct operands."""
    p = draw(base)
    n = p.length + 1
    j = draw(st.integers(0, n - 1))
    k = draw(st.integers(0, n - 1))
    gates = [*p.gates, Gate("*", j, k)]
    if square_free:
        gates = [Gate("+", g.j, g.k) if g.op == "*" and g.j == g.k else g for g in gates]
        if gates[-1].op != "*":
            gates.append(Gate("*", 0, len(gates)))
    return SLP(p.a0, tuple(gates))


def _all_short_slps(max_length: int) -> Iterator[SLP]:
    def extend(gates: list[Gate]) -> Iterator[list[Gate]]:
        yield gates
        if len(gates) == max_length:
            return
        i = len(gates) + 1
        for op in OPS:
            for j in range(i):
                for k in range(i):
                    yield from extend([*gates, Gate(op, j, k)])

    for gates in extend([]):
        yield SLP(fmpq(1), tuple(gates))


# --------------------------------------------------------------------------- simulation


def _prove_simulation(act: Activation) -> Certificate:
    for name, (got, want) in gadget_polynomials(act).items():
        check_eq(got, want, f"gate kind {name}: network polynomial in ℚ[x, y]", sigma=act.name)
    n = 0
    for p in _all_short_slps(2):
        c = compile_slp(p, act)
        check_eq(gate_polynomials(c), slp_polynomials(p), "f^{v_i} in ℚ[a0] vs a_i",
                 slp=p.to_text())
        n += 1
    return Certificate(
        f"σ = {act.name}: in ℚ[x, y] the compiled gadgets give x + y, x − y, x·y, x² (merged "
        f"square), 2x (merged a_j + a_j) and 0 (merged a_j − a_j) at the gate vertex with the "
        f"operands injected at v_j, v_k; each gate's private vertices see only v_j, v_k "
        f"(checked structurally by slp_network.counts), so induction over gates gives "
        f"f^{{v_i}} = a_i for every SLP; all {n} SLPs of length <= 2 also agree as polynomials "
        f"in a_0 (checked in Python); certified: the gate identities, vertex by vertex, the "
        f"one-gate SLPs in ℚ[a0] and one exact evaluation",
        items=(*gadget_certificates(act), *simulation_certificates(act)))


def _check_simulation(slp: SLP, c: CompiledSLP, theta: Theta | None = None) -> Evidence:
    want = ref_slp_values(slp)
    got = c.gate_values(theta, budget_bits=BUDGET_BITS)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        check_eq(as_fraction(g), w, f"f^{{v{i}}}(a0·e_v0) = a{i}", slp=slp.to_text())
    ev = Evidence.of(length=slp.length, nodes=len(c.network.nodes))
    if slp.length <= 4 and theta is None:
        check_eq(gate_polynomials(c), slp_polynomials(slp), "f^{v_i} = a_i in ℚ[a0]")
    if len(c.network.edges) <= 150:
        ref = RefNetwork(c.network if theta is None else c.network_at(theta)).forward(
            {c.source: as_fraction(slp.a0)})
        for i, w in enumerate(want):
            check_eq(ref[c.gate_nodes[i]], w, f"Fraction reference engine at v{i}")
    return ev


@claim_for(
    "Lemma 3.2",
    "The compiled network simulates P: f_{θ∗}(a0·e_{v0}) at v_i equals a_i for every gate i "
    "(exact engine and Fraction reference; polynomials in a0 for short SLPs)",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _small_slps(7),
    prover=_prove_simulation, examples=30, show=_show_slp, tags=("identity",),
)
def simulates(act: Activation, slp: SLP) -> Evidence:
    """Every gate, not just the output; the prover checks each gate kind symbolically."""
    return _check_simulation(slp, compile_slp(slp, act))


@claim_for(
    "Lemma 3.2",
    "Negative control: a gate certificate (multiplication or squaring) with one constant of "
    "the written-out network changed by δ ≠ 0 is rejected by the certificate checker (the "
    "sub-check behind `proved`)",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(st.sampled_from(["mul", "square"]),
                                    rationals(6, nonzero=True)),
    expect="counterexample", control_of="slp_network.simulates", examples=8,
)
def perturbed_gate_certificate_refuted(act: Activation, inst: tuple[str, fmpq]) -> Evidence:
    """:func:`checkers.certificates.perturbed` moves the first constant other than 0, 1."""
    gate, delta = inst
    cert = next(c for c in gadget_certificates(act) if c.name.endswith("_" + gate))
    check_certificate(perturbed(cert, as_fraction(delta)), "the gate certificate is accepted",
                      gate=gate, delta=delta)
    return Evidence()


@claim_for(
    "Lemma 3.2",
    "Negative control: with the U^{(3)} → z edges set to 0 (the −σ(y+r) terms dropped) the "
    "network no longer simulates P",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _with_product(_small_slps(5)),
    expect="counterexample", control_of="slp_network.simulates", examples=20, show=_show_slp,
)
def dropped_u3_refuted(act: Activation, slp: SLP) -> Evidence:
    c = compile_slp(slp, act)
    theta = c.theta_star
    for gad in c.gadgets.values():
        for u in gad.U[2]:
            theta = theta.replace(c.network.edge_of(u, gad.z), weight=fmpq(0))
    return _check_simulation(slp, c, theta)


# --------------------------------------------------------------------------- counts, structure


def _paper_counts(slp: SLP, mu: int) -> Counts:
    """The counts of PAPER.md §5 notes, which assume distinct operands (no merging)."""
    e = sum(10 * (mu + 1) + 1 if g.op == "*" else 2 for g in slp.gates)
    return Counts(expected_counts(slp, mu).nodes, e, expected_counts(slp, mu).depth)


def _check_structure(c: CompiledSLP) -> None:
    net, a = c.network, c.network.arch
    names = net.nodes
    gate_of: dict[str, int] = {}
    for i, gad in c.gadgets.items():
        for row in (*gad.L, *gad.U):
            for n in row:
                gate_of[n] = i
        gate_of[gad.z] = i
    for v in range(len(names)):
        srcs = {names[a.src[e]] for e in a.in_edges[v]}
        name = names[v]
        act = a.acts[v]
        if name in gate_of:
            gad = c.gadgets[gate_of[name]]
            ops = {c.gate_nodes[gad.j], c.gate_nodes[gad.k]}
            if name == gad.z:
                check_eq(srcs, {u for row in gad.U for u in row}, "z_i reads its U vertices")
            elif name.startswith("U"):
                check(_is_sigma(act), "U vertices carry σ", node=name)
                (lname,) = srcs
                check_eq(lname, "L" + name[1:], "U^{(τ)}_{i,r} reads L^{(τ)}_{i,r}")
            else:
                check(srcs <= ops and len(srcs) >= 1, "L vertices read only v_j, v_k",
                      node=name, sources=sorted(srcs))
        elif v > 0:
            i = int(name[1:])
            g = c.slp.gates[i - 1]
            want = {c.gate_nodes[g.j], c.gate_nodes[g.k]} if g.op != "*" else {f"z{i}"}
            check_eq(srcs, want, f"in-edges of v{i}")
        if not name.startswith("U"):
            check(act is None or act.traits.kind == "identity", "non-U vertices are id",
                  node=name)


def _check_counts(slp: SLP, c: CompiledSLP, formula: Counts) -> Evidence:
    check_eq(c.counts(), formula, "|V|, |E|, depth vs the formulas", slp=slp.to_text())
    _check_structure(c)
    allowed = c.theta_star_values()
    for (u, v), w, b in zip(c.network.edges, c.network.weights, c.network.biases, strict=True):
        check(w in allowed and b in allowed, "θ∗ entries lie in {0, ±1, ±2, r, ±λ'_r, 1/D}",
              edge=f"{u}->{v}", w=w, b=b)
    bound = max(size(q) for q in allowed)
    n_gates = max(slp.length, 1)
    return (Evidence.of(length=slp.length)
            .bound("theta_entry_bits", max_theta_bits(c), bound)
            .bound("edges_per_gate", Fraction(len(c.network.edges), n_gates),
                   10 * (c.mu + 1) + 1))


@claim_for(
    "Lemma 3.2",
    "|V| = ℓ+1 + m_×(6(μ+1)+1), |E| = Σ_±(2−[j=k]) + Σ_×((10−[j=k])(μ+1)+1), depth = max_i d_i "
    "(d_i = max(d_j,d_k) + 1 or + 4); the wiring is local to each gate; θ∗ entries lie in "
    "{0, ±1, ±2, r, ±λ'_r, 1/D} (O_σ(1) bits)",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _small_slps(10),
    examples=30, show=_show_slp, tags=("identity",),
)
def counts(act: Activation, slp: SLP) -> Evidence:
    """Counts from the SLP's syntax alone; the size of θ∗ entries against the σ-only bound."""
    c = compile_slp(slp, act)
    return _check_counts(slp, c, expected_counts(slp, c.mu))


@claim_for(
    "Lemma 3.2",
    "Negative control: the notes' per-gate counts without merging (10(μ+1)+1 edges per ×, 2 "
    "per ±) miss the merged parallel edges of repeated operands",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _small_slps(6),
    expect="counterexample", control_of="slp_network.counts", examples=20, show=_show_slp,
)
def unmerged_counts_refuted(act: Activation, slp: SLP) -> Evidence:
    c = compile_slp(slp, act)
    return _check_counts(slp, c, _paper_counts(slp, c.mu))


# --------------------------------------------------------------------------- the instance


def _check_realized(inst: ERMInstance, *, forget_bias: bool = False) -> Evidence:
    c = inst.compiled
    net = c.network
    a = net.arch
    n = 0
    for t in inst.templates():
        x = inst.template_input(t)
        if forget_bias:  # planted bug: x = ỹ − Σ w∗ y_u, without the − b∗ term
            for e in range(len(a.edges)):
                name = net.nodes[a.dst[e]]
                x[name] = x.get(name, fmpq(0)) + net.biases[e]
        tr = net.forward(x)
        check_eq(tr.val, inst.template_label(t), "f_{θ∗}(x(y, ỹ)) = y at every vertex",
                 kind=t.kind, edge=t.edge, tau=t.tau)
        check_eq(tr.pre, inst.template_pre(t), "pre-activations equal ỹ", kind=t.kind,
                 edge=t.edge, tau=t.tau)
        n += 1
    m = sum(1 for g in c.slp.gates if g.op == "*")
    n_sigma = 3 * (c.mu + 1) * m
    n_id = expected_counts(c.slp, c.mu).edges - n_sigma
    check_eq(n, 1 + n_id + (c.mu + 1) * n_sigma, "|templates| = 1 + |E_id| + (μ+1)|E_σ|")
    return Evidence.of(templates=n)


@claim_for(
    "Lemma 3.2",
    "Every forcing template (baseline, identity-edge, σ-edge × τ) is realised exactly: the "
    "engine's full forward pass at θ∗ on x(y, ỹ) gives y and pre-activations ỹ",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _with_product(_small_slps(3)),
    examples=12, show=_show_slp, tags=("identity",),
)
def templates_realized(act: Activation, slp: SLP) -> Evidence:
    """The count of templates is compared with the formula from the SLP's syntax."""
    return _check_realized(build_instance(compile_slp(slp, act), 0))


@claim_for(
    "Lemma 3.2",
    "Negative control: template inputs that forget the −b∗ term are not realised",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _with_product(_small_slps(3)),
    expect="counterexample", control_of="slp_network.templates_realized", examples=5,
    show=_show_slp,
)
def template_without_bias_refuted(act: Activation, slp: SLP) -> Evidence:
    return _check_realized(build_instance(compile_slp(slp, act), 0), forget_bias=True)


def _loss_inst(act: Activation) -> st.SearchStrategy[tuple[SLP, int, int, int]]:
    return st.tuples(_small_slps(7), st.integers(-8, 40), st.integers(0, 4),
                     st.integers(1, 5)).map(lambda t: (t[0], t[1], min(t[2], t[3] - 1), t[3]))


def _check_theta_star_loss(slp: SLP, j: int, a: int, b: int, inst: ERMInstance) -> Evidence:
    ver = inst.verify(budget_bits=BUDGET_BITS)
    check(ver.forcing_ok, "θ∗ has zero loss on every forcing sample",
          failing=[(t.kind, t.edge, t.tau) for t in ver.failing[:5]])
    n_p = ref_slp_values(slp)[-1]
    assert ver.main_value is not None
    check_eq(as_fraction(ver.main_value), n_p, "f^t_{θ∗}(x_main) = n_P")
    want_bit = ref_bit(n_p, j)
    check_eq(ver.total_loss, b * (1 - want_bit), "L(θ∗) = b·𝟏[bit_j(n_P) ≠ 1]", j=j, b=b)
    check_eq(ver.total_loss <= inst.gamma, want_bit == 1, "L(θ∗) <= γ = a iff bit_j(n_P) = 1")
    check_eq(inst.sample_count(), (b + 1) * ver.templates + b,
             "|𝒟| = (b+1)·|templates| + b")
    return Evidence.of(templates=ver.templates, samples=inst.sample_count())


@claim_for(
    "Lemma 3.2",
    "I(P, j) at θ∗: zero loss on all forcing samples (multiplicity b+1) and total loss "
    "b·𝟏[bit_j(n_P) ≠ 1] (b main samples), so L(θ∗) <= γ = a iff bit_j(n_P) = 1",
    covers=NONLINEAR_POLYNOMIAL, instances=_loss_inst, examples=25, show=_show_slp,
    tags=("identity",),
)
def theta_star_loss(act: Activation, inst: tuple[SLP, int, int, int]) -> Evidence:
    """The bit is computed by the Fraction reference from the SLP, not by the network."""
    slp, j, a, b = inst
    return _check_theta_star_loss(slp, j, a, b,
                                  build_instance(compile_slp(slp, act), j, a=a, b=b))


class _WrongSigmaTemplates(ERMInstance):
    """A planted bug: σ-edge templates label U with τ instead of σ(τ)."""

    def sigma_template(self, e: int, tau: int) -> Template:
        t = super().sigma_template(e, tau)
        (lv, tl), (uv, _) = t.y
        return Template(t.kind, t.edge, t.tau, ((lv, tl), (uv, fmpq(tau))), t.pre, t.dx)


@claim_for(
    "Lemma 3.2",
    "Negative control: σ-edge templates labelled y_U = τ instead of σ(τ) are not met by θ∗",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: _loss_inst(act).map(
        lambda t: (_with_product(st.just(t[0])), t)).flatmap(
        lambda p: st.tuples(p[0], st.just(p[1][1]), st.just(p[1][2]), st.just(p[1][3]))),
    expect="counterexample", control_of="slp_network.theta_star_loss", examples=5,
    show=_show_slp,
)
def wrong_sigma_template_refuted(act: Activation, inst: tuple[SLP, int, int, int]) -> Evidence:
    slp, j, a, b = inst
    good = build_instance(compile_slp(slp, act), j, a=a, b=b)
    bad = _WrongSigmaTemplates(**{f: getattr(good, f) for f in (
        "compiled", "j", "a", "b", "alpha1", "delta_sigma", "y0", "x0", "loss")})
    return _check_theta_star_loss(slp, j, a, b, bad)


# --------------------------------------------------------------------------- incremental evaluation


@st.composite
def _perturbed(draw: st.DrawFn, act: Activation) -> tuple[SLP, list[tuple[int, fmpq, fmpq]]]:
    slp = draw(_with_product(_small_slps(3)))
    c = compile_slp(slp, act)
    m = len(c.network.edges)
    moves = draw(st.lists(st.tuples(st.integers(0, m - 1), rationals(3), rationals(3)),
                          max_size=3))
    return slp, moves


def _apply_moves(c: CompiledSLP, moves: Sequence[tuple[int, fmpq, fmpq]]) -> Theta:
    theta = c.theta_star
    for e, dw, db in moves:
        theta = theta.replace(e, weight=theta.weights[e] + dw, bias=theta.biases[e] + db)
    return theta


def _check_incremental(act: Activation, inst: tuple[SLP, list[tuple[int, fmpq, fmpq]]],
                       max_depth: int | None) -> Evidence:
    slp, moves = inst
    c = compile_slp(slp, act)
    theta = _apply_moves(c, moves)
    ins = build_instance(c, 0, a=0, b=2)
    net = c.network_at(theta)
    x0 = {n: v for n, v in zip(net.nodes, ins.x0, strict=True) if v != 0}
    base = net.forward(x0)
    ev = IncrementalEvaluator(net, base, max_depth=max_depth)
    fails = 0
    for t in ins.templates():
        full = net.forward(ins.template_input(t)).val
        inc = list(base.val)
        for v, val in ev.perturb(t.dx).items():
            inc[v] = val
        check_eq(inc, full, "incremental values = full forward pass", kind=t.kind,
                 edge=t.edge, tau=t.tau)
        fails += full != ins.template_label(t)
    fast = ins.verify(theta, max_depth=max_depth)
    check_eq(len(fast.failing), fails, "failing templates: fast path vs full passes")
    engine = sum((mult * ins.loss.value(net.forward(s.x).outputs, s.y)
                  for s, mult in ins.samples()), fmpq(0))
    check_eq(fmpq(fast.total_loss), engine, "L(θ): fast path vs Σ multiplicity·ℒ(f_θ(x), y) "
             "over the materialised dataset")
    return Evidence.of(templates=fast.templates, failing=len(fast.failing))


@claim_for(
    "Lemma 3.2",
    "The incremental verifier equals the engine's full forward pass on every template at "
    "perturbed θ, and its loss equals Σ multiplicity·ℒ(f_θ(x), y) over the materialised I(P)",
    covers=NONLINEAR_POLYNOMIAL, instances=_perturbed, status="definition", examples=12,
    show=_show_slp, tags=("identity",),
)
def incremental_matches_full(act: Activation,
                             inst: tuple[SLP, list[tuple[int, fmpq, fmpq]]]) -> Evidence:
    """θ = θ∗ plus up to three random edge perturbations (changes then propagate)."""
    return _check_incremental(act, inst, None)


@claim_for(
    "Lemma 3.2",
    "Negative control: an incremental verifier that stops propagating after one edge "
    "disagrees with the full forward pass",
    covers=NONLINEAR_POLYNOMIAL, instances=_perturbed, status="definition",
    expect="counterexample", control_of="slp_network.incremental_matches_full", examples=5,
    show=_show_slp,
)
def incremental_one_level_refuted(act: Activation,
                                  inst: tuple[SLP, list[tuple[int, fmpq, fmpq]]]) -> Evidence:
    return _check_incremental(act, inst, 1)


# --------------------------------------------------------------------------- Claim B.1


def symmetries_by_sympy(sigma: SigmaLike) -> set[tuple[Fraction, Fraction]]:
    """The rational solutions (w, b) of the coefficient equations of σ(w z + b) − σ(z) = 0,
    by sympy's polynomial solver (an independent oracle for :func:`sigma_symmetries`)."""
    p = sigma_polynomial(sigma)
    cs = [sympy.Rational(fmt(c)) for c in coefficients(p)]
    w, b, z = sympy.symbols("w b z")

    def s(t: Any) -> Any:
        return sum(c * t**k for k, c in enumerate(cs))

    eqs = sympy.Poly(sympy.expand(s(w * z + b) - s(z)), z).coeffs()
    out: set[tuple[Fraction, Fraction]] = set()
    for sol in sympy.solve(eqs, [w, b], dict=True):
        sw, sb = sol.get(w, w), sol.get(b, b)
        if sw.is_rational and sb.is_rational:
            out.add((Fraction(int(sw.p), int(sw.q)), Fraction(int(sb.p), int(sb.q))))
    return out


def _check_symmetries(sigma: SigmaLike, found: Sequence[tuple[fmpq, fmpq]],
                      probes: Sequence[tuple[fmpq, fmpq]] = ()) -> Evidence:
    ours = {(as_fraction(w), as_fraction(b)) for w, b in found}
    check_eq(ours, symmetries_by_sympy(sigma), "σ-symmetries vs sympy.solve",
             sigma=str(sigma_polynomial(sigma)))
    for w, b in found:
        check(is_sigma_symmetry(sigma, w, b), "σ(w z + b) ≡ σ(z)", w=w, b=b)
    for w, b in probes:
        if (as_fraction(w), as_fraction(b)) not in ours:
            check(not is_sigma_symmetry(sigma, w, b), "a pair outside the set is no symmetry",
                  w=w, b=b)
    return Evidence.of(symmetries=len(found))


@claim_for(
    "Claim B.1",
    "The σ-symmetries {(w, b) ∈ ℚ² : σ(w z + b) ≡ σ(z)} are (1, 0) and, for even μ with "
    "σ(b − z) ≡ σ(z), (−1, b) with b = −2r_{μ−1}/(μ r_μ); equal to sympy's solution set",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.lists(st.tuples(rationals(4), rationals(4)), max_size=4),
    examples=3,
)
def sigma_symmetries_exact(act: Activation, probes: list[tuple[fmpq, fmpq]]) -> Evidence:
    """E.g. x² has (−1, 0), x² + x has (−1, −1), x³ has none besides the identity."""
    return _check_symmetries(act, sigma_symmetries(act), probes)


@st.composite
def _symmetric_polynomials(draw: st.DrawFn, off_centre: bool = False) -> Polynomial:
    """σ(z) = h((z − c)²) with h of degree 1 or 2: symmetric about c (c ≠ 0 with
    ``off_centre``)."""
    c = draw(rationals(4, den_bits=2, nonzero=off_centre))
    h = draw(st.lists(rationals(4, den_bits=2), min_size=1, max_size=2))
    lead = draw(rationals(4, den_bits=2, nonzero=True))
    u = fmpq_poly([c * c, -2 * c, 1])
    hh = fmpq_poly([*h, lead])
    return Polynomial(hh(u))


def _any_sigma() -> st.SearchStrategy[Polynomial]:
    return st.one_of(polynomials(2, 4, 5), _symmetric_polynomials())


@claim(
    "Claim B.1",
    "For random σ of degree 2..4 (half of them symmetric about a random point), the computed "
    "σ-symmetries equal sympy's rational solutions of σ(w z + b) ≡ σ(z)",
    instances=st.tuples(_any_sigma(), st.lists(st.tuples(rationals(4), rationals(4)),
                                                max_size=3)),
    examples=12, show=lambda i: f"sigma = {i[0].name}", tags=("identity",),
)
def sigma_symmetries_random(inst: tuple[Polynomial, list[tuple[fmpq, fmpq]]]) -> Evidence:
    sigma, probes = inst
    return _check_symmetries(sigma, sigma_symmetries(sigma), probes)


def _symmetries_sign_error(sigma: SigmaLike) -> list[tuple[fmpq, fmpq]]:
    """A planted bug: b = +2r_{μ−1}/(μ r_μ)."""
    p = sigma_polynomial(sigma)
    mu = int(p.degree())
    out = [(fmpq(1), fmpq(0))]
    if mu % 2 == 0:
        b = 2 * p[mu - 1] / (mu * p[mu])
        if is_sigma_symmetry(p, fmpq(-1), b):
            out.append((fmpq(-1), b))
    return out


@claim(
    "Claim B.1",
    "Negative control: the reflection offset with the wrong sign misses symmetries",
    instances=st.tuples(_symmetric_polynomials(off_centre=True), st.just([])),
    expect="counterexample", control_of="slp_network.sigma_symmetries_random", examples=10,
    show=lambda i: f"sigma = {i[0].name}",
)
def symmetry_sign_error_refuted(inst: tuple[Polynomial, list[tuple[fmpq, fmpq]]]) -> Evidence:
    sigma, probes = inst
    return _check_symmetries(sigma, _symmetries_sign_error(sigma), probes)


def _edge_pairs(act: Activation) -> st.SearchStrategy[tuple[fmpq, fmpq]]:
    syms = sigma_symmetries(act)
    near = st.tuples(st.sampled_from(syms), rationals(3, nonzero=True), st.booleans()).map(
        lambda t: (t[0][0] + t[1], t[0][1]) if t[2] else (t[0][0], t[0][1] + t[1]))
    return st.one_of(st.sampled_from(syms), near, st.tuples(rationals(4), rationals(4)))


def _check_sigma_edge(act: Activation, inst: tuple[SLP, int, tuple[fmpq, fmpq]],
                      taus: Sequence[int] | None) -> Evidence:
    slp, pick, (w, b) = inst
    c = compile_slp(slp, act)
    ins = build_instance(c, 0)
    es = c.sigma_edges()
    e = es[pick % len(es)]
    theta = c.theta_star.replace(e, weight=w, bias=b)
    temps = [ins.sigma_template(e, t) for t in (range(c.mu + 1) if taus is None else taus)]
    passes = ins.verify(theta, templates=temps, main=False).forcing_ok
    sym = is_sigma_symmetry(act, w, b)
    check_eq(passes, sym, "(w, b) passes the σ-templates of its edge iff σ(w z + b) ≡ σ(z)",
             edge="->".join(c.network.edges[e]), w=w, b=b)
    ev = Evidence.of(symmetric=int(sym))
    if sym and (w, b) != (fmpq(1), fmpq(0)):
        # the identity-edge templates have x_U ≠ 0 and may still see the reflection
        ev.figures["reflection_passes_all_forcing"] = int(
            ins.verify(theta, main=False, stop_at_first=True).forcing_ok)
    return ev


def _sigma_edge_inst(act: Activation) -> st.SearchStrategy[tuple[SLP, int, tuple[fmpq, fmpq]]]:
    return st.tuples(_with_product(_small_slps(3)), st.integers(0, 1000), _edge_pairs(act))


@claim_for(
    "Claim B.1",
    "Claim B.1(2), both directions: (w, b) on a σ-edge passes its μ+1 templates (τ = 0..μ) "
    "iff σ(w z + b) ≡ σ(z); the σ-symmetries (e.g. (−1, 0) for x²) pass",
    covers=NONLINEAR_POLYNOMIAL, instances=_sigma_edge_inst, examples=30, show=_show_slp,
)
def sigma_edge_forcing(act: Activation, inst: tuple[SLP, int, tuple[fmpq, fmpq]]) -> Evidence:
    """(w, b) is drawn among the symmetries, near them, and at random."""
    return _check_sigma_edge(act, inst, None)


@claim_for(
    "Claim B.1",
    "Negative control: the single template τ = 0 does not pin a σ-edge (σ(w·0 + 0) = σ(0) "
    "for every w)",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(_with_product(_small_slps(3)), st.integers(0, 1000),
                                    st.tuples(rationals(4), st.just(fmpq(0)))),
    expect="counterexample", control_of="slp_network.sigma_edge_forcing", examples=20,
    show=_show_slp,
)
def single_tau_template_refuted(act: Activation,
                                inst: tuple[SLP, int, tuple[fmpq, fmpq]]) -> Evidence:
    return _check_sigma_edge(act, inst, [0])


def _id_edge_inst(act: Activation) -> st.SearchStrategy[tuple[SLP, int, fmpq, bool]]:
    return st.tuples(_small_slps(5), st.integers(0, 10_000), rationals(4, nonzero=True),
                     st.booleans())


@claim_for(
    "Claim B.1",
    "Claim B.1(1): changing the weight of an identity-headed edge e fails the baseline or the "
    "template of e; changing a bias into an id vertex fails the baseline",
    covers=NONLINEAR_POLYNOMIAL, instances=_id_edge_inst, examples=20, show=_show_slp,
)
def identity_edge_forcing(act: Activation, inst: tuple[SLP, int, fmpq, bool]) -> Evidence:
    """The proof's pair of node-rule equations at q, evaluated exactly."""
    slp, pick, delta, weight = inst
    c = compile_slp(slp, act)
    ins = build_instance(c, 0)
    es = c.identity_edges()
    e = es[pick % len(es)]
    t0 = c.theta_star
    if weight:
        theta = t0.replace(e, weight=t0.weights[e] + delta)
        temps = [Template("baseline", None, None, (), (), ()), ins.identity_template(e)]
    else:
        theta = t0.replace(e, bias=t0.biases[e] + delta)
        temps = [Template("baseline", None, None, (), (), ())]
    ver = ins.verify(theta, templates=temps, main=False)
    check(not ver.forcing_ok, "the perturbation is detected by the proof's templates",
          edge="->".join(c.network.edges[e]), weight=weight, delta=delta)
    full = ins.verify(theta, main=False, stop_at_first=True)
    check(not full.forcing_ok, "some forcing sample fails (auxiliary loss >= b + 1)")
    return Evidence.of(edges=len(c.network.edges))


@claim_for(
    "Claim B.1",
    "Negative control: moving bias between two in-edges of one vertex (same sum) is never "
    "detected: only bias sums are forced",
    covers=NONLINEAR_POLYNOMIAL, instances=_id_edge_inst, expect="counterexample",
    control_of="slp_network.identity_edge_forcing", examples=10, show=_show_slp,
)
def bias_shift_refuted(act: Activation, inst: tuple[SLP, int, fmpq, bool]) -> Evidence:
    slp, pick, delta, _ = inst
    c = compile_slp(slp, act)
    a = c.network.arch
    multi = [v for v in range(len(a.nodes)) if len(a.in_edges[v]) >= 2]
    if not multi:
        return Evidence()
    v = multi[pick % len(multi)]
    e1, e2 = a.in_edges[v][0], a.in_edges[v][1]
    t0 = c.theta_star
    theta = t0.replace(e1, bias=t0.biases[e1] + delta).replace(e2, bias=t0.biases[e2] - delta)
    full = build_instance(c, 0).verify(theta, main=False, stop_at_first=True)
    check(not full.forcing_ok, "some forcing sample fails", node=a.nodes[v], delta=delta)
    return Evidence()


Move = tuple[str, int, fmpq]


def _moves() -> st.SearchStrategy[list[Move]]:
    kinds = st.sampled_from(["weight", "bias", "shift", "symmetry"])
    return st.lists(st.tuples(kinds, st.integers(0, 10_000), rationals(3, nonzero=True)),
                    min_size=1, max_size=3)


def _apply(c: CompiledSLP, moves: Sequence[Move]) -> Theta:
    a = c.network.arch
    theta = c.theta_star
    syms = sigma_symmetries(c.sigma)
    for kind, pick, delta in moves:
        e = pick % len(a.edges)
        if kind == "weight":
            theta = theta.replace(e, weight=theta.weights[e] + delta)
        elif kind == "bias":
            theta = theta.replace(e, bias=theta.biases[e] + delta)
        elif kind == "shift":
            ins = a.in_edges[a.dst[e]]
            if len(ins) >= 2:
                e2 = ins[(ins.index(e) + 1) % len(ins)]
                theta = theta.replace(e, bias=theta.biases[e] + delta)
                theta = theta.replace(e2, bias=theta.biases[e2] - delta)
        else:
            es = c.sigma_edges()
            if es:
                e = es[pick % len(es)]
                w, b = syms[pick % len(syms)]
                theta = theta.replace(e, weight=w, bias=b)
    return theta


@claim_for(
    "Claim B.1",
    "If θ has zero loss on 𝒟_a then w = w∗ on E_id, every bias sum at an id vertex equals θ∗'s, "
    "every σ-edge satisfies σ(w z + b) ≡ σ(z), and f^{v_i}_θ(x_main) = a_i",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(_with_product(_small_slps(4)), _moves()),
    examples=40, show=_show_slp,
)
def zero_loss_forces(act: Activation, inst: tuple[SLP, list[Move]]) -> Evidence:
    """θ = θ∗ moved by random weight/bias changes, bias shifts and σ-symmetries; the
    conclusions are checked whenever the auxiliary loss is zero (figure ``zero_loss``)."""
    slp, moves = inst
    c = compile_slp(slp, act)
    theta = _apply(c, moves)
    ver = build_instance(c, 0).verify(theta, main=False, stop_at_first=True)
    if not ver.forcing_ok:
        return Evidence.of(zero_loss=0)
    a = c.network.arch
    t0 = c.theta_star
    sums0 = [fmpq(0)] * len(a.nodes)
    sums = [fmpq(0)] * len(a.nodes)
    for e in range(len(a.edges)):
        v = a.dst[e]
        sums0[v] += t0.biases[e]
        sums[v] += theta.biases[e]
        if _is_sigma(a.acts[v]):
            check(is_sigma_symmetry(c.sigma, theta.weights[e], theta.biases[e]),
                  "σ-edge is a σ-symmetry", edge="->".join(a.edges[e]))
        else:
            check_eq(theta.weights[e], t0.weights[e], "w = w∗ on E_id",
                     edge="->".join(a.edges[e]))
    for v in range(len(a.nodes)):
        if a.in_edges[v] and not _is_sigma(a.acts[v]):
            check_eq(sums[v], sums0[v], "bias sum at an id vertex", node=a.nodes[v])
    _check_simulation(slp, c, theta)
    return Evidence.of(zero_loss=1)


# --------------------------------------------------------------------------- Claim B.1(2) erratum


@st.composite
def _reflection_family(draw: st.DrawFn) -> tuple[Polynomial, SLP, list[int], fmpq]:
    """σ = c(z⁴ − 4z²) + d (even, σ(±2) = σ(0)), a square-free SLP, σ-edges to reflect with
    (−1, 0), and a non-zero injection s."""
    c = draw(rationals(4, den_bits=2, nonzero=True))
    d = draw(rationals(4, den_bits=2))
    sigma = Polynomial(fmpq_poly([d, 0, -4 * c, 0, c]))
    slp = draw(_with_product(_small_slps(3), square_free=True))
    picks = draw(st.lists(st.integers(0, 10_000), min_size=1, max_size=3))
    s = draw(rationals(4, nonzero=True))
    return sigma, slp, picks, s


def _reflect(c: CompiledSLP, picks: Sequence[int]) -> tuple[Theta, list[int]]:
    es = c.sigma_edges()
    chosen = sorted({es[p % len(es)] for p in picks})
    theta = c.theta_star
    for e in chosen:
        theta = theta.replace(e, weight=fmpq(-1), bias=fmpq(0))
    return theta, chosen


def _show_family(inst: tuple[Polynomial, SLP, list[int], fmpq]) -> str:
    return f"# sigma = {inst[0].name}; picks {inst[2]}; s = {fmt(inst[3])}\n{inst[1].to_text()}"


@claim(
    "Claim B.1",
    "Claim B.1(2) corrected: for σ = c(z⁴ − 4z²) + d and square-free P, reflecting σ-edges "
    "with (−1, 0) keeps zero loss on 𝒟_a, and f^U = σ(f^L) holds for inputs with x_U = 0, "
    "so f^{v_i}(x_main) = a_i",
    instances=_reflection_family(), examples=20, show=_show_family, tags=("identity",),
)
def claim_b1_xu_zero(inst: tuple[Polynomial, SLP, list[int], fmpq]) -> Evidence:
    """Inputs: x_main, and x_main plus s at every L vertex of a reflected edge (x_U = 0)."""
    sigma, slp, picks, s = inst
    c = compile_slp(slp, sigma)
    theta, chosen = _reflect(c, picks)
    ver = build_instance(c, 0).verify(theta, main=False)
    check(ver.forcing_ok, "the reflected θ has zero auxiliary loss",
          failing=[(t.kind, t.edge, t.tau) for t in ver.failing[:5]])
    net = c.network_at(theta)
    x = dict(c.x_main())
    for e in chosen:
        x[net.edges[e][0]] = s
    tr = net.forward(x)
    for e in chosen:
        lv, uv = net.edges[e]
        check_eq(tr.value(uv), sigma(tr.value(lv)), "f^U = σ(f^L) when x_U = 0",
                 edge=f"{lv}->{uv}")
    _check_simulation(slp, c, theta)
    return Evidence.of(reflected=len(chosen))


@claim(
    "Claim B.1",
    "Claim B.1(2) as written ('hence f^U_θ(x) = σ(f^L_θ(x))' for every input x) fails: a θ "
    "with zero loss on 𝒟_a and a σ-reflection gives f^U = σ(x_U − f^L) ≠ σ(f^L) when x_U ≠ 0",
    instances=_reflection_family(), status="erratum", expect="counterexample",
    control_of="slp_network.claim_b1_xu_zero", examples=10, show=_show_family,
)
def claim_b1_every_input_erratum(inst: tuple[Polynomial, SLP, list[int], fmpq]) -> Evidence:
    """The premise (zero auxiliary loss) is verified exactly before the conclusion is tested
    at x_main + s·e_U."""
    sigma, slp, picks, s = inst
    c = compile_slp(slp, sigma)
    theta, chosen = _reflect(c, picks)
    if not build_instance(c, 0).verify(theta, main=False, stop_at_first=True).forcing_ok:
        return Evidence.of(premise=0)
    net = c.network_at(theta)
    for e in chosen:
        lv, uv = net.edges[e]
        x = dict(c.x_main())
        x[uv] = s
        tr = net.forward(x)
        check_eq(tr.value(uv), sigma(tr.value(lv)), "f^U_θ(x) = σ(f^L_θ(x)) at x with x_U ≠ 0",
                 edge=f"{lv}->{uv}", x_U=s)
    return Evidence.of(premise=1)


# --------------------------------------------------------------------------- random σ


def _check_random_sigma(sigma: Polynomial, slp: SLP, j: int, *, drop_u3: bool) -> Evidence:
    c = compile_slp(slp, sigma)
    theta = c.theta_star
    if drop_u3:
        for gad in c.gadgets.values():
            for u in gad.U[2]:
                theta = theta.replace(c.network.edge_of(u, gad.z), weight=fmpq(0))
    _check_simulation(slp, c, theta if drop_u3 else None)
    ver = build_instance(c, j).verify(budget_bits=BUDGET_BITS)
    check(ver.forcing_ok, "θ∗ has zero loss on every forcing sample", sigma=sigma.name)
    n_p = ref_slp_values(slp)[-1]
    check_eq(ver.total_loss, 1 - ref_bit(n_p, j), "L(θ∗) = b·𝟏[bit_j(n_P) ≠ 1] with b = 1")
    return Evidence.of(degree=sigma.degree, templates=ver.templates)


def _show_sigma_slp(inst: tuple[Polynomial, SLP, int]) -> str:
    return f"# sigma = {inst[0].name}; j = {inst[2]}\n{inst[1].to_text()}"


@claim(
    "Lemma 3.2",
    "For random σ of degree 2..4 (not only the registered ones): the compiled network "
    "simulates P at every gate and θ∗ has zero forcing loss and L(θ∗) = 𝟏[bit_j(n_P) ≠ 1]",
    instances=st.tuples(polynomials(2, 4, 4), _with_product(_small_slps(4)),
                        st.integers(-4, 20)),
    examples=15, show=_show_sigma_slp, tags=("identity",),
)
def random_sigma_instance(inst: tuple[Polynomial, SLP, int]) -> Evidence:
    sigma, slp, j = inst
    return _check_random_sigma(sigma, slp, j, drop_u3=False)


@claim(
    "Lemma 3.2",
    "Negative control: for random σ, dropping the −σ(y+r) terms breaks the simulation",
    instances=st.tuples(polynomials(2, 4, 4), _with_product(_small_slps(4)),
                        st.integers(-4, 20)),
    expect="counterexample", control_of="slp_network.random_sigma_instance", examples=10,
    show=_show_sigma_slp,
)
def random_sigma_dropped_u3_refuted(inst: tuple[Polynomial, SLP, int]) -> Evidence:
    sigma, slp, j = inst
    return _check_random_sigma(sigma, slp, j, drop_u3=True)
