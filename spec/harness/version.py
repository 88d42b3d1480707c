"""The installed version of whyrelu and the version of the ``report.json`` format."""

from __future__ import annotations

from importlib import metadata

SCHEMA_VERSION = 1
"""Version of the ``report.json`` layout (``schemas/report.schema.json``); raised when a
field is removed or changes meaning."""


def version() -> str:
    """The distribution's version (``importlib.metadata``), or ``0+unknown`` when whyrelu
    runs from a source tree that was never installed."""
    try:
        return metadata.version("whyrelu")
    except metadata.PackageNotFoundError:
        return "0+unknown"
