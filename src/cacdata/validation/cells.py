"""Rules for the text of every cell, which a Table Schema cannot state.

Cells are edited by hand and pasted from web pages and spreadsheets. These rules catch what such edits bring
in unseen: stray white space, invisible characters, line breaks, text that is not in Unicode NFC (so equal
strings compare unequal), cells that a spreadsheet would run as a formula, and dates in the future.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date

from cacdata.describe.csv_lines import CsvRow
from cacdata.describe.package import DataPackage
from cacdata.validation.queries import Queries
from cacdata.validation.report import Failure

# The one form a date is written in; frictionless's "%Y-%m-%d" also takes 2021-3-8.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Spreadsheets run a cell as a formula when it starts with one of these, full-width forms included.
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# The same, as an RE2 class for the DuckDB engine's filter: one \x{...} escape per character.
FORMULA_CLASS = "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in FORMULA_STARTS) + "]"


def check_cells(package: DataPackage, rows: dict[str, list[CsvRow]], today: date | None = None) -> list[Failure]:
    """Failures of the cell rules in every row, dates checked against ``today`` (default: today)."""
    today = today or date.today()
    failures = []
    for name, table_rows in rows.items():
        table = package.table(name)
        file = package.relative(table.csv_path)
        dates = {f.name for f in table.fields if f.type == "date"}
        for row in table_rows:
            for column, value in row.cells.items():
                failures += cell_failures(value, file, name, row.line, column)
                if column in dates:
                    failures += date_failures(value, today, file, name, row.line, column)
    return failures


def check_cells_sql(engine: Queries) -> list[Failure]:
    """The rules in the DuckDB engine: applied, as row by row, to the rows its filter marked as suspect."""
    failures = []
    for name, loaded in engine.loaded.items():
        names = loaded.table.field_names
        dates = {f.name for f in loaded.table.fields if f.type == "date"}
        for row, cells in loaded.suspects.items():
            line = loaded.line(row)
            for column, value in zip(names, cells, strict=True):
                failures += cell_failures(value, loaded.file, name, line, column)
                if column in dates:
                    failures += date_failures(value, engine.today, loaded.file, name, line, column)
    return failures


def cell_failures(value: str, file: str, table: str, line: int, column: str) -> list[Failure]:
    """The text rules broken by one cell."""
    return [Failure(rule, message, file, table, line, column, value) for rule, message in _broken_text_rules(value)]


def date_failures(value: str, today: date, file: str, table: str, line: int, column: str) -> list[Failure]:
    """The date rules broken by one cell of a date field."""
    if value and not ISO_DATE.fullmatch(value):
        return [
            Failure(
                "date-format",
                "Write dates as YYYY-MM-DD, with two-digit month and day.",
                file,
                table,
                line,
                column,
                value,
            )
        ]
    if _after(value, today):
        return [
            Failure(
                "future-date",
                f"The date is after today ({today.isoformat()}); a record states what has happened.",
                file,
                table,
                line,
                column,
                value,
            )
        ]
    return []


def _code_points(value: str, category: str) -> list[str]:
    """The distinct characters of a Unicode category in ``value``, as U+XXXX, for the message."""
    return sorted({f"U+{ord(c):04X}" for c in value if unicodedata.category(c) == category})


def _broken_text_rules(value: str) -> Iterator[tuple[str, str]]:
    if not value:
        return
    if value != value.strip():
        yield "cell-whitespace", "The cell starts or ends with white space; remove it."
    controls = _code_points(value, "Cc")
    if controls:
        yield (
            "cell-control",
            f"The cell holds control characters ({', '.join(controls)}), such as a line break or NUL; "
            "keep each cell on one line and remove them.",
        )
    invisible = _code_points(value, "Cf")
    if invisible:
        yield (
            "cell-invisible",
            f"The cell holds invisible formatting characters ({', '.join(invisible)}), such as a zero-width "
            "space; remove them.",
        )
    if not unicodedata.is_normalized("NFC", value):
        yield "cell-nfc", "The text is not in Unicode NFC; normalise it so equal text compares equal."
    if value.startswith(FORMULA_STARTS):
        yield (
            "cell-formula",
            "The cell starts with a character a spreadsheet runs as a formula (= + - @ or a full-width form); "
            "reword it so it starts otherwise.",
        )


def _after(value: str, today: date) -> bool:
    try:
        return date.fromisoformat(value) > today
    except ValueError:
        return False  # malformed dates fail the stock type check, reported there
