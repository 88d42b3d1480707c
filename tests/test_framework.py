"""The claim framework: runner outcomes, chunks, the report, the pytest plugin and
``whyrelu check``.

Tests that need claims of their own register them temporarily through the ``registry``
fixture, which restores :data:`spec.claims._REGISTRY` (and the :func:`load_all` cache)
afterwards, so nothing leaks into other tests of the same worker process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest
from flint import fmpq
from hypothesis import assume, settings
from hypothesis import strategies as st
from hypothesis.control import current_build_context
from hypothesis.database import InMemoryExampleDatabase

import spec.activations
from checkers.activations import Activation, parse_activation
from checkers.errors import BitBudgetExceeded
from checkers.formats import dataset_from_json, network_from_json
from checkers.network import Network, Sample
from spec.claims import (
    _REGISTRY,
    ANY_ACTIVATION,
    NONLINEAR_POLYNOMIAL,
    PIECEWISE_LINEAR,
    Certificate,
    ClaimFailure,
    Covers,
    Evidence,
    check,
    check_eq,
    check_le,
    claim,
    claim_for,
    get_claim,
    load_all,
    paper_order,
    select,
)
from spec.cli import main
from spec.definitions import show_network_and_data
from spec.harness import profiles
from spec.harness.report import (
    coverage,
    json_report,
    refutations_md,
    rows,
    text_table,
    theorem_table_md,
)
from spec.harness.runner import Figures, Item, Result, items_for, run_item, uncovered
from strategies import dag_networks, samples_for

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def registry() -> Iterator[None]:
    """Claims declared during the test are removed afterwards."""
    load_all()
    saved = dict(_REGISTRY)
    load_all.cache_clear()
    try:
        yield
    finally:
        _REGISTRY.clear()
        _REGISTRY.update(saved)
        load_all.cache_clear()


def _ints(act: Activation) -> st.SearchStrategy[int]:
    return st.integers(-1000, 1000)


# ------------------------------------------------------------------ outcomes


def test_holds_with_figures(registry: None) -> None:
    @claim("Lemma 9.1", "squares are non-negative", instances=st.integers(-50, 50),
           examples=15, id="fw.squares")
    def squares(n: int) -> Evidence:
        check(n * n >= 0, "n^2 >= 0", n=n)
        return Evidence.of(abs_n=abs(n)).bound("square", n * n, 2500)

    r = run_item(Item("fw.squares", None), profile="ci")
    assert r.outcome == "holds" and r.meets_expectation
    assert r.examples == 15 * profiles.SCALE["ci"]
    assert r.figures["abs_n"] == "50" and r.figures["square"] == "2500"
    assert r.worst == {"figure": "square", "value": "2500", "bound": "2500"}
    assert r.counterexample is None and r.certificate is None
    assert r.replay == "whyrelu check --claim fw.squares --profile ci"


def test_proved_when_a_certificate_is_given(registry: None) -> None:
    @claim_for("Lemma 9.2", "σ(x) − σ(x) = 0", covers=NONLINEAR_POLYNOMIAL, instances=_ints,
               prover=lambda act: Certificate(f"{act.name} - ({act.name}) = 0 in Q[x]"),
               examples=5, id="fw.proved")
    def proved(act: Activation, n: int) -> None:
        check_eq(act(fmpq(n)) - act(fmpq(n)), 0, "σ(n) − σ(n)")

    r = run_item(Item("fw.proved", "x^2"), profile="ci")
    assert r.outcome == "proved" and r.meets_expectation
    assert r.certificate == "x^2 - (x^2) = 0 in Q[x]"
    assert r.replay is not None and "--activation 'x^2'" in r.replay


def test_exhaustive_checks_every_element_and_says_so(registry: None) -> None:
    seen: list[int] = []

    @claim("Lemma 9.1", "n^2 >= n on 0..9", instances=st.sampled_from(range(10)),
           examples=2, id="fw.exhaustive", exhaustive="n ≤ 9")
    def exh(n: int) -> Evidence:
        seen.append(n)
        check(n * n >= n, "n^2 >= n", n=n)
        return Evidence.of(n=n)

    r = run_item(Item("fw.exhaustive", None), profile="dev")
    assert r.outcome == "exhaustive" and r.meets_expectation and r.domain == "n ≤ 9"
    assert sorted(seen) == list(range(10)) and r.examples == 10  # not the example budget
    row = rows([get_claim("fw.exhaustive")], [r])[0]
    assert row.outcome() == "exhaustive: n ≤ 9"
    # split into chunks: each chunk takes its share, together the whole domain
    seen.clear()
    rs = [run_item(Item("fw.exhaustive", None, k, 3), profile="dev") for k in range(3)]
    assert sorted(seen) == list(range(10)) and sum(x.examples for x in rs) == 10

    @claim("Lemma 9.1", "n^2 > n on 0..9", instances=st.sampled_from(range(10)),
           id="fw.exhaustive_fails", exhaustive="n ≤ 9")
    def exh_bad(n: int) -> None:
        check(n * n > n, "n^2 > n", n=n)

    r = run_item(Item("fw.exhaustive_fails", None), profile="dev")
    assert r.outcome == "refuted" and r.counterexample == "0"  # the first in list order

    @claim("Lemma 9.1", "not a list", instances=st.integers(0, 3), id="fw.exhaustive_bad",
           exhaustive="n ≤ 3")
    def exh_wrong(n: int) -> None:
        return None

    r = run_item(Item("fw.exhaustive_bad", None), profile="dev")
    assert r.outcome == "error" and "sampled_from" in (r.message or "")


def test_a_failing_prover_refutes_and_a_crashing_one_is_an_error(registry: None) -> None:
    def bad_proof(act: Activation) -> Certificate:
        raise ClaimFailure("the identity does not expand to 0", {"residual": "x"})

    def crash(act: Activation) -> Certificate:
        raise RuntimeError("prover bug")

    @claim_for("Lemma 9.3", "s", covers=ANY_ACTIVATION, instances=_ints, prover=bad_proof,
               id="fw.prover_refutes")
    def a(act: Activation, n: int) -> None:
        return None

    @claim_for("Lemma 9.3", "s", covers=ANY_ACTIVATION, instances=_ints, prover=crash,
               expect="counterexample", id="fw.prover_crashes")
    def b(act: Activation, n: int) -> None:
        return None

    r = run_item(Item("fw.prover_refutes", "relu"), profile="ci")
    assert r.outcome == "refuted" and r.message is not None
    assert "symbolic check failed: the identity does not expand to 0" in r.message
    assert "residual = 'x'" in r.message
    r = run_item(Item("fw.prover_crashes", "relu"), profile="ci")
    assert r.outcome == "error" and not r.meets_expectation
    assert r.message is not None and "prover crashed: RuntimeError: prover bug" in r.message


def test_refuted_with_the_shrunk_counterexample_shown(registry: None) -> None:
    @claim("Lemma 9.4", "sums stay below 100",
           instances=st.lists(st.integers(0, 1000), max_size=10), examples=50,
           show=lambda xs: f"xs = {xs!r}", id="fw.small_sums")
    def small_sums(xs: list[int]) -> None:
        check_le(sum(xs), 99, "the sum is below 100", length=len(xs))

    r = run_item(Item("fw.small_sums", None), profile="ci")
    assert r.outcome == "refuted" and r.meets_expectation is False
    assert r.counterexample == "xs = [100]"
    assert r.message == "the sum is below 100\n  value = 100\n  bound = 99\n  length = 1"
    assert r.examples >= 1
    table = text_table([get_claim("fw.small_sums")], [r])
    assert "FAIL" in table and "FAILED fw.small_sums: outcome refuted, expected holds" in table
    assert "  counterexample:\n    xs = [100]" in table


def test_inconclusive_when_no_valid_instance_exists(registry: None) -> None:
    @claim("Lemma 9.5", "s", instances=st.integers().filter(lambda n: False), examples=10,
           id="fw.unsatisfiable")
    def unsat(n: int) -> None:
        return None

    @claim("Lemma 9.5", "s", instances=st.integers(), examples=10, id="fw.over_budget")
    def over_budget(n: int) -> None:
        raise BitBudgetExceeded("node 'v'", 10**6, 1000)

    for cid in ("fw.unsatisfiable", "fw.over_budget"):
        r = run_item(Item(cid, None), profile="ci")
        assert r.outcome == "inconclusive", (cid, r.message)
        assert not r.meets_expectation
        assert r.message is not None


def test_assume_in_a_check_rejects_without_counting_as_a_failure(registry: None) -> None:
    ran: list[int] = []

    @claim("Lemma 9.5", "s", instances=st.integers(0, 10**6), examples=75,
           id="fw.assumes")
    def assumes(n: int) -> None:
        assume(n % 3 != 0)
        ran.append(n)
        check(n >= 0, "n >= 0")

    r = run_item(Item("fw.assumes", None), profile="ci")
    assert r.outcome == "holds"
    # every valid example was really checked (none skipped as if shrinking had begun)
    assert r.examples == len(ran) == 75 * profiles.SCALE["ci"]


def test_a_crash_is_an_error_and_never_satisfies_a_negative_control(registry: None) -> None:
    @claim("Lemma 9.6", "negative control that crashes instead of refuting",
           instances=st.integers(0, 10), expect="counterexample", examples=10,
           id="fw.crashing_control")
    def crashing(n: int) -> None:
        _ = 1 // (n - n)

    r = run_item(Item("fw.crashing_control", None), profile="ci")
    assert r.outcome == "error"
    assert not r.meets_expectation
    assert r.message is not None and r.message.startswith(
        "check crashed: ZeroDivisionError: integer division or modulo by zero")
    assert r.counterexample == "0"


def test_a_refuted_control_meets_its_expectation(registry: None) -> None:
    @claim("Lemma 9.7", "control", instances=st.integers(0, 10), expect="counterexample",
           control_of="fw.none", id="fw.control")
    def control(n: int) -> None:
        check(n < 3, "n < 3", n=n)

    r = run_item(Item("fw.control", None), profile="ci")
    assert r.outcome == "refuted" and r.meets_expectation and r.counterexample == "3"


# ------------------------------------------------------------------ the planted bug


def _buggy_forward(net: Network, x: dict[str, fmpq]) -> dict[str, fmpq]:
    """A planted bug: the node rule without the edge biases."""
    val: dict[str, fmpq] = {}
    for i in net.arch.order:
        v = net.nodes[i]
        act = net.activation(v)
        z = x.get(v, fmpq(0))
        if act is not None:
            for e in net.arch.in_edges[i]:
                z += net.weights[e] * val[net.nodes[net.arch.src[e]]]
        val[v] = z if act is None else act(z)
    return val


def _planted(act: Activation, inst: tuple[Network, list[Sample]]) -> Evidence:
    net, data = inst
    for s in data:
        got = _buggy_forward(net, dict(s.x))
        want = net.forward(s.x).values()
        for v in net.nodes:
            check_eq(got[v], want[v], f"value at node {v!r}", sample=dict(s.x))
    return Evidence.of(nodes=len(net.nodes))


def _planted_instances(act: Activation) -> st.SearchStrategy[tuple[Network, list[Sample]]]:
    return dag_networks(act, max_hidden=5, weight_bits=6).flatmap(
        lambda n: st.tuples(st.just(n), samples_for(n, max_samples=3, bits=6)))


def test_a_planted_bug_is_refuted_with_a_readable_shrunk_counterexample(
    registry: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    claim_for("Definition (network semantics)", "a forward pass that forgets the biases",
              covers=ANY_ACTIVATION, instances=_planted_instances, status="definition",
              examples=40, show=show_network_and_data, id="planted.forgotten_bias")(_planted)
    load_all.cache_clear()

    r = run_item(Item("planted.forgotten_bias", "x^2"), profile="ci")
    assert r.outcome == "refuted" and not r.meets_expectation
    assert r.message is not None and r.message.startswith("value at node 'v0'")
    # the counterexample is the file formats of `whyrelu net grad`, shrunk to one edge
    assert r.counterexample is not None
    lines = r.counterexample.splitlines()
    assert lines[0] == "# NET.json" and lines[2] == "# DATA.json"
    net = network_from_json(json.loads(lines[1]))
    data = dataset_from_json(json.loads(lines[3]), net)
    assert net.nodes == ("x0", "v0") and net.edges == (("x0", "v0"),)
    assert net.weights == (fmpq(0),) and net.biases in ((fmpq(1),), (fmpq(-1),))
    assert len(data) == 1 and data[0].x == {"x0": fmpq(0)}
    with pytest.raises(ClaimFailure):  # the printed instance rebuilds the failure
        _planted(parse_activation("x^2"), (net, data))

    # the same claim through `whyrelu check`: exit status 1 and the counterexample shown
    monkeypatch.setattr(spec.activations, "REGISTERED", ())  # only x^2, to keep this quick
    code = main(["check", "--claim", "planted", "--activation", "x^2", "--jobs", "1",
                 "--quiet", "--profile", "ci", "--no-report"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED planted.forgotten_bias[x^2]: outcome refuted, expected holds" in out
    assert "  counterexample:\n    # NET.json\n    {\"nodes\": [{\"name\": \"x0\"}" in out


def test_late_registrations_are_found(registry: None) -> None:
    load_all()  # cached before the claim exists

    @claim("Lemma 9.8", "late", instances=st.just(0), id="fw.late")
    def late(n: int) -> None:
        return None

    assert get_claim("fw.late").statement == "late"
    with pytest.raises(KeyError, match=r"unknown claim 'fw\.nope'"):
        get_claim("fw.nope")


# ------------------------------------------------------------------ shrinking machinery


class _Box:
    """An instance whose repr is its memory address (no value-based repr)."""

    def __init__(self, xs: list[int]) -> None:
        self.xs = xs


def test_the_reported_counterexample_is_rechecked_for_real(registry: None) -> None:
    final_calls: list[int] = []
    keep: list[_Box] = []

    @claim("Lemma 9.9", "box sums stay small",
           instances=st.lists(st.integers(0, 1000), min_size=1, max_size=30).map(_Box),
           examples=50, shrink_calls=5, show=lambda b: f"xs = {b.xs}", id="fw.boxes")
    def boxes(b: _Box) -> None:
        keep.append(b)  # no address reuse: every instance has a fresh repr
        if current_build_context().is_final:
            final_calls.append(sum(b.xs))
        check(sum(b.xs) < 300, "sum < 300", total=sum(b.xs))

    r = run_item(Item("fw.boxes", None), profile="ci")
    assert r.outcome == "refuted"
    # Hypothesis's final replay ran the check (it was not skipped as over the shrink budget)
    assert final_calls and final_calls[-1] >= 300
    assert r.counterexample is not None and r.counterexample.startswith("xs = [")
    assert r.message is not None and "Flaky" not in r.message


def test_every_item_has_its_own_example_database_key(registry: None) -> None:
    db = InMemoryExampleDatabase()

    @claim("Lemma 9.10", "a", instances=st.integers(0, 100), examples=20, id="fw.db_a")
    def a(n: int) -> None:
        check(n < 5, "n < 5")

    @claim("Lemma 9.10", "b", instances=st.integers(0, 100), examples=20, id="fw.db_b")
    def b(n: int) -> None:
        check(n < 7, "n < 7")

    settings.register_profile("dev", settings.get_profile("dev"), database=db)
    try:
        assert run_item(Item("fw.db_a", None), profile="dev").outcome == "refuted"
        keys_a = set(db.data)
        assert keys_a
        assert run_item(Item("fw.db_b", None), profile="dev").outcome == "refuted"
        assert set(db.data) - keys_a, "claim b saved its failure under claim a's key"
    finally:
        profiles.register()


# ------------------------------------------------------------------ chunks (split)


def test_split_chunks_are_deterministic_and_disjoint_under_ci(registry: None) -> None:
    seen: dict[int, list[int]] = {}
    chunk = [0]

    @claim("Lemma 9.11", "split", instances=st.integers(-(10**9), 10**9), examples=30,
           split=3, id="fw.split")
    def split(n: int) -> Evidence:
        seen.setdefault(chunk[0], []).append(n)
        return Evidence.of(n=n)

    items = items_for([get_claim("fw.split")], [])
    assert [it.name for it in items] == ["fw.split#1of3", "fw.split#2of3", "fw.split#3of3"]
    first: list[list[int]] = []
    for _ in range(2):
        seen.clear()
        results = []
        for it in items:
            chunk[0] = it.chunk
            results.append(run_item(it, profile="ci"))
        assert [r.examples for r in results] == [10 * profiles.SCALE["ci"]] * 3
        first.append([n for k in sorted(seen) for n in seen[k]])
        assert len({tuple(seen[k]) for k in seen}) == 3  # chunks draw different examples
    assert first[0] == first[1]  # ...and the same ones on every run
    row = rows([get_claim("fw.split")], results)[0]
    assert row.examples == 30 * profiles.SCALE["ci"] and row.outcome() == "holds"


def test_deep_profile_runs_ten_times_the_examples(registry: None) -> None:
    @claim("Lemma 9.12", "deep", instances=st.integers(), examples=3, split=2, id="fw.deep")
    def deep(n: int) -> None:
        return None

    r = run_item(Item("fw.deep", None, 0, 2), profile="deep", user_seed=7)
    assert r.examples == 15
    assert r.replay is not None and r.replay.endswith("--seed 7")


def test_any_registered_hypothesis_profile_can_run_a_claim(registry: None) -> None:
    # e.g. `pytest --hypothesis-profile default`: scaled like dev
    @claim("Lemma 9.12", "any profile", instances=st.integers(), examples=4, id="fw.prof")
    def any_profile(n: int) -> None:
        return None

    assert run_item(Item("fw.prof", None), profile="default").examples == 4


# ------------------------------------------------------------------ report aggregation


def _result(claim_id: str, act: str | None, outcome: str, examples: int, chunk: int = 0,
            chunks: int = 1, figures: dict[str, str] | None = None,
            worst: dict[str, str] | None = None, expect: str = "holds") -> Result:
    item = Item(claim_id, act, chunk, chunks)
    return Result(item=item.name, claim_id=claim_id, ref="Lemma 9.13", status="theorem",
                  activation=act, expect=expect, outcome=outcome,  # type: ignore[arg-type]
                  examples=examples, seconds=0.5, figures=figures or {}, worst=worst)


def test_report_aggregates_chunks_and_activations(registry: None) -> None:
    @claim_for("Lemma 9.13", "aggregated", covers=ANY_ACTIVATION, instances=_ints,
               id="fw.agg")
    def agg(act: Activation, n: int) -> None:
        return None

    c = get_claim("fw.agg")
    results = [
        _result("fw.agg", "x^2", "holds", 10, 0, 2, {"bits": "12"},
                {"figure": "bits", "value": "12", "bound": "24"}),
        _result("fw.agg", "x^2", "refuted", 3, 1, 2, {"bits": "30"},
                {"figure": "bits", "value": "30", "bound": "40"}),
        _result("fw.agg", "relu", "holds", 10, 0, 2, {"bits": "7", "depth": "3"}),
        _result("fw.agg", "relu", "proved", 10, 1, 2, {"bits": "5"},
                {"figure": "bits", "value": "5", "bound": "4"}),
    ]
    # the results travel through JSON between pytest-xdist workers and the controller
    results = [Result.from_json(json.loads(json.dumps(r.to_json()))) for r in results]
    row = rows([c], results)[0]
    assert row.activations == ["x^2", "relu"]
    assert row.examples == 33
    assert row.outcome() == "holds 1, refuted 1"  # per activation the worst chunk wins
    assert not row.ok
    f = row.figures()
    assert f.maxima == {"bits": Fraction(30), "depth": Fraction(3)}
    assert f.worst == ("bits", Fraction(5), Fraction(4))  # ratio 1.25 beats 0.75 and 0.5
    assert row.worst_text() == "bits 5/4 (1.25)"
    doc = json_report(results)
    assert [(e["activation"], e["outcome"], e["examples"], e["meets_expectation"])
            for e in doc["claims"]] == [("x^2", "refuted", 13, False), ("relu", "holds", 20, True)]
    assert doc["claims"][0]["figures"] == {"bits": "30"}
    assert doc["claims"][1]["worst"] == {"figure": "bits", "value": "5", "bound": "4"}
    assert doc["claims"][1]["seconds"] == 1.0
    md = "\n".join([*theorem_table_md([c], results, [parse_activation("x^3")]),
                    *refutations_md(results)])
    assert ("`fw.agg` | theorem | `x^2`, `relu` | 33 | holds 1, refuted 1 |" in md)
    assert "Uncovered activations: `x^3`" in md and "## Refutations and errors" in md
    table = text_table([c], results, [parse_activation("x^3")],
                       added=[parse_activation("x^2")])
    assert "uncovered activations (no claim quantifies over them): x^3" in table
    assert "activation x^2: covered by 1 claim: fw.agg (refuted)" in table
    assert coverage(results, "relu") == [("fw.agg", "holds")]
    assert "0/1 claims met their expectation (3/4 items)." in table


def test_figures_merge() -> None:
    a = Figures()
    a.add(Evidence.of(n=3).bound("bits", 10, 20))
    a.add(Evidence.of(n=fmpq(7, 2)).bound("bits", 5, 5).bound("zero", 1, 0))
    assert a.maxima == {"n": Fraction(7, 2), "bits": Fraction(10), "zero": Fraction(1)}
    assert a.worst == ("bits", Fraction(5), Fraction(5))
    b = Figures()
    b.add(Evidence.of(n=1).bound("depth", 9, 6))
    a.merge(b)
    assert a.worst == ("depth", Fraction(9), Fraction(6)) and a.maxima["depth"] == 9


def test_uncovered_activations() -> None:
    claims = [c for c in load_all() if c.covers is not None]
    poly_only = [c for c in claims if c.covers is not None and c.covers.description ==
                 NONLINEAR_POLYNOMIAL.description]
    acts = [parse_activation(t) for t in ("x^2", "relu", "phi_2(x^2)")]
    assert uncovered(claims, acts) == []
    assert [a.name for a in uncovered(poly_only, acts)] == ["relu", "phi_2(x^2)"]
    assert PIECEWISE_LINEAR(parse_activation("relu"))
    assert not PIECEWISE_LINEAR(parse_activation("x^2"))
    assert Covers("degree 3", lambda t: t.degree == 3)(parse_activation("x^3 + 1"))


# ------------------------------------------------------------------ registry helpers


def test_items_are_deterministic_and_unique() -> None:
    acts = spec.activations.activations(["x^4 - x"])
    items = items_for(load_all(), acts)
    assert items == items_for(load_all(), spec.activations.activations(["x^4 - x"]))
    names = [it.name for it in items]
    assert len(set(names)) == len(names)
    assert "engine.dag_matches_reference[x^4 - x]" in names
    assert "engine.backprop_matches_sympy[relu]" not in names  # not a polynomial


def test_activation_list_has_no_duplicates() -> None:
    acts = spec.activations.activations(["x^2", "x*x", "x^4 - x"])
    assert [a.name for a in acts][-2:] == [spec.activations.REGISTERED[-1], "x^4 - x"]
    assert len({a.name for a in acts}) == len(acts)


def test_select_and_paper_order() -> None:
    claims = load_all()
    assert {c.id for c in select(claims, ["engine.slp"])} == {"engine.slp_matches_reference"}
    assert {c.id for c in select(claims, ["definition 2.2"])} == {
        "engine.slp_matches_reference", "engine.swapped_subtraction_refuted"}
    assert len(select(claims, ["engine"])) == len([c for c in claims if c.module ==
                                                   "spec.definitions"])
    assert select(claims, ["no such claim"]) == []
    assert paper_order("Definition (network semantics)") == (0, 0, 0)
    assert paper_order("Lemma 3.1") < paper_order("Lemma A.5") < paper_order("Figure 1")
    assert paper_order("App. C") == (1, 12, 0)


def test_registration_rules(registry: None) -> None:
    with pytest.raises(ValueError, match="must name its assumption"):
        claim("Theorem 1.3", "s", instances=st.just(0), status="conditional",
              id="fw.cond")(lambda n: None)
    with pytest.raises(ValueError, match="unknown status 'lemma'"):
        claim("Theorem 1.3", "s", instances=st.just(0), status="lemma",  # type: ignore[arg-type]
              id="fw.status")(lambda n: None)


def test_claim_failure_lists_every_term() -> None:
    with pytest.raises(ClaimFailure) as info:
        check_eq(fmpq(1, 2), fmpq(1, 3), "halves and thirds", x=fmpq(2), big=10**500)
    text = str(info.value)
    assert text.startswith("halves and thirds\n  lhs = 1/2\n  rhs = 1/3\n  x = 2\n  big = 1000")
    assert "(501 characters)" in text
    assert info.value.terms["x"] == 2
    check_le(fmpq(1, 2), 1, "fine")
    with pytest.raises(ClaimFailure, match="value = 3"):
        check_le(3, fmpq(5, 2), "too big")


# ------------------------------------------------------------------ whyrelu check, pytest plugin


def test_whyrelu_check_covers_a_new_activation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # only the new activation, to keep this quick: the registered ones run in test_claims.py
    monkeypatch.setattr(spec.activations, "REGISTERED", ())
    code = main(["check", "--activation", "x^4 - x", "--claim", "engine", "--jobs", "1",
                 "--quiet", "--profile", "ci", "--report", str(tmp_path), "--no-figures"])
    out = capsys.readouterr().out
    assert code == 0
    assert "14/14 claims met their expectation" in out  # 6 per activation + 8 without
    table_rows = [ln for ln in out.splitlines() if ln.startswith("ok ")]
    assert sum("x^4 - x" in ln for ln in table_rows) == 6  # the six activation claims
    assert ("activation x^4 - x: covered by 6 claims: engine.backprop_matches_sympy (holds), "
            "engine.dag_matches_reference (holds), engine.dropped_bias_refuted (refuted), "
            "engine.layered_matches_dag (holds), engine.wrong_chain_rule_refuted (refuted), "
            "engine.wrong_chain_rule_vs_sympy (refuted)") in out
    doc = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    covered = {e["claim"] for e in doc["claims"] if e["activation"] == "x^4 - x"}
    assert covered == {"engine.dag_matches_reference", "engine.wrong_chain_rule_refuted",
                       "engine.layered_matches_dag", "engine.dropped_bias_refuted",
                       "engine.backprop_matches_sympy", "engine.wrong_chain_rule_vs_sympy"}
    assert doc["uncovered_activations"] == [] and doc["profile"] == "ci"
    assert all(e["meets_expectation"] for e in doc["claims"])
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("# whyrelu report")


def test_whyrelu_check_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--claim", "no-such-claim", "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert err == "whyrelu: error: no claim matches ['no-such-claim']\n"
    assert main(["check", "--activation", "tanh(x)", "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("whyrelu: error: bad activation 'tanh(x)'") and err.count("\n") == 1
    for jobs in ("0", "-1"):
        assert main(["check", "--claim", "engine.slp", "--jobs", jobs]) == 2
        assert capsys.readouterr().err == (f"whyrelu: error: argument --jobs: must be at least "
                                           f"1, got {jobs} (see 'whyrelu check --help')\n")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["CI"] = "1"
    env.pop("HYPOTHESIS_PROFILE", None)
    env.pop("PYTEST_ADDOPTS", None)
    return env


def test_console_script_lists_the_items_of_a_new_activation() -> None:
    exe = Path(sys.executable).with_name("whyrelu")
    proc = subprocess.run([str(exe), "check", "--list", "--activation", "x^4 - x",
                           "--claim", "engine"], capture_output=True, text=True, env=_env(),
                          cwd=ROOT, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    listed = proc.stdout.splitlines()
    assert "engine.dag_matches_reference[x^4 - x]" in listed
    assert "engine.backprop_matches_sympy[x^4 - x]" in listed
    assert "engine.slp_matches_reference" in listed


def test_pytest_option_adds_an_activation_and_the_table_aggregates_workers() -> None:
    node = "tests/test_claims.py::test_claim[{}]"
    ids = ["engine.dag_matches_reference[x^4 - x|x4_minus_x]", "engine.slp_matches_reference",
           "engine.swapped_subtraction_refuted"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", *[node.format(i) for i in ids], "-n", "2", "-q",
         "-p", "no:cacheprovider", "--whyrelu-activation", "x^4 - x"],
        capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "3 passed" in out
    table = out[out.index("whyrelu theorem table"):]
    assert "3/3 claims met their expectation (3/3 items)." in table
    line = next(ln for ln in table.splitlines() if "engine.dag_matches_reference" in ln)
    assert "x^4 - x" in line and f" {20 * profiles.SCALE['ci']} " in line and "holds" in line
    assert "activation x^4 - x: covered by 1 claim: engine.dag_matches_reference (holds)" \
        in table


def test_pytest_option_rejects_a_bad_activation() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_claims.py", "--collect-only", "-q",
         "-p", "no:cacheprovider", "--whyrelu-activation", "sqrt(x)"],
        capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=120, check=False)
    assert proc.returncode == 4  # a usage error, before collection
    assert "--activation: bad activation 'sqrt(x)'" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_result_round_trip() -> None:
    r = _result("fw.x", None, "refuted", 4, expect="counterexample")
    assert Result.from_json(r.to_json()) == r
    assert r.to_json()["meets_expectation"] is True


def test_evidence_numbers_of_every_exact_type() -> None:
    ev = Evidence.of(a=1, b=fmpq(1, 3), c=Fraction(5, 2))
    f = Figures()
    f.add(ev)
    assert f.maxima == {"a": 1, "b": Fraction(1, 3), "c": Fraction(5, 2)}
