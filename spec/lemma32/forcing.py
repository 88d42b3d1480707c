"""Claim B.1: zero loss on the forcing samples pins θ down to θ∗ up to σ-symmetries.

**σ-symmetries.**  :func:`sigma_symmetries` lists every (w, b) ∈ ℚ² with σ(w z + b) ≡ σ(z)
(cross-checked against sympy's solver by :func:`symmetries_by_sympy`).

**Forcing.**  Claim B.1(1): the weight of an identity-headed edge and the bias sum at an id
vertex are forced; Claim B.1(2): a σ-edge passes its μ + 1 templates iff its (w, b) is a
σ-symmetry; together, zero auxiliary loss gives f^{v_i}_θ(x_main) = a_i.

**Erratum.**  Claim B.1(2)'s "hence f^U_θ(x) = σ(f^L_θ(x))" holds for inputs with x_U = 0
only; the claims ``slp_network.claim_b1_xu_zero`` and
``slp_network.claim_b1_every_input_erratum`` check the corrected and the written versions.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import sympy
from flint import fmpq, fmpq_poly
from hypothesis import strategies as st

from checkers.activations import Activation, Polynomial
from checkers.poly import coefficients
from checkers.rationals import fmt
from checkers.slp import SLP
from spec.claims import (
    NONLINEAR_POLYNOMIAL,
    Evidence,
    as_fraction,
    check,
    check_eq,
    claim,
    claim_for,
)
from spec.gadget import sigma_polynomial
from spec.lemma32._common import _show_slp, _small_slps, _with_product
from spec.lemma32.instance import Template, build_instance
from spec.lemma32.network import CompiledSLP, Theta, _check_simulation, _is_sigma, compile_slp
from strategies import polynomials, rationals

CLAIM_NAMESPACE = "slp_network"
"""Claim ids stay ``slp_network.*`` (the module this code came from)."""

__all__ = [
    "is_sigma_symmetry",
    "sigma_symmetries",
    "symmetries_by_sympy",
]


# --------------------------------------------------------------------------- σ-symmetries


def is_sigma_symmetry(sigma: Activation, w: fmpq, b: fmpq) -> bool:
    """Does σ(w·z + b) ≡ σ(z) hold as polynomials in z?"""
    p = sigma_polynomial(sigma)
    return bool(p(fmpq_poly([b, w])) == p)


def sigma_symmetries(sigma: Activation) -> list[tuple[fmpq, fmpq]]:
    """All (w, b) ∈ ℚ² with σ(w z + b) ≡ σ(z) (Claim B.1(2)'s remaining freedom).

    Comparing z^μ coefficients gives w^μ = 1, so w = ±1 over ℚ; w = 1 forces b = 0 by the
    z^{μ−1} coefficient; w = −1 needs μ even and then b = −2 r_{μ−1}/(μ r_μ), kept only if
    σ(b − z) ≡ σ(z) holds (arXiv 2602.19017, App. B, proof of Claim B.1).
    """
    p = sigma_polynomial(sigma)
    mu = int(p.degree())
    out = [(fmpq(1), fmpq(0))]
    if mu % 2 == 0:
        b = -2 * p[mu - 1] / (mu * p[mu])
        if is_sigma_symmetry(sigma, fmpq(-1), b):
            out.append((fmpq(-1), b))
    return out


# =========================================================================== claims


def symmetries_by_sympy(sigma: Activation) -> set[tuple[Fraction, Fraction]]:
    """The rational solutions (w, b) of the coefficient equations of σ(w z + b) − σ(z) = 0,
    by sympy's polynomial solver (an independent oracle for :func:`sigma_symmetries`)."""
    p = sigma_polynomial(sigma)
    cs = [sympy.Rational(fmt(c)) for c in coefficients(p)]
    w, b, z = sympy.symbols("w b z")

    def s(t: Any) -> Any:
        return sum(c * t**k for k, c in enumerate(cs))

    eqs = sympy.Poly(sympy.expand(s(w * z + b) - s(z)), z).coeffs()
    out: set[tuple[Fraction, Fraction]] = set()
    for sol in sympy.solve(eqs, [w, b], dict=True):
        sw, sb = sol.get(w, w), sol.get(b, b)
        if sw.is_rational and sb.is_rational:
            out.add((Fraction(int(sw.p), int(sw.q)), Fraction(int(sb.p), int(sb.q))))
    return out


def _check_symmetries(sigma: Activation, found: Sequence[tuple[fmpq, fmpq]],
                      probes: Sequence[tuple[fmpq, fmpq]] = ()) -> Evidence:
    ours = {(as_fraction(w), as_fraction(b)) for w, b in found}
    check_eq(ours, symmetries_by_sympy(sigma), "σ-symmetries vs sympy.solve",
             sigma=str(sigma_polynomial(sigma)))
    for w, b in found:
        check(is_sigma_symmetry(sigma, w, b), "σ(w z + b) ≡ σ(z)", w=w, b=b)
    for w, b in probes:
        if (as_fraction(w), as_fraction(b)) not in ours:
            check(not is_sigma_symmetry(sigma, w, b), "a pair outside the set is no symmetry",
                  w=w, b=b)
    return Evidence.of(symmetries=len(found))


@claim_for(
    "Claim B.1",
    "The σ-symmetries {(w, b) ∈ ℚ² : σ(w z + b) ≡ σ(z)} are (1, 0) and, for even μ with "
    "σ(b − z) ≡ σ(z), (−1, b) with b = −2r_{μ−1}/(μ r_μ); equal to sympy's solution set",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.lists(st.tuples(rationals(4), rationals(4)), max_size=4),
    examples=3,
)
def sigma_symmetries_exact(act: Activation, probes: list[tuple[fmpq, fmpq]]) -> Evidence:
    """E.g. x² has (−1, 0), x² + x has (−1, −1), x³ has none besides the identity."""
    return _check_symmetries(act, sigma_symmetries(act), probes)


@st.composite
def _symmetric_polynomials(draw: st.DrawFn, off_centre: bool = False) -> Polynomial:
    """σ(z) = h((z − c)²) with h of degree 1 or 2: symmetric about c (c ≠ 0 with
    ``off_centre``)."""
    c = draw(rationals(4, den_bits=2, nonzero=off_centre))
    h = draw(st.lists(rationals(4, den_bits=2), min_size=1, max_size=2))
    lead = draw(rationals(4, den_bits=2, nonzero=True))
    u = fmpq_poly([c * c, -2 * c, 1])
    hh = fmpq_poly([*h, lead])
    return Polynomial(hh(u))


def _any_sigma() -> st.SearchStrategy[Polynomial]:
    return st.one_of(polynomials(2, 4, 5), _symmetric_polynomials())


@claim(
    "Claim B.1",
    "For random σ of degree 2..4 (half of them symmetric about a random point), the computed "
    "σ-symmetries equal sympy's rational solutions of σ(w z + b) ≡ σ(z)",
    instances=st.tuples(_any_sigma(), st.lists(st.tuples(rationals(4), rationals(4)),
                                                max_size=3)),
    examples=12, show=lambda i: f"sigma = {i[0].name}", tags=("identity",),
)
def sigma_symmetries_random(inst: tuple[Polynomial, list[tuple[fmpq, fmpq]]]) -> Evidence:
    sigma, probes = inst
    return _check_symmetries(sigma, sigma_symmetries(sigma), probes)


def _symmetries_sign_error(sigma: Activation) -> list[tuple[fmpq, fmpq]]:
    """A planted bug: b = +2r_{μ−1}/(μ r_μ)."""
    p = sigma_polynomial(sigma)
    mu = int(p.degree())
    out = [(fmpq(1), fmpq(0))]
    if mu % 2 == 0:
        b = 2 * p[mu - 1] / (mu * p[mu])
        if is_sigma_symmetry(sigma, fmpq(-1), b):
            out.append((fmpq(-1), b))
    return out


@claim(
    "Claim B.1",
    "Negative control: the reflection offset with the wrong sign misses symmetries",
    instances=st.tuples(_symmetric_polynomials(off_centre=True), st.just([])),
    expect="counterexample", control_of="slp_network.sigma_symmetries_random", examples=10,
    show=lambda i: f"sigma = {i[0].name}",
)
def symmetry_sign_error_refuted(inst: tuple[Polynomial, list[tuple[fmpq, fmpq]]]) -> Evidence:
    sigma, probes = inst
    return _check_symmetries(sigma, _symmetries_sign_error(sigma), probes)


def _edge_pairs(act: Activation) -> st.SearchStrategy[tuple[fmpq, fmpq]]:
    syms = sigma_symmetries(act)
    near = st.tuples(st.sampled_from(syms), rationals(3, nonzero=True), st.booleans()).map(
        lambda t: (t[0][0] + t[1], t[0][1]) if t[2] else (t[0][0], t[0][1] + t[1]))
    return st.one_of(st.sampled_from(syms), near, st.tuples(rationals(4), rationals(4)))


def _check_sigma_edge(act: Activation, inst: tuple[SLP, int, tuple[fmpq, fmpq]],
                      taus: Sequence[int] | None) -> Evidence:
    slp, pick, (w, b) = inst
    c = compile_slp(slp, act)
    ins = build_instance(c, 0)
    es = c.sigma_edges()
    e = es[pick % len(es)]
    theta = c.theta_star.replace(e, weight=w, bias=b)
    temps = [ins.sigma_template(e, t) for t in (range(c.mu + 1) if taus is None else taus)]
    passes = ins.verify(theta, templates=temps, main=False).forcing_ok
    sym = is_sigma_symmetry(act, w, b)
    check_eq(passes, sym, "(w, b) passes the σ-templates of its edge iff σ(w z + b) ≡ σ(z)",
             edge="->".join(c.network.edges[e]), w=w, b=b)
    ev = Evidence.of(symmetric=int(sym))
    if sym and (w, b) != (fmpq(1), fmpq(0)):
        # the identity-edge templates have x_U ≠ 0 and may still see the reflection
        ev.figures["reflection_passes_all_forcing"] = int(
            ins.verify(theta, main=False, stop_at_first=True).forcing_ok)
    return ev


def _sigma_edge_inst(act: Activation) -> st.SearchStrategy[tuple[SLP, int, tuple[fmpq, fmpq]]]:
    return st.tuples(_with_product(_small_slps(3)), st.integers(0, 1000), _edge_pairs(act))


@claim_for(
    "Claim B.1",
    "Claim B.1(2), both directions: (w, b) on a σ-edge passes its μ+1 templates (τ = 0..μ) "
    "iff σ(w z + b) ≡ σ(z); the σ-symmetries (e.g. (−1, 0) for x²) pass",
    covers=NONLINEAR_POLYNOMIAL, instances=_sigma_edge_inst, examples=30, show=_show_slp,
)
def sigma_edge_forcing(act: Activation, inst: tuple[SLP, int, tuple[fmpq, fmpq]]) -> Evidence:
    """(w, b) is drawn among the symmetries, near them, and at random."""
    return _check_sigma_edge(act, inst, None)


@claim_for(
    "Claim B.1",
    "Negative control: the single template τ = 0 does not pin a σ-edge (σ(w·0 + 0) = σ(0) "
    "for every w)",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(_with_product(_small_slps(3)), st.integers(0, 1000),
                                    st.tuples(rationals(4), st.just(fmpq(0)))),
    expect="counterexample", control_of="slp_network.sigma_edge_forcing", examples=20,
    show=_show_slp,
)
def single_tau_template_refuted(act: Activation,
                                inst: tuple[SLP, int, tuple[fmpq, fmpq]]) -> Evidence:
    return _check_sigma_edge(act, inst, [0])


def _id_edge_inst(act: Activation) -> st.SearchStrategy[tuple[SLP, int, fmpq, bool]]:
    return st.tuples(_small_slps(5), st.integers(0, 10_000), rationals(4, nonzero=True),
                     st.booleans())


@claim_for(
    "Claim B.1",
    "Claim B.1(1): changing the weight of an identity-headed edge e fails the baseline or the "
    "template of e; changing a bias into an id vertex fails the baseline",
    covers=NONLINEAR_POLYNOMIAL, instances=_id_edge_inst, examples=20, show=_show_slp,
)
def identity_edge_forcing(act: Activation, inst: tuple[SLP, int, fmpq, bool]) -> Evidence:
    """The proof's pair of node-rule equations at q, evaluated exactly."""
    slp, pick, delta, weight = inst
    c = compile_slp(slp, act)
    ins = build_instance(c, 0)
    es = c.identity_edges()
    e = es[pick % len(es)]
    t0 = c.theta_star
    if weight:
        theta = t0.replace(e, weight=t0.weights[e] + delta)
        temps = [Template("baseline", None, None, (), (), ()), ins.identity_template(e)]
    else:
        theta = t0.replace(e, bias=t0.biases[e] + delta)
        temps = [Template("baseline", None, None, (), (), ())]
    ver = ins.verify(theta, templates=temps, main=False)
    check(not ver.forcing_ok, "the perturbation is detected by the proof's templates",
          edge="->".join(c.network.edges[e]), weight=weight, delta=delta)
    full = ins.verify(theta, main=False, stop_at_first=True)
    check(not full.forcing_ok, "some forcing sample fails (auxiliary loss >= b + 1)")
    return Evidence.of(edges=len(c.network.edges))


@claim_for(
    "Claim B.1",
    "Negative control: moving bias between two in-edges of one vertex (same sum) is never "
    "detected: only bias sums are forced",
    covers=NONLINEAR_POLYNOMIAL, instances=_id_edge_inst, expect="counterexample",
    control_of="slp_network.identity_edge_forcing", examples=10, show=_show_slp,
)
def bias_shift_refuted(act: Activation, inst: tuple[SLP, int, fmpq, bool]) -> Evidence:
    slp, pick, delta, _ = inst
    c = compile_slp(slp, act)
    a = c.network.arch
    multi = [v for v in range(len(a.nodes)) if len(a.in_edges[v]) >= 2]
    if not multi:
        return Evidence()
    v = multi[pick % len(multi)]
    e1, e2 = a.in_edges[v][0], a.in_edges[v][1]
    t0 = c.theta_star
    theta = t0.replace(e1, bias=t0.biases[e1] + delta).replace(e2, bias=t0.biases[e2] - delta)
    full = build_instance(c, 0).verify(theta, main=False, stop_at_first=True)
    check(not full.forcing_ok, "some forcing sample fails", node=a.nodes[v], delta=delta)
    return Evidence()


Move = tuple[str, int, fmpq]


def _moves() -> st.SearchStrategy[list[Move]]:
    kinds = st.sampled_from(["weight", "bias", "shift", "symmetry"])
    return st.lists(st.tuples(kinds, st.integers(0, 10_000), rationals(3, nonzero=True)),
                    min_size=1, max_size=3)


def _apply(c: CompiledSLP, moves: Sequence[Move]) -> Theta:
    a = c.network.arch
    theta = c.theta_star
    syms = sigma_symmetries(c.sigma)
    for kind, pick, delta in moves:
        e = pick % len(a.edges)
        if kind == "weight":
            theta = theta.replace(e, weight=theta.weights[e] + delta)
        elif kind == "bias":
            theta = theta.replace(e, bias=theta.biases[e] + delta)
        elif kind == "shift":
            ins = a.in_edges[a.dst[e]]
            if len(ins) >= 2:
                e2 = ins[(ins.index(e) + 1) % len(ins)]
                theta = theta.replace(e, bias=theta.biases[e] + delta)
                theta = theta.replace(e2, bias=theta.biases[e2] - delta)
        else:
            es = c.sigma_edges()
            if es:
                e = es[pick % len(es)]
                w, b = syms[pick % len(syms)]
                theta = theta.replace(e, weight=w, bias=b)
    return theta


@claim_for(
    "Claim B.1",
    "If θ has zero loss on 𝒟_a then w = w∗ on E_id, every bias sum at an id vertex equals θ∗'s, "
    "every σ-edge satisfies σ(w z + b) ≡ σ(z), and f^{v_i}_θ(x_main) = a_i",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.tuples(_with_product(_small_slps(4)), _moves()),
    examples=40, show=_show_slp,
)
def zero_loss_forces(act: Activation, inst: tuple[SLP, list[Move]]) -> Evidence:
    """θ = θ∗ moved by random weight/bias changes, bias shifts and σ-symmetries; the
    conclusions are checked whenever the auxiliary loss is zero (figure ``zero_loss``)."""
    slp, moves = inst
    c = compile_slp(slp, act)
    theta = _apply(c, moves)
    ver = build_instance(c, 0).verify(theta, main=False, stop_at_first=True)
    if not ver.forcing_ok:
        return Evidence.of(zero_loss=0)
    a = c.network.arch
    t0 = c.theta_star
    sums0 = [fmpq(0)] * len(a.nodes)
    sums = [fmpq(0)] * len(a.nodes)
    for e in range(len(a.edges)):
        v = a.dst[e]
        sums0[v] += t0.biases[e]
        sums[v] += theta.biases[e]
        if _is_sigma(a.acts[v]):
            check(is_sigma_symmetry(c.sigma, theta.weights[e], theta.biases[e]),
                  "σ-edge is a σ-symmetry", edge="->".join(a.edges[e]))
        else:
            check_eq(theta.weights[e], t0.weights[e], "w = w∗ on E_id",
                     edge="->".join(a.edges[e]))
    for v in range(len(a.nodes)):
        if a.in_edges[v] and not _is_sigma(a.acts[v]):
            check_eq(sums[v], sums0[v], "bias sum at an id vertex", node=a.nodes[v])
    _check_simulation(slp, c, theta)
    return Evidence.of(zero_loss=1)


# --------------------------------------------------------------------------- Claim B.1(2) erratum


@st.composite
def _reflection_family(draw: st.DrawFn) -> tuple[Polynomial, SLP, list[int], fmpq]:
    """σ = c(z⁴ − 4z²) + d (even, σ(±2) = σ(0)), a square-free SLP, σ-edges to reflect with
    (−1, 0), and a non-zero injection s."""
    c = draw(rationals(4, den_bits=2, nonzero=True))
    d = draw(rationals(4, den_bits=2))
    sigma = Polynomial(fmpq_poly([d, 0, -4 * c, 0, c]))
    slp = draw(_with_product(_small_slps(3), square_free=True))
    picks = draw(st.lists(st.integers(0, 10_000), min_size=1, max_size=3))
    s = draw(rationals(4, nonzero=True))
    return sigma, slp, picks, s


def _reflect(c: CompiledSLP, picks: Sequence[int]) -> tuple[Theta, list[int]]:
    es = c.sigma_edges()
    chosen = sorted({es[p % len(es)] for p in picks})
    theta = c.theta_star
    for e in chosen:
        theta = theta.replace(e, weight=fmpq(-1), bias=fmpq(0))
    return theta, chosen


def _show_family(inst: tuple[Polynomial, SLP, list[int], fmpq]) -> str:
    return f"# sigma = {inst[0].name}; picks {inst[2]}; s = {fmt(inst[3])}\n{inst[1].to_text()}"


@claim(
    "Claim B.1",
    "Claim B.1(2) corrected: for σ = c(z⁴ − 4z²) + d and square-free P, reflecting σ-edges "
    "with (−1, 0) keeps zero loss on 𝒟_a, and f^U = σ(f^L) holds for inputs with x_U = 0, "
    "so f^{v_i}(x_main) = a_i",
    instances=_reflection_family(), examples=20, show=_show_family, tags=("identity",),
)
def claim_b1_xu_zero(inst: tuple[Polynomial, SLP, list[int], fmpq]) -> Evidence:
    """Inputs: x_main, and x_main plus s at every L vertex of a reflected edge (x_U = 0)."""
    sigma, slp, picks, s = inst
    c = compile_slp(slp, sigma)
    theta, chosen = _reflect(c, picks)
    ver = build_instance(c, 0).verify(theta, main=False)
    check(ver.forcing_ok, "the reflected θ has zero auxiliary loss",
          failing=[(t.kind, t.edge, t.tau) for t in ver.failing[:5]])
    net = c.network_at(theta)
    x = dict(c.x_main())
    for e in chosen:
        x[net.edges[e][0]] = s
    tr = net.forward(x)
    for e in chosen:
        lv, uv = net.edges[e]
        check_eq(tr.value(uv), sigma(tr.value(lv)), "f^U = σ(f^L) when x_U = 0",
                 edge=f"{lv}->{uv}")
    _check_simulation(slp, c, theta)
    return Evidence.of(reflected=len(chosen))


@claim(
    "Claim B.1",
    "Claim B.1(2) as written ('hence f^U_θ(x) = σ(f^L_θ(x))' for every input x) fails: a θ "
    "with zero loss on 𝒟_a and a σ-reflection gives f^U = σ(x_U − f^L) ≠ σ(f^L) when x_U ≠ 0",
    instances=_reflection_family(), status="erratum", expect="counterexample",
    control_of="slp_network.claim_b1_xu_zero", examples=10, show=_show_family,
)
def claim_b1_every_input_erratum(inst: tuple[Polynomial, SLP, list[int], fmpq]) -> Evidence:
    """The premise (zero auxiliary loss) is verified exactly before the conclusion is tested
    at x_main + s·e_U."""
    sigma, slp, picks, s = inst
    c = compile_slp(slp, sigma)
    theta, chosen = _reflect(c, picks)
    if not build_instance(c, 0).verify(theta, main=False, stop_at_first=True).forcing_ok:
        return Evidence.of(premise=0)
    net = c.network_at(theta)
    for e in chosen:
        lv, uv = net.edges[e]
        x = dict(c.x_main())
        x[uv] = s
        tr = net.forward(x)
        check_eq(tr.value(uv), sigma(tr.value(lv)), "f^U_θ(x) = σ(f^L_θ(x)) at x with x_U ≠ 0",
                 edge=f"{lv}->{uv}", x_U=s)
    return Evidence.of(premise=1)
