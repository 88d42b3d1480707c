"""checkers.matmul: the lopsided product equals FLINT's own product and Python's integers."""

from __future__ import annotations

import random

import pytest
from flint import fmpz_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers import matmul
from checkers.matmul import mat_mul, max_bits


def _rand(rows: int, cols: int, bits: int, rng: random.Random, *, zeros: float = 0.0
          ) -> fmpz_mat:
    vals = [0 if rng.random() < zeros else rng.choice((-1, 1)) * rng.getrandbits(bits)
            for _ in range(rows * cols)]
    return fmpz_mat(rows, cols, vals)


def _python_product(a: fmpz_mat, b: fmpz_mat) -> list[list[int]]:
    ar = [[int(v) for v in a.entries()[i * a.ncols():(i + 1) * a.ncols()]]
          for i in range(a.nrows())]
    be = [int(v) for v in b.entries()]
    c = b.ncols()
    return [[sum(row[k] * be[k * c + j] for k in range(len(row))) for j in range(c)]
            for row in ar]


@settings(max_examples=25, deadline=None)
@given(rows=st.integers(8, 20), inner=st.integers(8, 20), cols=st.integers(8, 20),
       small=st.integers(1, 130), big=st.integers(4000, 9000), left_big=st.booleans(),
       zeros=st.sampled_from([0.0, 0.5]), seed=st.integers(0, 2**32))
def test_lopsided_product_is_flints_product(rows: int, inner: int, cols: int, small: int,
                                            big: int, left_big: bool, zeros: float,
                                            seed: int) -> None:
    """Both lopsided branches (huge right factor by columns, huge left factor by rows),
    with signs and zero entries, equal ``fmpz_mat * fmpz_mat``."""
    rng = random.Random(seed)
    if left_big:
        a, b = _rand(rows, inner, big, rng, zeros=zeros), _rand(inner, cols, small, rng)
    else:
        a, b = _rand(rows, inner, small, rng), _rand(inner, cols, big, rng, zeros=zeros)
    assert mat_mul(a, b) == a * b


def test_lopsided_branches_are_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sizes above reach the blocked branches (not FLINT's own product): counted by
    the single columns (rows) a 9×9 by 9×9 product builds."""
    rng = random.Random(7)
    shapes: list[tuple[int, int]] = []

    def counting(rows: int, cols: int, *rest: object) -> fmpz_mat:
        shapes.append((rows, cols))
        return fmpz_mat(rows, cols, *rest)

    small, big = _rand(9, 9, 60, rng), _rand(9, 9, 5000, rng)
    monkeypatch.setattr(matmul, "fmpz_mat", counting)
    assert mat_mul(small, big) == small * big
    assert shapes.count((9, 1)) == 9  # one product per column of the huge right factor
    shapes.clear()
    assert mat_mul(big, small) == big * small
    assert shapes.count((1, 9)) == 9  # one per row of the huge left factor
    shapes.clear()
    assert mat_mul(big, big) == big * big
    assert shapes == []  # balanced: FLINT's own product


def test_exact_against_python_integers() -> None:
    rng = random.Random(3)
    a, b = _rand(8, 12, 40, rng), _rand(12, 9, 6000, rng)
    got = mat_mul(a, b)
    assert [[int(v) for v in got.entries()[i * 9:(i + 1) * 9]] for i in range(8)] == \
        _python_product(a, b)


@pytest.mark.parametrize(("shape_a", "shape_b"), [((3, 4), (4, 5)), ((64, 1), (1, 64)),
                                                  ((10, 10), (10, 2)), ((0, 9), (9, 9))])
def test_small_and_degenerate_shapes(shape_a: tuple[int, int], shape_b: tuple[int, int]
                                     ) -> None:
    rng = random.Random(11)
    a, b = _rand(*shape_a, 5000, rng), _rand(*shape_b, 3, rng)
    assert mat_mul(a, b) == a * b


def test_zero_and_balanced() -> None:
    rng = random.Random(5)
    z = fmpz_mat(16, 16)
    big = _rand(16, 16, 8000, rng)
    assert max_bits(z) == 0 and mat_mul(z, big) == z and mat_mul(big, z) == z
    assert mat_mul(big, big) == big * big  # balanced: FLINT's own product
    assert max_bits(fmpz_mat(1, 2, [-(2**70), 5])) == 71


def test_shape_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="shape mismatch 2x3 @ 4x2"):
        mat_mul(fmpz_mat(2, 3), fmpz_mat(4, 2))


@pytest.mark.parametrize(("shape_a", "shape_b", "big_left"), [
    ((1, 16), (16, 64), False),   # one row on the left
    ((64, 16), (16, 1), True),    # one column on the right
])
def test_single_row_or_column_lopsided(shape_a: tuple[int, int], shape_b: tuple[int, int],
                                       big_left: bool) -> None:
    """The size screen reads the first row and column of each side; a factor with a single
    row or column is screened and multiplied correctly."""
    rng = random.Random(13)
    a = _rand(*shape_a, 6000 if big_left else 50, rng)
    b = _rand(*shape_b, 50 if big_left else 6000, rng)
    before = matmul.LOPSIDED_PRODUCTS.count
    assert mat_mul(a, b) == a * b
    assert matmul.LOPSIDED_PRODUCTS.count == before + 1


def test_screen_passes_but_the_full_scan_does_not() -> None:
    """A huge entry away from the first row and column of the 'small' side: the screen
    guesses lopsided, the full scan finds both sides huge and FLINT's product is used."""
    rng = random.Random(17)
    a, b = _rand(9, 9, 40, rng), _rand(9, 9, 6000, rng)
    a[5, 5] = 2**6000 + 1
    before = matmul.LOPSIDED_PRODUCTS.count
    assert mat_mul(a, b) == a * b
    assert matmul.LOPSIDED_PRODUCTS.count == before  # not counted as lopsided


def test_lopsided_products_are_counted_one_each() -> None:
    rng = random.Random(19)
    small, big = _rand(9, 9, 30, rng), _rand(9, 9, 5000, rng)
    before = matmul.LOPSIDED_PRODUCTS.count
    for _ in range(3):
        mat_mul(small, big)
    assert matmul.LOPSIDED_PRODUCTS.count == before + 3
    mat_mul(small, small)
    assert matmul.LOPSIDED_PRODUCTS.count == before + 3


def test_max_bits_of_an_empty_matrix() -> None:
    assert max_bits(fmpz_mat(0, 3)) == 0 and max_bits(fmpz_mat(3, 0)) == 0
