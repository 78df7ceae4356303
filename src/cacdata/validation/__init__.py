"""``cacdata validate``: the stock Frictionless checks plus the rules a Table Schema cannot state.

All checks run and report together; nothing stops at the first failure.
"""

from __future__ import annotations

from pathlib import Path

from cacdata.package import DataPackage
from cacdata.validation.excerpts import check_address_excerpts, check_excerpts, source_texts
from cacdata.validation.files import check_files
from cacdata.validation.references import check_references
from cacdata.validation.report import Failure, Report
from cacdata.validation.stock import run_frictionless

__all__ = ["Failure", "Report", "validate"]


def validate(path: str | Path | None = None, texts: str | Path | None = None) -> Report:
    """Validate the package at ``path`` (default: the bundled one); check excerpts against ``texts``.

    Raises ``PackageError`` when the package cannot be read at all (a usage error, not a data fault).
    """
    package = DataPackage.open(path)
    package.tables  # noqa: B018 - reading every schema up front turns a broken descriptor into PackageError
    report = Report()
    report.failures += run_frictionless(package)
    report.checked.append("frictionless")
    report.failures += check_files(package)
    report.checked.append("files")
    report.failures += check_references(package)
    report.checked.append("references")
    report.failures += check_address_excerpts(package)
    report.checked.append("address excerpts")
    if texts is not None:
        text_of_source = source_texts(package, Path(texts))
        report.failures += check_excerpts(package, text_of_source)
        report.checked.append(f"excerpts ({len(text_of_source)} source text(s) matched)")
    return report
