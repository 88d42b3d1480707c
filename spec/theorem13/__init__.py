"""Theorem 1.3 and §4: the complexity of one gradient coordinate (App. C).

* :mod:`spec.theorem13.backprop`: Backprop-Sign / Backprop-Bit instances (Definitions
  4.1–4.2), the App. C construction, gradient sizes, and the App. C identity claims;
* :mod:`spec.theorem13.reductions`: PosSLP → promise Backprop-Sign, BitSLP →
  Backprop-Bit, the bounded-values variant, and their errata.

Claim ids keep the prefix ``gradient.`` (every module sets ``CLAIM_NAMESPACE``).
"""

from spec.theorem13.backprop import (
    OUTPUT_NODE,
    AppC,
    BackpropBit,
    BackpropInstance,
    GradientSizes,
    PromiseBackpropSign,
    PromiseViolation,
    app_c,
    app_c_network,
    central_difference,
    gradient_sizes,
)
from spec.theorem13.reductions import (
    bitslp_to_backprop_bit,
    bounded_bit_position,
    bounded_bitslp_to_backprop_bit,
    paper_posslp_to_promise_sign,
    posslp_to_promise_sign,
    power_of_two_exponent,
    repaired_slp,
    to_bnslp,
    value_bound,
)

__all__ = [
    "OUTPUT_NODE",
    "AppC",
    "BackpropBit",
    "BackpropInstance",
    "GradientSizes",
    "PromiseBackpropSign",
    "PromiseViolation",
    "app_c",
    "app_c_network",
    "bitslp_to_backprop_bit",
    "bounded_bit_position",
    "bounded_bitslp_to_backprop_bit",
    "central_difference",
    "gradient_sizes",
    "paper_posslp_to_promise_sign",
    "posslp_to_promise_sign",
    "power_of_two_exponent",
    "repaired_slp",
    "to_bnslp",
    "value_bound",
]
