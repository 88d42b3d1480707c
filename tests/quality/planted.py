"""Planted bugs: one plausible slip in the mathematics each, to be caught by the claims.

Each :class:`Plant` breaks one piece of one module (a bound missing a term, a verifier
comparing with ``<``, a gradient step with the wrong sign, a fast path dropping a bias, a
derivative convention flipped, ...) by patching it for the duration of a ``with`` block,
and names the claims that should catch it.  :func:`hunt` runs those claims (through
:func:`spec.harness.runner.run_item`, ``ci`` profile, a small example budget) under the
plant and returns the first that does not meet its expectation.  The planted-bug suite
(``tests/quality/test_planted.py``) requires every plant to be caught;
``scripts/planted_catch_rate.py`` prints the catch rate by module.

The claims alone are run, never the unit tests: the question is whether ``whyrelu check``
notices broken mathematics.  ``checkers/errors.py`` and ``checkers/formats.py`` hold no
mathematics (typed errors; file I/O, tested by ``tests/test_fuzz.py`` and
``tests/test_formats.py``) and have no plant.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flint import arb, fmpq, fmpz

import checkers.activation_base as base_mod
import checkers.activation_kinds as kinds_mod
import checkers.activation_parser as parser_mod
import checkers.activations as acts_mod
import checkers.certificates as certs_mod
import checkers.importers as importers_mod
import checkers.kernels as kernels_mod
import checkers.layered as layered_mod
import checkers.losses as losses_mod
import checkers.lp as lp_mod
import checkers.matmul as matmul_mod
import checkers.measure as measure_mod
import checkers.network as network_mod
import checkers.poly as poly_mod
import checkers.rationals as rationals_mod
import checkers.reference as reference_mod
import checkers.relu_erm as relu_erm_mod
import checkers.slp as slp_mod
import checkers.training as training_mod
import checkers.transcendental as transc_mod
import spec.beyond.activation_semantics as act_sem
import spec.beyond.local_gadget as local_gadget
import spec.beyond.reciprocal as reciprocal
import spec.beyond.relu_k as relu_k
import spec.beyond.relu_np_hardness as relu_np
import spec.beyond.simulation as simulation
import spec.bit_bounded as bitb
import spec.bnslp as bnslp
import spec.definitions as definitions
import spec.figure1 as figure1
import spec.figure1_exact as figure1_exact
import spec.fractional as fractional
import spec.gadget as gadget
import spec.investigations as investigations
import spec.lemma32.forcing as forcing
import spec.lemma32.instance as l32_instance
import spec.lemma32.network as l32_network
import spec.pac as pac
import spec.pac_learners as pac_learners
import spec.piecewise as piecewise
import spec.remarks_b as remarks_b
import spec.sizes as sizes
import spec.subset_sum as subset_sum
import spec.theorem11 as theorem11
import spec.theorem13.backprop as backprop
import spec.theorem13.reductions as reductions
import spec.theorem14 as theorem14
import spec.theorem_e2.gradient_steps as gd
import spec.theorem_e2.verifier as verifier
from checkers.rationals import fmt
from checkers.reference import activation_functions
from spec.beyond._theorem_e2 import Theta
from spec.claims import as_fraction, check_eq
from spec.gadget import sigma_polynomial
from spec.harness.runner import Item, Result, run_item


class Patcher:
    """Replace attributes (frozen dataclass instances included) and restore them."""

    def __init__(self) -> None:
        self._undo: list[tuple[Any, str, Any]] = []

    def set(self, obj: Any, name: str, value: Any) -> None:
        self._undo.append((obj, name, obj.__dict__.get(name, _MISSING)
                           if isinstance(obj, type) else getattr(obj, name)))
        if isinstance(obj, type):
            setattr(obj, name, value)
        else:
            object.__setattr__(obj, name, value)

    def wrap(self, obj: Any, name: str, make: Callable[[Any], Any]) -> None:
        """``obj.name = make(original)``."""
        self.set(obj, name, make(getattr(obj, name)))

    def undo(self) -> None:
        for obj, name, old in reversed(self._undo):
            if old is _MISSING:
                delattr(obj, name)
            elif isinstance(obj, type):
                setattr(obj, name, old)
            else:
                object.__setattr__(obj, name, old)
        self._undo.clear()


_MISSING = object()

Target = tuple[str, str | None]  # (claim id, activation or None)


@dataclass(frozen=True)
class Plant:
    """One planted bug: ``apply`` patches it in; ``claims`` should catch it."""

    name: str
    module: str
    kind: str
    description: str
    apply: Callable[[Patcher], None]
    claims: tuple[Target, ...]
    examples: int = 12

    @contextlib.contextmanager
    def planted(self) -> Iterator[None]:
        p = Patcher()
        try:
            self.apply(p)
            yield
        finally:
            p.undo()


def hunt(plant: Plant, *, examples: int | None = None) -> tuple[Target | None, list[Result]]:
    """Run the plant's claims under the plant; the first claim that does not meet its
    expectation (refuted, or crashed) catches it."""
    results = []
    with plant.planted():
        for cid, act in plant.claims:
            r = run_item(Item(cid, act), profile="ci", examples=examples or plant.examples)
            results.append(r)
            if not r.meets_expectation:
                return (cid, act), results
    return None, results


# --------------------------------------------------------------------------- helpers

RELU, LEAKY, PWL = "relu", "leaky_relu(1/8)", "pwl(0 | -2 | 1/2*x + 1 | 0 | 2*x + 1 | 3 | -x + 10)"
PHI = "phi_4(x^2)"
X2, X3, X5 = "x^2", "x^3", "x^5 - 2*x^3 + 1/7*x"


def _result_map(f: Callable[..., Any], g: Callable[[Any], Any]) -> Callable[..., Any]:
    def h(*a: Any, **k: Any) -> Any:
        return g(f(*a, **k))
    return h


# --------------------------------------------------------------------------- checkers


def _relu_derivative_at_zero(p: Patcher) -> None:
    p.set(acts_mod.ReLU, "derivative", lambda self, z: fmpq(1) if z >= 0 else fmpq(0))
    p.set(acts_mod.ReLU, "derivative_shared",
          lambda self, nums, den: ([fmpz(1) if n >= 0 else fmpz(0) for n in nums], fmpz(1)))


def _phi_unclipped(p: Patcher) -> None:
    p.set(acts_mod.BitBounded, "_clipped", lambda self, v: None)


def _fmpq_mat_drops_bias(p: Patcher) -> None:
    orig = layered_mod.Mat.add_column

    def add_column(self: Any, b: Any) -> Any:
        return self if self.num is None else orig(self, b)
    p.set(layered_mod.Mat, "add_column", add_column)


def _shared_drops_bias(p: Patcher) -> None:
    orig = layered_mod.Mat.add_column

    def add_column(self: Any, b: Any) -> Any:
        return self if self.num is not None else orig(self, b)
    p.set(layered_mod.Mat, "add_column", add_column)


def _injection_ignored_with_in_edges(p: Patcher) -> None:
    orig = network_mod.Network._input_vector

    def _input_vector(self: Any, x: Any) -> Any:
        xs = orig(self, x)
        a = self.arch
        return [fmpq(0) if a.acts[v] is not None and a.in_edges[v] else q
                for v, q in enumerate(xs)]
    p.set(network_mod.Network, "_input_vector", _input_vector)


def _bias_sum_drops_negative(p: Patcher) -> None:
    def _sum_biases(self: Any) -> list[fmpq]:
        sums = [fmpq(0)] * len(self.arch.nodes)
        for e, b in enumerate(self.biases):
            if b > 0:
                sums[self.arch.dst[e]] += b
        return sums
    p.set(network_mod.Network, "_sum_biases", _sum_biases)


def _hinge_grad_sign(p: Patcher) -> None:
    g = losses_mod.HINGE.grad
    assert g is not None
    p.set(losses_mod.HINGE, "grad", lambda u, y: [-d for d in g(u, y)])


def _square_value_unhalved(p: Patcher) -> None:
    v = losses_mod.SQUARE.value
    p.set(losses_mod.SQUARE, "value", lambda u, y: 2 * v(u, y))


def _max_size_undercounts(p: Patcher) -> None:
    def short(q: fmpq) -> int:
        return max(1, rationals_mod.size(q) - 1)

    def max_size(values: Any) -> int:
        return max((short(v) for v in values), default=0)
    p.set(measure_mod, "size", short)
    p.set(measure_mod, "max_size", max_size)
    p.set(piecewise, "max_size", max_size)


def _size_without_denominator(p: Patcher) -> None:
    def size(q: fmpq) -> int:
        return int(q.p.bit_length()) + int(q.q.bit_length()) - (1 if q.q > 1 else 0)
    for mod in (rationals_mod, piecewise, verifier, gd):
        if hasattr(mod, "size"):
            p.set(mod, "size", size)


def _poly_coefficients_drop_constant(p: Patcher) -> None:
    orig = poly_mod.coefficients

    def coefficients(q: Any) -> list[fmpq]:
        c = orig(q)
        return [fmpq(0), *c[1:]] if len(c) > 1 else c
    p.set(kinds_mod, "coefficients", coefficients)


def _reference_drops_bias(p: Patcher) -> None:
    orig = reference_mod.RefNetwork.__init__

    def __init__(self: Any, net: Any) -> None:
        orig(self, net)
        self.edges = [(u, v, w, 0 * b) for u, v, w, b in self.edges]
    p.set(reference_mod.RefNetwork, "__init__", __init__)


def _slp_minus_as_plus(p: Patcher) -> None:
    orig = slp_mod.SLP._run

    def _run(self: Any, budget: Any) -> Any:
        qvals: list[fmpq] = [self.a0]
        yield self.a0
        for g in self.gates:
            a, b = qvals[g.j], qvals[g.k]
            q = a * b if g.op == "*" else a + b
            qvals.append(q)
            yield q
    p.set(slp_mod.SLP, "_run", _run)
    del orig


# --------------------------------------------------------------------------- spec, hardness


def _sympy_oracle_sign(p: Patcher) -> None:
    p.wrap(definitions, "_sympy_gradient",
           lambda f: _result_map(f, lambda r: (r[0], [-g for g in r[1]], r[2])))


def _gadget_lambda_perturbed(p: Patcher) -> None:
    p.wrap(gadget, "gadget_lambdas",
           lambda f: _result_map(f, lambda lam: [lam[0] + fmpq(1, 3), *lam[1:]]))


def _theta_star_bias(p: Patcher) -> None:
    """compile_slp with the bias of the first in-edge of the output node t off by one."""
    orig = l32_network.compile_slp

    def compile_slp(slp: Any, sigma: Any) -> Any:
        c = orig(slp, sigma)
        net = c.network
        e = net.arch.in_edges[net.index_of(c.output)][0]
        biases = list(net.biases)
        biases[e] += 1
        return dataclasses.replace(c, network=net.with_params(list(net.weights), biases))
    for mod in (l32_network, l32_instance, theorem11, remarks_b):
        if hasattr(mod, "compile_slp"):
            p.set(mod, "compile_slp", compile_slp)


def _sigma_template_shifted(p: Patcher) -> None:
    """Every template's label at its first labelled vertex off by one."""
    orig = l32_instance.ERMInstance.template_label

    def template_label(self: Any, t: Any) -> list[fmpq]:
        y = orig(self, t)
        if t.y:
            v = t.y[0][0]
            y[v] = y[v] + 1
        return y
    p.set(l32_instance.ERMInstance, "template_label", template_label)


def _symmetry_sign(p: Patcher) -> None:
    p.wrap(forcing, "sigma_symmetries",
           lambda f: _result_map(f, lambda s: [*s, (fmpq(-1), fmpq(0))]))


def _bn_constant_off_by_one(p: Patcher) -> None:
    p.set(bnslp, "bn_constant", lambda m: fmpq(1, 2 ** (2 ** (m + 1))) if m >= 0 else fmpq(1))


def _sup_endpoints_only(p: Patcher) -> None:
    def sup_abs_on_interval(poly: Any, lo: fmpq, hi: fmpq, **kw: Any) -> tuple[fmpq, fmpq]:
        m = max(abs(fmpq(poly(lo))), abs(fmpq(poly(hi))))
        return m, m
    p.set(theorem11, "sup_abs_on_interval", sup_abs_on_interval)


def _subset_sum_count_off(p: Patcher) -> None:
    p.wrap(subset_sum, "subset_sum_slp",
           lambda f: lambda w, M=None: f([*w[:-1], w[-1] + 1] if w else w, M))


def _separating_exponent_short(p: Patcher) -> None:
    """M_K = (K − 1) + 2·bitlen(Q∗) + bitlen(b): the square of ‖θ − θ∗‖ forgotten."""
    p.wrap(remarks_b, "separating_exponent", lambda f: lambda c, K, b: f(c, K, b) - (K - 1))


def _hinge_b_ignored(p: Patcher) -> None:
    p.wrap(remarks_b, "hinge_instance", lambda f: lambda prog, sigma, b=1: f(prog, sigma, b=1))


def _app_c_gradient_sign(p: Patcher) -> None:
    orig = backprop.BackpropInstance.gradient
    p.set(backprop.BackpropInstance, "gradient",
          lambda self, *, budget_bits=None: -orig(self, budget_bits=budget_bits))


def _bounded_bit_position_off(p: Patcher) -> None:
    p.wrap(reductions, "bounded_bit_position", lambda f: lambda j, m, n: f(j, m, n) + 1)


def _failure_probability_unnormalised(p: Patcher) -> None:
    p.wrap(pac, "observed_set_probability", lambda f: lambda q, m, s: 2 * f(q, m, s))


def _failure_bound_exponent(p: Patcher) -> None:
    p.set(pac, "failure_bound", lambda q, m: fmpq(q ** (m + 1), 2 * (q + 1) ** (m + 1)))


def _round_nearest(p: Patcher) -> None:
    p.set(pac, "round_q", lambda z, q: fmpq((fmpq(z) * q + fmpq(1, 2)).floor(), q))


def _figure1_square_linear(p: Patcher) -> None:
    orig = figure1._sigma
    p.set(figure1, "_sigma", lambda z, act: z if act == "square" else orig(z, act))


def _binomial_off(p: Patcher) -> None:
    p.wrap(fractional, "binomial", lambda f: lambda beta, k: f(beta, k) * (1 if k < 2 else 2))


# --------------------------------------------------------------------------- spec, tractable


def _bound_drops_bias(p: Patcher) -> None:
    p.wrap(piecewise, "size_bound",
           lambda f: lambda prof: f(dataclasses.replace(prof, bias_mass=fmpq(0))))


def _bound_in_mass_max_weight(p: Patcher) -> None:
    """The in-mass A taken as the largest single |w| instead of the sum over in-edges."""
    orig = piecewise.profile_of_network

    def profile_of_network(net: Any, data: Any, loss: Any) -> Any:
        prof = orig(net, data, loss)
        a = max((abs(w) for w in net.weights), default=fmpq(0))
        return dataclasses.replace(prof, in_mass=a)
    p.set(piecewise, "profile_of_network", profile_of_network)


def _bound_drops_injection(p: Patcher) -> None:
    """Z_d = A·M_(d-1) + B: the input injection X at a hidden node forgotten."""
    def size_bound(prof: Any) -> Any:
        b = orig(prof)
        L = prof.depth
        M, Z = [prof.x_max], [prof.x_max]
        for _ in range(1, L + 1):
            z = prof.in_mass * M[-1] + prof.bias_mass
            Z.append(z)
            M.append(max(M[-1], prof.slope_max * z + prof.intercept_max))
        pre = max([piecewise.bits_for(prof.x_max, prof.data_den)]
                  + [piecewise.bits_for(Z[d], prof.param_den**d * prof.data_den
                                        * prof.slope_den ** (d - 1)) for d in range(1, L + 1)])
        return dataclasses.replace(b, pre=pre)
    orig = piecewise.size_bound
    p.set(piecewise, "size_bound", size_bound)


def _bits_for_minus_one(p: Patcher) -> None:
    p.wrap(piecewise, "bits_for", lambda f: lambda m, d: f(m, d) - 1)


def _verifier_strict(p: Patcher) -> None:
    p.set(verifier, "verify", lambda inst, theta, *, cost_limit=None: verifier._verify(
        inst, theta, lambda m, total, gamma: m.lt(total, gamma), cost_limit))


def _size_forgets_gamma(p: Patcher) -> None:
    p.set(verifier.ERMInstance, "size", property(
        lambda self: verifier.enc_network(self.network)
        + verifier.enc_data(self.network, self.data) + 1))


def _meter_undercounts(p: Patcher) -> None:
    def _charge(self: Any, a: fmpq, b: fmpq) -> None:
        self.cost += rationals_mod.size(a)
        self.ops += 1
        if self.limit is not None and self.cost > self.limit:
            raise verifier.CostExceeded(self.cost, self.limit)
    p.set(verifier._Meter, "_charge", _charge)


def _enc_without_sign_bit(p: Patcher) -> None:
    p.set(verifier, "enc_rational", lambda q: rationals_mod.size(q))


def _gd_step_sign(p: Patcher) -> None:
    def gd_step(net: Any, data: Any, loss: Any, eta: fmpq) -> Any:
        g = net.gradient(data, loss)
        return net.with_params([w + eta * d for w, d in zip(net.weights, g.grad_w, strict=True)],
                               [b + eta * d for b, d in zip(net.biases, g.grad_b, strict=True)])
    p.set(gd, "gd_step", gd_step)


def _gd_step_drops_bias_update(p: Patcher) -> None:
    def gd_step(net: Any, data: Any, loss: Any, eta: fmpq) -> Any:
        g = net.gradient(data, loss)
        return net.with_params([w - eta * d for w, d in zip(net.weights, g.grad_w, strict=True)],
                               list(net.biases))
    p.set(gd, "gd_step", gd_step)


def _gd_bounds_without_eta_den(p: Patcher) -> None:
    """:func:`spec.theorem_e2.gradient_steps.gd_bounds` with ``P_(j+1)`` missing den(η)."""
    def gd_bounds(net: Any, data: Any, loss: Any, eta: fmpq, steps: int) -> Any:
        prof = piecewise.profile_of_network(net, data, loss)
        L, P = prof.depth, prof.param_den
        T = max((abs(q) for q in (*net.weights, *net.biases)), default=fmpq(0))
        dens, mags = [P], [T]
        for _ in range(steps):
            b = piecewise.size_bound(dataclasses.replace(
                prof, param_den=P, in_mass=prof.in_degree * T, out_mass=prof.out_degree * T,
                bias_mass=prof.in_degree * T))
            T = T + abs(eta) * max(b.grad_w_max, b.grad_b_max)
            P = P ** max(1, 2 * L - 1) * prof.data_den**2 * prof.slope_den ** (2 * L)
            dens.append(P)
            mags.append(T)
        return gd.StepBounds(tuple(dens), tuple(mags))
    p.set(gd, "gd_bounds", gd_bounds)


def _phi_bound_drops_bias(p: Patcher) -> None:
    p.wrap(bitb, "phi_bound",
           lambda f: lambda prof: f(dataclasses.replace(prof, bias_mass=fmpq(0))))


def _phi_in_mass_max_weight(p: Patcher) -> None:
    orig = bitb.phi_profile

    def phi_profile(net: Any, data: Any, loss: Any) -> Any:
        prof = orig(net, data, loss)
        a = max((abs(w) for w in net.weights), default=fmpq(0))
        return dataclasses.replace(prof, in_mass=a)
    p.set(bitb, "phi_profile", phi_profile)


# --------------------------------------------------------------------------- added by census


def _breakpoint_right_piece(p: Patcher) -> None:
    """``_Piecewise._index`` with ``<=``: a breakpoint evaluated on the piece to its right."""
    def _index(self: Any, z: fmpq) -> int:
        return sum(1 for t in self.breakpoints if t <= z)
    p.set(base_mod._Piecewise, "_index", _index)


def _leaky_shared_slope_on_positive_side(p: Patcher) -> None:
    def apply_shared(self: Any, nums: Any, den: fmpz) -> Any:
        a, b = self.slope.p, self.slope.q
        return [n * a if n > 0 else n * b for n in nums], den * b
    p.set(kinds_mod.LeakyReLU, "apply_shared", apply_shared)


def _sigmoid_derivative_sign(p: Patcher) -> None:
    """σ'(x) = ¼ + tanh²(x/2)/4 for |x| < 1 (the sign of the tanh² term flipped)."""
    orig = transc_mod._derivative

    def _derivative(name: str, q: fmpq) -> Any:
        if name == "sigmoid" and abs(q) < 1:
            x = arb(q)
            return transc_mod._QUARTER, ((x / 2).tanh() ** 2) / 4
        return orig(name, q)
    p.set(transc_mod, "_derivative", _derivative)


def _invertibility_diagonal_only(p: Patcher) -> None:
    """The inverse certificate's checker compares only the diagonal of A·B with 1."""
    def check(self: Any) -> None:
        a, b = self.matrix, self.inverse
        n = len(a)
        for x, y, which in ((a, b, "A·B"), (b, a, "B·A")):
            for i in range(n):
                s = sum((x[i][k] * y[k][i] for k in range(n)), Fraction(0))
                if s != 1:
                    raise certs_mod.CertificateRejected(f"{self.name}: ({which})[{i}][{i}] ≠ 1")
    p.set(certs_mod.Invertibility, "check", check)


def _farkas_equality_sign(p: Patcher) -> None:
    """An equality row's multiplier z carried with the wrong sign (max(−z, 0) on a·x ≤ c)."""
    orig = lp_mod.farkas_certificate

    def farkas_certificate(sys: Any, mult: Any, **kw: Any) -> Any:
        return orig(sys, lp_mod.Multipliers(mult.y, tuple(-v for v in mult.z)), **kw)
    for mod in (lp_mod, relu_np):
        p.set(mod, "farkas_certificate", farkas_certificate)


def _output_relu_zero_label_as_equality(p: Patcher) -> None:
    """Zero loss at a label-0 sample behind an output ReLU read as u = 0 (not u ≤ 0)."""
    orig = relu_erm_mod.case_rows

    def case_rows(prob: Any, sample: Any, pattern: Any) -> Any:
        rows = orig(prob, sample, pattern)
        if not (prob.output_relu and prob.loss == "square" and sample.y[0] == 0):
            return rows
        return relu_erm_mod.Rows(rows.A[:-1], rows.b[:-1], (*rows.A_eq, rows.A[-1]),
                                 (*rows.b_eq, rows.b[-1]))
    p.set(relu_erm_mod, "case_rows", case_rows)


def _refutation_accepts_uncovered(p: Patcher) -> None:
    """The refutation checker accepts a full pattern combination no certificate covers."""
    def check_refutation(prob: Any, ref: Any) -> bool:
        certs = dict(ref.certificates)
        n = len(prob.data)

        def covered(prefix: tuple[Any, ...]) -> bool:
            if prefix in certs:
                return bool(lp_mod.check_farkas(relu_erm_mod.prefix_rows(
                    prob, ref.order, prefix).system(prob.nvars), certs[prefix]))
            if len(prefix) == n:
                return True
            return all(covered((*prefix, q)) for q in ref.kept[ref.order[len(prefix)]]
                       if relu_erm_mod.canonical((*prefix, q), ref.groups))
        return orig(prob, ref) or (all(ref.kept) and covered(()))
    orig = relu_erm_mod.check_refutation
    for mod in (relu_erm_mod, relu_np):
        p.set(mod, "check_refutation", check_refutation)


def _decimal_exponent_sign(p: Patcher) -> None:
    """A decimal's exponent read without its sign (``1e-3`` as 1000)."""
    orig = parser_mod._decimal

    def _decimal(text: str) -> fmpq:
        return orig(text.replace("e-", "e"))
    p.set(parser_mod, "_decimal", _decimal)


def _coq_farkas_non_strict(p: Patcher) -> None:
    """The Coq file of a Farkas certificate proves only yᵀb <= 0 (a weaker statement)."""
    orig = kernels_mod.to_coq

    def to_coq(cert: Any) -> str:
        text = orig(cert)
        if isinstance(cert, certs_mod.Farkas):
            text = text.replace("negb (Qle_bool 0 (dot y b))", "Qle_bool (dot y b) 0")
        return text
    p.set(kernels_mod, "to_coq", to_coq)


def _smt_farkas_non_strict(p: Patcher) -> None:
    """The SMT text of a Farkas certificate asks only yᵀb <= 0 (a weaker statement)."""
    orig = kernels_mod.to_smt

    def to_smt(cert: Any) -> str:
        text = orig(cert)
        if isinstance(cert, certs_mod.Farkas):
            i = text.rindex("(< ")
            text = text[:i] + "(<= " + text[i + 3:]
        return text
    p.set(kernels_mod, "to_smt", to_smt)


def _farkas_check_non_strict(p: Patcher) -> None:
    """The Python Farkas checker accepts yᵀb <= 0."""
    def check(self: Any) -> None:
        if any(v < 0 for v in self.y):
            raise certs_mod.CertificateRejected(f"{self.name}: a multiplier is negative")
        m, n = len(self.a), len(self.a[0]) if self.a else 0
        for j in range(n):
            if sum((self.y[i] * self.a[i][j] for i in range(m)), Fraction(0)):
                raise certs_mod.CertificateRejected(f"{self.name}: yᵀA ≠ 0")
        if sum((y * b for y, b in zip(self.y, self.b, strict=True)), Fraction(0)) > 0:
            raise certs_mod.CertificateRejected(f"{self.name}: yᵀb > 0")
    p.set(certs_mod.Farkas, "check", check)


def _witness_member_weight_one(p: Patcher) -> None:
    """θ from a splitting with weight 1 (not 2) on x_i → h_k for i ∈ S_k."""
    orig = relu_np.witness

    def witness(inst: Any, split: Any) -> Any:
        th = orig(inst, split)
        return Theta(tuple(fmpq(1) if w == 2 else w for w in th.weights), th.biases)
    p.set(relu_np, "witness", witness)


def _exact_float_via_float32(p: Patcher) -> None:
    """A float64 weight narrowed to float32 before the exact conversion."""
    import numpy as np

    orig = importers_mod.exact_float
    f = _result_map(lambda v: float(np.float32(v)), orig)
    for mod in (importers_mod, figure1_exact):
        p.set(mod, "exact_float", f)


def _training_drops_bias_update(p: Patcher) -> None:
    def apply_gradient(net: Any, grad_w: Any, grad_b: Any, eta: fmpq) -> Any:
        return net.with_params([w - eta * d for w, d in zip(net.weights, grad_w, strict=True)],
                               list(net.biases))
    p.set(training_mod, "apply_gradient", apply_gradient)


def _face_constant_sign(p: Patcher) -> None:
    """A case dropped as a face when ``p_k ≤ +const`` is implied (the constant's sign
    flipped): harmless while every fixed hidden bias is 0."""
    orig = relu_erm_mod.implied

    def implied(sys: Any, c: Any, d: Any) -> Any:
        return orig(sys, c, -d)
    p.set(relu_erm_mod, "implied", implied)


def _transcendental_rounded_silently(p: Patcher) -> None:
    """tanh, sigmoid, ... at q ≠ 0 return their ball's midpoint as if it were the exact value
    (the refusal removed: a float-like value slipping into exact arithmetic)."""
    def exact_value(self: Any, z: fmpq) -> fmpq | None:
        if z == 0:
            v: fmpq | None = orig(self, z)
            return v
        shift, ball = self.ball(z)  # the value is shift + x with x in the ball
        man, exp = ball.mid().man_exp()
        approx: fmpq = shift + fmpq(int(man)) * fmpq(2) ** int(exp)  # as if it were exact
        return approx
    orig = transc_mod.Transcendental.exact_value
    p.set(transc_mod.Transcendental, "exact_value", exact_value)


def _lopsided_columns_transposed(p: Patcher) -> None:
    """The column-by-column product assembled row for column (a transposition slip)."""
    from flint import fmpz_mat

    def mat_mul(a: Any, b: Any) -> Any:
        rows, inner, cols = a.nrows(), a.ncols(), b.ncols()
        ae, be = a.entries(), b.entries()
        big = max(matmul_mod._max_bits(ae), matmul_mod._max_bits(be))
        small = min(matmul_mod._max_bits(ae), matmul_mod._max_bits(be))
        if inner < 8 or rows * cols < 64 or big < 4000 or big < 16 * max(small, 1):
            return a * b
        matmul_mod.LOPSIDED_PRODUCTS.count += 1
        if rows != cols:
            return a * b
        out = [(a * fmpz_mat(inner, 1, be[j::cols])).entries() for j in range(cols)]
        return fmpz_mat(rows, cols, [out[i][j] for i in range(rows) for j in range(cols)])
    p.set(layered_mod, "mat_mul", mat_mul)


def _figure1_mse_scale_one_over_b(p: Patcher) -> None:
    """The averaged MSE's gradient scaled by 1/B (the engine's ½ forgotten), not 2/B."""
    def exact_point(depth: int, act: Any, seed: int = 0, setup: Any = None,
                    **kw: Any) -> Any:
        pt = orig(depth, act, seed, setup, **kw)
        wrong = pt.norm_sq / 4
        lo, hi = figure1_exact.certified_log10_sqrt(wrong)
        return dataclasses.replace(pt, norm_sq=wrong, log10_lo=lo, log10_hi=hi)
    orig = figure1_exact.exact_point
    p.set(figure1_exact, "exact_point", exact_point)


def _lambda_bound_binomials_short(p: Patcher) -> None:
    """B_λ's determinant formula with Π_q C(μ, q) one factor short (C(μ, 1) = μ left out)."""
    orig = sizes.lambda_bound

    def lambda_bound(sigma: Any, *, drop_factorials: bool = False) -> Any:
        lb = orig(sigma, drop_factorials=drop_factorials)
        mu = int(sigma_polynomial(sigma).degree())
        det = lb.det_formula // mu if mu > 1 else lb.det_formula
        return dataclasses.replace(lb, det_formula=det)
    p.set(sizes, "lambda_bound", lambda_bound)


def _metered_step_keeps_biases(p: Patcher) -> None:
    orig = theorem14.metered_step

    def metered_step(net: Any, data: Any, loss: Any, eta: fmpq, **kw: Any) -> Any:
        return dataclasses.replace(orig(net, data, loss, eta, **kw), biases=tuple(net.biases))
    p.set(theorem14, "metered_step", metered_step)


def _pair_game_failure_over_q_plus_2(p: Patcher) -> None:
    """A hypothesis's error counted over q + 2 points instead of the q + 1 of 𝒳_q."""
    orig = pac_learners.pair_game

    def pair_game(q: int, m: int, bits: Any, eps: fmpq) -> Any:
        # wrong/(q + 2) > ε  ⇔  wrong/(q + 1) > ε·(q + 2)/(q + 1)
        return orig(q, m, bits, eps * fmpq(q + 2, q + 1))
    p.set(pac_learners, "pair_game", pair_game)


def _bias_split_same_edge(p: Patcher) -> None:
    """Claim B.1's bias split moved between an edge and itself (index slip: θ∗ unchanged)."""
    def bias_split(c: Any, delta: int = 1) -> Any:
        a = c.network.arch
        for v in range(len(a.nodes)):
            act = a.acts[v]
            if len(a.in_edges[v]) >= 2 and (act is None or act.traits.kind == "identity"):
                e1 = e2 = a.in_edges[v][0]
                th = c.theta_star
                return (th.replace(e1, bias=th.biases[e1] + delta)
                        .replace(e2, bias=th.biases[e2] - delta))
        return None
    p.set(investigations, "bias_split", bias_split)


def _compare_value_only(p: Patcher) -> None:
    """The semantics check compares values only (the derivative comparison forgotten)."""
    def _compare(act: Any, zs: Any, value: Any, derivative: Any) -> None:
        f, _ = activation_functions(act.describe())
        for z in zs:
            check_eq(as_fraction(value(z)), f(as_fraction(z)),
                             "value equals the reference", x=fmt(z))
    p.set(act_sem, "_compare", _compare)


def _window_twice_as_wide(p: Patcher) -> None:
    """The local gadget's window scale s = (hi − lo)/(μ + 4): twice too wide, it leaves the
    piece."""
    def choose_window(lo: Any, hi: Any, mu: int) -> tuple[fmpq, fmpq]:
        if lo is not None and hi is not None:
            s = (hi - lo) / (mu + 4)
            return (lo + hi) / 2 - s * fmpq(mu, 2), s
        return orig(lo, hi, mu)
    orig = local_gadget.choose_window
    p.set(local_gadget, "choose_window", choose_window)


def _power_lambdas_unshifted(p: Patcher) -> None:
    """Lemma 3.1's λ for (U + h)^(k²) computed for U^(k²) (the shift forgotten)."""
    p.wrap(reciprocal, "power_lambdas", lambda f: lambda k, shift: f(k, fmpq(0)))


def _relu_k_second_unit_unnegated(p: Patcher) -> None:
    """x → B with weight +1: B = σ(x) instead of σ(−x)."""
    def relu_k_network(act: Any, k: int) -> Any:
        if not isinstance(act, acts_mod.Activation):
            return None
        sign = 1 if k % 2 == 0 else -1
        e = network_mod.Edge.of
        return network_mod.Network(
            {"x": None, "A": act, "B": act, "out": acts_mod.IDENTITY},
            [e("x", "A", 1), e("x", "B", 1), e("A", "out", 1), e("B", "out", sign)],
            outputs=["out"])
    p.set(relu_k, "relu_k_network", relu_k_network)


def _local_multiply_u3_on_x(p: Patcher) -> None:
    """The gadget's third unit fed x instead of y: σ(c + s(x + j)) twice."""
    def _local_multiply(b: Any, name: str, x: str, y: str, g: Any) -> str:
        terms: list[tuple[str, fmpq]] = []
        for j, lj in enumerate(g.lam):
            if lj == 0:
                continue
            cj = g.c + g.s * j
            u1 = b.unit(f"{name}.U1_{j}", [(x, g.s), (y, g.s)], cj)
            u2 = b.unit(f"{name}.U2_{j}", [(x, g.s)], cj)
            u3 = b.unit(f"{name}.U3_{j}", [(x, g.s)], cj)
            terms += [(u1, lj), (u2, -lj), (u3, -lj)]
        return str(b.affine(name, terms))
    p.set(simulation, "_local_multiply", _local_multiply)


# --------------------------------------------------------------------------- the registry

PLANTS: tuple[Plant, ...] = (
    # checkers/
    Plant("relu_derivative_at_zero", "checkers/activations.py", "convention flipped",
          "relu'(0) = 1 instead of 0 (both the generic and the shared fast path)",
          _relu_derivative_at_zero,
          (("engine.dag_matches_reference", RELU), ("engine.layered_matches_dag", RELU))),
    Plant("phi_unclipped", "checkers/activations.py", "regime never drawn",
          "φ_K never clips to ±C'", _phi_unclipped,
          (("engine.dag_matches_reference", PHI), ("bit_bounded.sizes_capped", PHI))),
    Plant("fmpq_mat_drops_bias", "checkers/layered.py", "fast path, one representation",
          "the fmpq_mat representation of a dense layer forgets its biases",
          _fmpq_mat_drops_bias,
          (("engine.layered_matches_dag", RELU), ("engine.layered_matches_dag", X2))),
    Plant("shared_drops_bias", "checkers/layered.py", "fast path, one representation",
          "the shared-denominator representation of a dense layer forgets its biases",
          _shared_drops_bias,
          (("engine.layered_matches_dag", RELU), ("engine.layered_matches_dag", X2))),
    Plant("injection_ignored", "checkers/network.py", "regime never drawn",
          "an input injected at a node with in-edges is ignored",
          _injection_ignored_with_in_edges,
          (("engine.dag_matches_reference", RELU), ("engine.dag_matches_reference", X2))),
    Plant("negative_biases_dropped", "checkers/network.py", "one-sided",
          "the node rule sums only the positive edge biases", _bias_sum_drops_negative,
          (("engine.dag_matches_reference", RELU), ("engine.dag_matches_reference", X2))),
    Plant("hinge_grad_sign", "checkers/losses.py", "sign",
          "the hinge loss's derivative has the wrong sign", _hinge_grad_sign,
          (("engine.dag_matches_reference", RELU), ("engine.dag_matches_reference", X2))),
    Plant("square_unhalved", "checkers/losses.py", "constant",
          "the square loss without its ½", _square_value_unhalved,
          (("np_membership.verifier_matches_reference", RELU),
           ("engine.dag_matches_reference", X2))),
    Plant("max_size_undercounts", "checkers/measure.py", "one-sided",
          "the measured sizes are one bit short", _max_size_undercounts,
          (("piecewise.dag_sizes_within_bound", RELU), ("bit_bounded.sizes_capped", PHI),
           ("piecewise.layered_sizes_within_bound", RELU))),
    Plant("size_without_denominator_bit", "checkers/rationals.py", "formula",
          "size(q) one bit short for non-integers", _size_without_denominator,
          (("piecewise.bit_length_rules", None),)),
    Plant("poly_constant_dropped", "checkers/poly.py", "formula",
          "a polynomial's constant coefficient read as 0", _poly_coefficients_drop_constant,
          (("engine.dag_matches_reference", "x^2 + x + 1"),
           ("gadget.identity", "1/3*x^2 - 1/2*x + 2/5"))),
    Plant("reference_drops_bias", "checkers/reference.py", "oracle",
          "the Fraction reference engine forgets the biases", _reference_drops_bias,
          (("engine.dag_matches_reference", RELU),)),
    Plant("slp_minus_as_plus", "checkers/slp.py", "formula",
          "an SLP's subtraction gate adds", _slp_minus_as_plus,
          (("engine.slp_matches_reference", None),)),
    # spec/, hardness side
    Plant("sympy_oracle_sign", "spec/definitions.py", "oracle",
          "the sympy gradient oracle with its weight partials negated", _sympy_oracle_sign,
          (("engine.backprop_matches_sympy", X2),)),
    Plant("gadget_lambda_perturbed", "spec/gadget.py", "λ perturbed",
          "λ₀ + 1/3 in the multiplication gadget", _gadget_lambda_perturbed,
          (("gadget.identity", X2),)),
    Plant("theta_star_bias", "spec/lemma32/network.py", "construction",
          "θ* of the Figure 3 network with one bias off by one", _theta_star_bias,
          (("slp_network.simulates", X2), ("slp_network.theta_star_loss", X2))),
    Plant("template_label_off", "spec/lemma32/instance.py", "template built wrong",
          "every forcing template's label off by one at one vertex", _sigma_template_shifted,
          (("slp_network.theta_star_loss", X2), ("slp_network.templates_realized", X2),
           ("slp_network.sigma_edge_forcing", X2))),
    Plant("symmetry_sign", "spec/lemma32/forcing.py", "sign",
          "(−1, 0) listed as a σ-symmetry", _symmetry_sign,
          (("slp_network.sigma_symmetries_exact", X2),
           ("slp_network.sigma_symmetries_random", None))),
    Plant("bn_constant_off_by_one", "spec/bnslp.py", "BN-SLP scale off by one",
          "the BN constant 2^-(2^(m+1)) instead of 2^-(2^m)", _bn_constant_off_by_one,
          (("bnslp.lemma_a4", None), ("bnslp.lemma_a5", None))),
    Plant("sup_endpoints_only", "spec/theorem11.py", "regime never drawn",
          "sup |p| on an interval taken at the endpoints only (an interior maximum missed)",
          _sup_endpoints_only,
          (("theorem11.sup_abs_certified", None), ("theorem11.bounded_values", X5))),
    Plant("subset_sum_weight_off", "spec/subset_sum.py", "construction",
          "the #SubsetSum SLP built for the last weight plus one", _subset_sum_count_off,
          (("subset_sum.slp_counts", None),)),
    Plant("separating_exponent_short", "spec/remarks_b.py", "bound missing a term",
          "the Remark B.2 separating exponent without the factor 2 on K − 1",
          _separating_exponent_short,
          (("remarks_b.regularised_separation", X2),)),
    Plant("hinge_gap_ignored", "spec/remarks_b.py", "regime never drawn",
          "the Remark B.2 instance built with promise gap b = 1 whatever b",
          _hinge_b_ignored, (("remarks_b.hinge_posslp", X2),)),
    Plant("app_c_gradient_sign", "spec/theorem13/backprop.py", "sign",
          "the App. C gradient returned with the wrong sign", _app_c_gradient_sign,
          (("gradient.app_c_identity", X2),)),
    Plant("bounded_bit_position_off", "spec/theorem13/reductions.py", "off by one",
          "the bounded-values bit position one too high", _bounded_bit_position_off,
          (("gradient.bounded_variant_shift", X2),)),
    Plant("failure_probability_unnormalised", "spec/pac.py", "probabilities not summing to 1",
          "Pr[S] doubled: the probabilities of the sampled sets sum to 2",
          _failure_probability_unnormalised, (("pac.learners_fail_at_least_bound", None),)),
    Plant("failure_bound_exponent", "spec/pac.py", "off by one",
          "½(q/(q+1))^(m+1) for the failure bound", _failure_bound_exponent,
          (("pac.sample_size_lower_bound", None), ("pac.learners_fail_at_least_bound", None))),
    Plant("round_nearest", "spec/pac.py", "convention flipped",
          "rounding to nearest instead of down in h_c", _round_nearest,
          (("pac.rounded_multiplier_formula", None), ("pac.real_model_one_example", None))),
    Plant("binomial_off", "spec/fractional.py", "formula",
          "generalised binomial coefficients doubled from k = 2", _binomial_off,
          (("fractional.lemma_f2_vandermonde", None), ("fractional.theorem_f1_no_lambda", None))),
    Plant("figure1_square_linear", "spec/figure1.py", "construction",
          "the x² curve of Figure 1 computed with σ(z) = z", _figure1_square_linear,
          (("figure1.reproduces_digitised_points", None),)),
    # spec/, tractable side
    Plant("bound_drops_bias", "spec/piecewise.py", "bound missing a term",
          "the Theorem E.1 bound without the bias mass B", _bound_drops_bias,
          (("piecewise.dag_sizes_within_bound", RELU),
           ("piecewise.layered_sizes_within_bound", RELU),
           ("piecewise.dag_sizes_within_bound", LEAKY))),
    Plant("bound_in_mass_max_weight", "spec/piecewise.py", "bound missing a term",
          "the in-mass A taken as the largest |w| instead of the sum over in-edges",
          _bound_in_mass_max_weight,
          (("piecewise.dag_sizes_within_bound", RELU),
           ("piecewise.dag_sizes_within_bound", LEAKY))),
    Plant("bound_drops_injection", "spec/piecewise.py", "regime never drawn",
          "the pre-activation bound without the injection X at hidden nodes",
          _bound_drops_injection,
          (("piecewise.dag_sizes_within_bound", RELU),
           ("piecewise.dag_sizes_within_bound", LEAKY))),
    Plant("bits_for_minus_one", "spec/piecewise.py", "off by one",
          "bits_for one bit short", _bits_for_minus_one,
          (("piecewise.dag_sizes_within_bound", RELU),
           ("piecewise.layered_sizes_within_bound", RELU))),
    Plant("verifier_strict", "spec/theorem_e2/verifier.py", "compared with itself",
          "the public verify() accepts iff L(θ) < γ", _verifier_strict,
          (("np_membership.verifier_matches_reference", RELU),)),
    Plant("size_forgets_gamma", "spec/theorem_e2/verifier.py", "compared with itself",
          "|I| without |enc(γ)| (the budget from the instance it verifies)",
          _size_forgets_gamma, (("np_membership.verifier_matches_reference", RELU),)),
    Plant("meter_undercounts", "spec/theorem_e2/verifier.py", "one-sided",
          "the bit-cost meter charges one operand only", _meter_undercounts,
          (("np_membership.verifier_cost_hand_counted", None),
           ("np_membership.verifier_cost_polynomial", RELU))),
    Plant("enc_without_sign_bit", "spec/theorem_e2/verifier.py", "formula",
          "|enc(q)| without the sign bit", _enc_without_sign_bit,
          (("np_membership.verifier_matches_reference", RELU),)),
    Plant("gd_step_sign", "spec/theorem_e2/gradient_steps.py", "sign",
          "a gradient step θ + η∇L", _gd_step_sign,
          (("np_membership.gd_steps_within_bound", RELU),
           ("np_membership.gd_depth1_linear_in_k", RELU))),
    Plant("gd_step_drops_bias_update", "spec/theorem_e2/gradient_steps.py", "construction",
          "a gradient step that leaves the biases unchanged", _gd_step_drops_bias_update,
          (("np_membership.gd_steps_within_bound", RELU),
           ("np_membership.gd_depth1_linear_in_k", RELU))),
    Plant("gd_bounds_without_eta_den", "spec/theorem_e2/gradient_steps.py",
          "bound missing a term", "the iterated bound without den(η)",
          _gd_bounds_without_eta_den, (("np_membership.gd_steps_within_bound", RELU),)),
    Plant("phi_bound_drops_bias", "spec/bit_bounded.py", "bound missing a term",
          "the Remark 1.5 bound without the bias mass", _phi_bound_drops_bias,
          (("bit_bounded.sizes_capped", PHI),), examples=60),
    Plant("phi_in_mass_max_weight", "spec/bit_bounded.py", "bound missing a term",
          "the Remark 1.5 in-mass A taken as the largest |w| instead of the sum over in-edges",
          _phi_in_mass_max_weight, (("bit_bounded.sizes_capped", PHI),), examples=100),
    # added with the census of issue 21 (every module of checkers/ and spec/ has a plant)
    Plant("breakpoint_right_piece", "checkers/activation_base.py", "convention flipped",
          "a breakpoint evaluated on the piece to its right (pieces are (t_i, t_(i+1)])",
          _breakpoint_right_piece,
          (("activation_semantics.piecewise_polynomial_matches_reference", None),
           ("engine.dag_matches_reference", PWL))),
    Plant("leaky_shared_slope_swapped", "checkers/activation_kinds.py", "fast path",
          "leaky_relu's shared-denominator path applies the slope to the positive side",
          _leaky_shared_slope_on_positive_side,
          (("engine.layered_matches_dag", LEAKY),)),
    Plant("sigmoid_derivative_sign", "checkers/transcendental.py", "sign",
          "sigmoid'(x) = ¼ + tanh²(x/2)/4 near 0 (sign of the tanh² term)",
          _sigmoid_derivative_sign,
          (("activation_semantics.rounded_inexact_matches_reference", None),)),
    Plant("invertibility_diagonal_only", "checkers/certificates.py", "checker too weak",
          "the inverse certificate's checker compares only the diagonal of A·B with 1",
          _invertibility_diagonal_only,
          (("gadget.perturbed_inverse_certificate_refuted", X2),
           ("gadget.inverse_checker_rejects_every_entry", X2))),
    Plant("farkas_equality_sign", "checkers/lp.py", "sign",
          "an equality row's Farkas multiplier z carried with the wrong sign",
          _farkas_equality_sign,
          (("relu_np_hardness.splittable_iff_zero_loss", None),)),
    Plant("output_relu_zero_label_equality", "checkers/relu_erm.py", "comparison",
          "zero loss at a label-0 sample behind the output ReLU read as u = 0, not u ≤ 0",
          _output_relu_zero_label_as_equality,
          (("relu_np_hardness.decider_hand_problems", None),
           ("relu_np_hardness.splittable_iff_zero_loss", None))),
    Plant("transcendental_rounded_silently", "spec/beyond/outside.py", "exactness",
          "an unrounded transcendental at q ≠ 0 returns its ball's midpoint instead of "
          "refusing", _transcendental_rounded_silently,
          (("outside.refused_off_zero", "tanh"), ("outside.refused_off_zero", "gelu"))),
    Plant("face_constant_sign", "checkers/relu_erm.py", "sign",
          "a case dropped as a face with the implied bound's constant negated",
          _face_constant_sign,
          (("relu_np_hardness.decider_matches_brute_force", None),), examples=40),
    Plant("refutation_accepts_uncovered", "checkers/relu_erm.py", "checker too weak",
          "the refutation checker accepts a pattern combination no certificate covers",
          _refutation_accepts_uncovered,
          (("relu_np_hardness.uncovered_prefix_refuted", None),)),
    Plant("decimal_exponent_sign", "checkers/activation_parser.py", "sign",
          "a decimal's exponent read without its sign (1e-3 as 1000)", _decimal_exponent_sign,
          (("engine.activation_language_hand_values", None),)),
    Plant("smt_farkas_non_strict", "checkers/kernels.py", "kernel text proves less",
          "the SMT text of a Farkas certificate asks yᵀb <= 0 instead of < 0",
          _smt_farkas_non_strict,
          (("engine.certificate_checkers_reject_one_condition", None),)),
    Plant("coq_farkas_non_strict", "checkers/kernels.py", "kernel text proves less",
          "the Coq file of a Farkas certificate proves yᵀb <= 0 instead of < 0",
          _coq_farkas_non_strict,
          (("engine.certificate_checkers_reject_one_condition", None),)),
    Plant("farkas_check_non_strict", "checkers/certificates.py", "comparison",
          "the Python Farkas checker accepts yᵀb <= 0", _farkas_check_non_strict,
          (("engine.certificate_checkers_reject_one_condition", None),)),
    Plant("exact_float_via_float32", "checkers/importers.py", "exact-float conversion",
          "a float64 weight narrowed to float32 before its exact conversion",
          _exact_float_via_float32, (("figure1.exact_matches_float", None),)),
    Plant("training_drops_bias_update", "checkers/training.py", "construction",
          "apply_gradient leaves the biases unchanged", _training_drops_bias_update,
          (("np_membership.gd_steps_within_bound", RELU),
           ("np_membership.gd_depth1_linear_in_k", RELU))),
    Plant("lopsided_columns_transposed", "checkers/matmul.py", "fast path",
          "the column-by-column lopsided product assembled transposed",
          _lopsided_columns_transposed, (("figure1.paper_scale_matches_float", None),),
          examples=2),
    Plant("figure1_mse_scale", "spec/figure1_exact.py", "constant",
          "the averaged MSE's gradient scaled by 1/B instead of 2/B",
          _figure1_mse_scale_one_over_b, (("figure1.exact_matches_float", None),)),
    Plant("lambda_bound_binomial_short", "spec/sizes.py", "bound missing a term",
          "B_λ's determinant formula one binomial factor (C(μ, 1) = μ) short",
          _lambda_bound_binomials_short,
          (("sizes.lambda_bits", X3), ("sizes.lambda_bits_random", None))),
    Plant("metered_step_keeps_biases", "spec/theorem14.py", "construction",
          "the metered gradient step leaves the biases unchanged", _metered_step_keeps_biases,
          (("theorem14.gradient_step_operations", RELU),
           ("theorem14.exact_step_polynomial", RELU))),
    Plant("pair_game_error_over_q_plus_2", "spec/pac_learners.py", "off by one",
          "a hypothesis's error counted over q + 2 points instead of |𝒳_q| = q + 1",
          _pair_game_failure_over_q_plus_2,
          (("pac.every_deterministic_learner", None), ("pac.randomized_learners", None))),
    Plant("bias_split_same_edge", "spec/investigations.py", "index slip",
          "Claim B.1's bias split moved between an edge and itself (θ∗ unchanged)",
          _bias_split_same_edge, (("investigate.unique_optimum_erratum", None),)),
    Plant("semantics_value_only", "spec/beyond/activation_semantics.py", "check dropped",
          "the semantics check compares values only, never derivatives", _compare_value_only,
          (("activation_semantics.unsquared_quotient_rule_refuted", None),
           ("activation_semantics.neighbouring_piece_refuted", None))),
    Plant("witness_member_weight_one", "spec/beyond/relu_np_hardness.py", "construction",
          "θ from a splitting with weight 1 instead of 2 on the edges of S_k",
          _witness_member_weight_one, (("relu_np_hardness.yes_witness_verified", None),)),
    Plant("local_window_twice_as_wide", "spec/beyond/local_gadget.py", "bound missing a term",
          "the local gadget's window scale without its factor ½: the window leaves the piece",
          _window_twice_as_wide,
          (("local_gadget.identity", "hardswish"), ("local_gadget.identity_random_pieces", None))),
    Plant("power_lambdas_unshifted", "spec/beyond/reciprocal.py", "construction",
          "Lemma 3.1's λ for (U + h)^(k²) computed for U^(k²)", _power_lambdas_unshifted,
          (("reciprocal.multiplication", "1/x^2"),)),
    Plant("relu_k_second_unit_unnegated", "spec/beyond/relu_k.py", "sign",
          "the second ReLU^k unit fed x instead of −x", _relu_k_second_unit_unnegated,
          (("relu_k.identity", None),)),
    Plant("local_multiply_u3_on_x", "spec/beyond/simulation.py", "construction",
          "the gadget's third unit fed x instead of y", _local_multiply_u3_on_x,
          (("simulation.simulates", "relu^2"), ("simulation.named_simulate", None))),
)
