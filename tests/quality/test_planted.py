"""The planted-bug suite: every plant of :mod:`tests.quality.planted` must be caught by the
claims alone (``whyrelu check``'s claims, ``ci`` profile, a small example budget).

All plants run in CI; together they cost well under two CPU-minutes.
``scripts/planted_catch_rate.py`` prints the catch rate by module (docs/quality.md).
"""

from __future__ import annotations

import pytest

from tests.quality.planted import PLANTS, Plant, hunt


@pytest.mark.parametrize("plant", [pytest.param(p, id=p.name) for p in PLANTS])
def test_planted_bug_is_caught_by_a_claim(plant: Plant) -> None:
    caught, results = hunt(plant)
    assert caught is not None, (
        f"planted bug {plant.name} ({plant.module}: {plant.description}) passed every claim: "
        + ", ".join(f"{r.item}={r.outcome}" for r in results))


def test_plants_restore_what_they_patch() -> None:
    """A plant leaves no trace: the patched attributes are restored afterwards."""
    import checkers.activations as a
    import spec.theorem_e2.verifier as v

    before = (a.ReLU.derivative, v.verify, v.ERMInstance.size)
    for p in PLANTS:
        with p.planted():
            pass
    assert (a.ReLU.derivative, v.verify, v.ERMInstance.size) == before


#: Modules without a plant, each with its reason (no mathematics of their own).
EXEMPT = {
    "checkers/__init__.py": "re-exports",
    "checkers/errors.py": "typed errors",
    "checkers/formats.py": "file I/O (tests/test_fuzz.py, tests/test_formats.py)",
    "checkers/limits.py": "an input limit (the largest polynomial degree accepted), no "
                          "mathematics (tests/test_api.py, tests/test_poly.py)",
}


def test_every_module_with_mathematics_has_a_plant() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    planted = {p.module for p in PLANTS}
    for f in sorted((root / "checkers").glob("*.py")):
        rel = f"checkers/{f.name}"
        assert rel in planted or rel in EXEMPT, f"no planted bug in {rel}"


def test_every_spec_module_with_claims_has_a_plant() -> None:
    """spec/beyond/ included (results beyond the paper are held to the same standard)."""
    from spec.claims import load_all

    planted = {p.module for p in PLANTS}
    for module in sorted({c.module for c in load_all()}):
        path = module.replace(".", "/") + ".py"
        assert path in planted or path in EXEMPT, f"no planted bug in {path}"


def test_plants_name_existing_modules_and_claims() -> None:
    from pathlib import Path

    from spec.claims import get_claim

    root = Path(__file__).resolve().parents[2]
    for p in PLANTS:
        assert (root / p.module).is_file(), p.name
        for cid, _act in p.claims:
            get_claim(cid)


#: Controls that may omit ``refuted_on`` (each with its reason); keep this short.
REFUTED_ON_EXEMPT: dict[str, str] = {}


def test_every_control_names_the_sub_check_it_is_refuted_on() -> None:
    """Every negative control (``expect="counterexample"``) declares the sub-check its
    statement names: ``refuted_on=(...)`` on its decorator (enforced around the check and
    the prover by :func:`spec.claims.refuted_on`) or a ``with refuted_on(...)`` in its body."""
    import inspect

    from spec.claims import load_all

    missing = []
    for c in load_all():
        if c.expect != "counterexample" or c.refuted_on or c.id in REFUTED_ON_EXEMPT:
            continue
        fn = inspect.getclosurevars(c.run_check).nonlocals["fn"]
        if "refuted_on(" not in inspect.getsource(fn):
            missing.append(c.id)
    assert not missing, f"controls without refuted_on: {missing}"


def test_declared_refuted_on_lets_only_the_named_sub_check_through() -> None:
    """The decorators' ``refuted_on=`` wraps the check: a refutation on another check is
    an ``AssertionError`` (the runner's ``error``), never the expected refutation."""
    from spec.claims import ClaimFailure, _only_on, check, get_claim

    def run(message: str) -> None:
        with _only_on(("the named check",)):
            check(False, message)

    with pytest.raises(ClaimFailure):
        run("the named check fails")
    with pytest.raises(AssertionError, match="not on the named sub-check"):
        run("another check fails")
    assert get_claim("gadget.perturbed_lambda_refuted").refuted_on
