"""The typed schema model: every legal Table Schema form read one way, every unusable shape named."""

from __future__ import annotations

from typing import Any

import pytest

from cacdata.describe.package import DataPackage
from cacdata.describe.schema import SchemaError, parse_schema
from cacdata.describe.types import TYPES, backends


def schema(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "fields": [
            {"name": "thing_id", "type": "string", "constraints": {"required": True, "pattern": "thg-[0-9]{4}"}},
            {"name": "parent_id"},
            {"name": "when", "type": "date", "format": "%Y-%m-%d", "cacdata:minimumFill": 0.5},
        ],
        "primaryKey": ["thing_id"],
        "foreignKeys": [{"fields": ["parent_id"], "reference": {"resource": "", "fields": ["thing_id"]}}],
    }
    base.update(changes)
    return base


def test_the_string_and_list_forms_of_keys_read_the_same() -> None:
    assert parse_schema(schema(), "s").primary_key == parse_schema(schema(primaryKey="thing_id"), "s").primary_key
    written = schema(foreignKeys=[{"fields": "parent_id", "reference": {"resource": "", "fields": "thing_id"}}])
    assert parse_schema(written, "s").foreign_keys == parse_schema(schema(), "s").foreign_keys


def test_table_schema_defaults_are_filled_in() -> None:
    parsed = parse_schema(schema(), "s")
    parent = parsed.field("parent_id")
    assert (parent.type, parent.format, parent.required, parent.enum) == ("string", "default", False, None)
    assert parsed.missing_values == ("",)
    assert parsed.foreign_keys[0].is_self_reference
    assert parsed.id_prefix == "thg"
    assert parsed.field("when").minimum_fill == 0.5


@pytest.mark.parametrize(
    ("descriptor", "named"),
    [
        (schema(fields=[{"type": "string"}]), "field 1 has no name"),
        (schema(primaryKey=["nothing"]), "'primaryKey' names no field of the table: nothing"),
        (schema(primaryKey=3), "'primaryKey' must be a field name"),
        (schema(foreignKeys=[{"fields": "parent_id"}]), "foreign key 1 must be an object"),
        (schema(foreignKeys=[{"fields": "x", "reference": {"resource": "", "fields": "thing_id"}}]), "names no field"),
        (schema(fields=[{"name": "a", "cacdata:entityTypes": "person"}]), "must be a list of text values, such as"),
        (
            schema(fields=[{"name": "a", "cacdata:requiredWith": "b"}], primaryKey=[], foreignKeys=[]),
            "names no field of the table: b",
        ),
        (
            schema(fields=[{"name": "a", "cacdata:minimumFill": 2}], primaryKey=[], foreignKeys=[]),
            "a number from 0 to 1",
        ),
        (
            schema(fields=[{"name": "a", "constraints": {"required": "yes"}}], primaryKey=[], foreignKeys=[]),
            "'required' must be true",
        ),
        (schema(fields=[{"name": "a"}, {"name": "a"}], primaryKey=[], foreignKeys=[]), "repeated: a"),
        (schema(**{"cacdata:rowCount": {"minimum": -1}}), "'minimum' must be a whole number"),
        ([], "must be a JSON object"),
    ],
)
def test_an_unusable_shape_is_named(descriptor: Any, named: str) -> None:
    with pytest.raises(SchemaError, match=named.replace("(", r"\(")) as raised:
        parse_schema(descriptor, "schemas/things.schema.json")
    assert str(raised.value).startswith("schemas/things.schema.json: ")


def test_every_type_the_shipped_schemas_use_has_a_backend_in_each_store() -> None:
    for table in DataPackage.open().tables.values():
        for field in table.fields:
            assert field.type in TYPES, f"{table.name}.{field.name}: {field.type} has no type maps"
            assert backends(field) is TYPES[field.type]
