"""The checks ``validate`` runs, in order: each with its implementation in both engines and what it reads.

A check is one pass over the package that finds the failures of the rules declared for it in ``rules.py``.
Both engines run the same list in the same order, so their reports agree failure for failure: the
row-by-row engine (stock frictionless, then our rules in Python over the rows read once) and the DuckDB
engine (``duckdb_engine``). What a check ``reads`` of each table is what the DuckDB engine keeps of it, so
the declaration cannot drift from the queries; ``derived`` values are computed in SQL instead of keeping
long text (a digest, a flag).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from cacdata.describe.csv_lines import CsvRow, read_all_rows
from cacdata.describe.package import DataPackage, Table
from cacdata.validation import (
    cells,
    consistency,
    cross_field,
    excerpts,
    expectations,
    file_bytes,
    package_wide,
    references,
    stock,
    support,
)
from cacdata.validation.duckdb_engine.stock import check_stock_sql, stock_read
from cacdata.validation.queries import Queries, sql_name
from cacdata.validation.report import Failure
from cacdata.validation.rules import RULES


@dataclass
class RowRun:
    """The row-by-row engine's view of a package: its rows are read once, when a check first asks for them."""

    package: DataPackage
    today: date

    @cached_property
    def rows(self) -> dict[str, list[CsvRow]]:
        """Every table's rows, by table name (tables whose file cannot be read are left out)."""
        return read_all_rows(self.package)


def _nothing(table: Table) -> list[str]:
    return []


@dataclass(frozen=True)
class Check:
    """One pass finding the failures of its rules: its name in the report, an implementation per engine,
    and the columns the DuckDB engine keeps for it."""

    name: str
    rows: Callable[[RowRun], list[Failure]]
    duckdb: Callable[[Queries], list[Failure]]
    reads: Callable[[Table], list[str]] = _nothing
    derived: Callable[[Table], list[str]] = _nothing
    every_cell: bool = False  # reads every cell of the rows the DuckDB engine's filter marks as suspect
    inputs: str = ""  # what else it reads, in words, for the catalogue

    @property
    def rule_ids(self) -> list[str]:
        """The IDs of the rules this check finds, in the catalogue's order."""
        return [rule.id for rule in RULES if rule.check == self.name]


def _package_wide(run: RowRun | Queries) -> list[Failure]:
    return package_wide.check_package_files(run.package)


CHECKS: tuple[Check, ...] = (
    Check(
        "frictionless",
        lambda run: stock.run_frictionless(run.package),
        check_stock_sql,
        reads=stock_read,
        every_cell=True,
        inputs="the descriptor and schemas, each file's size and hash",
    ),
    Check("package files", _package_wide, _package_wide, inputs="`datapackage.json`, `CITATION.cff`, `CHANGELOG.md`"),
    Check(
        "files",
        lambda run: file_bytes.check_files(run.package),
        file_bytes.check_files_sql,
        inputs="each CSV file's bytes, and its primary key",
    ),
    Check(
        "cells",
        lambda run: cells.check_cells(run.package, run.rows, run.today),
        cells.check_cells_sql,
        every_cell=True,
    ),
    Check(
        "references",
        lambda run: references.check_references(run.package, run.rows),
        references.check_references_sql,
        reads=references.references_read,
        derived=references.references_derived,
    ),
    Check(
        "cross-field",
        lambda run: cross_field.check_cross_field(run.package, run.rows),
        cross_field.check_cross_field_sql,
        reads=cross_field.cross_field_read,
        derived=cross_field.cross_field_derived,
    ),
    Check(
        "consistency",
        lambda run: consistency.check_consistency(run.package, run.rows),
        consistency.check_consistency_sql,
        reads=consistency.consistency_read,
        derived=consistency.consistency_derived,
    ),
    Check(
        "support",
        lambda run: support.check_support(run.package, run.rows),
        support.check_support_sql,
        reads=support.support_read,
    ),
    Check(
        "expectations",
        lambda run: expectations.check_expectations(run.package, run.rows),
        expectations.check_expectations_sql,
        derived=expectations.expectations_derived,
    ),
    Check(
        "address excerpts",
        lambda run: excerpts.check_address_excerpts(run.package),
        excerpts.check_address_excerpts_sql,
        reads=excerpts.address_read,
        derived=excerpts.address_derived,
    ),
)


def kept(table: Table) -> list[str]:
    """What the DuckDB engine keeps of ``table`` for the checks, as SQL: the key, each column a check reads,
    and each derived value, once."""
    names = [table.primary_key] + [name for check in CHECKS for name in check.reads(table)]
    expressions = [sql_name(name) for name in dict.fromkeys(names) if name in table.field_names]
    derived = [expression for check in CHECKS for expression in check.derived(table)]
    return expressions + [e for e in dict.fromkeys(derived) if e not in expressions]
