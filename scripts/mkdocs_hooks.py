"""MkDocs hooks for the whyrelu documentation site (``hooks:`` in mkdocs.yml).

The site renders mathematics with MathJax and must work offline, also from ``file://``.
MathJax is not vendored in the repository: it is taken at build time from the PyPI package
``django-static-mathjax`` (a pure data package, MathJax 3.2.2, no Django needed at run
time), declared in the ``docs`` and ``dev`` extras.  This hook adds its single-file bundle
``tex-svg-full.js`` (TeX input, SVG output, fonts inside the script: nothing else to load)
and MathJax's licence to the built site under ``assets/mathjax/``.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

MATHJAX_FILES = {
    "assets/mathjax/tex-svg-full.js": "static/mathjax/es5/tex-svg-full.js",
    "assets/mathjax/LICENSE": "static/mathjax/LICENSE",
}


def on_files(files: Files, config: Any, **_: Any) -> Files:
    """Add MathJax's bundle (from the installed package) to the site's files."""
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
