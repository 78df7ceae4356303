"""What stock frictionless reports on the rows (types, constraints, unique and primary keys, foreign keys,
the hash and size), found in SQL and worded as frictionless words it.

Frictionless reads every cell in Python; here only the rows the engine's filter marked as suspect are read
cell by cell (``_cell_errors``, with frictionless's own cell readers for the types it parses), and the keys
are joins. ``tests/validation/test_parity.py`` holds the result to stock frictionless on the fault corpus.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from cacdata.describe.package import DataPackage, Table
from cacdata.describe.schema import Field
from cacdata.validation.duckdb_engine.supported import (
    DATE_CONSTRAINTS,
    DATE_FORMATS,
    READ_BY_FRICTIONLESS,
    STRING_CONSTRAINTS,
    hash_algorithm,
)
from cacdata.validation.queries import Loaded, Queries, sql_name
from cacdata.validation.report import Failure
from cacdata.validation.stock import StockError, table_failure

# Frictionless stops a table's report at this many errors, and then skips the hash and size checks.
LIMIT_ERRORS = 1000


@dataclass
class Column:
    """A field and its position in the CSV row, as the cell checks walk a row."""

    name: str
    index: int
    field: Field

    @property
    def kind(self) -> str:
        """The field's Table Schema type."""
        return self.field.type

    @property
    def constraints(self) -> dict[str, Any]:
        """The constraints as written, in the order frictionless reports them (its messages quote them raw)."""
        return dict(self.field.descriptor.get("constraints", {}))


def check_stock_sql(engine: Queries) -> list[Failure]:
    """The failures stock frictionless would report on the rows (types, constraints, keys), found in SQL."""
    failures: list[Failure] = []
    for name, loaded in engine.loaded.items():
        errors = sorted(_row_errors(engine, loaded), key=lambda e: e[0])
        found = [error for _, error in errors]
        if len(found) >= LIMIT_ERRORS:
            found = found[:LIMIT_ERRORS]
        else:
            found += _end_errors(engine, loaded)
        resource = next(r for r in engine.package.descriptor["resources"] if r.get("name") == name)
        place = str(Path(resource["path"]))  # as frictionless names the file: the descriptor's path
        failures += [_stock_failure(engine.package, name, place, loaded, error) for error in found]
    return failures


def _row_errors(engine: Queries, loaded: Loaded) -> Iterator[tuple[tuple[int, int, int], StockError]]:
    """Each error with its place in frictionless's order: row, then cells, unique, key, foreign keys."""
    table = loaded.table
    columns = [Column(c.name, i, c) for i, c in enumerate(table.fields)]
    for row, cells in loaded.suspects.items():
        for order, error in enumerate(_cell_errors(columns, cells, row + 2)):
            yield (row, 0, order), error
    unique = [c for c in columns if c.constraints.get("unique")]
    for position, column in enumerate(unique):
        for row, value, previous in engine.repeats(table.name, column.name):
            note = f"the same as in the row at position {previous + 2}"
            yield (
                (row, 1, position),
                StockError("unique-error", note, row_number=row + 2, field_name=column.name, cell=value),
            )
    key = sql_name(table.primary_key)
    for (row,) in engine.fetch(f"SELECT row__ FROM {engine.view(table.name)} WHERE {key} IS NULL"):
        note = 'cells composing the primary keys are all "None"'
        yield (int(row), 2, 0), StockError("primary-key", note, row_number=int(row) + 2)
    for row, _, previous in engine.repeats(table.name, table.primary_key):
        note = f"the same as in the row at position {previous + 2}"
        yield (row, 2, 0), StockError("primary-key", note, row_number=row + 2)
    for position, fk in enumerate(table.schema.foreign_keys):
        local = fk.fields[0]
        target_name = fk.resource or table.name
        target_field = fk.reference_fields[0]
        v, t = sql_name(local), sql_name(target_field)
        for row, value in engine.fetch(
            f"SELECT row__, {v} FROM {engine.view(table.name)} WHERE {v} IS NOT NULL AND {v} NOT IN "
            f"(SELECT {t} FROM {engine.view(target_name)} WHERE {t} IS NOT NULL)"
        ):
            note = f'for "{local}": values "{value}" not found in the lookup table "{fk.resource}" as "{target_field}"'
            yield (
                (int(row), 3, position),
                StockError("foreign-key", note, row_number=int(row) + 2, field_names=[local], field_cells=[value]),
            )


def _end_errors(engine: Queries, loaded: Loaded) -> list[StockError]:
    resource = next(r for r in engine.package.descriptor["resources"] if r.get("name") == loaded.table.name)
    errors = []
    algorithm, expected = hash_algorithm(resource.get("hash") or "")
    if expected and algorithm in loaded.digest:  # frictionless ignores other algorithms: stamp-unverifiable
        actual = loaded.digest[algorithm]
        if actual != expected:
            errors.append(StockError("hash-count", f'expected is "{expected}" and actual is "{actual}"'))
    if resource.get("bytes") and resource["bytes"] != loaded.size:
        errors.append(StockError("byte-count", f'expected is "{resource["bytes"]}" and actual is "{loaded.size}"'))
    return errors


# -- our rules ------------------------------------------------------------------------------------------


def _stock_failure(package: DataPackage, name: str, place: str, loaded: Loaded, error: StockError) -> Failure:
    lines = _LineMap(loaded)
    failure = table_failure(package, name, place, lines, error)
    if error.type == "primary-key":
        failure = replace(failure, column=loaded.table.primary_key)
    return failure


class _LineMap(Sequence[int]):
    """Physical start line by frictionless row number, header included, as ``row_start_lines`` gives."""

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded

    def __len__(self) -> int:
        return self.loaded.rows + 1

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            raise TypeError("no slices")
        return 1 if index == 0 else self.loaded.line(index - 1)


def _cell_errors(columns: list[Column], cells: list[str], row_number: int) -> Iterator[StockError]:
    """What frictionless's cell readers say about one row, in their order."""
    for column in columns:
        source = cells[column.index]
        value: str | None = None if source == "" else source
        constraints = column.constraints
        if column.kind in READ_BY_FRICTIONLESS and value is not None:
            note = _type_note(column.kind, source)
            if note:
                yield StockError("type-error", note, row_number=row_number, field_name=column.name, cell=source)
                continue
        if column.kind == "date" and value is not None:
            fmt = DATE_FORMATS[column.field.format]
            try:
                datetime.strptime(value, fmt)
            except Exception:
                note = f'type is "date/{column.field.format}"'
                yield StockError("type-error", note, row_number=row_number, field_name=column.name, cell=source)
                continue
        order = STRING_CONSTRAINTS if column.kind == "string" else DATE_CONSTRAINTS
        for name in order:
            if name not in constraints:
                continue
            constraint = constraints[name]
            if not _passes(name, constraint, value):
                note = f'constraint "{name}" is "{constraint}"'
                yield StockError("constraint-error", note, row_number=row_number, field_name=column.name, cell=source)


@cache
def _reader(kind: str) -> Any:
    import frictionless

    return frictionless.Field.from_descriptor({"name": "cell", "type": kind})


def _type_note(kind: str, source: str) -> str | None:
    """frictionless's own note when it cannot read the cell as ``kind`` (default format), else None."""
    _, notes = _reader(kind).read_cell(source)
    return (notes or {}).get("type")


def _passes(name: str, constraint: Any, value: str | None) -> bool:
    if name == "required":
        return not (constraint and value is None)
    if value is None:
        return True
    if name == "minLength":
        return len(value) >= int(constraint)
    if name == "maxLength":
        return len(value) <= int(constraint)
    if name == "pattern":
        return _pattern(str(constraint)).match(value) is not None
    if name == "enum":
        return value in constraint
    raise AssertionError(name)


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(f"^{pattern}$")


def stock_read(table: Table) -> list[str]:
    """The columns the key checks join on, for the engine's narrow table: foreign keys and unique fields."""
    return [fk.fields[0] for fk in table.schema.foreign_keys] + [c.name for c in table.fields if c.unique]
