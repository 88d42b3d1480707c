"""pytest plugin: one test item per (claim, activation[, chunk]) and the theorem table.

Enabled through ``addopts = "-p spec.harness.pytest_plugin"`` in ``pyproject.toml``.  Options:

* ``--activation EXPR`` (alias ``--whyrelu-activation``, repeatable): run the claims on one
  more activation, as ``whyrelu check --activation`` does;
* ``--whyrelu-claim PATTERN`` (repeatable): only claims whose id or reference matches.

Item ids are ``CLAIM[EXPRESSION|SLUG]`` (``gadget.identity[x^2 + x|x2_plus_x]``), so
``-k x2_plus_x`` selects an activation.  Items carry markers (registered, so that
``--strict-markers`` holds): the claim's status (``theorem``, ``erratum``, ``definition``,
``cited``, ``conditional``), ``control`` for a negative control, and the side of the
dichotomy (``hardness``, ``tractable``) where the result has one: ``pytest -m erratum``,
``pytest -m "not control"``, ``pytest -m "tractable and not control"``.
``--hypothesis-show-statistics`` adds per-item statistics to the theorem table.

Each item records its :class:`~spec.harness.runner.Result` in the report's ``user_properties``,
which pytest-xdist ships to the controller; the controller prints the table at the end.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from checkers.errors import WhyReluError
from spec.activations import activations
from spec.claims import (
    BIT_BOUNDED,
    NONLINEAR_POLYNOMIAL,
    PIECEWISE_LINEAR,
    Claim,
    get_claim,
    load_all,
    select,
)
from spec.harness import profiles
from spec.harness.report import statistics_lines, text_table
from spec.harness.runner import Result, item_id, items_for, uncovered

_PROPERTY = "whyrelu_result"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("whyrelu")
    group.addoption("--activation", "--whyrelu-activation", action="append", default=[],
                    metavar="EXPR", dest="whyrelu_activation",
                    help="run every matching claim on this activation too (repeatable)")
    group.addoption("--whyrelu-claim", action="append", default=[], metavar="PATTERN",
                    help="only claims whose id or paper reference matches (repeatable)")


def _activations(config: pytest.Config) -> list[Any]:
    try:
        return activations(config.getoption("whyrelu_activation"))
    except WhyReluError as e:
        raise pytest.UsageError(f"--activation: {e}") from None


def _claims(config: pytest.Config) -> list[Any]:
    claims = list(load_all())
    pats = config.getoption("whyrelu_claim")
    return select(claims, pats) if pats else claims


MARKERS = {
    "theorem": "claim items whose status is theorem (proved in the paper)",
    "erratum": "claim items whose status is erratum (a counterexample to the paper is expected)",
    "definition": "claim items checking a definition of the paper",
    "cited": "claim items checking a cited result",
    "conditional": "claim items conditional on a named assumption",
    "beyond": "claim items beyond the paper (spec/beyond: gadgets for other activations)",
    "control": "negative controls (a perturbed construction that must be refuted)",
    "hardness": "claim items on the hardness side of the dichotomy (polynomial σ, #P)",
    "tractable": "claim items on the tractable side (piecewise-linear σ, phi_K, Theorem E.1)",
}

_HARDNESS = re.compile(r"(Lemma 3\.|Claim B\.|Remark B\.|Theorem 1\.[123]\b|Theorem 2\.4|"
                       r"Definition 2\.2|Definition 4\.|App\. [ABC]\b|Lemma A\.|Theorem F\.|"
                       r"Lemma F\.|App\. F\b)")
_TRACTABLE = re.compile(r"(Theorem 1\.4|Theorem E\.|Lemma E\.|App\. E\b|Remark 1\.5)")


def side(claim: Claim) -> str | None:
    """``hardness`` or ``tractable``: the side of the dichotomy a claim's result is on, by
    its paper reference, else by the activations it covers; ``None`` for neither (§2
    semantics, PAC learning, Figure 1)."""
    if _HARDNESS.match(claim.ref):
        return "hardness"
    if _TRACTABLE.match(claim.ref):
        return "tractable"
    cov = claim.covers
    if cov is NONLINEAR_POLYNOMIAL:
        return "hardness"
    if cov is PIECEWISE_LINEAR or cov is BIT_BOUNDED:
        return "tractable"
    return None


def marks(claim: Claim) -> list[pytest.MarkDecorator]:
    """The markers of a claim's items."""
    names: list[str] = [claim.status]
    if claim.control_of is not None:
        names.append("control")
    s = side(claim)
    if s is not None:
        names.append(s)
    return [getattr(pytest.mark, n) for n in names]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "whyrelu_item" in metafunc.fixturenames:
        items = items_for(_claims(metafunc.config), _activations(metafunc.config))
        metafunc.parametrize("whyrelu_item", [
            pytest.param(i, id=item_id(i), marks=marks(get_claim(i.claim_id))) for i in items])


@pytest.fixture
def whyrelu_profile(request: pytest.FixtureRequest) -> str:
    """The Hypothesis profile claims run under (``--hypothesis-profile`` or the default)."""
    name = request.config.getoption("hypothesis_profile", None)
    return str(name) if name else profiles.default_profile()


def record(request: pytest.FixtureRequest, result: Result) -> None:
    """Attach a result to the running test item for the theorem table."""
    request.node.user_properties.append((_PROPERTY, json.dumps(result.to_json())))


class _Collector:
    def __init__(self) -> None:
        self.results: list[Result] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call":
            return
        for key, value in report.user_properties:
            if key == _PROPERTY:
                self.results.append(Result.from_json(json.loads(str(value))))

    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: int,
                                config: pytest.Config) -> None:
        if not self.results:
            return
        claims = _claims(config)
        acts = _activations(config)
        order = {it.name: i for i, it in enumerate(items_for(claims, acts))}
        results = sorted(self.results, key=lambda r: (order.get(r.item, 1 << 30), r.item))
        terminalreporter.section("whyrelu theorem table")
        registered = activations()
        added = [a for a in acts if a not in registered]
        table = text_table(claims, results, uncovered(list(load_all()), acts), added=added)
        for line in table.splitlines():
            terminalreporter.write_line(line)
        if config.getoption("hypothesis_show_statistics", False):
            terminalreporter.section("whyrelu claim statistics")
            for line in statistics_lines(results):
                terminalreporter.write_line(line)


def pytest_configure(config: pytest.Config) -> None:
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    _activations(config)  # a bad --whyrelu-activation is a usage error before collection
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist)
        config.pluginmanager.register(_Collector(), "whyrelu-collector")
