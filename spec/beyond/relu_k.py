"""Beyond the paper: ReLU^k computes t^k globally (PAPER.md §16).

For every real t and k >= 1,

    t^k = ReLU(t)^k + (−1)^k·ReLU(−t)^k,

so two ReLU^k units and a linear combination compute the polynomial t^k exactly on all of
ℝ.  Proved per case (t >= 0: ReLU(t) = t, ReLU(−t) = 0; t < 0: ReLU(t) = 0, ReLU(−t) = −t)
as identities in ℚ[T]; checked at random rationals (0 included) and through the exact
network engine.  Not a result of the paper; like the local gadget it gives simulation, not
hardness transfer (Claim B.1 is proved for polynomial σ only).
"""

from __future__ import annotations

from collections.abc import Callable

from flint import fmpq, fmpq_poly
from hypothesis import strategies as st

from checkers.activations import IDENTITY, RELU, Activation, parse_activation
from checkers.certificates import Expr, PolynomialIdentity
from checkers.errors import WhyReluError
from checkers.network import Edge, Network
from checkers.rationals import fmt
from spec.claims import Certificate, Evidence, check_eq, claim
from strategies import rationals

REF = "Beyond the paper: ReLU^k identity"
MAX_K = 8


def relu_power(k: int) -> Callable[[fmpq], fmpq]:
    """σ_k(t) = ReLU(t)^k: the registered ``relu^k`` activation when the language has it,
    else ReLU composed with the k-th power."""
    try:
        act = parse_activation(f"relu^{k}")
        if act.traits.kind != "polynomial":
            return act
    except WhyReluError:
        pass
    return lambda t: RELU(t) ** k


def relu_k_network(act: Activation | Callable[[fmpq], fmpq], k: int) -> Network | None:
    """x → A = σ(x), x → B = σ(−x), out = A + (−1)^k B (None if σ is not an Activation)."""
    if not isinstance(act, Activation):
        return None
    sign = 1 if k % 2 == 0 else -1
    return Network({"x": None, "A": act, "B": act, "out": IDENTITY},
                   [Edge.of("x", "A", 1), Edge.of("x", "B", -1), Edge.of("A", "out", 1),
                    Edge.of("B", "out", sign)], outputs=["out"])


def _prove(k_max: int = MAX_K, sign_flip: bool = False) -> Certificate:
    t = fmpq_poly([0, 1])
    for k in range(1, k_max + 1):
        sign = (-1) ** (k + (1 if sign_flip else 0))
        # case t >= 0: ReLU(t) = t, ReLU(−t) = 0
        check_eq(t**k + sign * fmpq_poly([0]), t**k, "case t >= 0 in ℚ[T]", k=k)
        # case t < 0: ReLU(t) = 0, ReLU(−t) = −t
        check_eq(fmpq_poly([0]) + sign * (-t) ** k, t**k, "case t < 0 in ℚ[T]", k=k)
    items = []
    for k in range(1, k_max + 1):  # the case t < 0 (the case t >= 0 is T^k = T^k)
        power: Expr = ["^", ["neg", "T"], str(k)]
        items.append(PolynomialIdentity(
            name=f"relu_k_negative_{k}", variables=("T",),
            lhs=power if k % 2 == 0 else ["neg", power], rhs=["^", "T", str(k)],
            statement=f"(−1)^{k}·(−T)^{k} = T^{k} in ℚ[T] (ReLU(t)^{k} + (−1)^{k}ReLU(−t)^{k}"
                      " at t < 0)"))
    return Certificate(f"for k = 1..{k_max}: T^k = T^k + (−1)^k·0 (t >= 0) and "
                       "T^k = 0 + (−1)^k(−T)^k (t < 0) in ℚ[T]", items=tuple(items))


def _check(k: int, t: fmpq, *, sign_flip: bool = False) -> Evidence:
    sigma = relu_power(k)
    sign = (-1) ** (k + (1 if sign_flip else 0))
    rhs = sigma(t) + sign * sigma(-t)
    check_eq(rhs, t**k, "ReLU(t)^k + (−1)^k·ReLU(−t)^k = t^k", k=k, t=t)
    net = relu_k_network(sigma, k)
    if net is not None and not sign_flip:
        check_eq(net({"x": t})[0], t**k, "the two-unit network computes t^k", k=k, t=t)
    return Evidence.of(k=k)


def _instances() -> st.SearchStrategy[tuple[int, fmpq]]:
    pts = st.one_of(st.just(fmpq(0)), st.sampled_from([fmpq(-1), fmpq(1), fmpq(-1, 3)]),
                    rationals(16))
    return st.tuples(st.integers(1, MAX_K), pts)


def _show(inst: tuple[int, fmpq]) -> str:
    return f"k = {inst[0]}, t = {fmt(inst[1])}"


@claim(
    REF,
    "t^k = ReLU(t)^k + (−1)^k·ReLU(−t)^k for every rational t and k = 1..8 (two ReLU^k units "
    "compute t^k); proved per case t >= 0, t < 0 in ℚ[T]",
    instances=_instances(), status="beyond", prover=lambda: _prove(), examples=40,
    show=_show, tags=("identity", "beyond"),
)
def identity(inst: tuple[int, fmpq]) -> Evidence:
    """Evaluated with σ_k exactly, and through the exact network engine when the activation
    language has ``relu^k``."""
    k, t = inst
    return _check(k, t)


@claim(
    REF,
    "Negative control: the wrong sign, ReLU(t)^k − (−1)^k·ReLU(−t)^k = t^k, is refuted",
    instances=_instances(), status="beyond", expect="counterexample",
    control_of="relu_k.identity", examples=40, show=_show,
    refuted_on=("ReLU(t)^k + (−1)^k·ReLU(−t)^k = t^k",),
)
def wrong_sign_refuted(inst: tuple[int, fmpq]) -> Evidence:
    k, t = inst
    return _check(k, t, sign_flip=True)
