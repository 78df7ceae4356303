"""The sources and their excerpts as ``sources check`` needs them, and the atomic rewrite of ``sources.csv``.

Columns are found by name, never by position, so a column added to ``sources`` (by a schema change) is
carried through untouched.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from cacdata.describe.csv_lines import read_rows
from cacdata.describe.package import DataPackage
from cacdata.validation.excerpts import ADDRESS
from cacdata.validation.references import CITATIONS
from cacdata.validation.sources.cache import atomic_write

SOURCES = "sources"
WRITTEN = ("archive_url", "archive_date", "text_sha256")  # what --write may fill; archive_date only if declared


@dataclass(frozen=True)
class Excerpt:
    """One citation's excerpt, to be found in its source's text."""

    citation_id: str
    text: str


@dataclass
class Source:
    """One row of ``sources`` with the excerpts that cite it."""

    source_id: str
    url: str = ""
    read_at_url: str = ""
    archive_url: str = ""
    access_date: date | None = None
    excerpts: list[Excerpt] = field(default_factory=list)

    @property
    def text_address(self) -> str:
        """Where the text was read: ``read_at_url`` when given, else ``url``."""
        return self.read_at_url or self.url


def read_sources(package: DataPackage) -> list[Source]:
    """Every source, in file order, with the excerpts of its citations (those located at the address aside)."""
    sources: dict[str, Source] = {}
    for row in read_rows(package.table(SOURCES).csv_path):
        cells = row.cells
        source_id = cells.get("source_id", "")
        sources[source_id] = Source(
            source_id,
            url=cells.get("url", "").strip(),
            read_at_url=cells.get("read_at_url", "").strip(),
            archive_url=cells.get("archive_url", "").strip(),
            access_date=_date(cells.get("access_date", "")),
        )
    for row in read_rows(package.table(CITATIONS).csv_path):
        cells = row.cells
        source = sources.get(cells.get("source_id", ""))
        if source is not None and cells.get("locator") != ADDRESS and cells.get("excerpt", "").strip():
            source.excerpts.append(Excerpt(cells.get("citation_id", ""), cells["excerpt"]))
    return list(sources.values())


def write_sources(package: DataPackage, updates: dict[str, dict[str, str]]) -> list[str]:
    """Set the given cells (by source ID, then column name) atomically; returns the IDs whose row changed.

    Only the columns in ``WRITTEN`` that the table declares are written; every other byte is kept.
    """
    path = package.table(SOURCES).csv_path
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return []
    header = rows[0]
    key = header.index("source_id")
    columns = {name: header.index(name) for name in WRITTEN if name in header}
    changed = []
    for row in rows[1:]:
        update = updates.get(row[key]) if len(row) > key else None
        if not update:
            continue
        before = list(row)
        for name, value in update.items():
            if name in columns and columns[name] < len(row):
                row[columns[name]] = value
        if row != before:
            changed.append(row[key])
    if changed:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        atomic_write(path, out.getvalue().encode("utf-8"))
    return changed


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
