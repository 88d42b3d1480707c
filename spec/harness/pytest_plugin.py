"""pytest plugin: one test item per (claim, activation[, chunk]) and the theorem table.

Enabled through ``addopts = "-p spec.harness.pytest_plugin"`` in ``pyproject.toml``.  Options:

* ``--whyrelu-activation EXPR`` (repeatable): run the claims on one more activation;
* ``--whyrelu-claim PATTERN`` (repeatable): only claims whose id or reference matches.

Each item records its :class:`~spec.harness.runner.Result` in the report's ``user_properties``,
which pytest-xdist ships to the controller; the controller prints the table at the end.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from checkers.errors import WhyReluError
from spec.activations import activations
from spec.claims import load_all, select
from spec.harness import profiles
from spec.harness.report import text_table
from spec.harness.runner import Result, items_for, uncovered

_PROPERTY = "whyrelu_result"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("whyrelu")
    group.addoption("--whyrelu-activation", action="append", default=[], metavar="EXPR",
                    help="run every matching claim on this activation too (repeatable)")
    group.addoption("--whyrelu-claim", action="append", default=[], metavar="PATTERN",
                    help="only claims whose id or paper reference matches (repeatable)")


def _activations(config: pytest.Config) -> list[Any]:
    try:
        return activations(config.getoption("whyrelu_activation"))
    except WhyReluError as e:
        raise pytest.UsageError(f"--whyrelu-activation: {e}") from None


def _claims(config: pytest.Config) -> list[Any]:
    claims = list(load_all())
    pats = config.getoption("whyrelu_claim")
    return select(claims, pats) if pats else claims


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "whyrelu_item" in metafunc.fixturenames:
        items = items_for(_claims(metafunc.config), _activations(metafunc.config))
        metafunc.parametrize("whyrelu_item", items, ids=[i.name for i in items])


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


def pytest_configure(config: pytest.Config) -> None:
    _activations(config)  # a bad --whyrelu-activation is a usage error before collection
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist)
        config.pluginmanager.register(_Collector(), "whyrelu-collector")
