"""Unit tests of the #SubsetSum → BitSLP → ERM_bit chain (``spec/subset_sum.py``) and
``whyrelu subset-sum``."""

from __future__ import annotations

import json

import pytest

from checkers.activations import parse_activation
from checkers.errors import DataError
from checkers.rationals import bit
from spec.cli import main
from spec.lemma32 import build_instance, compile_slp
from spec.subset_sum import (
    brute_force_count,
    gate_count_bound,
    instance_for_bit,
    subset_sum_chain,
    subset_sum_slp,
)


def test_slp_by_hand() -> None:
    ss = subset_sum_slp([3, 5, 7, 8])  # M = 5: exponents 15, 25, 35, 40 (6 bits)
    assert ss.M == 5
    assert ss.slp.value() == (1 + 2**15) * (1 + 2**25) * (1 + 2**35) * (1 + 2**40)
    # 1 + 5 squarings + (4−1) + (3−1) + (3−1) + (2−1) products + 4 "+1" + 3 products = 21
    assert ss.slp.length == 21 <= gate_count_bound([3, 5, 7, 8], 5)
    # {7, 8} and {3, 5, 7}
    v = ss.slp.value()
    assert sum(bit(v, p) << r for r, p in enumerate(ss.block(15))) == 2


def test_zero_and_single_weights() -> None:
    assert subset_sum_slp([0, 0]).slp.value() == 4  # N_0 = 4 < 2^3
    assert subset_sum_slp([0]).slp.value() == 2
    assert subset_sum_slp([4]).slp.value() == 1 + 2**8
    assert subset_sum_chain([0, 0, 0], 0, parse_activation("x^2")).count == 8


def test_brute_force() -> None:
    assert brute_force_count([1, 2, 3], 3) == 2
    assert brute_force_count([1] * 22, 3) == 1540  # C(22, 3), by the dynamic programme
    with pytest.raises(DataError):
        brute_force_count([], 0)
    with pytest.raises(DataError):
        brute_force_count([1, -2], 0)


def test_instance_for_bit_shares_everything_but_the_index() -> None:
    c = compile_slp(subset_sum_slp([1, 2]).slp, parse_activation("x^2"))
    base = build_instance(c, 0, a=1, b=3)
    other = instance_for_bit(base, 5)
    assert other.j == 5 and other.compiled is c and other.x0 is base.x0
    assert (other.a, other.b) == (1, 3) and other.loss.name.startswith("bit_extractor(j=5")
    with pytest.raises(DataError):
        instance_for_bit(base, "3")  # type: ignore[arg-type]


def test_chain_shared_and_reverified_agree() -> None:
    stages: list[str] = []
    r1 = subset_sum_chain([2, 3, 5], 5, parse_activation("x^3"), a=1, b=2,
                          progress=lambda s, d, t: stages.append(s))
    r2 = subset_sum_chain([2, 3, 5], 5, parse_activation("x^3"), a=1, b=2, reverify=True)
    assert r1.count == r2.count == r1.brute_force == 2
    assert r1.losses == r2.losses and set(r1.losses) <= {0, 2}
    assert r1.erm_instances == 4 and r1.forcing_ok
    assert stages[0].startswith("compiling") and stages[-1].startswith("enumerating")


def test_chain_rejects_bad_input() -> None:
    with pytest.raises(DataError):
        subset_sum_chain([1, 2], -1, parse_activation("x^2"))
    with pytest.raises(DataError):
        subset_sum_slp([1, 2], 0)


def test_cli_subset_sum(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subset-sum", "--weights", "3,5,7,8", "--target", "15", "--quiet",
                 "--json"]) == 0
    cap = capsys.readouterr()
    out = json.loads(cap.out)
    assert cap.err == ""
    assert out["count"] == out["brute_force"] == 2
    assert (out["slp_gates"], out["erm_instances"]) == (21, 5)
    assert out["network_nodes"] > 0 and out["network_edges"] > 0
    assert main(["subset-sum", "--weights", "1,1,1", "--target", "1", "--sigma", "x^3"]) == 0
    cap = capsys.readouterr()
    assert "count: 3" in cap.out and "deciding" in cap.err


@pytest.mark.parametrize("argv", [
    ["--weights", "1,x", "--target", "1"],
    ["--weights", "1,-2", "--target", "1"],
    ["--weights", "1,2", "--target", "-1"],
    ["--weights", "1,2", "--target", "1", "--sigma", "relu"],
    ["--weights", "1,2", "--target", "1", "--gap", "2", "1"],
    ["--weights", "1,2", "--target", "1", "--block-bits", "2"],
])
def test_cli_subset_sum_errors(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(["subset-sum", *argv, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("whyrelu: error:")
