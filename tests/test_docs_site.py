"""The built documentation site: mathematics rendered, no stray headings, offline assets.

Builds the site once (``mkdocs build --strict`` into a temporary directory) and inspects the
HTML: the paper's formulas must reach MathJax as arithmatex spans, ``#P-hard`` or
``#SubsetSum`` at the start of a source line must not become a heading, no raw ``$$`` may be
left in the text, MathJax must be shipped inside the site (offline, ``file://``) and links
must name ``.html`` files (``use_directory_urls: false``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DOC_TOOLS = ("mkdocs", "material", "pymdownx", "mkdocstrings", "mkdocs_jupyter", "mathjax")
pytestmark = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in DOC_TOOLS),
    reason="the documentation tools are not installed: pip install -e '.[docs]'")

#: Pages whose formulas must be rendered, with a lower bound on their math spans.
FORMULA_PAGES = {
    "paper.html": 10, "gadget.html": 20, "theorem11.html": 10, "gradient.html": 5,
    "piecewise-bounds.html": 5, "pac.html": 5, "errata.html": 10,
}


class _Page(HTMLParser):
    """Headings, math spans, script sources, links and the text outside code of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.math = 0
        self.scripts: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self._heading: list[str] | None = None
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = []
        if tag in {"code", "pre", "script", "style"}:
            self._code += 1
        if "arithmatex" in (a.get("class") or "").split():
            self.math += 1
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"} and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None
        if tag in {"code", "pre", "script", "style"}:
            self._code = max(0, self._code - 1)

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        if not self._code:
            self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def test_no_heading_made_from_a_hash_word(site: Path) -> None:
    bad = [(p.relative_to(site).as_posix(), h) for p in _pages(site)
           for h in _parse(p).headings if re.match(r"(P-hard|SubsetSum)(?!\w)", h)]
    assert not bad, f"'#P-hard'/'#SubsetSum' at a line start became a heading: {bad}"


def test_catalogue_has_no_accidental_quotation(site: Path) -> None:
    html = (site / "theorems.html").read_text(encoding="utf-8")
    assert "<blockquote>" not in html, "a claim text line starting with '>' became a quotation"


@pytest.mark.parametrize("name", sorted(FORMULA_PAGES))
def test_formula_pages_render_math(site: Path, name: str) -> None:
    page = _parse(site / name)
    assert page.math >= FORMULA_PAGES[name], (
        f"{name}: {page.math} arithmatex spans, expected >= {FORMULA_PAGES[name]}")
    text = "".join(page.text)
    assert "$$" not in text, f"{name}: a raw $$ block was not turned into mathematics"
    stray = re.findall(r"\$[^$\s][^$]{0,40}\$", text)
    assert not stray, f"{name}: raw inline $...$ left in the text: {stray[:3]}"


def test_mathjax_is_shipped_and_loaded(site: Path) -> None:
    bundle = site / "assets" / "mathjax" / "tex-svg-full.js"
    assert bundle.stat().st_size > 1_000_000, "the MathJax bundle is missing from the site"
    scripts = _parse(site / "gadget.html").scripts
    assert any(s.endswith("assets/mathjax/tex-svg-full.js") for s in scripts), scripts
    assert not [s for s in scripts if s.startswith(("http:", "https:", "//"))], (
        f"a script is loaded from the network: {scripts}")


def test_api_reference_is_generated(site: Path) -> None:
    for name in ("checkers", "strategies", "spec", "harness", "whyrelu"):
        html = (site / "api" / f"{name}.html").read_text(encoding="utf-8")
        assert ":func:<code>" not in html and ":class:<code>" not in html, (
            f"api/{name}.html shows raw Sphinx roles")
    spec = (site / "api" / "spec.html").read_text(encoding="utf-8")
    assert 'id="spec.gadget.gadget_lambdas"' in spec, "the docstrings were not rendered"


def test_notebook_is_rendered(site: Path) -> None:
    html = (site / "notebooks" / "activation-to-verdict.html").read_text(encoding="utf-8")
    assert "jp-MarkdownOutput" in html and "<img" in html, "the notebook page lacks its plot"
    assert "activation-to-verdict.ipynb" in (site / "index.html").read_text(encoding="utf-8") \
        or "activation-to-verdict.html" in (site / "index.html").read_text(encoding="utf-8")


def test_links_work_from_file_urls(site: Path) -> None:
    page = _parse(site / "index.html")
    internal = [h for h in page.links
                if not h.startswith(("http:", "https:", "mailto:", "#"))]
    assert internal, "the home page links nowhere"
    dirlike = [h for h in internal if h.split("#")[0].endswith("/")]
    assert not dirlike, f"directory URLs do not open from file://: {dirlike}"


def test_docs_cite_the_paper_not_a_private_file() -> None:
    """PAPER.md is not part of the repository: the documentation, the report and the
    command line cite the paper itself (arXiv 2602.19017, section and item)."""
    paths = [*(ROOT / "docs").rglob("*.md"), *(ROOT / "docs").rglob("*.ipynb"),
             *(ROOT / "spec" / "harness").glob("*.py"), *(ROOT / "spec" / "cli").glob("*.py"),
             ROOT / "README.md"]
    # docs/theorems.md is generated from the claims' docstrings, checked where they live
    bad = [p.relative_to(ROOT).as_posix() for p in paths
           if p.name != "theorems.md" and "PAPER.md" in p.read_text(encoding="utf-8")]
    assert not bad, f"cite arXiv 2602.19017 instead of PAPER.md in: {bad}"
