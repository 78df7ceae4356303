"""Find a copy of the data package and describe its tables, using only the standard library.

Kept free of pandas, frictionless and pandera so that ``import cacdata`` and ``cacdata --help`` stay cheap.
"""

from __future__ import annotations

import csv
import json
import re
import stat
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from cacdata.describe.schema import Field, Schema, SchemaError, parse_schema

DESCRIPTOR = "datapackage.json"
BUNDLE_DIR = "package"  # where the wheel carries datapackage.json, schemas/ and data/

# Bounds on what is read from a package someone else made; a larger file is refused, not read.
MAX_JSON_BYTES = 10 * 2**20
MAX_CSV_BYTES = 2 * 2**30
MAX_JSON_DEPTH = 64  # a descriptor or schema nests about six deep; Python's parser overflows near 1,000
MAX_NUMBER_DIGITS = 100  # Python refuses to read integers of more than 4,300 digits, with a ValueError

# The only remote addresses a descriptor may name where a validator would otherwise fetch them.
STANDARD_PROFILES = frozenset(
    {
        "data-package",
        "tabular-data-package",
        "data-resource",
        "tabular-data-resource",
        "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "https://specs.frictionlessdata.io/schemas/data-package.json",
        "https://specs.frictionlessdata.io/schemas/tabular-data-package.json",
        "https://specs.frictionlessdata.io/schemas/tabular-data-resource.json",
        "https://datapackage.org/profiles/2.0/datapackage.json",
        "https://datapackage.org/profiles/2.0/dataresource.json",
        "https://datapackage.org/profiles/2.0/tableschema.json",
    }
)
PROFILE_KEYS = ("profile", "$schema")


class PackageError(Exception):
    """A package that cannot be used at all: missing, unreadable, or pointing outside itself."""


@dataclass(frozen=True)
class Table:
    """One resource of the package: its CSV file and its Table Schema, read once into a typed ``Schema``."""

    name: str
    title: str
    description: str
    csv_path: Path
    schema: Schema

    @property
    def fields(self) -> tuple[Field, ...]:
        """The columns, in the order the CSV header must have them."""
        return self.schema.fields

    @property
    def field_names(self) -> list[str]:
        """The column names, in header order."""
        return self.schema.names

    @property
    def primary_key(self) -> str:
        """The one column that identifies a row (every cacdata table has a one-column key)."""
        if len(self.schema.primary_key) != 1:
            raise PackageError(f"table {self.name!r}: its schema must name exactly one primaryKey column")
        return self.schema.primary_key[0]

    @property
    def id_prefix(self) -> str | None:
        """The prefix of this table's IDs (``ent`` for ``ent-0001``), read from the key's pattern."""
        return self.schema.id_prefix

    @property
    def missing_values(self) -> list[str]:
        """The cell texts that mean "missing" (only the empty cell, in cacdata's schemas)."""
        return list(self.schema.missing_values)

    def row_count(self) -> int:
        """Data rows in the CSV file, counted without pandas (blank lines skipped, as ``pandas.read_csv`` does)."""
        with self.csv_path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            try:
                return max(sum(1 for row in reader if row) - 1, 0)
            except csv.Error as error:  # a cell over the csv module's limit, a stray CR
                raise PackageError(
                    f"{self.csv_path}: line {reader.line_num}: cannot be read as CSV ({error})"
                ) from None
            except UnicodeDecodeError as error:
                raise PackageError(f"{self.csv_path}: not valid UTF-8 ({error.reason})") from None


class DataPackage:
    """A directory holding ``datapackage.json`` with the schemas and CSV files it names."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.descriptor_path = root / DESCRIPTOR
        if not self.descriptor_path.exists():
            raise PackageError(f"{self.descriptor_path}: no such file; expected a data package here")
        self.inside(DESCRIPTOR, "the descriptor")
        regular_file(self.descriptor_path)
        self.descriptor: dict[str, Any] = _read_json(self.descriptor_path)
        if not isinstance(self.descriptor, dict) or not isinstance(self.descriptor.get("resources"), list):
            raise PackageError(f"{self.descriptor_path}: has no list of 'resources'")
        self._refuse_remote(self.descriptor, "the package")
        for resource in self.descriptor["resources"]:
            if not isinstance(resource, dict):
                raise PackageError(f"{self.descriptor_path}: each resource must be an object")
            self._refuse_remote(resource, f"resource '{resource.get('name', '?')}'")
            if "dialect" in resource and not isinstance(resource["dialect"], dict):
                raise PackageError(
                    f"{self.descriptor_path}: resource '{resource.get('name', '?')}' must give its "
                    "dialect inline, not as a file or address"
                )

    @classmethod
    def open(cls, path: str | Path | None = None) -> DataPackage:
        """The package at ``path`` (a directory or its ``datapackage.json``), or the bundled one."""
        if path is None:
            return cls(bundled_root())
        candidate = Path(path)
        if candidate.name == DESCRIPTOR:
            candidate = candidate.parent
        if not candidate.is_dir():
            raise PackageError(f"{path}: no such directory")
        return cls(candidate)

    @property
    def version(self) -> str:
        """The version ``datapackage.json`` declares (its one home); empty when none is set."""
        return str(self.descriptor.get("version", ""))

    @cached_property
    def tables(self) -> dict[str, Table]:
        """Every table by name, in descriptor order, its schema read and checked once; ``PackageError`` if unusable."""
        from cacdata.describe import shape

        shape.check_resources(self.descriptor["resources"], self.descriptor_path)
        tables = {}
        schema_paths = {}
        for resource in self.descriptor["resources"]:
            name = resource.get("name", "?")
            schema_path = self.inside(resource.get("schema"), f"resource '{name}' schema")
            if not schema_path.exists():
                raise PackageError(f"{schema_path}: schema file of resource '{name}' is missing")
            regular_file(schema_path)
            descriptor = _read_json(schema_path)
            try:
                schema = parse_schema(descriptor, str(schema_path))
            except SchemaError as error:
                raise PackageError(str(error)) from None
            self._refuse_remote(descriptor, f"the schema of resource '{name}'")
            if len(schema.primary_key) != 1:
                raise PackageError(f"{schema_path}: must name exactly one primaryKey field, the table's IDs")
            _check_patterns(schema, schema_path)
            schema_paths[name] = schema_path
            csv_path = self.inside(resource.get("path"), f"resource '{name}' path")
            if csv_path.exists():
                regular_file(csv_path)
            if csv_path.is_file() and csv_path.stat().st_size > MAX_CSV_BYTES:
                raise PackageError(f"{csv_path}: {csv_path.stat().st_size} bytes; the limit is {MAX_CSV_BYTES}")
            tables[name] = Table(
                name=name,
                title=resource.get("title", name),
                description=resource.get("description", ""),
                csv_path=csv_path,
                schema=schema,
            )
        for name, table in tables.items():
            shape.check_references(table, tables, schema_paths[name])
        return tables

    @property
    def schemas(self) -> dict[str, dict[str, Any]]:
        """Every table's Table Schema, by table name: what releases record and compare."""
        return {name: dict(table.schema.descriptor) for name, table in self.tables.items()}

    def table(self, name: str) -> Table:
        """The table of this name; ``KeyError`` naming the tables there are if it does not exist."""
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(f"no table {name!r}; the tables are: {', '.join(self.tables)}") from None

    def table_for_id(self, record_id: str) -> Table | None:
        """The table whose IDs carry this ID's prefix, if any."""
        prefix = record_id.split("-", 1)[0]
        return next((t for t in self.tables.values() if t.id_prefix == prefix), None)

    def relative(self, path: Path) -> str:
        """A path inside the package as messages show it: relative to the package's root."""
        return str(path.relative_to(self.root.resolve()))

    def inside(self, relative: object, what: str) -> Path:
        """Resolve a path named by the descriptor, refusing anything that leaves the package."""
        if not isinstance(relative, str) or not relative:
            raise PackageError(f"{self.descriptor_path}: {what} must be a relative file path")
        if "://" in relative or relative.startswith(("/", "~")) or ".." in Path(relative).parts:
            raise PackageError(f"{self.descriptor_path}: {what} {relative!r} points outside the package")
        resolved = (self.root / relative).resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise PackageError(f"{self.descriptor_path}: {what} {relative!r} leads outside the package")
        return resolved

    def _refuse_remote(self, descriptor: dict[str, Any], what: str) -> None:
        """Validators fetch a profile named by address: refuse any but the standard ones."""
        for key in PROFILE_KEYS:
            value = descriptor.get(key)
            if value is not None and (
                not isinstance(value, str) or ("://" in value and value not in STANDARD_PROFILES)
            ):
                raise PackageError(f"{self.descriptor_path}: {what} names a remote {key} {value!r}; it is not fetched")


def _check_patterns(schema: Schema, path: Path) -> None:
    """Every ``pattern`` constraint compiles and runs in linear time (``describe.patterns``), or is refused."""
    from cacdata.describe.patterns import PatternError, check_pattern

    for field in schema.fields:
        if field.pattern is not None:
            try:
                check_pattern(field.pattern)
            except PatternError as error:
                raise PackageError(
                    f"{path}: field {field.name!r}: the pattern {field.pattern!r} {error}; refused"
                ) from None


def regular_file(path: Path) -> None:
    """Refuse, without opening it, anything but a regular file: a named pipe or a device would block a read."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        kind = "a named pipe" if stat.S_ISFIFO(mode) else "a folder" if stat.S_ISDIR(mode) else "a device or socket"
        raise PackageError(f"{path}: is {kind}, not a regular file; refused unread")


class _Refused(ValueError):
    """JSON that parses but must not be used: a key twice in one object, a number too long to be data."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Refused(f"the key {key!r} appears twice in one object; the last would silently win")
        seen[key] = value
    return seen


def _bounded_number(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        if len(text) > MAX_NUMBER_DIGITS:
            raise _Refused(f"a number of {len(text)} characters; the limit is {MAX_NUMBER_DIGITS}")
        return kind(text)

    return parse


def _no_constant(text: str) -> Any:
    raise _Refused(f"{text} is not a JSON number")


# Strings (skipped whole, so brackets inside them do not count) and brackets, to measure nesting unparsed.
_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep(text: str) -> bool:
    depth = 0
    for match in _JSON_NESTING.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif token in "]}":
            depth -= 1
    return False


def _read_json(path: Path) -> Any:
    """A descriptor or schema, bounded in size, nesting and number length; duplicate keys are refused."""
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise PackageError(f"{path}: {size} bytes; the limit for a descriptor or schema is {MAX_JSON_BYTES}")
    try:
        text = path.read_text(encoding="utf-8")
        if _too_deep(text):
            raise _Refused(f"nested deeper than {MAX_JSON_DEPTH} levels, the limit")
        return json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_int=_bounded_number(int),
            parse_float=_bounded_number(float),
            parse_constant=_no_constant,
        )
    except _Refused as error:
        raise PackageError(f"{path}: refused: {error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageError(f"{path}: not valid UTF-8 JSON ({error})") from None


def bundled_root() -> Path:
    """The package shipped with the library: inside the wheel, or the repository when run from a checkout."""
    bundled = Path(str(resources.files("cacdata") / BUNDLE_DIR))
    if (bundled / DESCRIPTOR).is_file():
        return bundled
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / DESCRIPTOR).is_file():
        return checkout
    raise PackageError("the bundled data package is missing from this installation of cacdata")
