"""Typed certificates (checkers/certificates.py): JSON, the Python checker, z3, Lean text,
and negative controls — a perturbed certificate is rejected by every checker."""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

import pytest
from flint import fmpq, fmpq_mpoly_ctx, fmpq_poly

from checkers.activations import parse_activation
from checkers.certificates import (
    SCHEMA,
    CertificateError,
    CertificateRejected,
    ExactEvaluation,
    Farkas,
    Invertibility,
    KernelCertificate,
    PolynomialIdentity,
    add,
    div,
    farkas,
    from_json,
    invertibility,
    mul,
    perturbed,
    polynomial_identity,
    rational_identity,
    sub,
)
from checkers.kernels import check_z3, lean_well_formed, to_lean, to_smt, z3_available
from spec.gadget import basis_certificates, gadget_lambdas, star_certificate
from spec.slp_network import gadget_certificates

needs_z3 = pytest.mark.skipif(not z3_available(), reason="z3-solver is not installed "
                              "(pip install z3-solver) — the z3 checks are skipped")

X3 = parse_activation("x^3")


def _examples() -> list[KernelCertificate]:
    return [
        star_certificate(X3, gadget_lambdas(X3)),
        *basis_certificates(X3),
        gadget_certificates(parse_activation("x^2"))[4],
        rational_identity(sub(div("1", "x"), div("1", add("x", "1"))),
                          div("1", mul("x", add("x", "1"))), ["x"], ["x", add("x", "1")],
                          name="reciprocal"),
        invertibility([[1, 2], [3, 4]], [[-2, 1], [F(3, 2), F(-1, 2)]], name="inv2"),
        ExactEvaluation(name="slp", statement="a2 = a0^2 + a0 at 3/2",
                        inputs=(("a0", F(3, 2)),),
                        definitions=(("a1", mul("a0", "a0")), ("a2", add("a1", "a0"))),
                        output="a2", claimed=F(15, 4)),
        Farkas(name="farkas", statement="x <= 0 and -x <= -1 is infeasible",
               a=((F(1),), (F(-1),)), b=(F(0), F(-1)), y=(F(1), F(1))),
    ]


EXAMPLES = _examples()
IDS = [c.name for c in EXAMPLES]


@pytest.mark.parametrize("cert", EXAMPLES, ids=IDS)
def test_json_round_trip_and_python_checker(cert: KernelCertificate) -> None:
    data = cert.to_json()
    assert data["schema"] == SCHEMA and data["kind"] == cert.kind
    again = from_json(json.dumps(data))
    assert again == cert
    again.check()


@pytest.mark.parametrize("cert", EXAMPLES, ids=IDS)
def test_perturbed_certificate_is_rejected_by_python(cert: KernelCertificate) -> None:
    bad = perturbed(cert)
    assert bad != cert
    with pytest.raises(CertificateRejected):
        bad.check()


@needs_z3
@pytest.mark.parametrize("cert", EXAMPLES, ids=IDS)
def test_z3_accepts_and_rejects_the_perturbed(cert: KernelCertificate) -> None:
    assert check_z3(cert).verdict == "accepted", to_smt(cert)
    assert check_z3(perturbed(cert)).verdict == "rejected"


@pytest.mark.parametrize("cert", EXAMPLES, ids=IDS)
def test_lean_statement_is_well_formed(cert: KernelCertificate) -> None:
    text = to_lean(cert)
    assert lean_well_formed(text), text
    assert not lean_well_formed(text.replace(":= by", ":= by sorry"))
    assert not lean_well_formed(text + ")")


def test_one_lambda_changed_is_rejected() -> None:
    lam = gadget_lambdas(X3)
    for j in range(len(lam)):
        bad = list(lam)
        bad[j] += fmpq(1, 1000)
        assert not star_certificate(X3, bad).accepted()


def test_one_inverse_entry_changed_is_rejected() -> None:
    _cols, inv = basis_certificates(X3)
    n = len(inv.inverse)
    for i in range(n):
        rows = [list(r) for r in inv.inverse]
        rows[i][(i + 1) % n] += F(1, 7)
        bad = Invertibility(name="b", statement="", matrix=inv.matrix,
                            inverse=tuple(tuple(r) for r in rows))
        assert not bad.accepted()


def test_rational_identity_needs_its_side_conditions() -> None:
    lhs = sub(div("1", "x"), div("1", add("x", "1")))
    rhs = div("1", mul("x", add("x", "1")))
    assert rational_identity(lhs, rhs, ["x"], ["x", add("x", "1")]).accepted()
    missing = rational_identity(lhs, rhs, ["x"], ["x"])
    with pytest.raises(CertificateRejected, match="not excluded"):
        missing.check()


def test_polynomial_identity_from_flint() -> None:
    ctx = fmpq_mpoly_ctx.get(("x", "y"), "lex")
    x, y = ctx.gens()
    c = polynomial_identity(mul(add("x", "y"), add("x", "y")), x * x + 2 * x * y + y * y,
                            ["x", "y"], name="square")
    c.check()
    assert not polynomial_identity((x + y) ** 2, x * x + y * y, ["x", "y"]).accepted()
    p = fmpq_poly([0, 0, 1])  # t^2
    polynomial_identity(p, mul("t", "t"), ["t"]).check()
    assert polynomial_identity(["/", "t", "2"], fmpq_poly([0, fmpq(1, 2)]), ["t"]).accepted()
    with pytest.raises(CertificateRejected, match="non-constant"):
        polynomial_identity(["/", "1", "t"], "1", ["t"]).check()


def test_farkas_conditions_each_matter() -> None:
    base = EXAMPLES[-1]
    assert isinstance(base, Farkas)
    negative = Farkas(name="n", statement="", a=base.a, b=base.b, y=(F(-1), F(-1)))
    not_zero = Farkas(name="z", statement="", a=base.a, b=base.b, y=(F(2), F(1)))
    not_negative = Farkas(name="p", statement="", a=base.a, b=(F(0), F(1)), y=(F(1), F(1)))
    for bad in (negative, not_zero, not_negative):
        assert not bad.accepted()


@pytest.mark.parametrize("text, match", [
    ("not json", "not JSON"),
    (json.dumps({"schema": "whyrelu-certificate/0", "kind": "farkas"}), "schema"),
    (json.dumps({"schema": SCHEMA, "kind": "magic"}), "unknown certificate kind"),
    (json.dumps({"schema": SCHEMA, "kind": "farkas", "name": "f"}), "malformed"),
])
def test_bad_json_is_a_typed_error(text: str, match: str) -> None:
    with pytest.raises(CertificateError, match=match):
        from_json(text)


def test_bad_expressions_are_refused() -> None:
    with pytest.raises(CertificateError):
        PolynomialIdentity(name="n", statement="", variables=("x",), lhs="z", rhs="0")
    with pytest.raises(CertificateError):
        PolynomialIdentity(name="n", statement="", variables=("x",), lhs=["^", "x", "-1"],
                           rhs="0")


def test_cli_certify_rejects_a_perturbed_json_certificate(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    from spec.cli import main

    good = tmp_path / "good.json"
    bad = tmp_path / "bad.json"
    good.write_text(EXAMPLES[4].dumps())  # the 2×2 inverse
    bad.write_text(perturbed(EXAMPLES[4]).dumps())
    assert main(["certify", "--from", str(good), "--json-dir", str(tmp_path / "j"),
                 "--lean", str(tmp_path / "lean"), "--check"]) == 0
    assert main(["certify", "--from", str(bad), "--json-dir", str(tmp_path / "j"),
                 "--check"]) == 1
    out = capsys.readouterr().out
    assert "rejected    Python bad" in out
    assert (tmp_path / "lean" / "good.lean").exists()
    assert main(["certify", "--from", str(bad)]) == 2


def test_farkas_builder_takes_flint() -> None:
    from flint import fmpq_mat, fmpz_mat

    a = fmpz_mat(3, 2, [1, 1, -1, 0, 0, -1])
    f = farkas(a, [1, -1, -1], [1, 1, 1])
    f.check()
    assert farkas(fmpq_mat(a), [1, -1, -1], [fmpq(1, 2), 1, 1]).accepted() is False


def test_outcome_label_and_report_name_the_checker(monkeypatch: pytest.MonkeyPatch) -> None:
    from spec.claims import get_claim
    from spec.harness.report import Row, checkers_line
    from spec.harness.runner import Result

    def res(act: str, outcome: str, by: str | None) -> Result:
        return Result(item=f"x[{act}]", claim_id="gadget.identity", ref="Lemma 3.1",
                      status="theorem", activation=act, expect="holds",
                      outcome=outcome, examples=1, seconds=0.0,  # type: ignore[arg-type]
                      checked_by=by)

    assert res("x^2", "proved", "Coq").outcome_label == "proved (Coq)"
    assert res("x^2", "holds", None).outcome_label == "holds"
    claim = get_claim("gadget.identity")
    assert Row(claim, [res("x^2", "proved", "Coq"), res("x^3", "proved", "Coq")]).outcome() \
        == "proved (Coq, 2)"
    assert Row(claim, [res("x^2", "proved", "Coq"), res("x^3", "proved", "Python")]
               ).outcome() == "proved (Coq) 1, proved (Python) 1"
    again = Result.from_json(res("x^2", "proved", "z3").to_json())
    assert again.checked_by == "z3"
    monkeypatch.setenv("WHYRELU_KERNEL", "python")
    assert checkers_line().endswith("Python (WHYRELU_KERNEL=python; see docs/certificates.md)")


@needs_z3
def test_verify_with_z3_only() -> None:
    from spec.harness import certify

    items = basis_certificates(X3)
    assert certify.verify(items, "z3").checker == "z3"
    assert certify.verify(items, "python").checker == "Python"


def test_reserved_names_are_refused() -> None:
    with pytest.raises(CertificateError, match="reserved"):
        PolynomialIdentity(name="n", statement="", variables=("Q",), lhs="Q", rhs="Q")
    with pytest.raises(CertificateError, match="reserved"):
        ExactEvaluation(name="n", statement="", inputs=(("x", F(1)),),
                        definitions=(("let", "x"),), output="x", claimed=F(1))
