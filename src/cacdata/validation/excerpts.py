"""Check that excerpts appear verbatim in the stored texts of their sources.

A text file is matched to its source row by content: the SHA-256 of the file's bytes equals the row's
``text_sha256``. File names therefore do not matter, and a changed text never passes for the cited one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from cacdata.package import DataPackage
from cacdata.validation.csv_lines import read_rows
from cacdata.validation.references import CITATIONS
from cacdata.validation.report import Failure

WHITE_SPACE = re.compile(r"\s+")
ADDRESS = "address"  # a citation locator: the excerpt is copied from the source's URL, not its text


def collapse(text: str) -> str:
    """The declared normal form excerpts are compared in: Unicode NFKC, then runs of white space as one space.

    NFKC because the stored copies show full-width punctuation in its compatibility form (U+FF0C as `,`), so an
    excerpt copied from them still matches a copy that keeps the original punctuation; nothing else may differ.
    """
    return WHITE_SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def source_texts(package: DataPackage, folder: Path) -> dict[str, str]:
    """The collapsed text of each source whose ``text_sha256`` matches a file in ``folder``, by source ID."""
    by_hash = {
        hashlib.sha256(path.read_bytes()).hexdigest(): path for path in sorted(folder.iterdir()) if path.is_file()
    }
    texts = {}
    for row in read_rows(package.table("sources").csv_path):
        path = by_hash.get(row.cells.get("text_sha256", ""))
        if path is not None:
            try:
                texts[row.cells["source_id"]] = collapse(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                continue  # a matching hash on undecodable bytes cannot be quoted from
    return texts


def check_excerpts(package: DataPackage, text_of_source: dict[str, str]) -> list[Failure]:
    """Every excerpt of a source with a stored text (see ``source_texts``) must be found in that text."""
    citations = package.table(CITATIONS)
    file = package.relative(citations.csv_path)
    failures = []
    for row in read_rows(citations.csv_path):
        if row.cells.get("locator") == ADDRESS:
            continue  # checked against the URL by check_address_excerpts
        text = text_of_source.get(row.cells.get("source_id", ""))
        excerpt = collapse(row.cells.get("excerpt", ""))
        if text is not None and excerpt and excerpt not in text:
            failures.append(
                Failure(
                    "excerpt-verbatim",
                    f"The excerpt is not in the text of {row.cells['source_id']}; copy it character for character.",
                    file,
                    CITATIONS,
                    row.line,
                    "excerpt",
                    row.cells.get("excerpt"),
                )
            )
    return failures


def check_address_excerpts(package: DataPackage) -> list[Failure]:
    """A citation located at the ``address`` must quote its source's URL; needs no stored text."""
    urls = {
        row.cells.get("source_id", ""): row.cells.get("url", "") for row in read_rows(package.table("sources").csv_path)
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
    return Failure(
        "excerpt-verbatim",
        f"The excerpt is located at the address but is not in the URL of {source_id}.",
        file,
        CITATIONS,
        line,
        "excerpt",
        excerpt,
    )
