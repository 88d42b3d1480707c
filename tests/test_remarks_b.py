"""Unit tests of Remarks B.2 and B.3 (``spec/remarks_b.py``), with values worked out by hand."""

from __future__ import annotations

import pytest
from flint import fmpq

from checkers.activations import parse_activation
from checkers.slp import SLP
from spec.bnslp import NotIntegerSLPError
from spec.lemma32 import compile_slp
from spec.remarks_b import (
    RegularisedInstance,
    amplifying_program,
    encoding_size,
    hinge_instance,
    posslp_program,
    separating_exponent,
)

X2 = parse_activation("x^2")


@pytest.mark.parametrize("gates,n_p", [
    ([("+", 0, 0), ("+", 1, 0)], 3),
    ([("-", 0, 0)], 0),
    ([("-", 0, 0), ("-", 1, 0), ("+", 2, 2)], -2),
])
def test_posslp_program_and_hinge(gates: list[tuple[str, int, int]], n_p: int) -> None:
    p = SLP.of(1, gates)
    q = posslp_program(p)
    assert q.value() == 2 * n_p - 1 and q.length == p.length + 2
    hi = hinge_instance(p, X2, b=3)
    # per copy max{0, 1 − n_Q}: 0, 2, 6
    want = 3 * max(0, 1 - (2 * n_p - 1))
    assert hi.loss_at() == want == hi.loss_materialised()
    assert hi.forcing.forcing_ok()
    assert len(hi.samples()) == hi.forcing.template_count() + 1


def test_posslp_rejects_rational_programs() -> None:
    with pytest.raises(NotIntegerSLPError):
        posslp_program(SLP.of("1/2", []))


def test_regularised_instance_by_hand() -> None:
    c = compile_slp(SLP.of(1, [("+", 0, 0)]), X2)  # one edge v0 → v1, w∗ = 2, b∗ = 0
    assert encoding_size(c.theta_star) == 3 + 1  # size(2) = bitlen(2) + bitlen(1), size(0)
    # Q∗ = 1 (θ∗ = (2, 0)): M_K = 2(K − 1) + 2·1 + bitlen(b)
    assert separating_exponent(c, 5, 1) == 8 + 2 + 1
    ri = RegularisedInstance(c, 1, 2, 11)
    assert ri.objective() == 0  # bit_1(2) = 1
    th = c.theta_star.replace(0, bias=fmpq(1, 8))  # size(1/8) = 5 = K
    assert ri.penalty(th) == fmpq(2**11, 64) == 32 >= 2
    assert RegularisedInstance(c, 0, 2, 11).objective() == 2  # bit_0(2) = 0


def test_amplifying_program() -> None:
    p = amplifying_program(3)
    assert p.value() == 2**8
