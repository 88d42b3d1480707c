"""Writing figures: the format is the one the file's suffix names (PNG, PDF or SVG), with no
timestamp in the metadata so that the same data give the same bytes.  Plotting is floating
point by nature; the numbers plotted are computed elsewhere (exactly where the figure says
so)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checkers.errors import WhyReluError

FORMATS = ("png", "pdf", "svg")
"""Figure formats written (by file suffix)."""

_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
    "svg": {"Creator": None, "Date": None},
}


class FigureFormatError(WhyReluError, ValueError):
    """A figure file name whose suffix is not one of :data:`FORMATS`."""


def figure_format(path: str | Path) -> str:
    """``png``, ``pdf`` or ``svg`` from the suffix of ``path``; anything else is refused."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        shown = f"'.{suffix}'" if suffix else "no suffix"
        raise FigureFormatError(f"cannot write a figure to {str(path)!r} ({shown}); name a "
                                f"file ending in {', '.join('.' + f for f in FORMATS)}")
    return suffix


def save_figure(fig: Any, path: str | Path, *, dpi: int = 120) -> Path:
    """Save a matplotlib figure in the format its suffix names (parents created)."""
    p = Path(path)
    fmt = figure_format(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(p, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
    return p
