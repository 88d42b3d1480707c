"""Theorem E.1 made rigorous: an explicit bound on every size met by exact backpropagation
on a piecewise-linear network, and the dichotomy with polynomial activations.

The paper's sketch charges "+1 bit per addition", a rule that fails for rationals (§14;
``piecewise.addition_rule_paper`` refutes it).  The correct argument works over common
denominators (``docs/piecewise-bounds.md`` has the proof):

* ``P`` — a common denominator of all weights and biases;
* ``D`` — a common denominator of all inputs, labels and intercepts;
* ``Σ`` — a common denominator of all slopes.

With the *layer depth* ``d(v)`` (0 at input nodes, ``1 + max`` over in-neighbours
otherwise) and the *height* ``r(v)`` (longest path to a sink), every quantity is an integer
over an explicit denominator and bounded in magnitude by an explicit recurrence:

==================  ===========================  =========================
quantity            denominator divides          magnitude at most
==================  ===========================  =========================
input ``x``         ``D``                        ``X``
``z_v`` (d ≥ 1)     ``P^d D Σ^(d-1)``            ``Z_d = X + A M_(d-1) + B``
``f^v``             ``P^d D Σ^d``                ``M_d = max(M_(d-1), S Z_d + C)``
``g_v``             ``P^(L+r) D Σ^(L+r)``        ``Γ_r = G_0 + A' S Γ_(r-1)``
``δ_v``             ``P^(L+r) D Σ^(L+r+1)``      ``S Γ_r``
``∂L/∂w``           ``P^(2L-1) D² Σ^(2L)``       ``n S max_j Γ_(L-1-j) M_j``
``∂L/∂b``           ``P^(2L-1) D Σ^(2L)``        ``n S Γ_(L-1)``
==================  ===========================  =========================

(``A``/``A'`` the largest in/out weight mass ``Σ|w|`` of a node, ``B`` the largest
``|Σ_u b_uv|``, ``S``/``C`` the largest ``|slope|``/``|intercept|``, ``X``/``Y`` the largest
``|input|``/``|label|``, ``G_0 = M_L + Y`` for the square loss and ``Y`` for the hinge.)
A rational with denominator dividing ``Q`` and magnitude at most ``m`` has size at most
``bitlen(⌊mQ⌋) + bitlen(Q)``.  Breakpoints never enter a value: they only choose the piece
(they enter the intercepts' denominators through continuity).  The derivative at a
breakpoint is the left slope (:mod:`checkers.activations`); any convention that returns one
of the slopes gives the same bound.

**Why one module of ~770 lines.**  It is one result, Theorem E.1: the profile, the bound,
the measurement and the instances are the four parts of one comparison (measured sizes
against the bound on the instances), and :mod:`spec.theorem_e2`, :mod:`spec.bit_bounded`
and ``whyrelu bits`` import them together; split apart, each part would be read only
with the others.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flint import fmpq, fmpz
from hypothesis import strategies as st
from hypothesis import target
from hypothesis.control import currently_in_test_context

from checkers.activations import (
    Activation,
    BitBounded,
    Identity,
    PiecewiseLinear,
    Polynomial,
)
from checkers.errors import ActivationError, BitBudgetExceeded
from checkers.formats import dataset_to_json, network_to_json
from checkers.layered import Layer, LayeredGradient, LayeredNetwork, Mat
from checkers.losses import HINGE, LOSSES, SQUARE, Loss
from checkers.measure import KindSizes, max_size, measure_gradient
from checkers.network import Edge, Network, Sample
from checkers.rationals import fmt, size
from checkers.reference import RefNetwork, ref_samples, ref_size
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    PIECEWISE_LINEAR,
    Evidence,
    check,
    check_eq,
    check_le,
    claim,
    claim_for,
    regime,
)
from strategies import (
    dag_networks,
    fan_in_networks,
    rationals,
    samples_for,
    uniform_injections,
)

REF = "Theorem E.1"

# --------------------------------------------------------------------------- activation data


@dataclass(frozen=True)
class AffineData:
    """Slopes and intercepts of an activation's pieces.

    For a piecewise-linear activation (identity and affine polynomials included) these are
    its pieces.  A polynomial ``Σ r_k T^k`` of degree >= 2 is *not* piecewise linear; its
    "affine data" (slopes ``r_1..r_μ``, intercept ``r_0``) only serves to evaluate the
    piecewise-linear bound on a network of the same shape and sizes, so that its refutation
    is visible (``piecewise_linear`` is then False).
    """

    slopes: tuple[fmpq, ...]
    intercepts: tuple[fmpq, ...]
    piecewise_linear: bool


def affine_data(act: Activation) -> AffineData:
    """The slopes and intercepts the bound uses for ``act`` (see :class:`AffineData`)."""
    if isinstance(act, Identity):
        return AffineData((fmpq(1),), (fmpq(0),), True)
    if isinstance(act, PiecewiseLinear):
        return AffineData(tuple(s for s, _ in act.pieces), tuple(c for _, c in act.pieces), True)
    if isinstance(act, Polynomial):
        cs = act.coeffs
        slopes = tuple(cs[1:]) if len(cs) > 1 else (fmpq(0),)
        return AffineData(slopes, (cs[0],), act.degree <= 1)
    if isinstance(act, BitBounded):
        raise ActivationError(
            f"{act.name} is bit-bounded: use spec.bit_bounded.phi_bound (Remark 1.5)")
    raise ActivationError(f"no piecewise-linear data for activation {act.name}")


# --------------------------------------------------------------------------- the profile


def lcm_of(values: Iterable[fmpz]) -> fmpz:
    """The least common multiple (1 for none)."""
    out = fmpz(1)
    for v in values:
        if out % v != 0:
            out = out.lcm(v)
    return out


def max_abs(values: Iterable[fmpq]) -> fmpq:
    """The largest absolute value (0 for none)."""
    best = fmpq(0)
    for v in values:
        a = abs(v)
        if a > best:
            best = a
    return best


@dataclass(frozen=True)
class Profile:
    """Everything the bound of Theorem E.1 depends on (module doc for the notation).

    ``depth`` is the layer depth L, ``in_degree``/``out_degree`` the largest in/out degree
    k, k' and ``num_bits`` the largest ``bitlen|num(q)|`` over inputs, labels, weights,
    biases, slopes and intercepts (the closed form :func:`closed_form_bound` uses them).
    """

    depth: int
    samples: int
    param_den: fmpz
    data_den: fmpz
    slope_den: fmpz
    x_max: fmpq
    y_max: fmpq
    in_mass: fmpq
    out_mass: fmpq
    bias_mass: fmpq
    slope_max: fmpq
    intercept_max: fmpq
    loss: str
    in_degree: int
    out_degree: int
    num_bits: int
    piecewise_linear: bool

    def describe(self) -> dict[str, object]:
        return {
            "L": self.depth, "n": self.samples, "P": str(self.param_den),
            "D": str(self.data_den), "Sigma": str(self.slope_den), "X": fmt(self.x_max),
            "Y": fmt(self.y_max), "A": fmt(self.in_mass), "A_out": fmt(self.out_mass),
            "B": fmt(self.bias_mass), "S": fmt(self.slope_max), "C": fmt(self.intercept_max),
            "loss": self.loss, "k": self.in_degree, "k_out": self.out_degree,
            "a": self.num_bits,
        }


def _loss_kind(loss: Loss) -> str:
    if loss.name not in ("square", "hinge"):
        raise ActivationError(f"the bound covers the square and hinge losses, not {loss.name!r}")
    return loss.name


def layer_depths(net: Network) -> list[int]:
    """d(v): 0 at input nodes, 1 + max over in-neighbours (0 if none) elsewhere."""
    a = net.arch
    d = [0] * len(a.nodes)
    for v in a.order:
        if a.acts[v] is None:
            continue
        d[v] = 1 + max((d[a.src[e]] for e in a.in_edges[v]), default=0)
    return d


def heights(net: Network) -> list[int]:
    """r(v): the number of edges on a longest path from v to a sink."""
    a = net.arch
    r = [0] * len(a.nodes)
    for v in reversed(a.order):
        r[v] = max((r[a.dst[e]] + 1 for e in a.out_edges[v]), default=0)
    return r


def _profile(
    *, depth: int, samples: int, params: Sequence[fmpq], data: Sequence[fmpq],
    labels: Sequence[fmpq], acts: Iterable[Activation], in_mass: fmpq, out_mass: fmpq,
    bias_mass: fmpq, loss: Loss, in_degree: int, out_degree: int,
) -> Profile:
    slopes: list[fmpq] = []
    intercepts: list[fmpq] = []
    pwl = True
    for act in acts:
        ad = affine_data(act)
        slopes += ad.slopes
        intercepts += ad.intercepts
        pwl = pwl and ad.piecewise_linear
    every = [*params, *data, *labels, *slopes, *intercepts]
    return Profile(
        depth=depth, samples=samples,
        param_den=lcm_of(q.q for q in params),
        data_den=lcm_of(q.q for q in [*data, *labels, *intercepts]),
        slope_den=lcm_of(q.q for q in slopes),
        x_max=max_abs(data), y_max=max_abs(labels), in_mass=in_mass, out_mass=out_mass,
        bias_mass=bias_mass, slope_max=max_abs(slopes), intercept_max=max_abs(intercepts),
        loss=_loss_kind(loss), in_degree=in_degree, out_degree=out_degree,
        num_bits=max((int(q.p.bit_length()) for q in every), default=0),
        piecewise_linear=pwl,
    )


def profile_of_network(net: Network, data: Sequence[Sample], loss: Loss) -> Profile:
    """The :class:`Profile` of a DAG network with a dataset (per-edge biases, inputs
    injected anywhere)."""
    a = net.arch
    n_nodes = len(a.nodes)
    in_mass = [fmpq(0)] * n_nodes
    out_mass = [fmpq(0)] * n_nodes
    bias_sum = [fmpq(0)] * n_nodes
    for e, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        in_mass[a.dst[e]] += abs(w)
        out_mass[a.src[e]] += abs(w)
        bias_sum[a.dst[e]] += b
    acts = {act for act in a.acts if act is not None}
    xs = [v for s in data for v in s.x.values()]
    ys = [v for s in data for v in s.y]
    return _profile(
        depth=max(layer_depths(net), default=0), samples=len(data),
        params=[*net.weights, *net.biases], data=xs, labels=ys, acts=acts,
        in_mass=max(in_mass, default=fmpq(0)), out_mass=max(out_mass, default=fmpq(0)),
        bias_mass=max_abs(bias_sum), loss=loss,
        in_degree=max((len(x) for x in a.in_edges), default=0),
        out_degree=max((len(x) for x in a.out_edges), default=0),
    )


def profile_of_layered(net: LayeredNetwork, xs: Sequence[Sequence[fmpq]],
                       ys: Sequence[Sequence[fmpq]], loss: Loss) -> Profile:
    """The :class:`Profile` of a layered network with a batch (equal to the profile of its
    DAG form :meth:`~checkers.layered.LayeredNetwork.to_network`)."""
    params: list[fmpq] = []
    in_mass = out_mass = bias_mass = fmpq(0)
    for layer in net.layers:
        rows, cols = layer.shape
        for row in layer.weights:
            params += row
            in_mass = max(in_mass, sum((abs(w) for w in row), fmpq(0)))
        for j in range(cols):
            out_mass = max(out_mass, sum((abs(layer.weights[i][j]) for i in range(rows)),
                                         fmpq(0)))
        params += layer.biases
        bias_mass = max(bias_mass, max_abs(layer.biases))
    widths = [net.input_dim] + [layer.shape[0] for layer in net.layers]
    return _profile(
        depth=net.depth, samples=len(xs), params=params,
        data=[v for x in xs for v in x], labels=[v for y in ys for v in y],
        acts={layer.activation for layer in net.layers}, in_mass=in_mass,
        out_mass=out_mass, bias_mass=bias_mass, loss=loss,
        in_degree=max(widths[:-1]), out_degree=max(widths[1:]),
    )


# --------------------------------------------------------------------------- the bound


def bits_for(magnitude: fmpq, den: fmpz) -> int:
    """``bitlen(⌊mQ⌋) + bitlen(Q)``: an upper bound on ``size(q)`` for every rational q
    with ``|q| <= m`` whose denominator divides ``Q``.

    >>> bits_for(fmpq(3, 2), fmpz(4)), size(fmpq(5, 4))
    (6, 5)
    """
    return int((magnitude * den).floor().bit_length()) + int(den.bit_length())


@dataclass(frozen=True)
class SizeBound(KindSizes):
    """Upper bounds (bits) per kind of quantity, and the magnitude recurrences."""

    M: tuple[fmpq, ...]
    Z: tuple[fmpq, ...]
    Gamma: tuple[fmpq, ...]
    grad_w_max: fmpq
    grad_b_max: fmpq


def size_bound(p: Profile) -> SizeBound:
    """The bound of Theorem E.1 (module doc; proof in ``docs/piecewise-bounds.md``)."""
    L, P, D, Sg = p.depth, p.param_den, p.data_den, p.slope_den
    S, C, X, A, B = p.slope_max, p.intercept_max, p.x_max, p.in_mass, p.bias_mass
    M = [X]
    Z = [X]
    for _ in range(1, L + 1):
        z = X + A * M[-1] + B
        Z.append(z)
        M.append(max(M[-1], S * z + C))
    g0 = M[L] + p.y_max if p.loss == "square" else p.y_max
    Gamma = [g0]
    for _ in range(1, L + 1):
        Gamma.append(g0 + p.out_mass * S * Gamma[-1])
    pre = max([bits_for(X, D)] + [bits_for(Z[d], P**d * D * Sg ** (d - 1))
                                  for d in range(1, L + 1)])
    value = max(bits_for(M[d], P**d * D * Sg**d) for d in range(L + 1))
    g = max(bits_for(Gamma[r], P ** (L + r) * D * Sg ** (L + r)) for r in range(L + 1))
    delta = max((bits_for(S * Gamma[r], P ** (L + r) * D * Sg ** (L + r + 1))
                 for r in range(L)), default=0)
    n = p.samples
    gw_max = max((n * S * Gamma[L - 1 - j] * M[j] for j in range(L)), default=fmpq(0))
    gb_max = n * S * Gamma[L - 1] if L >= 1 else fmpq(0)
    if L >= 1:
        grad_w = bits_for(gw_max, P ** (2 * L - 1) * D * D * Sg ** (2 * L))
        grad_b = bits_for(gb_max, P ** (2 * L - 1) * D * Sg ** (2 * L))
    else:
        grad_w = grad_b = 0
    return SizeBound(pre, value, g, delta, grad_w, grad_b, tuple(M), tuple(Z), tuple(Gamma),
                     gw_max, gb_max)


def closed_form_bound(p: Profile) -> int:
    """The corollary in sizes only: every quantity has size at most

    ``U = 2 + bitlen(n) + 3a + 2L(2 + bitlen(K) + 2a) + 2(2L+1)λ + 4Lς``

    with ``a`` the largest numerator bit-length, ``K = max(k, k', 1)``, ``λ = bitlen(lcm(P,
    D))`` and ``ς = bitlen(Σ)``.  Since ``λ + ς`` is at most the total bit-length of all
    denominators, U is O(L·N) for an instance of N bits: polynomial (Theorem E.1).
    """
    L, a = p.depth, p.num_bits
    K = max(p.in_degree, p.out_degree, 1)
    lam = int(p.param_den.lcm(p.data_den).bit_length())
    sig = int(p.slope_den.bit_length())
    return (2 + int(fmpz(p.samples).bit_length()) + 3 * a
            + 2 * L * (2 + int(fmpz(K).bit_length()) + 2 * a)
            + 2 * (2 * L + 1) * lam + 4 * L * sig)


# --------------------------------------------------------------------------- measurement


Measured = KindSizes
"""Largest sizes met, per kind of quantity."""


def measure_network(net: Network, data: Sequence[Sample], loss: Loss, *,
                    budget_bits: int | None = None) -> Measured:
    """Exact backprop on a DAG (:meth:`~checkers.network.Network.gradient`) and its sizes.

    With ``budget_bits`` backprop stops with :class:`~checkers.errors.BitBudgetExceeded` at
    the first value (forward or backward) beyond it.
    """
    grad = net.gradient(data, loss, budget_bits=budget_bits)
    r = measure_gradient(grad)
    return Measured(r.pre_bits, r.value_bits, r.g_bits, r.delta_bits,
                    max_size(grad.grad_w), max_size(grad.grad_b))


def _layer_mat(layer: Layer) -> Mat:
    rows, cols = layer.shape
    return Mat.from_rationals(rows, cols, [v for row in layer.weights for v in row])


def measure_layered(net: LayeredNetwork, xs: Sequence[Sequence[fmpq]],
                    ys: Sequence[Sequence[fmpq]], loss: Loss) -> tuple[Measured,
                                                                       LayeredGradient]:
    """Exact matrix backprop on a layered network (the FLINT fast path) and its sizes;
    ``g`` of every layer is recomputed as ``Wᵀ δ`` (the fast path does not keep it)."""
    grad = net.gradient(xs, ys, loss)
    tr = grad.trace
    pre = max(max_size(z.entries()) for z in tr.Z)
    pre = max(pre, max_size(tr.H[0].entries()))  # input nodes: pre = value = x
    value = max(max_size(h.entries()) for h in tr.H)
    assert loss.grad is not None
    gs = [v for out, y in zip(tr.outputs(), ys, strict=True)
          for v in loss.grad(out, [fmpq(q) for q in y])]
    g = max_size(gs)
    for layer, d in zip(net.layers, grad.deltas, strict=True):
        g = max(g, max_size((_layer_mat(layer).transpose() @ d).entries()))
    delta = max(max_size(d.entries()) for d in grad.deltas)
    gw = max(max_size(v for row in rows for v in row) for rows in grad.grad_w)
    gb = max(max_size(bs) for bs in grad.grad_b)
    return Measured(pre, value, g, delta, gw, gb), grad


# --------------------------------------------------------------------------- instances


def _rand_q(rng: random.Random, bits: int) -> fmpq:
    num = rng.randrange(-(2**bits) + 1, 2**bits)
    den = rng.randrange(1, 2 ** max(1, bits // 2))
    return fmpq(num, den)


@dataclass(frozen=True)
class LayeredSpec:
    """A seeded random layered instance: ``hidden`` layers of width ``width`` with the
    activation, then a linear output layer of width 1; weights, biases, inputs and labels
    are ``p/q`` with ``|p| < 2^bits`` and ``1 <= q < 2^max(1, bits // 2)`` (the numbers of
    ``whyrelu bits``)."""

    hidden: int
    width: int
    bits: int
    samples: int
    seed: int
    loss: str = "square"

    def build(self, act: Activation) -> tuple[LayeredNetwork, list[list[fmpq]],
                                              list[list[fmpq]]]:
        return random_layered(act, hidden=self.hidden, width=self.width, bits=self.bits,
                              samples=self.samples, seed=self.seed)

    def as_dag(self, act: Activation) -> DagInstance:
        """The same instance in DAG form (:meth:`LayeredNetwork.to_network`)."""
        net, xs, ys = self.build(act)
        data = tuple(Sample({f"x{i}": v for i, v in enumerate(x)}, tuple(y))
                     for x, y in zip(xs, ys, strict=True))
        return DagInstance(net.to_network(), data, LOSSES[self.loss])

    def command(self, activation: str = "ACTIVATION") -> str:
        """The ``whyrelu bits`` command line that rebuilds this instance."""
        return (f"whyrelu bits --activation '{activation}' --depth {self.hidden} --width "
                f"{self.width} --weight-bits {self.bits} --samples {self.samples} --seed "
                f"{self.seed} --loss {self.loss} --json")


def random_layered(act: Activation, *, hidden: int, width: int, bits: int, samples: int,
                   seed: int) -> tuple[LayeredNetwork, list[list[fmpq]], list[list[fmpq]]]:
    """The random layered instance of :class:`LayeredSpec` (deterministic in ``seed``)."""
    from checkers.activations import IDENTITY

    rng = random.Random(seed)
    layers: list[Layer] = []
    for li in range(hidden + 1):
        out = 1 if li == hidden else width
        w = tuple(tuple(_rand_q(rng, bits) for _ in range(width)) for _ in range(out))
        b = tuple(_rand_q(rng, bits) for _ in range(out))
        layers.append(Layer(w, b, IDENTITY if li == hidden else act))
    xs = [[_rand_q(rng, bits) for _ in range(width)] for _ in range(samples)]
    ys = [[_rand_q(rng, bits)] for _ in range(samples)]
    return LayeredNetwork(layers), xs, ys


def chain_network(act: Activation, weights: Sequence[fmpq], biases: Sequence[fmpq]) -> Network:
    """``x → v1 → ... → vd``, every ``v_i`` with activation ``act`` (output ``vd``)."""
    acts: dict[str, Activation | None] = {"x": None}
    edges: list[Edge] = []
    prev = "x"
    for i, (w, b) in enumerate(zip(weights, biases, strict=True), start=1):
        acts[f"v{i}"] = act
        edges.append(Edge(prev, f"v{i}", w, b))
        prev = f"v{i}"
    return Network(acts, edges, outputs=[prev])


@dataclass(frozen=True)
class DagInstance:
    """A DAG network, a dataset and a loss."""

    net: Network
    data: tuple[Sample, ...]
    loss: Loss


def show_dag(inst: DagInstance) -> str:
    """The instance in the file formats (``whyrelu net grad NET.json --data DATA.json``)."""
    return (f"# loss: {inst.loss.name}\n# NET.json\n" + json.dumps(network_to_json(inst.net))
            + "\n# DATA.json\n" + json.dumps(dataset_to_json(list(inst.data), inst.net)))


def _losses() -> st.SearchStrategy[Loss]:
    return st.sampled_from([SQUARE, HINGE])


@st.composite
def chains(draw: st.DrawFn, act: Activation, max_depth: int = 40,
           bits: int = 4) -> Network:
    """Chains ``x → v1 → ... → vd`` with random rational weights and biases."""
    d = draw(st.integers(1, max_depth))
    ws = [draw(rationals(bits, den_bits=2, nonzero=True)) for _ in range(d)]
    bs = [draw(rationals(bits, den_bits=2)) for _ in range(d)]
    return chain_network(act, ws, bs)


def dag_instances(act: Activation) -> st.SearchStrategy[DagInstance]:
    """Small, deep, wide and chain DAGs with datasets (inputs at the input nodes or at
    every node) and a square or hinge loss."""
    nets = st.one_of(
        dag_networks(act, max_hidden=6, weight_bits=6),
        dag_networks(act, max_inputs=2, max_hidden=24, max_outputs=2, weight_bits=4),
        dag_networks(act, max_inputs=14, max_hidden=5, max_outputs=2, weight_bits=6),
        chains(act),
    )
    random = nets.flatmap(lambda net: st.builds(
        lambda data, loss: DagInstance(net, tuple(data), loss),
        st.booleans().flatmap(lambda every: samples_for(net, max_samples=3, bits=5,
                                                        inject_everywhere=every)),
        _losses()))
    return st.one_of(random, tight_instances(act))


def tight_instances(act: Activation) -> st.SearchStrategy[DagInstance]:
    """Extremal family: many in-edges with one positive integer weight and one positive
    integer bias each (same-sign biases: the bias mass B is reached) and the same positive
    integer injected at every node (injections at nodes with in-edges), label 0.  With
    integer numbers the bound's denominators are 1 and its magnitudes are met almost with
    equality, so a bound missing a term is refuted."""
    return fan_in_networks(act, max_fan_in=6, max_chain=4, bits=4, uniform=True).flatmap(
        lambda net: st.builds(lambda data, loss: DagInstance(net, tuple(data), loss),
                              uniform_injections(net), _losses()))


LAYERED_REGIMES = ("a layer over one shared denominator", "a layer as an fmpq_mat")

DAG_REGIMES = ("a node with >= 2 in-edges whose biases share one sign",
               "an injection at a node with in-edges")


def note_dag_regimes(net: Network, data: Sequence[Sample]) -> None:
    """Report the :data:`DAG_REGIMES` an instance reaches."""
    a = net.arch
    for ins in a.in_edges:
        bs = [net.biases[e] for e in ins]
        if len(bs) >= 2 and (all(b > 0 for b in bs) or all(b < 0 for b in bs)):
            regime(DAG_REGIMES[0])
            break
    if any(a.acts[a.index[v]] is not None and a.in_edges[a.index[v]]
           for s in data for v in s.x):
        regime(DAG_REGIMES[1])


def layered_specs(max_hidden: int = 24, max_width: int = 16,
                  min_hidden: int = 0) -> st.SearchStrategy[LayeredSpec]:
    """Seeded deep and wide layered instances (structure drawn, numbers from the seed)."""
    # bits 12..16: denominators up to 2^8, whose least common multiple outgrows the shared
    # representation, so the layers are kept as fmpq_mat (bits <= 8 never are)
    return st.builds(LayeredSpec, hidden=st.integers(min_hidden, max_hidden),
                     width=st.integers(1, max_width),
                     bits=st.one_of(st.integers(1, 8), st.integers(12, 16)),
                     samples=st.integers(1, 3), seed=st.integers(0, 2**32 - 1),
                     loss=st.sampled_from(["square", "hinge"]))


# --------------------------------------------------------------------------- the checks

def _compare(m: Measured, b: SizeBound, prof: Profile) -> Evidence:
    for kind in ("pre", "value", "g", "delta", "grad_w", "grad_b"):
        check_le(getattr(m, kind), getattr(b, kind),
                 f"size of {kind} exceeds the Theorem E.1 bound", **prof.describe())
    u = closed_form_bound(prof)
    check_le(b.total, u, "the exact bound exceeds its closed form U", **prof.describe())
    if currently_in_test_context():
        target(m.total / max(1, b.total), label="size / bound")
    ev = Evidence.of(depth=prof.depth, in_degree=prof.in_degree, samples=prof.samples,
                     max_size_bits=m.total, closed_form_bits=u)
    # ratios on degenerate instances (all zero, depth 1) are 1 and say nothing
    if prof.depth >= 2 and b.total >= NONTRIVIAL_BITS:
        ev.bound("size_bits", m.total, b.total)
    if prof.depth >= 2 and b.grad >= NONTRIVIAL_BITS:
        ev.bound("grad_bits", m.grad, b.grad)
    return ev


NONTRIVIAL_BITS = 16
"""Ratios measured/bound are reported for instances of depth >= 2 whose bound is at least
this many bits."""


def check_dag(inst: DagInstance) -> Evidence:
    """Measured sizes of a DAG instance against the bound (backprop budgeted by the largest
    bound, so a polynomial network is stopped as soon as it leaves it)."""
    note_dag_regimes(inst.net, inst.data)
    prof = profile_of_network(inst.net, inst.data, inst.loss)
    b = size_bound(prof)
    try:
        m = measure_network(inst.net, inst.data, inst.loss, budget_bits=b.total)
    except BitBudgetExceeded as e:
        check(False, f"a size exceeds the Theorem E.1 bound at {e.where}",
              size_bits=e.size_bits, bound_bits=e.budget_bits, **prof.describe())
        raise  # pragma: no cover (check raised)
    # the measurement itself, two-sided: the largest value size equals the reference's
    ref = RefNetwork(inst.net)
    largest = max(ref_size(v) for x, _ in ref_samples(inst.data) for v in ref.forward(x).values())
    check_eq(m.value, largest, "measured value size vs the Fraction reference's")
    return _compare(m, b, prof)


@claim_for(
    REF,
    "On a piecewise-linear DAG network every pre-activation, activation, g_v, δ_v and "
    "gradient entry has size at most the explicit bound (common denominators P, D, Σ)",
    covers=PIECEWISE_LINEAR, instances=dag_instances, examples=150, show=show_dag,
    regimes=DAG_REGIMES,
)
def dag_sizes_within_bound(act: Activation, inst: DagInstance) -> Evidence:
    """Small, deep (depth up to 24, chains up to 40), wide (in-degree up to 18) DAGs, per-edge
    biases, inputs injected at input nodes or everywhere, square and hinge losses;
    Hypothesis ``target`` pushes toward the largest ratio measured/bound."""
    return check_dag(inst)


@claim_for(
    REF,
    "On a piecewise-linear layered network (FLINT matrix path, depth up to 25, width up to "
    "16) every size is at most the same bound",
    covers=PIECEWISE_LINEAR, instances=lambda act: layered_specs(), examples=60,
    show=lambda s: s.command(), regimes=LAYERED_REGIMES,
)
def layered_sizes_within_bound(act: Activation, spec: LayeredSpec) -> Evidence:
    """Seeded random MLPs (``whyrelu bits`` builds the same ones); the bound is computed
    from the layered profile."""
    net, xs, ys = spec.build(act)
    for w in net._W:
        regime(LAYERED_REGIMES[0] if w.shared else LAYERED_REGIMES[1])
    loss = LOSSES[spec.loss]
    prof = profile_of_layered(net, xs, ys, loss)
    m, _ = measure_layered(net, xs, ys, loss)
    return _compare(m, size_bound(prof), prof)


# --------------------------------------------------------------------------- the dichotomy


def _p_adic_prime(act: Polynomial) -> int:
    """The least prime p dividing neither the numerator of the leading coefficient nor any
    coefficient's denominator."""
    bad = [act.coeffs[-1].p, *(c.q for c in act.coeffs)]
    p = 2
    while True:
        if fmpz(p).is_prime() and all(b % p != 0 for b in bad):
            return p
        p += 1


@dataclass(frozen=True)
class PadicChain:
    """The family of the lower bound: a chain of depth d, weights w_i with p ∤ w_i, integer
    biases, and input ``c / p^e`` with p ∤ c."""

    depth: int
    e: int
    c: int
    weights: tuple[int, ...]
    biases: tuple[int, ...]


def _padic_chains(act: Activation, max_bits: int = 6000) -> st.SearchStrategy[PadicChain]:
    assert isinstance(act, Polynomial)
    mu, p = act.degree, _p_adic_prime(act)
    d_max = 1
    while mu ** (d_max + 1) * 3 * p.bit_length() <= max_bits:
        d_max += 1
    coprime = st.integers(-9, 9).filter(lambda v: v % p != 0)
    return st.integers(1, d_max).flatmap(lambda d: st.builds(
        PadicChain, st.just(d), st.integers(1, 3), coprime,
        st.lists(coprime, min_size=d, max_size=d).map(tuple),
        st.lists(st.integers(-9, 9), min_size=d, max_size=d).map(tuple)))


@claim_for(
    REF,
    "Dichotomy, lower side: for σ of degree μ >= 2 and p the least prime dividing neither "
    "num(r_μ) nor any coefficient denominator, a σ-chain of depth d on input c/p^e has "
    "v_p(output) = -e·μ^d exactly, so its size is at least e·μ^d·⌊log₂p⌋ + 2 >= μ^d + 2",
    covers=NONLINEAR_POLYNOMIAL, instances=_padic_chains, examples=30,
)
def chain_lower_bound(act: Activation, inst: PadicChain) -> Evidence:
    """Induction: v_p(w f + b) = v_p(f) < 0 and the leading term of σ dominates p-adically."""
    assert isinstance(act, Polynomial)
    mu, p = act.degree, _p_adic_prime(act)
    net = chain_network(act, [fmpq(w) for w in inst.weights], [fmpq(b) for b in inst.biases])
    x = fmpq(inst.c, p**inst.e)
    out = net.forward({"x": x}).outputs[0]
    m = inst.e * mu**inst.depth
    pm = fmpz(p) ** m
    check(out.q % pm == 0 and (out.q // pm) % p != 0,
          "the p-adic valuation of the output is not -e·μ^d", p=p, e=inst.e, mu=mu,
          depth=inst.depth, den_bits=int(out.q.bit_length()))
    lower = m * (p.bit_length() - 1) + 2
    check_le(lower, size(out), "size below the explicit lower bound", p=p)
    return Evidence.of(depth=inst.depth, size_bits=size(out), lower_bound_bits=lower)


def check_dag_closed_form(inst: DagInstance) -> Evidence:
    """Every measured size against the closed form U (a polynomial in the sizes of the
    instance); backprop is budgeted by U."""
    prof = profile_of_network(inst.net, inst.data, inst.loss)
    u = closed_form_bound(prof)
    try:
        m = measure_network(inst.net, inst.data, inst.loss, budget_bits=u)
    except BitBudgetExceeded as e:
        check(False, f"a size exceeds the closed-form bound U at {e.where}",
              size_bits=e.size_bits, U=u, **prof.describe())
        raise  # pragma: no cover (check raised)
    check_le(m.total, u, "a size exceeds the closed-form bound U", **prof.describe())
    return Evidence.of(depth=prof.depth).bound("size_bits", m.total, u)


def _polynomial_instances(act: Activation) -> st.SearchStrategy[DagInstance]:
    """σ-chains with one shared weight and bias (few draws: the shrinker is fast)."""
    small = rationals(4, den_bits=2)

    def build(d: int, w: fmpq, b: fmpq, x: fmpq, y: fmpq, loss: Loss) -> DagInstance:
        net = chain_network(act, [w] * d, [b] * d)
        return DagInstance(net, (Sample({"x": x}, (y,)),), loss)

    return st.builds(build, st.integers(1, 16), rationals(4, den_bits=2, nonzero=True), small,
                     small, small, _losses())


@claim_for(
    REF,
    "Dichotomy, upper side refuted: the polynomial size bound U of the piecewise-linear case "
    "(σ's coefficients in place of slopes and intercepts) fails for every polynomial "
    "activation of degree >= 2",
    covers=NONLINEAR_POLYNOMIAL, instances=_polynomial_instances, examples=60,
    show=show_dag, expect="counterexample", control_of="piecewise.dag_sizes_within_bound",
    shrink_calls=80,
    refuted_on=("a size exceeds the closed-form bound U at ",),
)
def polynomial_breaks_bound(act: Activation, inst: DagInstance) -> Evidence:
    """U = O(L·N) is polynomial in the instance; a σ-chain of depth d reaches μ^d bits
    (``piecewise.chain_lower_bound``), so deep enough chains leave it.  (The finer exact
    bound already fails at depth 1, e.g. through σ'(z) = 2z for σ = x².)"""
    return check_dag_closed_form(inst)


# --------------------------------------------------------------------------- bit-length rules


def _show_pair(pair: tuple[fmpq, fmpq]) -> str:
    a, b = pair
    return (f"a = {fmt(a)} (size {size(a)}), b = {fmt(b)} (size {size(b)}): a + b = "
            f"{fmt(a + b)} (size {size(a + b)}), a - b = {fmt(a - b)} (size {size(a - b)})")


_PAIRS = st.tuples(rationals(12, den_bits=8), rationals(12, den_bits=8))


@claim(
    "Theorem E.1 (bit-length rule)",
    "The paper's addition rule len(a ± b) <= max(len a, len b) + 1 for rationals",
    instances=_PAIRS, status="erratum", expect="counterexample", examples=200,
    show=_show_pair,
    refuted_on=("len(a + b) > max(len a, len b) + 1", "len(a - b) > max(len a, len b) + 1"),
)
def addition_rule_paper(pair: tuple[fmpq, fmpq]) -> Evidence:
    """False for different denominators: 1/3 + 1/5 = 8/15 (sizes 3, 3, 8)."""
    a, b = pair
    for name, v in (("a + b", a + b), ("a - b", a - b)):
        check_le(size(v), max(size(a), size(b)) + 1, f"len({name}) > max(len a, len b) + 1",
                 a=a, b=b, result=v)
    return Evidence()


@claim(
    "Theorem E.1 (bit-length rule)",
    "Corrected rules: len(a ± b) <= len a + len b + max(bitlen den a, bitlen den b) + 1 "
    "(and <= max(bitlen|Da|, bitlen|Db|) + 1 + bitlen D over a common denominator D); "
    "len(a·b) <= len a + len b",
    instances=_PAIRS, examples=200, show=_show_pair,
)
def bit_length_rules(pair: tuple[fmpq, fmpq]) -> Evidence:
    """num(a ± b) divides |p s ± r q| and den(a ± b) divides q s (a = p/q, b = r/s)."""
    a, b = pair
    qa, qb = int(a.q.bit_length()), int(b.q.bit_length())
    d = a.q.lcm(b.q)
    for name, v in (("a + b", a + b), ("a - b", a - b)):
        check_le(size(v), size(a) + size(b) + max(qa, qb) + 1, f"len({name}) rule", a=a, b=b)
        common = max(int((a * d).p.bit_length()), int((b * d).p.bit_length())) + 1 \
            + int(d.bit_length())
        check_le(size(v), common, f"len({name}) over the common denominator", a=a, b=b)
    check_le(size(a * b), size(a) + size(b), "len(a·b) rule", a=a, b=b)
    return Evidence.of(sum_size=size(a + b)).bound(
        "sum_size_bits", size(a + b), size(a) + size(b) + max(qa, qb) + 1)


__all__ = [
    "NONTRIVIAL_BITS",
    "AffineData",
    "DagInstance",
    "LayeredSpec",
    "Measured",
    "PadicChain",
    "Profile",
    "SizeBound",
    "affine_data",
    "bits_for",
    "chain_network",
    "check_dag",
    "check_dag_closed_form",
    "closed_form_bound",
    "dag_instances",
    "heights",
    "layer_depths",
    "layered_specs",
    "lcm_of",
    "max_abs",
    "measure_layered",
    "measure_network",
    "profile_of_layered",
    "profile_of_network",
    "random_layered",
    "show_dag",
    "size_bound",
]
