"""docs/sub-checks.md lists every sub-check label, the terms it prints and every error
message of spec/; it must not go stale, and every label a negative control is refuted on
must be one of them."""

import functools
from pathlib import Path

import pytest

from spec.claims import load_all
from spec.harness.subchecks import census, page, records

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "sub-checks.md"


def test_sub_check_page_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == page(), (
        "docs/sub-checks.md is stale (a sub-check label, a printed term or an error message "
        "changed): regenerate it with `python -m spec.harness.subchecks > docs/sub-checks.md`")


def test_census_reads_labels_terms_and_errors(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text(
        "def outer(x, j):\n"
        "    def inner():\n"
        "        check_eq(x, 1, 'x is one', j=j, k=j + 1)\n"
        "    check(x > 0, f'x at {j} positive')\n"
        "    check_le(x, 2, message='x <= 2')\n"
        "    what = 'named'\n"
        "    check(x, what, j=j)\n"
        "    check(x, 'both a' if j else 'both b')\n"
        "    raise ClaimFailure(f'direct {x}', {'x': x})\n"
        "    raise DataError(f'bad x {x}')\n"
        "class C:\n"
        "    def m(self):\n"
        "        check_certificate(self, 'cert')\n"
        "        raise ValueError\n", encoding="utf-8")
    checks, errors = census(src)
    got = [(e.function, e.kind, e.label, e.terms, e.prefix, e.literal) for e in checks]
    assert got == [
        ("outer.inner", "check_eq", "x is one", ("j = j", "k = j + 1"), "x is one", True),
        ("outer", "check", "`f'x at {j} positive'`", (), "x at ", False),
        ("outer", "check_le", "x <= 2", (), "x <= 2", True),
        ("outer", "check", "named", ("j = j",), "named", True),
        ("outer", "check", "`'both a' if j else 'both b'`", (), "both ", False),
        ("outer", "ClaimFailure", "`f'direct {x}'`", ("terms = {'x': x}",), "direct ", False),
        ("C.m", "check_certificate", "cert", (), "cert", True),
    ]
    assert [(e.function, e.kind, e.label) for e in errors] == [
        ("outer", "DataError", "`f'bad x {x}'`")]


def test_census_reads_figures_and_certificates(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text(
        "def f(net):\n"
        "    cert = PolynomialIdentity(name='id_1', variables=('x',), lhs=1, rhs=1,\n"
        "                              statement=f'one = {net}')\n"
        "    Certificate('(★) holds', items=(cert,))\n"
        "    ev = Evidence.of(nodes=len(net), depth=2).bound('size', 3, 4)\n"
        "    ev.figures['ratio'] = 1\n",
        encoding="utf-8")
    got = [(e.function, e.kind, e.label, e.terms) for e in records(src)]
    assert got == [
        ("f", "PolynomialIdentity", "id_1", ("statement = `f'one = {net}'`",)),
        ("f", "Certificate", "(★) holds", ()),
        ("f", "figure with bound", "size", ()),
        ("f", "figure", "nodes", ()),
        ("f", "figure", "depth", ()),
        ("f", "figure", "ratio", ()),
    ]


@functools.cache
def _all_checks() -> list[tuple[str, bool]]:
    out = []
    for path in sorted((ROOT / "spec").rglob("*.py")):
        out += [(e.prefix, e.literal) for e in census(path)[0]]
    return out


def test_census_counts_known_sub_checks() -> None:
    checks, _ = census(ROOT / "spec" / "lemma32" / "instance.py")
    labels = {(e.function, e.label) for e in checks}
    assert ("_check_theta_star_loss", "L(θ∗) = b·𝟏[bit_j(n_P) ≠ 1]") in labels
    assert ("_check_incremental", "incremental values = full forward pass") in labels


@pytest.mark.parametrize("claim", [c for c in load_all() if c.refuted_on],
                         ids=lambda c: c.id)
def test_every_refuted_on_label_names_a_sub_check(claim) -> None:  # type: ignore[no-untyped-def]
    """A control's declared label is the beginning of some sub-check's label (a literal
    label starting with it, or an f-string whose fixed beginning agrees with it)."""
    checks = _all_checks()
    for label in claim.refuted_on:
        assert any((lit and p.startswith(label)) or
                   (not lit and p and (label.startswith(p) or p.startswith(label)))
                   for p, lit in checks), f"{claim.id}: no sub-check is labelled {label!r}"
