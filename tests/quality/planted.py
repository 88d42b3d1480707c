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
from typing import Any

from flint import fmpq, fmpz

import checkers.activation_kinds as kinds_mod
import checkers.activations as acts_mod
import checkers.layered as layered_mod
import checkers.losses as losses_mod
import checkers.measure as measure_mod
import checkers.network as network_mod
import checkers.poly as poly_mod
import checkers.rationals as rationals_mod
import checkers.reference as reference_mod
import checkers.slp as slp_mod
import spec.bit_bounded as bitb
import spec.bnslp as bnslp
import spec.definitions as definitions
import spec.figure1 as figure1
import spec.fractional as fractional
import spec.gadget as gadget
import spec.lemma32.forcing as forcing
import spec.lemma32.instance as l32_instance
import spec.lemma32.network as l32_network
import spec.pac as pac
import spec.piecewise as piecewise
import spec.remarks_b as remarks_b
import spec.subset_sum as subset_sum
import spec.theorem11 as theorem11
import spec.theorem13.backprop as backprop
import spec.theorem13.reductions as reductions
import spec.theorem_e2.gradient_steps as gd
import spec.theorem_e2.verifier as verifier
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
)
