"""The versioning policy: schema changes classified, and the current version big enough for them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cacdata.describe.package import DataPackage
from cacdata.publish.manifest import RELEASES, ManifestError, last_release_before, read_manifests
from cacdata.publish.versioning import Level, bump_level, compare_schemas, parse_version, required_level
from cacdata.validation.package_wide import CHANGELOG_RELEASE

from conftest import REPO

PACKAGE = DataPackage.open(REPO)
SCHEMAS = PACKAGE.schemas


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


def changelog_releases() -> dict[str, str]:
    """The released versions the CHANGELOG lists, with their dates."""
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    return dict(CHANGELOG_RELEASE.findall(text))


def test_every_release_in_the_changelog_has_its_manifest() -> None:
    """Without its manifest a release's schemas are lost to clones that carry no tags."""
    listed = changelog_releases()
    assert listed, "the CHANGELOG lists no release"
    assert {v: m.released for v, m in read_manifests(REPO).items()} == listed


def test_the_schemas_since_the_last_release_fit_the_version() -> None:
    """A MAJOR schema change since the last release needs a MAJOR version (in 0.y, a new minor)."""
    current = PACKAGE.version
    last = last_release_before(REPO, current)
    if last is None:
        assert not [v for v in changelog_releases() if parse_version(v) < parse_version(current)]
        pytest.skip(f"no release before {current}")
    changes = compare_schemas(last.schemas, SCHEMAS)
    level = bump_level(last.version, current)
    assert level is not None and required_level(changes) <= level, [c.describe() for c in changes]


def test_the_last_release_is_the_newest_manifest_below_a_version(tmp_path: Path) -> None:
    record = json.loads((REPO / RELEASES / f"{PACKAGE.version}.json").read_text(encoding="utf-8"))
    (tmp_path / RELEASES).mkdir()

    def as_version(version: str) -> dict[str, object]:
        renamed = [{**m, "name": m["name"].replace(PACKAGE.version, version, 1)} for m in record["members"]]
        return {**record, "version": version, "members": renamed}

    for version in ["0.10.0", "0.9.1", "1.0.0"]:
        text = json.dumps(as_version(version))
        (tmp_path / RELEASES / f"{version}.json").write_text(text, encoding="utf-8")
    assert list(read_manifests(tmp_path)) == ["0.9.1", "0.10.0", "1.0.0"]
    last = last_release_before(tmp_path, "1.0.0")
    assert last is not None and last.version == "0.10.0"
    assert last_release_before(tmp_path, "0.9.1") is None
    (tmp_path / RELEASES / "2.0.0.json").write_text(json.dumps(as_version("2.0.1")), encoding="utf-8")
    with pytest.raises(ManifestError, match=r"2\.0\.1"):
        read_manifests(tmp_path)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("commit", "HEAD"),
        ("zip_sha256", "not-hex"),
        ("members", []),
        ("members", [{"name": "elsewhere/data/events.csv", "sha256": "0" * 64}]),
        ("members", [{"name": "cacdata-{v}/../../etc/passwd", "sha256": "0" * 64}]),
    ],
    ids=["commit", "zip_sha256", "no-members", "member-outside", "member-dotdot"],
)
def test_a_manifest_that_cannot_be_rebuilt_from_is_refused(tmp_path: Path, key: str, value: object) -> None:
    record = json.loads((REPO / RELEASES / f"{PACKAGE.version}.json").read_text(encoding="utf-8"))
    record[key] = json.loads(json.dumps(value).replace("{v}", PACKAGE.version))
    (tmp_path / RELEASES).mkdir()
    (tmp_path / RELEASES / f"{PACKAGE.version}.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ManifestError, match=key if key != "members" else "member"):
        read_manifests(tmp_path)
