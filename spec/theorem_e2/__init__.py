"""Theorem E.2 and Theorem 1.4's upper bounds: ERM_bit with piecewise-linear activations.

* :mod:`spec.theorem_e2.verifier`: encodings, the NP verifier and its bit cost (Theorem E.2,
  Theorem 1.4's "a candidate θ can be checked in polynomial time");
* :mod:`spec.theorem_e2.gradient_steps`: exact gradient steps and what k steps cost.

The per-step size bound itself is Theorem E.1 (:mod:`spec.piecewise`).  Claim ids keep the
prefix ``np_membership.`` (every module sets ``CLAIM_NAMESPACE``).
"""

from spec.theorem_e2.gradient_steps import (
    StepBounds,
    depth1_linear,
    depth2_network,
    gd_bounds,
    gd_step,
    theta_bits,
)
from spec.theorem_e2.verifier import (
    COST_CONSTANT,
    COST_EXPONENT,
    CostExceeded,
    ERMInstance,
    Theta,
    Verdict,
    cost_bound,
    enc_activation,
    enc_data,
    enc_network,
    enc_rational,
    fitted_exponent,
    log2_lower,
    total_length,
    verify,
)

__all__ = [
    "COST_CONSTANT",
    "COST_EXPONENT",
    "CostExceeded",
    "ERMInstance",
    "StepBounds",
    "Theta",
    "Verdict",
    "cost_bound",
    "depth1_linear",
    "depth2_network",
    "enc_activation",
    "enc_data",
    "enc_network",
    "enc_rational",
    "fitted_exponent",
    "gd_bounds",
    "gd_step",
    "log2_lower",
    "theta_bits",
    "total_length",
    "verify",
]
