"""A pandera schema for a loaded table, derived from its Table Schema.

Mirrors Frictionless semantics where pandera's own reader does not: empty cells are ignored by ``unique``,
patterns are anchored at both ends, enums become the categories the loader already uses.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa

from cacdata.describe.package import Table
from cacdata.read.frames import pandas_dtype


def frame_schema(table: Table) -> pa.DataFrameSchema:
    """The checks a typed DataFrame of this table must pass."""
    return pa.DataFrameSchema(
        {field["name"]: _column(field) for field in table.fields},
        strict=True,
        ordered=True,
        name=table.name,
    )


def _column(field: dict[str, Any]) -> pa.Column:
    constraints = field.get("constraints", {})
    checks = []
    if "pattern" in constraints:
        checks.append(pa.Check.str_matches(f"^(?:{constraints['pattern']})$"))
    if "maxLength" in constraints:
        checks.append(pa.Check.str_length(max_value=constraints["maxLength"]))
    if constraints.get("unique"):
        checks.append(pa.Check(_unique_ignoring_missing, name="unique", error="values repeat"))
    return pa.Column(
        pandas_dtype(field),
        checks=checks,
        nullable=not constraints.get("required", False),
        description=field.get("description"),
        title=field.get("title"),
    )


def _unique_ignoring_missing(column: pd.Series) -> bool:
    present = column.dropna()
    return bool(present.is_unique)
