"""Run the stock Frictionless validator and restate what it finds as our failures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cacdata.describe.csv_lines import row_start_lines
from cacdata.describe.package import DataPackage
from cacdata.validation.report import Failure
from cacdata.validation.rules import RULES

# Reported by our own file checks, with the line; frictionless gives none.
OWN_RULES = frozenset({"encoding-error", "scheme-error"})

# A sentence a contributor can act on, per Frictionless error type (declared in rules.py); the error's own
# note follows it.
ADVICE = {rule.id: rule.summary for rule in RULES if rule.origin == "frictionless"} | {
    "encoding-error": "The file is not valid UTF-8.",
    "scheme-error": "The file cannot be opened.",
}


def run_frictionless(package: DataPackage) -> list[Failure]:
    """Every error stock ``frictionless validate`` reports for the package, with physical line numbers."""
    import frictionless

    report = frictionless.validate(str(package.descriptor_path))
    failures = [_package_failure(package, error) for error in report.errors]
    for task in report.tasks:
        table = package.tables.get(task.name)
        lines = _safe_lines(table.csv_path) if table else []
        for error in task.errors:
            if error.type in OWN_RULES:
                continue
            failure = table_failure(package, task.name, task.place, lines, error)
            if error.type == "primary-key" and table is not None:
                failure = replace(failure, column=table.primary_key)  # frictionless names no field here
            failures.append(failure)
    return failures


def _package_failure(package: DataPackage, error: Any) -> Failure:
    return Failure(rule=error.type, message=error.note or error.message, file=package.descriptor_path.name)


@dataclass(frozen=True)
class StockError:
    """An error as frictionless would raise it, for the DuckDB engine; the attributes ``table_failure`` reads."""

    type: str
    note: str
    row_number: int | None = None
    field_name: str | None = None
    field_names: list[str] | None = None
    cell: str | None = None
    field_cells: list[str] | None = None
    label: str | None = None
    title: str = "Error"


def table_failure(package: DataPackage, name: str, place: str, lines: Sequence[int], error: Any) -> Failure:
    """One frictionless error (or a ``StockError``) as our failure, at its physical line."""
    row_number = getattr(error, "row_number", None)
    line = None
    if row_number is not None:
        line = lines[row_number - 1] if 0 < row_number <= len(lines) else row_number
    elif getattr(error, "label", None) is not None or error.type.endswith("label"):
        line = 1
    column = getattr(error, "field_name", None) or ", ".join(getattr(error, "field_names", []) or []) or None
    value = getattr(error, "cell", None)
    if value is None and getattr(error, "field_cells", None):
        value = ", ".join(str(cell) for cell in error.field_cells)
    advice = ADVICE.get(error.type, error.title + ".")
    return Failure(
        rule=error.type,
        message=f"{advice} ({error.note})" if error.note else advice,
        file=str(Path(place)) if place else package.descriptor_path.name,
        table=name,
        line=line,
        column=column,
        value=None if value is None else str(value),
    )


def _safe_lines(path: Path) -> list[int]:
    try:
        return row_start_lines(path)
    except (OSError, UnicodeDecodeError):
        return []
