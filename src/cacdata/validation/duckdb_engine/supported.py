"""What the DuckDB engine covers, and the checks that tell it to hand a package to the row-by-row path.

``Unsupported`` is not a failure of the data: it says only that this engine does not implement something the
package uses (another CSV dialect, a constraint, a type), and the caller then runs stock frictionless.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from cacdata.describe.package import DataPackage, Table
from cacdata.describe.schema import ForeignKey
from cacdata.validation.queries import sql_text

if TYPE_CHECKING:
    import duckdb

RESOURCE_KEYS = frozenset(
    {"name", "title", "description", "path", "schema", "profile", "format", "mediatype", "encoding", "bytes", "hash"}
    | {"licenses", "sources", "homepage"}
)
SCHEMA_KEYS = frozenset(
    {"fields", "primaryKey", "foreignKeys", "missingValues", "$schema", "profile", "title", "description"}
)
FIELD_KEYS = frozenset({"name", "type", "format", "title", "description", "constraints", "example", "rdfType"})
STRING_CONSTRAINTS = ("required", "minLength", "maxLength", "pattern", "enum")  # frictionless's order
DATE_CONSTRAINTS = ("required",)
# types whose cells frictionless itself reads, for the rows found suspect; clean values need no reading
READ_BY_FRICTIONLESS = {"boolean": "true|false", "number": "-?[0-9]+([.][0-9]+)?"}
DATE_FORMATS = {"default": "%Y-%m-%d", "%Y-%m-%d": "%Y-%m-%d"}


class Unsupported(Exception):
    """The package uses something this engine does not implement; the row-by-row path must run."""


def check_supported(package: DataPackage) -> None:
    """Raise ``Unsupported`` for any descriptor or schema feature the engine does not implement."""
    for resource in package.descriptor["resources"]:
        name = resource.get("name")
        extra = set(resource) - RESOURCE_KEYS
        if extra:
            raise Unsupported(f"resource {name!r} uses {sorted(extra)}")
        if resource.get("format", "csv") != "csv" or str(resource.get("encoding", "")).lower() not in ("utf-8", "utf8"):
            raise Unsupported(f"resource {name!r} is not declared as a UTF-8 CSV file")
        if not isinstance(resource.get("path"), str) or not str(resource["path"]).endswith(".csv"):
            raise Unsupported(f"resource {name!r} has no single .csv path")
    names = [r.get("name") for r in package.descriptor["resources"]]
    if len(set(names)) != len(names):
        raise Unsupported("two resources share a name")
    for table in package.tables.values():
        schema = table.schema.descriptor
        extra = {k for k in schema if not k.startswith("cacdata:")} - SCHEMA_KEYS
        if extra:
            raise Unsupported(f"schema of {table.name!r} uses {sorted(extra)}")
        if schema.get("missingValues", [""]) != [""]:
            raise Unsupported(f"schema of {table.name!r} has other missing values than the empty cell")
        for column in table.fields:
            _supported_field(table, column.descriptor)
        if len(table.schema.primary_key) != 1:
            raise Unsupported(f"schema of {table.name!r} has no one-field primary key")
        for fk in table.schema.foreign_keys:
            _one_field_reference(package, table, fk)


def _supported_field(table: Table, column: Mapping[str, Any]) -> None:
    extra = {k for k in column if not k.startswith("cacdata:")} - FIELD_KEYS
    kind = column.get("type", "string")
    constraints = column.get("constraints", {})
    allowed = (*STRING_CONSTRAINTS, "unique") if kind == "string" else DATE_CONSTRAINTS
    where = f"field {table.name}.{column['name']}"
    if extra:
        raise Unsupported(f"{where} uses {sorted(extra)}")
    if kind == "string" and column.get("format", "default") != "default":
        raise Unsupported(f"{where} has a string format")
    if kind == "date" and column.get("format", "default") not in DATE_FORMATS:
        raise Unsupported(f"{where} has a date format other than %Y-%m-%d")
    if kind in READ_BY_FRICTIONLESS and column.get("format", "default") != "default":
        raise Unsupported(f"{where} has a {kind} format")
    known = kind in ("string", "date", *READ_BY_FRICTIONLESS)
    if not known or not isinstance(constraints, dict) or set(constraints) - set(allowed):
        raise Unsupported(f"{where} has a type or constraint the engine does not implement")
    if "enum" in constraints and not all(isinstance(v, str) for v in constraints["enum"]):
        raise Unsupported(f"{where} has an enum of other values than text")
    for flag in ("required", "unique"):
        if not isinstance(constraints.get(flag, False), bool):
            raise Unsupported(f"{where}: {flag} is not true or false")
    for bound in ("minLength", "maxLength"):
        if bound in constraints and not (type(constraints[bound]) is int and constraints[bound] >= 0):
            raise Unsupported(f"{where}: {bound} is not a count")
    if "pattern" in constraints:
        try:
            re.compile(f"^{constraints['pattern']}$")
        except (re.error, TypeError):
            raise Unsupported(f"{where} has a pattern Python cannot compile") from None


def _one_field_reference(package: DataPackage, table: Table, fk: ForeignKey) -> None:
    where = f"a foreign key of {table.name!r}"
    if len(fk.fields) != 1:
        raise Unsupported(f"{where} is not one field of the table")
    other = table if fk.resource in ("", table.name) else package.tables.get(fk.resource)
    if other is None or fk.reference_fields[0] not in other.field_names:
        raise Unsupported(f"{where} refers to no field of a table in the package")
    for kind in (table.schema.field(fk.fields[0]), other.schema.field(fk.reference_fields[0])):
        if kind.type != "string":
            raise Unsupported(f"{where} joins fields that are not text")


def hash_algorithm(value: object) -> tuple[str, str]:
    """The algorithm and digest of a descriptor's ``hash`` (MD5 where it names none, as frictionless reads it)."""
    text = str(value)
    if ":" in text:
        algorithm, digest = text.split(":", 1)
        return algorithm, digest
    return "md5", text


def frictionless_metadata(descriptor: str) -> None:
    """Stock frictionless's own judgement of the descriptor and schemas, as ``validate`` opens them; reads no data.

    Raises ``Unsupported`` on any stock error: the stock path then reports it, in frictionless's words.
    """
    import frictionless

    try:
        opened = frictionless.Resource(descriptor)
        if not isinstance(opened, frictionless.resources.PackageResource):
            raise Unsupported("frictionless does not read the descriptor as a package")
        read = opened.read_metadata()
        read.to_descriptor(validate=True)
        for resource in read.resources:
            resource.to_descriptor(validate=True)
    except Unsupported:
        raise
    except Exception as error:
        raise Unsupported(f"frictionless finds fault with the metadata ({type(error).__name__})") from None


class MetadataCheck:
    """``frictionless_metadata`` in a thread of its own, started before anything else and awaited last.

    Importing frictionless is the longest single step on a small package; DuckDB's work runs beside it. (A
    separate process was tried: no faster, since the import itself is the critical path.)
    """

    def __init__(self, package: DataPackage) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.future = self.pool.submit(frictionless_metadata, str(package.descriptor_path))

    def result(self) -> None:
        """Raise ``Unsupported`` if frictionless reports any stock error in the metadata."""
        try:
            self.future.result()
        finally:
            self.pool.shutdown()

    def cancel(self) -> None:
        """Stop waiting for the metadata check (on an error or refusal) and wait for its thread to end."""
        self.future.cancel()
        self.pool.shutdown(wait=True)


def check_header(table: Table) -> None:
    """The header is the schema's field names, and the dialect frictionless would sniff is plain CSV."""
    try:
        with table.csv_path.open(encoding="utf-8", newline="") as handle:
            sample = [line for _, line in zip(range(100), handle, strict=False)]
    except (OSError, UnicodeDecodeError):
        raise Unsupported(f"{table.name}: cannot be read as UTF-8 text") from None
    try:
        header = next(csv.reader(io.StringIO("".join(sample))), [])
    except csv.Error:  # e.g. CR line endings: the file checks report the failure
        raise Unsupported(f"{table.name}: the header cannot be read as CSV") from None
    if header != table.field_names:
        raise Unsupported(f"{table.name}: the header differs from the schema's field names")
    try:
        sniffed = csv.Sniffer().sniff("".join(sample), ",\t;|")
    except csv.Error:
        return
    if sniffed.delimiter != "," or sniffed.skipinitialspace or sniffed.quotechar not in ('"', "'"):
        raise Unsupported(f"{table.name}: frictionless would read another CSV dialect")
    if sniffed.escapechar:
        raise Unsupported(f"{table.name}: frictionless would read an escape character")


def check_patterns(package: DataPackage, con: duckdb.DuckDBPyConnection) -> None:
    """Raise ``Unsupported`` for a schema pattern DuckDB's RE2 cannot run (the row-by-row path runs it in Python)."""
    import duckdb

    for table in package.tables.values():
        for column in table.fields:
            pattern = column.pattern
            if pattern is not None:
                try:
                    con.execute(f"SELECT regexp_full_match('', {sql_text(pattern)})")
                except duckdb.Error:
                    raise Unsupported(f"{table.name}.{column.name}: a pattern RE2 cannot run") from None
