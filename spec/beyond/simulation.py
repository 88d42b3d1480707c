"""Beyond the paper: SLP simulation by networks of activations the paper does not treat.

A BN-SLP (Definition A.3; values in [−1, 1] by Lemma A.4) is compiled gate by gate into a
network of identity and σ units, as in Lemma 3.2: a ± gate is one identity unit, and a
multiplication gate is

* the local gadget (:mod:`spec.beyond.local_gadget`) when σ has a piece of degree >= 2
  (ReLU^k, hard-swish, splines): 3(μ + 1) σ units with pre-activations c + s(x + y + j),
  c + s(x + j), c + s(y + j) and an identity unit Σ_j λ_j(...);
* three shifted reciprocal squarings (:mod:`spec.beyond.reciprocal`) when σ = αt + β +
  γ/(ct + d) (1/x, Möbius maps): x·y = ((x + y)² − x² − y²)/2.

The exact engine (:mod:`checkers.network`) evaluates the network and every gate value is
compared with the SLP's exact value (:mod:`checkers.slp`).

This is the SIMULATION half of Lemma 3.2 only.  The paper's forcing argument (Claim B.1) is
proved for polynomial σ only; for these σ an adversarial θ may leave the piece or reach a
pole, so hardness transfer (Theorem 1.1) is NOT proved for them.  Not a result of the paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flint import fmpq
from hypothesis import strategies as st

from checkers.activations import Activation, parse_activation
from checkers.errors import ActivationError
from checkers.network import Network
from checkers.rationals import size
from checkers.slp import SLP, Gate
from spec.beyond._kinds import GADGET_BEYOND, nonlinear_pieces, reciprocal_form_of
from spec.beyond.local_gadget import LocalGadget, breakpoint_gadget, local_gadget
from spec.beyond.reciprocal import SHIFT, Builder, run_network
from spec.bnslp import with_bn_constant
from spec.claims import Evidence, check, check_eq, claim, claim_for
from strategies import slps

REF = "Beyond the paper: SLP simulation"
Planted = Literal["leave_piece"] | None

__all__ = ["CompiledBeyond", "compile_beyond", "simulate"]


@dataclass(frozen=True)
class CompiledBeyond:
    """The network, the node of every gate a_0..a_ℓ, and how each is read."""

    network: Network
    builder: Builder
    gates: tuple[str, ...]
    how: str

    def gate_values(self, a0: fmpq) -> list[fmpq]:
        tr = run_network(self.network, {"a0": a0},
                         "the compiled network reproduces every gate value")
        values = dict(zip(self.network.nodes, tr.val, strict=True))
        return [self.builder.meaning(values, g) for g in self.gates]


def _local_multiply(b: Builder, name: str, x: str, y: str, g: LocalGadget) -> str:
    terms: list[tuple[str, fmpq]] = []
    for j, lj in enumerate(g.lam):
        if lj == 0:
            continue
        cj = g.c + g.s * j
        u1 = b.unit(f"{name}.U1_{j}", [(x, g.s), (y, g.s)], cj)
        u2 = b.unit(f"{name}.U2_{j}", [(x, g.s)], cj)
        u3 = b.unit(f"{name}.U3_{j}", [(y, g.s)], cj)
        terms += [(u1, lj), (u2, -lj), (u3, -lj)]
    return b.affine(name, terms)


def compile_beyond(slp: SLP, sigma: Activation, *, planted: Planted = None) -> CompiledBeyond:
    """Compile ``slp`` (a BN-SLP, so that every value is in [−1, 1]) for σ.

    ``planted="leave_piece"`` is the defect of the negative control: the local gadget's window
    centred on a breakpoint, or the reciprocal squaring without its shift (h = 0).
    """
    m = reciprocal_form_of(sigma)
    gadget: LocalGadget | None = None
    if m is None:
        if not nonlinear_pieces(sigma):
            raise ActivationError(f"{sigma.name}: no piece of degree >= 2 and not of the form "
                                  "αt + β + γ/(ct + d); no gadget beyond the paper applies")
        gadget = breakpoint_gadget(sigma) if planted else local_gadget(sigma)
        how = "local gadget"
    else:
        how = "reciprocal squaring"
    shift = fmpq(0) if planted else SHIFT
    b = Builder(sigma, m)
    nodes = [b.input("a0")]
    one = fmpq(1)
    for i, gt in enumerate(slp.gates, start=1):
        x, y = nodes[gt.j], nodes[gt.k]
        name = f"a{i}"
        if gt.op == "+":
            nodes.append(b.affine(name, [(x, one), (y, one)]))
        elif gt.op == "-":
            nodes.append(b.affine(name, [(x, one), (y, -one)]))
        elif gadget is not None:
            nodes.append(_local_multiply(b, name, x, y, gadget))
        else:
            nodes.append(b.multiply(name, x, y, shift))
    return CompiledBeyond(b.network([nodes[-1]]), b, tuple(nodes), how)


def simulate(slp: SLP, sigma: Activation, *, planted: Planted = None) -> Evidence:
    """Every gate value of the compiled network equals the SLP's (the named sub-check)."""
    want = slp.evaluate()
    check(all(abs(v) <= 1 for v in want), "Lemma A.4: every BN-SLP value lies in [−1, 1]")
    c = compile_beyond(slp, sigma, planted=planted)
    got = c.gate_values(slp.a0)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        check_eq(g, w, "the compiled network reproduces every gate value", gate=f"a{i}",
                 how=c.how)
    return Evidence.of(gates=slp.length, nodes=len(c.network.nodes),
                       max_value_bits=max(size(v) for v in want))


# --------------------------------------------------------------------------- instances

_HARD_PREFIX = (Gate("-", 0, 0), Gate("-", 1, 0), Gate("*", 1, 1), Gate("*", 2, 0))
"""a1 = 0, a2 = −b_0, a3 = 0·0, a4 = −b_0·b_0: zero and negative operands (hard cases)."""


@st.composite
def bn_slps(draw: st.DrawFn, max_length: int = 6) -> SLP:
    """BN-SLPs (b_0 = 2^−m, Definition A.3): random gates, half of them after the hard
    prefix :data:`_HARD_PREFIX` (products of 0 and of negative values)."""
    body = draw(slps(max_length=max_length))
    if draw(st.booleans()):
        shift = len(_HARD_PREFIX)
        moved = tuple(Gate(g.op, g.j + shift if g.j else 0, g.k + shift if g.k else 0)
                      for g in body.gates)
        body = SLP(fmpq(1), _HARD_PREFIX + moved)
    return with_bn_constant(body)


def _hard_bn_slps() -> st.SearchStrategy[SLP]:
    """BN-SLPs that always start with the hard prefix."""
    return slps(max_length=4).map(
        lambda p: with_bn_constant(SLP(fmpq(1), _HARD_PREFIX + tuple(
            Gate(g.op, g.j + len(_HARD_PREFIX) if g.j else 0,
                 g.k + len(_HARD_PREFIX) if g.k else 0) for g in p.gates))))


def _show(slp: SLP) -> str:
    return slp.to_text()


@claim_for(
    REF,
    "For σ with a piece of degree >= 2 (ReLU², hard-swish) or σ = αt + β + γ/(ct + d) (1/x), "
    "the network "
    "compiled with the local gadget or the shifted reciprocal squaring reproduces every gate "
    "value of a random BN-SLP exactly (simulation only: Claim B.1's forcing is proved for "
    "polynomials only, so hardness transfer is not proved)",
    covers=GADGET_BEYOND, instances=lambda act: bn_slps(), status="beyond", examples=15,
    show=_show, tags=("beyond",),
)
def simulates(act: Activation, slp: SLP) -> Evidence:
    return simulate(slp, act)


@claim_for(
    REF,
    "Negative control: compiled without a valid scaling (window centred on a breakpoint; "
    "reciprocal squaring without the shift) the network does not reproduce the gate values",
    covers=GADGET_BEYOND, instances=lambda act: _hard_bn_slps(), status="beyond",
    expect="counterexample", control_of="simulation.simulates", examples=15, show=_show,
    refuted_on=("the compiled network reproduces every gate value",),
)
def unscaled_refuted(act: Activation, slp: SLP) -> Evidence:
    return simulate(slp, act, planted="leave_piece")



NAMED = ("relu^2", "hardswish", "1/x")
"""The activations the issue names for the simulation (run whether or not registered)."""


def _show_named(inst: tuple[str, SLP]) -> str:
    return f"# σ = {inst[0]}\n{inst[1].to_text()}"


@claim(
    REF,
    "ReLU², hard-swish and 1/x: the compiled network reproduces every gate value of a random "
    "BN-SLP exactly (simulation only; hardness transfer not proved)",
    instances=st.tuples(st.sampled_from(NAMED), bn_slps()), status="beyond", examples=15,
    show=_show_named, tags=("beyond",),
)
def named_simulate(inst: tuple[str, SLP]) -> Evidence:
    return simulate(inst[1], parse_activation(inst[0]))


@claim(
    REF,
    "Negative control: ReLU², hard-swish and 1/x compiled without a valid scaling do not "
    "reproduce the gate values",
    instances=st.tuples(st.sampled_from(NAMED), _hard_bn_slps()), status="beyond",
    expect="counterexample", control_of="simulation.named_simulate", examples=15,
    show=_show_named,
    refuted_on=("the compiled network reproduces every gate value",),
)
def named_unscaled_refuted(inst: tuple[str, SLP]) -> Evidence:
    return simulate(inst[1], parse_activation(inst[0]), planted="leave_piece")
