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
from functools import lru_cache
from itertools import compress

from flint import fmpq, fmpq_mat, fmpz, fmpz_mat

from checkers.activations import Activation, Identity, ReLU
from checkers.errors import DataError, NetworkError
from checkers.losses import SQUARE, Loss
from checkers.matmul import mat_mul
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
        ents = list(entries)
        q = fmpq_mat(rows, cols, ents)
        num, lcm = q.numer_denom()  # lcm of the denominators, numerators over it (in C)
        bits = int(lcm.bit_length())
        # shared iff bits <= 2 * (largest denominator's bit-length) + 16; any entry's
        # denominator is a lower bound for the largest, so try the first before scanning
        if bits <= 18 or (ents and bits <= 2 * int(ents[0].q.bit_length()) + 16):
            return Mat(rows, cols, num=num, den=lcm)
        top = max((int(v.q.bit_length()) for v in ents), default=1)
        if bits <= 2 * top + 16:
            return Mat(rows, cols, num=num, den=lcm)
        return Mat(rows, cols, q=q)

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
        return self.as_fmpq_mat().entries()  # reduced in C

    def tolist(self) -> list[list[fmpq]]:
        """Rows of entries in lowest terms."""
        ents = self.entries()
        c = self.cols
        return [ents[i * c:(i + 1) * c] for i in range(self.rows)]

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
            return Mat(self.rows, other.cols, num=mat_mul(self.num, other.num),
                       den=self.den * other.den)
        return Mat(self.rows, other.cols, q=self.as_fmpq_mat() * other.as_fmpq_mat())

    def add_column(self, b: Sequence[fmpq]) -> Mat:
        """``self + b 1ᵀ`` (a bias per row), as a matrix sum with an outer product (in C)."""
        if len(b) != self.rows:
            raise NetworkError(f"{len(b)} biases for a matrix with {self.rows} rows")
        c = self.cols
        bq = fmpq_mat(self.rows, 1, list(b))
        if self.num is not None:
            assert self.den is not None
            bnum, bden = bq.numer_denom()
            if self.den % bden == 0:
                num, d = self.num, self.den
            else:
                d = self.den.lcm(bden)
                num = self.num * (d // self.den)
            if d != bden:
                bnum = bnum * (d // bden)
            return Mat(self.rows, c, num=num + bnum * fmpz_mat(1, c, [1] * c), den=d)
        return Mat(self.rows, c, q=self.as_fmpq_mat() + bq * fmpq_mat(1, c, [1] * c))

    def apply(self, act: Activation, derivative: bool = False) -> Mat:
        """σ (or σ') entrywise."""
        if type(act) is Identity and not derivative:
            return self
        if type(act) is ReLU and not derivative:
            return _zeroed(self, _nonpositive(self))
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
        """The sum of every row (a product with a column of ones, in C)."""
        if self.num is not None:
            assert self.den is not None
            sums = self.num * fmpz_mat(self.cols, 1, [1] * self.cols)
            return Mat(self.rows, 1, num=sums, den=self.den).entries()
        assert self.q is not None
        return (self.q * fmpq_mat(self.cols, 1, [1] * self.cols)).entries()


def _nonpositive(m: Mat) -> list[tuple[int, int]]:
    """Positions ``(i, j)`` of the entries ``<= 0`` (the sign of a numerator over a positive
    shared denominator is the sign of the entry)."""
    if m.num is not None:
        zero = fmpz(0)
        signs = [n <= zero for n in m.num.entries()]
    else:
        zq = fmpq(0)
        signs = [v <= zq for v in m.as_fmpq_mat().entries()]
    return list(compress(_positions(m.rows, m.cols), signs))


@lru_cache(maxsize=64)
def _positions(rows: int, cols: int) -> tuple[tuple[int, int], ...]:
    """``(i, j)`` of every entry in row-major order."""
    return tuple((i, j) for i in range(rows) for j in range(cols))


def _zeroed(m: Mat, positions: Sequence[tuple[int, int]]) -> Mat:
    """A copy of ``m`` with the entries at ``positions`` set to 0 (a C copy, then one store
    per position: cheaper than rebuilding the matrix from a list)."""
    if m.num is not None:
        a = fmpz_mat(m.num)
        zero = fmpz(0)
        for i, j in positions:
            a[i, j] = zero
        return Mat(m.rows, m.cols, num=a, den=m.den)
    q = fmpq_mat(m.as_fmpq_mat())
    zq = fmpq(0)
    for i, j in positions:
        q[i, j] = zq
    return Mat(m.rows, m.cols, q=q)


class _Memo:
    """What the backward pass reuses of a layer's forward pass."""

    __slots__ = ("nonpositive", "nums")

    def __init__(self) -> None:
        self.nonpositive: list[tuple[int, int]] | None = None
        self.nums: list[fmpz] | None = None


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


class LayeredGradient:
    """Loss and exact gradient of a batch (App. E).

    ``grad_w[l][i][j]`` = ``∂L/∂W_{l+1}[i][j]`` (per layer, out × in), ``grad_b[l][i]`` =
    ``∂L/∂b_{l+1}[i]``, ``trace`` the forward pass and ``deltas[l]`` = Δ_{l+1} = ∂L/∂Z_{l+1}.
    When built by :meth:`LayeredNetwork.gradient`, ``grad_w`` is read off the exact
    matrices ``grad_w_mats[l]`` = Δ_{l+1} H_lᵀ on first access (its entries are the same
    rationals; only the per-entry ``fmpq`` objects are made on demand).
    """

    __slots__ = ("_grad_w", "deltas", "grad_b", "grad_w_mats", "loss", "trace")

    def __init__(
        self,
        loss: fmpq,
        grad_w: list[list[list[fmpq]]] | None,
        grad_b: list[list[fmpq]],
        trace: LayeredTrace,
        deltas: list[Mat],
        *,
        grad_w_mats: list[Mat] | None = None,
    ) -> None:
        if grad_w is None and grad_w_mats is None:
            raise ValueError("LayeredGradient needs grad_w or grad_w_mats")
        self.loss = loss
        self._grad_w = grad_w
        self.grad_b = grad_b
        self.trace = trace
        self.deltas = deltas
        self.grad_w_mats = grad_w_mats

    @property
    def grad_w(self) -> list[list[list[fmpq]]]:
        """∂L/∂W per layer as out × in lists of ``fmpq``."""
        if self._grad_w is None:
            assert self.grad_w_mats is not None
            self._grad_w = [m.tolist() for m in self.grad_w_mats]
        return self._grad_w

    @grad_w.setter
    def grad_w(self, value: list[list[list[fmpq]]]) -> None:
        self._grad_w = value

    def __repr__(self) -> str:
        return f"<LayeredGradient loss={self.loss} depth={len(self.grad_b)}>"


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
        self._WT = [w.transpose() for w in self._W]

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
        return self._forward(xs)[0]

    def _forward(self, xs: Sequence[Sequence[RationalLike]]) -> tuple[LayeredTrace, list[_Memo]]:
        """The trace, and what the backward pass reuses of every layer: the positions where
        a ReLU's input is <= 0, or the numerators of a shared ``Z`` (read once for σ)."""
        H = [self._input_mat(xs)]
        Z: list[Mat] = []
        memos: list[_Memo] = []
        for W, layer in zip(self._W, self.layers, strict=True):
            z = (W @ H[-1]).add_column(layer.biases)
            act = layer.activation
            memo = _Memo()
            if type(act) is ReLU:
                memo.nonpositive = _nonpositive(z)
                h = _zeroed(z, memo.nonpositive)
            elif z.num is not None and type(act) is not Identity:
                assert z.den is not None
                memo.nums = z.num.entries()
                vals, d = act.apply_shared(memo.nums, z.den)
                h = Mat(z.rows, z.cols, num=fmpz_mat(z.rows, z.cols, vals), den=d)
            else:
                h = z.apply(act)
            memos.append(memo)
            Z.append(z)
            H.append(h)
        return LayeredTrace(Z, H), memos

    def _delta(self, l: int, G: Mat, z: Mat, memo: _Memo) -> Mat:  # noqa: E741
        """``Δ_l = G ⊙ σ_l'(Z_l)``."""
        act = self.layers[l].activation
        if type(act) is Identity:
            return G
        if type(act) is ReLU:  # relu'(z) = [z > 0]: G with the entries at z <= 0 zeroed
            nonpos = memo.nonpositive if memo.nonpositive is not None else _nonpositive(z)
            return _zeroed(G, nonpos)
        if G.num is not None and z.num is not None:
            assert G.den is not None and z.den is not None
            nums = memo.nums if memo.nums is not None else z.num.entries()
            dv, dd = act.derivative_shared(nums, z.den)
            prod = [x * y for x, y in zip(G.num.entries(), dv, strict=True)]
            return Mat(z.rows, z.cols, num=fmpz_mat(z.rows, z.cols, prod), den=G.den * dd)
        return G.hadamard(z.apply(act, derivative=True))

    def gradient(
        self, xs: Sequence[Sequence[RationalLike]], ys: Sequence[Sequence[RationalLike]],
        loss: Loss,
    ) -> LayeredGradient:
        """L = Σ_i ℒ(f(x_i), y_i) and its exact gradient (matrix backprop, App. E)."""
        total, tr, deltas, grad_w, grad_b = self._backprop(xs, ys, loss, first_only=False)
        return LayeredGradient(total, None, grad_b, tr, deltas,
                               grad_w_mats=[g for g in grad_w if g is not None])

    def first_layer_gradient(
        self, xs: Sequence[Sequence[RationalLike]], ys: Sequence[Sequence[RationalLike]],
        loss: Loss,
    ) -> tuple[fmpq, Mat, LayeredTrace]:
        """L and ∂L/∂W₁ only (the quantity of Figure 1): the same backprop as
        :meth:`gradient`, skipping the products Δ_l H_{l−1}ᵀ of the other layers, which
        dominate the cost when values are large."""
        total, tr, _, grad_w, _ = self._backprop(xs, ys, loss, first_only=True)
        assert grad_w[0] is not None
        return total, grad_w[0], tr

    def _backprop(
        self, xs: Sequence[Sequence[RationalLike]], ys: Sequence[Sequence[RationalLike]],
        loss: Loss, *, first_only: bool,
    ) -> tuple[fmpq, LayeredTrace, list[Mat], list[Mat | None], list[list[fmpq]]]:
        if loss.grad is None:
            raise DataError(f"loss {loss.name!r} has no derivative; backprop needs one")
        if len(ys) != len(xs):
            raise DataError(f"{len(xs)} inputs but {len(ys)} labels")
        tr, memos = self._forward(xs)
        if loss is SQUARE:
            total, G = _square_loss(tr.H[-1], ys)
        else:
            total = fmpq(0)
            gcols: list[list[fmpq]] = []
            for out, y in zip(tr.outputs(), ys, strict=True):
                yq = tuple(to_q(v) for v in y)
                total += loss.value(out, yq)
                gcols.append(loss.grad(out, yq))
            n_out, batch = self.output_dim, len(xs)
            G = Mat.from_rationals(n_out, batch,
                                   [gcols[j][i] for i in range(n_out) for j in range(batch)])
        L = self.depth
        deltas: list[Mat] = [G] * L
        grad_w: list[Mat | None] = [None] * L
        grad_b: list[list[fmpq]] = [[] for _ in range(L)]
        for l in range(L - 1, -1, -1):  # noqa: E741
            d = self._delta(l, G, tr.Z[l], memos[l])
            deltas[l] = d
            if not first_only or l == 0:
                grad_w[l] = d @ tr.H[l].transpose()
                grad_b[l] = d.row_sums()
            if l > 0:
                G = self._WT[l] @ d
        return total, tr, deltas, grad_w, grad_b


def _square_loss(out: Mat, ys: Sequence[Sequence[RationalLike]]) -> tuple[fmpq, Mat]:
    """:data:`~checkers.losses.SQUARE` over a batch in matrix form: with ``R = Ŷ - Y``,
    ``L = ½ Σ R_ij²`` and ``∂L/∂Ŷ = R`` (the same rationals as sample by sample)."""
    n_out, batch = out.rows, out.cols
    for y in ys:
        if len(y) != n_out:
            raise DataError(f"square loss: {n_out} outputs but a label of length {len(y)}")
    Y = Mat.from_rationals(n_out, batch,
                           [to_q(ys[j][i]) for i in range(n_out) for j in range(batch)])
    if out.num is not None and Y.num is not None:
        assert out.den is not None and Y.den is not None
        d = out.den.lcm(Y.den)
        a = out.num if d == out.den else out.num * (d // out.den)
        b = Y.num if d == Y.den else Y.num * (d // Y.den)
        r = a - b
        sq = sum((v * v for v in r.entries()), fmpz(0))
        return fmpq(sq, 2 * d * d), Mat(n_out, batch, num=r, den=d)
    rq = out.as_fmpq_mat() - Y.as_fmpq_mat()
    return sum((v * v for v in rq.entries()), fmpq(0)) / 2, Mat(n_out, batch, q=rq)
