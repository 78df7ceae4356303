"""Parity with stock frictionless: on every broken copy, what it reports we report, at the same place.

Our Table Schema checks must mean what Frictionless means (unique and foreign keys ignore empty cells,
patterns are anchored, only ``missingValues`` are missing). Running both over the fault corpus shows it; our
own rules come on top and never replace a stock one.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import frictionless
import pytest

from cacdata.describe.csv_lines import row_start_lines
from cacdata.validation import validate
from cacdata.validation.stock import ADVICE

from corpus import Corpus, cases
from faults import FAULTS, Fault, copy_package

# Stock errors that our own file checks report instead, with the line frictionless cannot give.
RESTATED = {"encoding-error": "encoding-error", "scheme-error": "file-missing"}
CHECKABLE = [f for f in FAULTS if not f.needs_texts and not f.refused]


def stock_report(report: frictionless.Report, root: Path) -> Counter[tuple[str, str | None, int | None, str | None]]:
    """Stock frictionless's ``report`` on the package at ``root``, as (error type, table, line, column) counts."""
    found: Counter[tuple[str, str | None, int | None, str | None]] = Counter()
    for error in report.errors:
        found[(error.type, None, None, None)] += 1
    for task in report.tasks:
        try:
            lines = row_start_lines(root / "data" / f"{task.name}.csv")
        except (OSError, UnicodeDecodeError):
            lines = []
        for error in task.errors:
            if error.type in RESTATED:
                found[(RESTATED[error.type], task.name, None, None)] += 1
                continue
            row = getattr(error, "row_number", None)
            line = lines[row - 1] if row and row <= len(lines) else (1 if "label" in error.type else None)
            column = getattr(error, "field_name", None) or ", ".join(getattr(error, "field_names", None) or []) or None
            found[(error.type, task.name, line, column)] += 1
    return found


@pytest.mark.parametrize("fault", cases(CHECKABLE))
def test_we_report_what_stock_frictionless_reports(fault: Fault, corpus: Corpus) -> None:
    stock = stock_report(corpus.stock(fault), corpus.case(fault).root)
    ours: Counter[tuple[str, str | None, int | None, str | None]] = Counter()
    for failure in corpus.report(fault, "auto").failures:
        if failure.rule in ADVICE or failure.rule in RESTATED.values():
            column = failure.column if failure.rule not in {"primary-key", *RESTATED.values()} else None
            line = None if failure.rule in RESTATED.values() else failure.line
            ours[(failure.rule, failure.table, line, column)] += 1
    for key in [k for k in stock if k[0] in RESTATED.values()]:
        # frictionless also blames the tables whose foreign keys read the broken file; we name the file itself
        assert any(o[0] == key[0] for o in ours), f"stock found {key}, we did not"
        del stock[key]
    ours = Counter({k: v for k, v in ours.items() if k[0] not in RESTATED.values()})
    assert ours == stock


def test_frictionless_semantics_are_kept_on_the_clean_package(tmp_path: Path) -> None:
    """Empty cells in unique and foreign-key columns pass both validators (e.g. entities.parent_id)."""
    root = copy_package(tmp_path / "package")
    assert frictionless.validate(str(root / "datapackage.json")).valid
    assert validate(root).valid
