"""Lemma 3.2, the ERM_bit instance I(P, j): the bit-extractor loss, the forcing templates and
their fast verification (§5.4–5.5).


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

**Why ~660 lines.**  The instance, its templates and their incremental verification are
one object (§5.4–5.5), and its claims (θ∗'s loss, the verifier against the full forward
pass) are what make the fast path trustworthy; they stay beside it.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from flint import fmpq
from hypothesis import strategies as st

from checkers.activations import Activation, Polynomial
from checkers.errors import DataError
from checkers.losses import Loss
from checkers.network import Network, Sample, Trace
from checkers.rationals import bit
from checkers.reference import ref_bit, ref_slp_values
from checkers.slp import SLP
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    Evidence,
    as_fraction,
    check,
    check_eq,
    claim,
    claim_for,
)
from spec.lemma32._common import BUDGET_BITS, _show_slp, _small_slps, _with_product
from spec.lemma32.network import (
    CompiledSLP,
    Theta,
    _check_simulation,
    _is_sigma,
    compile_slp,
    expected_counts,
)
from strategies import polynomials, rationals

CLAIM_NAMESPACE = "slp_network"
"""Claim ids stay ``slp_network.*`` (the module this code came from)."""

__all__ = [
    "ERMInstance",
    "IncrementalEvaluator",
    "Template",
    "TemplateKind",
    "Verification",
    "bit_extractor_loss",
    "build_instance",
]


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


# =========================================================================== claims


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
    refuted_on=("f_{θ∗}(x(y, ỹ)) = y at every vertex",),
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
    refuted_on=("θ∗ has zero loss on every forcing sample",),
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
    refuted_on=("incremental values = full forward pass",),
)
def incremental_one_level_refuted(act: Activation,
                                  inst: tuple[SLP, list[tuple[int, fmpq, fmpq]]]) -> Evidence:
    return _check_incremental(act, inst, 1)


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
    refuted_on=("f^{v2}(a0·e_v0) = a2",),
)
def random_sigma_dropped_u3_refuted(inst: tuple[Polynomial, SLP, int]) -> Evidence:
    sigma, slp, j = inst
    return _check_random_sigma(sigma, slp, j, drop_u3=True)
