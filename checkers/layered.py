"""Layered (MLP) networks with a dense exact fast path (§2, App. E).

A layer computes ``Z = W H + b 1ᵀ`` and ``H' = σ(Z)`` for a whole batch at once.  A matrix
is kept either as integers over one shared denominator (``fmpz_mat`` and an ``fmpz``:
no gcd per entry, the fast path for dyadic or common-denominator weights) or as an
``fmpq_mat`` when its entries have unrelated denominators (their least common multiple
would be much larger than any single denominator).  Both forms give exactly the same
rationals; :meth:`LayeredNetwork.to_network` gives the equivalent DAG
(:class:`~checkers.network.Network`), and the two paths are tested to agree.

Node names in the DAG form: inputs ``x0..x{n-1}``, layer ``l`` (1-based) nodes
``h{l}_{i}``; the last layer's nodes are the outputs.  A layer's bias ``b_i`` becomes the
bias of the edge from the first node of the previous layer (only the sum of a node's
in-edge biases matters, §2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat

from checkers.activations import Activation
from checkers.errors import DataError, NetworkError
from checkers.losses import Loss
from checkers.network import Edge, Network
from checkers.rationals import RationalLike, to_q


class Mat:
    """An exact rational matrix, as ``num/den`` (shared denominator) or as an ``fmpq_mat``."""

    __slots__ = ("cols", "den", "num", "q", "rows")

    def __init__(
        self,
        rows: int,
        cols: int,
        *,
        num: fmpz_mat | None = None,
        den: fmpz | None = None,
        q: fmpq_mat | None = None,
    ) -> None:
        self.rows, self.cols = rows, cols
        self.num, self.den, self.q = num, den, q

    @staticmethod
    def from_rationals(rows: int, cols: int, entries: Sequence[fmpq]) -> Mat:
        """Choose the representation: shared denominator when the lcm of the entries'
        denominators is not much larger than the largest one, ``fmpq_mat`` otherwise."""
        lcm = fmpz(1)
        top = 1
        for v in entries:
            if lcm % v.q != 0:
                lcm = lcm.lcm(v.q)
            top = max(top, int(v.q.bit_length()))
        if int(lcm.bit_length()) <= 2 * top + 16:
            return Mat(rows, cols, num=fmpz_mat(rows, cols, [v.p * (lcm // v.q) for v in entries]),
                       den=lcm)
        return Mat(rows, cols, q=fmpq_mat(rows, cols, list(entries)))

    @property
    def shared(self) -> bool:
        return self.num is not None

    def as_fmpq_mat(self) -> fmpq_mat:
        if self.q is not None:
            return self.q
        assert self.num is not None and self.den is not None
        m = fmpq_mat(self.num)
        return m if self.den == 1 else m / self.den

    def entries(self) -> list[fmpq]:
        """Row-major entries in lowest terms."""
        if self.q is not None:
            return self.q.entries()
        assert self.num is not None and self.den is not None
        d = self.den
        return [fmpq(n, d) for n in self.num.entries()]

    def column(self, j: int) -> list[fmpq]:
        ents = self.entries()
        return [ents[i * self.cols + j] for i in range(self.rows)]

    def transpose(self) -> Mat:
        if self.q is not None:
            return Mat(self.cols, self.rows, q=self.q.transpose())
        assert self.num is not None
        return Mat(self.cols, self.rows, num=self.num.transpose(), den=self.den)

    def __matmul__(self, other: Mat) -> Mat:
        if self.cols != other.rows:
            raise NetworkError(
                f"shape mismatch {self.rows}x{self.cols} @ {other.rows}x{other.cols}")
        if self.num is not None and other.num is not None:
            assert self.den is not None and other.den is not None
            return Mat(self.rows, other.cols, num=self.num * other.num, den=self.den * other.den)
        return Mat(self.rows, other.cols, q=self.as_fmpq_mat() * other.as_fmpq_mat())

    def add_column(self, b: Sequence[fmpq]) -> Mat:
        """``self + b 1ᵀ`` (a bias per row)."""
        if self.num is not None:
            assert self.den is not None
            bden = fmpz(1)
            for v in b:
                if bden % v.q != 0:
                    bden = bden.lcm(v.q)
            if self.den % bden == 0:
                scale, d = fmpz(1), self.den
            else:
                d = self.den.lcm(bden)
                scale = d // self.den
            bn = [v.p * (d // v.q) for v in b]
            ents = self.num.entries()
            c = self.cols
            out = [
                (ents[i * c + j] * scale if scale != 1 else ents[i * c + j]) + bn[i]
                for i in range(self.rows)
                for j in range(c)
            ]
            return Mat(self.rows, c, num=fmpz_mat(self.rows, c, out), den=d)
        qents = self.as_fmpq_mat().entries()
        c = self.cols
        return Mat(self.rows, c, q=fmpq_mat(self.rows, c, [
            qents[i * c + j] + b[i] for i in range(self.rows) for j in range(c)]))

    def apply(self, act: Activation, derivative: bool = False) -> Mat:
        """σ (or σ') entrywise."""
        if self.num is not None:
            assert self.den is not None
            f = act.derivative_shared if derivative else act.apply_shared
            vals, d = f(self.num.entries(), self.den)
            return Mat(self.rows, self.cols, num=fmpz_mat(self.rows, self.cols, vals), den=d)
        g = act.derivative if derivative else act
        return Mat(self.rows, self.cols,
                   q=fmpq_mat(self.rows, self.cols, [g(v) for v in self.as_fmpq_mat().entries()]))

    def hadamard(self, other: Mat) -> Mat:
        """The entrywise product (shapes must agree)."""
        if (self.rows, self.cols) != (other.rows, other.cols):
            raise NetworkError(f"shape mismatch {self.rows}x{self.cols} * "
                               f"{other.rows}x{other.cols}")
        if self.num is not None and other.num is not None:
            assert self.den is not None and other.den is not None
            a, b = self.num.entries(), other.num.entries()
            prod = [x * y for x, y in zip(a, b, strict=True)]
            return Mat(self.rows, self.cols, num=fmpz_mat(self.rows, self.cols, prod),
                       den=self.den * other.den)
        a2, b2 = self.as_fmpq_mat().entries(), other.as_fmpq_mat().entries()
        return Mat(self.rows, self.cols,
                   q=fmpq_mat(self.rows, self.cols, [x * y for x, y in zip(a2, b2, strict=True)]))

    def row_sums(self) -> list[fmpq]:
        ents = self.entries() if self.q is not None else None
        if ents is None:
            assert self.num is not None and self.den is not None
            raw = self.num.entries()
            c = self.cols
            return [fmpq(sum(raw[i * c:(i + 1) * c], fmpz(0)), self.den) for i in range(self.rows)]
        c = self.cols
        return [sum(ents[i * c:(i + 1) * c], fmpq(0)) for i in range(self.rows)]


@dataclass(frozen=True)
class Layer:
    """One dense layer: ``weights`` (out × in, row-major rows), ``biases`` (out), activation."""

    weights: tuple[tuple[fmpq, ...], ...]
    biases: tuple[fmpq, ...]
    activation: Activation

    @staticmethod
    def of(
        weights: Sequence[Sequence[RationalLike]],
        biases: Sequence[RationalLike],
        activation: Activation,
    ) -> Layer:
        w = tuple(tuple(to_q(v) for v in row) for row in weights)
        b = tuple(to_q(v) for v in biases)
        return Layer(w, b, activation)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.weights), (len(self.weights[0]) if self.weights else 0)


@dataclass
class LayeredTrace:
    """Per layer l = 1..L: pre-activations ``Z[l-1]`` and values ``H[l]`` (``H[0]`` = inputs);
    columns are samples."""

    Z: list[Mat]
    H: list[Mat]

    def outputs(self) -> list[list[fmpq]]:
        """Output vector of every sample."""
        last = self.H[-1]
        ents = last.entries()
        return [[ents[i * last.cols + j] for i in range(last.rows)] for j in range(last.cols)]


@dataclass
class LayeredGradient:
    loss: fmpq
    grad_w: list[list[list[fmpq]]]  # per layer, out × in
    grad_b: list[list[fmpq]]  # per layer
    trace: LayeredTrace
    deltas: list[Mat]


class LayeredNetwork:
    """An MLP ``x -> σ_L(W_L ... σ_1(W_1 x + b_1) ... + b_L)`` with an exact dense fast path."""

    def __init__(self, layers: Sequence[Layer]) -> None:
        if not layers:
            raise NetworkError("a layered network needs at least one layer")
        prev = layers[0].shape[1]
        if prev == 0:
            raise NetworkError("layer 1 has no inputs")
        for li, layer in enumerate(layers, start=1):
            out, inp = layer.shape
            if out == 0 or inp != prev:
                raise NetworkError(f"layer {li} has shape {out}x{inp}, expected ?x{prev}")
            if any(len(row) != inp for row in layer.weights):
                raise NetworkError(f"layer {li}: ragged weight matrix")
            if len(layer.biases) != out:
                raise NetworkError(f"layer {li}: {len(layer.biases)} biases for {out} nodes")
            if not isinstance(layer.activation, Activation):
                raise NetworkError(f"layer {li}: activation must be an Activation")
            prev = out
        self.layers = list(layers)
        self.input_dim = layers[0].shape[1]
        self.output_dim = layers[-1].shape[0]
        self._W = [
            Mat.from_rationals(layer.shape[0], layer.shape[1],
                               [v for row in layer.weights for v in row])
            for layer in layers
        ]

    def __repr__(self) -> str:
        return f"LayeredNetwork({self.layers!r})"

    @property
    def depth(self) -> int:
        return len(self.layers)

    def input_names(self) -> list[str]:
        return [f"x{i}" for i in range(self.input_dim)]

    def layer_names(self, l: int) -> list[str]:  # noqa: E741
        """Node names of layer ``l`` (0 = inputs)."""
        if l == 0:
            return self.input_names()
        return [f"h{l}_{i}" for i in range(self.layers[l - 1].shape[0])]

    def to_network(self) -> Network:
        """The equivalent DAG network (see the module doc for names and biases)."""
        acts: dict[str, Activation | None] = {n: None for n in self.input_names()}
        edges: list[Edge] = []
        for l, layer in enumerate(self.layers, start=1):  # noqa: E741
            prev = self.layer_names(l - 1)
            for i, name in enumerate(self.layer_names(l)):
                acts[name] = layer.activation
                for j, pname in enumerate(prev):
                    edges.append(Edge(pname, name, layer.weights[i][j],
                                      layer.biases[i] if j == 0 else fmpq(0)))
        return Network(acts, edges, outputs=self.layer_names(self.depth))

    def _input_mat(self, xs: Sequence[Sequence[RationalLike]]) -> Mat:
        if not xs:
            raise DataError("empty batch")
        for s, x in enumerate(xs):
            if len(x) != self.input_dim:
                raise DataError(f"sample {s}: {len(x)} inputs, expected {self.input_dim}")
        cols = len(xs)
        entries = [to_q(xs[j][i]) for i in range(self.input_dim) for j in range(cols)]
        return Mat.from_rationals(self.input_dim, cols, entries)

    def forward(self, xs: Sequence[Sequence[RationalLike]]) -> LayeredTrace:
        """Exact forward pass of a batch (one input vector per sample)."""
        H = [self._input_mat(xs)]
        Z: list[Mat] = []
        for W, layer in zip(self._W, self.layers, strict=True):
            z = (W @ H[-1]).add_column(layer.biases)
            Z.append(z)
            H.append(z.apply(layer.activation))
        return LayeredTrace(Z, H)

    def gradient(
        self, xs: Sequence[Sequence[RationalLike]], ys: Sequence[Sequence[RationalLike]],
        loss: Loss,
    ) -> LayeredGradient:
        """L = Σ_i ℒ(f(x_i), y_i) and its exact gradient (matrix backprop, App. E)."""
        if loss.grad is None:
            raise DataError(f"loss {loss.name!r} has no derivative; backprop needs one")
        if len(ys) != len(xs):
            raise DataError(f"{len(xs)} inputs but {len(ys)} labels")
        tr = self.forward(xs)
        outs = tr.outputs()
        total = fmpq(0)
        gcols: list[list[fmpq]] = []
        for out, y in zip(outs, ys, strict=True):
            yq = tuple(to_q(v) for v in y)
            total += loss.value(out, yq)
            gcols.append(loss.grad(out, yq))
        L = self.depth
        n_out, batch = self.output_dim, len(xs)
        G = Mat.from_rationals(n_out, batch,
                               [gcols[j][i] for i in range(n_out) for j in range(batch)])
        deltas: list[Mat] = [G] * L
        grad_w: list[list[list[fmpq]]] = [[] for _ in range(L)]
        grad_b: list[list[fmpq]] = [[] for _ in range(L)]
        for l in range(L - 1, -1, -1):  # noqa: E741
            layer = self.layers[l]
            d = G.hadamard(tr.Z[l].apply(layer.activation, derivative=True))
            deltas[l] = d
            gw = (d @ tr.H[l].transpose()).entries()
            cols = layer.shape[1]
            grad_w[l] = [gw[i * cols:(i + 1) * cols] for i in range(layer.shape[0])]
            grad_b[l] = d.row_sums()
            if l > 0:
                G = self._W[l].transpose() @ d
        return LayeredGradient(total, grad_w, grad_b, tr, deltas)
