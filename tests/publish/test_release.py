"""Releases: the version set everywhere, the CHANGELOG dated with the diff's counts, a zip that opens pinned."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import cacdata
from cacdata.cli import app
from cacdata.describe.package import DataPackage, PackageError
from cacdata.describe.stamp import stamp
from cacdata.publish.archive import CHECKSUMS, write_data_zip
from cacdata.publish.manifest import RELEASES, read_manifests
from cacdata.publish.release import ReleaseError, release
from cacdata.validation import validate

from faults import REPO, read, write

RELEASE_FILES = ["datapackage.json", "CITATION.cff", "CHANGELOG.md", "README.md", "LICENSE", "LICENSE-DATA"]
TODAY = date(2031, 5, 6)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout whose last release is tagged, with one new entity (and its citation) since."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in RELEASE_FILES:
        shutil.copy(REPO / name, root)
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(REPO / RELEASES, root / RELEASES)
    (root / "docs").mkdir()
    shutil.copy(REPO / "docs" / "data-dictionary.md", root / "docs")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "last release")
    git(root, "tag", f"v{DataPackage.open(root).version}")
    header, entities = read(root, "entities")
    new_id = f"ent-{int(entities[-1]['entity_id'][4:]) + 1:04d}"
    write(root, "entities", header, [*entities, {**entities[-1], "entity_id": new_id, "parent_id": ""}])
    header, citations = read(root, "citations")
    new_citation = f"cit-{int(citations[-1]['citation_id'][4:]) + 1:04d}"
    last = next(c for c in citations if c["record_id"] == entities[-1]["entity_id"])
    write(root, "citations", header, [*citations, {**last, "citation_id": new_citation, "record_id": new_id}])
    stamp(DataPackage.open(root))
    return root


def next_minor(version: str) -> str:
    major, minor, _ = version.split(".")
    return f"{major}.{int(minor) + 1}.0"


def test_a_release_sets_the_version_everywhere_and_dates_the_changelog(repo: Path) -> None:
    previous = DataPackage.open(repo).version
    version = next_minor(previous)
    unreleased = (repo / "CHANGELOG.md").read_text(encoding="utf-8").split("## [Unreleased]")[1].split("\n## [")[0]
    made = release(repo, version, TODAY, build=False)
    assert made.previous == previous and made.version == version
    assert DataPackage.open(repo).version == version
    cff = (repo / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{version}"' in cff and 'date-released: "2031-05-06"' in cff
    changelog = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog.split(f"## [{version}] - 2031-05-06")[1].split("\n## [")[0]
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{version}]") < changelog.index(f"## [{previous}]")
    assert unreleased.strip() in section
    assert "| entities | 1 | 0 | 0 |" in section and "| citations | 1 | 0 | 0 |" in section
    assert validate(repo).valid  # stamps and versions agree after the release
    assert f"Version {version}." in (repo / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert f"## [{version}] - 2031-05-06\n\n### " in changelog  # no blank lines piled up
    assert f"git tag -a v{version}" in made.tag_command


def test_a_release_records_its_files_and_schemas_in_a_manifest(repo: Path) -> None:
    version = next_minor(DataPackage.open(repo).version)
    release(repo, version, TODAY, build=False)
    manifest = read_manifests(repo)[version]
    package = DataPackage.open(repo)
    assert manifest.released == TODAY.isoformat()
    stamped = {r["name"]: (r["path"], r["bytes"], r["hash"]) for r in package.descriptor["resources"]}
    assert {r["name"]: (r["path"], r["bytes"], r["hash"]) for r in manifest.resources} == stamped
    assert {r["name"]: r["rows"] for r in manifest.resources} == {n: len(cacdata.load(n, repo)) for n in stamped}
    assert manifest.schemas == package.schemas


@pytest.mark.parametrize("version", ["0.0.1", "not-a-version"])
def test_a_version_that_is_not_higher_is_refused(repo: Path, version: str) -> None:
    with pytest.raises(ReleaseError):
        release(repo, version, TODAY, build=False)


@pytest.mark.parametrize("last_release_read_from", ["manifest", "tag"])
def test_a_major_schema_change_needs_a_major_version_and_nothing_is_written(
    repo: Path, last_release_read_from: str
) -> None:
    if last_release_read_from == "tag":  # a release made before manifests were kept
        shutil.rmtree(repo / RELEASES)
    path = repo / "schemas" / "participants.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "notes"]
    path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    header, rows = read(repo, "participants")
    write(repo, "participants", header[:-1], [{k: v for k, v in row.items() if k != "notes"} for row in rows])
    stamp(DataPackage.open(repo))
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    major, minor, patch = (int(part) for part in DataPackage.open(repo).version.split("."))
    patch_bump = f"{major}.{minor}.{patch + 1}"
    with pytest.raises(ReleaseError, match="column notes removed"):
        release(repo, patch_bump, TODAY, build=False)
    assert {p: p.read_bytes() for p in before} == before
    release(repo, f"{major + 1}.0.0", TODAY, build=False)  # a MAJOR bump may


def test_invalid_data_is_not_released(repo: Path) -> None:
    header, rows = read(repo, "events")
    rows[0]["date_end"] = "2021-02-30"
    write(repo, "events", header, rows)
    stamp(DataPackage.open(repo))
    with pytest.raises(ReleaseError, match="does not validate"):
        release(repo, next_minor(DataPackage.open(repo).version), TODAY, build=False)


def test_the_data_zip_opens_pinned_and_loads_every_table(repo: Path, tmp_path: Path) -> None:
    version = DataPackage.open(repo).version
    archive = write_data_zip(repo, version, tmp_path / "dist")
    assert write_data_zip(repo, version, tmp_path / "again").read_bytes() == archive.read_bytes()  # deterministic
    with cacdata.open(archive) as pinned:
        assert pinned.version == version
        assert pinned.tables() == list(DataPackage.open(repo).tables)
        for name in pinned.tables():
            pd.testing.assert_frame_equal(pinned.load(name), cacdata.load(name, repo))
        assert pinned.validate().valid
        unpacked = pinned.root
    assert not unpacked.exists()  # the temporary copy is removed on close


def test_an_altered_zip_is_refused_before_it_is_read(repo: Path, tmp_path: Path) -> None:
    archive = write_data_zip(repo, "9.9.9", tmp_path / "dist")
    altered = tmp_path / "altered.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(altered, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("data/events.csv"):
                data = data.replace(b"Summons", b"Summonz", 1)
            target.writestr(item, data)
    with pytest.raises(PackageError, match=f"events.csv does not match its SHA-256 in {CHECKSUMS}"):
        cacdata.open(altered)


def test_the_command_prints_the_tag_command_and_never_pushes(repo: Path) -> None:
    version = next_minor(DataPackage.open(repo).version)
    result = CliRunner().invoke(app, ["release", version, "--no-build", "--repo", str(repo)])
    assert result.exit_code == 0, result.output
    assert f"git tag -a v{version}" in result.output
    assert git(repo, "tag", "--list", f"v{version}") == ""  # tagging is left to the maintainer
    refused = CliRunner().invoke(app, ["release", version, "--no-build", "--repo", str(repo)])
    assert refused.exit_code == 1 and "not higher" in refused.output
