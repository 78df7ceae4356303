"""The sources behind one record, one line each, for a footnote (``cacdata cite ID``)."""

from __future__ import annotations

from typing import Any

from cacdata.describe.package import DataPackage
from cacdata.read.frames import read_table
from cacdata.read.records import get_record


class FootnoteError(Exception):
    """The record is unknown or has no citations, so there is nothing to cite."""


def cite_record(record_id: str, package: DataPackage | None = None) -> str:
    """The sources behind one record, one line each in source ID order, for a footnote."""
    package = package or DataPackage.open()
    try:
        record = get_record(record_id, package.root)
    except KeyError as error:
        raise FootnoteError(str(error.args[0])) from None
    sources = {item.source["source_id"]: item.source for item in record.evidence}
    if not sources:
        raise FootnoteError(f"{record_id}: no citations; nothing to cite")
    entities = read_table(package.table("entities"))
    publishers = {
        entity_id: name
        for entity_id, name in zip(entities["entity_id"], entities["name_en"], strict=True)
        if isinstance(name, str)
    }
    return "".join(_source_line(sources[source_id], publishers) + "\n" for source_id in sorted(sources))


def _source_line(source: dict[str, Any], publishers: dict[str, str]) -> str:
    publisher = publishers.get(source["publisher_id"], source["publisher_id"])
    title = f'"{source["title"]}"' if source["title"] else "untitled"
    if source["url"]:
        address = source["url"]
    elif source["read_at_url"]:
        address = f"read at {source['read_at_url']}"
    else:
        address = "no address recorded"
    parts = [publisher, title, source["date_published"] or "undated", address]
    if source["access_date"]:
        parts.append(f"accessed {source['access_date']}")
    return f"{source['source_id']}: {', '.join(parts)}"
