"""checkers.lp: exact feasibility with checked witnesses and Farkas certificates."""

from __future__ import annotations

import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.lp import (
    Feasible,
    Infeasible,
    LPError,
    Multipliers,
    System,
    check_farkas,
    check_witness,
    farkas_certificate,
    feasible,
    solve,
)


def test_feasible_point_checks() -> None:
    r = feasible([[1, 1]], [0], [[1, -1]], [3])
    assert isinstance(r, Feasible)
    assert check_witness(System.of([[1, 1]], [0], [[1, -1]], [3]), r.witness)


def test_infeasible_interval_has_farkas() -> None:
    sys = System.of([[1], [-1]], [1, -2])
    r = feasible([[1], [-1]], [1, -2])
    assert isinstance(r, Infeasible)
    assert check_farkas(sys, r.farkas)
    assert r.farkas == Multipliers((fmpq(1), fmpq(1)))


def test_equality_only_infeasible() -> None:
    sys = System.of([], [], [[0, 0]], [1])
    r = feasible([], [], [[0, 0]], [1])
    assert isinstance(r, Infeasible) and check_farkas(sys, r.farkas)


@pytest.mark.parametrize("index", [0, 1])
def test_perturbed_certificate_rejected(index: int) -> None:
    sys = System.of([[1], [-1]], [1, -2])
    r = feasible([[1], [-1]], [1, -2])
    assert isinstance(r, Infeasible)
    assert not check_farkas(sys, r.farkas.perturbed(index))


def test_checker_rejects_negative_multiplier_and_wrong_sign() -> None:
    sys = System.of([[1], [-1]], [1, -2])
    assert not check_farkas(sys, Multipliers((fmpq(-1), fmpq(-1))))
    assert not check_farkas(System.of([[1], [-1]], [2, -1]), Multipliers((fmpq(1), fmpq(1))))


def test_witness_checker_rejects_violation() -> None:
    assert not check_witness(System.of([[1, 1]], [0], [[1, -1]], [3]), [fmpq(3), fmpq(0)])


def test_malformed_systems() -> None:
    with pytest.raises(LPError):
        feasible([[1, 2], [1]], [0, 0])
    with pytest.raises(LPError):
        feasible([[1]], [0, 1])
    with pytest.raises(LPError):
        feasible([], [])
    assert isinstance(feasible([], [], nvars=2), Feasible)


def test_shared_certificate_type() -> None:
    sys = System.of([[1, 0]], [-1], [[0, 1], [1, 0]], [1, 0])
    r = feasible([[1, 0]], [-1], [[0, 1], [1, 0]], [1, 0])
    assert isinstance(r, Infeasible)
    cert = farkas_certificate(sys, r.farkas)
    assert cert.kind == "farkas" and cert.accepted()
    assert not farkas_certificate(sys, r.farkas.perturbed(2)).accepted()


def test_sympy_backend_agrees() -> None:
    for A, b in (([[1], [-1]], [1, -2]), ([[1, 1]], [0])):
        ours = feasible(A, b)
        theirs = feasible(A, b, backend="sympy")
        assert type(ours) is type(theirs)
    with pytest.raises(LPError):
        feasible([[1]], [0], backend="cplex")


def test_sympy_backend_wrong_points_are_caught() -> None:
    """sympy 1.14's linprog answers 'feasible' with a violating point on the triangle's
    first certified prefix (an infeasible system): the check turns it into LPError."""
    from checkers.relu_erm import decide, prefix_rows
    from spec.beyond.relu_np_hardness import SetSplitting, problem

    p = problem(SetSplitting(3, ((1, 2), (2, 3), (1, 3))))
    d = decide(p)
    assert d.refutation is not None
    prefix, _ = d.refutation.certificates[0]
    sys = prefix_rows(p, d.refutation.order, prefix).system(p.nvars)
    assert isinstance(solve(sys), Infeasible)
    try:
        theirs = solve(sys, backend="sympy")
    except LPError:
        return
    assert isinstance(theirs, Infeasible)

_ENTRY = st.integers(-3, 3)


@st.composite
def _systems(draw: st.DrawFn) -> System:
    n = draw(st.integers(1, 4))
    m = draw(st.integers(0, 6))
    k = draw(st.integers(0, 3))
    rows = [[draw(_ENTRY) for _ in range(n)] for _ in range(m)]
    rows_eq = [[draw(_ENTRY) for _ in range(n)] for _ in range(k)]
    rhs = [draw(_ENTRY) for _ in range(m)]
    rhs_eq = [draw(_ENTRY) for _ in range(k)]
    if m and draw(st.booleans()):  # a repeated row: degenerate systems
        rows.append(rows[0])
        rhs.append(rhs[0])
    return System.of(rows, rhs, rows_eq, rhs_eq, nvars=n)


@settings(max_examples=150, deadline=None)
@given(_systems())
def test_flint_backend_always_answers_with_a_checked_certificate(sys: System) -> None:
    r = solve(sys)  # LPError would mean an answer that failed its check
    if isinstance(r, Feasible):
        assert check_witness(sys, r.witness)
    else:
        assert check_farkas(sys, r.farkas)


@pytest.mark.parametrize("backend", ["flint", "sympy"])
def test_a_system_without_variables(backend: str) -> None:
    """No free variables (every parameter fixed): ``0 ≤ b``, ``0 = b_eq`` read off; sympy's
    linprog refuses an empty objective, so its backend answers these directly."""
    from checkers.lp import Feasible, Infeasible, System, solve

    q = fmpq
    assert isinstance(solve(System(((),), (q(1),), (), (), 0), backend=backend), Feasible)
    assert isinstance(solve(System(((),), (q(-1),), (), (), 0), backend=backend), Infeasible)
    assert isinstance(solve(System((), (), ((),), (q(2),), 0), backend=backend), Infeasible)
    assert isinstance(solve(System((), (), ((),), (q(0),), 0), backend=backend), Feasible)
