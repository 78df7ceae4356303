"""``cacdata validate``: the stock Frictionless checks plus the rules a Table Schema cannot state.

All checks run and report together; nothing stops at the first failure.

Glossary (one word for each thing, here and in every docstring and comment of this package):

- **failure**: what ``validate`` reports: one broken rule at one place (file, line, column, value), a
  ``Failure`` in the ``Report``. Any failure makes the data invalid (exit 1).
- **rule**: one check with an ID such as ``weak-support`` or ``row-order``; the ID is in each failure it
  reports, and users and tests rely on it.
- **fault**: a deliberate break the test corpus makes in a copy of the package (``tests/faults.py``) to show
  a rule catches it. Never the word for what ``validate`` finds: that is a failure.
- **stock error**: what frictionless itself reports (``type-error``, ``foreign-key``, ...), restated as
  failures with our advice in ``stock.py``; the error type becomes the failure's rule ID.
- **engine**: how the table checks run: the DuckDB path (``tabular.py``) or the row-by-row path (stock
  frictionless and our Python rules). Both must report the same failures for the same package.
- **refusal**: a package that cannot be checked at all (no descriptor, an unreadable schema, a line too
  long): ``PackageError``, exit 2, and no report. Not to be confused with ``tabular.Unsupported``, the
  DuckDB engine declining a package that the row-by-row path then checks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from cacdata.describe.csv_lines import check_shape, read_all_rows
from cacdata.describe.package import DataPackage
from cacdata.validation import tabular
from cacdata.validation.cells import check_cells
from cacdata.validation.consistency import check_consistency
from cacdata.validation.excerpts import check_address_excerpts, check_excerpts, source_texts
from cacdata.validation.expectations import check_expectations
from cacdata.validation.files import check_files
from cacdata.validation.package_files import check_package_files
from cacdata.validation.references import check_references
from cacdata.validation.report import Failure, Report
from cacdata.validation.semantics import check_semantics
from cacdata.validation.stock import run_frictionless
from cacdata.validation.support import check_support

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
            report = _validate_fast(package, tabular.prepare(package, today))
        except tabular.Unsupported as why:
            if engine == "duckdb":
                raise
            reason = str(why)
    if report is None:
        report = _validate_rows(package, today)
        report.engine = f"python ({reason})" if engine == "auto" else "python"
    if texts is not None:
        text_of_source = source_texts(package, Path(texts))
        excerpts = check_excerpts(package, text_of_source)
        report.failures += excerpts.failures
        report.checked.append(
            f"excerpts ({len(text_of_source)} source text(s) matched, {excerpts.compared} excerpt(s) compared)"
        )
    return report


def _validate_fast(package: DataPackage, engine: tabular.Engine) -> Report:
    """The same checks in the same order as ``_validate_rows``, as DuckDB queries."""
    report = Report()
    steps = [
        ("frictionless", engine.stock),
        ("package files", lambda: check_package_files(package)),
        ("files", engine.files),
        ("cells", engine.cells),
        ("references", engine.references),
        ("semantics", engine.semantics),
        ("expectations", engine.expectations),
        ("address excerpts", engine.address_excerpts),
    ]
    try:
        for name, step in steps:
            report.failures += step()
            report.checked.append(name)
        engine.confirm()  # frictionless's verdict on the metadata, asked in parallel; a stock error: stock path
    except Exception as error:
        if tabular.is_engine_error(error):  # e.g. an older DuckDB without a function: the stock path still runs
            raise tabular.Unsupported(f"DuckDB failed: {str(error)[:80]}") from None
        raise
    finally:
        engine.close()
    report.engine = "duckdb"
    return report


def _validate_rows(package: DataPackage, today: date) -> Report:
    """Stock frictionless, then our checks row by row in Python: runs on any package."""
    report = Report()
    report.failures += run_frictionless(package)
    report.checked.append("frictionless")
    report.failures += check_package_files(package)
    report.checked.append("package files")
    report.failures += check_files(package)
    report.checked.append("files")
    rows = read_all_rows(package)
    report.failures += check_cells(package, rows, today)
    report.checked.append("cells")
    report.failures += check_references(package, rows)
    report.checked.append("references")
    report.failures += check_semantics(package, rows) + check_consistency(package, rows) + check_support(package, rows)
    report.checked.append("semantics")
    report.failures += check_expectations(package, rows)
    report.checked.append("expectations")
    report.failures += check_address_excerpts(package)
    report.checked.append("address excerpts")
    return report
