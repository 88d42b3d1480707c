"""docs/theorems.md is generated from the registry and must not go stale."""

from pathlib import Path

from spec.activations import activations
from spec.claims import load_all
from spec.harness.catalogue import catalogue

DOC = Path(__file__).resolve().parent.parent / "docs" / "theorems.md"


def test_catalogue_is_current() -> None:
    expected = catalogue(load_all(), activations())
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/theorems.md is stale: regenerate it with `whyrelu catalogue > docs/theorems.md`"
    )


def test_every_identity_claim_has_a_negative_control() -> None:
    claims = load_all()
    ids = {c.id for c in claims}
    controlled = {c.control_of for c in claims if c.control_of}
    assert controlled <= ids, f"controls of unknown claims: {controlled - ids}"
    for c in claims:
        if c.control_of:
            assert c.expect == "counterexample", f"{c.id} is a control but expects {c.expect}"
    missing = [c.id for c in claims
               if c.expect == "holds" and "identity" in c.tags and c.id not in controlled]
    assert not missing, f"identity claims without a negative control: {missing}"
