"""What each Table Schema type becomes in pandas, Arrow, DuckDB, SQLite and Croissant, side by side.

Loading, the exports and Datasette must agree on a column's type; keeping the four maps together makes a
new type one line here. Names only (no pandas or pyarrow import), so ``import cacdata`` stays light.
"""

from __future__ import annotations

from dataclasses import dataclass

from cacdata.describe.schema import Field


@dataclass(frozen=True)
class Backends:
    """One Table Schema type in each place the data goes."""

    pandas: str  # a pandas dtype name (nullable extension types, so missing cells stay missing)
    arrow: str  # the name of a pyarrow type factory (``pa.string()``, ``pa.date32()``, ...)
    duckdb: str  # a DuckDB column type
    sqlite: type  # the Python type sqlite-utils makes a column of
    croissant: str  # the schema.org data type a Croissant field declares


TYPES: dict[str, Backends] = {
    "string": Backends(pandas="string", arrow="string", duckdb="VARCHAR", sqlite=str, croissant="sc:Text"),
    "integer": Backends(pandas="Int64", arrow="int64", duckdb="BIGINT", sqlite=int, croissant="sc:Integer"),
    "number": Backends(pandas="Float64", arrow="float64", duckdb="DOUBLE", sqlite=float, croissant="sc:Float"),
    "boolean": Backends(pandas="boolean", arrow="bool_", duckdb="BOOLEAN", sqlite=int, croissant="sc:Boolean"),
    "date": Backends(pandas="datetime64[ns]", arrow="date32", duckdb="DATE", sqlite=str, croissant="sc:Date"),
}


def backends(field: Field) -> Backends:
    """The types of this field in every backend; a type cacdata does not model is carried as text."""
    return TYPES.get(field.type, TYPES["string"])
