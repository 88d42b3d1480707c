"""Straight-line programs (Definition 2.2) and the questions asked of them (Problems 2.3, 2.5).

An SLP is ``a_0 ∈ ℚ`` and gates ``a_i = a_j ⊕ a_k`` (``⊕ ∈ {+, -, *}``, ``j, k < i``).
Only this description is stored; values are computed on demand, exactly.

Text format (one gate per line, ``#`` starts a comment, indices consecutive)::

    a0 = 1
    a1 = a0 + a0      # 2
    a2 = a1 * a1      # 4
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from flint import fmpq, fmpz

from checkers.errors import BitBudgetExceeded, ForwardReferenceError, SLPError
from checkers.rationals import RationalLike, bit, fmt, sign, size, to_q

Op = Literal["+", "-", "*"]
OPS: tuple[Op, ...] = ("+", "-", "*")


@dataclass(frozen=True, slots=True)
class Gate:
    """``a_i = a_j op a_k``."""

    op: Op
    j: int
    k: int


@dataclass(frozen=True)
class SLP:
    """A numeric straight-line program ``(a_0, a_1, ..., a_ℓ)`` (Definition 2.2).

    >>> p = SLP.of(1, [("+", 0, 0), ("*", 1, 1)])
    >>> p.value()
    4
    """

    a0: fmpq
    gates: tuple[Gate, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.a0, fmpq):
            raise SLPError(f"a0 must be an fmpq, got {type(self.a0).__name__}")
        for i, g in enumerate(self.gates, start=1):
            if not isinstance(g, Gate):
                raise SLPError(f"gate a{i} is not a Gate: {g!r}")
            if g.op not in OPS:
                raise SLPError(f"gate a{i}: unknown operation {g.op!r} (use + - *)")
            for ref in (g.j, g.k):
                if isinstance(ref, bool) or not isinstance(ref, int) or ref < 0:
                    raise SLPError(f"gate a{i}: operand index {ref!r} is not a natural number")
                if ref >= i:
                    what = "itself" if ref == i else f"the later gate a{ref}"
                    raise ForwardReferenceError(
                        f"gate a{i} = a{g.j} {g.op} a{g.k} refers to {what} (need j, k < {i})"
                    )

    @staticmethod
    def of(a0: RationalLike, gates: Iterable[tuple[str, int, int] | Gate]) -> SLP:
        """Build from ``a_0`` and ``(op, j, k)`` triples."""
        gs = []
        for g in gates:
            if isinstance(g, Gate):
                gs.append(g)
            else:
                op, j, k = g
                if op not in OPS:
                    raise SLPError(f"unknown operation {op!r} (use + - *)")
                gs.append(Gate(op, j, k))
        return SLP(to_q(a0), tuple(gs))

    @property
    def length(self) -> int:
        """ℓ, the number of gates."""
        return len(self.gates)

    def iter_values(self, *, budget_bits: int | None = None) -> Iterator[fmpq]:
        """Yield a_0, a_1, ..., a_ℓ exactly.

        Integer programs run over ``fmpz``.  With ``budget_bits``, ``a_0`` or a gate whose
        value exceeds that size raises :class:`~checkers.errors.BitBudgetExceeded` naming it.
        Every operand is then within the budget, so no gate ever computes more than about
        twice the budget; a gate whose size bound (:func:`size_bound`) fits is not measured
        at all, and one whose bound does not fit is measured exactly (so ``a - a`` never
        trips the budget).
        """
        return self._run(budget_bits)

    def evaluate(self, *, budget_bits: int | None = None) -> list[fmpq]:
        """All values ``[a_0, ..., a_ℓ]``."""
        return list(self.iter_values(budget_bits=budget_bits))

    def value(self, *, budget_bits: int | None = None) -> fmpq:
        """n_P = a_ℓ (the values are not collected into a list)."""
        if self.a0.q == 1:  # only the last value becomes an fmpq (no copy per gate)
            return fmpq(deque(self._run_int(budget_bits), maxlen=1)[0])
        return deque(self._run(budget_bits), maxlen=1)[0]

    def _check_a0(self, budget: int | None) -> None:
        if budget is not None and size(self.a0) > budget:
            raise BitBudgetExceeded("a0", size(self.a0), budget)

    def _run_int(self, budget: int | None) -> Iterator[fmpz]:
        """a_0, ..., a_ℓ of an integer program (``a_0 ∈ ℤ``) over ``fmpz``."""
        self._check_a0(budget)
        ivals: list[fmpz] = [self.a0.p]
        yield ivals[0]
        for i, g in enumerate(self.gates, start=1):
            x, y = ivals[g.j], ivals[g.k]
            r = x * y if g.op == "*" else (x + y if g.op == "+" else x - y)
            if budget is not None and _int_bound(g.op, x, y) > budget:
                _check_size(i, int(r.bit_length()) + 1, budget)
            ivals.append(r)
            yield r

    def _run(self, budget: int | None) -> Iterator[fmpq]:
        if self.a0.q == 1:
            it = self._run_int(budget)
            next(it)
            yield self.a0
            for r in it:
                yield fmpq(r)
            return
        self._check_a0(budget)
        qvals: list[fmpq] = [self.a0]
        yield self.a0
        for i, g in enumerate(self.gates, start=1):
            a, b = qvals[g.j], qvals[g.k]
            q = a * b if g.op == "*" else (a + b if g.op == "+" else a - b)
            if budget is not None and size_bound(g.op, a, b) > budget:
                _check_size(i, size(q), budget)
            qvals.append(q)
            yield q

    def positive(self) -> bool:
        """PosSLP (Problem 2.5): is n_P > 0?"""
        return self.value() > 0

    def bit(self, j: int) -> int:
        """BitSLP (Problem 2.3): the binary digit of n_P at position j."""
        return bit(self.value(), j)

    def sign(self) -> int:
        return sign(self.value())

    def to_text(self) -> str:
        """The SLP text format (see the module doc)."""
        lines = [f"a0 = {fmt(self.a0)}"]
        lines += [f"a{i} = a{g.j} {g.op} a{g.k}" for i, g in enumerate(self.gates, start=1)]
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.to_text()


def size_bound(op: str, a: fmpq, b: fmpq) -> int:
    """An upper bound on ``size(a op b)`` from the bit lengths of ``a = p/q`` and
    ``b = r/s``: ``a b = pr/(qs)``, and ``a ± b = (ps ± rq)/(qs)`` whose numerator has at
    most ``max(|p| + |s|, |r| + |q|) + 1`` bits (``|·|`` a bit length).

    ``size(a) + size(b) + 1`` is *not* a bound for a sum: ``1 + 1/2^16 = 65537/65536`` has
    size 34 > 2 + 18 + 1.
    """
    bp, bq = int(a.p.bit_length()), int(a.q.bit_length())
    br, bs = int(b.p.bit_length()), int(b.q.bit_length())
    if op == "*":
        return bp + br + bq + bs
    return max(bp + bs, br + bq) + 1 + bq + bs


def _int_bound(op: str, x: fmpz, y: fmpz) -> int:
    # sizes of integers are bitlen + 1; bitlen(xy) <= bitlen(x) + bitlen(y) and
    # bitlen(x ± y) <= max(bitlen(x), bitlen(y)) + 1
    bx, by = int(x.bit_length()), int(y.bit_length())
    return (bx + by if op == "*" else max(bx, by) + 1) + 1


def _check_size(i: int, actual: int, budget: int) -> None:
    if actual > budget:
        raise BitBudgetExceeded(f"gate a{i}", actual, budget)


_GATE_RE = re.compile(r"a(\d+)\s*=\s*a(\d+)\s*([-+*])\s*a(\d+)", re.ASCII)
_A0_RE = re.compile(r"a0\s*=\s*(.+)", re.ASCII)


_MAX_INDEX_DIGITS = 18


def _index(digits: str, where: str) -> int:
    """A gate index of the text format; longer than 18 digits it cannot name a gate."""
    if len(digits) > _MAX_INDEX_DIGITS:
        raise SLPError(f"{where}: gate index a{digits[:20]}... is too large")
    return int(digits)


def parse_slp(text: str | Iterable[str], *, source: str = "<slp>") -> SLP:
    """Read the SLP text format; errors name the source and line (:class:`SLPError`).

    Accepts a whole string or any iterable of lines (a file object streams, so very long
    programs are read in bounded extra memory).
    """
    lines: Iterable[str] = text.splitlines() if isinstance(text, str) else text
    a0: fmpq | None = None
    gates: list[Gate] = []
    for lineno, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}:{lineno}"
        if a0 is None:
            m = _A0_RE.fullmatch(line)
            if m is None:
                raise SLPError(f"{where}: expected 'a0 = <rational>', got {line[:60]!r}")
            try:
                a0 = to_q(m.group(1).strip())
            except ValueError as e:
                raise SLPError(f"{where}: {e}") from None
            continue
        m = _GATE_RE.fullmatch(line)
        if m is None:
            raise SLPError(f"{where}: expected 'a<i> = a<j> <op> a<k>' with op in + - *, "
                           f"got {line[:60]!r}")
        i, j, op, k = (_index(m.group(1), where), _index(m.group(2), where), m.group(3),
                       _index(m.group(4), where))
        expected = len(gates) + 1
        if i != expected:
            raise SLPError(f"{where}: gate indices must be consecutive: expected a{expected}, "
                           f"got a{i}")
        if j >= i or k >= i:
            bad = j if j >= i else k
            what = "itself" if bad == i else f"the later gate a{bad}"
            raise ForwardReferenceError(f"{where}: gate a{i} refers to {what} (need j, k < {i})")
        gates.append(Gate(op, j, k))  # type: ignore[arg-type]
    if a0 is None:
        raise SLPError(f"{source}: empty program (expected 'a0 = <rational>')")
    return SLP(a0, tuple(gates))


def squaring_chain(steps: int, a0: RationalLike = 2) -> SLP:
    """``a_i = a_{i-1}²`` for ``steps`` gates: a_ℓ = a0^(2^steps) (§3 notes)."""
    return SLP.of(a0, [("*", i - 1, i - 1) for i in range(1, steps + 1)])


