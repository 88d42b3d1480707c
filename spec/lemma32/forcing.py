"""Claim B.1: zero loss on the forcing samples pins θ down to θ∗ up to σ-symmetries.

**σ-symmetries.**  :func:`sigma_symmetries` lists every (w, b) ∈ ℚ² with σ(w z + b) ≡ σ(z)
(cross-checked against sympy's solver by :func:`symmetries_by_sympy`).

**Forcing.**  Claim B.1(1): the weight of an identity-headed edge and the bias sum at an id
vertex are forced; Claim B.1(2): a σ-edge passes its μ + 1 templates iff its (w, b) is a
σ-symmetry; together, zero auxiliary loss gives f^{v_i}_θ(x_main) = a_i.

**Claim B.1 at full strength.**  Every vertex is an output, so zero loss on a forcing
sample (x, y) means f_θ(x) = y everywhere and the node rule at v is an equation in v's
own in-edge parameters: the zero-loss set is a product of per-vertex sets, solved exactly by
:func:`zero_loss_set` (linear algebra over ℚ at id vertices; at σ-vertices the μ + 1
σ-templates make σ(wz + b) − σ(z) a polynomial of degree ≤ μ with μ + 1 roots, so the
solutions are σ-symmetries, cross-checked against a Gröbner basis of all equations).
``slp_network.zero_loss_solved_exhaustive`` proves the claim this way for EVERY SLP of
length ≤ 2 (outcome ``exhaustive``), ``zero_loss_solved_random`` on random larger ones.
Found on the way: for every registered σ the identity templates (x_U ≠ 0) already exclude
the reflection (−1, b) where σ has one (figure ``surviving_reflections`` = 0).

**Erratum.**  Claim B.1(2)'s "hence f^U_θ(x) = σ(f^L_θ(x))" holds for inputs with x_U = 0
only; the claims ``slp_network.claim_b1_xu_zero`` and
``slp_network.claim_b1_every_input_erratum`` check the corrected and the written versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import sympy
from flint import fmpq, fmpq_mat, fmpq_poly
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
from spec.lemma32._common import (
    BUDGET_BITS,
    _all_short_slps,
    _show_slp,
    _small_slps,
    _with_product,
)
from spec.lemma32.instance import ERMInstance, Template, build_instance
from spec.lemma32.network import CompiledSLP, Theta, _check_simulation, _is_sigma, compile_slp
from strategies import polynomials, rationals

CLAIM_NAMESPACE = "slp_network"
"""Claim ids stay ``slp_network.*`` (the module this code came from)."""

__all__ = [
    "VertexSolution",
    "check_zero_loss_solved",
    "in_zero_loss_set",
    "is_sigma_symmetry",
    "sigma_symmetries",
    "solve_sigma_vertex",
    "symmetries_by_sympy",
    "zero_loss_set",
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


# --------------------------------------------------------------------------- the zero-loss set


@dataclass(frozen=True)
class VertexSolution:
    """The parameters of one vertex's in-edges allowed by zero loss on 𝒟_a (Claim B.1).

    Every vertex is an output, so zero loss on a forcing sample (x, y) means f^u_θ(x) = y_u
    for every u, and the node rule at v becomes one equation in the parameters of v's
    in-edges only: σ^v(x_v + Σ_{(u,v)} (w_{u,v} y_u + b_{u,v})) = y_v.  The zero-loss set
    is therefore the product over vertices of the per-vertex solution sets, solved here
    exactly.  ``id`` vertex: a linear system in (w_{u,v})_u and the bias sum B_v;
    ``solution`` is its unique solution when ``rank == unknowns``.  σ-vertex (one in-edge):
    σ(x_U + w y_L + b) = y_U; ``solution_set`` are its rational solutions (w, b) and
    ``finite`` says whether the complex solution set is finite.
    """

    node: str
    kind: Literal["id", "sigma"]
    equations: int
    unknowns: int
    rank: int
    solution: tuple[fmpq, ...] | None = None
    solution_set: tuple[tuple[fmpq, fmpq], ...] = ()
    finite: bool = True

    @property
    def pinned(self) -> bool:
        """An id vertex whose in-edge weights and bias sum have exactly one solution."""
        return self.kind == "id" and self.solution is not None


def in_zero_loss_set(ins: ERMInstance, sols: Sequence[VertexSolution], theta: Theta) -> bool:
    """Is θ in the solved zero-loss set (every id vertex at its unique solution, every
    σ-edge's (w, b) among its vertex's solutions)?  Needs every id vertex pinned."""
    a = ins.network.arch
    idx = {n: i for i, n in enumerate(a.nodes)}
    for sol in sols:
        es = a.in_edges[idx[sol.node]]
        if sol.kind == "id":
            if sol.solution is None:
                raise ValueError(f"vertex {sol.node} is not pinned")
            got = (*(theta.weights[e] for e in es), sum((theta.biases[e] for e in es), fmpq(0)))
            if got != sol.solution:
                return False
        elif (theta.weights[es[0]], theta.biases[es[0]]) not in sol.solution_set:
            return False
    return True


def _vertex_equations(ins: ERMInstance, templates: Sequence[Template] | None
                      ) -> dict[int, set[tuple[tuple[fmpq, ...], fmpq, fmpq]]]:
    """Per vertex v with in-edges: the distinct equations (y_u over v's in-edges, x_v, y_v)
    that the forcing samples give (the baseline's plus each template's where it differs)."""
    a = ins.network.arch
    y0, x0 = ins.y0, ins.x0
    eqs: dict[int, set[tuple[tuple[fmpq, ...], fmpq, fmpq]]] = {}

    def add(v: int, ty: Mapping[int, fmpq], tx: Mapping[int, fmpq]) -> None:
        if not a.in_edges[v]:
            return
        ys = tuple(ty.get(a.src[e], y0[a.src[e]]) for e in a.in_edges[v])
        eqs.setdefault(v, set()).add((ys, x0[v] + tx.get(v, fmpq(0)), ty.get(v, y0[v])))

    for v in range(len(a.nodes)):
        add(v, {}, {})
    for t in (ins.templates() if templates is None else templates):
        ty, tx = dict(t.y), dict(t.dx)
        touched = set(ty) | set(tx) | {a.dst[e] for u in ty for e in a.out_edges[u]}
        for v in touched:
            add(v, ty, tx)
    return eqs


_SYMPY_CACHE: dict[tuple[tuple[str, ...], frozenset[tuple[str, str, str]]],
                   tuple[frozenset[tuple[Fraction, Fraction]], bool]] = {}


def solve_sigma_vertex(sigma: Activation, eqs: Iterable[tuple[fmpq, fmpq, fmpq]]
                       ) -> tuple[frozenset[tuple[Fraction, Fraction]], bool]:
    """The rational solutions (w, b) of σ(x + w·y_L + b) = y_U over the given (x, y_L, y_U),
    by sympy's polynomial-system solver, and whether the solution set is finite."""
    p = sigma_polynomial(sigma)
    key = (tuple(fmt(c) for c in coefficients(p)),
           frozenset((fmt(x), fmt(yl), fmt(yu)) for x, yl, yu in eqs))
    if key in _SYMPY_CACHE:
        return _SYMPY_CACHE[key]
    cs = [sympy.Rational(c) for c in key[0]]
    w, b = sympy.symbols("w b")
    system = []
    for x, yl, yu in key[1]:
        arg = sympy.Rational(x) + w * sympy.Rational(yl) + b
        system.append(sympy.expand(sum(c * arg**k for k, c in enumerate(cs))
                                   - sympy.Rational(yu)))
    system = [q for q in system if q != 0]
    out: set[tuple[Fraction, Fraction]] = set()
    finite = True
    if not system:
        finite = False
    else:
        gb = sympy.groebner(system, w, b, order="lex")
        if list(gb.exprs) != [1]:
            finite = gb.is_zero_dimensional
            if finite:
                for sol in sympy.solve(list(gb.exprs), [w, b], dict=True):
                    sw, sb = sol.get(w, w), sol.get(b, b)
                    if sw.is_rational and sb.is_rational:
                        out.add((Fraction(int(sw.p), int(sw.q)),
                                 Fraction(int(sb.p), int(sb.q))))
    res = (frozenset(out), finite)
    _SYMPY_CACHE[key] = res
    return res


def zero_loss_set(ins: ERMInstance, templates: Sequence[Template] | None = None
                  ) -> list[VertexSolution]:
    """The zero-loss set of 𝒟_a, solved exactly vertex by vertex (Claim B.1).

    id vertices: the linear system over ℚ (fmpq_mat row reduction).  σ-vertices: when the
    μ + 1 σ-templates of the edge are among the equations, σ(wτ + b) = σ(τ) for τ = 0..μ
    means σ(wz + b) ≡ σ(z) (a polynomial of degree ≤ μ with μ + 1 roots), so the solutions
    are the σ-symmetries that satisfy the vertex's remaining equations; otherwise the set is
    left to :func:`solve_sigma_vertex` (``finite`` from a Gröbner basis).
    """
    a = ins.network.arch
    sigma = ins.compiled.sigma
    mu = ins.compiled.mu
    syms = sigma_symmetries(sigma)
    out: list[VertexSolution] = []
    for v, eq in sorted(_vertex_equations(ins, templates).items()):
        rows = sorted(eq)
        if _is_sigma(a.acts[v]):
            triples = [(x, ys[0], y) for ys, x, y in rows]
            have = {(x, yl, yu) for x, yl, yu in triples}
            full = all((fmpq(0), fmpq(t), sigma(fmpq(t))) in have for t in range(mu + 1))
            if full:
                sols = tuple((w, b) for w, b in syms
                             if all(sigma(x + w * yl + b) == yu for x, yl, yu in triples))
                out.append(VertexSolution(a.nodes[v], "sigma", len(rows), 2, 2,
                                          solution_set=sols))
            else:
                found, finite = solve_sigma_vertex(sigma, triples)
                out.append(VertexSolution(
                    a.nodes[v], "sigma", len(rows), 2, 2, finite=finite,
                    solution_set=tuple(sorted((fmpq(f.numerator, f.denominator),
                                               fmpq(g.numerator, g.denominator))
                                              for f, g in found))))
            continue
        k = len(a.in_edges[v]) + 1
        m = fmpq_mat(len(rows), k + 1, [c for ys, x, y in rows for c in (*ys, fmpq(1), y - x)])
        red, rank_aug = m.rref()
        coef = fmpq_mat(len(rows), k, [c for ys, x, y in rows for c in (*ys, fmpq(1))])
        rank = coef.rank()
        solution = None
        if rank == k and rank_aug == k:
            solution = tuple(red[i, k] for i in range(k))
        out.append(VertexSolution(a.nodes[v], "id", len(rows), k, rank if rank_aug == rank
                                  else -1, solution))
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
    refuted_on=("σ-symmetries vs sympy.solve",),
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
    refuted_on=("(w, b) passes the σ-templates of its edge iff σ(w z + b) ≡ σ(z)",),
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
    refuted_on=("some forcing sample fails",),
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
    examples=30, show=_show_slp,
)
def zero_loss_forces(act: Activation, inst: tuple[SLP, list[Move]]) -> Evidence:
    """θ = θ∗ moved by random weight/bias changes, bias shifts and σ-symmetries; the
    conclusions are checked whenever the auxiliary loss is zero (figure ``zero_loss``).
    Sampled, and kept beside the exact ``zero_loss_solved_*`` claims for what it adds:
    the incremental verifier's verdict on each moved θ must agree with membership in the
    exactly solved zero-loss set."""
    slp, moves = inst
    c = compile_slp(slp, act)
    theta = _apply(c, moves)
    ins = build_instance(c, 0)
    ver = ins.verify(theta, main=False, stop_at_first=True)
    check_eq(ver.forcing_ok, in_zero_loss_set(ins, zero_loss_set(ins), theta),
             "the incremental verifier agrees with the exactly solved zero-loss set")
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
    refuted_on=("f^U_θ(x) = σ(f^L_θ(x)) at x with x_U ≠ 0",),
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


# --------------------------------------------------------------------------- Claim B.1 solved


def check_zero_loss_solved(act: Activation, slp: SLP,
                           templates: Sequence[Template] | None = None) -> Evidence:
    """Claim B.1 for one instance, proved: the zero-loss set of 𝒟_a solved exactly (see
    :func:`zero_loss_set`), then f^{v_i}_θ(x_main) = a_i for EVERY θ in it by induction in
    topological order (id vertices: one solution, θ∗'s; σ-vertices: every solution (w, b)
    gives σ(w f^L + b) = f^U at x_main, where x_U = 0)."""
    c = compile_slp(slp, act)
    ins = build_instance(c, 0)
    a = c.network.arch
    idx = {n: i for i, n in enumerate(a.nodes)}
    t0 = c.theta_star
    syms = {(as_fraction(w), as_fraction(b)) for w, b in sigma_symmetries(act)}
    eqs = _vertex_equations(ins, templates)
    x_main = c.x_main()
    base = c.network.forward(x_main, budget_bits=BUDGET_BITS)
    reflections = 0
    for sol in zero_loss_set(ins, templates):
        v = idx[sol.node]
        ins_e = a.in_edges[v]
        if sol.kind == "id":
            check(sol.pinned, "the forcing samples pin the in-edge weights and the bias sum at "
                  "an id vertex (its linear system has exactly one solution)",
                  node=sol.node, rank=sol.rank, unknowns=sol.unknowns, equations=sol.equations)
            want = (*(t0.weights[e] for e in ins_e), sum((t0.biases[e] for e in ins_e), fmpq(0)))
            check_eq(sol.solution, want, "the unique solution is θ∗'s (w∗, Σ b∗)", node=sol.node)
            continue
        found = {(as_fraction(w), as_fraction(b)) for w, b in sol.solution_set}
        check(sol.finite and found <= syms, "every zero-loss (w, b) on a σ-edge is a σ-symmetry",
              node=sol.node, solutions=sorted(found), finite=sol.finite)
        check((Fraction(1), Fraction(0)) in found, "θ∗'s (1, 0) has zero loss", node=sol.node)
        triples = [(x, ys[0], y) for ys, x, y in eqs[v]]
        check_eq(found, set(solve_sigma_vertex(act, triples)[0]),
                 "the σ-vertex's solution set equals sympy's (Gröbner basis, all equations)",
                 node=sol.node)
        reflections += len(found) - 1
        (e,) = ins_e
        check(a.nodes[v] not in x_main, "x_U = 0 at x_main", node=sol.node)
        for w, b in sol.solution_set:
            check_eq(c.sigma(w * base.val[a.src[e]] + b), base.val[v],
                     "every zero-loss (w, b) keeps f^U(x_main) = σ(f^L(x_main))", node=sol.node)
    _check_simulation(slp, c)
    return Evidence.of(vertices=len(a.nodes), surviving_reflections=reflections)


def _slps_up_to(n: int) -> list[SLP]:
    return list(_all_short_slps(n))


EXHAUSTIVE_LENGTH = 2
"""Claim B.1 is proved for every SLP with a_0 = 1 of length ≤ this (on every activation)."""


@claim_for(
    "Claim B.1",
    "Claim B.1 proved for every SLP with a_0 = 1 of length ≤ 2: the zero-loss set of 𝒟_a, "
    "solved exactly vertex by vertex, has w = w∗ on E_id and θ∗'s bias sum at every id "
    "vertex, only σ-symmetries on σ-edges, and every θ in it has f^{v_i}_θ(x_main) = a_i",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.sampled_from(_slps_up_to(EXHAUSTIVE_LENGTH)),
    exhaustive=f"SLPs (a_0 = 1) of length ≤ {EXHAUSTIVE_LENGTH}", show=_show_slp,
)
def zero_loss_solved_exhaustive(act: Activation, slp: SLP) -> Evidence:
    """Zero loss on a forcing sample means f_θ(x) = y at every vertex (all are outputs),
    so each vertex gives equations in its own in-edges' parameters only; the zero-loss
    set is the product of the per-vertex solution sets, each computed exactly (linear
    algebra over ℚ at id vertices; at σ-vertices the σ-symmetries, cross-checked with a
    Gröbner basis of all the vertex's equations).  Not sampled: proved for each SLP."""
    return check_zero_loss_solved(act, slp)


@claim_for(
    "Claim B.1",
    "Claim B.1 proved on random SLPs of length ≤ 6 (integer and rational a_0, last gate a "
    "product): the exactly solved zero-loss set pins E_id and the id bias sums to θ∗, "
    "σ-edges to σ-symmetries, and simulates P",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _with_product(_small_slps(5)),
    examples=4, show=_show_slp,
)
def zero_loss_solved_random(act: Activation, slp: SLP) -> Evidence:
    return check_zero_loss_solved(act, slp)


def _without_identity_templates(act: Activation, slp: SLP) -> list[Template]:
    ins = build_instance(compile_slp(slp, act), 0)
    return [t for t in ins.templates() if t.kind != "identity"]


@claim_for(
    "Claim B.1",
    "Negative control: without the identity-edge templates (baseline and σ-templates "
    "only) the forcing samples do not pin the in-edge weights at id vertices",
    covers=NONLINEAR_POLYNOMIAL,
    instances=lambda act: st.sampled_from(_slps_up_to(EXHAUSTIVE_LENGTH)),
    expect="counterexample", control_of="slp_network.zero_loss_solved_exhaustive",
    examples=5, show=_show_slp,
    refuted_on=("the forcing samples pin the in-edge weights and the bias sum at",),
)
def zero_loss_without_identity_templates_refuted(act: Activation, slp: SLP) -> Evidence:
    return check_zero_loss_solved(act, slp, _without_identity_templates(act, slp))


@claim_for(
    "Claim B.1",
    "Negative control: on random SLPs too, without the identity-edge templates the "
    "forcing samples do not pin the in-edge weights at id vertices",
    covers=NONLINEAR_POLYNOMIAL, instances=lambda act: _with_product(_small_slps(5)),
    expect="counterexample", control_of="slp_network.zero_loss_solved_random", examples=4,
    show=_show_slp,
    refuted_on=("the forcing samples pin the in-edge weights and the bias sum at",),
)
def zero_loss_random_without_identity_templates_refuted(act: Activation, slp: SLP) -> Evidence:
    return check_zero_loss_solved(act, slp, _without_identity_templates(act, slp))
