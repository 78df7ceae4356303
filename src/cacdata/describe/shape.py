"""The descriptor's shape across tables, checked once when the tables are read, so no later code meets a surprise.

Each table's schema is read and checked on its own by ``describe.schema``; what needs the whole package is
here. Everything is a refusal (``PackageError``, exit 2) with one message naming the file and the key: a
description that contradicts itself (two resources with one name or one file, a foreign key naming a
resource or field that does not exist) would otherwise set off dozens of misleading failures, or a
traceback, in every rule that trusts it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cacdata.describe.package import PackageError

if TYPE_CHECKING:
    from cacdata.describe.package import Table


def check_resources(resources: list[dict[str, Any]], descriptor: Path) -> None:
    """Each resource has its own name and its own file."""
    names: dict[str, int] = {}
    paths: dict[str, str] = {}
    for number, resource in enumerate(resources, start=1):
        name = resource.get("name")
        if not isinstance(name, str) or not name:
            raise PackageError(f"{descriptor}: resource {number} has no name")
        if name in names:
            raise PackageError(f"{descriptor}: resources {names[name]} and {number} are both named {name!r}")
        names[name] = number
        path = resource.get("path")
        if isinstance(path, str):
            key = str(Path(path))
            if key in paths:
                raise PackageError(f"{descriptor}: resources {paths[key]!r} and {name!r} both claim the file {path}")
            paths[key] = name


def check_references(table: Table, tables: dict[str, Table], path: Path) -> None:
    """Every foreign key of ``table`` names a resource of the package and fields that resource has."""
    for number, fk in enumerate(table.schema.foreign_keys, start=1):
        where = f"foreign key {number}"
        target = tables.get(fk.resource or table.name)
        if target is None:
            raise PackageError(
                f"{path}: {where} refers to the resource {fk.resource!r}, which the package does not have"
            )
        missing = [name for name in fk.reference_fields if name not in target.field_names]
        if missing:
            names = ", ".join(map(repr, missing))
            raise PackageError(f"{path}: {where} (in {target.name!r}) names {names}, which is not a field of the table")
