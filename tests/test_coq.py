"""Coq re-checks every certificate the ``ci`` profile's provers emit, and rejects perturbed
ones (one λ changed, one inverse entry changed, one Farkas multiplier changed).

Skipped only where ``coqc`` is absent (.ci/run installs the Debian package ``coq``).
"""

from __future__ import annotations

import time
from fractions import Fraction as F
from pathlib import Path

import pytest
from flint import fmpq

from checkers.activations import parse_activation
from checkers.certificates import Farkas, Invertibility, perturbed
from checkers.kernels import check_coq, coqc_path, run_coq, to_coq
from spec.cli import main
from spec.cli.certify import collect
from spec.gadget import basis_certificates, gadget_lambdas, star_certificate
from spec.harness import certify

pytestmark = pytest.mark.skipif(
    coqc_path() is None,
    reason="coqc not found: install Coq (Debian: apt-get install -y coq) to re-check the "
           "certificates; .ci/run installs it")

X3 = parse_activation("x^3")


def test_coq_accepts_every_certificate_of_the_ci_profile(tmp_path: Path) -> None:
    """All provers on all registered activations: one file, one coqc call, no cache."""
    items = [c for _stem, c in collect(None, None)]
    assert len(items) >= 3 * 5
    f = tmp_path / "all.v"
    f.write_text(certify.combined_coq(items), encoding="utf-8")
    start = time.perf_counter()
    verdict, detail = run_coq(f)
    assert verdict == "accepted", detail
    assert time.perf_counter() - start < 120


def test_coq_rejects_one_lambda_changed() -> None:
    lam = gadget_lambdas(X3)
    assert check_coq(star_certificate(X3, lam)).verdict == "accepted"
    lam[2] += fmpq(1, 1000)
    bad = star_certificate(X3, lam)
    assert check_coq(bad).verdict == "rejected"


def test_coq_rejects_one_inverse_entry_changed() -> None:
    _cols, inv = basis_certificates(X3)
    rows = [list(r) for r in inv.inverse]
    rows[1][2] += F(1, 3)
    bad = Invertibility(name="inverse_changed", statement="", matrix=inv.matrix,
                        inverse=tuple(tuple(r) for r in rows))
    assert check_coq(bad).verdict == "rejected"


def test_coq_rejects_one_farkas_multiplier_changed() -> None:
    good = Farkas(name="farkas", statement="x + y <= 1, -x <= -1, -y <= -1 is infeasible",
                  a=((F(1), F(1)), (F(-1), F(0)), (F(0), F(-1))), b=(F(1), F(-1), F(-1)),
                  y=(F(1), F(1), F(1)))
    assert good.accepted()
    assert check_coq(good).verdict == "accepted"
    assert check_coq(perturbed(good, F(1, 2))).verdict == "rejected"


def test_certify_cli_writes_and_checks_one_file_per_certificate(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    coq, smt, lean = tmp_path / "coq", tmp_path / "smt", tmp_path / "lean"
    assert main(["certify", "--claim", "Claim B.4", "--activation", "x^2", "--coq", str(coq),
                 "--smt", str(smt), "--lean", str(lean), "--check"]) == 0
    out = capsys.readouterr().out
    vs = sorted(p.name for p in coq.glob("*.v"))
    assert len(vs) == 2 and (coq / "_CoqProject").read_text().count(".v\n") == 2
    assert len(list(smt.glob("*.smt2"))) == 2 and len(list(lean.glob("*.lean"))) == 2
    assert out.count("accepted    Coq") == 2 and "rejected" not in out


def test_runner_reports_the_kernel(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WHYRELU_KERNEL_CACHE", str(tmp_path))
    items = basis_certificates(X3)
    assert certify.verify(items, "coq").checker == "Coq"
    assert certify.verify(items, "python").checker == "Python"
    bad = (items[0], perturbed(items[1]))
    v = certify.verify(bad, "coq")
    assert not v.accepted and v.refuted and "Python" in v.message


def test_coq_and_python_disagreeing_is_an_error(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    """If Coq rejected what Python accepted (here: a file made unprovable on purpose), the
    outcome is an error naming Coq, not a silent proof."""
    monkeypatch.setenv("WHYRELU_KERNEL_CACHE", str(tmp_path))
    monkeypatch.setattr(certify, "combined_coq",
                        lambda items: to_coq(items[0]).replace("ring.", "idtac."))
    v = certify.verify((star_certificate(X3, gadget_lambdas(X3)),), "coq")
    assert not v.accepted and not v.refuted and "rejected by Coq" in v.message
