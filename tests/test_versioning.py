"""The versioning policy: schema changes classified, and the current version big enough for them."""

from __future__ import annotations

import copy
import os
import subprocess
from typing import Any

import pytest

from cacdata.package import DataPackage
from cacdata.unpack import resolve_side
from cacdata.versioning import Level, bump_level, compare_schemas, parse_version, required_level

from conftest import REPO

PACKAGE = DataPackage.open(REPO)
SCHEMAS = {name: table.schema for name, table in PACKAGE.tables.items()}


def changed(edit: Any) -> Level:
    new = copy.deepcopy(SCHEMAS)
    edit(new)
    return required_level(compare_schemas(SCHEMAS, new))


def field(schemas: dict[str, Any], table: str, name: str) -> dict[str, Any]:
    return next(f for f in schemas[table]["fields"] if f["name"] == name)


@pytest.mark.parametrize(
    ("edit", "level"),
    [
        (lambda s: None, Level.PATCH),
        (lambda s: field(s, "events", "title").update(description="Reworded."), Level.PATCH),
        (lambda s: s["events"]["fields"].append({"name": "extra", "type": "string"}), Level.MINOR),
        (lambda s: s.update(new_table={"fields": []}), Level.MINOR),
        (lambda s: field(s, "participants", "role")["constraints"]["enum"].append("witness"), Level.MINOR),
        (lambda s: field(s, "participants", "role")["constraints"]["enum"].pop(), Level.MAJOR),
        (lambda s: s["events"]["fields"].pop(), Level.MAJOR),
        (lambda s: field(s, "events", "title").update(name="headline"), Level.MAJOR),
        (lambda s: field(s, "events", "date_start").update(type="string"), Level.MAJOR),
        (lambda s: field(s, "events", "notes").setdefault("constraints", {}).update(required=True), Level.MAJOR),
        (lambda s: field(s, "events", "event_id")["constraints"].update(pattern="event-[0-9]{6}"), Level.MAJOR),
        (lambda s: s.pop("quotes"), Level.MAJOR),
        (lambda s: field(s, "events", "notes").update({"cacdata:requiredWith": "title"}), Level.MAJOR),
        (lambda s: field(s, "events", "notes").update({"cacdata:minimumFill": 0.1}), Level.PATCH),
    ],
    ids=[
        "nothing", "description", "column added", "table added", "enum value added", "enum value removed",
        "column removed", "column renamed", "column re-typed", "made required", "ID scheme", "table removed",
        "conditional requirement", "fill expectation",
    ],
)  # fmt: skip
def test_schema_changes_are_classified_by_the_policy(edit: Any, level: Level) -> None:
    assert changed(edit) == level


@pytest.mark.parametrize(
    ("old", "new", "level"),
    [
        ("1.2.3", "2.0.0", Level.MAJOR), ("1.2.3", "1.3.0", Level.MINOR), ("1.2.3", "1.2.4", Level.PATCH),
        ("0.1.0", "0.2.0", Level.MAJOR), ("0.1.0", "0.1.1", Level.MINOR), ("1.2.3", "1.2.3", None),
        ("1.2.3", "1.1.9", None),
    ],
)  # fmt: skip
def test_bumps_read_as_the_policy_says(old: str, new: str, level: Level | None) -> None:
    assert bump_level(old, new) == level


def test_a_version_must_be_x_y_z() -> None:
    with pytest.raises(ValueError, match=r"X\.Y\.Z"):
        parse_version("1.2")


def released_versions() -> list[str]:
    tags = subprocess.run(["git", "-C", str(REPO), "tag", "--list", "v*"], capture_output=True, text=True)
    versions = []
    for tag in tags.stdout.split():
        try:
            parse_version(tag[1:])
        except ValueError:
            continue
        versions.append(tag[1:])
    return sorted(versions, key=parse_version)


def test_the_schemas_since_the_last_release_fit_the_version() -> None:
    """A MAJOR schema change since the last tagged release needs a MAJOR version (in 0.y, a new minor)."""
    current = PACKAGE.version
    earlier = [v for v in released_versions() if parse_version(v) < parse_version(current)]
    if not earlier:
        if os.environ.get("CI") and not released_versions():
            pytest.fail("CI must see the release tags (git clone copies them)")
        pytest.skip(f"no release before {current} is tagged in this checkout")
    last = earlier[-1]
    with resolve_side(f"v{last}", REPO) as root:
        old = {name: table.schema for name, table in DataPackage.open(root).tables.items()}
    changes = compare_schemas(old, SCHEMAS)
    level = bump_level(last, current)
    assert level is not None and required_level(changes) <= level, [c.describe() for c in changes]
