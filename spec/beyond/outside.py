"""Beyond the paper: transcendental activations lie outside the exact model (PAPER.md §16).

By the Lindemann–Weierstrass theorem (cited, not proved here) e^q is transcendental for
rational q ≠ 0, so tanh(q), sigmoid(q), SiLU(q) = q·sigmoid(q) and exp(q) are irrational for
rational q ≠ 0 and softplus(q) = ln(1 + e^q) for every rational q.  They are not maps
ℚ → ℚ: the paper's model (§2) does not contain them unless they are rounded (φ_K, Remark
1.5).  The engine must therefore refuse an exact value with a typed error that says how to
round; this claim checks that refusal (GELU, whose erf values are not known to be
irrational, is refused too: no exact value is available).
"""

from __future__ import annotations

from flint import fmpq
from hypothesis import strategies as st

from checkers.activations import Activation
from checkers.errors import InexactActivationError
from checkers.rationals import fmt
from spec.beyond._kinds import ActivationCovers
from spec.claims import ClaimFailure, Evidence, check, claim_for
from strategies import rationals

REF = "Beyond the paper: transcendental activations (Lindemann–Weierstrass, cited)"

TRANSCENDENTAL = ActivationCovers("unrounded transcendental (tanh, sigmoid, ...)",
                                  lambda t: t.kind == "transcendental")


def _rational_at_zero(act: Activation) -> bool:
    try:
        act(fmpq(0))
    except InexactActivationError:
        return False
    return True


TRANSCENDENTAL_RATIONAL_AT_0 = ActivationCovers(
    "unrounded transcendental with a rational value at 0 (tanh, sigmoid, silu, gelu, exp)",
    lambda t: t.kind == "transcendental", _rational_at_zero)


def check_refused(act: Activation, q: fmpq) -> Evidence:
    """σ(q) has no exact value: the engine raises InexactActivationError naming phi_K."""
    try:
        value = act(q)
    except InexactActivationError as e:
        check("phi_K" in str(e), "the refusal says to round with phi_K", error=str(e))
        return Evidence()
    raise ClaimFailure("σ(q) is refused (no exact rational value at a rational q ≠ 0)",
                       {"q": fmt(q), "value": fmt(value)})


@claim_for(
    REF,
    "An unrounded transcendental σ has no exact value at rational q ≠ 0 (Lindemann–"
    "Weierstrass for tanh, sigmoid, SiLU, exp, softplus): σ(q) is refused with a typed error "
    "that says to round with phi_K",
    covers=TRANSCENDENTAL,
    instances=lambda act: rationals(12, den_bits=6, nonzero=True),
    status="beyond", examples=20, tags=("beyond",),
)
def refused_off_zero(act: Activation, q: fmpq) -> Evidence:
    return check_refused(act, q)


@claim_for(
    REF,
    "Negative control: at q = 0, where tanh, sigmoid, SiLU, GELU and exp are rational, the "
    "refusal is not observed",
    covers=TRANSCENDENTAL_RATIONAL_AT_0, instances=lambda act: st.just(fmpq(0)),
    status="beyond", expect="counterexample", control_of="outside.refused_off_zero",
    examples=1, refuted_on=("σ(q) is refused",),
)
def refused_at_zero_refuted(act: Activation, q: fmpq) -> Evidence:
    return check_refused(act, q)
