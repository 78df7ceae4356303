"""SQLite, through sqlite-utils: real primary and foreign keys, typed columns, full-text search, and the
schemas' titles and descriptions kept in two tables of their own (SQLite has no comments)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlite_utils

from cacdata.describe.atomic import replacing
from cacdata.describe.package import DataPackage
from cacdata.describe.types import backends
from cacdata.share.exports.fields import foreign_keys, frames, plain_records

TABLES_TABLE = "_cacdata_tables"
FIELDS_TABLE = "_cacdata_fields"


def write_sqlite(package: DataPackage, out: Path) -> list[Path]:
    """Write the package as one SQLite database at ``out``, replaced whole or not at all; returns the file."""
    data = frames(package)  # read (and so check) every table before anything is written
    with replacing(out) as temporary:
        _write(package, data, temporary)
    return [out]


def _write(package: DataPackage, data: dict[str, pd.DataFrame], out: Path) -> None:
    db = sqlite_utils.Database(out)
    db.execute("PRAGMA foreign_keys = ON")
    order = _referenced_first(package)
    for name in order:
        table = package.table(name)
        cols = table.fields
        db[name].create(  # type: ignore[union-attr]
            {c.name: backends(c).sqlite for c in cols},
            pk=table.primary_key,
            not_null={c.name for c in cols if c.required},
            foreign_keys=[fk for fk in foreign_keys(table) if fk[1] != name],
        )
        for column, _, other in (fk for fk in foreign_keys(table) if fk[1] == name):
            db[name].add_foreign_key(column, name, other)  # type: ignore[union-attr]
    for name in order:
        db[name].insert_all(plain_records(data[name]))  # type: ignore[union-attr]
        # the text people search (names, titles, quotations, excerpts, notes), read from the schema, so a new
        # table such as aliases is searchable too
        searchable = [field.name for field in package.table(name).fields if field.is_free_text]
        if searchable:
            db[name].enable_fts(searchable, create_triggers=False)  # type: ignore[union-attr]
    db[TABLES_TABLE].insert_all(  # type: ignore[union-attr]
        [{"name": t.name, "title": t.title, "description": t.description} for t in package.tables.values()],
        pk="name",
    )
    db[FIELDS_TABLE].insert_all(  # type: ignore[union-attr]
        [
            {"table_name": t.name, "field": c.name, "type": c.type, "description": c.description}
            for t in package.tables.values()
            for c in t.fields
        ],
        pk=("table_name", "field"),
    )
    db.execute("VACUUM")
    db.close()


def _referenced_first(package: DataPackage) -> list[str]:
    """The tables in package order, except that a table another refers to is created (and filled) first."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for _, other, _ in foreign_keys(package.table(name)):
            if other != name:
                visit(other)
        order.append(name)

    for name in package.tables:
        visit(name)
    return order
