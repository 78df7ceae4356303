"""The descriptor's and schemas' shape, checked once when the tables are read, so no later code meets a surprise.

Everything here is a refusal (``PackageError``, exit 2) with one message naming the file and the key: a
description that contradicts itself (two resources with one name or one file, a key or reference naming a
field or resource that does not exist, a field without a name) would otherwise set off dozens of misleading
failures, or a traceback, in every rule that trusts it. Legal Table Schema forms are accepted as they are:
``primaryKey`` and foreign-key ``fields`` as a string or a list, a field without a ``type`` (a string).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cacdata.describe.package import PackageError


def as_names(value: object) -> list[str] | None:
    """A Table Schema field list, given as one name or a list of names; None if it is neither."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


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


def check_fields(schema: dict[str, Any], path: Path) -> None:
    """Every field is an object with a name of its own, and a text type and an object of constraints if any."""
    seen: set[str] = set()
    for number, field in enumerate(schema["fields"], start=1):
        if not isinstance(field, dict):
            raise PackageError(f"{path}: field {number} is not an object")
        name = field.get("name")
        if not isinstance(name, str) or not name:
            raise PackageError(f"{path}: field {number} has no name")
        if name in seen:
            raise PackageError(f"{path}: the field {name!r} is described twice")
        seen.add(name)
        if not isinstance(field.get("type", "string"), str):
            raise PackageError(f"{path}: field {name!r}: 'type' must be text, such as \"string\"")
        if not isinstance(field.get("constraints", {}), dict):
            raise PackageError(f"{path}: field {name!r}: 'constraints' must be an object")


def check_keys(schema: dict[str, Any], path: Path, fields_of: dict[str, list[str]], table: str) -> None:
    """``primaryKey`` and every foreign key name fields and resources that exist."""
    own = fields_of[table]
    if "primaryKey" in schema:
        key = as_names(schema["primaryKey"])
        if not key:
            raise PackageError(f"{path}: 'primaryKey' must be a field name or a list of field names")
        _known(key, own, path, "primaryKey")
    foreign = schema.get("foreignKeys", [])
    if not isinstance(foreign, list):
        raise PackageError(f"{path}: 'foreignKeys' must be a list")
    for number, fk in enumerate(foreign, start=1):
        where = f"foreign key {number}"
        reference = fk.get("reference") if isinstance(fk, dict) else None
        local = as_names(fk.get("fields")) if isinstance(fk, dict) else None
        if not local or not isinstance(reference, dict):
            raise PackageError(f"{path}: {where} needs 'fields' and a 'reference' object")
        _known(local, own, path, where)
        resource = reference.get("resource", "")
        target = table if resource == "" else resource
        if not isinstance(target, str) or target not in fields_of:
            raise PackageError(f"{path}: {where} refers to the resource {resource!r}, which the package does not have")
        remote = as_names(reference.get("fields"))
        if not remote or len(remote) != len(local):
            raise PackageError(f"{path}: {where} must refer to as many fields as it has")
        _known(remote, fields_of[target], path, f"{where} (in {target!r})")


def _known(names: list[str], fields: list[str], path: Path, where: str) -> None:
    missing = [name for name in names if name not in fields]
    if missing:
        raise PackageError(f"{path}: {where} names {', '.join(map(repr, missing))}, which is not a field of the table")
