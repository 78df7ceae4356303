"""The Table Schema checks and our own rules, run in DuckDB: what stock frictionless does cell by cell in Python.

Every check is generated from the schemas, never written per table, and reports exactly what the row-by-row
path reports (``tests/test_engines.py`` compares the two on the whole fault corpus). DuckDB reads each CSV
once, in parallel, into a narrow table: the keys, the columns the cross-table rules read, and the full cells
of only those rows a cheap test marks as suspect. Every suspect row is then judged in Python by the very
rules the row-by-row path applies, so DuckDB only has to over-approximate, never to agree to the letter.

The engine covers what our schemas use: string and ``%Y-%m-%d`` date fields; required, unique, pattern, enum,
minLength and maxLength; a one-field primary key and one-field foreign keys; ``missingValues`` of ``[""]``;
RFC 4180 CSV in UTF-8 without BOM or CR. ``prepare`` says why it cannot run on anything else, and the caller
then runs the row-by-row path with stock frictionless, so a report never shrinks.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cacdata.describe.package import DataPackage, Table
from cacdata.describe.schema import Field, ForeignKey
from cacdata.validation import consistency_sql, support
from cacdata.validation.cells import ISO_DATE, cell_faults, date_faults
from cacdata.validation.excerpts import ADDRESS, address_failure
from cacdata.validation.expectations import fill_failure, row_count_failure
from cacdata.validation.references import (
    CITATIONS,
    citation_field_failure,
    missing_citations_failure,
    target_failure,
    uncited_failure,
)
from cacdata.validation.report import Failure
from cacdata.validation.semantics import (
    ENTITIES,
    date_order_failure,
    entity_type_failure,
    is_date,
    parent_cycles,
    required_with_failure,
    self_references,
)
from cacdata.validation.stock import StockError, table_failure
from cacdata.validation.unicode_classes import re2_class

if TYPE_CHECKING:
    import duckdb

# Frictionless stops a table's report at this many errors, and then skips the hash and size checks.
LIMIT_ERRORS = 1000
READ_BUFFER = 4 * 2**20  # DuckDB's default (32 MiB a thread) doubles the peak memory, for no speed
CHUNK = 2**20  # small: a decoded chunk of CJK text takes two to four times its bytes

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
# A pattern of ASCII letters, digits, _ and - only (literals, classes of them, quantifiers): what it matches
# cannot hold white space, control, invisible or non-NFC characters, and RE2 and Python agree on it.
PLAIN_PATTERN = re.compile(r"(?:\[(?:[A-Za-z0-9_](?:-[A-Za-z0-9_])?)+\]|[A-Za-z0-9_-]|\{[0-9]+(?:,[0-9]*)?\}|[*+?])+")
FORMULA_CLASS = "^[=+@\\-\\x{ff1d}\\x{ff0b}\\x{ff0d}\\x{ff20}]"


class Unsupported(Exception):
    """The package uses something this engine does not implement; the row-by-row path must run."""


@dataclass
class Column:
    """A field and its position in the CSV row, as the cell checks walk a row."""

    name: str
    index: int
    field: Field

    @property
    def kind(self) -> str:
        """The field's Table Schema type."""
        return self.field.type

    @property
    def constraints(self) -> dict[str, Any]:
        """The constraints as written, in the order frictionless reports them (its messages quote them raw)."""
        return dict(self.field.descriptor.get("constraints", {}))


@dataclass
class Loaded:
    """One table as read: row count, suspect rows with their cells, and the line each row starts on."""

    table: Table
    file: str
    rows: int
    suspects: dict[int, list[str]]  # row index -> cells
    extra_lines: list[tuple[int, int]] = field(default_factory=list)  # (row index, cumulative extra lines)
    size: int = 0
    digest: dict[str, str] = field(default_factory=dict)
    newlines: int = 0
    ends_with_newline: bool = True

    def line(self, row: int) -> int:
        """The physical line row ``row`` (0-based, header excluded) starts on."""
        if not self.extra_lines:
            return row + 2
        position = bisect_right(self.extra_lines, (row, -1)) - 1
        return row + 2 + (self.extra_lines[position][1] if position >= 0 else 0)


def sql_text(value: str) -> str:
    """A string as a quoted SQL literal, so file names and values cannot break a query."""
    return "'" + value.replace("'", "''") + "'"


def sql_name(value: str) -> str:
    """A name as a quoted SQL identifier, so any table or column name is safe in a query."""
    return '"' + value.replace('"', '""') + '"'


def _supported(package: DataPackage) -> None:
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


def _hash_algorithm(value: object) -> tuple[str, str]:
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


def _scan_bytes(table: Table, algorithms: tuple[str, ...]) -> tuple[int, dict[str, str], int, bool]:
    """Size, digests and newline count, in one streaming pass; refuses a BOM and CR.

    Invalid UTF-8 is refused by DuckDB's reader (overlong forms, surrogates and stray bytes included, as by
    Python's codec; ``tests/test_engines.py`` checks it) and, in the header, by ``_check_header``.
    """
    digests = {name: hashlib.new(name, usedforsecurity=False) for name in algorithms if name in ("md5", "sha256")}
    size = newlines = 0
    last = b""
    try:
        with table.csv_path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                if size == 0 and chunk.startswith(codecs.BOM_UTF8):
                    raise Unsupported(f"{table.name}: starts with a byte-order mark")
                if b"\r" in chunk:
                    raise Unsupported(f"{table.name}: has CR characters")
                for digest in digests.values():
                    digest.update(chunk)
                size += len(chunk)
                newlines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        raise Unsupported(f"{table.name}: cannot be read") from None
    if size == 0:
        raise Unsupported(f"{table.name}: is empty")
    return size, {name: digest.hexdigest() for name, digest in digests.items()}, newlines, last == b"\n"


def _check_header(table: Table) -> None:
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


class Engine:
    """The package loaded into DuckDB, with each check as a query."""

    def __init__(self, package: DataPackage, today: date, metadata: MetadataCheck | None = None) -> None:
        import duckdb

        self.metadata = metadata
        self.package = package
        self.today = today
        self.con: duckdb.DuckDBPyConnection = duckdb.connect(":memory:", config={"preserve_insertion_order": True})
        self.loaded: dict[str, Loaded] = {}
        self.self_refs = {name: self_references(table) for name, table in package.tables.items()}

    def close(self) -> None:
        """Close the DuckDB connection and cancel the metadata check; call once, however the run ends."""
        self.con.close()
        if self.metadata is not None:
            self.metadata.cancel()

    def confirm(self) -> None:
        """Wait for frictionless's verdict on the metadata: ``Unsupported`` if it reports any stock error."""
        if self.metadata is not None:
            self.metadata.result()

    # -- reading --------------------------------------------------------------------------------------------

    def load(self, pool: ThreadPoolExecutor) -> None:
        """Read every table into DuckDB while ``pool`` hashes the files.

        DuckDB releases the GIL while it reads, so on two cores the hashing costs little wall time.
        """
        scans = {
            name: pool.submit(_scan_bytes, table, self._algorithms(name)) for name, table in self.package.tables.items()
        }
        narrow = {}
        for name, table in self.package.tables.items():
            _check_header(table)
            narrow[name] = self._read(table)
        for name, table in self.package.tables.items():
            self.loaded[name] = self._finish(table, narrow[name], *scans[name].result())

    def _algorithms(self, name: str) -> tuple[str, ...]:
        resource = next(r for r in self.package.descriptor["resources"] if r.get("name") == name)
        return (_hash_algorithm(resource["hash"])[0],) if resource.get("hash") else ()  # others are not computed

    def _kept(self, table: Table) -> list[str]:
        """What the cross-row and cross-table checks read, as SQL: values where they compare values, and a flag
        where a cell's being filled is all that counts. Long text stays in the file."""
        names = set(table.field_names)
        kept = [table.primary_key]
        kept += [fk.fields[0] for fk in table.schema.foreign_keys]
        kept += [c.name for c in table.fields if c.unique or c.entity_types]
        kept += ["date_start", "date_end"] if {"date_start", "date_end"} <= names else []
        kept += ["entity_type"] if table.name == ENTITIES and "entity_type" in names else []
        kept += [c for c in ("record_id", "field", "source_id") if c in names] if table.name == CITATIONS else []
        kept += ["url"] if "url" in names else []
        expressions = [sql_name(c) for c in dict.fromkeys(kept)]
        expressions += [e for e in consistency_sql.kept(table) + support.kept(table) if e not in expressions]
        for column in table.fields:
            v = sql_name(column.name)
            if column.minimum_fill is not None:
                expressions.append(f"{v} IS NOT NULL AS {sql_name('filled__' + column.name)}")
            other = column.required_with
            if other in names:
                expressions.append(
                    f"{sql_name(other)} IS NOT NULL AND {v} IS NULL AS {sql_name('wanted__' + column.name)}"
                )
        if table.name == CITATIONS and "record_id" in names:
            expressions.append("split_part(record_id, '-', 1) AS prefix__")  # the prefix names the table cited
        if table.name == CITATIONS and {"excerpt", "locator"} <= names:
            # only an excerpt located at the address is compared with anything (its source's URL)
            expressions.append(f"coalesce(locator = {sql_text(ADDRESS)}, false) AS address__")
            expressions.append(f"CASE WHEN locator = {sql_text(ADDRESS)} THEN excerpt END AS excerpt")
        return expressions

    def _suspect(self, table: Table) -> str:
        """True for any row in which some cell may break a rule; false only where none can.

        Regular-expression calls cost most, so a column whose values are closed (a date that passes the ISO
        test, a value of a clean enum, an ID that matches a plain pattern) is not searched for cell-rule failures too.
        """
        space = re2_class("space")
        text_rule = sql_text(f"(^{space})|({space}$)|{FORMULA_CLASS}|{re2_class('Cc', 'Cf', 'nfc')}")
        tests = []
        for column in table.fields:
            v = sql_name(column.name)
            constraints = column.descriptor.get("constraints", {})
            closed = False
            if constraints.get("required"):
                tests.append(f"{v} IS NULL")
            if "minLength" in constraints:
                tests.append(f"length({v}) < {int(constraints['minLength'])}")
            if "maxLength" in constraints:
                tests.append(f"length({v}) > {int(constraints['maxLength'])}")
            if "pattern" in constraints:
                pattern = str(constraints["pattern"])
                if PLAIN_PATTERN.fullmatch(pattern):
                    # matches only ASCII letters, digits, _ and -: Python agrees, and only a leading - fails a rule
                    tests.append(f"NOT regexp_full_match({v}, {sql_text(pattern)}) OR starts_with({v}, '-')")
                    closed = True
                else:
                    # RE2 and Python agree on printable ASCII; a control character is suspect by the text rule
                    tests.append(f"NOT regexp_full_match({v}, {sql_text(pattern)}) OR strlen({v}) <> length({v})")
            if "enum" in constraints:
                tests.append(f"{v} NOT IN ({', '.join(sql_text(e) for e in constraints['enum'])})")
                closed = closed or not any(cell_faults(str(e), "", "", 0, "") for e in constraints["enum"])
            if column.type == "date":
                iso = sql_text(ISO_DATE.pattern)
                tests.append(
                    f"{v} IS NOT NULL AND (NOT regexp_full_match({v}, {iso}) OR try_cast({v} AS DATE) IS NULL "
                    f"OR starts_with({v}, '0000') OR try_cast({v} AS DATE) > DATE {sql_text(self.today.isoformat())})"
                )
                closed = True  # digits and hyphens, starting with a digit, or else suspect already
            if column.type in READ_BY_FRICTIONLESS:
                clean = sql_text(READ_BY_FRICTIONLESS[column.type])
                tests.append(f"{v} IS NOT NULL AND NOT regexp_full_match({v}, {clean})")
                closed = True  # ASCII when clean; anything else is suspect and read by frictionless
            if not closed:
                tests.append(f"regexp_matches({v}, {text_rule})")  # one call for every text rule
        blank = " AND ".join(f"{sql_name(c)} IS NULL" for c in table.field_names)
        return " OR ".join(f"coalesce({test}, false)" for test in tests) + f" OR ({blank})"

    def _read(self, table: Table) -> str:
        """Read the CSV into a narrow table; returns the table's name."""
        import duckdb

        columns = "{" + ", ".join(f"{sql_text(c)}: 'VARCHAR'" for c in table.field_names) + "}"
        source = (
            f"read_csv({sql_text(str(table.csv_path))}, header = true, columns = {columns}, auto_detect = false, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
            f"all_varchar = true, buffer_size = {READ_BUFFER})"
        )
        kept = ", ".join(self._kept(table))
        cells = "[" + ", ".join(sql_name(c) for c in table.field_names) + "]"
        narrow = f"t_{len(self.loaded)}_{abs(hash(table.name))}"
        try:
            self.con.execute(
                f"CREATE TABLE {narrow} AS SELECT {kept}, "
                f"CASE WHEN {self._suspect(table)} THEN {cells} END AS cells__ FROM {source}"
            )
        except duckdb.Error as error:
            raise Unsupported(f"{table.name}: DuckDB cannot read it as strict CSV ({str(error)[:80]})") from None
        return narrow

    def _finish(
        self, table: Table, narrow: str, size: int, digest: dict[str, str], newlines: int, final: bool
    ) -> Loaded:
        """Take the suspect rows out, and check that records and lines add up (DuckDB skips empty lines)."""
        rows = self._scalar(f"SELECT count(*) FROM {narrow}")
        suspects = {
            int(row): [("" if cell is None else str(cell)) for cell in cells]
            for row, cells in self.con.execute(
                f"SELECT rowid, cells__ FROM {narrow} WHERE cells__ IS NOT NULL ORDER BY rowid"
            ).fetchall()
        }
        if any(all(cell == "" for cell in cells) for cells in suspects.values()):
            raise Unsupported(f"{table.name}: has a blank row")
        extra = [(row, sum(cell.count("\n") for cell in cells)) for row, cells in suspects.items()]
        extra = [(row, count) for row, count in extra if count]
        cumulative = list(zip([row for row, _ in extra], accumulate(c for _, c in extra), strict=True))
        expected = 1 + rows + (cumulative[-1][1] if cumulative else 0) - (0 if final else 1)
        if expected != newlines:
            raise Unsupported(f"{table.name}: lines and records do not add up (an empty line?)")
        self.con.execute(f"ALTER TABLE {narrow} DROP COLUMN cells__")
        self.con.execute(f"CREATE VIEW {sql_name('v_' + table.name)} AS SELECT rowid AS row__, * FROM {narrow}")
        return Loaded(
            table,
            self.package.relative(table.csv_path),
            rows,
            suspects,
            [(row + 1, count) for row, count in cumulative],
            size,
            digest,
            newlines,
            final,
        )

    def _scalar(self, sql: str) -> int:
        result = self.con.execute(sql).fetchone()
        return int(result[0]) if result else 0

    def _fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()

    def view(self, name: str) -> str:
        """The quoted name of the view over a loaded table, with its row number as ``row__``."""
        return sql_name("v_" + name)

    # -- the stock checks -----------------------------------------------------------------------------------

    def stock(self) -> list[Failure]:
        """The failures stock frictionless would report on the rows (types, constraints, keys), found in SQL."""
        failures: list[Failure] = []
        for name, loaded in self.loaded.items():
            errors = sorted(self._row_errors(loaded), key=lambda e: e[0])
            found = [error for _, error in errors]
            if len(found) >= LIMIT_ERRORS:
                found = found[:LIMIT_ERRORS]
            else:
                found += self._end_errors(loaded)
            resource = next(r for r in self.package.descriptor["resources"] if r.get("name") == name)
            place = str(Path(resource["path"]))  # as frictionless names the file: the descriptor's path
            failures += [_stock_failure(self.package, name, place, loaded, error) for error in found]
        return failures

    def _row_errors(self, loaded: Loaded) -> Iterator[tuple[tuple[int, int, int], StockError]]:
        """Each error with its place in frictionless's order: row, then cells, unique, key, foreign keys."""
        table = loaded.table
        columns = [Column(c.name, i, c) for i, c in enumerate(table.fields)]
        for row, cells in loaded.suspects.items():
            for order, error in enumerate(_cell_errors(columns, cells, row + 2)):
                yield (row, 0, order), error
        unique = [c for c in columns if c.constraints.get("unique")]
        for position, column in enumerate(unique):
            for row, value, previous in self._repeats(table.name, column.name):
                note = f"the same as in the row at position {previous + 2}"
                yield (
                    (row, 1, position),
                    StockError("unique-error", note, row_number=row + 2, field_name=column.name, cell=value),
                )
        key = sql_name(table.primary_key)
        for (row,) in self._fetch(f"SELECT row__ FROM {self.view(table.name)} WHERE {key} IS NULL"):
            note = 'cells composing the primary keys are all "None"'
            yield (int(row), 2, 0), StockError("primary-key", note, row_number=int(row) + 2)
        for row, _, previous in self._repeats(table.name, table.primary_key):
            note = f"the same as in the row at position {previous + 2}"
            yield (row, 2, 0), StockError("primary-key", note, row_number=row + 2)
        for position, fk in enumerate(table.schema.foreign_keys):
            local = fk.fields[0]
            target_name = fk.resource or table.name
            target_field = fk.reference_fields[0]
            v, t = sql_name(local), sql_name(target_field)
            for row, value in self._fetch(
                f"SELECT row__, {v} FROM {self.view(table.name)} WHERE {v} IS NOT NULL AND {v} NOT IN "
                f"(SELECT {t} FROM {self.view(target_name)} WHERE {t} IS NOT NULL)"
            ):
                note = (
                    f'for "{local}": values "{value}" not found in the lookup table "{fk.resource}" as "{target_field}"'
                )
                yield (
                    (int(row), 3, position),
                    StockError("foreign-key", note, row_number=int(row) + 2, field_names=[local], field_cells=[value]),
                )

    @cache  # noqa: B019 - one engine per validation; a key column is both unique and the primary key
    def _repeats(self, name: str, column: str) -> list[tuple[int, str, int]]:
        """(row, value, the row the value last appeared in) for every repeated value, empty cells aside."""
        v, view = sql_name(column), self.view(name)
        return [
            (int(row), str(value), int(previous))
            for row, value, previous in self._fetch(
                f"SELECT row__, {v}, previous FROM (SELECT row__, {v}, lag(row__) OVER (PARTITION BY {v} "
                f"ORDER BY row__) AS previous FROM {view} WHERE {v} IN (SELECT {v} FROM {view} WHERE {v} IS NOT NULL "
                f"GROUP BY {v} HAVING count(*) > 1)) WHERE previous IS NOT NULL"
            )
        ]

    def _end_errors(self, loaded: Loaded) -> list[StockError]:
        resource = next(r for r in self.package.descriptor["resources"] if r.get("name") == loaded.table.name)
        errors = []
        algorithm, expected = _hash_algorithm(resource.get("hash") or "")
        if expected and algorithm in loaded.digest:  # frictionless ignores other algorithms: stamp-unverifiable
            actual = loaded.digest[algorithm]
            if actual != expected:
                errors.append(StockError("hash-count", f'expected is "{expected}" and actual is "{actual}"'))
        if resource.get("bytes") and resource["bytes"] != loaded.size:
            errors.append(StockError("byte-count", f'expected is "{resource["bytes"]}" and actual is "{loaded.size}"'))
        return errors

    # -- our rules ------------------------------------------------------------------------------------------

    def files(self) -> list[Failure]:
        """The byte-level failures (final newline, row order) as ``check_files`` reports them."""
        failures = []
        for name, loaded in self.loaded.items():
            if not loaded.ends_with_newline:
                failures.append(
                    Failure(
                        "final-newline",
                        "The file does not end with a newline.",
                        loaded.file,
                        name,
                        loaded.newlines + 1,
                    )
                )
            key = sql_name(loaded.table.primary_key)
            for row, value, previous in self._fetch(
                f"SELECT row__, coalesce({key}, ''), previous FROM (SELECT row__, {key}, "
                f"lag(coalesce({key}, '')) OVER (ORDER BY row__) AS previous FROM {self.view(name)}) "
                f"WHERE coalesce({key}, '') < previous ORDER BY row__"
            ):
                failures.append(
                    Failure(
                        "row-order",
                        f"Rows must be sorted by {loaded.table.primary_key}; this row comes after {previous!r}.",
                        loaded.file,
                        name,
                        loaded.line(int(row)),
                        loaded.table.primary_key,
                        value,
                    )
                )
        return failures

    def cells(self) -> list[Failure]:
        """The cell-rule failures, checked only on the suspect rows the SQL filter picked out."""
        failures = []
        for name, loaded in self.loaded.items():
            names = loaded.table.field_names
            dates = {f.name for f in loaded.table.fields if f.type == "date"}
            for row, cells in loaded.suspects.items():
                line = loaded.line(row)
                for column, value in zip(names, cells, strict=True):
                    failures += cell_faults(value, loaded.file, name, line, column)
                    if column in dates:
                        failures += date_faults(value, self.today, loaded.file, name, line, column)
        return failures

    def references(self) -> list[Failure]:
        """The citation failures as ``check_references`` reports them, found by joins."""
        package = self.package
        if CITATIONS not in package.tables:
            return [missing_citations_failure(package)]
        citations = self.loaded[CITATIONS]
        prefixes: dict[str, str] = {}
        for table in package.tables.values():
            if table.id_prefix is not None:  # the first table with the prefix, as table_for_id
                prefixes.setdefault(table.id_prefix, table.name)
        view, prefix = self.view(CITATIONS), "prefix__"
        citable = [p for p, name in prefixes.items() if name != CITATIONS]
        # (row, order in the row, failure): a target failure comes before a field failure, as row by row
        found: list[tuple[int, int, Failure]] = []
        for row, record_id in self._fetch(
            f"SELECT row__, record_id FROM {view} WHERE record_id IS NOT NULL "
            f"AND {prefix} NOT IN ({', '.join(sql_text(p) for p in citable) or 'NULL'})"
        ):
            failure = target_failure(package, None, False, citations.file, citations.line(int(row)), record_id)
            assert failure is not None  # always a failure without a target
            found.append((int(row), 0, failure))
        for table_prefix, name in prefixes.items():
            target = package.table(name)
            # one table's keys at a time: the memory of one hash table, not of all IDs at once
            if name != CITATIONS:
                for row, record_id in self._fetch(
                    f"SELECT row__, record_id FROM {view} WHERE {prefix} = {sql_text(table_prefix)} AND record_id "
                    f"NOT IN (SELECT coalesce({sql_name(target.primary_key)}, '') FROM {self.view(name)})"
                ):
                    line = citations.line(int(row))
                    failure = target_failure(package, target, False, citations.file, line, record_id)
                    assert failure is not None  # always a failure when the ID is not found
                    found.append((int(row), 0, failure))
            for row, column in self._fetch(
                f"SELECT row__, field FROM {view} WHERE {prefix} = {sql_text(table_prefix)} AND field IS NOT NULL "
                f"AND field NOT IN ({', '.join(sql_text(f) for f in target.field_names)})"
            ):
                found.append(
                    (int(row), 1, citation_field_failure(target, citations.file, citations.line(int(row)), column))
                )
        failures = [failure for _, _, failure in sorted(found, key=lambda item: item[:2])]
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE cited__ AS SELECT DISTINCT coalesce(record_id, '') AS id FROM {view}"
        )
        for name, loaded in self.loaded.items():
            if name == CITATIONS:
                continue
            key = sql_name(loaded.table.primary_key)
            for row, record_id in self._fetch(
                f"SELECT row__, {key} FROM {self.view(name)} WHERE {key} IS NOT NULL AND {key} NOT IN "
                "(SELECT id FROM cited__) ORDER BY row__"
            ):
                failures.append(uncited_failure(loaded.table, loaded.file, loaded.line(int(row)), record_id))
        return failures

    def semantics(self) -> list[Failure]:
        """The cross-field and cross-table failures as ``check_semantics`` reports them."""
        failures: list[Failure] = []
        for name, loaded in self.loaded.items():
            table = loaded.table
            if {"date_start", "date_end"} <= set(table.field_names):
                for row, start, end in self._fetch(
                    f"SELECT row__, date_start, date_end FROM {self.view(name)} WHERE length(date_start) = 10 "
                    "AND length(date_end) = 10 AND date_end < date_start ORDER BY row__"
                ):
                    if is_date(start) and is_date(end):
                        failures.append(date_order_failure(loaded.file, name, loaded.line(int(row)), start, end))
            for column in table.fields:
                other = column.required_with
                if not other:
                    continue
                wanted = sql_name("wanted__" + column.name)
                for (row,) in self._fetch(f"SELECT row__ FROM {self.view(name)} WHERE {wanted} ORDER BY row__"):
                    failures.append(required_with_failure(loaded.file, name, loaded.line(int(row)), column.name, other))
            failures += self._cycles(loaded)
            failures += self._entity_types(loaded)
        return failures + consistency_sql.check(self) + support.check_support_sql(self)

    def _cycles(self, loaded: Loaded) -> list[Failure]:
        """Links that never reach a row without a parent: found by following every link at once."""
        failures = []
        key = sql_name(loaded.table.primary_key)
        view = self.view(loaded.table.name)
        for column in self.self_refs[loaded.table.name]:
            v = sql_name(column)
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE walk__ AS SELECT row__, coalesce({key}, '') AS id, "
                f"coalesce({v}, '') AS parent FROM {view}"
            )
            # last row wins for a repeated ID, as in a dict built row by row
            self.con.execute(
                "CREATE OR REPLACE TEMP TABLE node__ AS SELECT id, arg_max(parent, row__) AS parent, "
                "min(row__) AS first FROM walk__ GROUP BY id"
            )
            # jump__ holds, for each row not yet known to reach the end of its chain, the row 2^k links ahead
            self.con.execute(
                "CREATE OR REPLACE TEMP TABLE jump__ AS SELECT n.id, n.parent AS ahead FROM node__ n "
                "JOIN node__ p ON p.id = n.parent WHERE n.parent <> '' AND n.id <> ''"
            )
            total, steps = self._scalar("SELECT count(*) FROM node__"), 1
            while steps <= total and self._scalar("SELECT count(*) FROM jump__"):
                self.con.execute(
                    "CREATE OR REPLACE TEMP TABLE jump__ AS SELECT a.id, b.ahead FROM jump__ a "
                    "JOIN jump__ b ON b.id = a.ahead"
                )
                steps *= 2
            looping = self._fetch("SELECT id FROM jump__")
            if not looping:
                continue
            rows = self._fetch("SELECT id, parent, row__ FROM walk__ ORDER BY row__")
            parent = {record: link for record, link, _ in rows}
            line = {record: loaded.line(int(row)) for record, _, row in rows}
            on_loop = {record for (record,) in looping}
            failures += parent_cycles(
                [record for record in parent if record in on_loop], parent, line, loaded.file, loaded.table.name, column
            )
        return failures

    def _entity_types(self, loaded: Loaded) -> list[Failure]:
        columns = [c for c in loaded.table.fields if c.entity_types]
        if not columns or ENTITIES not in self.loaded or self.loaded[ENTITIES].rows == 0:
            return []
        failures = []
        entities = self.view(ENTITIES)
        for column in columns:
            allowed = list(column.entity_types or ())
            v = sql_name(column.name)
            for row, value, kind in self._fetch(
                f"SELECT t.row__, t.{v}, k.kind FROM {self.view(loaded.table.name)} t JOIN (SELECT "
                f"coalesce(entity_id, '') AS id, coalesce(arg_max(coalesce(entity_type, ''), row__), '') AS kind "
                f"FROM {entities} GROUP BY 1) k ON k.id = coalesce(t.{v}, '') "
                f"WHERE k.kind NOT IN ({', '.join(sql_text(a) for a in allowed)}) ORDER BY t.row__"
            ):
                failures.append(
                    entity_type_failure(
                        loaded.file,
                        loaded.table.name,
                        loaded.line(int(row)),
                        column.name,
                        value or "",
                        kind,
                        allowed,
                    )
                )
        return failures

    def expectations(self) -> list[Failure]:
        """The row-count and column-fill failures as ``check_expectations`` reports them."""
        failures = []
        for name, loaded in self.loaded.items():
            table = loaded.table
            failure = row_count_failure(table, loaded.file, loaded.rows, table.schema.row_count)
            if failure is not None:
                failures.append(failure)
            for column in table.fields:
                minimum = column.minimum_fill
                if minimum is None or not loaded.rows:
                    continue
                filled = self._scalar(f"SELECT count_if({sql_name('filled__' + column.name)}) FROM {self.view(name)}")
                failure = fill_failure(table, loaded.file, column.name, filled / loaded.rows, minimum)
                if failure is not None:
                    failures.append(failure)
        return failures

    def address_excerpts(self) -> list[Failure]:
        """The ``excerpt-verbatim`` failures for excerpts located by address, as the row-by-row path reports them."""
        if CITATIONS not in self.loaded or "sources" not in self.loaded:
            return []
        citations = self.loaded[CITATIONS]
        failures = []
        for row, excerpt, source_id in self._fetch(
            f"SELECT c.row__, coalesce(c.excerpt, ''), coalesce(c.source_id, '') FROM {self.view(CITATIONS)} c "
            f"LEFT JOIN (SELECT coalesce(source_id, '') AS id, arg_max(coalesce(url, ''), row__) AS url "
            f"FROM {self.view('sources')} GROUP BY 1) s ON s.id = coalesce(c.source_id, '') "
            "WHERE c.address__ AND NOT contains(coalesce(s.url, ''), coalesce(c.excerpt, '')) "
            "ORDER BY c.row__"
        ):
            failures.append(address_failure(citations.file, citations.line(int(row)), excerpt, source_id))
        return failures


def _stock_failure(package: DataPackage, name: str, place: str, loaded: Loaded, error: StockError) -> Failure:
    lines = _LineMap(loaded)
    failure = table_failure(package, name, place, lines, error)
    if error.type == "primary-key":
        failure = replace(failure, column=loaded.table.primary_key)
    return failure


class _LineMap(Sequence[int]):
    """Physical start line by frictionless row number, header included, as ``row_start_lines`` gives."""

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded

    def __len__(self) -> int:
        return self.loaded.rows + 1

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            raise TypeError("no slices")
        return 1 if index == 0 else self.loaded.line(index - 1)


def _cell_errors(columns: list[Column], cells: list[str], row_number: int) -> Iterator[StockError]:
    """What frictionless's cell readers say about one row, in their order."""
    for column in columns:
        source = cells[column.index]
        value: str | None = None if source == "" else source
        constraints = column.constraints
        if column.kind in READ_BY_FRICTIONLESS and value is not None:
            note = _type_note(column.kind, source)
            if note:
                yield StockError("type-error", note, row_number=row_number, field_name=column.name, cell=source)
                continue
        if column.kind == "date" and value is not None:
            fmt = DATE_FORMATS[column.field.format]
            try:
                datetime.strptime(value, fmt)
            except Exception:
                note = f'type is "date/{column.field.format}"'
                yield StockError("type-error", note, row_number=row_number, field_name=column.name, cell=source)
                continue
        order = STRING_CONSTRAINTS if column.kind == "string" else DATE_CONSTRAINTS
        for name in order:
            if name not in constraints:
                continue
            constraint = constraints[name]
            if not _passes(name, constraint, value):
                note = f'constraint "{name}" is "{constraint}"'
                yield StockError("constraint-error", note, row_number=row_number, field_name=column.name, cell=source)


@cache
def _reader(kind: str) -> Any:
    import frictionless

    return frictionless.Field.from_descriptor({"name": "cell", "type": kind})


def _type_note(kind: str, source: str) -> str | None:
    """frictionless's own note when it cannot read the cell as ``kind`` (default format), else None."""
    _, notes = _reader(kind).read_cell(source)
    return (notes or {}).get("type")


def _passes(name: str, constraint: Any, value: str | None) -> bool:
    if name == "required":
        return not (constraint and value is None)
    if value is None:
        return True
    if name == "minLength":
        return len(value) >= int(constraint)
    if name == "maxLength":
        return len(value) <= int(constraint)
    if name == "pattern":
        return _pattern(str(constraint)).match(value) is not None
    if name == "enum":
        return value in constraint
    raise AssertionError(name)


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(f"^{pattern}$")


def is_engine_error(error: BaseException) -> bool:
    """An error of DuckDB itself, on which the row-by-row path takes over."""
    import duckdb

    return isinstance(error, duckdb.Error)


def prepare(package: DataPackage, today: date) -> Engine:
    """The engine loaded with the package; raises ``Unsupported`` (with the reason) where it cannot run."""
    metadata = MetadataCheck(package)  # first: on the shipped package it is the longest single step
    pool = ThreadPoolExecutor(max_workers=1)
    engine: Engine | None = None
    try:
        _supported(package)
        engine = Engine(package, today, metadata)
        _check_patterns(engine)
        engine.load(pool)
    except Unsupported:
        if engine is not None:
            engine.close()
        metadata.cancel()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return engine


def _check_patterns(engine: Engine) -> None:
    import duckdb

    for table in engine.package.tables.values():
        for column in table.fields:
            pattern = column.pattern
            if pattern is not None:
                try:
                    engine.con.execute(f"SELECT regexp_full_match('', {sql_text(pattern)})")
                except duckdb.Error:
                    raise Unsupported(f"{table.name}.{column.name}: a pattern RE2 cannot run") from None
