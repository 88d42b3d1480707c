"""Unit tests of spec.bit_bounded: the Remark 1.5 bound for φ_K networks."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from flint import fmpq, fmpz

from checkers.activations import (
    IDENTITY,
    RELU,
    Activation,
    BitBounded,
    Polynomial,
    parse_activation,
)
from checkers.errors import ActivationError
from checkers.losses import HINGE, SQUARE
from checkers.measure import KindSizes
from checkers.network import Edge, Network, Sample
from checkers.rationals import size
from spec.bit_bounded import PhiInstance, derivative_sup, phi_bound, phi_profile, unrounded
from spec.piecewise import DagInstance, bits_for, chain_network, measure_network

PHI = BitBounded(Polynomial("x^2"), 4)


def test_derivative_sup() -> None:
    assert derivative_sup(Polynomial("x^3 - 2*x"), fmpq(2)) == 3 * 4 + 2
    assert derivative_sup(RELU, fmpq(100)) == 1
    assert derivative_sup(parse_activation("leaky_relu(-3)"), fmpq(1)) == 3
    assert derivative_sup(IDENTITY, fmpq(5)) == 1


def test_forward_cap_does_not_depend_on_depth() -> None:
    data = [Sample.of({"x": "3/2"}, ["1/3"])]
    caps = []
    for d in (2, 10, 40):
        net = chain_network(PHI, [fmpq(3, 2)] * d, [fmpq(1, 4)] * d)
        b = phi_bound(phi_profile(net, data, SQUARE))
        m = measure_network(net, data, SQUARE)
        assert m.forward <= b.forward
        assert max(m.g, m.delta, m.grad_w, m.grad_b) <= b.backward
        caps.append(b.forward)
    assert caps[0] == caps[1] == caps[2]
    # φ_4 outputs are multiples of 1/16 in [-1, 1]
    assert bits_for(fmpq(1), fmpz(16)) == PHI.output_size_bound() == 10


def test_identity_sinks_allowed_and_other_mixtures_refused() -> None:
    net = Network({"x": None, "h": PHI, "o": IDENTITY},
                  [Edge.of("x", "h", "2"), Edge.of("h", "o", "5")], outputs=["o"])
    p = phi_profile(net, [Sample.of({"x": "1"}, ["0"])], SQUARE)
    assert p.identity_outputs and p.cap == 1
    relay = Network({"x": None, "i": IDENTITY, "h": PHI},
                    [Edge.of("x", "i"), Edge.of("i", "h")], outputs=["h"])
    with pytest.raises(ActivationError, match="out-edges"):
        phi_profile(relay, [Sample.of({"x": "1"}, ["0"])], SQUARE)
    plain = Network({"x": None, "h": RELU}, [Edge.of("x", "h")], outputs=["h"])
    with pytest.raises(ActivationError, match="exactly one phi_K"):
        phi_profile(plain, [Sample.of({"x": "1"}, ["0"])], SQUARE)


def test_unrounded_network_blows_up() -> None:
    net = chain_network(PHI, [fmpq(1)] * 6, [fmpq(0)] * 6)
    x = {"x": fmpq(3, 2)}
    capped = net.forward(x).outputs[0]
    assert capped == 1  # clipped
    plain = unrounded(net).forward(x).outputs[0]
    assert plain == fmpq(3, 2) ** 64 and size(plain) > 64


# --------------------------------------------------------------------------- by hand
# Each bound below is Remark 1.5's table (docs/piecewise-bounds.md §5) written out on a
# hand-built instance: F = max(X, C'), Z = X + A·F + B, S_φ = sup|base'| on |z| <= Z + 2^-K,
# S' = max(S_φ, 1) with identity outputs, G_0 = max(C', Z if identity) + Y (square) or Y
# (hinge), Γ_r = G_0 + A'·S'·Γ_(r-1).


def _q(s: str) -> fmpq:
    return fmpq(*map(int, s.split("/"))) if "/" in s else fmpq(int(s))


def test_phi_bound_by_hand_with_an_identity_output() -> None:
    """x, y → h (φ_2(x² + x), C = 5/3) → o (identity), square loss, two samples:
    K = 2, C' = ⌊4·5/3⌋/4 = 3/2, P = lcm(1, 3, 2, 2) = 6, D = lcm(3, 2, 5, 4) = 60,
    X = 2, Y = 3/4, A = |2| + |−5/2| = 9/2, A' = 3, B = |1/3 − 1| = 2/3, L = 2, n = 2.
    F = 2, Z = 2 + 9/2·2 + 2/3 = 35/3, S' = 2Z + 1 + 1/4 = 295/12,
    Γ_0 = Z + Y = 149/12, Γ_1 = Γ_0 + 3S'Γ_0 = 44551/48, Γ_2 = Γ_0 + 3S'Γ_1 = 4381643/64."""
    phi = BitBounded(Polynomial("x^2 + x"), 2, "5/3")
    net = Network({"x": None, "y": None, "h": phi, "o": IDENTITY},
                  [Edge.of("x", "h", "2", "1/3"), Edge.of("y", "h", "-5/2", "-1"),
                   Edge.of("h", "o", "3", "-1/2")], outputs=["o"])
    data = [Sample.of({"x": "2", "y": "-1/3"}, ["1/5"]),
            Sample.of({"x": "1/2", "y": "0"}, ["-3/4"])]
    p = phi_profile(net, data, SQUARE)
    assert p.phi is phi and p.cap == fmpq(3, 2) and p.identity_outputs
    assert (p.depth, p.samples, p.param_den, p.data_den) == (2, 2, fmpz(6), fmpz(60))
    assert (p.x_max, p.y_max, p.in_mass, p.out_mass, p.bias_mass) == (
        fmpq(2), fmpq(3, 4), fmpq(9, 2), fmpq(3), fmpq(2, 3))
    assert p.describe() == {"phi": "phi_2(x^2 + x, 5/3)", "L": 2, "n": 2, "P": "6", "D": "60",
                            "X": "2", "Y": "3/4", "A": "9/2", "A_out": "3", "B": "2/3",
                            "loss": "square"}
    g = [fmpq(149, 12), fmpq(44551, 48), fmpq(4381643, 64)]
    s = fmpq(295, 12)
    pdk = fmpz(6 * 60 * 4)
    pre = max(bits_for(fmpq(2), fmpz(60)), bits_for(fmpq(35, 3), pdk))
    assert pre == 26
    assert phi_bound(p) == KindSizes(
        pre=pre, value=pre,  # an identity output's value is its pre-activation
        g=max(bits_for(g[r], fmpz(6 ** (1 + r) * 60 * 4 ** (1 + r))) for r in range(3)),
        delta=max(bits_for(s * g[r], fmpz(6 ** (1 + r) * 60 * 4 ** (2 + r))) for r in range(2)),
        grad_w=bits_for(2 * s * g[1] * 2, fmpz(6**2 * 60**2 * 4**4)),
        grad_b=bits_for(2 * s * g[1], fmpz(6**2 * 60 * 4**3)))
    assert phi_bound(p) == KindSizes(26, 26, 56, 50, 67, 51)


def test_phi_bound_by_hand_hinge_chain_without_identity() -> None:
    """x → h1 → h2 → h3 (φ_1(x/4), C = 1) plus x → h3, hinge loss: K = 1, C' = 1, P = 6,
    D = 2, X = 3, Y = 1, A = |5| + |−1| = 6 (h3), A' = max(|2| + |−1|, |1/3|, |5|) = 5,
    B = |1/2 + 1/2| = 1 (h3; h1: 1, h2: −1), L = 3, n = 2.  F = 3, Z = 3 + 6·3 + 1 = 22,
    S' = S_φ = 1/4 + 1/2 = 3/4 (< 1: no identity output to raise it), G_0 = Y = 1,
    Γ_r = 1 + 5·3/4·Γ_(r-1): 1, 19/4, 301/16, 4579/64."""
    phi = BitBounded(Polynomial("1/4*x"), 1)
    net = Network({"x": None, "h1": phi, "h2": phi, "h3": phi},
                  [Edge.of("x", "h1", "2", "1"), Edge.of("h1", "h2", "1/3", "-1"),
                   Edge.of("h2", "h3", "5", "1/2"), Edge.of("x", "h3", "-1", "1/2")],
                  outputs=["h3"])
    data = [Sample.of({"x": "3"}, ["1"]), Sample.of({"x": "-1/2"}, ["-1"])]
    p = phi_profile(net, data, HINGE)
    assert p.identity_outputs is False and p.cap == 1  # a bool, as declared
    assert (p.depth, p.samples, p.param_den, p.data_den) == (3, 2, fmpz(6), fmpz(2))
    assert (p.x_max, p.y_max, p.in_mass, p.out_mass, p.bias_mass) == tuple(
        map(fmpq, (3, 1, 6, 5, 1)))
    g = [fmpq(1), fmpq(19, 4), fmpq(301, 16), fmpq(4579, 64)]
    s = fmpq(3, 4)
    assert phi_bound(p) == KindSizes(
        pre=max(bits_for(fmpq(3), fmpz(2)), bits_for(fmpq(22), fmpz(6 * 2 * 2))),
        value=max(bits_for(fmpq(3), fmpz(2)), bits_for(fmpq(1), fmpz(2))),
        g=max(bits_for(g[r], fmpz(6 ** (1 + r) * 2 * 2 ** (1 + r))) for r in range(4)),
        delta=max(bits_for(s * g[r], fmpz(6 ** (1 + r) * 2 * 2 ** (2 + r))) for r in range(3)),
        grad_w=bits_for(2 * s * g[2] * 3, fmpz(6**3 * 2 * 2 * 2**5)),
        grad_b=bits_for(2 * s * g[2], fmpz(6**3 * 2 * 2**4)))
    assert phi_bound(p) == KindSizes(15, 5, 38, 30, 37, 31)


def test_phi_bound_by_hand_cap_dominates_the_inputs() -> None:
    """x → h (φ_8(ReLU), C = 5/3), square loss, x = 1, y = 0: C' = ⌊256·5/3⌋/256 = 213/128
    exceeds X = 1, so F = C', the value bound is C''s (18 bits, not X's 2) and G_0 = C'.
    Z = 1 + 1/2·213/128 + 0 = 469/256, S_φ = 1 + 1/256 = 257/256."""
    phi = BitBounded(RELU, 8, "5/3")
    net = Network({"x": None, "h": phi}, [Edge.of("x", "h", "1/2")], outputs=["h"])
    p = phi_profile(net, [Sample.of({"x": "1"}, ["0"])], SQUARE)
    cap = fmpq(213, 128)
    assert p.cap == cap and (p.param_den, p.data_den, p.depth) == (fmpz(2), fmpz(1), 1)
    s = fmpq(257, 256)
    g1 = cap + s * cap / 2
    assert phi_bound(p) == KindSizes(
        pre=bits_for(fmpq(469, 256), fmpz(2 * 256)),
        value=bits_for(cap, fmpz(256)),
        g=max(bits_for(cap, fmpz(2 * 256)), bits_for(g1, fmpz(4 * 256**2))),
        delta=bits_for(s * cap, fmpz(2 * 256**2)),
        grad_w=bits_for(s * cap * cap, fmpz(2 * 256**3)),
        grad_b=bits_for(s * cap, fmpz(2 * 256**2)))
    assert phi_bound(p).value == 18


def test_phi_bound_identity_output_raises_a_small_slope_to_one() -> None:
    """x → h (φ_1(x/4)) → o (identity), hinge, x = 1, y = 1: S_φ = 3/4 but the identity
    output's derivative is 1, so S' = 1; C' = 1 = F, Z = 1 + 1 + 0 = 2, A' = 1, G_0 = Y = 1,
    Γ_1 = 1 + 1·1·1 = 2; L = 2, P = D = 1."""
    phi = BitBounded(Polynomial("1/4*x"), 1)
    net = Network({"x": None, "h": phi, "o": IDENTITY},
                  [Edge.of("x", "h"), Edge.of("h", "o")], outputs=["o"])
    p = phi_profile(net, [Sample.of({"x": "1"}, ["1"])], HINGE)
    assert p.identity_outputs and (p.depth, p.in_mass, p.out_mass) == (2, fmpq(1), fmpq(1))
    assert phi_bound(p) == KindSizes(
        pre=bits_for(fmpq(2), fmpz(2)), value=bits_for(fmpq(2), fmpz(2)),
        g=max(bits_for(fmpq(1), fmpz(2)), bits_for(fmpq(2), fmpz(4)),
              bits_for(fmpq(3), fmpz(8))),
        delta=max(bits_for(fmpq(1), fmpz(4)), bits_for(fmpq(2), fmpz(8))),
        grad_w=bits_for(fmpq(2), fmpz(16)), grad_b=bits_for(fmpq(2), fmpz(8)))


def test_phi_bound_of_depth_zero_has_no_gradient() -> None:
    """L = 0 (no layer): no δ and no parameter, so those bounds are 0; Γ_0 = G_0 alone."""
    data = [Sample.of({"x": "3/2"}, ["1/3"])]
    p = dataclasses.replace(phi_profile(chain_network(PHI, [fmpq(1)], [fmpq(0)]), data,
                                        SQUARE), depth=0)
    b = phi_bound(p)
    assert (b.delta, b.grad_w, b.grad_b) == (0, 0, 0)
    assert b.g == bits_for(fmpq(1) + fmpq(1, 3), fmpz(3 * 2 * 16))


def test_derivative_sup_of_every_kind_of_base() -> None:
    # the constant term has no derivative (k = 0 is skipped, even at radius 0)
    assert derivative_sup(Polynomial("5 + x"), fmpq(0)) == 1
    assert derivative_sup(Polynomial("5 + x - 3*x^2"), fmpq(1, 2)) == 1 + 3
    # the largest |slope| (here of the negative piece), whatever the radius
    assert derivative_sup(parse_activation("pwl(1/2*x | 0 | -3*x)"), fmpq(9)) == 3
    assert derivative_sup(parse_activation("sigmoid"), fmpq(7)) == fmpq(1, 4)
    assert derivative_sup(parse_activation("exp"), fmpq(5, 2)) == 27
    assert derivative_sup(parse_activation("relu^2"), fmpq(3)) == 6
    with pytest.raises(ActivationError, match=r"^no derivative bound for base activation step$"):
        derivative_sup(_without_bound(), fmpq(1))


def _without_bound() -> Activation:
    """An activation with no derivative bound (neither a known kind nor derivative_bound)."""

    class Step(Activation):
        name = "step"

        def __call__(self, z: fmpq) -> fmpq:
            return fmpq(1) if z > 0 else fmpq(0)

        def derivative(self, z: fmpq) -> fmpq:
            return fmpq(0)

        def describe(self) -> dict[str, Any]:
            return {"kind": "step"}

    return Step()


def test_unrounded_keeps_the_interface_and_rounds_an_inexact_base_finer() -> None:
    """The unrounded network has the same nodes, edges, parameters, inputs (in their
    declared order) and outputs; an exact base replaces φ_K, tanh becomes φ_(K+64)."""
    tanh_phi = BitBounded(parse_activation("tanh"), 3, "2")
    net = Network({"x": None, "y": None, "h": PHI, "t": tanh_phi, "o": IDENTITY},
                  [Edge.of("x", "h", "1/2", "1"), Edge.of("y", "t", "3"),
                   Edge.of("h", "o"), Edge.of("t", "o", "-1")],
                  outputs=["o", "t"], inputs=["y", "x"])
    plain = unrounded(net)
    assert plain.inputs == ("y", "x") and plain.outputs == ("o", "t")
    assert plain.edge_list() == net.edge_list()
    acts = dict(zip(plain.nodes, plain.arch.acts, strict=True))
    assert acts["x"] is None and acts["o"] is IDENTITY
    assert acts["h"] == Polynomial("x^2")
    assert isinstance(acts["t"], BitBounded)
    assert (acts["t"].base, acts["t"].k, acts["t"].clip) == (tanh_phi.base, 67, fmpq(2))


def test_show_names_k_then_the_instance() -> None:
    from spec.bit_bounded import _show
    from spec.piecewise import show_dag

    d = DagInstance(chain_network(PHI, [fmpq(1)], [fmpq(0)]),
                    (Sample.of({"x": "1"}, ["0"]),), SQUARE)
    inst = PhiInstance(4, d)
    assert inst.phi is PHI
    assert _show(inst) == "# K = 4\n" + show_dag(d)
    assert _show(inst).splitlines()[:2] == ["# K = 4", "# loss: square"]


def _regimes_of(net: Network, xs: list[str]) -> set[str]:
    from spec.bit_bounded import _note_regimes
    from spec.claims import _REGIMES

    got: set[str] = set()
    token = _REGIMES.set(got)
    try:
        _note_regimes(PhiInstance(PHI.k, DagInstance(
            net, tuple(Sample.of({"x": x}, ["0"]) for x in xs), SQUARE)))
    finally:
        _REGIMES.reset(token)
    return got


def test_regimes_clipped_and_unclipped() -> None:
    """φ_4(x²), C' = 1: z = 3/2 (x² = 9/4) and z = −2 are clipped; z = 1/2 is not
    (φ' = ⌊16·1⌋/16 = 1); z = 0 is neither (φ'(0) = 0); the identity output is ignored."""
    from spec.bit_bounded import PHI_REGIMES

    net = Network({"x": None, "h": PHI, "o": IDENTITY},
                  [Edge.of("x", "h"), Edge.of("h", "o", "5", "7")], outputs=["o"])
    assert _regimes_of(net, ["3/2"]) == _regimes_of(net, ["-2"]) == {PHI_REGIMES[0]}
    assert _regimes_of(net, ["1/2"]) == {PHI_REGIMES[1]}
    assert _regimes_of(net, ["0"]) == set()
    assert _regimes_of(net, ["0", "3/2", "1/2"]) == set(PHI_REGIMES)
    # a value at -C' from a negative base is clipped too
    neg = BitBounded(Polynomial("-x^2"), 4)
    net2 = Network({"x": None, "h": neg}, [Edge.of("x", "h")], outputs=["h"])
    assert _regimes_of(net2, ["3"]) == {PHI_REGIMES[0]}


def test_loss_outside_the_bound_is_refused() -> None:
    from checkers.losses import Loss

    absolute = Loss("absolute", lambda u, y: sum((abs(a - b) for a, b in zip(u, y,
                                                                          strict=True)),
                                                 fmpq(0)))
    net = chain_network(PHI, [fmpq(1)], [fmpq(0)])
    with pytest.raises(ActivationError,
                       match=r"^the bound covers the square and hinge losses, not absolute$"):
        phi_profile(net, [Sample.of({"x": "1"}, ["0"])], absolute)


def _chain_instance(depth: int) -> PhiInstance:
    return PhiInstance(PHI.k, DagInstance(
        chain_network(PHI, [fmpq(3, 2)] * depth, [fmpq(1, 4)] * depth),
        (Sample.of({"x": "3/2"}, ["1/3"]), Sample.of({"x": "-1/3"}, ["1"])), SQUARE))


def test_sizes_capped_reports_sizes_against_the_bound() -> None:
    """Depth 2 (the smallest with recorded bounds): the forward size against the forward
    cap, the backward size (δ, g and gradient entries) against the backward bound."""
    from spec.bit_bounded import sizes_capped

    for depth in (1, 2):
        inst = _chain_instance(depth)
        d = inst.dag
        m = measure_network(d.net, d.data, d.loss)
        b = phi_bound(phi_profile(d.net, d.data, d.loss))
        assert b.forward >= 16 and max(b.backward, b.grad) >= 16
        assert max(m.backward, m.grad) > m.forward  # the two figures differ
        ev = sizes_capped.run_check(PHI, inst)
        assert ev is not None
        back = max(m.g, m.delta, m.grad_w, m.grad_b)
        figures = {"k": 4, "depth": depth, "forward_cap_bits": b.forward,
                   "forward_bits": m.forward, "backward_bits": back}
        if depth == 1:
            assert ev.figures == figures and ev.bounds == {}
        else:
            assert ev.figures == {**figures, "forward_size_bits": m.forward,
                                  "backward_size_bits": back}
            assert ev.bounds == {"forward_size_bits": b.forward,
                                 "backward_size_bits": max(b.g, b.delta, b.grad_w, b.grad_b)}


@pytest.mark.parametrize("kind", ["pre", "value", "g", "delta", "grad_w", "grad_b"])
def test_planted_bound_fails_on_its_kind_and_prints_the_profile(
        kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import spec.bit_bounded as bb
    from spec.claims import ClaimFailure

    inst = _chain_instance(2)
    d = inst.dag
    m = measure_network(d.net, d.data, d.loss)
    wide = KindSizes(*([10**6] * 6))
    monkeypatch.setattr(bb, "phi_bound", lambda p: dataclasses.replace(wide, **{kind: 1}))
    with pytest.raises(ClaimFailure) as e:
        bb.sizes_capped.run_check(PHI, inst)
    assert e.value.message == f"size of {kind} exceeds the Remark 1.5 bound"
    assert e.value.terms == {"value": getattr(m, kind), "bound": 1,
                             **phi_profile(d.net, d.data, d.loss).describe()}


def test_control_stops_the_unrounded_network_at_the_cap() -> None:
    """x² iterated 6 times from 3/2 has 2^6 times the bits: refuted at the first node
    beyond the φ_4 forward cap, which a depth-1 chain never reaches."""
    from spec.bit_bounded import unrounded_exceeds_cap
    from spec.claims import ClaimFailure

    net = chain_network(PHI, [fmpq(1)] * 6, [fmpq(0)] * 6)
    data = (Sample.of({"x": "3/2"}, ["0"]),)
    cap = phi_bound(phi_profile(net, data, SQUARE)).forward
    with pytest.raises(ClaimFailure) as e:
        unrounded_exceeds_cap.run_check(PHI, PhiInstance(4, DagInstance(net, data, SQUARE)))
    assert e.value.message.startswith("unrounded value at ")
    assert e.value.message.endswith(" exceeds the φ_K forward cap")
    assert e.value.terms["cap_bits"] == cap and e.value.terms["k"] == 4
    assert e.value.terms["size_bits"] > cap
    short = PhiInstance(4, DagInstance(chain_network(PHI, [fmpq(1)], [fmpq(0)]),
                                       (Sample.of({"x": "1/2"}, ["0"]),), SQUARE))
    ev = unrounded_exceeds_cap.run_check(PHI, short)
    assert ev is not None and ev.figures == {
        "cap_bits": phi_bound(phi_profile(short.dag.net, short.dag.data, SQUARE)).forward}


def _uniform_fan_in(d: DagInstance) -> bool:
    """The large-bias family's shape: one positive integer weight and one positive integer
    bias on every edge, one sample injecting at the input nodes only, label 0."""
    net = d.net
    ws, bs = set(net.weights), set(net.biases)
    return (len(ws) == len(bs) == 1 and all(q.q == 1 and q > 0 for q in ws | bs)
            and len(d.data) == 1 and tuple(d.data[0].x) == net.inputs
            and all(y == 0 for y in d.data[0].y))


def _quick(n: int) -> Any:
    """Generation only (no shrinking: only whether an example exists matters), seeded."""
    from hypothesis import Phase, settings

    return settings(database=None, max_examples=n, derandomize=True, phases=(Phase.generate,))


def test_large_bias_family_is_uniform_with_large_biases_or_large_weights() -> None:
    """Large biases (up to 2^8 - 1) with weights below 4, or large weights with bias 1."""
    from hypothesis import find
    from hypothesis.errors import NoSuchExample

    from spec.bit_bounded import _large_bias_instances

    strat = _large_bias_instances(PHI)
    with pytest.raises(NoSuchExample):
        find(strat, lambda d: not _uniform_fan_in(d), settings=_quick(40))
    with pytest.raises(NoSuchExample):  # a large weight comes with the smallest bias
        find(strat, lambda d: d.net.weights[0] >= 4 and d.net.biases[0] >= 2,
             settings=_quick(40))
    find(strat, lambda d: d.net.biases[0] >= 16, settings=_quick(40))
    find(strat, lambda d: d.net.weights[0] >= 4, settings=_quick(40))


def test_phi_instances_draw_every_family_with_the_drawn_k() -> None:
    """Random DAGs (rational weights), layered networks (DAG form, node names h<layer>_<i>)
    and the large-bias family; φ_K keeps the registered base and clip, with the drawn K."""
    from hypothesis import find
    from hypothesis.errors import NoSuchExample

    from spec.bit_bounded import phi_instances

    phi = BitBounded(Polynomial("x^2"), 3, "3/2")
    strat = phi_instances(phi)
    find(strat, lambda i: "h1_0" not in i.dag.net.nodes
         and any(w.q != 1 for w in i.dag.net.weights), settings=_quick(60))
    find(strat, lambda i: "h1_0" in i.dag.net.nodes, settings=_quick(60))
    find(strat, lambda i: _uniform_fan_in(i.dag)
         and (i.dag.net.biases[0] >= 16 or i.dag.net.weights[0] >= 4), settings=_quick(200))
    with pytest.raises(NoSuchExample):
        find(strat, lambda i: i.k != i.phi.k or i.phi.base != phi.base
             or i.phi.clip != phi.clip, settings=_quick(30))
