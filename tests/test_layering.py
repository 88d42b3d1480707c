"""The one-way layering of docs/design.md, read from the source with ``ast``.

checkers ← strategies ← spec (paper ← harness ← cli) ← tests:

* ``checkers`` imports neither ``strategies``, ``spec`` nor ``hypothesis``;
* ``strategies`` does not import ``spec``;
* a paper module (``spec`` outside ``spec.harness`` and ``spec.cli``, including
  ``spec.lemma32`` and ``spec.beyond``) imports neither ``spec.harness`` nor ``spec.cli``;
* ``spec.harness`` imports no paper module by name: it finds claims through the registry
  (:func:`spec.claims.load_all`) and uses only the claim language and the activation
  registry (:data:`HARNESS_MAY_IMPORT`);
* the library (``checkers``, ``strategies``, ``spec``) imports neither ``tests`` nor
  ``benchmarks``;
* no import cycle among the project's modules.

Every import counts, also one inside a function or under ``if TYPE_CHECKING``: an import
moved into a function hides a cycle from the interpreter but leaves the two modules
depending on each other.  (A module that imports itself, as :func:`spec.cli.build` does to
find its subcommands, is no cycle.)
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("checkers", "strategies", "spec", "tests", "benchmarks")

HARNESS_MAY_IMPORT = ("spec", "spec.claims", "spec.activations", "spec.planted")
"""The part of ``spec`` outside the harness that ``spec.harness`` may name: the package
itself, the claim language and the activation registry."""


@dataclass(frozen=True)
class Import:
    """One import statement's target, resolved to a project module where possible."""

    source: str
    target: str
    line: int
    top_level: bool


def module_name(path: Path, root: Path = ROOT) -> str:
    """``spec/lemma32/network.py`` → ``spec.lemma32.network``; ``__init__.py`` → the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files(root: Path = ROOT) -> dict[str, Path]:
    """Every Python module of the project, by dotted name."""
    out: dict[str, Path] = {}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            out[module_name(path, root)] = path
    return out


def _walk(node: ast.AST, top: bool) -> Iterator[tuple[ast.AST, bool]]:
    for child in ast.iter_child_nodes(node):
        inner = top and not isinstance(
            child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef)
        if isinstance(child, ast.ClassDef):
            inner = top  # a class body runs at import time
        yield child, inner
        yield from _walk(child, inner)


def imports_of(name: str, source: str, modules: Iterable[str]) -> list[Import]:
    """The imports of module ``name`` (its text ``source``); ``from X import Y`` resolves to
    ``X.Y`` when that is a project module, else to ``X``."""
    known = set(modules)
    tree = ast.parse(source)
    is_pkg = name in known and any(m.startswith(name + ".") for m in known)
    package = name if is_pkg else name.rpartition(".")[0]
    out: list[Import] = []
    for node, top in _walk(tree, True):
        if isinstance(node, ast.Import):
            out.extend(Import(name, a.name, node.lineno, top) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for a in node.names:
                sub = f"{base}.{a.name}"
                out.append(Import(name, sub if sub in known else base, node.lineno, top))
    return out


def project_imports(root: Path = ROOT) -> list[Import]:
    files = project_files(root)
    out: list[Import] = []
    for name, path in files.items():
        out.extend(imports_of(name, path.read_text(encoding="utf-8"), files))
    return out


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def is_paper_module(module: str) -> bool:
    """``spec`` outside the harness and the command line."""
    return (_under(module, "spec") and module != "spec"
            and not _under(module, "spec.harness") and not _under(module, "spec.cli"))


def violations(imports: Iterable[Import]) -> list[str]:
    """Every import that breaks the layer rules, as ``source:line imports target (rule)``."""
    out: list[str] = []
    for imp in imports:
        s, t = imp.source, imp.target
        rule = None
        if any(_under(s, p) for p in ("checkers", "strategies", "spec")) and any(
                _under(t, p) for p in ("tests", "benchmarks")):
            rule = "the library imports neither tests nor benchmarks"
        elif _under(s, "checkers") and any(_under(t, p)
                                         for p in ("spec", "strategies", "hypothesis")):
            rule = "checkers imports no spec, strategies or hypothesis"
        elif _under(s, "strategies") and _under(t, "spec"):
            rule = "strategies imports no spec"
        elif is_paper_module(s) and (_under(t, "spec.harness") or _under(t, "spec.cli")):
            rule = "a paper module imports neither spec.harness nor spec.cli"
        elif (_under(s, "spec.harness") and _under(t, "spec") and t not in HARNESS_MAY_IMPORT
              and not _under(t, "spec.harness")):
            rule = ("spec.harness names no paper module (claims come from the registry, "
                    "spec.claims.load_all)")
        if rule:
            out.append(f"{s}:{imp.line} imports {t} ({rule})")
    return out


def cycles(imports: Iterable[Import], *, top_level_only: bool = False) -> list[list[str]]:
    """Strongly connected components of more than one module in the import graph (Tarjan);
    with ``top_level_only`` the graph keeps module-level imports only."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        if imp.source == imp.target or (top_level_only and not imp.top_level):
            continue
        graph.setdefault(imp.source, set()).add(imp.target)
        graph.setdefault(imp.target, set())
    return [c for c in _sccs(graph) if len(c) > 1]


def _sccs(graph: Mapping[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    u = work[-1][0]
                    low[u] = min(low[u], low[v])
                if low[v] == index[v]:
                    comp: list[str] = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    out.append(sorted(comp))
    return out


# --------------------------------------------------------------------------- the project


def test_the_project_keeps_its_layers() -> None:
    assert violations(project_imports()) == []


def test_the_project_has_no_import_cycle() -> None:
    assert cycles(project_imports()) == []


def test_the_scan_sees_the_project() -> None:
    files = project_files()
    assert {"checkers.network", "spec.claims", "spec.harness.runner", "spec.cli",
            "spec.lemma32.network", "strategies"} <= set(files)
    targets = {i.target for i in project_imports() if i.source == "spec.lemma32.forcing"}
    assert {"spec.claims", "spec.lemma32.network", "checkers.activations"} <= targets


# --------------------------------------------------------------------------- planted imports


PLANTED = {
    "checkers.bad": "from spec.claims import claim\n",
    "checkers.bad2": "import hypothesis.strategies as st\n",
    "strategies.bad": "def f():\n    from spec import gadget\n",
    "spec.lemma32.bad": "from spec.harness.runner import run_claim\n",
    "spec.beyond.bad": "from ..cli import main\n",
    "spec.harness.bad": "from spec.gadget import gadget_lambdas\n",
    "spec.bad": "from benchmarks.figure_slp_network import draw\n",
}


@pytest.mark.parametrize("module", sorted(PLANTED))
def test_a_planted_import_breaks_the_layers(module: str) -> None:
    known = [*project_files(), module]
    imps = imports_of(module, PLANTED[module], known)
    assert len(violations(imps)) == 1, imps


def test_allowed_imports_pass() -> None:
    known = list(project_files())
    ok = {"spec.harness.ok": "from spec.claims import load_all\nimport spec.activations\n",
          "spec.gadget": "from checkers.poly import coefficients\nfrom spec import claims\n",
          "spec.cli.ok": "from spec.gadget import gadget_lambdas\n"}
    for name, text in ok.items():
        assert violations(imports_of(name, text, known)) == []


def test_a_planted_cycle_is_found() -> None:
    known = [*project_files(), "spec.a", "spec.b"]
    imps = [*imports_of("spec.a", "from spec.b import x\n", known),
            *imports_of("spec.b", "import spec.a\n", known),
            *imports_of("spec.gadget", "def f():\n    import spec.a\n", known)]
    assert cycles(imps) == [["spec.a", "spec.b"]]
    # an import inside a function still closes the cycle (spec.cli.check and
    # spec.cli.report did this before the run machinery moved to spec.harness.session)
    lazy = [*imports_of("spec.a", "from spec.b import x\n", known),
            *imports_of("spec.b", "def f():\n    import spec.a\n", known)]
    assert cycles(lazy) == [["spec.a", "spec.b"]]
    assert cycles(lazy, top_level_only=True) == []
    assert cycles(imports_of("spec.a", "import spec.a\n", known)) == []
