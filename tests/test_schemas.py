"""Meta-tests: the schemas say what every column is, the same way everywhere, with every reference declared."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from cacdata.describe.package import DataPackage

PACKAGE = DataPackage.open()
TABLES = list(PACKAGE.tables.values())
ID_PATTERN = re.compile(r"^([a-z]{3})-\[0-9\]\{4\}$")


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_field_is_described_and_snake_case(table: Any) -> None:
    for field in table.fields:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", field.name), field.name
        assert len(field.description) > 20, f"{table.name}.{field.name} needs a description"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_primary_key_is_a_prefixed_unique_required_id(table: Any) -> None:
    key = table.schema.field(table.primary_key)
    assert key.required and key.unique
    assert ID_PATTERN.match(key.pattern or "")
    assert table.field_names[0] == table.primary_key


def test_id_prefixes_are_distinct() -> None:
    prefixes = [t.id_prefix for t in TABLES]
    assert len(set(prefixes)) == len(prefixes)


def test_same_column_name_means_same_type_everywhere() -> None:
    seen: dict[str, tuple[str, str | None, str]] = {}
    for table in TABLES:
        for field in table.fields:
            kind = (field.type, field.pattern)
            if field.name in seen:
                assert seen[field.name][:2] == kind, f"{field.name} differs in {table.name} and {seen[field.name][2]}"
            else:
                seen[field.name] = (*kind, table.name)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_id_reference_is_a_declared_foreign_key(table: Any) -> None:
    """Every non-key field holding one table's IDs is a foreign key; only citations.record_id may point anywhere."""
    declared = {fk.fields: fk for fk in table.schema.foreign_keys}
    for field in table.fields:
        match = ID_PATTERN.match(field.pattern or "")
        if field.name == table.primary_key or not match:
            continue
        assert (field.name,) in declared, f"{table.name}.{field.name} references {match.group(1)}- IDs undeclared"
        target = PACKAGE.table_for_id(f"{match.group(1)}-0000")
        assert declared[(field.name,)].resource in ("", target.name if target else None)


def test_descriptor_names_one_schema_file_per_table() -> None:
    descriptor = json.loads(PACKAGE.descriptor_path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        assert resource["schema"] == f"schemas/{resource['name']}.schema.json"
        assert resource["path"] == f"data/{resource['name']}.csv"
