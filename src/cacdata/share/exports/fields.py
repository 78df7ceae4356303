"""What every export needs to know about a column, read from its Table Schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from cacdata.describe.package import DataPackage, Table
from cacdata.read.frames import read_table


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # the Table Schema type
    description: str
    required: bool
    enum: list[str] | None


def columns(table: Table) -> list[Column]:
    return [
        Column(
            name=field["name"],
            type=field.get("type", "string"),
            description=field.get("description", ""),
            required=bool(field.get("constraints", {}).get("required")),
            enum=field.get("constraints", {}).get("enum"),
        )
        for field in table.fields
    ]


def foreign_keys(table: Table) -> list[tuple[str, str, str]]:
    """(column, referenced table, referenced column); a self-reference names the table itself."""
    keys = []
    for fk in table.schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        target = fk["reference"]["fields"]
        target = target if isinstance(target, list) else [target]
        keys.append((fields[0], fk["reference"].get("resource") or table.name, target[0]))
    return keys


def frames(package: DataPackage) -> dict[str, pd.DataFrame]:
    return {name: read_table(table) for name, table in package.tables.items()}


def plain_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as Python values: missing is None, dates are ISO strings, categories their text."""
    records = []
    for row in frame.astype(object).itertuples(index=False):
        record: dict[str, Any] = {}
        for name, value in zip(frame.columns, row, strict=True):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                record[name] = None
            elif isinstance(value, pd.Timestamp):
                record[name] = value.date().isoformat()
            else:
                record[name] = value.item() if hasattr(value, "item") else value
        records.append(record)
    return records
