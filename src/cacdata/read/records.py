"""One record with the evidence behind it: the citations that support it and the sources they quote."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cacdata.describe.package import DataPackage
from cacdata.read.frames import read_table


@dataclass(frozen=True)
class Evidence:
    """One citation supporting a record, with the source row it quotes."""

    citation: dict[str, Any]
    source: dict[str, Any]


@dataclass(frozen=True)
class Record:
    """A record's cells with its evidence, so a reader sees a fact and what backs it together."""

    table: str
    fields: dict[str, Any]
    evidence: list[Evidence]


def get_record(record_id: str, path: str | Path | None = None) -> Record:
    """The record with this ID, from whichever table its prefix names; ``KeyError`` if there is none."""
    package = DataPackage.open(path)
    table = package.table_for_id(record_id)
    if table is None:
        raise KeyError(f"{record_id!r} has no known prefix")
    frame = read_table(table)
    match = frame[frame[table.primary_key] == record_id]
    if match.empty:
        raise KeyError(f"no record {record_id!r} in table {table.name!r}")
    citations = read_table(package.table("citations"))
    sources = read_table(package.table("sources")).set_index("source_id", drop=False)
    evidence = [
        Evidence(_plain(citation), _plain(sources.loc[citation["source_id"]].to_dict()))
        for citation in citations[citations["record_id"] == record_id].to_dict("records")
    ]
    return Record(table.name, _plain(match.iloc[0].to_dict()), evidence)


def _plain(row: dict[Any, Any]) -> dict[str, Any]:
    """Cells as JSON-ready values: missing becomes None, dates become ISO strings."""
    plain: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            plain[str(key)] = None
        elif hasattr(value, "date") and callable(value.date):
            plain[str(key)] = value.date().isoformat()
        else:
            plain[str(key)] = value
    return plain
