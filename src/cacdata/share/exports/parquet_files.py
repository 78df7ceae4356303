"""Parquet, one file per table through pyarrow: dates as date32, allowed values as dictionaries, and each
field's description in the Arrow schema's field metadata (the table's in the schema metadata)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cacdata.describe.atomic import replacing
from cacdata.describe.package import DataPackage
from cacdata.describe.schema import Field
from cacdata.describe.types import backends
from cacdata.share.exports.fields import frames


def write_parquet(package: DataPackage, out: Path) -> list[Path]:
    """Write one Parquet file per table into ``out``, with schema descriptions as field metadata; returns the files."""
    written = []
    for name, frame in frames(package).items():
        table = package.table(name)
        fields = []
        for column in table.fields:
            kind = pa.dictionary(pa.int32(), pa.string()) if column.enum is not None else _arrow(column)
            metadata = {"description": column.description, "type": column.type}
            fields.append(pa.field(column.name, kind, nullable=not column.required, metadata=metadata))
        schema = pa.schema(fields, metadata={"title": table.title, "description": table.description})
        arrow = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
        path = out / f"{name}.parquet"
        with replacing(path) as temporary:
            pq.write_table(arrow, temporary, compression="zstd")
        written.append(path)
    return written


def _arrow(field: Field) -> pa.DataType:
    """The Arrow type of a field without allowed values, by the name the type maps give."""
    factory = getattr(pa, backends(field).arrow)
    return factory()
