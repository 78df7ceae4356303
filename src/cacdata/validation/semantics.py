"""Rules between cells and tables that a Table Schema cannot state.

Some are universal (dates in order, no record its own ancestor); the others are declared in the schemas
under ``cacdata:`` keys, so the schema stays the one place a rule is written:

- ``"cacdata:requiredWith": "other_field"`` on a field: it must be filled when ``other_field`` is;
- ``"cacdata:entityTypes": [...]`` on a field referring to entities: the entity's ``entity_type`` must be one
  of these.
"""

from __future__ import annotations

from datetime import date

from cacdata.describe.csv_lines import CsvRow
from cacdata.describe.package import DataPackage, Table
from cacdata.validation.report import Failure

ENTITIES = "entities"


def check_semantics(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    """Failures of the cross-field and cross-table rules, universal and schema-declared, table by table."""
    failures = []
    for name, table_rows in rows.items():
        table = package.table(name)
        failures += _check_date_order(package, table, table_rows)
        failures += _check_required_with(package, table, table_rows)
        failures += _check_parent_cycles(package, table, table_rows)
        failures += _check_entity_types(package, table, table_rows, rows.get(ENTITIES, []))
    return failures


def _check_date_order(package: DataPackage, table: Table, rows: list[CsvRow]) -> list[Failure]:
    if not {"date_start", "date_end"} <= set(table.field_names):
        return []
    failures = []
    for row in rows:
        start, end = row.cells.get("date_start", ""), row.cells.get("date_end", "")
        if is_date(start) and is_date(end) and end < start:  # ISO dates order as text
            failures.append(date_order_failure(package.relative(table.csv_path), table.name, row.line, start, end))
    return failures


def date_order_failure(file: str, table: str, line: int, start: str, end: str) -> Failure:
    """The ``date-order`` failure for an end date before its start; shared by both engines."""
    return Failure(
        "date-order", f"The end date is before the start date ({start}).", file, table, line, "date_end", end
    )


def is_date(value: str) -> bool:
    """Only well-formed dates are compared; the others are type-error failures already."""
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _check_required_with(package: DataPackage, table: Table, rows: list[CsvRow]) -> list[Failure]:
    failures = []
    for field in table.fields:
        other = field.required_with
        if not other:
            continue
        for row in rows:
            if row.cells.get(other) and not row.cells.get(field.name):
                failures.append(
                    required_with_failure(package.relative(table.csv_path), table.name, row.line, field.name, other)
                )
    return failures


def required_with_failure(file: str, table: str, line: int, column: str, other: str) -> Failure:
    """The ``required-with`` failure for an empty cell that ``other`` being filled requires; shared by both engines."""
    return Failure("required-with", f"The cell is required because '{other}' is filled.", file, table, line, column, "")


def self_references(table: Table) -> list[str]:
    """Fields that point at another row of the same table (foreign keys with resource "")."""
    return [fk.fields[0] for fk in table.schema.foreign_keys if fk.is_self_reference]


def _check_parent_cycles(package: DataPackage, table: Table, rows: list[CsvRow]) -> list[Failure]:
    failures = []
    key = table.primary_key
    for column in self_references(table):
        parent = {row.cells.get(key, ""): row.cells.get(column, "") for row in rows}
        line = {row.cells.get(key, ""): row.line for row in rows}
        failures += parent_cycles(list(parent), parent, line, package.relative(table.csv_path), table.name, column)
    return failures


def parent_cycles(
    starts: list[str], parent: dict[str, str], line: dict[str, int], file: str, table: str, column: str
) -> list[Failure]:
    """One failure per cycle, in the order the ``starts`` reach them; starts that reach none may be left out."""
    failures = []
    reported: set[str] = set()
    for start in starts:
        cycle = _cycle_from(start, parent)
        if cycle and not reported & set(cycle):
            reported |= set(cycle)
            first = min(cycle)
            failures.append(
                Failure(
                    "reference-cycle",
                    f"The '{column}' links form a cycle: {' -> '.join([*_rotate(cycle, first), first])}.",
                    file,
                    table,
                    line[first],
                    column,
                    parent[first],
                )
            )
    return failures


def _cycle_from(start: str, parent: dict[str, str]) -> list[str]:
    """The cycle reached by following links from ``start``, or [] if the chain ends."""
    path: list[str] = []
    seen: dict[str, int] = {}
    node = start
    while node and node in parent:
        if node in seen:
            return path[seen[node] :]
        seen[node] = len(path)
        path.append(node)
        node = parent[node]
    return []


def _rotate(cycle: list[str], first: str) -> list[str]:
    index = cycle.index(first)
    return cycle[index:] + cycle[:index]


def _check_entity_types(
    package: DataPackage, table: Table, rows: list[CsvRow], entity_rows: list[CsvRow]
) -> list[Failure]:
    fields = [f for f in table.fields if f.entity_types]
    if not fields or not entity_rows:
        return []
    kind = {row.cells.get("entity_id", ""): row.cells.get("entity_type", "") for row in entity_rows}
    failures = []
    for field in fields:
        allowed = list(field.entity_types or ())
        for row in rows:
            value = row.cells.get(field.name, "")
            if value in kind and kind[value] not in allowed:
                failures.append(
                    entity_type_failure(
                        package.relative(table.csv_path),
                        table.name,
                        row.line,
                        field.name,
                        value,
                        kind[value],
                        allowed,
                    )
                )
    return failures


def entity_type_failure(
    file: str, table: str, line: int, column: str, value: str, kind: str, allowed: list[str]
) -> Failure:
    """The ``entity-type`` failure for a reference to an entity of a type the field does not take; both engines."""
    return Failure(
        "entity-type",
        f"The entity is a {kind!r}; this field takes only: {', '.join(allowed)}.",
        file,
        table,
        line,
        column,
        value,
    )
