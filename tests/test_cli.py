"""The ``whyrelu`` command line on hand-written files in ``tests/data``.

Expected values are computed by hand (shown in the comments) and cross-checked against
the Fraction reference engine; bad input must end with exit status 2 and exactly one line
on standard error, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from checkers.formats import dataset_from_json, network_from_json, read_json
from checkers.reference import RefNetwork, ref_bit, ref_samples, ref_size, ref_slp_values
from checkers.slp import parse_slp
from spec.cli import main

DATA = Path(__file__).resolve().parent / "data"


def d(name: str) -> str:
    return str(DATA / name)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    assert err == ""
    return json.loads(out)


# ------------------------------------------------------------------ slp eval


def test_slp_eval_rational_program(capsys: pytest.CaptureFixture[str]) -> None:
    # 3/2, 9/4, 3/4, 27/16; size(27/16) = bitlen(27) + bitlen(16) = 5 + 5
    assert run_json(capsys, "slp", "eval", d("chain.slp")) == {
        "value": "27/16", "size_bits": 10, "length": 3, "positive": True}
    # 27/16 = 1.1011 in binary
    bits = {j: run_json(capsys, "slp", "eval", d("chain.slp"), "--bit", str(j))["bit"]
            for j in (1, 0, -1, -2, -3, -4, -5)}
    assert bits == {1: 0, 0: 1, -1: 1, -2: 0, -3: 1, -4: 1, -5: 0}


def test_slp_eval_negative_program(capsys: pytest.CaptureFixture[str]) -> None:
    # 1, 2, 4, 16, 1 - 16 = -15 (size 4 + 1); |-15| = 1111b
    out = run_json(capsys, "slp", "eval", d("negative.slp"), "--bit", "3")
    assert out == {"value": "-15", "size_bits": 5, "length": 4, "positive": False, "bit": 1}
    assert run_json(capsys, "slp", "eval", d("negative.slp"), "--bit", "4")["bit"] == 0


@pytest.mark.parametrize("name", ["chain.slp", "negative.slp", "squaring.slp"])
def test_slp_eval_agrees_with_the_reference(capsys: pytest.CaptureFixture[str],
                                            name: str) -> None:
    want = ref_slp_values(parse_slp(Path(d(name)).read_text(encoding="utf-8")))[-1]
    for j in (-3, 0, 5, 300):
        out = run_json(capsys, "slp", "eval", d(name), "--bit", str(j))
        assert Fraction(out["value"]) == want
        assert out["size_bits"] == ref_size(want)
        assert out["positive"] == (want > 0)
        assert out["bit"] == ref_bit(want, j)


def test_slp_eval_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "slp", "eval", d("negative.slp"))
    assert code == 0
    assert out == "value: -15\nsize_bits: 5\nlength: 4\npositive: False\n"


def test_slp_eval_budget(capsys: pytest.CaptureFixture[str]) -> None:
    # a_i = 2^(2^i) has size 2^i + 2: a7 (130 bits) is the first beyond 100
    code, out, err = run(capsys, "slp", "eval", d("squaring.slp"), "--budget-bits", "100")
    assert code == 2 and out == ""
    assert err == ("whyrelu: error: bit budget exceeded at gate a7: size 130 bits > budget "
                   "100 bits\n")
    assert run_json(capsys, "slp", "eval", d("squaring.slp"), "--budget-bits", "0")[
        "size_bits"] == 2**8 + 2


# ------------------------------------------------------------------ net eval


def test_net_eval_by_hand(capsys: pytest.CaptureFixture[str]) -> None:
    # h = relu(2*3/2 - 1 - 1/3*3) = 1;  g = z^2 + z/2 at z = 1/2*3/2 + 1/4 = 1, so 3/2;
    # o = 3*1 - 2*3/2 + 1/2 = 1/2; the largest size is that of 3/2 (2 + 2 bits)
    out = run_json(capsys, "net", "eval", d("net.json"), "--input", "x=3/2", "--input", "y=3")
    assert out == {"outputs": {"o": "1/2"},
                   "values": {"x": "3/2", "y": "3", "h": "1", "g": "3/2", "o": "1/2"},
                   "max_size_bits": 4}


def test_net_eval_injects_at_hidden_nodes_and_defaults_to_zero(
    capsys: pytest.CaptureFixture[str]
) -> None:
    # nothing given: h = relu(-1) = 0, g at z = 1/4: 1/16 + 1/8 = 3/16, o = -3/8 + 1/2 = 1/8
    out = run_json(capsys, "net", "eval", d("net.json"))
    assert out["values"] == {"x": "0", "y": "0", "h": "0", "g": "3/16", "o": "1/8"}
    # injecting 5 at h: relu(5 - 1) = 4, o = 12 - 3/8 + 1/2
    out = run_json(capsys, "net", "eval", d("net.json"), "--input", "h = 5")
    assert out["values"]["h"] == "4" and out["outputs"] == {"o": "97/8"}


def test_net_eval_agrees_with_the_reference(capsys: pytest.CaptureFixture[str]) -> None:
    net = network_from_json(read_json(d("net.json")))
    ref = RefNetwork(net)
    for x, y in (("3/2", "3"), ("-7/5", "11/2"), ("100", "-1/9")):
        out = run_json(capsys, "net", "eval", d("net.json"), "--input", f"x={x}",
                       "--input", f"y={y}")
        want = ref.forward({"x": Fraction(x), "y": Fraction(y)})
        assert {k: Fraction(v) for k, v in out["values"].items()} == want


# ------------------------------------------------------------------ net grad


def test_net_grad_square_by_hand(capsys: pytest.CaptureFixture[str]) -> None:
    # sample 1 (x = 3/2, y = 3, label 1): o = 1/2, L = 1/8, delta_o = -1/2,
    #   delta_h = 3 * -1/2 = -3/2 (relu' = 1), delta_g = -2 * -1/2 * (2*1 + 1/2) = 5/2
    # sample 2 (x = -1, label -1/2): h = relu(-3) = 0, g = -1/16 at z = -1/4 where
    #   sigma'(z) = 0, o = 5/8, L = 81/128, delta_o = 9/8, delta_h = delta_g = 0
    out = run_json(capsys, "net", "grad", d("net.json"), "--data", d("data.json"),
                   "--loss", "square")
    assert out["loss"] == "97/128"
    assert out["grad_weight"] == {"x->h": "-9/4", "y->h": "-9/2", "x->g": "15/4",
                                  "h->o": "-1/2", "g->o": "-105/128"}
    assert out["grad_bias"] == {"x->h": "-3/2", "y->h": "-3/2", "x->g": "5/2",
                                "h->o": "5/8", "g->o": "5/8"}


def test_net_grad_hinge_by_hand(capsys: pytest.CaptureFixture[str]) -> None:
    # margins 1 - 1*1/2 = 1/2 and 1 + 5/8 = 13/8: L = 17/8, dL/do = -1 and +1
    out = run_json(capsys, "net", "grad", d("net.json"), "--data", d("data_hinge.json"),
                   "--loss", "hinge")
    assert out["loss"] == "17/8"
    assert out["grad_weight"] == {"x->h": "-9/2", "y->h": "-9", "x->g": "15/2",
                                  "h->o": "-1", "g->o": "-25/16"}
    assert out["grad_bias"] == {"x->h": "-3", "y->h": "-3", "x->g": "5", "h->o": "0",
                                "g->o": "0"}


@pytest.mark.parametrize(("data", "loss"), [("data.json", "square"),
                                            ("data_hinge.json", "hinge")])
def test_net_grad_agrees_with_the_reference(capsys: pytest.CaptureFixture[str], data: str,
                                            loss: str) -> None:
    net = network_from_json(read_json(d("net.json")))
    samples = dataset_from_json(read_json(d(data)), net)
    total, gw, gb = RefNetwork(net).gradient(ref_samples(samples), loss)
    out = run_json(capsys, "net", "grad", d("net.json"), "--data", d(data), "--loss", loss)
    keys = [f"{u}->{v}" for u, v in net.edges]
    assert Fraction(out["loss"]) == total
    assert [Fraction(out["grad_weight"][k]) for k in keys] == gw
    assert [Fraction(out["grad_bias"][k]) for k in keys] == gb
    assert isinstance(out["max_size_bits"], int) and out["max_size_bits"] > 0


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["slp", "eval", d("missing.slp")], "no such file: "),
        (["slp", "eval", str(DATA)], "is a directory: "),
        (["slp", "eval", d("malformed.slp")], "malformed.slp:2: expected 'a<i> = a<j> <op> a<k>'"),
        (["slp", "eval", d("forward_reference.slp")],
         "forward_reference.slp:3: gate a2 refers to the later gate a3"),
        (["slp", "eval", d("net.json")], "net.json: an SLP needs the keys 'a0' and 'gates'"),
        (["slp", "eval", d("chain.slp").replace("chain.slp", "net.json.slp")], "no such file"),
        (["net", "eval", d("missing.json")], "no such file: "),
        (["net", "eval", d("malformed.json")], "malformed.json: invalid JSON"),
        (["net", "eval", d("float_weight.json")], "JSON number 0.5 is a float"),
        (["net", "eval", d("cycle.json")], "the network has a directed cycle"),
        (["net", "eval", d("chain.slp")], "chain.slp: invalid JSON"),
        (["net", "eval", d("net.json"), "--input", "x=0.5.1"], "not a rational: '0.5.1'"),
        (["net", "eval", d("net.json"), "--input", "x=1/0"], "zero denominator"),
        (["net", "eval", d("net.json"), "--input", "q=1"], "--input: unknown node 'q'"),
        (["net", "eval", d("net.json"), "--input", "x"], "--input expects NAME=RATIONAL"),
        (["net", "grad", d("cycle.json"), "--data", d("data.json")], "directed cycle"),
        (["net", "grad", d("net.json"), "--data", d("float_data.json")],
         "JSON number 1.5 is a float"),
        (["net", "grad", d("net.json"), "--data", d("missing.json")], "no such file: "),
        (["net", "grad", d("net.json"), "--data", d("net.json")], "expected a JSON list"),
        (["net", "grad", d("float_weight.json"), "--data", d("data.json")],
         "JSON number 0.5 is a float"),
    ],
)
def test_bad_input_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str],
                                            argv: list[str], fragment: str) -> None:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 2
    assert out == ""
    assert err.startswith("whyrelu: error: ") and err.endswith("\n")
    assert err.count("\n") == 1, err
    assert fragment in err
    assert "Traceback" not in err


def test_non_utf8_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "latin.slp"
    bad.write_bytes(b"a0 = 1 # caf\xe9\n")
    code, _, err = run(capsys, "slp", "eval", str(bad))
    assert code == 2 and "not UTF-8" in err and err.count("\n") == 1
    bad_json = tmp_path / "latin.json"
    bad_json.write_bytes(b'{"nodes": "\xe9"}')
    code, _, err = run(capsys, "net", "eval", str(bad_json))
    assert code == 2 and "not UTF-8" in err and err.count("\n") == 1


# ------------------------------------------------------------------ the console script


def _script() -> str:
    return str(Path(sys.executable).with_name("whyrelu"))


def test_console_script_evaluates_and_rejects() -> None:
    ok = subprocess.run([_script(), "slp", "eval", d("chain.slp"), "--bit", "-1", "--json"],
                        capture_output=True, text=True, timeout=60, check=False)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"value": "27/16", "size_bits": 10, "length": 3,
                                     "positive": True, "bit": 1}
    bad = subprocess.run([_script(), "net", "grad", d("cycle.json"), "--data", d("data.json"),
                          "--json"], capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "directed cycle" in bad.stderr


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("check", "catalogue", "slp", "net"):
        assert name in out
