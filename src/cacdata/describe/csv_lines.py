"""Read a CSV file as text rows with the physical line each row starts on.

Messages must point at the line a contributor sees in an editor, which differs from the row number when a
quoted cell spans several lines.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from cacdata.describe.package import DataPackage


@dataclass(frozen=True)
class CsvRow:
    line: int
    cells: dict[str, str]


def read_rows(path: Path) -> list[CsvRow]:
    """Data rows as dicts of text, keyed by the header; a short row's missing cells read as empty.

    A byte-order mark is skipped here (the file checks report it) so that it does not hide the first column.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        rows = []
        start = reader.line_num + 1
        for cells in reader:
            rows.append(CsvRow(start, dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))))
            start = reader.line_num + 1
        return rows


def read_all_rows(package: DataPackage) -> dict[str, list[CsvRow]]:
    """The rows of every table that can be read at all; the others are reported by the file checks."""
    rows = {}
    for name, table in package.tables.items():
        try:
            rows[name] = read_rows(table.csv_path)
        except (OSError, UnicodeDecodeError, csv.Error):
            continue
    return rows


def row_start_lines(path: Path) -> list[int]:
    """Physical start line of each record, header included: index ``n - 1`` for frictionless row ``n``."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        lines, start = [], 1
        for _ in reader:
            lines.append(start)
            start = reader.line_num + 1
        return lines
