"""cacdata: China's Cyberspace Administration and voice-changing and deep-fake technology, March 2021.

    >>> import cacdata
    >>> events = cacdata.load("events")

Tables come back as pandas DataFrames typed by the schemas in ``schemas/``. pandas is imported on first
load, frictionless and pandera only to validate.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cacdata.describe.package import DataPackage, PackageError, Table

if TYPE_CHECKING:
    import pandas as pd

    from cacdata.read.pinned import PinnedPackage

__all__ = ["DataPackage", "PackageError", "Table", "__version__", "load", "load_all", "open", "tables"]

__version__ = DataPackage.open().version


def tables(path: str | Path | None = None) -> list[str]:
    """Names of the tables, in the order of ``datapackage.json``."""
    return list(DataPackage.open(path).tables)


def load(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """One table as a typed DataFrame; ``path`` points at another copy of the package (e.g. a pinned release)."""
    from cacdata.read.frames import read_table

    return read_table(DataPackage.open(path).table(name))


def load_all(path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table, by name."""
    from cacdata.read.frames import read_table

    package = DataPackage.open(path)
    return {name: read_table(table) for name, table in package.tables.items()}


def open(location: str | Path | None = None) -> PinnedPackage:  # shadows the builtin only inside this module
    """A package directory or release zip (hashes checked first), with ``load``, ``tables`` and ``validate``."""
    from cacdata.read.pinned import PinnedPackage

    return PinnedPackage(location)
