"""Shared strategies and display helpers for the Lemma 3.2 / Claim B.1 claims (private)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flint import fmpq
from hypothesis import strategies as st

from checkers.rationals import fmt
from checkers.slp import OPS, SLP, Gate
from strategies import integer_slps, rational_slps

BUDGET_BITS = 1 << 16
"""Bit budget of forward passes inside claims (an example that needs more is rejected)."""


def _show_slp(inst: Any) -> str:
    if isinstance(inst, SLP):
        return inst.to_text()
    if isinstance(inst, tuple) and inst and isinstance(inst[0], SLP):
        rest = ", ".join(repr(v) if not isinstance(v, fmpq) else fmt(v) for v in inst[1:])
        return inst[0].to_text() + f"# and {rest}"
    return repr(inst)


def _small_slps(max_length: int = 7) -> st.SearchStrategy[SLP]:
    return st.one_of(integer_slps(max_length), rational_slps(max_length - 1))


@st.composite
def _with_product(draw: st.DrawFn, base: st.SearchStrategy[SLP],
                  square_free: bool = False) -> SLP:
    """An SLP whose last gate is a multiplication (so E_σ is not empty); with
    ``square_free`` every multiplication has distinct operands."""
    p = draw(base)
    n = p.length + 1
    j = draw(st.integers(0, n - 1))
    k = draw(st.integers(0, n - 1))
    gates = [*p.gates, Gate("*", j, k)]
    if square_free:
        gates = [Gate("+", g.j, g.k) if g.op == "*" and g.j == g.k else g for g in gates]
        if gates[-1].op != "*":
            gates.append(Gate("*", 0, len(gates)))
    return SLP(p.a0, tuple(gates))


def _all_short_slps(max_length: int) -> Iterator[SLP]:
    def extend(gates: list[Gate]) -> Iterator[list[Gate]]:
        yield gates
        if len(gates) == max_length:
            return
        i = len(gates) + 1
        for op in OPS:
            for j in range(i):
                for k in range(i):
                    yield from extend([*gates, Gate(op, j, k)])

    for gates in extend([]):
        yield SLP(fmpq(1), tuple(gates))

