"""What every export reads of a package: typed frames, plain records and foreign keys as column triples."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cacdata.describe.package import DataPackage, Table
from cacdata.read.frames import read_table


def foreign_keys(table: Table) -> list[tuple[str, str, str]]:
    """(column, referenced table, referenced column); a self-reference names the table itself."""
    return [(fk.fields[0], fk.resource or table.name, fk.reference_fields[0]) for fk in table.schema.foreign_keys]


def frames(package: DataPackage) -> dict[str, pd.DataFrame]:
    """Every table as a typed frame, read before any export writes so bad data stops it early."""
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
