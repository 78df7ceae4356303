"""Read an export back into the frames ``cacdata.load`` gives, so a round trip can be checked.

Each format is read with its own library; text cells then go through the same schema typing as the CSV
files, so equal data compares equal whatever the format.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cacdata.describe.package import Table
from cacdata.read.frames import typed_frame


def read_back(fmt: str, out: Path, table: Table) -> pd.DataFrame:
    """One table of the export at ``out`` in format ``fmt``, typed as ``cacdata.load`` types it."""
    if fmt == "sqlite":
        with sqlite3.connect(out) as db:
            rows = db.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid').fetchall()
            names = [c[1] for c in db.execute(f'PRAGMA table_info("{table.name}")')]
        return _typed([dict(zip(names, row, strict=True)) for row in rows], table)
    if fmt == "duckdb":
        import duckdb

        with duckdb.connect(str(out), read_only=True) as db:
            frame = db.execute(f'SELECT * FROM "{table.name}"').df()
        return _typed(frame.astype(object).to_dict("records"), table)
    if fmt == "parquet":
        return _typed(pd.read_parquet(out / f"{table.name}.parquet").astype(object).to_dict("records"), table)
    if fmt == "json":
        return _typed(json.loads((out / f"{table.name}.json").read_text(encoding="utf-8")), table)
    if fmt == "jsonl":
        lines = (out / f"{table.name}.jsonl").read_text(encoding="utf-8").splitlines()
        return _typed([json.loads(line) for line in lines], table)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(out, read_only=True)[table.name]
        header, *rows = list(sheet.iter_rows(values_only=True))
        return _typed([dict(zip(header, row, strict=True)) for row in rows], table)
    raise ValueError(f"unknown format {fmt!r}")


def _typed(records: Sequence[Mapping[Any, Any]], table: Table) -> pd.DataFrame:
    text = {name: [_text(record.get(name)) for record in records] for name in table.field_names}
    return typed_frame(pd.DataFrame(text, columns=table.field_names, dtype=object), table)


def _text(value: Any) -> Any:
    """A cell as the CSV would hold it: missing is NA, dates ISO, booleans lower-case."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return pd.NA
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)
