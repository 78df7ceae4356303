"""Expectations on whole columns and tables, declared in the schemas, so an edit that empties a column fails.

- ``"cacdata:rowCount": {"minimum": m, "maximum": n}`` at the top of a Table Schema;
- ``"cacdata:minimumFill": 0.8`` on a field: at least that share of its cells are filled.
"""

from __future__ import annotations

from cacdata.package import DataPackage
from cacdata.validation.csv_lines import CsvRow
from cacdata.validation.report import Failure

ROW_COUNT = "cacdata:rowCount"
MINIMUM_FILL = "cacdata:minimumFill"


def check_expectations(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    failures = []
    for name, table_rows in rows.items():
        table = package.table(name)
        file = package.relative(table.csv_path)
        bounds = table.schema.get(ROW_COUNT, {})
        count = len(table_rows)
        if count < bounds.get("minimum", 0) or count > bounds.get("maximum", count):
            failures.append(
                Failure(
                    "row-count",
                    f"The table has {count} rows; its schema expects {bounds.get('minimum', 0)} to "
                    f"{bounds.get('maximum', 'any number of')}. Were rows lost or duplicated?",
                    file,
                    name,
                    value=str(count),
                )
            )
        for field in table.fields:
            minimum = field.get(MINIMUM_FILL)
            if minimum is None or not table_rows:
                continue
            filled = sum(1 for row in table_rows if row.cells.get(field["name"])) / count
            if filled < minimum:
                failures.append(
                    Failure(
                        "column-fill",
                        f"Only {filled:.0%} of the cells are filled; the schema expects at least {minimum:.0%}. "
                        "Was the column emptied by mistake?",
                        file,
                        name,
                        column=field["name"],
                        value=f"{filled:.2f}",
                    )
                )
    return failures
