"""The engine's own guarantees, stated as claims with status *definition*.

The network semantics of §2 (node rule, exact backpropagation) and Definition 2.2 (SLP
evaluation) are what every other claim stands on, so the fast engine is checked against
independent oracles: the Fraction reference engine (memoised recursion + forward-mode
differentiation) and sympy's symbolic derivative.  Each has a negative control with a
planted bug that must be refuted.
"""

from __future__ import annotations

from typing import Any

import sympy
from flint import fmpq
from hypothesis import strategies as st

from checkers.activations import Activation
from checkers.formats import dataset_to_json, network_to_json
from checkers.layered import Layer, LayeredNetwork
from checkers.losses import HINGE, SQUARE
from checkers.network import Network, Sample
from checkers.rationals import bit, fmt
from checkers.reference import RefNetwork, ref_bit, ref_samples, ref_slp_values
from checkers.slp import SLP
from spec.claims import (
    ANY_ACTIVATION,
    NONLINEAR_POLYNOMIAL,
    Covers,
    Evidence,
    as_fraction,
    check,
    check_eq,
    claim,
    claim_for,
    refuted_on,
    regime,
)
from spec.planted import with_wrong_derivatives
from strategies import (
    coprime_layered_networks,
    dag_networks,
    dominating_injections,
    fan_in_networks,
    integer_slps,
    layered_batch,
    layered_networks,
    samples_for,
    without_biases,
    zero_samples,
)
from strategies.slps import rational_slps

CLAIM_NAMESPACE = "engine"  # claim ids predate the move from spec/engine.py

NETWORK_SEMANTICS = "Definition (network semantics)"




def show_network_and_data(inst: tuple[Network, list[Sample]]) -> str:
    """A network/dataset counterexample in the file formats (``whyrelu net grad``)."""
    import json

    net, data = inst
    return ("# NET.json\n" + json.dumps(network_to_json(net)) + "\n# DATA.json\n"
            + json.dumps(dataset_to_json(data, net)))


def _net_and_data(act: Activation) -> st.SearchStrategy[tuple[Network, list[Sample]]]:
    """Random DAGs with data at the inputs, and the extremal families: injections at every
    node (dominating the in-edges), and zero biases with zero inputs (every pre-activation
    exactly 0, the kink of ReLU-type activations)."""
    nets = dag_networks(act, max_hidden=5, weight_bits=5)
    return st.one_of(
        nets.flatmap(lambda net: st.tuples(st.just(net), samples_for(net, max_samples=2,
                                                                     bits=5))),
        st.one_of(nets, fan_in_networks(act, max_fan_in=4, max_chain=2)).flatmap(
            lambda net: st.tuples(st.just(net), dominating_injections(net))),
        nets.map(without_biases).flatmap(
            lambda net: st.tuples(st.just(net), zero_samples(net))),
    )


_NET_REGIMES = ("an injection at a node with in-edges", "a pre-activation exactly 0",
                "a hinge margin 1 - y*u > 0")


def _note_regimes(net: Network, data: list[Sample], pre: list[fmpq]) -> None:
    a = net.arch
    if any(a.acts[a.index[v]] is not None and a.in_edges[a.index[v]]
           for s in data for v in s.x):
        regime(_NET_REGIMES[0])
    if any(a.acts[v] is not None and pre[v] == 0 for v in range(len(a.nodes))):
        regime(_NET_REGIMES[1])


def _compare_with_reference(net: Network, data: list[Sample], engine_net: Network) -> Evidence:
    ref = RefNetwork(net)
    for s in data:
        tr = engine_net.forward(s.x)
        _note_regimes(net, data, list(tr.pre))
        want = ref.forward({k: as_fraction(v) for k, v in s.x.items()})
        for name, v in zip(net.nodes, tr.val, strict=True):
            check_eq(as_fraction(v), want[name], f"forward value at node {name!r}", sample=s.x)
    for loss_fn in (SQUARE, HINGE):
        g = engine_net.gradient(data, loss_fn)
        loss, gw, gb = ref.gradient(ref_samples(data), loss_fn.name)
        check_eq(as_fraction(g.loss), loss, f"total loss ({loss_fn.name})")
        if loss_fn is HINGE and loss > 0:
            regime(_NET_REGIMES[2])
        for e, (src, dst) in enumerate(net.edges):
            check_eq(as_fraction(g.grad_w[e]), gw[e],
                     f"dL/dw for edge {src}->{dst} ({loss_fn.name})")
            check_eq(as_fraction(g.grad_b[e]), gb[e],
                     f"dL/db for edge {src}->{dst} ({loss_fn.name})")
    return Evidence.of(nodes=len(net.nodes), edges=len(net.edges))


@claim_for(
    NETWORK_SEMANTICS,
    "The engine's forward pass and backpropagation equal the Fraction reference engine "
    "(memoised node rule, forward-mode derivatives) on random DAGs",
    covers=ANY_ACTIVATION, instances=_net_and_data, status="definition", examples=20,
    show=show_network_and_data,
    tags=("identity",), regimes=_NET_REGIMES,
)
def dag_matches_reference(act: Activation, inst: tuple[Network, list[Sample]]) -> Evidence:
    """Every node value, the loss and every ∂L/∂w_e, ∂L/∂b_e agree exactly (square and
    hinge loss), on random DAGs and the extremal families of ``_net_and_data``."""
    net, data = inst
    return _compare_with_reference(net, data, net)


@claim_for(
    NETWORK_SEMANTICS,
    "Negative control: backprop with a wrong chain-rule factor (σ'(z) + 1 for σ'(z)) "
    "disagrees with the reference",
    covers=ANY_ACTIVATION, instances=_net_and_data, status="definition",
    expect="counterexample", control_of="engine.dag_matches_reference", examples=60,
    show=show_network_and_data,
)
def wrong_chain_rule_refuted(act: Activation, inst: tuple[Network, list[Sample]]) -> Evidence:
    """The same comparison as ``engine.dag_matches_reference`` with a planted bug; refuted
    on a gradient entry (the forward values are unchanged by the bug)."""
    net, data = inst
    with refuted_on("dL/dw", "dL/db"):
        return _compare_with_reference(net, data, with_wrong_derivatives(net))


def _layered_inst(act: Activation) -> st.SearchStrategy[Any]:
    return st.one_of(
        layered_networks(act, max_depth=3, max_width=3, weight_bits=5),
        layered_networks(act, max_depth=3, max_width=3, weight_bits=5, dyadic=True),
        coprime_layered_networks(act, max_depth=3, max_width=3),
    ).flatmap(lambda n: st.tuples(st.just(n), layered_batch(n, max_batch=3, bits=5)))


_LAYERED_REGIMES = ("a layer over one shared denominator (fmpz_mat)", "a layer as an fmpq_mat")


def _layered_vs_dag(net: LayeredNetwork, xs: list[list[fmpq]], ys: list[list[fmpq]],
                    dag: Network) -> Evidence:
    for w in net._W:
        regime(_LAYERED_REGIMES[0] if w.shared else _LAYERED_REGIMES[1])
    g = net.gradient(xs, ys, SQUARE)
    data = [Sample.of({f"x{i}": v for i, v in enumerate(x)}, y)
            for x, y in zip(xs, ys, strict=True)]
    gd = dag.gradient(data, SQUARE)
    check_eq(g.loss, gd.loss, "total loss, layered vs DAG")
    outs = g.trace.outputs()
    for s, tr in enumerate(gd.traces):
        check_eq(list(tr.outputs), outs[s], f"outputs of sample {s}")
    for l, layer in enumerate(net.layers, start=1):  # noqa: E741
        names = net.layer_names(l)
        prev = net.layer_names(l - 1)
        for i, v in enumerate(names):
            for j, u in enumerate(prev):
                e = dag.edge_of(u, v)
                check_eq(g.grad_w[l - 1][i][j], gd.grad_w[e], f"dL/dw {u}->{v}")
            check_eq(g.grad_b[l - 1][i], gd.grad_b[dag.edge_of(prev[0], v)], f"dL/db at {v}")
        del layer
    return Evidence.of(depth=net.depth, batch=len(xs))


@claim_for(
    NETWORK_SEMANTICS,
    "The layered (dense FLINT matrix) fast path equals the DAG path: outputs, loss and "
    "every gradient entry",
    covers=ANY_ACTIVATION, instances=_layered_inst, status="definition", examples=20,
    tags=("identity",), regimes=_LAYERED_REGIMES,
)
def layered_matches_dag(act: Activation, inst: Any) -> Evidence:
    """Both representations (shared denominator and ``fmpq_mat``) are exercised."""
    net, (xs, ys) = inst
    return _layered_vs_dag(net, xs, ys, net.to_network())


@claim_for(
    NETWORK_SEMANTICS,
    "Negative control: a layered network whose DAG form drops the biases of layer 1 "
    "disagrees with the fast path",
    covers=ANY_ACTIVATION, instances=_layered_inst, status="definition",
    expect="counterexample", control_of="engine.layered_matches_dag", examples=40,
    refuted_on=("total loss, layered vs DAG",),
)
def dropped_bias_refuted(act: Activation, inst: Any) -> Evidence:
    """The DAG is built from a copy of the network with layer-1 biases set to zero."""
    net, (xs, ys) = inst
    first = net.layers[0]
    mutant = LayeredNetwork([Layer(first.weights, tuple(fmpq(0) for _ in first.biases),
                                   first.activation), *net.layers[1:]])
    return _layered_vs_dag(net, xs, ys, mutant.to_network())


# ---------------------------------------------------------------- sympy cross-check

POLYNOMIAL_OR_AFFINE = Covers("polynomial activations (sympy differentiates them)",
                              lambda t: t.is_polynomial)


def _sympy_gradient(net: Network, data: list[Sample]) -> tuple[Any, list[Any], list[Any]]:
    ws = sympy.symbols(f"w0:{len(net.edges)}")
    bs = sympy.symbols(f"b0:{len(net.edges)}")
    total = sympy.Integer(0)
    for s in data:
        val: dict[str, Any] = {}
        for v in net.nodes:  # net.nodes is a topological order for generated DAGs
            act = net.activation(v)
            z = sympy.Rational(fmt(s.x.get(v, fmpq(0))))
            if act is None:
                val[v] = z
                continue
            for e, (a, b) in enumerate(net.edges):
                if b == v:
                    z += ws[e] * val[a] + bs[e]
            coeffs = act.describe().get("coefficients", ["0", "1"])
            val[v] = sum(sympy.Rational(c) * z**k for k, c in enumerate(coeffs))
        for t, y in zip(net.outputs, s.y, strict=True):
            total += sympy.Rational(1, 2) * (val[t] - sympy.Rational(fmt(y))) ** 2
    subs = {**{ws[e]: sympy.Rational(fmt(w)) for e, w in enumerate(net.weights)},
            **{bs[e]: sympy.Rational(fmt(b)) for e, b in enumerate(net.biases)}}
    return (total.xreplace(subs), [sympy.diff(total, w).xreplace(subs) for w in ws],
            [sympy.diff(total, b).xreplace(subs) for b in bs])


def _sympy_inst(act: Activation) -> st.SearchStrategy[tuple[Network, list[Sample]]]:
    return dag_networks(act, max_inputs=2, max_hidden=3, max_outputs=1, weight_bits=3).flatmap(
        lambda net: st.tuples(st.just(net), samples_for(net, max_samples=2, bits=3)))


def _compare_with_sympy(net: Network, data: list[Sample], engine_net: Network) -> Evidence:
    loss, gw, gb = _sympy_gradient(net, data)
    g = engine_net.gradient(data, SQUARE)
    check_eq(sympy.Rational(fmt(g.loss)), loss, "loss vs sympy")
    for e, (u, v) in enumerate(net.edges):
        check_eq(sympy.Rational(fmt(g.grad_w[e])), gw[e], f"dL/dw {u}->{v} vs sympy.diff")
        check_eq(sympy.Rational(fmt(g.grad_b[e])), gb[e], f"dL/db {u}->{v} vs sympy.diff")
    return Evidence.of(edges=len(net.edges))


@claim_for(
    NETWORK_SEMANTICS,
    "Exact backpropagation equals sympy's symbolic derivative of the loss in every weight "
    "and bias",
    covers=POLYNOMIAL_OR_AFFINE, instances=_sympy_inst, status="definition", examples=10,
    show=show_network_and_data,
    tags=("identity",),
)
def backprop_matches_sympy(act: Activation, inst: tuple[Network, list[Sample]]) -> Evidence:
    """The loss is built as a sympy expression in symbols w_e, b_e, differentiated, and
    evaluated at θ."""
    return _compare_with_sympy(inst[0], inst[1], inst[0])


@claim_for(
    NETWORK_SEMANTICS,
    "Negative control: backprop with a wrong chain-rule factor (σ'(z) + 1 for σ'(z)) "
    "disagrees with sympy",
    covers=NONLINEAR_POLYNOMIAL, instances=_sympy_inst, status="definition",
    expect="counterexample", control_of="engine.backprop_matches_sympy", examples=10,
    show=show_network_and_data,
)
def wrong_chain_rule_vs_sympy(act: Activation, inst: tuple[Network, list[Sample]]) -> Evidence:
    """Same comparison with the planted bug of ``engine.wrong_chain_rule_refuted``; refuted
    on a partial derivative (the loss is unchanged by the bug)."""
    with refuted_on("dL/dw", "dL/db"):
        return _compare_with_sympy(inst[0], inst[1], with_wrong_derivatives(inst[0]))


# ---------------------------------------------------------------- Definition 2.2

def _slp_inst() -> st.SearchStrategy[tuple[SLP, int]]:
    return st.tuples(st.one_of(integer_slps(10), rational_slps(7)), st.integers(-40, 80))


def _compare_slp(slp: SLP, j: int, values: list[fmpq]) -> Evidence:
    want = ref_slp_values(slp)
    for i, (got, ref) in enumerate(zip(values, want, strict=True)):
        check_eq(as_fraction(got), ref, f"value of gate a{i}")
    check_eq(bit(values[-1], j), ref_bit(want[-1], j), f"bit {j} of n_P")
    check_eq(values[-1] > 0, want[-1] > 0, "PosSLP answer")
    return Evidence.of(length=slp.length)


@claim(
    "Definition 2.2",
    "SLP evaluation, the BitSLP digit (any position, negative too) and the PosSLP answer "
    "equal the Fraction reference",
    instances=_slp_inst(), status="definition", examples=60, show=lambda i: f"{i[0]}# j = {i[1]}",
    tags=("identity",),
)
def slp_matches_reference(inst: tuple[SLP, int]) -> Evidence:
    """Values of every gate, ``bit_j(n_P)`` from Problem 2.3, and ``n_P > 0``."""
    slp, j = inst
    return _compare_slp(slp, j, slp.evaluate())


def _all_short_integer_slps() -> list[SLP]:
    from spec.bnslp import all_integer_slps

    return all_integer_slps(3)


def _swapped_values(slp: SLP) -> list[fmpq]:
    """A planted bug: a_j − a_k evaluated as a_k − a_j."""
    vals = [slp.a0]
    for g in slp.gates:
        a, b = vals[g.j], vals[g.k]
        vals.append(a + b if g.op == "+" else b - a if g.op == "-" else a * b)
    return vals


def _check_every_digit(slp: SLP, values: list[fmpq]) -> Evidence:
    want = ref_slp_values(slp)
    top = abs(want[-1].numerator).bit_length()
    for j in range(-2, top + 2):
        check_eq(bit(values[-1], j), ref_bit(want[-1], j), f"bit {j} of n_P (Problem 2.3)")
    return _compare_slp(slp, 0, values)


@claim(
    "Problem 2.3",
    "BitSLP and PosSLP decided exactly for EVERY SLP with a_0 = 1 of length ≤ 3 and every "
    "digit position −2 ≤ j ≤ bitlen(n_P) + 1: values, digits and signs equal the Fraction "
    "reference",
    instances=st.sampled_from(_all_short_integer_slps()), status="definition",
    exhaustive="SLPs (a_0 = 1) of length ≤ 3", show=lambda p: p.to_text(),
)
def bitslp_exhaustive(slp: SLP) -> Evidence:
    return _check_every_digit(slp, slp.evaluate())


@claim(
    "Problem 2.3",
    "Negative control: over the same domain, an evaluator that swaps a_j − a_k disagrees",
    instances=st.sampled_from(_all_short_integer_slps()), status="definition",
    expect="counterexample", control_of="engine.bitslp_exhaustive", examples=60,
    show=lambda p: p.to_text(),
    refuted_on=("value of gate",),
)
def bitslp_exhaustive_swapped_refuted(slp: SLP) -> Evidence:
    return _check_every_digit(slp, _swapped_values(slp))


@claim(
    "Definition 2.2",
    "Negative control: an evaluator that computes a_k − a_j for a_j − a_k disagrees with the "
    "reference",
    instances=_slp_inst(), status="definition", expect="counterexample",
    control_of="engine.slp_matches_reference", examples=60, show=lambda i: f"{i[0]}# j = {i[1]}",
)
def swapped_subtraction_refuted(inst: tuple[SLP, int]) -> Evidence:
    """A planted bug in the evaluator, refuted on a gate's value."""
    slp, j = inst
    with refuted_on("value of gate"):
        return _compare_slp(slp, j, _swapped_values(slp))


# --------------------------------------------------------------------------- the language

#: (text, z, σ(z), σ'(z) or None): computed by hand from each name's textbook definition,
#: independently of the parser (decimals, unary minus before ``^``, rational functions,
#: ``relu^k``, the left piece at a breakpoint, phi_K's floor and default clip C = 1).
HAND_VALUES: tuple[tuple[str, str, str, str | None], ...] = (
    ("relu", "-1", "0", "0"), ("relu", "0", "0", "0"), ("relu", "5/2", "5/2", "1"),
    ("leaky_relu(0.125)", "-2", "-1/4", "1/8"), ("leaky_relu(1/8)", "3", "3", "1"),
    ("relu6", "7", "6", "0"), ("relu6", "-1", "0", "0"), ("hardtanh", "-3", "-1", "0"),
    ("abs", "-3", "3", "-1"), ("hardswish", "1", "2/3", "5/6"),
    ("-x^2 + 1e-3*x", "2", "-1999/500", "-3999/1000"), ("2.5e1*x", "1", "25", "25"),
    ("(x^2 - 1)/(x - 1)", "5", "6", "1"), ("1/x", "2", "1/2", "-1/4"),
    ("relu^3", "2", "8", "12"), ("relu^3", "-2", "0", "0"),
    ("pwl(0 | -2 | 1/2*x + 1 | 0 | 2*x + 1 | 3 | -x + 10)", "3", "7", "2"),
    ("pwl(0 | -2 | 1/2*x + 1 | 0 | 2*x + 1 | 3 | -x + 10)", "-2", "0", "0"),
    ("phi_2(x^2)", "1/2", "1/4", None), ("phi_2(x^2)", "3", "1", None),
    ("phi_2(x^2, 5/2)", "3", "5/2", None), ("phi_3(x^3)", "-1/2", "-1/8", None),
)


def _hand_check(table: tuple[tuple[str, str, str, str | None], ...]) -> Evidence:
    from checkers.activations import parse_activation

    for text, z, value, slope in table:
        act = parse_activation(text)
        q = fmpq(z)
        check_eq(act(q), fmpq(value), "σ(z) as computed by hand", activation=text, z=z)
        if slope is not None:
            check_eq(act.derivative(q), fmpq(slope), "σ'(z) as computed by hand",
                     activation=text, z=z)
    return Evidence.of(entries=len(table))


@claim(
    NETWORK_SEMANTICS,
    "The activation language: each of a table of spellings (decimals, unary minus before "
    "^, rational functions, relu^k, pwl at a breakpoint, phi_K's floor and clip) evaluates "
    "to the value and derivative computed by hand",
    instances=st.just(None), status="definition", examples=1,
)
def activation_language_hand_values(_: None) -> Evidence:
    return _hand_check(HAND_VALUES)


@claim(
    NETWORK_SEMANTICS,
    "Negative control: the table with leaky_relu(0.125)'s slope read as 8 disagrees",
    instances=st.just(None), status="definition", examples=1, expect="counterexample",
    control_of="engine.activation_language_hand_values",
    refuted_on=("σ(z) as computed by hand",),
)
def activation_language_wrong_entry_refuted(_: None) -> Evidence:
    return _hand_check((("leaky_relu(0.125)", "-2", "-16", "8"), *HAND_VALUES))


# --------------------------------------------------------------------------- certificates


def _one_condition_violations() -> list[tuple[str, Any]]:
    """Hand-made certificates, each failing exactly one condition of its kind (the
    comments say which), beside the valid ones of the control."""
    from fractions import Fraction as F

    from checkers.certificates import ExactEvaluation, Farkas, Invertibility, mul

    one, zero = F(1), F(0)
    return [
        # x <= 0, −x <= 0 is feasible: y = 0 meets y >= 0 and yᵀA = 0, but yᵀb = 0 is not < 0
        ("Farkas: yᵀb = 0", Farkas("farkas_zero", "", a=((one,), (-one,)), b=(zero, zero),
                                   y=(zero, zero))),
        # x <= 1, x <= 2 is feasible: y = (1, −1) has yᵀA = 0, yᵀb = −1, but y_2 < 0
        ("Farkas: y_2 < 0", Farkas("farkas_negative", "", a=((one,), (one,)), b=(one, F(2)),
                                   y=(one, -one))),
        # x <= −1 is feasible: y = 1 has yᵀb < 0 but yᵀA = 1
        ("Farkas: yᵀA ≠ 0", Farkas("farkas_nonzero", "", a=((one,),), b=(-one,), y=(one,))),
        # B = [[1, 1], [0, 1]] is not I⁻¹: only off-diagonal entries of A·B are wrong
        ("inverse: off-diagonal", Invertibility("inverse_offdiag", "", matrix=((one, zero),
                                                (zero, one)), inverse=((one, one), (zero, one)))),
        # 2·2 is not 5
        ("evaluation: 2·2 = 5", ExactEvaluation("eval_wrong", "", inputs=(("x", F(2)),),
                                                output=mul("x", "x"), claimed=F(5))),
    ]


def _valid_versions() -> list[tuple[str, Any]]:
    from fractions import Fraction as F

    from checkers.certificates import ExactEvaluation, Farkas, Invertibility, mul

    one, zero = F(1), F(0)
    return [
        ("Farkas: valid", Farkas("farkas_ok", "", a=((one,), (-one,)), b=(zero, -one),
                                 y=(one, one))),
        ("inverse: valid", Invertibility("inverse_ok", "", matrix=((one, one), (zero, one)),
                                         inverse=((one, -one), (zero, one)))),
        ("evaluation: 2·2 = 4", ExactEvaluation("eval_ok", "", inputs=(("x", F(2)),),
                                                output=mul("x", "x"), claimed=F(4))),
    ]


def _checkers_reject(certs: list[tuple[str, Any]]) -> Evidence:
    from checkers.kernels import check_coq, coqc_path, run_z3, to_smt, z3_available

    for what, cert in certs:
        check(not cert.accepted(), "the Python checker rejects the certificate", case=what)
        if z3_available():
            regime("z3 available")
            verdict, detail = run_z3(to_smt(cert))
            check(verdict == "rejected", "z3 rejects the certificate's SMT text", case=what,
                  verdict=verdict, detail=detail)
        if coqc_path() is not None:
            regime("coqc available")
            res = check_coq(cert)
            check(res.verdict == "rejected", "Coq rejects the certificate's Coq file",
                  case=what, verdict=res.verdict)
    return Evidence.of(certificates=len(certs))


@claim(
    "Definition (certificates)",
    "The certificate checkers are not weaker than their statements: hand-made certificates "
    "failing exactly one condition (Farkas: yᵀb = 0, a negative multiplier, yᵀA ≠ 0; an "
    "inverse wrong off the diagonal only; a wrong exact evaluation) are rejected by the "
    "Python checker, by z3 on the generated SMT text and by Coq on the generated Coq file",
    instances=st.just(None), status="definition", examples=1,
    regimes=("z3 available", "coqc available"),
)
def certificate_checkers_reject_one_condition(_: None) -> Evidence:
    return _checkers_reject(_one_condition_violations())


@claim(
    "Definition (certificates)",
    "Negative control: valid certificates of the same kinds are accepted, so 'rejected' "
    "fails",
    instances=st.just(None), status="definition", examples=1, expect="counterexample",
    control_of="engine.certificate_checkers_reject_one_condition",
    refuted_on=("the Python checker rejects the certificate",),
)
def valid_certificates_rejected_refuted(_: None) -> Evidence:
    return _checkers_reject(_valid_versions())
