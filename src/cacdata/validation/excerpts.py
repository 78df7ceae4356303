"""Check that excerpts appear verbatim in the stored texts of their sources.

A text file is matched to its source row by content: the SHA-256 of the file's bytes equals the row's
``text_sha256``. File names therefore do not matter, and a changed text never passes for the cited one.
Excerpt and text are compared in the declared normal form (``normal_form``: NFKC, white space collapsed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cacdata.describe.csv_lines import read_rows
from cacdata.describe.package import DataPackage, Table
from cacdata.validation.normal_form import normal_form
from cacdata.validation.queries import Queries, sql_text
from cacdata.validation.references import CITATIONS, SOURCES
from cacdata.validation.report import Failure

ADDRESS = "address"  # a citation locator: the excerpt is copied from the source's URL, not its text


@dataclass
class ExcerptCheck:
    """What checking excerpts against texts found: the failures, and how many excerpts were compared."""

    failures: list[Failure]
    compared: int


def source_texts(package: DataPackage, folder: Path) -> dict[str, str]:
    """The normal-form text of each source whose ``text_sha256`` matches a file in ``folder``, by source ID."""
    by_hash = {
        hashlib.sha256(path.read_bytes()).hexdigest(): path for path in sorted(folder.iterdir()) if path.is_file()
    }
    texts: dict[str, str] = {}
    if SOURCES not in package.tables:
        return texts
    for row in read_rows(package.table(SOURCES).csv_path):
        path = by_hash.get(row.cells.get("text_sha256", ""))
        if path is not None:
            try:
                texts[row.cells["source_id"]] = normal_form(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                continue  # a matching hash on undecodable bytes cannot be quoted from
    return texts


def check_excerpts(package: DataPackage, text_of_source: dict[str, str]) -> ExcerptCheck:
    """Every excerpt of a source with a stored text (see ``source_texts``) must be found in that text."""
    if CITATIONS not in package.tables:
        return ExcerptCheck([], 0)
    citations = package.table(CITATIONS)
    file = package.relative(citations.csv_path)
    failures = []
    compared = 0
    for row in read_rows(citations.csv_path):
        if row.cells.get("locator") == ADDRESS:
            continue  # checked against the URL by check_address_excerpts
        text = text_of_source.get(row.cells.get("source_id", ""))
        excerpt = normal_form(row.cells.get("excerpt", ""))
        if text is None or not excerpt:
            continue
        compared += 1
        if excerpt not in text:
            failures.append(
                Failure(
                    "excerpt-verbatim",
                    f"The excerpt is not in the text of {row.cells['source_id']} (compared in NFKC, white space "
                    "collapsed); copy it character for character.",
                    file,
                    CITATIONS,
                    row.line,
                    "excerpt",
                    row.cells.get("excerpt"),
                )
            )
    return ExcerptCheck(failures, compared)


def check_address_excerpts(package: DataPackage) -> list[Failure]:
    """A citation located at the ``address`` must quote its source's URL; needs no stored text."""
    if CITATIONS not in package.tables or SOURCES not in package.tables:
        return []  # a missing citations table is missing-table; without sources no address is known
    urls = {
        row.cells.get("source_id", ""): row.cells.get("url", "") for row in read_rows(package.table(SOURCES).csv_path)
    }
    citations = package.table(CITATIONS)
    file = package.relative(citations.csv_path)
    failures = []
    for row in read_rows(citations.csv_path):
        excerpt = row.cells.get("excerpt", "")
        if row.cells.get("locator") == ADDRESS and excerpt not in urls.get(row.cells.get("source_id", ""), ""):
            failures.append(address_failure(file, row.line, excerpt, row.cells.get("source_id")))
    return failures


def address_failure(file: str, line: int, excerpt: str, source_id: str | None) -> Failure:
    """The ``excerpt-verbatim`` failure for an excerpt not found at its source's URL; shared by both engines."""
    return Failure(
        "excerpt-verbatim",
        f"The excerpt is located at the address but is not in the URL of {source_id}.",
        file,
        CITATIONS,
        line,
        "excerpt",
        excerpt,
    )


def check_address_excerpts_sql(engine: Queries) -> list[Failure]:
    """The rule for excerpts located at the address, in the DuckDB engine: a join of citations and sources."""
    if CITATIONS not in engine.loaded or SOURCES not in engine.loaded:
        return []
    citations = engine.loaded[CITATIONS]
    failures = []
    for row, excerpt, source_id in engine.fetch(
        f"SELECT c.row__, coalesce(c.excerpt, ''), coalesce(c.source_id, '') FROM {engine.view(CITATIONS)} c "
        f"LEFT JOIN (SELECT coalesce(source_id, '') AS id, arg_max(coalesce(url, ''), row__) AS url "
        f"FROM {engine.view('sources')} GROUP BY 1) s ON s.id = coalesce(c.source_id, '') "
        "WHERE c.address__ AND NOT contains(coalesce(s.url, ''), coalesce(c.excerpt, '')) "
        "ORDER BY c.row__"
    ):
        failures.append(address_failure(citations.file, citations.line(int(row)), excerpt, source_id))
    return failures


def address_read(table: Table) -> list[str]:
    """The columns the rule reads, for the DuckDB engine's narrow table."""
    wanted = {SOURCES: ("url",), CITATIONS: ("source_id",)}.get(table.name, ())
    return [c for c in wanted if c in table.field_names]


def address_derived(table: Table) -> list[str]:
    """Whether a citation is located at the address, and only such a citation's excerpt: long text stays in the file."""
    if table.name != CITATIONS or not {"excerpt", "locator"} <= set(table.field_names):
        return []
    return [
        f"coalesce(locator = {sql_text(ADDRESS)}, false) AS address__",
        f"CASE WHEN locator = {sql_text(ADDRESS)} THEN excerpt END AS excerpt",
    ]
