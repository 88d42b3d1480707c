"""Hypothesis strategies for the objects of :mod:`checkers`."""

from strategies.activations import (
    any_activation,
    bit_bounded,
    piecewise_linear,
    polynomials,
    relu_family,
)
from strategies.networks import (
    coprime_layered_networks,
    coprime_rationals,
    dag_networks,
    dominating_injections,
    fan_in_networks,
    layered_batch,
    layered_networks,
    samples_for,
    uniform_injections,
    without_biases,
    zero_samples,
)
from strategies.rationals import dyadics, integers_of, rationals, small_integers, wide_rationals
from strategies.slps import integer_slps, rational_slps, slps

__all__ = [
    "any_activation",
    "bit_bounded",
    "coprime_layered_networks",
    "coprime_rationals",
    "dag_networks",
    "dominating_injections",
    "dyadics",
    "fan_in_networks",
    "integer_slps",
    "integers_of",
    "layered_batch",
    "layered_networks",
    "piecewise_linear",
    "polynomials",
    "rational_slps",
    "rationals",
    "relu_family",
    "samples_for",
    "slps",
    "small_integers",
    "uniform_injections",
    "wide_rationals",
    "without_biases",
    "zero_samples",
]
