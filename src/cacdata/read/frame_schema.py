"""A pandera schema for a loaded table, derived from its Table Schema.

Mirrors Frictionless semantics where pandera's own reader does not: empty cells are ignored by ``unique``,
patterns are anchored at both ends, enums become the categories the loader already uses.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from cacdata.describe.package import Table
from cacdata.describe.schema import Field
from cacdata.read.frames import pandas_dtype


def frame_schema(table: Table) -> pa.DataFrameSchema:
    """The checks a typed DataFrame of this table must pass."""
    return pa.DataFrameSchema(
        {field.name: _column(field) for field in table.fields},
        strict=True,
        ordered=True,
        name=table.name,
    )


def _column(field: Field) -> pa.Column:
    checks = []
    if field.pattern is not None:
        checks.append(pa.Check.str_matches(f"^(?:{field.pattern})$"))
    if field.max_length is not None:
        checks.append(pa.Check.str_length(max_value=field.max_length))
    if field.unique:
        checks.append(pa.Check(_unique_ignoring_missing, name="unique", error="values repeat"))
    return pa.Column(
        pandas_dtype(field),
        checks=checks,
        nullable=not field.required,
        description=field.description or None,
        title=field.title or None,
    )


def _unique_ignoring_missing(column: pd.Series) -> bool:
    present = column.dropna()
    return bool(present.is_unique)
