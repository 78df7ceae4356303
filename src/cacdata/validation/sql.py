"""Quoting for the DuckDB engine's queries, so no file name, column name or value can break one."""

from __future__ import annotations

from collections.abc import Iterable


def sql_text(value: str) -> str:
    """A string as a quoted SQL literal."""
    return "'" + value.replace("'", "''") + "'"


def sql_name(value: str) -> str:
    """A name as a quoted SQL identifier, so any table or column name is safe in a query."""
    return '"' + value.replace('"', '""') + '"'


def sql_list(values: Iterable[str]) -> str:
    """Strings as a comma-separated list of SQL literals, for ``IN (...)``; ``NULL`` when there are none."""
    return ", ".join(sql_text(value) for value in values) or "NULL"
