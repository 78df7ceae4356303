"""DuckDB: dates stay DATE, allowed values become ENUM types, descriptions become COMMENTs."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from cacdata.describe.atomic import replacing
from cacdata.describe.package import DataPackage
from cacdata.describe.types import backends
from cacdata.share.exports.fields import frames


def write_duckdb(package: DataPackage, out: Path) -> list[Path]:
    """Write the package as one DuckDB database at ``out``, replaced whole or not at all; returns the file."""
    data = frames(package)  # read (and so check) every table before anything is written
    with replacing(out) as temporary:
        temporary.unlink()  # DuckDB creates its file itself; an empty one is not a database
        _write(package, data, temporary)
    return [out]


def _write(package: DataPackage, data: dict[str, pd.DataFrame], out: Path) -> None:
    with duckdb.connect(str(out)) as db:
        for name, table in package.tables.items():
            definitions = []
            for column in table.fields:
                kind = backends(column).duckdb
                if column.enum is not None:
                    kind = f"ENUM({', '.join(_literal(v) for v in column.enum)})"
                null = " NOT NULL" if column.required else ""
                definitions.append(f"{_name(column.name)} {kind}{null}")
            definitions.append(f"PRIMARY KEY ({_name(table.primary_key)})")
            db.execute(f"CREATE TABLE {_name(name)} ({', '.join(definitions)})")
            frame = data[name]
            db.register("incoming", frame)
            db.execute(f"INSERT INTO {_name(name)} SELECT * FROM incoming")
            db.unregister("incoming")
            db.execute(f"COMMENT ON TABLE {_name(name)} IS {_literal(table.description)}")
            for column in table.fields:
                db.execute(f"COMMENT ON COLUMN {_name(name)}.{_name(column.name)} IS {_literal(column.description)}")


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
