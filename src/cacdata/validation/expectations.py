"""Expectations on whole columns and tables, declared in the schemas, so an edit that empties a column fails.

- ``"cacdata:rowCount": {"minimum": m, "maximum": n}`` at the top of a Table Schema;
- ``"cacdata:minimumFill": 0.8`` on a field: at least that share of its cells are filled.
"""

from __future__ import annotations

from cacdata.describe.csv_lines import CsvRow
from cacdata.describe.package import DataPackage, Table
from cacdata.describe.schema import RowCount
from cacdata.validation.queries import Queries, sql_name
from cacdata.validation.report import Failure


def check_expectations(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    """Failures of the row counts and column fills the schemas declare, table by table."""
    failures = []
    for name, table_rows in rows.items():
        table = package.table(name)
        file = package.relative(table.csv_path)
        count = len(table_rows)
        failure = row_count_failure(table, file, count, table.schema.row_count)
        if failure is not None:
            failures.append(failure)
        for field in table.fields:
            minimum = field.minimum_fill
            if minimum is None or not table_rows:
                continue
            filled = sum(1 for row in table_rows if row.cells.get(field.name)) / count
            failure = fill_failure(table, file, field.name, filled, minimum)
            if failure is not None:
                failures.append(failure)
    return failures


def row_count_failure(table: Table, file: str, count: int, bounds: RowCount | None) -> Failure | None:
    """A failure when the table's row count is outside its ``cacdata:rowCount``, else ``None``."""
    least = bounds.minimum or 0 if bounds else 0
    most = bounds.maximum if bounds else None
    if least <= count and (most is None or count <= most):
        return None
    return Failure(
        "row-count",
        f"The table has {count} rows; its schema expects {least} to "
        f"{'any number of' if most is None else most}. Were rows lost or duplicated?",
        file,
        table.name,
        value=str(count),
    )


def fill_failure(table: Table, file: str, column: str, filled: float, minimum: float) -> Failure | None:
    """The ``column-fill`` failure when a column is less filled than the schema expects; None when it is not."""
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


def check_expectations_sql(engine: Queries) -> list[Failure]:
    """The rules in the DuckDB engine: rows counted as read, fills from a flag per cell."""
    failures = []
    for name, loaded in engine.loaded.items():
        table = loaded.table
        failure = row_count_failure(table, loaded.file, loaded.rows, table.schema.row_count)
        if failure is not None:
            failures.append(failure)
        for column in table.fields:
            minimum = column.minimum_fill
            if minimum is None or not loaded.rows:
                continue
            filled = engine.scalar(f"SELECT count_if({sql_name('filled__' + column.name)}) FROM {engine.view(name)}")
            failure = fill_failure(table, loaded.file, column.name, filled / loaded.rows, minimum)
            if failure is not None:
                failures.append(failure)
    return failures


def expectations_derived(table: Table) -> list[str]:
    """For ``column-fill``, a flag per cell of a field with a minimum fill: whether it is filled."""
    return [
        f"{sql_name(c.name)} IS NOT NULL AS {sql_name('filled__' + c.name)}"
        for c in table.fields
        if c.minimum_fill is not None
    ]
