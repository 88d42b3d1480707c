"""The network of the paper (§2): a DAG with a weight *and* a bias on every edge and an input
injected at every node, with exact forward pass and exact backpropagation.

Node rule (§2)::

    f^s(x) = x_s                                             (s a source: activation None)
    f^v(x) = σ^v( x_v + Σ_{(u,v)∈E} ( w_uv f^u(x) + b_uv ) )  (every other node)

Backpropagation (App. E): with ``g_v = ∂L/∂f^v`` and ``δ_v = ∂L/∂z_v`` (z_v the
pre-activation), ``g_v = [v output] ∂ℒ/∂ŷ_v + Σ_{(v,w)} w_vw δ_w``, ``δ_v = g_v σ^v'(z_v)``,
``∂L/∂w_uv = δ_v f^u``, ``∂L/∂b_uv = δ_v``, ``∂L/∂x_v = δ_v`` (``g_s`` at a source).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from flint import fmpq

from checkers.activations import Activation, BitBounded, Polynomial
from checkers.errors import BitBudgetExceeded, CycleError, DataError, NetworkError
from checkers.losses import Loss
from checkers.rationals import RationalLike, fmt, size, to_q


@dataclass(frozen=True)
class Edge:
    """An edge (u, v) with its weight w_uv and bias b_uv."""

    src: str
    dst: str
    weight: fmpq = field(default_factory=lambda: fmpq(1))
    bias: fmpq = field(default_factory=lambda: fmpq(0))

    @staticmethod
    def of(src: str, dst: str, weight: RationalLike = 1, bias: RationalLike = 0) -> Edge:
        """Build an edge converting ``weight`` and ``bias`` with :func:`to_q` (floats refused)."""
        return Edge(src, dst, to_q(weight), to_q(bias))


@dataclass(frozen=True)
class Sample:
    """One data point: input injections ``x`` (missing coordinates are 0) and a label ``y``."""

    x: Mapping[str, fmpq]
    y: tuple[fmpq, ...]

    @staticmethod
    def of(x: Mapping[str, RationalLike], y: Sequence[RationalLike]) -> Sample:
        return Sample({k: to_q(v) for k, v in x.items()}, tuple(to_q(v) for v in y))


class _Arch:
    """The parameter-free part of a network, validated once and shared by parameter variants."""

    def __init__(
        self,
        activations: Mapping[str, Activation | None],
        edges: Sequence[tuple[str, str]],
        outputs: Sequence[str],
        inputs: Sequence[str] | None,
    ) -> None:
        self.nodes: tuple[str, ...] = tuple(activations)
        self.index: dict[str, int] = {name: i for i, name in enumerate(self.nodes)}
        self.acts: list[Activation | None] = []
        for name, act in activations.items():
            if not isinstance(name, str) or not name:
                raise NetworkError(f"node names must be non-empty strings, got {name!r}")
            if act is not None and not isinstance(act, Activation):
                raise NetworkError(
                    f"node {name!r}: activation must be an Activation or None (input), "
                    f"got {type(act).__name__}"
                )
            self.acts.append(act)
        sources = [n for n, a in activations.items() if a is None]
        if inputs is not None:
            for n in inputs:
                if n not in self.index:
                    raise NetworkError(f"input {n!r} is not a node")
                if activations[n] is not None:
                    raise NetworkError(f"input node {n!r} must not carry an activation")
            missing = [n for n in sources if n not in set(inputs)]
            if missing:
                raise NetworkError(
                    f"node {missing[0]!r} has no activation but is not listed as an input"
                )
            self.inputs = tuple(inputs)
        else:
            self.inputs = tuple(sources)
        if len(set(self.inputs)) != len(self.inputs):
            raise NetworkError("duplicate input node")
        self.outputs = tuple(outputs)
        for n in self.outputs:
            if n not in self.index:
                raise NetworkError(f"output {n!r} is not a node")
        if len(set(self.outputs)) != len(self.outputs):
            raise NetworkError("duplicate output node")
        self.output_idx = [self.index[n] for n in self.outputs]

        n_nodes = len(self.nodes)
        self.src: list[int] = []
        self.dst: list[int] = []
        self.in_edges: list[list[int]] = [[] for _ in range(n_nodes)]
        self.out_edges: list[list[int]] = [[] for _ in range(n_nodes)]
        self.edge_index: dict[tuple[str, str], int] = {}
        for e, (u, v) in enumerate(edges):
            for end in (u, v):
                if end not in self.index:
                    raise NetworkError(f"edge {u}->{v}: unknown node {end!r}")
            if (u, v) in self.edge_index:
                raise NetworkError(f"duplicate edge {u}->{v} (E is a set; merge parallel edges)")
            iu, iv = self.index[u], self.index[v]
            if self.acts[iv] is None:
                raise NetworkError(f"edge {u}->{v} enters the input node {v!r}")
            self.edge_index[(u, v)] = e
            self.src.append(iu)
            self.dst.append(iv)
            self.in_edges[iv].append(e)
            self.out_edges[iu].append(e)
        self.edges: tuple[tuple[str, str], ...] = tuple(edges)
        self.order = self._toposort()
        self.depth = self._depth()

    def _toposort(self) -> list[int]:
        indeg = [len(ins) for ins in self.in_edges]
        ready = [v for v in range(len(self.nodes)) if indeg[v] == 0]
        ready.reverse()  # pop() takes nodes in declaration order among ready ones
        order: list[int] = []
        while ready:
            u = ready.pop()
            order.append(u)
            newly = []
            for e in self.out_edges[u]:
                w = self.dst[e]
                indeg[w] -= 1
                if indeg[w] == 0:
                    newly.append(w)
            ready.extend(reversed(newly))
        if len(order) != len(self.nodes):
            raise CycleError(f"the network has a directed cycle: {self._find_cycle(indeg)}")
        return order

    def _find_cycle(self, indeg: list[int]) -> str:
        # every node left with indeg > 0 has a predecessor also left: walk back to a repeat
        left = {v for v in range(len(self.nodes)) if indeg[v] > 0}
        v = min(left)
        seen: dict[int, int] = {}
        path: list[int] = []
        while v not in seen:
            seen[v] = len(path)
            path.append(v)
            v = next(self.src[e] for e in self.in_edges[v] if self.src[e] in left)
        cyc = path[seen[v]:]
        cyc.reverse()
        names = [self.nodes[i] for i in cyc]
        return " -> ".join([*names, names[0]])

    def _depth(self) -> int:
        longest = [0] * len(self.nodes)
        for v in self.order:
            for e in self.in_edges[v]:
                longest[v] = max(longest[v], longest[self.src[e]] + 1)
        return max(longest, default=0)


@dataclass
class Trace:
    """Pre-activations and values of every node (indexed like ``network.nodes``)."""

    network: Network
    pre: list[fmpq]
    val: list[fmpq]

    def value(self, node: str) -> fmpq:
        return self.val[self.network.index_of(node)]

    def pre_activation(self, node: str) -> fmpq:
        return self.pre[self.network.index_of(node)]

    @property
    def outputs(self) -> tuple[fmpq, ...]:
        return tuple(self.val[i] for i in self.network.arch.output_idx)

    def values(self) -> dict[str, fmpq]:
        return dict(zip(self.network.nodes, self.val, strict=True))


@dataclass
class Backward:
    """One backward pass: ``g`` = ∂L/∂f^v, ``delta`` = ∂L/∂z_v (``None`` at sources) and the
    per-edge gradients."""

    g: list[fmpq]
    delta: list[fmpq | None]
    grad_w: list[fmpq]
    grad_b: list[fmpq]

    def grad_x(self) -> list[fmpq]:
        """∂L/∂x_v for every node (δ_v, or g_s at a source)."""
        return [d if d is not None else g for d, g in zip(self.delta, self.g, strict=True)]


@dataclass
class Gradient:
    """Total loss L(θ) = Σ_i ℒ(f_θ(x_i), y_i) and its exact gradient over a dataset."""

    loss: fmpq
    grad_w: list[fmpq]
    grad_b: list[fmpq]
    traces: list[Trace]
    backwards: list[Backward]

    def by_edge(self, network: Network) -> tuple[dict[str, fmpq], dict[str, fmpq]]:
        """Gradients keyed ``"u->v"``."""
        keys = [f"{u}->{v}" for u, v in network.edges]
        return dict(zip(keys, self.grad_w, strict=True)), dict(zip(keys, self.grad_b, strict=True))


class Network:
    """A network N = (V, E) with parameters θ = (w_e, b_e)_{e∈E} (§2).

    ``activations`` maps every node name to its activation, or to ``None`` for an input
    node (a source with ``f^s = x_s``); the mapping's order is the node order.  Edges are
    :class:`Edge` values or ``(src, dst, weight, bias)`` tuples.
    """

    def __init__(
        self,
        activations: Mapping[str, Activation | None],
        edges: Iterable[Edge | tuple[str, str, RationalLike, RationalLike]],
        outputs: Sequence[str],
        inputs: Sequence[str] | None = None,
    ) -> None:
        es = [e if isinstance(e, Edge) else Edge.of(*e) for e in edges]
        for e in es:
            if not isinstance(e.weight, fmpq) or not isinstance(e.bias, fmpq):
                raise NetworkError(f"edge {e.src}->{e.dst}: weight and bias must be fmpq")
        self.arch = _Arch(activations, [(e.src, e.dst) for e in es], outputs, inputs)
        self.weights: tuple[fmpq, ...] = tuple(e.weight for e in es)
        self.biases: tuple[fmpq, ...] = tuple(e.bias for e in es)
        self._bias_sum = self._sum_biases()

    @classmethod
    def _from_arch(
        cls, arch: _Arch, weights: Sequence[fmpq], biases: Sequence[fmpq]
    ) -> Network:
        net = cls.__new__(cls)
        net.arch = arch
        net.weights = tuple(weights)
        net.biases = tuple(biases)
        net._bias_sum = net._sum_biases()
        return net

    def _sum_biases(self) -> list[fmpq]:
        sums = [fmpq(0)] * len(self.arch.nodes)
        for e, b in enumerate(self.biases):
            if b != 0:
                sums[self.arch.dst[e]] += b
        return sums

    def with_params(
        self, weights: Sequence[RationalLike], biases: Sequence[RationalLike]
    ) -> Network:
        """The same architecture with other parameters θ (validated lengths, exact values)."""
        if len(weights) != len(self.edges) or len(biases) != len(self.edges):
            raise NetworkError(
                f"expected {len(self.edges)} weights and biases, got {len(weights)} and "
                f"{len(biases)}"
            )
        return Network._from_arch(
            self.arch, [to_q(w) for w in weights], [to_q(b) for b in biases]
        )

    # ------------------------------------------------------------------ structure
    @property
    def nodes(self) -> tuple[str, ...]:
        return self.arch.nodes

    @property
    def edges(self) -> tuple[tuple[str, str], ...]:
        return self.arch.edges

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.arch.inputs

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.arch.outputs

    @property
    def depth(self) -> int:
        """Number of edges on a longest directed path."""
        return self.arch.depth

    def activation(self, node: str) -> Activation | None:
        return self.arch.acts[self.index_of(node)]

    def index_of(self, node: str) -> int:
        try:
            return self.arch.index[node]
        except KeyError:
            raise NetworkError(f"unknown node {node!r}") from None

    def edge_of(self, src: str, dst: str) -> int:
        try:
            return self.arch.edge_index[(src, dst)]
        except KeyError:
            raise NetworkError(f"no edge {src}->{dst}") from None

    def edge_list(self) -> list[Edge]:
        return [
            Edge(u, v, w, b)
            for (u, v), w, b in zip(self.edges, self.weights, self.biases, strict=True)
        ]

    def __repr__(self) -> str:
        return (
            f"<Network {len(self.nodes)} nodes, {len(self.edges)} edges, depth {self.depth}, "
            f"inputs {list(self.inputs)[:4]}, outputs {list(self.outputs)[:4]}>"
        )

    # ------------------------------------------------------------------ forward
    def _input_vector(self, x: Mapping[str, RationalLike] | None) -> list[fmpq]:
        xs = [fmpq(0)] * len(self.arch.nodes)
        if x:
            for name, value in x.items():
                i = self.arch.index.get(name)
                if i is None:
                    raise DataError(f"input coordinate for unknown node {name!r}")
                xs[i] = to_q(value)
        return xs

    def forward(
        self, x: Mapping[str, RationalLike] | None = None, *, budget_bits: int | None = None
    ) -> Trace:
        """Exact forward pass (node rule of §2); ``x`` may inject at any node (missing: 0).

        With ``budget_bits``, a node whose pre-activation or value exceeds that size raises
        :class:`~checkers.errors.BitBudgetExceeded` naming the node; a polynomial activation
        whose value provably cannot fit is refused before it is computed (see
        :class:`~checkers.poly.SizeBounds`), so memory stays within a small multiple of the
        budget.
        """
        a = self.arch
        xs = self._input_vector(x)
        pre = [fmpq(0)] * len(a.nodes)
        val = [fmpq(0)] * len(a.nodes)
        w, src, bias_sum = self.weights, a.src, self._bias_sum
        acts, in_edges = a.acts, a.in_edges
        for v in a.order:
            act = acts[v]
            z = xs[v]
            if act is None:
                pre[v] = val[v] = z
                if budget_bits is not None:
                    _fits(z, budget_bits, f"node {a.nodes[v]!r}")
                continue
            b = bias_sum[v]
            if b:
                z = z + b
            for e in in_edges[v]:
                fu = val[src[e]]
                if fu:  # zero terms (inactive ReLUs) cost nothing
                    z += w[e] * fu
            pre[v] = z
            if budget_bits is None:
                val[v] = act(z)
            else:
                where = f"node {a.nodes[v]!r}"
                _fits(z, budget_bits, where)
                _refuse_blowup(act, z, budget_bits, where, derivative=False)
                val[v] = _fits(act(z), budget_bits, where)
        return Trace(self, pre, val)

    def __call__(self, x: Mapping[str, RationalLike] | None = None) -> tuple[fmpq, ...]:
        """f_θ(x): the output values."""
        return self.forward(x).outputs

    # ------------------------------------------------------------------ backward
    def backward(self, trace: Trace, out_grad: Sequence[fmpq], *,
                 budget_bits: int | None = None) -> Backward:
        """One reverse pass from ∂ℒ/∂ŷ (aligned with ``outputs``) through ``trace``.

        With ``budget_bits``, a ``g_v``, ``δ_v``, ``σ'(z_v)`` or edge gradient larger than
        that size raises :class:`~checkers.errors.BitBudgetExceeded` naming the node or edge.
        """
        a = self.arch
        if len(out_grad) != len(a.outputs):
            raise DataError(f"expected {len(a.outputs)} output gradients, got {len(out_grad)}")
        n = len(a.nodes)
        g = [fmpq(0)] * n
        for i, d in zip(a.output_idx, out_grad, strict=True):
            g[i] = to_q(d)
            if budget_bits is not None:
                _fits(g[i], budget_bits, f"output {a.nodes[i]!r} (loss gradient)")
        delta: list[fmpq | None] = [None] * n
        grad_w = [fmpq(0)] * len(a.edges)
        grad_b = [fmpq(0)] * len(a.edges)
        w, dst, src, val, pre = self.weights, a.dst, a.src, trace.val, trace.pre
        acts, in_edges, out_edges = a.acts, a.in_edges, a.out_edges
        zero = fmpq(0)
        for v in reversed(a.order):
            gv = g[v]
            for e in out_edges[v]:
                dw = delta[dst[e]]
                assert dw is not None
                if dw:
                    gv += w[e] * dw
            g[v] = gv
            act = acts[v]
            if budget_bits is not None:
                _fits(gv, budget_bits, f"node {a.nodes[v]!r} (backward, dL/df)")
            if act is None:
                continue
            if not gv:
                dv = zero
            elif budget_bits is None:
                dv = gv * act.derivative(pre[v])
            else:
                where = f"node {a.nodes[v]!r} (backward, derivative)"
                _refuse_blowup(act, pre[v], budget_bits, where, derivative=True)
                d = _fits(act.derivative(pre[v]), budget_bits, where)
                dv = _fits(gv * d, budget_bits, f"node {a.nodes[v]!r} (backward, dL/dz)")
            delta[v] = dv
            if dv:  # otherwise the in-edges' gradients stay 0
                for e in in_edges[v]:
                    grad_w[e] = dv * val[src[e]]
                    grad_b[e] = dv
                    if budget_bits is not None:
                        _fits(grad_w[e], budget_bits,
                              f"edge {a.nodes[src[e]]}->{a.nodes[v]} (gradient)")
        return Backward(g, delta, grad_w, grad_b)

    def gradient(
        self, data: Sequence[Sample], loss: Loss, *, budget_bits: int | None = None
    ) -> Gradient:
        """L(θ) = Σ_i ℒ(f_θ(x_i), y_i) and its exact gradient in every w_e and b_e.

        ``budget_bits`` bounds every value of the forward and backward passes and the summed
        gradients (:class:`~checkers.errors.BitBudgetExceeded` names the first node, edge or
        sum beyond it).  The loss itself is not budgeted: it is a sum of losses of outputs
        and labels.
        """
        if loss.grad is None:
            raise DataError(f"loss {loss.name!r} has no derivative; backprop needs one")
        total = fmpq(0)
        gw = [fmpq(0)] * len(self.edges)
        gb = [fmpq(0)] * len(self.edges)
        traces: list[Trace] = []
        backs: list[Backward] = []
        for sample in data:
            tr = self.forward(sample.x, budget_bits=budget_bits)
            out = tr.outputs
            total += loss.value(out, sample.y)
            bw = self.backward(tr, loss.grad(out, sample.y), budget_bits=budget_bits)
            gw = [s + t if t else s for s, t in zip(gw, bw.grad_w, strict=True)]
            gb = [s + t if t else s for s, t in zip(gb, bw.grad_b, strict=True)]
            if budget_bits is not None:
                for e, (u, v) in enumerate(self.edges):
                    where = f"edge {u}->{v} (summed gradient)"
                    _fits(gw[e], budget_bits, where)
                    _fits(gb[e], budget_bits, where)
            traces.append(tr)
            backs.append(bw)
        return Gradient(total, gw, gb, traces, backs)

    def loss(self, data: Sequence[Sample], loss: Loss) -> fmpq:
        """L(θ) = Σ_i ℒ(f_θ(x_i), y_i)."""
        total = fmpq(0)
        for sample in data:
            total += loss.value(self.forward(sample.x).outputs, sample.y)
        return total

    def describe_params(self) -> str:
        return ", ".join(
            f"{u}->{v}: w={fmt(w)} b={fmt(b)}"
            for (u, v), w, b in zip(self.edges, self.weights, self.biases, strict=True)
        )


def _fits(q: fmpq, budget: int, where: str) -> fmpq:
    """``q`` unchanged, or :class:`BitBudgetExceeded` when ``size(q) > budget``."""
    s = size(q)
    if s > budget:
        raise BitBudgetExceeded(where, s, budget)
    return q


def _refuse_blowup(act: Activation, z: fmpq, budget: int, where: str, *,
                   derivative: bool) -> None:
    """Refuse, before computing it, a polynomial σ(z) or σ'(z) (or the base value of a
    φ_K with a polynomial base) whose size is proven to exceed ``budget``: with z within
    the budget, its size could reach deg σ times the budget."""
    base = act.base if isinstance(act, BitBounded) else act
    if not isinstance(base, Polynomial) or base.degree < 2:
        return
    bounds = base.derivative_size_bounds if derivative else base.size_bounds
    if bounds.upper(z) <= budget:
        return
    low = bounds.lower(z)
    if low > budget:
        if base is not act:
            where += f" (base {'derivative' if derivative else 'value'} of {act.name})"
        raise BitBudgetExceeded(where, low, budget, at_least=True)
