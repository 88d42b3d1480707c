"""Integer matrix products for lopsided entry sizes (the layered engine's one product).

``fmpz_mat * fmpz_mat`` lets FLINT choose an algorithm from the *larger* entry size: for a
64×64 product with one side of about 60 bits and the other of 10⁵ bits it reduces both
sides modulo some 3000 primes (multi-modular), which costs as if both sides were huge.
That is exactly the shape of deep-network passes with a polynomial activation (Figure 1):
the weight matrix keeps its float-sized entries while the activations double their size
per layer.  The schoolbook product costs ``rows·inner·cols`` products of a small by a huge
integer, each linear in the huge size — about 15× less at 10⁵ bits and 20× at 4·10⁵.

:func:`mat_mul` computes the same integer matrix (it is exact either way) one column of
the huge factor at a time (one row, when the huge factor is on the left): FLINT multiplies
a matrix by a single column classically, and the column's 64 huge entries stay in cache
while every row of the small factor meets them (a whole-matrix schoolbook product streams
the huge factor from memory once per row: about 2.5× slower at 4·10⁵ bits).  Balanced sizes
go straight to FLINT; the sizes are screened on the first row and column of each side
before every entry is read (a wrong guess costs time, never exactness).  It is the only
place that chooses, so it can be swapped (e.g. for FLINT's own lopsided product, should
one appear).
"""

from __future__ import annotations

from flint import fmpz, fmpz_mat


class _Counter:
    """How many products took a lopsided branch (a diagnostic: claims record it as a
    regime; nothing depends on it)."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


LOPSIDED_PRODUCTS = _Counter()

#: below this many bits in the larger side, FLINT's own choice is as good
LOPSIDED_MIN_BITS = 4000
#: the larger side must have at least this many times the bits of the smaller
LOPSIDED_RATIO = 16


def max_bits(m: fmpz_mat) -> int:
    """The largest bit length of an entry's absolute value (0 for a zero matrix)."""
    return _max_bits(m.entries())


def _max_bits(entries: list[fmpz]) -> int:
    return int(max(map(fmpz.bit_length, entries), default=0))  # bit_length ignores the sign


def _lopsided(abits: int, bbits: int) -> bool:
    small, big = min(abits, bbits), max(abits, bbits)
    return big >= LOPSIDED_MIN_BITS and big >= LOPSIDED_RATIO * max(small, 1)


def _sample_bits(m: fmpz_mat) -> int:
    """The largest bit length in the first row and the first column."""
    r, c = m.nrows(), m.ncols()
    return int(max(max((m[0, j].bit_length() for j in range(c)), default=0),
                   max((m[i, 0].bit_length() for i in range(r)), default=0)))


def mat_mul(a: fmpz_mat, b: fmpz_mat) -> fmpz_mat:
    """``a · b`` exactly; column by column (or row by row) when one side is much larger."""
    rows, inner, cols = a.nrows(), a.ncols(), b.ncols()
    if inner != b.nrows():
        raise ValueError(f"shape mismatch {rows}x{inner} @ {b.nrows()}x{cols}")
    if inner < 8 or rows * cols < 64:
        return a * b
    # a cheap screen on the first row and column of each side (only speed depends on it):
    # most products are not lopsided, and reading every entry costs a fifth of a small one
    if not _lopsided(_sample_bits(a), _sample_bits(b)):
        return a * b
    ae, be = a.entries(), b.entries()
    abits, bbits = _max_bits(ae), _max_bits(be)
    if not _lopsided(abits, bbits):
        return a * b
    LOPSIDED_PRODUCTS.count += 1
    if bbits >= abits:  # huge right factor: one column of it at a time stays in cache
        out_cols = [(a * fmpz_mat(inner, 1, be[j::cols])).entries() for j in range(cols)]
        return fmpz_mat(rows, cols, [out_cols[j][i] for i in range(rows) for j in range(cols)])
    out: list[fmpz] = []  # huge left factor: one row of it at a time
    for i in range(rows):
        out.extend((fmpz_mat(1, inner, ae[i * inner:(i + 1) * inner]) * b).entries())
    return fmpz_mat(rows, cols, out)
