"""Byte-level rules that keep every change diffable: UTF-8 without BOM, LF endings, rows sorted by key.

They read each file as bytes, so a failure is located by line even where a CSV reader would give up.
"""

from __future__ import annotations

import csv
from itertools import pairwise

from cacdata.describe.csv_lines import read_rows
from cacdata.describe.package import DataPackage, Table
from cacdata.validation.queries import Queries, sql_name
from cacdata.validation.report import Failure


def check_files(package: DataPackage) -> list[Failure]:
    """Failures of the byte-level rules (encoding, line endings, row order) in every table's file."""
    failures: list[Failure] = []
    for table in package.tables.values():
        failures += _check_bytes(package, table)
    return failures


def _check_bytes(package: DataPackage, table: Table) -> list[Failure]:
    file = package.relative(table.csv_path)
    try:
        data = table.csv_path.read_bytes()
    except OSError:
        return [Failure("file-missing", "The file the descriptor names cannot be read.", file, table.name)]
    failures = []
    if data.startswith(b"\xef\xbb\xbf"):
        failures.append(
            Failure(
                "utf8-bom", "The file starts with a byte-order mark; save it as UTF-8 without BOM.", file, table.name, 1
            )
        )
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if raw.endswith(b"\r"):
            failures.append(
                Failure("line-ending", "The line ends with CR LF; use LF line endings only.", file, table.name, number)
            )
            break
    if data and not data.endswith(b"\n"):
        failures.append(final_newline_failure(file, table.name, data.count(b"\n") + 1))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        failures.append(
            Failure(
                "encoding-error",
                f"The file is not valid UTF-8 (byte {data[error.start]:#04x}); save it as UTF-8.",
                file,
                table.name,
                data.count(b"\n", 0, error.start) + 1,
            )
        )
        return failures
    try:
        rows = read_rows(table.csv_path)
    except csv.Error:
        return failures
    key = table.primary_key
    for previous, row in pairwise(rows):
        if row.cells.get(key, "") < previous.cells.get(key, ""):
            failures.append(
                row_order_failure(file, table, row.line, row.cells.get(key, ""), previous.cells.get(key, ""))
            )
    return failures


def final_newline_failure(file: str, table: str, line: int) -> Failure:
    """The ``final-newline`` failure, in the same words from both engines."""
    return Failure("final-newline", "The file does not end with a newline.", file, table, line)


def row_order_failure(file: str, table: Table, line: int, value: str, previous: str) -> Failure:
    """The ``row-order`` failure for a row whose key sorts before the row above it; both engines."""
    key = table.primary_key
    message = f"Rows must be sorted by {key}; this row comes after {previous!r}."
    return Failure("row-order", message, file, table.name, line, key, value)


def check_files_sql(engine: Queries) -> list[Failure]:
    """The rules in the DuckDB engine: the final newline from the byte scan, the row order by a window query.

    The rest (BOM, CR LF, invalid UTF-8, an unreadable file) make the engine decline the package, and the
    row-by-row path reports them.
    """
    failures = []
    for name, loaded in engine.loaded.items():
        if not loaded.ends_with_newline:
            failures.append(final_newline_failure(loaded.file, name, loaded.newlines + 1))
        key = sql_name(loaded.table.primary_key)
        for row, value, previous in engine.fetch(
            f"SELECT row__, coalesce({key}, ''), previous FROM (SELECT row__, {key}, "
            f"lag(coalesce({key}, '')) OVER (ORDER BY row__) AS previous FROM {engine.view(name)}) "
            f"WHERE coalesce({key}, '') < previous ORDER BY row__"
        ):
            failures.append(row_order_failure(loaded.file, loaded.table, loaded.line(int(row)), value, previous))
    return failures
