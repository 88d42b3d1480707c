"""Models from elsewhere read exactly: ONNX, safetensors, npz (checkers.importers).

Every test builds its own small model file; expected values are computed by hand or by an
independent path (``onnx.reference`` in float64, numpy), never by the importer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import onnx
import pytest
from flint import fmpq
from onnx import NodeProto, TensorProto, helper, numpy_helper

from checkers.errors import WhyReluError
from checkers.importers import (
    ImportFormatError,
    compare_float,
    exact_float,
    import_network,
)

W1 = np.array([[0.5, -1.25], [0.1, 2.0], [-3.0, 0.75]], dtype=np.float32)  # (out=3, in=2)
B1 = np.array([0.5, -0.2, 1.0], dtype=np.float32)
W2 = np.array([[1.0, -0.5, 0.25]], dtype=np.float32)  # (1, 3)
B2 = np.array([0.125], dtype=np.float32)


def _onnx_mlp(path: Path, act_nodes: list[NodeProto], *, gemm: bool = True,
              dtype: int = TensorProto.FLOAT, extra_inits: list[TensorProto] | None = None,
              ) -> Path:
    npt = np.float32 if dtype == TensorProto.FLOAT else np.float64
    inits = [numpy_helper.from_array(W1.astype(npt), "W1"),
             numpy_helper.from_array(B1.astype(npt), "B1"),
             numpy_helper.from_array(W2.astype(npt), "W2"),
             numpy_helper.from_array(B2.astype(npt), "B2"), *(extra_inits or [])]
    if gemm:
        first = [helper.make_node("Gemm", ["x", "W1", "B1"], ["h"], transB=1)]
    else:
        inits[0] = numpy_helper.from_array(W1.T.astype(npt), "W1")
        first = [helper.make_node("MatMul", ["x", "W1"], ["m"]),
                 helper.make_node("Add", ["m", "B1"], ["h"])]
    last = [helper.make_node("Gemm", ["a", "W2", "B2"], ["y"], transB=1)]
    graph = helper.make_graph(
        [*first, *act_nodes, *last], "mlp",
        [helper.make_tensor_value_info("x", dtype, [1, 2])],
        [helper.make_tensor_value_info("y", dtype, [1, 1])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def _hand_mlp(x: list[Fraction], act: str) -> Fraction:
    """The MLP by hand over Fractions with the exact float32 weights."""
    w1 = [[Fraction(float(v)) for v in row] for row in W1]
    b1 = [Fraction(float(v)) for v in B1]
    w2 = [Fraction(float(v)) for v in W2[0]]
    h = [sum((w * xi for w, xi in zip(row, x, strict=True)), Fraction(0)) + b
         for row, b in zip(w1, b1, strict=True)]
    if act == "relu":
        a = [max(v, Fraction(0)) for v in h]
    elif act == "square":
        a = [v * v for v in h]
    elif act == "relu6":
        a = [min(max(v, Fraction(0)), Fraction(6)) for v in h]
    else:
        raise AssertionError(act)
    return sum((w * v for w, v in zip(w2, a, strict=True)), Fraction(0)) + Fraction(float(B2[0]))


def _out(path: Path, x: list[Fraction]) -> Fraction:
    imp = import_network(path)
    net = imp.network
    (y,) = net({n: fmpq(v.numerator, v.denominator) for n, v in zip(net.inputs, x,
                                                                    strict=True)})
    return Fraction(int(y.p), int(y.q))


X = [Fraction(3, 4), Fraction(-5, 2)]


def test_exact_float_is_the_dyadic_value() -> None:
    assert exact_float(0.1) == fmpq(3602879701896397, 2**55)
    assert exact_float(float(np.float32(0.1))) == fmpq(13421773, 2**27)
    assert exact_float(-2.5) == fmpq(-5, 2)
    with pytest.raises(ImportFormatError, match="non-finite"):
        exact_float(float("nan"))


@pytest.mark.parametrize("gemm", [True, False], ids=["gemm", "matmul_add"])
def test_onnx_relu_mlp_exact(tmp_path: Path, gemm: bool) -> None:
    p = _onnx_mlp(tmp_path / "m.onnx", [helper.make_node("Relu", ["h"], ["a"])], gemm=gemm)
    assert _out(p, X) == _hand_mlp(X, "relu")
    imp = import_network(p)
    assert imp.format == "onnx" and imp.dtype == "float32"
    assert imp.layers == [(2, 3), (3, 1)]
    assert imp.activations == ["relu", "id"]


def test_onnx_square_and_clip(tmp_path: Path) -> None:
    p = _onnx_mlp(tmp_path / "sq.onnx", [helper.make_node("Mul", ["h", "h"], ["a"])])
    assert _out(p, X) == _hand_mlp(X, "square")
    p2 = _onnx_mlp(tmp_path / "pow.onnx", [helper.make_node("Pow", ["h", "two"], ["a"])],
                   extra_inits=[numpy_helper.from_array(np.array(2.0, np.float32), "two")])
    assert _out(p2, X) == _hand_mlp(X, "square")
    p3 = _onnx_mlp(tmp_path / "clip.onnx", [helper.make_node("Clip", ["h", "lo", "hi"], ["a"])],
                   extra_inits=[numpy_helper.from_array(np.array(0.0, np.float32), "lo"),
                                numpy_helper.from_array(np.array(6.0, np.float32), "hi")])
    assert _out(p3, X) == _hand_mlp(X, "relu6")


def test_onnx_leaky_relu_alpha_is_the_float32_value(tmp_path: Path) -> None:
    p = _onnx_mlp(tmp_path / "l.onnx", [helper.make_node("LeakyRelu", ["h"], ["a"], alpha=0.01)])
    imp = import_network(p)
    alpha = Fraction(float(np.float32(0.01)))
    assert imp.activations[0] == f"leaky_relu({alpha})"
    assert alpha != Fraction(1, 100)  # the float32 weight, not the decimal it was typed as


def test_onnx_hard_sigmoid_breakpoints(tmp_path: Path) -> None:
    p = _onnx_mlp(tmp_path / "hs.onnx",
                  [helper.make_node("HardSigmoid", ["h"], ["a"], alpha=0.25, beta=0.5)])
    net = import_network(p).network
    act = net.activation("h0_0")
    assert act is not None
    # max(0, min(1, x/4 + 1/2)): 0 at x <= -2, 1 at x >= 2, exactly at the breakpoints
    assert act(fmpq(-2)) == 0 and act(fmpq(2)) == 1 and act(fmpq(1)) == fmpq(3, 4)


def test_onnx_compare_float_agrees_to_float_precision(tmp_path: Path) -> None:
    p = _onnx_mlp(tmp_path / "m.onnx", [helper.make_node("Relu", ["h"], ["a"])],
                  dtype=TensorProto.DOUBLE)
    imp = import_network(p)
    cmp = compare_float(imp, [fmpq(3, 4), fmpq(-5, 2)])
    assert Fraction(int(cmp.exact[0].p), int(cmp.exact[0].q)) == _hand_mlp(X, "relu")
    assert cmp.max_rel_error < 1e-14  # float64 onnx.reference vs the exact value


def test_onnx_unsupported_operator_is_named(tmp_path: Path) -> None:
    p = _onnx_mlp(tmp_path / "t.onnx", [helper.make_node("Tanh", ["h"], ["a"], name="act1")])
    with pytest.raises(ImportFormatError, match=r"act1 \(Tanh\): unsupported operator Tanh"):
        import_network(p)


def test_not_an_onnx_file(tmp_path: Path) -> None:
    p = tmp_path / "bad.onnx"
    p.write_bytes(b"\x00garbage")
    with pytest.raises(WhyReluError, match="not an ONNX model"):
        import_network(p)


def _savez(path: Path, **arrays: np.ndarray) -> None:
    np.savez(str(path), *(), **arrays)  # type: ignore[arg-type]


def _state(prefix: str = "") -> dict[str, np.ndarray]:
    return {f"{prefix}0.weight": W1, f"{prefix}0.bias": B1,
            f"{prefix}2.weight": W2, f"{prefix}2.bias": B2}


def test_npz_with_stored_activations(tmp_path: Path) -> None:
    p = tmp_path / "m.npz"
    _savez(p, **_state("layers."), activations=np.array(["relu", "id"]))
    assert _out(p, X) == _hand_mlp(X, "relu")


def test_npz_activations_from_caller_and_missing(tmp_path: Path) -> None:
    p = tmp_path / "m.npz"
    _savez(p, **_state())
    with pytest.raises(ImportFormatError, match="no activations given"):
        import_network(p)
    imp = import_network(p, ["x^2"])  # the last layer defaults to id
    (y,) = imp.network({n: fmpq(v.numerator, v.denominator)
                        for n, v in zip(imp.network.inputs, X, strict=True)})
    assert Fraction(int(y.p), int(y.q)) == _hand_mlp(X, "square")


def test_safetensors_metadata_activations(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    p = tmp_path / "m.safetensors"
    save_file(_state(), str(p), metadata={"whyrelu.activations": "relu;id"})
    assert _out(p, X) == _hand_mlp(X, "relu")
    cmp = compare_float(import_network(p), [fmpq(3, 4), fmpq(-5, 2)])
    assert cmp.max_rel_error < 1e-6  # float32 numpy path vs exact


def test_bad_keys_and_shapes(tmp_path: Path) -> None:
    p = tmp_path / "k.npz"
    np.savez(p, foo=W1)
    with pytest.raises(ImportFormatError, match=r"'foo' is not PREFIX<i>\.weight"):
        import_network(p, ["relu"])
    p2 = tmp_path / "s.npz"
    _savez(p2, **{"0.weight": W1, "1.weight": W1})  # 3 outputs feed a 2-input layer
    with pytest.raises(ImportFormatError, match="weight shape does not match"):
        import_network(p2, ["relu", "id"])
    with pytest.raises(ImportFormatError, match="unknown model format"):
        import_network(Path(__file__))


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spec.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False)


def test_cli_import_eval_compare(tmp_path: Path) -> None:
    p = _onnx_mlp(tmp_path / "m.onnx", [helper.make_node("Relu", ["h"], ["a"])])
    r = _run("net", "import", str(p), "-o", str(tmp_path / "net.json"), "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["activations"] == ["relu", "id"]
    doc = json.loads((tmp_path / "net.json").read_text())
    assert any(e["weight"] == str(Fraction(float(np.float32(0.1)))) for e in doc["edges"])
    r = _run("net", "eval", str(p), "--input", "x0=3/4", "--input", "x1=-5/2",
             "--compare-float", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert Fraction(out["outputs"]["h1_0"]) == _hand_mlp(X, "relu")
    assert out["max_rel_float_error"] < 1e-6
    bad = tmp_path / "t.onnx"
    _onnx_mlp(bad, [helper.make_node("Tanh", ["h"], ["a"], name="act1")])
    r = _run("net", "import", str(bad), "-o", str(tmp_path / "x.json"), cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Tanh" in r.stderr


def test_onnx_hardswish_is_the_piecewise_polynomial(tmp_path: Path) -> None:
    p = _onnx_mlp(tmp_path / "hsw.onnx", [helper.make_node("HardSwish", ["h"], ["a"])])
    imp = import_network(p)
    assert imp.activations[0] == "hardswish"
    act = imp.network.activation("h0_0")
    assert act is not None
    # x·max(0, min(1, x/6 + 1/2)) by hand at -3, -1, 0, 3 and 4
    for x, v in [(-3, 0), (-1, fmpq(-1, 3)), (0, 0), (3, 3), (4, 4)]:
        assert act(fmpq(x)) == v


def test_onnx_clip_0_6_is_relu6(tmp_path: Path) -> None:
    p = _onnx_mlp(tmp_path / "c.onnx", [helper.make_node("Clip", ["h", "lo", "hi"], ["a"])],
                  extra_inits=[numpy_helper.from_array(np.array(0.0, np.float32), "lo"),
                               numpy_helper.from_array(np.array(6.0, np.float32), "hi")])
    assert import_network(p).activations[0] == "relu6"
