"""``cacdata export``: the tables in the formats researchers already work in.

Each format lives in its own module and uses the well-kept library for it (sqlite-utils, DuckDB, pyarrow,
openpyxl). Every export starts from the typed frames ``cacdata.load`` gives and from the schemas, so types
and descriptions come from ``schemas/`` and nowhere else. Exports are deterministic where the format allows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cacdata.describe.atomic import check_target
from cacdata.describe.package import DataPackage

Writer = Callable[[DataPackage, Path], list[Path]]

FORMATS = ("sqlite", "duckdb", "parquet", "json", "jsonl", "xlsx")
FOLDER_FORMATS = ("parquet", "json", "jsonl")  # a file per table; the others write one file


def writer(fmt: str) -> Writer:
    """The writer of one format, imported only when asked for (each pulls in its own library)."""
    if fmt == "sqlite":
        from cacdata.share.exports.sqlite_db import write_sqlite

        return write_sqlite
    if fmt == "duckdb":
        from cacdata.share.exports.duckdb_db import write_duckdb

        return write_duckdb
    if fmt == "parquet":
        from cacdata.share.exports.parquet_files import write_parquet

        return write_parquet
    if fmt in ("json", "jsonl"):
        from cacdata.share.exports.json_files import write_json, write_json_lines

        return write_json if fmt == "json" else write_json_lines
    if fmt == "xlsx":
        from cacdata.share.exports.xlsx_workbook import write_xlsx

        return write_xlsx
    raise ValueError(f"unknown format {fmt!r}; the formats are: {', '.join(FORMATS)}")


def export(fmt: str, out: Path, package: DataPackage | None = None) -> list[Path]:
    """Write the package in ``fmt`` to ``out`` (a file for sqlite, duckdb and xlsx; a folder otherwise).

    Every file is written beside its target and renamed over it (``cacdata.describe.atomic``): a failure
    leaves the previous export whole. The target's parent folder must exist, and no target may lie in the
    package being read (``WriteError``).
    """
    package = package or DataPackage.open()
    write = writer(fmt)  # a missing extra is an ImportError before anything is checked or written
    check_target(out, package, folder=fmt in FOLDER_FORMATS)
    if fmt in FOLDER_FORMATS:
        out.mkdir(exist_ok=True)
    return write(package, out)
