"""Unit tests of spec.theorem_e2: ERM_bit instances, the verifier, its cost, GD steps."""

from __future__ import annotations

from fractions import Fraction

import pytest
from flint import fmpq, fmpz

from checkers.activations import IDENTITY, RELU, Polynomial, parse_activation
from checkers.errors import DataError, NetworkError
from checkers.losses import HINGE, SQUARE
from checkers.network import Edge, Network, Sample
from checkers.rationals import size
from spec.theorem_e2 import (
    COST_CONSTANT,
    COST_EXPONENT,
    CostExceeded,
    ERMInstance,
    Theta,
    cost_bound,
    depth1_linear,
    depth2_network,
    enc_activation,
    enc_data,
    enc_network,
    enc_rational,
    fitted_exponent,
    gd_bounds,
    gd_step,
    log2_lower,
    theta_bits,
    total_length,
    verify,
)


def _net() -> Network:
    return Network({"x": None, "h": RELU, "o": IDENTITY},
                   [Edge.of("x", "h", "2", "-1/2"), Edge.of("h", "o", "3/4", "1")],
                   outputs=["o"])


DATA = (Sample.of({"x": "1"}, ["2"]), Sample.of({"x": "-1"}, ["0"]))


def test_encodings() -> None:
    assert enc_rational(fmpq(-3, 7)) == 6
    assert enc_activation(None) == 1 and enc_activation(IDENTITY) == 2
    # relu: breakpoint 0, pieces (0, 0), (1, 0): 2 + 2 + (2 + 2) + (3 + 2)
    assert enc_activation(RELU) == 13
    net = _net()
    assert enc_network(net) == 1 + 13 + 2 + (2 * 2 + 1 + 1) * 2 + 2 + 2 + 2
    assert enc_data(net, DATA) == 2 + 1 + 2 * (2 + 3) + 4 + 2
    inst = ERMInstance(net, DATA, SQUARE, fmpq(1), 2, 1)
    assert inst.size == enc_network(net) + enc_data(net, DATA) + 1 + 3
    assert inst.budget == 2 * inst.size
    theta = Theta.from_network(net)
    assert theta.enc_bits() == sum(1 + size(q) for q in (*net.weights, *net.biases))
    assert total_length(inst, theta) == inst.size + theta.enc_bits()


def test_verifier_accepts_exactly_at_gamma() -> None:
    net = _net()
    # x = 1: h = 3/2, o = 17/8, loss 1/128; x = -1: h = 0, o = 1, loss 1/2
    loss = fmpq(1, 128) + fmpq(1, 2)
    theta = Theta.from_network(net)
    v = verify(ERMInstance(net, DATA, SQUARE, loss, 1, 1), theta)
    assert v.accepted and v.loss == loss and v.cost > 0 and v.ops > 0
    assert not verify(ERMInstance(net, DATA, SQUARE, loss - fmpq(1, 1000), 1, 1),
                      theta).accepted
    assert v.cost <= cost_bound(ERMInstance(net, DATA, SQUARE, loss, 1, 1), theta)
    h = verify(ERMInstance(net, DATA, HINGE, fmpq(10), 1, 1), theta)
    assert h.loss == net.loss(list(DATA), HINGE)


def test_cost_limit_stops_the_verifier() -> None:
    net = _net()
    inst = ERMInstance(net, DATA, SQUARE, fmpq(1), 1, 1)
    theta = Theta.from_network(net)
    full = verify(inst, theta).cost
    assert verify(inst, theta, cost_limit=full).cost == full
    with pytest.raises(CostExceeded):
        verify(inst, theta, cost_limit=full - 1)


def test_oversized_certificate_is_rejected_unevaluated() -> None:
    net = _net()
    big = Theta.of([fmpq(1, 3**200), 1], [0, 0])
    v = verify(ERMInstance(net, DATA, SQUARE, fmpq(100), 1, 1), big)
    assert not v.accepted and v.loss is None and v.reason.startswith("encoding")
    assert v.cost == big.enc_bits()


def test_bad_instances_and_certificates() -> None:
    net = _net()
    with pytest.raises(DataError, match="C2"):
        ERMInstance(net, DATA, SQUARE, fmpq(1), 1, -1)
    with pytest.raises(DataError, match="labels"):
        ERMInstance(net, (Sample.of({"x": "1"}, ["1", "2"]),), SQUARE, fmpq(1), 1, 1)
    with pytest.raises(DataError, match="unknown node"):
        ERMInstance(net, (Sample.of({"z": "1"}, ["1"]),), SQUARE, fmpq(1), 1, 1)
    with pytest.raises(NetworkError, match="certificate"):
        verify(ERMInstance(net, DATA, SQUARE, fmpq(1), 1, 1), Theta.of([1], [0]))


def test_cost_constant_on_small_instances() -> None:
    for act in (RELU, parse_activation("leaky_relu(1/3)")):
        net = Network({"x": None, "h": act, "o": IDENTITY},
                      [Edge.of("x", "h", "5/3", "-2/7"), Edge.of("h", "o", "-1/9", "4")],
                      outputs=["o"])
        inst = ERMInstance(net, DATA, SQUARE, fmpq(0), 1, 1)
        theta = Theta.from_network(net)
        assert verify(inst, theta).cost <= cost_bound(inst, theta)
        assert cost_bound(inst, theta) <= COST_CONSTANT * total_length(inst, theta) ** 5
    assert COST_EXPONENT == 5


def test_log2_lower_and_fitted_exponent() -> None:
    assert log2_lower(1) == 0 and log2_lower(8) == 3
    low = log2_lower(7)
    assert low.denominator == 64 or 64 % low.denominator == 0
    e = int(low * 64)
    assert 2**e <= 7**64 < 2 ** (e + 1)
    pts = [(n, n**3) for n in (2, 4, 8, 16)]
    assert fitted_exponent(pts) == 3
    approx = fitted_exponent([(n, 5 * n * n) for n in (3, 10, 30, 100)])
    assert abs(approx - 2) < Fraction(1, 20)


def test_gd_step_matches_the_hand_computation() -> None:
    net = Network({"x": None, "o": IDENTITY}, [Edge.of("x", "o", "1/2", "0")], outputs=["o"])
    data = (Sample.of({"x": "3"}, ["1"]),)
    new = gd_step(net, data, SQUARE, fmpq(1, 10))
    # r = 3/2 - 1 = 1/2: dL/dw = 3/2, dL/db = 1/2
    assert new.weights == (fmpq(1, 2) - fmpq(3, 20),) and new.biases == (fmpq(-1, 20),)
    assert theta_bits(new) == max(size(fmpq(7, 20)), size(fmpq(-1, 20)))


def test_gd_bounds_and_depth1_line() -> None:
    net = Network({"x": None, "v": RELU}, [Edge.of("x", "v", "1/3", "1/5")], outputs=["v"])
    data = (Sample.of({"x": "2/3"}, ["1"]),)
    eta = fmpq(1, 2)
    bounds = gd_bounds(net, data, SQUARE, eta, 5)
    alpha, beta = depth1_linear(net, data, SQUARE, eta)
    cur = net
    for k in range(6):
        assert theta_bits(cur) <= bounds.bits(k) and theta_bits(cur) <= alpha + beta * k
        cur = gd_step(cur, data, SQUARE, eta)
    # depth 1: the denominator bound is multiplied by den(η)·D²·Σ² per step
    assert bounds.dens[1] == bounds.dens[0] * 2 * 9


def test_depth2_family_triples_the_valuation() -> None:
    net = depth2_network(RELU, fmpq(1, 3), fmpq(1, 3))
    data = (Sample.of({"x": "1"}, ["0"]),)
    for k in range(4):
        den = net.weights[0].q
        assert den % fmpz(3) ** (3**k) == 0 and (den // fmpz(3) ** (3**k)) % 3 != 0
        net = gd_step(net, data, SQUARE, fmpq(1, 2))


def test_polynomial_gd_leaves_the_line() -> None:
    net = Network({"x": None, "v": Polynomial("x^2")}, [Edge.of("x", "v", "1/2", "1/3")],
                  outputs=["v"])
    data = (Sample.of({"x": "1"}, ["1"]),)
    alpha, beta = depth1_linear(net, data, SQUARE, fmpq(1))
    cur = net
    sizes = []
    for _ in range(4):
        cur = gd_step(cur, data, SQUARE, fmpq(1))
        sizes.append(theta_bits(cur))
    assert any(s > alpha + beta * (k + 1) for k, s in enumerate(sizes))


# ---------------------------------------------------------------- mutation-score tests (issue 21)


def test_verdict_reasons_are_pinned() -> None:
    """The three verdict reasons a user (and a planted failure) sees, one each."""
    net = _net()
    theta = Theta.from_network(net)
    loss = fmpq(1, 128) + fmpq(1, 2)
    assert verify(ERMInstance(net, DATA, SQUARE, loss, 1, 1), theta).reason == "accepted"
    low = verify(ERMInstance(net, DATA, SQUARE, loss - fmpq(1, 1000), 1, 1), theta)
    assert (low.accepted, low.reason, low.loss) == (False, "loss above gamma", loss)
    big = verify(ERMInstance(net, DATA, SQUARE, fmpq(100), 1, 1),
                 Theta.of([fmpq(1, 3**200), 1], [0, 0]))
    assert big.reason == "encoding exceeds the budget"


def test_verifier_evaluates_phi_k_by_hand() -> None:
    """φ_2(identity) with clip 1 (Remark 1.5) inside the verifier, against a hand computation:
    z = x/3 rounds down to a multiple of 1/4, then clips to [-1, 1]."""
    from checkers.activation_kinds import BitBounded

    phi = BitBounded(IDENTITY, 2)
    net = Network({"x": None, "h": phi, "o": IDENTITY},
                  [Edge.of("x", "h", "1/3", "0"), Edge.of("h", "o", "1", "0")], outputs=["o"])
    data = (Sample.of({"x": "1"}, ["0"]), Sample.of({"x": "5"}, ["0"]),
            Sample.of({"x": "-5"}, ["0"]))
    # x = 1: ⌊4/3⌋/4 = 1/4; x = 5: ⌊20/3⌋/4 = 3/2 → 1; x = -5: ⌊-20/3⌋/4 = -7/4 → -1
    loss = fmpq(1, 2) * (fmpq(1, 16) + 1 + 1)
    theta = Theta.from_network(net)
    v = verify(ERMInstance(net, data, SQUARE, loss, 1, 1), theta)
    assert v.accepted and v.loss == loss == fmpq(33, 32)
    assert not verify(ERMInstance(net, data, SQUARE, loss - fmpq(1, 64), 1, 1), theta).accepted


def test_paper_size_formula_covers_phi_k() -> None:
    """The claims' independent |I| formula (``_paper_size``) on a φ_K network, against the
    instance's own size: 2 + bitlen(K) + 1 + enc(C) + enc(base) for the activation."""
    from checkers.activation_kinds import BitBounded
    from spec.theorem_e2.verifier import _paper_size

    phi = BitBounded(RELU, 3, fmpq(5, 2))
    net = Network({"x": None, "h": phi}, [Edge.of("x", "h", "1/3", "1")], outputs=["h"])
    data = (Sample.of({"x": "2"}, ["1"]),)
    inst = ERMInstance(net, data, SQUARE, fmpq(1, 2), 1, 1)
    size_i, enc_theta = _paper_size(net, data, Fraction(1, 2))
    assert (size_i, enc_theta) == (inst.size, Theta.from_network(net).enc_bits())
    # φ_3(relu, 5/2): 2 + bitlen(3) + 1 + enc(5/2) + enc(relu) = 2 + 2 + 1 + (1 + 3 + 2) + 13
    assert enc_activation(phi) == 24


def test_operation_count_per_sample_is_exact() -> None:
    """``_ops_per_sample`` against the verifier's own operation count (one ``le`` at the
    end): per in-edge a product and two sums, ReLU a comparison, a product and a sum, the
    square loss per output a difference, a product and a sum, then ½· and the total."""
    from spec.theorem_e2.verifier import _ops_per_sample

    net = _net()
    inst = ERMInstance(net, DATA, SQUARE, fmpq(1), 1, 1)
    assert _ops_per_sample(net) == 3 + 3 + 3 + 0 + 4 + 2
    assert verify(inst, Theta.from_network(net)).ops == 2 * _ops_per_sample(net) - 1


def test_operation_count_names_an_unsupported_activation() -> None:
    from spec.theorem_e2.verifier import _activation_ops

    with pytest.raises(NetworkError, match=r"no operation count for activation relu\^2"):
        _activation_ops(parse_activation("relu^2"))


def test_cost_bound_at_a_budget_met_exactly() -> None:
    """|enc θ| equal to the budget (C₂ = 0, C₁ = |enc θ|): θ is within budget, evaluated,
    and the full bound applies (not the early return of an oversized θ)."""
    net = _net()
    theta = Theta.from_network(net)
    inst = ERMInstance(net, DATA, SQUARE, fmpq(1), theta.enc_bits(), 0)
    assert inst.budget == theta.enc_bits()
    v = verify(inst, theta)
    assert v.loss is not None and v.cost > theta.enc_bits()
    assert v.cost <= cost_bound(inst, theta)


def test_cost_bound_when_a_constant_dominates() -> None:
    """``cost_bound`` = |enc θ| + 2·U·(n·ops + 1) with U the largest operand size: with
    γ = 2^4000 (size 4001 + 1 bits) or 3^-3000 (1 + 4755 bits) every forward value,
    gradient and loss of the small network is far smaller, so U = size(γ) and the bound is
    17 + 2·size(γ)·(2·15 + 1) exactly (|enc θ| = 4 + 4 + 6 + 3 for θ = (2, −½, ¾, 1);
    15 operations per sample, ``test_operation_count_per_sample_is_exact``)."""
    net = _net()
    theta = Theta.from_network(net)
    for gamma, bits in ((fmpq(2) ** 4000, 4002), (fmpq(1, 3) ** 3000, 4756)):
        inst = ERMInstance(net, DATA, SQUARE, gamma, 1, 1)
        assert cost_bound(inst, theta) == 17 + 2 * bits * (2 * 15 + 1)


def test_polynomial_chain_strategy_draws_nonzero_weights() -> None:
    """The dichotomy control's chains x → v1 → … → vd (σ = x²) use one nonzero weight w
    on every edge and a drawn input x, as declared."""
    from hypothesis import given, settings

    from spec.theorem_e2.verifier import _x2_chains

    xs: set[fmpq] = set()

    @settings(max_examples=60, database=None, deadline=None)
    @given(_x2_chains(Polynomial("x^2")))
    def run(case: object) -> None:
        dag = case.dag  # type: ignore[attr-defined]
        ws = dag.net.weights
        assert ws and all(w != 0 and w == ws[0] for w in ws)
        assert 1 <= len(ws) <= 12
        xs.add(dag.data[0].x["x"])

    run()
    assert len(xs) > 1


def test_error_messages_are_pinned() -> None:
    net = _net()
    with pytest.raises(DataError, match=r"^ERM_bit: gamma must be an exact rational \(fmpq\)$"):
        ERMInstance(net, DATA, SQUARE, Fraction(1), 1, 1)  # type: ignore[arg-type]
    inst = ERMInstance(net, DATA, SQUARE, fmpq(1), 1, 1)
    theta = Theta.from_network(net)
    with pytest.raises(CostExceeded) as e:
        verify(inst, theta, cost_limit=3)
    assert str(e.value) == f"bit cost {e.value.cost} > limit 3" and e.value.cost > 3


def test_phi_k_cost_accumulates() -> None:
    """The meter is additive over samples, φ_K nodes included: with c_s the cost of sample s
    and ℓ the final comparison, cost(D) = enc + Σ c_s + ℓ_D, so cost(D) + enc exceeds
    cost({s1}) + cost({s3}) by c_{s2} + ℓ_D − ℓ_1 − ℓ_3 > 0 (a φ_K charge that overwrote
    the running cost would break this)."""
    from checkers.activation_kinds import BitBounded

    net = Network({"x": None, "h": BitBounded(IDENTITY, 2), "o": IDENTITY},
                  [Edge.of("x", "h", "1/3", "0"), Edge.of("h", "o", "1", "0")], outputs=["o"])
    s1, s2, s3 = (Sample.of({"x": x}, ["0"]) for x in ("1", "5", "-5"))
    theta = Theta.from_network(net)

    def cost(*data: Sample) -> int:
        return verify(ERMInstance(net, data, SQUARE, fmpq(10), 1, 1), theta).cost

    assert cost(s1, s2, s3) + theta.enc_bits() > cost(s1) + cost(s3)


def test_gamma_modes_written_out() -> None:
    """γ relative to the exact loss ℓ: ℓ, ℓ ∓ (|offset| + 1/7), or the offset itself."""
    from spec.piecewise import DagInstance
    from spec.theorem_e2.verifier import ERMCase, _gamma

    dag = DagInstance(_net(), DATA, SQUARE)
    ell = Fraction(5, 8)
    got = {m: _gamma(ERMCase(dag, m, fmpq(-2, 3), 1, 1), ell)
           for m in ("equal", "below", "above", "free")}
    assert got == {"equal": fmpq(5, 8), "below": fmpq(5, 8) - fmpq(17, 21),
                   "above": fmpq(5, 8) + fmpq(17, 21), "free": fmpq(-2, 3)}


def test_planted_verifier_failures_print_their_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference comparison and the cost check name the sub-check and its terms when a
    planted verifier (wrong budget, wrong verdict, a bound too small) fails them."""
    import dataclasses as dc

    import spec.theorem_e2.verifier as ver
    from spec.claims import ClaimFailure
    from spec.piecewise import DagInstance

    dag = DagInstance(_net(), DATA, SQUARE)
    case = ver.ERMCase(dag, "equal", fmpq(0), 3, 2)
    assert ver._check_against_reference(case, verify).figures["accepted"] == 1
    with pytest.raises(ClaimFailure) as e1:
        ver._check_against_reference(
            case, lambda i, t: dc.replace(verify(i, t), budget=verify(i, t).budget + 1))
    assert e1.value.message == "budget C1·|I|^C2: verifier vs the formula written out"
    with pytest.raises(ClaimFailure) as e2:
        ver._check_against_reference(
            case, lambda i, t: dc.replace(verify(i, t), accepted=False))
    assert e2.value.message == "accept iff |enc θ| <= budget and L(θ) <= γ"
    assert e2.value.terms["enc_bits"] == Theta.from_network(dag.net).enc_bits()
    monkeypatch.setattr(ver, "cost_bound", lambda inst, theta: 5)
    with pytest.raises(ClaimFailure) as e3:
        ver._cost_check(dag)
    assert e3.value.message == "verifier bit cost exceeds the Theorem E.1 cost bound (stopped)"
    assert e3.value.terms["bound"] == 5 and e3.value.terms["cost"] > 5
    assert e3.value.terms["size_I"] > 0


def test_operation_counts_of_polynomial_and_phi_k_nodes() -> None:
    """Horner's rule for σ of degree d: d products and d sums; φ_K: its base's operations,
    one rounding and two comparisons with the clip (one when clipped above).  One sample:
    the verifier's count is ``_ops_per_sample`` exactly (its + 2: the total's sum and the
    closing ``le``)."""
    from checkers.activation_kinds import BitBounded
    from spec.theorem_e2.verifier import _activation_ops, _ops_per_sample

    assert _activation_ops(Polynomial("x^3 - x + 1/2")) == 6
    assert _activation_ops(BitBounded(Polynomial("x^2"), 3)) == 4 + 3
    for act in (Polynomial("x^3 - x + 1/2"), BitBounded(Polynomial("x^2"), 3)):
        # z = 1/2: φ_K's value 1/4 is inside the clip, so both comparisons run
        net = Network({"x": None, "h": act}, [Edge.of("x", "h", "1/2", "0")], outputs=["h"])
        inst = ERMInstance(net, (Sample.of({"x": "1"}, ["0"]),), SQUARE, fmpq(10), 1, 1)
        assert verify(inst, Theta.from_network(net)).ops == _ops_per_sample(net)


def test_reference_comparison_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses as dc

    import spec.theorem_e2.verifier as ver
    from spec.claims import ClaimFailure
    from spec.piecewise import DagInstance

    case = ver.ERMCase(DagInstance(_net(), DATA, SQUARE), "equal", fmpq(0), 3, 2)
    with pytest.raises(ClaimFailure) as e1:
        ver._check_against_reference(
            case, lambda i, t: dc.replace(verify(i, t), enc_bits=verify(i, t).enc_bits + 1))
    assert e1.value.message == "|enc θ|: verifier vs the formula written out"
    with pytest.raises(ClaimFailure) as e2:
        ver._check_against_reference(
            case, lambda i, t: dc.replace(verify(i, t), loss=fmpq(7)))
    assert e2.value.message == "L(θ): verifier vs Fraction reference"
