"""A pinned copy of the package, from a directory, a release zip, a release version or a git ref, with the
same API as the bundled one.

A paper that used cacdata 0.2.0 can load exactly those rows years later: ``cacdata.open("cacdata-0.2.0-data.zip")``,
or, in a clone of the repository, ``cacdata.open("0.2.0")``. Where the copy comes from is resolved once, in
``describe.copies``.
"""

from __future__ import annotations

import zipfile
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from cacdata.describe.package import DESCRIPTOR, DataPackage, PackageError
from cacdata.describe.stamp import file_stamp

if TYPE_CHECKING:
    import pandas as pd

    from cacdata.validation import Report


class PinnedPackage:
    """One copy of the package; a zip, version or ref is unpacked into a temporary folder that lives as long
    as this object."""

    def __init__(self, location: str | Path | None = None) -> None:
        from cacdata.describe.copies import resolve_side

        self._unpacked = ExitStack()
        if location is None:
            self.package = DataPackage.open()
            return
        try:
            root = self._unpacked.enter_context(resolve_side(location))
            self.package = DataPackage.open(root)
            path = Path(location)
            if path.is_file() and zipfile.is_zipfile(path):
                _check_stamps(self.package, path)
        except BaseException:
            self._unpacked.close()
            raise

    @property
    def root(self) -> Path:
        """The folder holding the pinned copy (unpacked, for a zip or git ref, until ``close``)."""
        return self.package.root

    @property
    def version(self) -> str:
        """The version the pinned copy's ``datapackage.json`` declares."""
        return self.package.version

    def tables(self) -> list[str]:
        """Names of the tables, in the order of ``datapackage.json``."""
        return list(self.package.tables)

    def load(self, name: str) -> pd.DataFrame:
        """One table of the pinned copy as a typed frame, as ``cacdata.load`` gives the bundled one."""
        from cacdata.read.frames import read_table

        return read_table(self.package.table(name))

    def load_all(self) -> dict[str, pd.DataFrame]:
        """Every table of the pinned copy as typed frames, by name."""
        return {name: self.load(name) for name in self.package.tables}

    def validate(self, texts: str | Path | None = None) -> Report:
        """Validate the pinned copy as it is, to show whether the rows a paper used still pass."""
        from cacdata.validation import validate

        return validate(self.root, texts)

    def close(self) -> None:
        """Remove the unpacked copy, if one was made; the package cannot be read after this."""
        self._unpacked.close()

    def __enter__(self) -> PinnedPackage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_stamps(package: DataPackage, archive: Path) -> None:
    """Each CSV must match the bytes and hash its descriptor records, or nothing is loaded."""
    for resource in package.descriptor["resources"]:
        table = package.table(resource["name"])
        if not table.csv_path.is_file():
            raise PackageError(f"{archive}: {package.relative(table.csv_path)} is missing")
        if (resource.get("bytes"), resource.get("hash")) != file_stamp(table.csv_path):
            raise PackageError(f"{archive}: {package.relative(table.csv_path)} differs from its stamp in {DESCRIPTOR}")
