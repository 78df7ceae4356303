"""``cacdata validate``: the stock Frictionless checks plus the rules a Table Schema cannot state.

All checks run and report together; nothing stops at the first failure.

Glossary (one word for each thing, here and in every docstring and comment of this package):

- **failure**: what ``validate`` reports: one broken rule at one place (file, line, column, value), a
  ``Failure`` in the ``Report``. Any failure makes the data invalid (exit 1).
- **rule**: what a failure breaks, with an ID such as ``weak-support`` or ``row-order``; the ID is in each
  failure, and users and tests rely on it. Every rule is declared once, in ``rules.py``.
- **fault**: a deliberate break the test corpus makes in a copy of the package (``tests/faults.py``) to show
  a rule catches it. Never the word for what ``validate`` finds: that is a failure.
- **stock error**: what frictionless itself reports (``type-error``, ``foreign-key``, ...), restated as
  failures with our advice in ``stock.py``; the error type becomes the failure's rule ID.
- **check**: one pass that finds the failures of one or more rules (``checks.py``), implemented once per
  engine; the report lists the checks that ran.
- **engine**: how the checks run: the DuckDB engine (``duckdb_engine/``) or the row-by-row path (stock
  frictionless and our Python rules). Both must report the same failures for the same package.
- **refusal**: a package that cannot be checked at all (no descriptor, an unreadable schema, a line too
  long): ``PackageError``, exit 2, and no report. Not to be confused with ``duckdb_engine.Unsupported``, the
  DuckDB engine declining a package that the row-by-row path then checks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from cacdata.describe.csv_lines import check_shape
from cacdata.describe.package import DataPackage
from cacdata.validation import duckdb_engine
from cacdata.validation.checks import CHECKS, RowRun, kept
from cacdata.validation.excerpts import check_excerpts, source_texts
from cacdata.validation.report import Failure, Report

__all__ = ["Engine", "Failure", "Report", "validate"]


Engine = Literal["auto", "duckdb", "python"]


def validate(
    path: str | Path | None = None,
    texts: str | Path | None = None,
    today: date | None = None,
    engine: Engine = "auto",
) -> Report:
    """Validate the package at ``path`` (default: the bundled one); check excerpts against ``texts``.

    ``today`` is the date after which a date counts as in the future (default: today). Nothing is written.
    ``engine``: "duckdb" runs the table checks in DuckDB and refuses (``Unsupported``) a package it cannot
    read; "python" runs stock frictionless and our checks row by row; "auto" (the default) runs DuckDB where
    it can and the row-by-row path otherwise. Both report the same failures; ``Report.engine`` says which ran.

    Raises ``PackageError`` when the package cannot be read at all (a refusal, exit 2, not a failure of the data).
    """
    package = DataPackage.open(path)
    for table in package.tables.values():  # reading every schema (describe.schema) turns a broken one into PackageError
        check_shape(table.csv_path)  # and no engine is handed a file it would choke or drown on
    today = today or date.today()
    report: Report | None = None
    reason = ""
    if engine != "python":
        try:
            report = _run_in_duckdb(duckdb_engine.prepare(package, today, kept))
        except duckdb_engine.Unsupported as why:
            if engine == "duckdb":
                raise
            reason = str(why)
    if report is None:
        report = _run_row_by_row(RowRun(package, today))
        report.engine = f"python ({reason})" if engine == "auto" else "python"
    if texts is not None:
        text_of_source = source_texts(package, Path(texts))
        excerpts = check_excerpts(package, text_of_source)
        report.failures += excerpts.failures
        report.checked.append(
            f"excerpts ({len(text_of_source)} source text(s) matched, {excerpts.compared} excerpt(s) compared)"
        )
    return report


def _run_in_duckdb(engine: duckdb_engine.Engine) -> Report:
    """Every check of ``checks.CHECKS``, in order, as DuckDB queries."""
    report = Report()
    try:
        for check in CHECKS:
            report.failures += check.duckdb(engine)
            report.checked.append(check.name)
        engine.confirm()  # frictionless's verdict on the metadata, asked in parallel; a stock error: stock path
    except Exception as error:
        if duckdb_engine.is_engine_error(error):  # e.g. an older DuckDB without a function: the stock path runs
            raise duckdb_engine.Unsupported(f"DuckDB failed: {str(error)[:80]}") from None
        raise
    finally:
        engine.close()
    report.engine = "duckdb"
    return report


def _run_row_by_row(run: RowRun) -> Report:
    """Every check of ``checks.CHECKS``, in order: stock frictionless, then our rules in Python; runs anywhere."""
    report = Report()
    for check in CHECKS:
        report.failures += check.rows(run)
        report.checked.append(check.name)
    return report
