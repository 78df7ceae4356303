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
    if path is None:
        return list(DataPackage.open().tables)
    with open(path) as copy:
        return copy.tables()


def load(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """One table as a typed DataFrame; ``path`` names another copy: a folder, a release zip, a version, a ref."""
    from cacdata.read.frames import read_table

    if path is None:
        return read_table(DataPackage.open().table(name))
    with open(path) as copy:
        return copy.load(name)


def load_all(path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table, by name."""
    with open(path) as copy:
        return copy.load_all()


def open(location: str | Path | None = None) -> PinnedPackage:  # shadows the builtin only inside this module
    """A copy of the package (folder, release zip, version such as ``0.2.0``, git ref), with ``load``,
    ``tables`` and ``validate``; a zip's checksums are verified before anything is read."""
    from cacdata.read.pinned import PinnedPackage

    return PinnedPackage(location)
