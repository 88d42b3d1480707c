"""A minimal local Lemma A.5 transform (SLP → BN-SLP), used by the bounded variant of
Theorem 1.3 in :mod:`spec.gradient` and by its tests.

**Stand-in.**  The Lemma A.5 transform of the project, with its own claims (Lemma A.4
bounds, m = O(n²), e_i ≤ 2^i), is meant to live in ``spec.bnslp``; this module is the
smallest faithful version of the paper's construction so that the bounded variant can be
checked now.  :mod:`spec.gradient` reaches it only through :func:`spec.gradient.to_bnslp`,
the single place to switch to ``spec.bnslp``.  The module name starts with ``_`` so that
claim discovery skips it; it registers no claims.

Construction (PAPER.md §3, Lemma A.5): keep ã_i = b_0^{e_i}·a_i with ã_0 = b_0, e_0 = 1;
a product multiplies (e_i = e_j + e_k); a sum or difference first aligns both operands to
E = max(e_j, e_k) with the gadget G_t (z ↦ z·b_0^t by square-and-multiply over the shared
powers b_0^{2^r}); the output is aligned to e = 2^n.  The gate list depends only on the
syntax of P, so its length m is known before b_0 := 2^{−m} is set.
"""

from __future__ import annotations

from flint import fmpq

from checkers.errors import SLPError
from checkers.slp import SLP, Gate

__all__ = ["to_bnslp_local"]


def to_bnslp_local(p: SLP) -> tuple[SLP, int, int]:
    """Lemma A.5: (I(P), m, n) with I(P) a BN-SLP of length m, b_0 = 2^{−m}, whose value is
    2^{−m·2^n}·n_P (n = length of P, which must have a_0 = 1)."""
    if p.a0 != 1:
        raise SLPError(f"Lemma A.5 needs a_0 = 1 (the program's value at x = 1), got a0 = {p.a0}")
    n = p.length
    gates: list[Gate] = []
    powers = [0]  # powers[r] = index of the gate holding b_0^{2^r}; b_0 itself is index 0

    def emit(op: str, j: int, k: int) -> int:
        gates.append(Gate(op, j, k))  # type: ignore[arg-type]
        return len(gates)

    def power(r: int) -> int:
        while len(powers) <= r:
            powers.append(emit("*", powers[-1], powers[-1]))
        return powers[r]

    def scale(idx: int, t: int) -> int:
        """G_t: multiply the value at ``idx`` by b_0^t (t >= 0)."""
        r = 0
        while t:
            if t & 1:
                idx = emit("*", idx, power(r))
            t >>= 1
            r += 1
        return idx

    where, exps = [0], [1]
    for g in p.gates:
        if g.op == "*":
            where.append(emit("*", where[g.j], where[g.k]))
            exps.append(exps[g.j] + exps[g.k])
        else:
            e = max(exps[g.j], exps[g.k])
            xj = scale(where[g.j], e - exps[g.j])
            xk = scale(where[g.k], e - exps[g.k])
            where.append(emit(g.op, xj, xk))
            exps.append(e)
    out = scale(where[-1], 2**n - exps[-1])
    if out != len(gates):  # the output must be the last gate
        raise AssertionError("Lemma A.5 transform: the output is not the last gate")
    m = len(gates)
    return SLP(fmpq(1, 2**m), tuple(gates)), m, n
