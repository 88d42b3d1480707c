"""The documentation site builds with ``mkdocs build --strict`` (warnings are errors)."""

import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

def _nav_pages(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node] if node.endswith(".md") else []
    if isinstance(node, list):
        return [p for item in node for p in _nav_pages(item)]
    if isinstance(node, dict):
        return [p for v in node.values() for p in _nav_pages(v)]
    return []


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None, reason="mkdocs not installed")
def test_docs_build_strict(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "site" / "index.html").exists()


@pytest.mark.skipif(importlib.util.find_spec("yaml") is None, reason="PyYAML not installed")
def test_nav_targets_exist() -> None:
    yaml = importlib.import_module("yaml")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = _nav_pages(config["nav"])
    assert "theorems.md" in pages and "index.md" in pages
    # api/*.md are generated at build time by scripts/mkdocs_hooks.py
    missing = {p for p in pages if not (ROOT / "docs" / p).exists() and not p.startswith("api/")}
    assert not missing, f"navigation names missing pages: {missing}"


def test_figures_are_committed() -> None:
    for name in ("figure1.png", "pac_failure.png", "bits-vs-depth.png"):
        assert (ROOT / "docs" / "figures" / name).read_bytes()[:4] == b"\x89PNG"
