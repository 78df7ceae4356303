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
from cacdata.validation.queries import Loaded, Queries, sql_list, sql_name
from cacdata.validation.report import Failure

ENTITIES = "entities"


def check_cross_field(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
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


def check_cross_field_sql(engine: Queries) -> list[Failure]:
    """The rules in the DuckDB engine: dates and flags compared in SQL, cycles found by pointer jumping."""
    failures: list[Failure] = []
    for name, loaded in engine.loaded.items():
        table = loaded.table
        if {"date_start", "date_end"} <= set(table.field_names):
            for row, start, end in engine.fetch(
                f"SELECT row__, date_start, date_end FROM {engine.view(name)} WHERE length(date_start) = 10 "
                "AND length(date_end) = 10 AND date_end < date_start ORDER BY row__"
            ):
                if is_date(start) and is_date(end):
                    failures.append(date_order_failure(loaded.file, name, loaded.line(int(row)), start, end))
        for column in table.fields:
            other = column.required_with
            if not other:
                continue
            wanted = sql_name("wanted__" + column.name)
            for (row,) in engine.fetch(f"SELECT row__ FROM {engine.view(name)} WHERE {wanted} ORDER BY row__"):
                failures.append(required_with_failure(loaded.file, name, loaded.line(int(row)), column.name, other))
        failures += _cycles(engine, loaded)
        failures += _entity_types(engine, loaded)
    return failures


def _cycles(engine: Queries, loaded: Loaded) -> list[Failure]:
    """Links that never reach a row without a parent: found by following every link at once."""
    failures = []
    key = sql_name(loaded.table.primary_key)
    view = engine.view(loaded.table.name)
    for column in engine.self_refs[loaded.table.name]:
        v = sql_name(column)
        engine.con.execute(
            f"CREATE OR REPLACE TEMP TABLE walk__ AS SELECT row__, coalesce({key}, '') AS id, "
            f"coalesce({v}, '') AS parent FROM {view}"
        )
        # last row wins for a repeated ID, as in a dict built row by row
        engine.con.execute(
            "CREATE OR REPLACE TEMP TABLE node__ AS SELECT id, arg_max(parent, row__) AS parent, "
            "min(row__) AS first FROM walk__ GROUP BY id"
        )
        # jump__ holds, for each row not yet known to reach the end of its chain, the row 2^k links ahead
        engine.con.execute(
            "CREATE OR REPLACE TEMP TABLE jump__ AS SELECT n.id, n.parent AS ahead FROM node__ n "
            "JOIN node__ p ON p.id = n.parent WHERE n.parent <> '' AND n.id <> ''"
        )
        total, steps = engine.scalar("SELECT count(*) FROM node__"), 1
        while steps <= total and engine.scalar("SELECT count(*) FROM jump__"):
            engine.con.execute(
                "CREATE OR REPLACE TEMP TABLE jump__ AS SELECT a.id, b.ahead FROM jump__ a "
                "JOIN jump__ b ON b.id = a.ahead"
            )
            steps *= 2
        looping = engine.fetch("SELECT id FROM jump__")
        if not looping:
            continue
        rows = engine.fetch("SELECT id, parent, row__ FROM walk__ ORDER BY row__")
        parent = {record: link for record, link, _ in rows}
        line = {record: loaded.line(int(row)) for record, _, row in rows}
        on_loop = {record for (record,) in looping}
        failures += parent_cycles(
            [record for record in parent if record in on_loop], parent, line, loaded.file, loaded.table.name, column
        )
    return failures


def _entity_types(engine: Queries, loaded: Loaded) -> list[Failure]:
    columns = [c for c in loaded.table.fields if c.entity_types]
    if not columns or ENTITIES not in engine.loaded or engine.loaded[ENTITIES].rows == 0:
        return []
    failures = []
    entities = engine.view(ENTITIES)
    for column in columns:
        allowed = list(column.entity_types or ())
        v = sql_name(column.name)
        for row, value, kind in engine.fetch(
            f"SELECT t.row__, t.{v}, k.kind FROM {engine.view(loaded.table.name)} t JOIN (SELECT "
            f"coalesce(entity_id, '') AS id, coalesce(arg_max(coalesce(entity_type, ''), row__), '') AS kind "
            f"FROM {entities} GROUP BY 1) k ON k.id = coalesce(t.{v}, '') "
            f"WHERE k.kind NOT IN ({sql_list(allowed)}) ORDER BY t.row__"
        ):
            failures.append(
                entity_type_failure(
                    loaded.file,
                    loaded.table.name,
                    loaded.line(int(row)),
                    column.name,
                    value or "",
                    kind,
                    allowed,
                )
            )
    return failures


def cross_field_read(table: Table) -> list[str]:
    """The columns the rules read, for the DuckDB engine's narrow table."""
    names = set(table.field_names)
    read = ["date_start", "date_end"] if {"date_start", "date_end"} <= names else []
    read += ["entity_type"] if table.name == ENTITIES and "entity_type" in names else []
    read += [c.name for c in table.fields if c.entity_types]
    return read + self_references(table)


def cross_field_derived(table: Table) -> list[str]:
    """For ``required-with``, a flag per field: empty though the field it is required with is filled."""
    return [
        f"{sql_name(c.required_with)} IS NOT NULL AND {sql_name(c.name)} IS NULL AS {sql_name('wanted__' + c.name)}"
        for c in table.fields
        if c.required_with in table.field_names
    ]
