"""Semantic versioning applied to the data: which schema changes need which version bump.

The policy (README, "Versions"): a removed, renamed or re-typed column, a tightened constraint or a changed
ID scheme is MAJOR; new rows, columns or tables are MINOR; corrections to values are PATCH. Before 1.0.0 a
MAJOR change bumps the minor number (Semantic Versioning, item 4). Only schemas can be compared by machine;
whether a release holds corrections or new rows is told by ``cacdata diff``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")

# Declared rules that make fewer rows valid when added or changed; the other cacdata: keys are expectations
# on a whole table (row counts, fill), which a release may move without breaking anyone's rows.
TIGHTENING_RULES = ("cacdata:requiredWith", "cacdata:entityTypes")


class Level(IntEnum):
    """How large a version bump a change needs, ordered so the largest can be taken with ``max``."""

    PATCH = 0
    MINOR = 1
    MAJOR = 2


@dataclass(frozen=True)
class SchemaChange:
    """One difference between two releases' schemas, with the version bump it needs."""

    level: Level
    table: str
    what: str

    def describe(self) -> str:
        """One line for the release check's message: level, table and what changed."""
        return f"{self.level.name}: {self.table}: {self.what}"


def parse_version(text: str) -> tuple[int, int, int]:
    """A version ``X.Y.Z`` as numbers that compare in order; ``ValueError`` for any other form."""
    match = VERSION.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a version of the form X.Y.Z")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def bump_level(old: str, new: str) -> Level | None:
    """The kind of bump from ``old`` to ``new`` as the policy reads it; None if ``new`` is not higher."""
    before, after = parse_version(old), parse_version(new)
    if after <= before:
        return None
    if after[0] > before[0]:
        return Level.MAJOR
    if after[1] > before[1]:
        return Level.MAJOR if before[0] == 0 else Level.MINOR  # 0.y: the minor number carries breaking change
    return Level.MINOR if before[0] == 0 else Level.PATCH


def compare_schemas(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[SchemaChange]:
    """Every change between two sets of Table Schemas, by table name, each with the bump it needs."""
    changes = []
    for name in old:
        if name not in new:
            changes.append(SchemaChange(Level.MAJOR, name, "table removed"))
    for name, schema in new.items():
        if name not in old:
            changes.append(SchemaChange(Level.MINOR, name, "table added"))
        else:
            changes += _compare_table(name, old[name], schema)
    return changes


def required_level(changes: list[SchemaChange]) -> Level:
    """The bump a set of schema changes needs: the largest of them, PATCH when there are none."""
    return max((change.level for change in changes), default=Level.PATCH)


def _compare_table(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    changes = []
    old_fields = {f["name"]: f for f in old["fields"]}
    new_fields = {f["name"]: f for f in new["fields"]}
    for field in old_fields:
        if field not in new_fields:
            changes.append(SchemaChange(Level.MAJOR, name, f"column {field} removed or renamed"))
    for field, spec in new_fields.items():
        if field not in old_fields:
            level = Level.MAJOR if spec.get("constraints", {}).get("required") else Level.MINOR
            changes.append(SchemaChange(level, name, f"column {field} added"))
        else:
            changes += _compare_field(name, field, old_fields[field], spec)
    if old.get("primaryKey") != new.get("primaryKey"):
        changes.append(SchemaChange(Level.MAJOR, name, "primary key changed"))
    old_keys = {_key(fk) for fk in old.get("foreignKeys", [])}
    for fk in new.get("foreignKeys", []):
        if _key(fk) not in old_keys:
            changes.append(SchemaChange(Level.MAJOR, name, f"foreign key {_key(fk)} added"))
    if old.get("missingValues") != new.get("missingValues"):
        changes.append(SchemaChange(Level.MAJOR, name, "missingValues changed"))
    return changes


def _compare_field(table: str, name: str, old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    changes = []
    if (old.get("type"), old.get("format")) != (new.get("type"), new.get("format")):
        changes.append(SchemaChange(Level.MAJOR, table, f"column {name} re-typed"))
    before, after = old.get("constraints", {}), new.get("constraints", {})
    for key in sorted(set(before) | set(after)):
        if before.get(key) == after.get(key):
            continue
        level = _constraint_level(key, before.get(key), after.get(key))
        changes.append(
            SchemaChange(level, table, f"column {name}: constraint {key} {before.get(key)!r} -> {after.get(key)!r}")
        )
    for key in TIGHTENING_RULES:
        if old.get(key) != new.get(key):
            level = Level.MAJOR if new.get(key) is not None else Level.MINOR
            changes.append(SchemaChange(level, table, f"column {name}: {key} {old.get(key)!r} -> {new.get(key)!r}"))
    return changes


def _constraint_level(key: str, before: Any, after: Any) -> Level:
    """Loosening is MINOR; tightening, or a change that is neither (a new pattern), is MAJOR."""
    if after is None or after is False:
        return Level.MINOR
    if key == "enum" and before is not None and set(before) <= set(after):
        return Level.MINOR
    if key == "maxLength" and before is not None and after >= before:
        return Level.MINOR
    if key == "minLength" and before is not None and after <= before:
        return Level.MINOR
    return Level.MAJOR


def _key(fk: dict[str, Any]) -> str:
    fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
    return ",".join(fields) + " -> " + (fk["reference"].get("resource") or "(self)")
