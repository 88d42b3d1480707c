"""MkDocs hooks for the whyrelu documentation site (``hooks:`` in mkdocs.yml).

**API reference.** The pages ``api/*.md`` are generated at build time: one
``::: module`` block (mkdocstrings-python) per module found on disk in each package, so a
module added, moved or split appears without editing any page.  ``api/whyrelu.md`` documents
the ``whyrelu`` facade package when it exists in the tree, and says so when it does not.

**Mathematics.**
The site renders mathematics with MathJax and must work offline, also from ``file://``.
MathJax is not vendored in the repository: it is taken at build time from the PyPI package
``django-static-mathjax`` (a pure data package, MathJax 3.2.2, no Django needed at run
time), declared in the ``docs`` and ``dev`` extras.  This hook adds its single-file bundle
``tex-svg-full.js`` (TeX input, SVG output, fonts inside the script: nothing else to load)
and MathJax's licence to the built site under ``assets/mathjax/``.
"""

from __future__ import annotations

import pkgutil
import re
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

MATHJAX_FILES = {
    "assets/mathjax/tex-svg-full.js": "static/mathjax/es5/tex-svg-full.js",
    "assets/mathjax/LICENSE": "static/mathjax/LICENSE",
}


ROOT = Path(__file__).resolve().parent.parent

#: API pages: file name -> (title, introduction, packages, modules left out).
API_PAGES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "api/whyrelu.md": (
        "whyrelu: the public Python API",
        "`import whyrelu` gives the typed public API that the command line is built on.",
        ("whyrelu",), ()),
    "api/checkers.md": (
        "checkers: the exact engine",
        "Exact rationals, activations, straight-line programs, networks, losses and "
        "measurements (python-flint). It imports nothing from `spec` or `strategies`.",
        ("checkers",), ()),
    "api/strategies.md": (
        "strategies: Hypothesis strategies",
        "Random rationals, activations, straight-line programs and networks for the claims.",
        ("strategies",), ()),
    "api/spec.md": (
        "spec: the paper's results and the claim language",
        "One module per part of the paper (constructions and their claims), the claim "
        "language `spec.claims` and the activation registry.",
        ("spec",), ("spec.harness", "spec.cli")),
    "api/harness.md": (
        "spec.harness: running claims and writing reports",
        "The runner, Hypothesis profiles, the report, the catalogue and the pytest plugin.",
        ("spec.harness",), ()),
}


def _modules(package: str, skip: tuple[str, ...]) -> list[str]:
    """Every module of ``package`` found on disk (no import), depth first, sorted."""
    path = ROOT.joinpath(*package.split("."))
    if not (path / "__init__.py").is_file():
        return []
    init = (path / "__init__.py").read_text(encoding="utf-8")
    found = [package] if init.strip() else []  # an empty __init__ has nothing to show
    for info in sorted(pkgutil.iter_modules([str(path)]), key=lambda m: m.name):
        name = f"{package}.{info.name}"
        if info.name.startswith("_") or name in skip:
            continue
        found += _modules(name, skip) if info.ispkg else [name]
    return found


def api_page(title: str, intro: str, packages: tuple[str, ...], skip: tuple[str, ...]) -> str:
    """The Markdown of one API page: a mkdocstrings block per module."""
    modules = [m for p in packages for m in _modules(p, skip)]
    lines = [f"# {title}", "", intro, ""]
    if not modules:
        lines += ["!!! note", "    The package is not part of this source tree yet.", ""]
    for m in modules:
        lines += [f"::: {m}", ""]
    return "\n".join(lines)


_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|exc|obj|const):(<code>)~?")


def on_page_content(html: str, page: Any, **_: Any) -> str:
    """API pages: the docstrings' Sphinx roles (``:func:`x```) are shown as plain code, and
    a reST literal-block marker ``::`` ending a paragraph as one colon."""
    if not page.file.src_uri.startswith("api/"):
        return html
    return _ROLE.sub(r"\1", html).replace("::</p>", ":</p>")


def on_files(files: Files, config: Any, **_: Any) -> Files:
    """Add the generated API pages and MathJax's bundle to the site's files."""
    for dest, (title, intro, packages, skip) in API_PAGES.items():
        files.append(File.generated(config, dest, content=api_page(title, intro, packages, skip)))
    try:
        root = resources.files("mathjax")
    except ModuleNotFoundError as exc:
        raise PluginError(
            "MathJax is missing: install the documentation extra, "
            "`pip install -e '.[docs]'` (package django-static-mathjax)") from exc
    for dest, rel in MATHJAX_FILES.items():
        src = root.joinpath(rel)
        if not src.is_file():
            raise PluginError(f"the installed MathJax package has no {rel}")
        files.append(File.generated(config, dest, abs_src_path=str(src)))
    return files
