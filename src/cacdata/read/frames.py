"""Turn a CSV file into a pandas DataFrame typed by its Table Schema.

The schema is the only description of a column: string, integer, number, boolean and date fields, and
``enum`` constraints, map to pandas dtypes here and nowhere else.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cacdata.describe.package import Table
from cacdata.describe.schema import Field
from cacdata.describe.types import backends


class LoadError(ValueError):
    """A cell that cannot take its schema's type; names file, line and field."""


def pandas_dtype(field: Field) -> Any:
    """The pandas dtype a Table Schema field is loaded as: its allowed values as categories, else its type's."""
    if field.enum is not None:
        return pd.CategoricalDtype(categories=list(field.enum), ordered=False)
    return backends(field).pandas


def read_table(table: Table) -> pd.DataFrame:
    """Read a table's CSV with every column typed as its schema says.

    Only the schema's ``missingValues`` are missing: "NA", "None" or "null" in a text column stay text.
    """
    raw = pd.read_csv(
        table.csv_path,
        dtype=str,
        keep_default_na=False,
        na_values=table.missing_values,
        encoding="utf-8",
    )
    return typed_frame(raw, table)


def typed_frame(raw: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Type a frame of text cells (missing as NA) by the table's schema; exports read back through this too."""
    unexpected = [column for column in raw.columns if column not in table.field_names]
    missing = [name for name in table.field_names if name not in raw.columns]
    if unexpected or missing:
        raise LoadError(
            f"{table.csv_path}: line 1: header does not match schema"
            f" (missing: {', '.join(missing) or 'none'}; unexpected: {', '.join(unexpected) or 'none'})"
        )
    return pd.DataFrame({field.name: _typed(raw[field.name], field, table) for field in table.fields})


def _typed(column: pd.Series[Any], field: Field, table: Table) -> pd.Series[Any]:
    dtype = pandas_dtype(field)
    present = column.notna()
    typed: pd.Series[Any]
    if isinstance(dtype, pd.CategoricalDtype):
        typed = column.astype(dtype)
        lost = present & typed.isna()
    elif field.type == "date":
        date_format = "%Y-%m-%d" if field.format == "default" else field.format
        typed = pd.to_datetime(column, format=date_format, errors="coerce")
        lost = present & typed.isna()
    elif field.type == "boolean":
        truthy = dict.fromkeys(field.true_values, True)
        falsy = dict.fromkeys(field.false_values, False)
        typed = column.map({**truthy, **falsy}).astype("boolean")
        lost = present & typed.isna()
    elif field.type in ("integer", "number"):
        typed = pd.to_numeric(column, errors="coerce").astype(dtype)
        lost = present & typed.isna()
    else:
        return column.astype("string")
    if lost.any():
        row = int(lost.to_numpy().nonzero()[0][0])
        raise LoadError(
            f"{table.csv_path}: line {row + 2}: field {field.name!r}: "
            f"{column.iloc[row]!r} is not a valid {field.type}"
            + (" from the allowed values" if isinstance(dtype, pd.CategoricalDtype) else "")
            + "; run `cacdata validate` for a full report"
        )
    return typed
