"""Unit tests of Definition A.3, Lemma A.4 and the Lemma A.5 transform (``spec/bnslp.py``) and
``whyrelu slp bnslp``; expected values are worked out by hand in the comments."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from flint import fmpq

from checkers.errors import SLPError
from checkers.reference import ref_slp_values
from checkers.slp import SLP, Gate, parse_slp, squaring_chain
from spec.bnslp import (
    NotIntegerSLPError,
    bn_constant,
    count_gates,
    exponents,
    gate_bound,
    is_bnslp,
    to_bnslp,
    with_bn_constant,
)
from spec.cli import main

# a1 = 2, a2 = 4, a3 = 5
P = SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("+", 2, 0)])


def test_transform_by_hand() -> None:
    # e = (1, 1, 2, 2); gate 3 aligns a0 by t = 1 (one gate: b0·p0); the output needs
    # t = 2^3 − 2 = 6 = 110b: squarings p1, p2 and two products; m = 3 + 1 + 2 + 2 = 8
    # (the paper's construction and the shared one emit the same gates here: one gadget
    # needs squarings)
    assert exponents(P) == [1, 1, 2, 2]
    assert count_gates(P) == count_gates(P, "shared") == 8
    paper = to_bnslp(P)
    assert paper.construction == "paper" and paper.powers == (0,)
    assert paper.squarings == ((1, 5), (2, 6))
    assert [(g.t, g.gates) for g in paper.gadgets] == [(1, 1), (6, 4)]
    bn = to_bnslp(P, construction="shared")
    assert bn.slp == paper.slp
    assert bn.m == 8 and bn.n == 3 and bn.b0 == fmpq(1, 256)
    assert bn.slp.gates == (Gate("+", 0, 0), Gate("*", 1, 1), Gate("*", 0, 0),
                            Gate("+", 2, 3), Gate("*", 0, 0), Gate("*", 5, 5),
                            Gate("*", 4, 5), Gate("*", 7, 6))
    assert bn.positions == (0, 1, 2, 4) and bn.powers == (0, 5, 6)
    assert bn.output_exponent == 8 and bn.scale_exponent == 64
    assert bn.slp.value() == fmpq(5, 2**64)
    vals = bn.slp.evaluate()
    assert vals[bn.positions[2]] == fmpq(4, 256**2)  # ã_2 = b0^2·a_2
    assert all(abs(v) <= 1 for v in vals)
    assert bn.bit_position(2) == -62
    assert parse_slp(bn.to_text()) == bn.slp


def test_paper_construction_recomputes_squarings_per_gadget() -> None:
    # seven: e = (1, 1, 2, 3, 3); a4 = a3 − a0 aligns a0 by t = 2 (paper: squaring p1 and
    # one product = 2 gates); the output by t = 16 − 3 = 13 = 1101b (paper: p1, p2, p3 again
    # and 3 products = 6 gates); m = 4 + 2 + 6 = 12.  Shared: p1 is reused, m = 11.
    seven = SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("*", 2, 1), ("-", 3, 0)])
    paper, shared = to_bnslp(seven), to_bnslp(seven, construction="shared")
    assert (paper.m, shared.m) == (12, 11) == (count_gates(seven), count_gates(seven, "shared"))
    assert [g.gates for g in paper.gadgets] == [2, 6]
    assert [g.gates for g in shared.gadgets] == [2, 5]
    assert paper.scale_exponent == 192 and shared.scale_exponent == 176
    assert paper.slp.value() == fmpq(7, 2**192) and shared.slp.value() == fmpq(7, 2**176)
    assert paper.bit_position(2) == -190
    with pytest.raises(SLPError, match="construction"):
        to_bnslp(seven, construction="other")  # type: ignore[arg-type]


def test_squaring_chain_needs_no_alignment() -> None:
    # e_i = 2^i already, so m = n and the output is b0^(2^n)·2^(2^(n−1))
    p = SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("*", 2, 2), ("*", 3, 3)])
    bn = to_bnslp(p)
    assert exponents(p) == [1, 1, 2, 4, 8]
    # a1 = a0 + a0 keeps e = 1, so the output needs t = 16 − 8 = 8 = 1000b: one product and
    # the squarings p1, p2, p3
    assert bn.m == 4 + 1 + 3
    sq = to_bnslp(squaring_chain(3, 1))
    assert sq.m == 3 and sq.slp.value() == fmpq(1, 2**24)


def test_empty_program() -> None:
    bn = to_bnslp(SLP.of(1, []))
    assert bn.m == 0 and bn.slp.a0 == 1 and bn.slp.value() == 1 and bn.scale_exponent == 0


def test_rejects_non_integer_programs() -> None:
    with pytest.raises(NotIntegerSLPError, match="a0 = 1"):
        to_bnslp(SLP.of("1/2", [("+", 0, 0)]))
    with pytest.raises(SLPError):
        count_gates(SLP.of(3, []))
    with pytest.raises(SLPError):
        to_bnslp("a0 = 1")  # type: ignore[arg-type]


def test_definition_a3_and_lemma_a4_tightness() -> None:
    doubling = SLP.of(1, [("+", i, i) for i in range(5)])
    q = with_bn_constant(doubling)
    assert is_bnslp(q) and q.a0 == bn_constant(5) == fmpq(1, 32)
    assert q.value() == 1  # 2^5·2^-5: Lemma A.4 is tight
    assert with_bn_constant(doubling, extra_bits=1).value() == 2  # one bit too large
    assert not is_bnslp(doubling)
    with pytest.raises(SLPError):
        bn_constant(-1)


def test_gate_bound_and_quadratic_growth() -> None:
    assert [gate_bound(n, "shared") for n in range(5)] == [0, 2, 6, 11, 17]
    assert [gate_bound(n) for n in range(5)] == [0, 2, 6, 12, 20]  # n² + n
    n, k = 64, 32  # 32 squarings then 32 additions of a0: each aligns by 2^32 − 1
    p = SLP(fmpq(1), tuple(Gate("*", i - 1, i - 1) if i <= k else Gate("+", i - 1, 0)
                           for i in range(1, n + 1)))
    m = count_gates(p, "shared")
    # + the output's popcount(2^64 − 2^32) = 32 and the squarings p_1..p_63 (t < 2^64)
    assert m == n + 32 * 32 + 32 + 63
    assert m <= gate_bound(n, "shared") and 0.25 < m / n**2 < 0.3
    # the paper's: each of the 32 gadgets G_{2^32 − 1} costs 31 + 32, the output's
    # G_{2^64 − 2^32} costs 63 + 32
    m = count_gates(p)
    assert m == n + 32 * 63 + 95
    assert m <= gate_bound(n) and 0.5 < m / n**2 < 0.55


def test_output_against_reference_on_a_mixed_program() -> None:
    p = SLP.of(1, [("+", 0, 0), ("-", 1, 0), ("*", 1, 1), ("-", 2, 3), ("*", 4, 1)])
    bn = to_bnslp(p)
    n_p = ref_slp_values(p)[-1]
    v = bn.slp.value()
    assert Fraction(int(v.p), int(v.q)) == Fraction(n_p, 2**bn.scale_exponent)
    assert bn.m <= gate_bound(bn.n)


def _write(tmp_path: Path, name: str, text: str) -> str:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return str(f)


def test_cli_bnslp(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path, "p.slp", "a0 = 1\na1 = a0 + a0\na2 = a1 * a1\na3 = a2 + a0\n")
    assert main(["slp", "bnslp", f]) == 0
    text = capsys.readouterr().out
    assert parse_slp(text) == to_bnslp(P).slp
    out = tmp_path / "q.slp"
    assert main(["slp", "bnslp", f, "-o", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["gates"] == summary["m"] == 8 and summary["scale_exponent"] == 64
    assert summary["construction"] == "paper" and summary["bit_position"] == -64
    assert parse_slp(out.read_text(encoding="utf-8")).value() == fmpq(5, 2**64)
    assert main(["slp", "bnslp", f, "--json"]) == 0
    assert parse_slp(json.loads(capsys.readouterr().out)["program"]) == to_bnslp(P).slp


def test_cli_bnslp_rejects_rational_a0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path, "r.slp", "a0 = 1/2\na1 = a0 * a0\n")
    assert main(["slp", "bnslp", f]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a0 = 1" in err


def test_cli_bnslp_constructions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(tmp_path, "seven.slp", "a0 = 1\na1 = a0 + a0\na2 = a1 * a1\na3 = a2 * a1\n"
               "a4 = a3 - a0\n")
    for construction, m in (("paper", 12), ("shared", 11)):
        assert main(["slp", "bnslp", f, "--construction", construction, "--digit", "2",
                     "--json"]) == 0
        d = json.loads(capsys.readouterr().out)
        assert (d["construction"], d["m"], d["scale_exponent"]) == (construction, m, m * 16)
        assert d["bit_position"] == 2 - m * 16
        assert parse_slp(d["program"]).value() == fmpq(7, 2 ** (m * 16))
    # argparse rejects an unknown choice: one line, exit status 2
    assert main(["slp", "bnslp", f, "--construction", "other"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--construction" in err


# ---------------------------------------------------------------- mutation sample of bnslp.py


def test_gadget_cost_by_hand() -> None:
    # ⌊log₂ t⌋ squarings + popcount(t) products; G_0 emits nothing
    from spec.bnslp import gadget_cost

    assert [gadget_cost(t) for t in range(8)] == [0, 1, 2, 3, 3, 4, 4, 5]
    assert gadget_cost(-3) == 0 and gadget_cost(13) == 3 + 3


def test_low_alignment_bug_is_one_power_short() -> None:
    # seven: a4 = a3 − a0 aligns a0 by t = 2; the planted bug aligns by 1; the output's
    # G_13 is not touched by it
    seven = SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("*", 2, 1), ("-", 3, 0)])
    assert [g.t for g in to_bnslp(seven).gadgets] == [2, 13]
    assert [g.t for g in to_bnslp(seven, _bug="low_alignment").gadgets] == [1, 13]
    assert [g.t for g in to_bnslp(seven, _bug="no_output_scaling").gadgets] == [2]
    # the same with the aligned operand on the left: a4 = a0 − a3
    minus7 = SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("*", 2, 1), ("-", 0, 3)])
    assert [g.t for g in to_bnslp(minus7).gadgets] == [2, 13]
    assert [g.t for g in to_bnslp(minus7, _bug="low_alignment").gadgets] == [1, 13]


def test_a5_programs_draw_beyond_the_quadratic_family() -> None:
    # the quadratic family has only squarings and additions of a0: the random programs must
    # also be drawn (a subtraction, and a product of two different gates)
    from hypothesis import find, settings

    from spec.bnslp import _a5_programs

    s = settings(database=None, max_examples=300)
    assert find(_a5_programs(), lambda p: any(g.op == "-" for g in p.gates), settings=s)
    assert find(_a5_programs(), lambda p: any(g.op == "*" and g.j != g.k for g in p.gates),
                settings=s)
    # and the quadratic family itself up to its longest programs (n = 8)
    assert find(_a5_programs(), lambda p: p.length == 8, settings=s).length == 8


def test_lemma_a5_figures_by_hand() -> None:
    # the squaring chain of length 6: e_i = 2^i, no alignment, m = n = 6, and b_0 = 2^-6 is
    # its largest value (the squares only shrink)
    from spec.bnslp import _check_lemma_a5

    chain = SLP.of(1, [("*", i, i) for i in range(6)])
    ev = _check_lemma_a5(chain, None)
    assert ev.figures == {"n": 6, "m": 6, "max_abs_value": fmpq(1, 64), "m_per_n2": Fraction(1, 6),
                          "m_per_n2_from_n6": Fraction(1, 6), "gates": 6}
    assert ev.bounds == {"gates": 42}
    assert "m_per_n2_from_n6" not in _check_lemma_a5(P, None).figures


def test_lemma_a5_check_reads_the_top_digit(monkeypatch: pytest.MonkeyPatch) -> None:
    # planted: bit_position off by one (digit j + 1 read for digit j).  n_P = 15 = 1111b
    # hides it at digits 0, 1, 2 and above the top; only the top digit j = 3 sees 0 ≠ 1
    from spec.bnslp import BNSLP, _check_lemma_a5
    from spec.claims import ClaimFailure

    fifteen = SLP.of(1, [("+", 0, 0), ("*", 1, 1), ("*", 2, 2), ("-", 3, 0)])
    assert ref_slp_values(fifteen)[-1] == 15
    _check_lemma_a5(fifteen, None)
    monkeypatch.setattr(BNSLP, "bit_position", lambda self, j: j + 1 - self.scale_exponent)
    with pytest.raises(ClaimFailure) as err:
        _check_lemma_a5(fifteen, None)
    assert err.value.message == "digit j of n_P sits at position j − m·2^n of the output"
    assert err.value.terms["j"] == 3


def test_lemma_a5_check_bounds_the_exponents(monkeypatch: pytest.MonkeyPatch) -> None:
    # planted: e_1 = 3 > 2^1 recorded for P (e = (1, 1, 2, 2)); the bound e_i <= 2^i is the
    # first sub-check to fail, at i = 1
    import dataclasses

    import spec.bnslp as mod
    from spec.claims import ClaimFailure

    real = mod.to_bnslp

    def planted(p: SLP, **kw: object) -> mod.BNSLP:
        bn = real(p, **kw)  # type: ignore[arg-type]
        return dataclasses.replace(bn, exponents=(1, 3, *bn.exponents[2:]))

    monkeypatch.setattr(mod, "to_bnslp", planted)
    with pytest.raises(ClaimFailure) as err:
        mod._check_lemma_a5(P, None)
    assert err.value.message == "e_i <= 2^i" and err.value.terms["i"] == 1
