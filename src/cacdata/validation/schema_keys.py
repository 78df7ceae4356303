"""The ``cacdata:`` keys of the schemas, checked for shape before any rule reads them.

A rule trusts its key: ``"cacdata:entityTypes": "person"`` (text, not a list) made the entity-type rule say a
field "takes only: p, e, r, s, o, n"; a ``cacdata:requiredWith`` naming no field silently checked nothing; a
``cacdata:minimumFill`` of "lots" ended in a traceback. Each key must have its documented form and name what
exists, and a ``cacdata:`` key we do not know (a typo) is refused too, since it would resolve to nothing.
A fault here is a refusal (``PackageError``, exit 2), one message naming the schema, field and key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cacdata.describe.package import DataPackage, PackageError
from cacdata.validation.expectations import MINIMUM_FILL, ROW_COUNT
from cacdata.validation.semantics import ENTITY_TYPES, REQUIRED_WITH

PREFIX = "cacdata:"
FIELD_KEYS = (REQUIRED_WITH, ENTITY_TYPES, MINIMUM_FILL)
SCHEMA_KEYS = (ROW_COUNT,)


def check_schema_keys(package: DataPackage) -> None:
    """Raise ``PackageError`` on the first ``cacdata:`` key that is unknown, mistyped or names nothing."""
    for table in package.tables.values():
        path = _schema_path(package, table.name)
        _unknown(table.schema, SCHEMA_KEYS, path, "the schema")
        if ROW_COUNT in table.schema:
            _row_count(table.schema[ROW_COUNT], path)
        for field in table.fields:
            where = f"field {field['name']!r}"
            _unknown(field, FIELD_KEYS, path, where)
            if REQUIRED_WITH in field:
                other = field[REQUIRED_WITH]
                if not isinstance(other, str) or other not in table.field_names or other == field["name"]:
                    raise PackageError(
                        f"{path}: {where}: {REQUIRED_WITH} must name another field of the table, not {other!r}"
                    )
            if ENTITY_TYPES in field:
                kinds = field[ENTITY_TYPES]
                if not (isinstance(kinds, list) and kinds and all(isinstance(k, str) and k for k in kinds)):
                    raise PackageError(
                        f"{path}: {where}: {ENTITY_TYPES} must be a list of entity types, such as "
                        f'["person"], not {kinds!r}'
                    )
            if MINIMUM_FILL in field:
                share = field[MINIMUM_FILL]
                if not (isinstance(share, int | float) and not isinstance(share, bool) and 0 <= share <= 1):
                    raise PackageError(f"{path}: {where}: {MINIMUM_FILL} must be a number from 0 to 1, not {share!r}")


def _unknown(described: dict[str, Any], known: tuple[str, ...], path: Path, where: str) -> None:
    for key in described:
        if key.startswith(PREFIX) and key not in known:
            raise PackageError(f"{path}: {where}: unknown key {key!r}; the keys are: {', '.join(known)}")


def _row_count(bounds: object, path: Path) -> None:
    counts = bounds.values() if isinstance(bounds, dict) else []
    if (
        not isinstance(bounds, dict)
        or set(bounds) - {"minimum", "maximum"}
        or not all(type(count) is int and count >= 0 for count in counts)
        or bounds.get("minimum", 0) > bounds.get("maximum", bounds.get("minimum", 0))
    ):
        raise PackageError(
            f'{path}: {ROW_COUNT} must be an object such as {{"minimum": 10, "maximum": 1000}}, not {bounds!r}'
        )


def _schema_path(package: DataPackage, name: str) -> Path:
    resource = next(r for r in package.descriptor["resources"] if r.get("name") == name)
    return package.inside(resource.get("schema"), f"resource '{name}' schema")
