"""Unit tests of spec.piecewise: the Theorem E.1 bound, profiles, measurement, instances."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
from flint import fmpq, fmpz

from checkers.activations import (
    IDENTITY,
    RELU,
    Activation,
    BitBounded,
    LeakyReLU,
    Polynomial,
    parse_activation,
)
from checkers.errors import ActivationError
from checkers.layered import Layer, LayeredNetwork
from checkers.losses import HINGE, SQUARE
from checkers.network import Edge, Network, Sample
from checkers.rationals import size
from spec.claims import ClaimFailure
from spec.piecewise import (
    DagInstance,
    LayeredSpec,
    _p_adic_prime,
    affine_data,
    bits_for,
    chain_network,
    check_dag,
    check_dag_closed_form,
    closed_form_bound,
    heights,
    layer_depths,
    measure_layered,
    measure_network,
    profile_of_layered,
    profile_of_network,
    random_layered,
    size_bound,
)

PWL = parse_activation("pwl(0 | -2 | 1/2*x + 1 | 0 | 2*x + 1 | 3 | -x + 10)")


def test_bits_for_bounds_every_rational_over_the_denominator() -> None:
    for den in (1, 2, 6, 12):
        for mag in (fmpq(0), fmpq(1, 3), fmpq(5, 2), fmpq(7)):
            b = bits_for(mag, fmpz(den))
            for num in range(-int(mag * den), int(mag * den) + 1):
                assert size(fmpq(num, den)) <= b


def test_affine_data() -> None:
    assert affine_data(RELU).slopes == (fmpq(0), fmpq(1))
    leaky = affine_data(LeakyReLU(fmpq(1, 8)))
    assert leaky.slopes == (fmpq(1, 8), fmpq(1)) and leaky.piecewise_linear
    assert affine_data(IDENTITY).intercepts == (fmpq(0),)
    pwl = affine_data(PWL)
    assert pwl.slopes == tuple(map(fmpq, (0, 1, 4, -2), (1, 2, 2, 2)))
    assert pwl.intercepts == tuple(map(fmpq, (0, 1, 1, 10)))
    sq = affine_data(Polynomial("x^2 + 3"))
    assert not sq.piecewise_linear and sq.slopes == (fmpq(0), fmpq(1))
    assert sq.intercepts == (fmpq(3),)
    assert affine_data(Polynomial("1/2*x - 1")).piecewise_linear
    with pytest.raises(ActivationError, match="bit-bounded"):
        affine_data(BitBounded(RELU, 3))


def _relu_node(w: str, b: str) -> Network:
    return Network({"x": None, "v": RELU}, [Edge.of("x", "v", w, b)], outputs=["v"])


def test_size_bound_by_hand() -> None:
    # one ReLU node, w = 3/2, b = 1/3, x = 2, y = 1/5, square loss
    net = _relu_node("3/2", "1/3")
    data = [Sample.of({"x": "2"}, ["1/5"])]
    p = profile_of_network(net, data, SQUARE)
    assert p.depth == 1
    assert [p.param_den, p.data_den, p.slope_den] == [fmpz(6), fmpz(5), fmpz(1)]
    assert [p.x_max, p.in_mass, p.bias_mass, p.slope_max] == [
        fmpq(2), fmpq(3, 2), fmpq(1, 3), fmpq(1)]
    b = size_bound(p)
    # Z_1 = 2 + 3/2·2 + 1/3 = 16/3 over P·D = 30; M_1 = 16/3; G_0 = 16/3 + 1/5 = 83/15
    assert b.Z[1] == fmpq(16, 3) and b.M[1] == fmpq(16, 3) and b.Gamma[0] == fmpq(83, 15)
    assert b.pre == bits_for(fmpq(16, 3), fmpz(30))
    assert b.grad_w == bits_for(2 * fmpq(83, 15), fmpz(6 * 25))
    m = measure_network(net, data, SQUARE)
    # z = 10/3, f = 10/3, g = 47/15, dL/dw = 94/15, dL/db = 47/15
    assert (m.pre, m.value, m.grad_w, m.grad_b) == (size(fmpq(10, 3)), size(fmpq(10, 3)),
                                                    size(fmpq(94, 15)), size(fmpq(47, 15)))
    for kind in ("pre", "value", "g", "delta", "grad_w", "grad_b"):
        assert getattr(m, kind) <= getattr(b, kind)
    assert b.total <= closed_form_bound(p)


def test_depths_and_heights_with_a_node_without_in_edges() -> None:
    net = Network({"x": None, "c": RELU, "v": RELU, "w": IDENTITY},
                  [Edge.of("x", "v"), Edge.of("c", "v"), Edge.of("v", "w")], outputs=["w"])
    assert layer_depths(net) == [0, 1, 2, 3]
    assert heights(net) == [2, 2, 1, 0]
    assert net.depth == 2  # the engine counts edges; the bound counts layers
    data = [Sample.of({"x": "1/2", "c": "-3"}, ["1"])]
    evidence = check_dag(DagInstance(net, tuple(data), SQUARE))
    assert evidence.figures["depth"] == 3


def test_layered_profile_equals_dag_profile_and_sizes_agree() -> None:
    for act in (RELU, LeakyReLU(fmpq(1, 8)), PWL):
        for loss in (SQUARE, HINGE):
            net, xs, ys = random_layered(act, hidden=3, width=3, bits=5, samples=2, seed=7)
            dag = net.to_network()
            data = [Sample({f"x{i}": v for i, v in enumerate(x)}, tuple(y))
                    for x, y in zip(xs, ys, strict=True)]
            assert profile_of_layered(net, xs, ys, loss) == profile_of_network(dag, data, loss)
            m, _ = measure_layered(net, xs, ys, loss)
            assert m == measure_network(dag, data, loss)


def test_layered_spec_is_deterministic_and_as_dag_matches() -> None:
    spec = LayeredSpec(hidden=2, width=3, bits=4, samples=2, seed=11)
    a = spec.build(RELU)
    b = spec.build(RELU)
    assert [layer.weights for layer in a[0].layers] == [layer.weights for layer in b[0].layers]
    assert a[1] == b[1] and a[2] == b[2]
    dag = spec.as_dag(RELU)
    assert len(dag.data) == 2 and dag.net.outputs == ("h3_0",)
    assert "--seed 11" in spec.command("relu")


def test_layered_out_degree_counts_the_last_layer() -> None:
    w = ((fmpq(1),),)
    net = LayeredNetwork([Layer(w, (fmpq(0),), RELU),
                          Layer.of([[1], [2], [3]], [0, 0, 0], IDENTITY)])
    p = profile_of_layered(net, [[fmpq(1)]], [[fmpq(0)] * 3], SQUARE)
    assert (p.in_degree, p.out_degree) == (1, 3) and p.out_mass == fmpq(6)


def test_bound_fails_for_polynomials_and_holds_for_relu_on_a_chain() -> None:
    data = (Sample.of({"x": "1/2"}, ["0"]),)
    deep = [fmpq(1)] * 8
    zero = [fmpq(0)] * 8
    check_dag_closed_form(DagInstance(chain_network(RELU, deep, zero), data, SQUARE))
    with pytest.raises(ClaimFailure, match="closed-form bound U"):
        check_dag_closed_form(
            DagInstance(chain_network(Polynomial("x^2"), deep, zero), data, SQUARE))


def test_p_adic_prime_and_chain_valuation() -> None:
    assert _p_adic_prime(Polynomial("x^2")) == 2
    assert _p_adic_prime(Polynomial("1/3*x^2 - 1/2*x + 2/5")) == 7
    assert _p_adic_prime(Polynomial("6*x^2 + 1/5")) == 7
    sigma = Polynomial("x^2 + x")
    net = chain_network(sigma, [fmpq(1)] * 4, [fmpq(0)] * 4)
    out = net.forward({"x": fmpq(1, 2)}).outputs[0]
    assert out.q == 2**16  # v_2 = -μ^d = -2^4


def test_paper_addition_rule_fails_and_corrected_rule_holds() -> None:
    a, b = fmpq(1, 3), fmpq(1, 5)
    assert (size(a), size(b), size(a + b)) == (3, 4, 8)
    assert size(a + b) > max(size(a), size(b)) + 1
    qa, qb = int(a.q.bit_length()), int(b.q.bit_length())
    assert size(a + b) <= size(a) + size(b) + max(qa, qb) + 1


def test_profile_rejects_other_losses() -> None:
    from checkers.losses import Loss

    odd = Loss("odd", SQUARE.value, SQUARE.grad)
    with pytest.raises(ActivationError, match="square and hinge"):
        profile_of_network(_relu_node("1", "0"), [Sample.of({"x": "1"}, ["0"])], odd)


def test_grad_magnitudes_match_the_reference_on_an_example() -> None:
    net = Network({"x": None, "h": LeakyReLU(fmpq(1, 4)), "o": IDENTITY},
                  [Edge.of("x", "h", "-2/3", "1/2"), Edge.of("h", "o", "5/7", "-1")],
                  outputs=["o"])
    data = [Sample.of({"x": "3"}, ["1/2"]), Sample.of({"x": "-1/2"}, ["2"])]
    p = profile_of_network(net, data, SQUARE)
    b = size_bound(p)
    g = net.gradient(data, SQUARE)
    assert max(abs(Fraction(int(q.p), int(q.q))) for q in g.grad_w) <= Fraction(
        int(b.grad_w_max.p), int(b.grad_w_max.q))
    assert dataclasses.replace(p, samples=1) != p


# ---------------------------------------------------------------- mutation-score tests (issue 21)


def test_affine_data_of_identity_and_constants() -> None:
    """σ(x) = x: one piece, slope 1, intercept 0; a constant polynomial: slope 0."""
    from spec.piecewise import AffineData

    assert affine_data(IDENTITY) == AffineData((fmpq(1),), (fmpq(0),), True)
    const = affine_data(Polynomial("5"))
    assert const == AffineData((fmpq(0),), (fmpq(5),), True)


def test_closed_form_bound_written_out() -> None:
    """U = 2 + bitlen(n) + 3a + 2L(2 + bitlen(K) + 2a) + 2(2L+1)λ + 4Lς on the one-ReLU
    instance of test_size_bound_by_hand: n = 1, a = bitlen(3) = 2, L = 1, K = max(1, 1, 1),
    λ = bitlen(lcm(6, 5)) = 5, ς = bitlen(1) = 1."""
    p = profile_of_network(_relu_node("3/2", "1/3"), [Sample.of({"x": "2"}, ["1/5"])], SQUARE)
    assert (p.num_bits, p.in_degree, p.out_degree) == (2, 1, 1)
    assert closed_form_bound(p) == 2 + 1 + 3 * 2 + 2 * 1 * (2 + 1 + 2 * 2) + 2 * 3 * 5 + 4 * 1
    assert set(p.describe()) == {"L", "n", "P", "D", "Sigma", "X", "Y", "A", "A_out", "B",
                                 "S", "C", "loss", "k", "k_out", "a"}


def test_dag_regimes_are_classified_by_sign() -> None:
    """'>= 2 in-edges whose biases share one sign': (1, 2) and (-1, -2) yes, (0, 0) and
    (1/2, -1/2) no."""
    from spec.claims import _REGIMES
    from spec.piecewise import DAG_REGIMES, note_dag_regimes

    def seen(b1: str, b2: str) -> set[str]:
        net = Network({"x": None, "y": None, "v": RELU},
                      [Edge.of("x", "v", "1", b1), Edge.of("y", "v", "1", b2)], outputs=["v"])
        got: set[str] = set()
        token = _REGIMES.set(got)
        try:
            note_dag_regimes(net, [Sample.of({"x": "1"}, ["0"])])
        finally:
            _REGIMES.reset(token)
        return got

    assert seen("1", "2") == seen("-1", "-2") == {DAG_REGIMES[0]}
    assert seen("0", "0") == seen("1/2", "-1/2") == set()


def test_show_dag_round_trips_the_network() -> None:
    import json

    from checkers.formats import network_from_json
    from spec.piecewise import show_dag

    net = _relu_node("3/2", "1/3")
    lines = show_dag(DagInstance(net, (Sample.of({"x": "2"}, ["1/5"]),), SQUARE)).splitlines()
    assert lines[:2] == ["# loss: square", "# NET.json"] and lines[3] == "# DATA.json"
    back = network_from_json(json.loads(lines[2]))
    assert back.edge_list() == net.edge_list()


def test_planted_failures_print_the_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bound checks report the instance's profile (L, n, P, D, …) when they fail, and
    the budget failure its measured size."""
    import spec.piecewise as pw
    from checkers.errors import BitBudgetExceeded

    inst = DagInstance(_relu_node("3/2", "1/3"), (Sample.of({"x": "2"}, ["1/5"]),), SQUARE)
    ev = check_dag_closed_form(inst)
    assert set(ev.bounds) == {"size_bits"}
    real = pw.measure_network
    monkeypatch.setattr(pw, "closed_form_bound", lambda p: 1)
    monkeypatch.setattr(pw, "measure_network", lambda n, d, loss, budget_bits: real(n, d, loss))
    with pytest.raises(ClaimFailure, match="exceeds the closed-form bound U") as e1:
        check_dag_closed_form(inst)
    with pytest.raises(ClaimFailure, match="exact bound exceeds its closed form") as e2:
        check_dag(inst)
    for err in (e1, e2):
        assert {"L", "n", "P", "D", "a"} <= set(err.value.terms)
    monkeypatch.setattr(pw, "measure_network",
                        lambda n, d, loss, budget_bits: real(n, d, loss, budget_bits=2))
    with pytest.raises(BitBudgetExceeded) as exc:
        real(inst.net, inst.data, inst.loss, budget_bits=2)
    with pytest.raises(ClaimFailure, match=r"exceeds the Theorem E\.1 bound at") as e3:
        check_dag(inst)
    assert e3.value.terms["size_bits"] == exc.value.size_bits
    assert e3.value.terms["bound_bits"] == 2


def test_show_pair_is_pinned() -> None:
    from spec.piecewise import _show_pair

    assert _show_pair((fmpq(1, 2), fmpq(1, 3))) == (
        "a = 1/2 (size 3), b = 1/3 (size 3): a + b = 5/6 (size 6), a - b = 1/6 (size 4)")


def test_padic_chains_draw_every_declared_exponent() -> None:
    """The lower-bound family's input c/p^e: e is drawn from 1..3 (e = 1 the smallest case)."""
    from hypothesis import find, settings

    from spec.piecewise import PadicChain, _padic_chains

    strat = _padic_chains(Polynomial("x^2"))
    for e in (1, 3):
        def has_e(c: PadicChain, e: int = e) -> bool:
            return c.e == e

        assert find(strat, has_e, settings=settings(database=None, max_examples=200)).e == e



def test_profile_of_the_empty_network() -> None:
    """No nodes: depth 0 and in-/out-degree 0 (not a default of 1)."""
    p = profile_of_network(Network({}, [], outputs=[]), [], SQUARE)
    assert (p.depth, p.in_degree, p.out_degree) == (0, 0, 0)


def test_gradient_bound_denominators_with_a_fractional_slope() -> None:
    """Leaky ReLU with slope 1/2 (Σ = 2), L = 1, P = 6, D = 5: the gradient bounds are over
    P^(2L−1)·D²·Σ^(2L) = 6·25·4 (weights) and P^(2L−1)·D·Σ^(2L) = 6·5·4 (biases)."""
    net = Network({"x": None, "v": LeakyReLU(fmpq(1, 2))},
                  [Edge.of("x", "v", "3/2", "1/3")], outputs=["v"])
    data = [Sample.of({"x": "-2"}, ["1/5"])]
    p = profile_of_network(net, data, SQUARE)
    assert (p.depth, p.param_den, p.data_den, p.slope_den) == (1, fmpz(6), fmpz(5), fmpz(2))
    b = size_bound(p)
    assert b.grad_w == bits_for(b.grad_w_max, fmpz(6 * 25 * 4))
    assert b.grad_b == bits_for(b.grad_b_max, fmpz(6 * 5 * 4))
    m = measure_network(net, data, SQUARE)
    assert m.grad_w <= b.grad_w and m.grad_b <= b.grad_b


def test_paper_addition_rule_is_refuted_on_a_minus_b_too() -> None:
    """(−6, 4/3): a + b = −14/3 meets the paper's rule, a − b = −22/3 breaks it; the
    erratum's control must be refuted on that sub-check, not crash (found by a dev-profile
    run: the declared sub-check named only a + b)."""
    from flint import fmpq

    from spec.claims import ClaimFailure, get_claim

    claim = get_claim("piecewise.addition_rule_paper")
    with pytest.raises(ClaimFailure, match=r"len\(a - b\) > max"):
        claim.run_check(None, (fmpq(-6), fmpq(4, 3)))


def test_profile_of_the_empty_network_has_zero_masses() -> None:
    """No edges: A = A' = B = 0 (the maxima over no node), X = Y = 0, n = 0."""
    p = profile_of_network(Network({}, [], outputs=[]), [], SQUARE)
    assert (p.in_mass, p.out_mass, p.bias_mass, p.x_max, p.y_max) == (fmpq(0),) * 5
    assert (p.samples, p.num_bits) == (0, 0)


def _fan_in(k: int) -> Network:
    acts: dict[str, Activation | None] = {f"x{i}": None for i in range(k)}
    acts["v"] = RELU
    return Network(acts, [Edge.of(f"x{i}", "v", "1", "0") for i in range(k)], outputs=["v"])


def test_closed_form_bound_uses_the_in_degree() -> None:
    """Three inputs into one ReLU (k = 3, k' = 1), numbers 0 and 1: n = 1, a = 1, L = 1,
    K = 3, λ = bitlen(1) = 1, ς = 1: U = 2 + 1 + 3 + 2(2 + 2 + 2) + 2·3·1 + 4 = 28."""
    data = [Sample.of({f"x{i}": "1" for i in range(3)}, ["0"])]
    p = profile_of_network(_fan_in(3), data, SQUARE)
    assert (p.in_degree, p.out_degree, p.num_bits, p.depth) == (3, 1, 1, 1)
    assert closed_form_bound(p) == 28


def test_delta_and_g_bounds_by_hand() -> None:
    """The one-ReLU instance of test_size_bound_by_hand (L = 1, P = 6, D = 5, Σ = 1):
    g_v over P^(L+r)·D·Σ^(L+r) for r = 0, 1 with Γ_0 = 83/15, Γ_1 = Γ_0 + A'·S·Γ_0 =
    83/15 + 3/2·83/15; δ_v over P^(L+r)·D·Σ^(L+r+1) for r = 0 only, magnitude S·Γ_0."""
    p = profile_of_network(_relu_node("3/2", "1/3"), [Sample.of({"x": "2"}, ["1/5"])], SQUARE)
    b = size_bound(p)
    g0 = fmpq(83, 15)
    g1 = g0 + fmpq(3, 2) * g0
    assert b.Gamma == (g0, g1)
    assert b.g == max(bits_for(g0, fmpz(30)), bits_for(g1, fmpz(180)))
    assert b.delta == bits_for(g0, fmpz(30))
    assert b.grad_b_max == g0 and b.grad_w_max == g0 * 2  # n S Γ_0 and n S Γ_0 M_0 (M_0 = X = 2)


def test_budget_failures_print_the_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """A size beyond the bound met while backprop runs (budget exceeded) reports the measured
    size, the budget and the profile, for both the exact bound and the closed form."""
    import spec.piecewise as pw

    inst = DagInstance(_relu_node("3/2", "1/3"), (Sample.of({"x": "2"}, ["1/5"]),), SQUARE)
    real = pw.measure_network
    monkeypatch.setattr(pw, "measure_network",
                        lambda n, d, loss, budget_bits: real(n, d, loss, budget_bits=2))
    with pytest.raises(ClaimFailure, match=r"exceeds the Theorem E\.1 bound at") as e1:
        check_dag(inst)
    with pytest.raises(ClaimFailure, match=r"exceeds the closed-form bound U at") as e2:
        check_dag_closed_form(inst)
    describe = {"L", "n", "P", "D", "Sigma", "X", "Y", "A", "A_out", "B", "S", "C", "loss",
                "k", "k_out", "a"}
    assert set(e1.value.terms) == describe | {"size_bits", "bound_bits"}
    assert set(e2.value.terms) == describe | {"size_bits", "U"}
    u = closed_form_bound(profile_of_network(inst.net, inst.data, inst.loss))
    assert e2.value.terms["U"] == u and e2.value.terms["size_bits"] > 2


def test_tight_instances_are_uniform() -> None:
    """The extremal family: every edge has the same positive integer weight and the same
    positive integer bias, the same positive integer is injected at every node, label 0."""
    from hypothesis import given, settings

    from spec.piecewise import tight_instances

    @settings(max_examples=25, database=None, deadline=None)
    @given(tight_instances(RELU))
    def uniform(inst: DagInstance) -> None:
        ws, bs = set(inst.net.weights), set(inst.net.biases)
        assert len(ws) == len(bs) == 1
        (w,), (b,) = ws, bs
        assert w.q == b.q == 1 and w > 0 and b > 0
        (s,) = inst.data
        assert set(s.x) == set(inst.net.nodes) and len(set(s.x.values())) == 1
        assert all(v.q == 1 and v > 0 for v in s.x.values()) and set(s.y) == {fmpq(0)}

    uniform()


def test_dag_instances_draw_every_declared_family() -> None:
    """``dag_sizes_within_bound`` declares small, deep (depth up to 24, chains up to 40) and
    wide (in-degree up to 18) DAGs: each family is drawn — a non-chain DAG with >= 7
    non-input nodes (only the deep family has more than 6), a node of in-degree >= 9 (only
    the wide family: 14 inputs) — besides the uniform extremal one."""
    from hypothesis import Phase, find, settings

    from spec.piecewise import dag_instances

    cfg = settings(database=None, max_examples=600, phases=[Phase.generate], derandomize=True)
    strat = dag_instances(RELU)

    def in_degrees(inst: DagInstance) -> list[int]:
        return [len(ins) for ins in inst.net.arch.in_edges]

    def hidden(inst: DagInstance) -> int:
        return sum(act is not None for act in inst.net.arch.acts)

    find(strat, lambda i: hidden(i) >= 7 and max(in_degrees(i)) >= 2, settings=cfg)
    find(strat, lambda i: max(in_degrees(i)) >= 9, settings=cfg)
    find(strat, lambda i: len(set(i.net.weights)) == 1 and max(in_degrees(i)) >= 2,
         settings=cfg)


def test_layered_specs_stay_in_their_declared_ranges() -> None:
    """``layered_sizes_within_bound`` states depth up to 25 (24 hidden layers + the output
    layer) and width up to 16; numbers of 1..8 or 12..16 bits, 1..3 samples."""
    from hypothesis import given, settings

    from spec.piecewise import layered_specs

    @settings(max_examples=60, database=None, deadline=None)
    @given(layered_specs())
    def within(spec: LayeredSpec) -> None:
        assert 0 <= spec.hidden <= 24 and 1 <= spec.width <= 16
        assert spec.bits in set(range(1, 9)) | set(range(12, 17))
        assert 1 <= spec.samples <= 3 and spec.loss in ("square", "hinge")

    within()
