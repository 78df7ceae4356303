"""Byte-level rules that keep every change diffable: UTF-8 without BOM, LF endings, rows sorted by key.

They read each file as bytes, so a failure is located by line even where a CSV reader would give up.
"""

from __future__ import annotations

import csv
from itertools import pairwise

from cacdata.describe.csv_lines import read_rows
from cacdata.describe.package import DataPackage, Table
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
        failures.append(
            Failure("final-newline", "The file does not end with a newline.", file, table.name, data.count(b"\n") + 1)
        )
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
                Failure(
                    "row-order",
                    f"Rows must be sorted by {key}; this row comes after {previous.cells.get(key)!r}.",
                    file,
                    table.name,
                    row.line,
                    key,
                    row.cells.get(key),
                )
            )
    return failures
