"""Read a CSV file as text rows with the physical line each row starts on.

Messages must point at the line a contributor sees in an editor, which differs from the row number when a
quoted cell spans several lines.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from cacdata.describe.package import DataPackage, PackageError

# A line of our data is under a kilobyte; a far longer one is no record but a broken file, or an attack that would
# take the validator many seconds to call valid. A few blank lines are blank-row failures; millions are not
# data, and would drown the report in copies of that failure.
MAX_LINE_BYTES = 2**20
MAX_BLANK_LINES = 1000
CHUNK = 4 * 2**20
BARE_CR = re.compile(rb"\r(?!\n)")


@dataclass(frozen=True)
class CsvRow:
    """One data row as text, keyed by header, with the physical line it starts on for messages."""

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


def check_shape(path: Path) -> None:
    """Refuse a CSV file no reader should be asked to parse: an overlong line, a flood of blank lines, or a
    carriage return that ends no line (old-Mac line endings, or a stray CR that CSV readers split a row at).

    One streaming pass over the bytes; each refusal names the line and the limit. A missing file passes:
    the file checks report it.
    """
    line = 1  # the line the next byte belongs to
    length = blanks = 0
    first_blank: int | None = None
    try:
        handle = path.open("rb")
    except OSError:
        return
    with handle:
        while chunk := handle.read(CHUNK):
            if chunk.endswith(b"\r"):
                chunk += handle.read(1)  # a CR LF split across two chunks is not a bare CR
            bare = BARE_CR.search(chunk)
            if bare is not None and b"\n" not in chunk:
                raise PackageError(
                    f"{path}: uses CR (old Mac) line endings; CSV readers see one broken line. Save it with LF "
                    "line endings"
                )
            if bare is not None:
                where = line + chunk.count(b"\n", 0, bare.start())
                raise PackageError(
                    f"{path}: line {where} holds a carriage return (CR) that ends no line, so CSV readers would "
                    "split the row there; use LF line endings and remove stray CRs"
                )
            parts = chunk.split(b"\n")
            length += len(parts[0])
            complete = [length, *map(len, parts[1:-1])] if len(parts) > 1 else []
            longest = max(complete, default=length)
            if longest > MAX_LINE_BYTES:
                index = complete.index(longest) if complete else 0
                raise PackageError(
                    f"{path}: line {line + index} is longer than {MAX_LINE_BYTES} bytes, the limit for one line; "
                    "is a cell much longer than it should be?"
                )
            if len(parts) > 1:
                empty = [n for n in complete if n == 0] if 0 in complete else []
                if empty and first_blank is None:
                    first_blank = line + complete.index(0)
                blanks += len(empty)
                line += len(parts) - 1
                length = len(parts[-1])
            if blanks > MAX_BLANK_LINES:
                raise PackageError(
                    f"{path}: more than {MAX_BLANK_LINES} blank lines, the first at line {first_blank}; remove them"
                )
