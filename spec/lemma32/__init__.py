"""Lemma 3.2 and Claim B.1 (§5): the network that simulates an SLP, and the ERM_bit instance.

* :mod:`spec.lemma32.network`: the compiler of Figure 3 (the SLP's gates wired from σ/id
  gadgets, θ∗), its counts and its simulation claims;
* :mod:`spec.lemma32.instance`: I(P, j): the bit-extractor loss, the forcing templates, the
  incremental verifier, and the claims about θ∗'s loss;
* :mod:`spec.lemma32.forcing`: Claim B.1: σ-symmetries, the forcing claims and the
  Claim B.1(2) erratum.

Claim ids keep the prefix ``slp_network.`` (every module sets ``CLAIM_NAMESPACE``).
"""

from spec.lemma32._common import BUDGET_BITS
from spec.lemma32.forcing import is_sigma_symmetry, sigma_symmetries, symmetries_by_sympy
from spec.lemma32.instance import (
    ERMInstance,
    IncrementalEvaluator,
    Template,
    Verification,
    bit_extractor_loss,
    build_instance,
)
from spec.lemma32.network import (
    CompiledSLP,
    Counts,
    MulGadget,
    Theta,
    common_denominator,
    compile_slp,
    expected_counts,
    gadget_polynomials,
    gate_node,
    gate_polynomials,
    max_theta_bits,
    slp_polynomials,
)

__all__ = [
    "BUDGET_BITS",
    "CompiledSLP",
    "Counts",
    "ERMInstance",
    "IncrementalEvaluator",
    "MulGadget",
    "Template",
    "Theta",
    "Verification",
    "bit_extractor_loss",
    "build_instance",
    "common_denominator",
    "compile_slp",
    "expected_counts",
    "gadget_polynomials",
    "gate_node",
    "gate_polynomials",
    "is_sigma_symmetry",
    "max_theta_bits",
    "sigma_symmetries",
    "slp_polynomials",
    "symmetries_by_sympy",
]
