"""A table's Table Schema read once into typed fields and keys: what every later stage asks of a column.

The JSON schema files in ``schemas/`` are the one description of the data (stock frictionless, R and data
portals read them too). Table Schema allows forms that are easy to misread when each reader parses the raw
dict itself: a primary key given as a string or a list, a field with no ``type`` (a string), a foreign key
to ``""`` (this same table). They are resolved here, once, and every reader in the library asks this model.

The ``cacdata:`` keys state what a Table Schema cannot (row counts, how full a column is, a field required
when another is filled, the entity types a reference may point at). They are named here, and their shape is
checked here, so a wrongly typed key is a refusal naming the schema file rather than a crash further on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ROW_COUNT = "cacdata:rowCount"
MINIMUM_FILL = "cacdata:minimumFill"
REQUIRED_WITH = "cacdata:requiredWith"
ENTITY_TYPES = "cacdata:entityTypes"
SCHEMA_RULE_KEYS = (ROW_COUNT,)  # the cacdata: keys a whole schema may carry
FIELD_RULE_KEYS = (MINIMUM_FILL, REQUIRED_WITH, ENTITY_TYPES)  # and those a field may carry

DEFAULT_TYPE = "string"  # Table Schema: a field without a type is a string
# An ID pattern such as ``evt-[0-9]{4}``: its literal prefix names the table in messages and references.
ID_PATTERN = re.compile(r"(?P<prefix>[a-z]+)-")


class SchemaError(ValueError):
    """A Table Schema whose shape no reader can use; the message names the schema and the key."""


@dataclass(frozen=True)
class Field:
    """One column as the schema declares it, with Table Schema defaults filled in."""

    name: str
    type: str
    format: str
    title: str
    description: str
    required: bool
    unique: bool
    enum: tuple[str, ...] | None
    pattern: str | None
    min_length: int | None
    max_length: int | None
    true_values: tuple[str, ...]
    false_values: tuple[str, ...]
    required_with: str | None
    entity_types: tuple[str, ...] | None
    minimum_fill: float | None
    descriptor: Mapping[str, Any]

    @property
    def is_free_text(self) -> bool:
        """Text in words (a name, a title, an excerpt, notes): a string bound by no allowed values or pattern."""
        return self.type == "string" and self.enum is None and self.pattern is None


@dataclass(frozen=True)
class ForeignKey:
    """Columns of this table that must hold a key of ``resource`` (this table's own name for a self-reference)."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]

    @property
    def is_self_reference(self) -> bool:
        """Whether the key points back into the table that declares it."""
        return self.resource == ""


@dataclass(frozen=True)
class RowCount:
    """The ``cacdata:rowCount`` expectation: how many data rows the table may hold."""

    minimum: int | None
    maximum: int | None


@dataclass(frozen=True)
class Schema:
    """A whole Table Schema: fields in order, keys, missing values and the table-level expectations."""

    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...]
    row_count: RowCount | None
    descriptor: Mapping[str, Any]

    @property
    def names(self) -> list[str]:
        """The field names, in the order the CSV header must have them."""
        return [field.name for field in self.fields]

    def field(self, name: str) -> Field:
        """The field called ``name``; ``KeyError`` naming the choices if there is none."""
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(f"no field {name!r}; the fields are: {', '.join(self.names)}")

    @property
    def id_prefix(self) -> str | None:
        """The prefix of the table's IDs (``evt`` for ``evt-0001``), read from its one-column key's pattern."""
        if len(self.primary_key) != 1:
            return None
        pattern = self.field(self.primary_key[0]).pattern
        match = ID_PATTERN.match(pattern or "")
        return match.group("prefix") if match else None


def parse_schema(descriptor: Any, where: str) -> Schema:
    """Read a Table Schema dict into a ``Schema``, or raise ``SchemaError`` naming ``where`` and the bad key."""
    if not isinstance(descriptor, dict):
        raise SchemaError(f"{where}: a Table Schema must be a JSON object")
    raw_fields = descriptor.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise SchemaError(f"{where}: 'fields' must be a non-empty list")
    _known_rule_keys(descriptor, SCHEMA_RULE_KEYS, f"{where}: the schema")
    fields = tuple(_field(raw, position, where) for position, raw in enumerate(raw_fields, start=1))
    names = [field.name for field in fields]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise SchemaError(f"{where}: field names must be unique; repeated: {', '.join(repeated)}")
    primary_key = _names(descriptor.get("primaryKey", []), f"{where}: 'primaryKey'")
    _known(primary_key, names, f"{where}: 'primaryKey'")
    foreign_keys = _foreign_keys(descriptor.get("foreignKeys", []), names, where)
    for field in fields:
        if field.required_with is not None:
            at = f"{where}: field {field.name!r}: '{REQUIRED_WITH}'"
            _known((field.required_with,), names, at)
            if field.required_with == field.name:
                raise SchemaError(f"{at} must name another field of the table, not the field itself")
    missing = descriptor.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(value, str) for value in missing):
        raise SchemaError(f"{where}: 'missingValues' must be a list of strings")
    return Schema(
        fields=fields,
        primary_key=primary_key,
        foreign_keys=foreign_keys,
        missing_values=tuple(missing),
        row_count=_row_count(descriptor.get(ROW_COUNT), where),
        descriptor=descriptor,
    )


def _field(raw: Any, position: int, where: str) -> Field:
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: field {position} must be a JSON object")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise SchemaError(f"{where}: field {position} has no name")
    at = f"{where}: field {name!r}"
    _known_rule_keys(raw, FIELD_RULE_KEYS, at)
    kind = _text(raw, "type", at) or DEFAULT_TYPE
    constraints = raw.get("constraints", {})
    if not isinstance(constraints, dict):
        raise SchemaError(f"{at}: 'constraints' must be a JSON object")
    enum = constraints.get("enum")
    if enum is not None and not isinstance(enum, list):
        raise SchemaError(f"{at}: 'enum' must be a list")
    return Field(
        name=name,
        type=kind,
        format=_text(raw, "format", at) or "default",
        title=_text(raw, "title", at) or "",
        description=_text(raw, "description", at) or "",
        required=_flag(constraints, "required", at),
        unique=_flag(constraints, "unique", at),
        enum=tuple(str(value) for value in enum) if enum is not None else None,
        pattern=_text(constraints, "pattern", at),
        min_length=_count(constraints, "minLength", at),
        max_length=_count(constraints, "maxLength", at),
        true_values=_strings(raw, "trueValues", at, ("true", "True", "TRUE", "1")),
        false_values=_strings(raw, "falseValues", at, ("false", "False", "FALSE", "0")),
        required_with=_text(raw, REQUIRED_WITH, at),
        entity_types=_entity_types(raw, at),
        minimum_fill=_share(raw, MINIMUM_FILL, at),
        descriptor=raw,
    )


def _foreign_keys(raw: Any, names: list[str], where: str) -> tuple[ForeignKey, ...]:
    if not isinstance(raw, list):
        raise SchemaError(f"{where}: 'foreignKeys' must be a list")
    keys = []
    for position, key in enumerate(raw, start=1):
        at = f"{where}: foreign key {position}"
        reference = key.get("reference") if isinstance(key, dict) else None
        if not isinstance(reference, dict):
            raise SchemaError(f"{at} must be an object with 'fields' and a 'reference' object")
        local = _names(key.get("fields"), f"{at}: 'fields'")
        _known(local, names, f"{at}: 'fields'")
        resource = reference.get("resource", "")
        if not isinstance(resource, str):
            raise SchemaError(f"{at}: 'reference.resource' must be a table name")
        target = _names(reference.get("fields"), f"{at}: 'reference.fields'")
        if len(target) != len(local):
            raise SchemaError(f"{at}: 'fields' and 'reference.fields' must name as many columns")
        if resource == "":
            _known(target, names, f"{at}: 'reference.fields'")
        keys.append(ForeignKey(local, resource, target))
    return tuple(keys)


def _names(raw: Any, at: str) -> tuple[str, ...]:
    """A Table Schema list of field names, which may also be written as one string."""
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list) and all(isinstance(name, str) for name in raw):
        return tuple(raw)
    raise SchemaError(f"{at} must be a field name or a list of field names")


def _known(chosen: tuple[str, ...], names: list[str], at: str) -> None:
    unknown = [name for name in chosen if name not in names]
    if unknown:
        raise SchemaError(f"{at} names no field of the table: {', '.join(unknown)}")


def _row_count(raw: Any, where: str) -> RowCount | None:
    if raw is None:
        return None
    at = f"{where}: '{ROW_COUNT}'"
    if not isinstance(raw, dict) or set(raw) - {"minimum", "maximum"}:
        raise SchemaError(f'{at} must be an object such as {{"minimum": 10, "maximum": 1000}}, not {raw!r}')
    bounds = RowCount(_count(raw, "minimum", at), _count(raw, "maximum", at))
    if bounds.minimum is not None and bounds.maximum is not None and bounds.minimum > bounds.maximum:
        raise SchemaError(f"{at}: 'minimum' is more than 'maximum'")
    return bounds


def _known_rule_keys(raw: Mapping[str, Any], known: tuple[str, ...], at: str) -> None:
    """A ``cacdata:`` key this project does not define (a typo) would resolve to nothing: refuse it."""
    for key in raw:
        if key.startswith("cacdata:") and key not in known:
            raise SchemaError(f"{at}: unknown key {key!r}; the keys are: {', '.join(known)}")


def _text(raw: Mapping[str, Any], key: str, at: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise SchemaError(f"{at}: '{key}' must be text, not {type(value).__name__}")
    return value


def _flag(raw: Mapping[str, Any], key: str, at: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise SchemaError(f"{at}: '{key}' must be true or false")
    return value


def _count(raw: Mapping[str, Any], key: str, at: str) -> int | None:
    value = raw.get(key)
    if value is not None and not (type(value) is int and value >= 0):
        raise SchemaError(f"{at}: '{key}' must be a whole number of at least 0")
    return value


def _share(raw: Mapping[str, Any], key: str, at: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise SchemaError(f"{at}: '{key}' must be a number from 0 to 1")
    return float(value)


def _entity_types(raw: Mapping[str, Any], at: str) -> tuple[str, ...] | None:
    kinds: tuple[str, ...] | None = _strings(raw, ENTITY_TYPES, at, None)
    if kinds is not None and (not kinds or not all(kinds)):
        raise SchemaError(f"{at}: '{ENTITY_TYPES}' must be a list of entity types, such as [\"person\"]")
    return kinds


def _strings(raw: Mapping[str, Any], key: str, at: str, default: tuple[str, ...] | None) -> Any:
    value = raw.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SchemaError(f"{at}: '{key}' must be a list of text values, such as [\"person\"], not {value!r}")
    return tuple(value)
