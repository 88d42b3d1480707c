"""Unit tests of Lemma 3.1 / Claim B.4 (spec.gadget), App. F (spec.fractional) and the
``whyrelu gadget`` command."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from flint import fmpq, fmpq_mat, fmpq_poly

from checkers.activations import RELU, Polynomial, parse_activation
from checkers.certificates import Invertibility, PolynomialIdentity
from checkers.errors import DegreeError
from spec.claims import ClaimFailure
from spec.cli import main
from spec.fractional import binomial, coefficient_matrix, series_witness
from spec.gadget import (
    _check_line,
    _prove_basis,
    _prove_identity,
    _show_xy,
    basis_coordinates,
    det_closed_form,
    gadget_lambdas,
    gadget_polynomial,
    gadget_value,
    lambda_hat,
    lambdas_by_sympy,
    shift_matrix,
    sigma_polynomial,
    solution_direction,
    superfactorial,
)

Q = fmpq


def test_paper_example_x_squared() -> None:
    assert gadget_lambdas(parse_activation("x^2")) == [Q(1, 2), Q(0), Q(0)]
    assert lambda_hat(parse_activation("x^2")) == [Q(1), Q(0), Q(0)]


def test_shift_matrix_of_x_squared_by_hand() -> None:
    # columns: U², (U+1)² = U² + 2U + 1, (U+2)² = U² + 4U + 4
    assert shift_matrix(parse_activation("x^2")) == fmpq_mat(3, 3, [0, 1, 4, 0, 2, 4, 1, 1, 1])
    x2 = parse_activation("x^2")
    assert shift_matrix(x2).det() == -4 == det_closed_form(x2)


@pytest.mark.parametrize("sigma", ["x^2 + x", "x^3", "1/3*x^2 - 1/2*x + 2/5",
                                   "x^5 - 2*x^3 + 1/7*x", "-7*x^4 + x + 3"])
def test_identity_holds_symbolically_and_at_points(sigma: str) -> None:
    lam = gadget_lambdas(parse_activation(sigma))
    assert len(lam) == sigma_polynomial(parse_activation(sigma)).degree() + 1
    x, y = gadget_polynomial(parse_activation(sigma), lam).context().gens()
    assert gadget_polynomial(parse_activation(sigma), lam) == x * y
    for a, b in [(Q(3), Q(-5)), (Q(-1, 7), Q(2) ** 90), (Q(1, 2**70), Q(-3, 11))]:
        assert gadget_value(parse_activation(sigma), lam, a, b) == a * b
    assert gadget_value(parse_activation(sigma), lam, Q(2), Q(3), drop_y_term=True) != 6


@pytest.mark.parametrize("sigma", ["x^2 + x", "x^3", "-7*x^4 + x + 3"])
def test_solution_line_and_det(sigma: str) -> None:
    lam = gadget_lambdas(parse_activation(sigma))
    d = solution_direction(parse_activation(sigma))
    moved = [a + 5 * b for a, b in zip(lam, d, strict=True)]
    x, y = gadget_polynomial(parse_activation(sigma), moved).context().gens()
    assert gadget_polynomial(parse_activation(sigma), moved) == x * y
    assert moved != lam
    act = parse_activation(sigma)
    assert shift_matrix(act).det() == det_closed_form(act) != 0


def test_lambda_matches_sympy() -> None:
    x3 = parse_activation("x^3")
    assert lambdas_by_sympy(x3) == [Fraction(int(v.p), int(v.q)) for v in gadget_lambdas(x3)]


def test_basis_coordinates_rebuild_a_polynomial() -> None:
    p = sigma_polynomial(parse_activation("x^3 - x"))
    target = fmpq_poly([1, -2, 3, 4])
    alpha = basis_coordinates(Polynomial(p), target)
    total = fmpq_poly([])
    for j, a in enumerate(alpha):
        total += a * p(fmpq_poly([j, 1]))
    assert total == target
    with pytest.raises(DegreeError):
        basis_coordinates(Polynomial(p), fmpq_poly([0, 0, 0, 0, 1]))


def test_superfactorial() -> None:
    assert [superfactorial(m) for m in range(5)] == [1, 1, 2, 12, 288]


@pytest.mark.parametrize("bad", ["x", "2*x + 1", "3", "0*x^2 + x"])
def test_degree_below_two_is_a_degree_error(bad: str) -> None:
    with pytest.raises(DegreeError, match="degree >= 2"):
        gadget_lambdas(parse_activation(bad))


def test_non_polynomials_are_degree_errors() -> None:
    with pytest.raises(DegreeError, match="not a polynomial"):
        gadget_lambdas(RELU)
    with pytest.raises(DegreeError):
        gadget_lambdas(Polynomial("x"))


def test_generalised_binomial() -> None:
    assert binomial(Q(1, 2), 3) == Q(1, 16)
    assert binomial(Q(-1), 5) == -1
    assert binomial(Q(3), 4) == 0
    m = coefficient_matrix(Q(1, 3), [Q(0), Q(1), Q(2)])
    assert m.rank() == 3
    assert series_witness(Q(1, 3), [Q(0), Q(1)], [Q(0), Q(0)]) is None
    assert series_witness(Q(1, 3), [Q(0), Q(1)], [Q(1), Q(-1)]) == (1, Q(-1, 3))


def test_cli_gadget_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gadget", "x^2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sigma"] == "x^2"
    assert out["degree"] == 2
    assert out["lambda"] == ["1/2", "0", "0"]


def test_cli_gadget_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gadget", "x^2 + x"]) == 0
    assert "lambda: 1, -3/4, 1/4" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["x", "relu", "x^2 +"])
def test_cli_gadget_bad_sigma(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gadget", bad]) == 2
    err = capsys.readouterr().err
    assert err.startswith("whyrelu: error:")
    assert len(err.strip().splitlines()) == 1


def test_show_xy_prints_both_coordinates() -> None:
    # the counterexample line a failing (★) prints: x first, then y
    assert _show_xy((Q(1, 2), Q(-3))) == "x = 1/2, y = -3"


def test_provers_return_their_typed_certificates() -> None:
    # an empty `items` would make the runner report `proved` with nothing re-checked
    x2 = parse_activation("x^2")
    (star,) = _prove_identity(x2).items
    assert isinstance(star, PolynomialIdentity)
    assert star.name == "lemma_3_1" and star.accepted()
    assert "λ = (1/2, 0, 0)" in star.statement
    cols, inv = _prove_basis(x2).items
    assert (cols.name, inv.name) == ("claim_B_4_columns", "claim_B_4_inverse")
    assert isinstance(inv, Invertibility) and cols.accepted() and inv.accepted()
    # C^{-1} of C = [[0,1,4],[0,2,4],[1,1,1]] (columns U², (U+1)², (U+2)²), by hand
    assert [[Fraction(v) for v in r] for r in inv.inverse] == [
        [Fraction(1, 2), Fraction(-3, 4), Fraction(1)],
        [Fraction(-1), Fraction(1), Fraction(0)],
        [Fraction(1, 2), Fraction(-1, 4), Fraction(0)]]


def test_prove_basis_invertibility_check_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    # planted: a singular C whose (planted) closed form agrees, so only "C is invertible"
    # stands between it and a certificate
    import spec.gadget as g

    monkeypatch.setattr(g, "shift_matrix", lambda act: fmpq_mat(3, 3, [1, 1, 0] * 3))
    monkeypatch.setattr(g, "det_closed_form", lambda act: Q(0))
    with pytest.raises(ClaimFailure, match=r"^C is invertible"):
        _prove_basis(parse_activation("x^2"))


def test_solution_line_moves_g_by_c_u_to_the_k() -> None:
    # Σ_j d_j σ(U + j) = U^k for d = C^{-1}e_k, so λ + c·d adds c·((x+y)^k − x^k − y^k)
    # to the left side of (★): −c for k = 0, 2c·xy for k = 2, nothing for k = 1
    x2 = parse_activation("x^2")
    X, Y = gadget_polynomial(x2, gadget_lambdas(x2)).context().gens()
    _check_line(x2, Q(3), 1, Q(1), Q(2))
    for k, lhs in [(0, X * Y - 3), (2, 7 * X * Y)]:
        with pytest.raises(ClaimFailure, match="along the direction") as e:
            _check_line(x2, Q(3), k, Q(1), Q(2))
        assert e.value.terms["lhs"] == lhs
