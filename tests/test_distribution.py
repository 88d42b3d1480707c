"""The distribution: the wheel holds every package, ``whyrelu --version`` and
``python -m whyrelu`` work, and the layering keeps the facade on top (issue: ``pip install .``
once left out ``spec/commands/`` and every command died with ModuleNotFoundError)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import whyrelu
from spec.cli import main

ROOT = Path(__file__).resolve().parent.parent
TOP = ("checkers", "strategies", "spec", "whyrelu")


def _packages() -> set[str]:
    """Every package directory (one with an ``__init__.py``) of the source tree."""
    return {str(p.parent.relative_to(ROOT)) for top in TOP for p in (ROOT / top).rglob(
        "__init__.py") if "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the source tree (the tree itself stays clean)."""
    src = tmp_path_factory.mktemp("src")
    for name in (*TOP, "pyproject.toml", "README.md", "LICENSE"):
        p = ROOT / name
        if p.is_dir():
            shutil.copytree(p, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif p.exists():
            shutil.copy2(p, src / name)
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                           "-w", str(out), str(src)], capture_output=True, text=True,
                          timeout=300)
    if proc.returncode != 0:
        pytest.fail(f"pip wheel failed:\n{proc.stderr[-3000:]}")
    (whl,) = out.glob("whyrelu-*.whl")
    return whl


def test_wheel_holds_every_package_and_marker(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    in_wheel = {n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")}
    missing = sorted(_packages() - in_wheel)
    assert not missing, f"packages left out of the wheel: {missing}"
    for top in TOP:
        assert f"{top}/py.typed" in names, f"{top}/py.typed missing (PEP 561)"
    for fmt in ("slp", "network", "dataset", "report"):
        assert f"whyrelu/schemas/{fmt}.schema.json" in names
    assert any(n.endswith(".dist-info/entry_points.txt") for n in names)
    entry = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "whyrelu = spec.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
    # every command module of spec/cli is shipped (they are discovered, not listed)
    cli = {p.name for p in (ROOT / "spec" / "cli").glob("*.py")}
    assert cli <= {n.rsplit("/", 1)[1] for n in names if n.startswith("spec/cli/")}


def test_wheel_leaves_out_tests_and_caches(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/"))
                or "__pycache__" in n or n.endswith(".pyc")]


def test_version_is_the_installed_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        expected = metadata.version("whyrelu")
    except metadata.PackageNotFoundError:
        expected = "0+unknown"
    assert whyrelu.__version__ == expected
    assert re.fullmatch(r"\d+(\.\d+)*.*|0\+unknown", whyrelu.__version__)
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"whyrelu {whyrelu.__version__}\n"


def test_python_m_whyrelu() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "whyrelu", "--version"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"whyrelu {whyrelu.__version__}\n"


def test_all_is_the_public_api() -> None:
    assert sorted(set(whyrelu.__all__)) == sorted(whyrelu.__all__)
    for name in whyrelu.__all__:
        assert hasattr(whyrelu, name), name
    public = {n for n in vars(whyrelu) if not n.startswith("_")
              and callable(getattr(whyrelu, n)) and getattr(getattr(whyrelu, n),
                                                           "__module__", "") == "whyrelu"}
    assert public <= set(whyrelu.__all__), public - set(whyrelu.__all__)


def test_nothing_below_the_facade_imports_it() -> None:
    """One-way layering: checkers, strategies and spec never import whyrelu."""
    bad = [str(p.relative_to(ROOT)) for top in ("checkers", "strategies", "spec")
           for p in (ROOT / top).rglob("*.py")
           if re.search(r"^\s*(from|import)\s+whyrelu\b", p.read_text(encoding="utf-8"),
                        re.M)]
    assert not bad
