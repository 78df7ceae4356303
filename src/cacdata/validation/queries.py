"""The DuckDB engine as the checks see it: each table as loaded, the queries a check may ask, and quoting.

Each check's DuckDB implementation (in its rule family's module) is written against ``Queries``, not the
engine itself, so the rules do not depend on how the engine loads a package (``duckdb_engine``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from cacdata.describe.package import DataPackage, Table


@dataclass
class Loaded:
    """One table as read: row count, suspect rows with their cells, and the line each row starts on."""

    table: Table
    file: str
    rows: int
    suspects: dict[int, list[str]]  # row index -> cells
    extra_lines: list[tuple[int, int]] = field(default_factory=list)  # (row index, cumulative extra lines)
    size: int = 0
    digest: dict[str, str] = field(default_factory=dict)
    newlines: int = 0
    ends_with_newline: bool = True

    def line(self, row: int) -> int:
        """The physical line row ``row`` (0-based, header excluded) starts on."""
        if not self.extra_lines:
            return row + 2
        position = bisect_right(self.extra_lines, (row, -1)) - 1
        return row + 2 + (self.extra_lines[position][1] if position >= 0 else 0)


class Queries(Protocol):
    """What a check may ask of the loaded package: its tables, as views with a ``row__`` number, and SQL."""

    package: DataPackage
    today: date
    loaded: dict[str, Loaded]
    self_refs: dict[str, list[str]]

    @property
    def con(self) -> Any:
        """The DuckDB connection, for a check that builds temporary tables."""

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """Every row a query returns."""

    def scalar(self, sql: str) -> int:
        """The one number a query returns (0 for no row)."""

    def view(self, name: str) -> str:
        """The quoted name of the view over a loaded table, with its row number as ``row__``."""

    def repeats(self, name: str, column: str) -> list[tuple[int, str, int]]:
        """(row, value, the row the value last appeared in) for every repeated value, empty cells aside."""


def sql_text(value: str) -> str:
    """A string as a quoted SQL literal."""
    return "'" + value.replace("'", "''") + "'"


def sql_name(value: str) -> str:
    """A name as a quoted SQL identifier, so any table or column name is safe in a query."""
    return '"' + value.replace('"', '""') + '"'


def sql_list(values: Iterable[str]) -> str:
    """Strings as a comma-separated list of SQL literals, for ``IN (...)``; ``NULL`` when there are none."""
    return ", ".join(sql_text(value) for value in values) or "NULL"
