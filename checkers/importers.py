"""Networks trained elsewhere, read exactly: ONNX, safetensors and numpy ``.npz`` (§2).

Every float32/float64 weight becomes its *exact* dyadic rational (a binary float is a
dyadic rational, so no rounding happens), and every activation operator maps to a whyrelu
activation.  The result is the paper's network (a DAG with a weight and a bias on every
edge, §2): a dense layer ``h = σ(W x + b)`` becomes one vertex per unit with an edge from
every unit of the layer below; the unit's bias ``b_j`` sits on its first in-edge (only the
sum of a vertex's edge biases matters, §2).

**ONNX** (the ``onnx`` package, imported lazily): a feed-forward graph with one input of
shape ``[d]`` or ``[N, d]`` and the operators ``Gemm``, ``MatMul`` (+ ``Add`` of a bias),
``Relu``, ``LeakyRelu``, ``Clip`` (ReLU6, hardtanh), ``HardSigmoid``, ``HardSwish``,
``Mul(t, t)`` / ``Pow(t, 2)`` (σ = x²) and ``Identity``; any other operator is an
:class:`ImportFormatError` naming the node and operator.

**safetensors / npz** (the key convention): dense layers ``i = 0, 1, …`` stored as
``{prefix}{i}.weight`` of shape ``(out, in)`` (PyTorch's ``nn.Linear`` layout) and
``{prefix}{i}.bias`` of shape ``(out,)``; the prefix may be empty (``nn.Sequential``'s
``0.weight``, ``2.weight``: the indices are sorted, gaps allowed) or any common prefix
(``layers.0.weight``).  The activations after each layer are given by the caller
(``activations=``), or stored in the file: for safetensors as the metadata entry
``whyrelu.activations`` (``"relu;relu;id"``), for npz as a string array ``activations``.
The last layer's activation defaults to ``id`` when the list is one short.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from flint import fmpq

from checkers.activations import Activation, parse_activation
from checkers.errors import DataError
from checkers.network import Edge, Network

FORMATS = ("onnx", "safetensors", "npz")


class ImportFormatError(DataError):
    """A model file whyrelu cannot read exactly (unknown operator, shape, key, …)."""


def exact_float(value: float) -> fmpq:
    """The exact dyadic rational of a binary float (float32 values widen exactly).

    >>> exact_float(0.1)
    3602879701896397/36028797018963968
    """
    v = float(value)
    if v != v or v in (float("inf"), float("-inf")):
        raise ImportFormatError(f"non-finite weight {v!r}")
    f = Fraction(v)
    return fmpq(f.numerator, f.denominator)


@dataclass
class ImportedNetwork:
    """An imported network with what was read: its format, the float type of the weights
    and the activation of every layer (as whyrelu text)."""

    network: Network
    format: str
    dtype: str
    activations: list[str] = field(default_factory=list)
    layers: list[tuple[int, int]] = field(default_factory=list)
    """``(in, out)`` of each dense layer."""
    float_forward: Callable[[Sequence[float]], list[float]] | None = None
    """The model evaluated in floating point by an independent path (``onnx.reference``
    for ONNX, numpy matrix products in the file's float type otherwise), for
    :func:`compare_float`."""


class _Builder:
    """Builds the DAG layer by layer."""

    def __init__(self, width: int) -> None:
        self.acts: dict[str, Activation | None] = {}
        self.edges: list[Edge] = []
        self.fresh: set[str] = set()  # id vertices made by the last dense layer
        self.current = [f"x{i}" for i in range(width)]
        for name in self.current:
            self.acts[name] = None
        self.layer = 0
        self.layers: list[tuple[int, int]] = []
        self.activations: list[str] = []

    def dense(self, weight: Sequence[Sequence[fmpq]], bias: Sequence[fmpq] | None) -> None:
        """``h = W x + b`` with ``W`` of shape (out, in)."""
        out = len(weight)
        if out == 0 or any(len(row) != len(self.current) for row in weight):
            raise ImportFormatError(
                f"layer {self.layer}: weight shape does not match the {len(self.current)} "
                f"units below")
        if bias is not None and len(bias) != out:
            raise ImportFormatError(f"layer {self.layer}: bias of length {len(bias)} for "
                                    f"{out} units")
        names = [f"h{self.layer}_{j}" for j in range(out)]
        identity = parse_activation("id")
        for j, name in enumerate(names):
            self.acts[name] = identity
            for i, src in enumerate(self.current):
                b = bias[j] if bias is not None and i == 0 else fmpq(0)
                self.edges.append(Edge(src, name, weight[j][i], b))
        self.layers.append((len(self.current), out))
        self.activations.append("id")
        self.current = names
        self.fresh = set(names)
        self.layer += 1

    def activation(self, text: str) -> None:
        """Apply σ elementwise: fused into the dense layer below when its vertices are
        still plain, else as a new layer of σ vertices with weight 1."""
        act = parse_activation(text)
        if self.current and set(self.current) <= self.fresh:
            for name in self.current:
                self.acts[name] = act
            self.activations[-1] = act.name
            self.fresh = set()
            return
        names = [f"h{self.layer}_{j}" for j in range(len(self.current))]
        for src, name in zip(self.current, names, strict=True):
            self.acts[name] = act
            self.edges.append(Edge(src, name, fmpq(1), fmpq(0)))
        self.layers.append((len(names), len(names)))
        self.activations.append(act.name)
        self.current = names
        self.fresh = set()
        self.layer += 1

    def build(self) -> Network:
        if not self.layers:
            raise ImportFormatError("the model has no dense layer")
        return Network(self.acts, self.edges, outputs=self.current,
                       inputs=[n for n, a in self.acts.items() if a is None])


# --------------------------------------------------------------------------- ONNX

_ELEMENTWISE = {"Relu", "LeakyRelu", "Clip", "HardSigmoid", "HardSwish", "Identity",
                "Mul", "Pow"}


def _hard_sigmoid_text(alpha: fmpq, beta: fmpq) -> str:
    """max(0, min(1, α x + β)) as a piecewise-linear activation."""
    if alpha <= 0:
        raise ImportFormatError(f"HardSigmoid with alpha = {alpha} <= 0 is not supported")
    lo, hi = -beta / alpha, (1 - beta) / alpha
    return f"pwl(0 | {lo} | {alpha}*x + {beta} | {hi} | 1)"


def hardswish_text() -> str:
    """ONNX HardSwish: x·max(0, min(1, x/6 + 1/2)), piecewise polynomial."""
    return "ppoly(0 | -3 | 1/6*x^2 + 1/2*x | 3 | x)"


def _clip_text(lo: fmpq | None, hi: fmpq | None) -> str:
    if lo is None and hi is None:
        return "id"
    if lo is not None and hi is not None:
        if lo > hi:
            raise ImportFormatError(f"Clip with min {lo} > max {hi}")
        return f"pwl({lo} | {lo} | x | {hi} | {hi})"
    if lo is not None:
        return f"pwl({lo} | {lo} | x)"
    return f"pwl(x | {hi} | {hi})"


def _onnx_model(path: Path) -> Any:
    try:
        import onnx
    except ImportError:  # pragma: no cover - onnx is a declared dependency
        raise ImportFormatError("reading ONNX needs the 'onnx' package") from None
    try:
        return onnx.load(str(path))
    except Exception as e:  # onnx raises DecodeError and others
        raise ImportFormatError(f"{path}: not an ONNX model ({type(e).__name__})") from None


def import_onnx(path: str | Path) -> ImportedNetwork:
    """Read an ONNX MLP exactly (see the module doc)."""
    import numpy as np
    from onnx import numpy_helper

    p = Path(path)
    model = _onnx_model(p)
    graph = model.graph
    inits = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:  # Constant nodes are initializers in disguise
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value":
                    inits[node.output[0]] = numpy_helper.to_array(a.t)
    inputs = [i for i in graph.input if i.name not in inits]
    if len(inputs) != 1:
        raise ImportFormatError(f"{p}: expected one graph input, found {len(inputs)}")
    dims = [d.dim_value for d in inputs[0].type.tensor_type.shape.dim]
    if not dims or dims[-1] <= 0:
        raise ImportFormatError(f"{p}: the input's last dimension must be fixed")
    elem = inputs[0].type.tensor_type.elem_type
    dtype = {1: "float32", 11: "float64", 10: "float16"}.get(elem, f"onnx type {elem}")
    b = _Builder(dims[-1])
    live = inputs[0].name
    dtypes: set[str] = set()

    def q(arr: Any) -> list[Any]:
        a = np.asarray(arr)
        dtypes.add(str(a.dtype))
        return [exact_float(float(v)) for v in a.reshape(-1)]

    def attr(node: Any, name: str, default: Any) -> Any:
        from onnx import helper

        for a in node.attribute:
            if a.name == name:
                return helper.get_attribute_value(a)
        return default

    def matrix(arr: Any, where: str) -> list[list[fmpq]]:
        a = np.asarray(arr)
        if a.ndim != 2:
            raise ImportFormatError(f"{where}: expected a matrix, got shape {a.shape}")
        flat = q(a)
        return [flat[r * a.shape[1]:(r + 1) * a.shape[1]] for r in range(a.shape[0])]

    nodes = [n for n in graph.node if n.op_type != "Constant"]
    k = 0
    while k < len(nodes):
        node = nodes[k]
        where = f"{p}: node {node.name or k} ({node.op_type})"
        op = node.op_type
        data_in = [i for i in node.input if i and i not in inits]
        if op not in ("Gemm", "MatMul", "Add") and op not in _ELEMENTWISE:
            raise ImportFormatError(f"{where}: unsupported operator {op}")
        if data_in != [live] and not (op in ("Mul",) and data_in == [live, live]):
            raise ImportFormatError(f"{where}: the graph is not a chain of layers on one "
                                    f"tensor (inputs {list(node.input)})")
        if op == "Gemm":
            w_name = node.input[1]
            if w_name not in inits:
                raise ImportFormatError(f"{where}: weight {w_name!r} is not an initializer")
            w = np.asarray(inits[w_name])
            w = w if attr(node, "transB", 0) else w.T  # to (out, in)
            if attr(node, "transA", 0):
                raise ImportFormatError(f"{where}: transA is not supported")
            alpha = exact_float(attr(node, "alpha", 1.0))
            beta = exact_float(attr(node, "beta", 1.0))
            wm = [[alpha * v for v in row] for row in matrix(w, where)]
            bias = None
            if len(node.input) > 2 and node.input[2]:
                bv = np.broadcast_to(np.asarray(inits[node.input[2]]).reshape(-1),
                                     (len(wm),))
                bias = [beta * v for v in q(bv)]
            b.dense(wm, bias)
        elif op == "MatMul":
            w_name = node.input[1]
            if w_name not in inits:
                raise ImportFormatError(f"{where}: weight {w_name!r} is not an initializer")
            wm = matrix(np.asarray(inits[w_name]).T, where)
            bias = None
            nxt = nodes[k + 1] if k + 1 < len(nodes) else None
            if nxt is not None and nxt.op_type == "Add" and node.output[0] in nxt.input:
                other = [i for i in nxt.input if i != node.output[0]]
                if len(other) != 1 or other[0] not in inits:
                    raise ImportFormatError(f"{p}: node {nxt.name} (Add): the bias must be an "
                                            f"initializer")
                bias = q(np.broadcast_to(np.asarray(inits[other[0]]).reshape(-1),
                                         (len(wm),)))
                k += 1
                node = nxt
            b.dense(wm, bias)
        elif op == "Add":
            raise ImportFormatError(f"{where}: Add is supported only as the bias of a MatMul")
        elif op == "Relu":
            b.activation("relu")
        elif op == "LeakyRelu":
            b.activation(f"leaky_relu({exact_float(attr(node, 'alpha', 0.01))})")
        elif op == "Clip":
            lo = hi = None
            if len(node.input) > 1 and node.input[1]:
                lo = q(inits[node.input[1]])[0]
            if len(node.input) > 2 and node.input[2]:
                hi = q(inits[node.input[2]])[0]
            if lo is None and attr(node, "min", None) is not None:
                lo = exact_float(attr(node, "min", 0.0))
            if hi is None and attr(node, "max", None) is not None:
                hi = exact_float(attr(node, "max", 0.0))
            b.activation(_clip_text(lo, hi))
        elif op == "HardSigmoid":
            b.activation(_hard_sigmoid_text(exact_float(attr(node, "alpha", 0.2)),
                                            exact_float(attr(node, "beta", 0.5))))
        elif op == "HardSwish":
            b.activation(hardswish_text())
        elif op == "Mul":
            if list(node.input) != [live, live]:
                raise ImportFormatError(f"{where}: Mul is supported only as t*t (σ = x^2)")
            b.activation("x^2")
        elif op == "Pow":
            e = q(inits[node.input[1]]) if node.input[1] in inits else None
            if e is None or len(e) != 1 or e[0] != 2:
                raise ImportFormatError(f"{where}: Pow is supported only with exponent 2")
            b.activation("x^2")
        # Identity: nothing to do
        live = node.output[0]
        k += 1
    out_names = [o.name for o in graph.output]
    if out_names != [live]:
        raise ImportFormatError(f"{p}: the graph output {out_names} is not the last layer")
    if dtypes:
        dtype = ",".join(sorted(dtypes))
    np_type = {1: np.float32, 11: np.float64, 10: np.float16}.get(elem, np.float64)

    def float_forward(x: Sequence[float]) -> list[float]:
        from onnx.reference import ReferenceEvaluator

        arr = np.asarray(x, dtype=np_type).reshape([1] * (len(dims) - 1) + [dims[-1]])
        (out,) = ReferenceEvaluator(model).run(None, {inputs[0].name: arr})
        return [float(v) for v in np.asarray(out).reshape(-1)]

    return ImportedNetwork(b.build(), "onnx", dtype, b.activations, b.layers, float_forward)


# --------------------------------------------------------------------------- safetensors, npz

_KEY_RE = re.compile(r"^(.*?)(\d+)\.(weight|bias)$")


def _from_arrays(arrays: dict[str, Any], activations: Sequence[str] | None, fmt_name: str,
                 source: str) -> ImportedNetwork:
    import numpy as np

    layers: dict[int, dict[str, Any]] = {}
    prefixes = set()
    for key, arr in arrays.items():
        m = _KEY_RE.match(key)
        if not m:
            raise ImportFormatError(f"{source}: key {key!r} is not PREFIX<i>.weight or "
                                    f"PREFIX<i>.bias")
        prefixes.add(m.group(1))
        layers.setdefault(int(m.group(2)), {})[m.group(3)] = arr
    if not layers:
        raise ImportFormatError(f"{source}: no layer weights found")
    if len(prefixes) > 1:
        raise ImportFormatError(f"{source}: keys with different prefixes {sorted(prefixes)}")
    order = sorted(layers)
    for i in order:
        if "weight" not in layers[i]:
            raise ImportFormatError(f"{source}: layer {i} has a bias but no weight")
    acts = list(activations) if activations is not None else None
    if acts is None:
        raise ImportFormatError(f"{source}: no activations given (store them in the file or "
                                f"pass --activation)")
    if len(acts) == len(order) - 1:
        acts.append("id")
    if len(acts) != len(order):
        raise ImportFormatError(f"{source}: {len(acts)} activations for {len(order)} layers")
    first = np.asarray(layers[order[0]]["weight"])
    if first.ndim != 2:
        raise ImportFormatError(f"{source}: layer {order[0]} weight has shape {first.shape}")
    b = _Builder(first.shape[1])
    dtypes = set()
    for i, act in zip(order, acts, strict=True):
        w = np.asarray(layers[i]["weight"])
        dtypes.add(str(w.dtype))
        if w.ndim != 2:
            raise ImportFormatError(f"{source}: layer {i} weight has shape {w.shape}")
        wm = [[exact_float(float(v)) for v in row] for row in w]
        bias = None
        if "bias" in layers[i]:
            bv = np.asarray(layers[i]["bias"]).reshape(-1)
            bias = [exact_float(float(v)) for v in bv]
        b.dense(wm, bias)
        if act not in ("id", "identity"):
            b.activation(act)
    mats = [(np.asarray(layers[i]["weight"]), layers[i].get("bias")) for i in order]
    parsed = [parse_activation(a) for a in acts]

    def float_forward(x: Sequence[float]) -> list[float]:
        # numpy matrix products in the file's float type; activations exact, then rounded
        h = np.asarray(x, dtype=mats[0][0].dtype)
        for (w, bias), act in zip(mats, parsed, strict=True):
            h = w @ h + (np.asarray(bias).reshape(-1) if bias is not None else 0)
            h = np.asarray([float(act(exact_float(float(v)))) for v in h], dtype=w.dtype)
        return [float(v) for v in h]

    return ImportedNetwork(b.build(), fmt_name, ",".join(sorted(dtypes)), b.activations,
                           b.layers, float_forward)


def _split_acts(text: str) -> list[str]:
    return [a.strip() for a in text.split(";") if a.strip()]


def import_npz(path: str | Path, activations: Sequence[str] | None = None) -> ImportedNetwork:
    """Read an MLP from a numpy ``.npz`` archive (see the module doc)."""
    import numpy as np

    try:
        with np.load(str(path), allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError) as e:
        raise ImportFormatError(f"{path}: not a numpy .npz archive ({e})") from None
    stored = arrays.pop("activations", None)
    if activations is None and stored is not None:
        activations = [str(a) for a in np.asarray(stored).reshape(-1)]
    return _from_arrays(arrays, activations, "npz", str(path))


def import_safetensors(path: str | Path,
                       activations: Sequence[str] | None = None) -> ImportedNetwork:
    """Read an MLP from a ``.safetensors`` file (see the module doc)."""
    try:
        from safetensors import safe_open
    except ImportError:  # pragma: no cover - declared dependency
        raise ImportFormatError("reading safetensors needs the 'safetensors' package") from None
    try:
        with safe_open(str(path), framework="numpy") as f:
            arrays = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118
            meta = f.metadata() or {}
    except Exception as e:  # safetensors raises its own SafetensorError
        raise ImportFormatError(f"{path}: not a safetensors file ({e})") from None
    if activations is None and "whyrelu.activations" in meta:
        activations = _split_acts(meta["whyrelu.activations"])
    return _from_arrays(arrays, activations, "safetensors", str(path))


def model_format(path: str | Path) -> str | None:
    """``onnx``, ``safetensors`` or ``npz`` by the file's suffix, else ``None``."""
    suffix = Path(path).suffix.lower()
    return {".onnx": "onnx", ".safetensors": "safetensors", ".npz": "npz"}.get(suffix)


def import_network(path: str | Path,
                   activations: Sequence[str] | None = None) -> ImportedNetwork:
    """Read a model file exactly, by its suffix: ``.onnx``, ``.safetensors`` or ``.npz``."""
    kind = model_format(path)
    if not Path(path).is_file():
        raise FileNotFoundError(2, "No such file", str(path))
    if kind == "onnx":
        if activations is not None:
            raise ImportFormatError("ONNX models carry their activations; drop --activation")
        return import_onnx(path)
    if kind == "safetensors":
        return import_safetensors(path, activations)
    if kind == "npz":
        return import_npz(path, activations)
    raise ImportFormatError(f"{path}: unknown model format (expected a suffix among "
                            f".onnx, .safetensors, .npz)")


@dataclass(frozen=True)
class FloatComparison:
    """The exact outputs beside an independent float evaluation (:func:`compare_float`)."""

    exact: tuple[fmpq, ...]
    floats: tuple[float, ...]
    max_abs_error: float
    """max |float(exact) − float output| (0.0 when they agree to the last bit)."""
    max_rel_error: float


def compare_float(imported: ImportedNetwork, x: Sequence[fmpq]) -> FloatComparison:
    """Evaluate exactly and in floating point at the (exact) input ``x`` (floats labelled
    as such): the float path sees ``x`` rounded to the model's float type."""
    if imported.float_forward is None:
        raise ImportFormatError("this network has no float evaluation to compare with")
    net = imported.network
    if len(x) != len(net.inputs):
        raise ImportFormatError(f"expected {len(net.inputs)} inputs, got {len(x)}")
    exact = net(dict(zip(net.inputs, x, strict=True)))
    floats = imported.float_forward([float(v) for v in x])
    if len(floats) != len(exact):
        raise ImportFormatError(f"the float model has {len(floats)} outputs, the exact one "
                                f"{len(exact)}")
    abs_err = max(abs(float(e) - f) for e, f in zip(exact, floats, strict=True))
    rel_err = max(abs(float(e) - f) / max(abs(float(e)), 1e-300)
                  for e, f in zip(exact, floats, strict=True))
    return FloatComparison(tuple(exact), tuple(floats), abs_err, rel_err)
