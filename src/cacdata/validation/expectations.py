"""Expectations on whole columns and tables, declared in the schemas, so an edit that empties a column fails.

- ``"cacdata:rowCount": {"minimum": m, "maximum": n}`` at the top of a Table Schema;
- ``"cacdata:minimumFill": 0.8`` on a field: at least that share of its cells are filled.
"""

from __future__ import annotations

from typing import Any

from cacdata.describe.csv_lines import CsvRow
from cacdata.describe.package import DataPackage, Table
from cacdata.validation.report import Failure

ROW_COUNT = "cacdata:rowCount"
MINIMUM_FILL = "cacdata:minimumFill"


def check_expectations(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    failures = []
    for name, table_rows in rows.items():
        table = package.table(name)
        file = package.relative(table.csv_path)
        count = len(table_rows)
        failure = row_count_failure(table, file, count, table.schema.get(ROW_COUNT, {}))
        if failure is not None:
            failures.append(failure)
        for field in table.fields:
            minimum = field.get(MINIMUM_FILL)
            if minimum is None or not table_rows:
                continue
            filled = sum(1 for row in table_rows if row.cells.get(field["name"])) / count
            failure = fill_failure(table, file, field["name"], filled, minimum)
            if failure is not None:
                failures.append(failure)
    return failures


def row_count_failure(table: Table, file: str, count: int, bounds: dict[str, Any]) -> Failure | None:
    if bounds.get("minimum", 0) <= count <= bounds.get("maximum", count):
        return None
    return Failure(
        "row-count",
        f"The table has {count} rows; its schema expects {bounds.get('minimum', 0)} to "
        f"{bounds.get('maximum', 'any number of')}. Were rows lost or duplicated?",
        file,
        table.name,
        value=str(count),
    )


def fill_failure(table: Table, file: str, column: str, filled: float, minimum: float) -> Failure | None:
    if filled >= minimum:
        return None
    return Failure(
        "column-fill",
        f"Only {filled:.0%} of the cells are filled; the schema expects at least {minimum:.0%}. "
        "Was the column emptied by mistake?",
        file,
        table.name,
        column=column,
        value=f"{filled:.2f}",
    )
