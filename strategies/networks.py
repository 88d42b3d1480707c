"""Strategies for networks (§2): DAGs with per-edge weights and biases, layered MLPs,
and datasets.  Failing networks shrink toward fewer nodes and smaller numbers."""

from __future__ import annotations

from collections.abc import Sequence

from flint import fmpq
from hypothesis import strategies as st

from checkers.activations import IDENTITY, Activation
from checkers.layered import Layer, LayeredNetwork
from checkers.network import Edge, Network, Sample
from strategies.rationals import dyadics, rationals


@st.composite
def dag_networks(
    draw: st.DrawFn,
    activations: st.SearchStrategy[Activation] | Activation,
    *,
    max_inputs: int = 3,
    max_hidden: int = 6,
    max_outputs: int = 2,
    weight_bits: int = 6,
    edge_probability: float = 0.5,
    identity_outputs: bool = False,
) -> Network:
    """A random DAG: inputs ``x0..``, then nodes ``v0..`` in topological order; each pair
    (earlier, later) is an edge with some probability; the last nodes are outputs.  Every
    non-input node gets at least one in-edge."""
    act_st = activations if isinstance(activations, st.SearchStrategy) else st.just(activations)
    n_in = draw(st.integers(1, max_inputs))
    n_hid = draw(st.integers(1, max_hidden))
    names = [f"x{i}" for i in range(n_in)] + [f"v{i}" for i in range(n_hid)]
    acts: dict[str, Activation | None] = {f"x{i}": None for i in range(n_in)}
    n_out = draw(st.integers(1, min(max_outputs, n_hid)))
    for i in range(n_hid):
        is_out = i >= n_hid - n_out
        acts[f"v{i}"] = IDENTITY if (is_out and identity_outputs) else draw(act_st)
    weights = rationals(weight_bits, den_bits=max(1, weight_bits // 2))
    edges: list[Edge] = []
    for vi in range(n_in, len(names)):
        preds = list(range(vi))
        chosen = [p for p in preds if draw(st.booleans())] if edge_probability > 0 else []
        if not chosen:
            chosen = [draw(st.sampled_from(preds))]
        for p in chosen:
            edges.append(Edge(names[p], names[vi], draw(weights), draw(weights)))
    outputs = [f"v{i}" for i in range(n_hid - n_out, n_hid)]
    return Network(acts, edges, outputs=outputs)


@st.composite
def layered_networks(
    draw: st.DrawFn,
    activation: Activation,
    *,
    min_depth: int = 1,
    max_depth: int = 4,
    max_width: int = 4,
    weight_bits: int = 6,
    dyadic: bool = False,
    linear_output: bool = True,
) -> LayeredNetwork:
    """A random MLP with hidden activation ``activation`` (identity on the last layer when
    ``linear_output``)."""
    depth = draw(st.integers(min_depth, max_depth))
    widths = [draw(st.integers(1, max_width)) for _ in range(depth + 1)]
    num = dyadics(weight_bits, weight_bits) if dyadic else rationals(
        weight_bits, den_bits=max(1, weight_bits // 2))
    layers = []
    for l in range(1, depth + 1):  # noqa: E741
        act = IDENTITY if (linear_output and l == depth) else activation
        w = [[draw(num) for _ in range(widths[l - 1])] for _ in range(widths[l])]
        b = [draw(num) for _ in range(widths[l])]
        layers.append(Layer(tuple(map(tuple, w)), tuple(b), act))
    return LayeredNetwork(layers)


def samples_for(net: Network, *, max_samples: int = 3, bits: int = 6,
                inject_everywhere: bool = False) -> st.SearchStrategy[list[Sample]]:
    """Datasets for ``net``: inputs at the input nodes (or at every node), labels for every
    output."""
    targets: Sequence[str] = net.nodes if inject_everywhere else net.inputs
    xs = st.fixed_dictionaries({n: rationals(bits, den_bits=3) for n in targets})
    ys = st.lists(rationals(bits, den_bits=3), min_size=len(net.outputs),
                  max_size=len(net.outputs)).map(tuple)
    return st.lists(st.builds(lambda x, y: Sample(x, y), xs, ys), min_size=1,
                    max_size=max_samples)


def layered_batch(net: LayeredNetwork, *, max_batch: int = 3,
                  bits: int = 6) -> st.SearchStrategy[tuple[list[list[fmpq]], list[list[fmpq]]]]:
    """A batch of inputs and labels for a layered network."""
    x = st.lists(rationals(bits, den_bits=3), min_size=net.input_dim, max_size=net.input_dim)
    y = st.lists(rationals(bits, den_bits=3), min_size=net.output_dim, max_size=net.output_dim)
    return st.integers(1, max_batch).flatmap(
        lambda b: st.tuples(st.lists(x, min_size=b, max_size=b), st.lists(y, min_size=b,
                                                                         max_size=b)))


# --------------------------------------------------------------------------- extremal families
# Beside the random strategies above: the regimes a bound or a branch is about, which random
# draws rarely or never produce.

PRIME_DENOMINATORS = (65521, 65519, 65497, 65479, 65449, 65447, 65437, 65423, 65419, 65413)
"""Ten 16-bit primes: four of them multiply to 64 bits, beyond the 2·16 + 16 bits up to which
the layered engine keeps a matrix over one shared denominator."""


def coprime_rationals(bits: int = 5) -> st.SearchStrategy[fmpq]:
    """Rationals over one of :data:`PRIME_DENOMINATORS`."""
    return st.builds(fmpq, st.integers(-(2**bits) + 1, 2**bits - 1).filter(bool),
                     st.sampled_from(PRIME_DENOMINATORS))


@st.composite
def coprime_layered_networks(draw: st.DrawFn, activation: Activation, *, max_depth: int = 3,
                             max_width: int = 3, bits: int = 5) -> LayeredNetwork:
    """A random MLP (identity output layer) whose weight matrices are at least 2×2 with
    pairwise distinct prime denominators: every layer is kept as an ``fmpq_mat`` (the
    representation random weights with small denominators never reach)."""
    depth = draw(st.integers(1, max_depth))
    widths = [draw(st.integers(2, max_width)) for _ in range(depth + 1)]
    nums = st.integers(-(2**bits) + 1, 2**bits - 1).filter(bool)
    layers = []
    for l in range(1, depth + 1):  # noqa: E741
        act = IDENTITY if l == depth else activation
        rows, cols = widths[l], widths[l - 1]
        primes = draw(st.permutations(PRIME_DENOMINATORS))
        w = [[fmpq(draw(nums), primes[(i * cols + j) % len(primes)]) for j in range(cols)]
             for i in range(rows)]
        b = [draw(coprime_rationals(bits)) for _ in range(rows)]
        layers.append(Layer(tuple(map(tuple, w)), tuple(b), act))
    return LayeredNetwork(layers)


@st.composite
def fan_in_networks(draw: st.DrawFn, activation: Activation, *, max_fan_in: int = 6,
                    max_chain: int = 3, bits: int = 5, uniform: bool = False,
                    weight_bits: int = 2) -> Network:
    """Extremal DAG: ``k`` inputs all feeding one hidden node ``v0`` with biases of one sign
    (so Σ_u b_uv = ±Σ_u |b_uv|: the bias mass of Theorem E.1 is reached), then a chain
    ``v1, …`` whose every node also has an edge from every input (many in-edges).  The
    last node is the output.  ``uniform``: one positive integer weight and one positive
    integer bias on every edge (the magnitude recurrences of the size bounds are then met
    almost with equality)."""
    k = draw(st.integers(2, max_fan_in))
    chain = draw(st.integers(0, max_chain))
    sign = draw(st.sampled_from([1, -1]))
    mags = rationals(bits, den_bits=2).map(abs)
    weights = rationals(bits, den_bits=2)
    if uniform:
        sign = 1
        mags = st.just(fmpq(draw(st.integers(1, 2**bits - 1))))
        weights = st.just(fmpq(draw(st.integers(1, 2**weight_bits - 1))))
    acts: dict[str, Activation | None] = {f"x{i}": None for i in range(k)}
    edges: list[Edge] = []
    for j in range(chain + 1):
        acts[f"v{j}"] = activation
        for i in range(k):
            edges.append(Edge(f"x{i}", f"v{j}", draw(weights), sign * draw(mags)))
        if j:
            edges.append(Edge(f"v{j - 1}", f"v{j}", draw(weights), sign * draw(mags)))
    return Network(acts, edges, outputs=[f"v{chain}"])


def dominating_injections(net: Network, *, max_samples: int = 2,
                          bits: int = 12) -> st.SearchStrategy[list[Sample]]:
    """Datasets injecting at *every* node, with injections of up to ``bits`` bits against
    the small weights of the network: nodes whose injection dominates their in-edges."""
    return samples_for(net, max_samples=max_samples, bits=bits, inject_everywhere=True)


def uniform_injections(net: Network, *, bits: int = 8) -> st.SearchStrategy[list[Sample]]:
    """One sample injecting the same positive integer at every node, label 0."""
    return st.integers(1, 2**bits - 1).map(lambda x: [Sample(
        {n: fmpq(x) for n in net.nodes}, tuple(fmpq(0) for _ in net.outputs))])


def zero_samples(net: Network, *, bits: int = 4) -> st.SearchStrategy[list[Sample]]:
    """One sample with every input 0 and random labels: on a network whose biases are 0
    every pre-activation is exactly 0 (the kink of ReLU-type activations)."""
    ys = st.lists(rationals(bits, den_bits=2).filter(bool), min_size=len(net.outputs),
                  max_size=len(net.outputs)).map(tuple)
    return ys.map(lambda y: [Sample({n: fmpq(0) for n in net.inputs}, y)])


def without_biases(net: Network) -> Network:
    """``net`` with every bias 0."""
    return net.with_params(list(net.weights), [fmpq(0)] * len(net.biases))
