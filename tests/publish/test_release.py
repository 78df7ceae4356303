"""Releases: the version set everywhere, the CHANGELOG dated with the diff's counts, a zip that opens pinned."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import cacdata
from cacdata.cli import app
from cacdata.describe.package import DataPackage, PackageError
from cacdata.describe.stamp import stamp
from cacdata.publish.archive import CHECKSUMS, write_data_zip
from cacdata.publish.diff import compare
from cacdata.publish.manifest import read_manifests
from cacdata.publish.release import ReleaseError, release
from cacdata.validation import validate

from conftest import alter_member
from faults import read, write
from releasing import TODAY, git, next_minor


def test_a_release_sets_the_version_everywhere_and_dates_the_changelog(repo: Path) -> None:
    previous = DataPackage.open(repo).version
    version = next_minor(previous)
    unreleased = (repo / "CHANGELOG.md").read_text(encoding="utf-8").split("## [Unreleased]")[1].split("\n## [")[0]
    # the counts come from the diff since the last release: whatever main holds, plus the fixture's one entity
    counts = compare(previous, str(repo), repo).counts()
    assert counts["entities"]["added"] >= 1 and counts["citations"]["added"] >= 1
    made = release(repo, version, TODAY, build=False)
    assert made.previous == previous and made.version == version
    assert DataPackage.open(repo).version == version
    cff = (repo / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{version}"' in cff and 'date-released: "2031-05-06"' in cff
    changelog = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog.split(f"## [{version}] - 2031-05-06")[1].split("\n## [")[0]
    assert changelog.index("## [Unreleased]") < changelog.index(f"## [{version}]") < changelog.index(f"## [{previous}]")
    assert unreleased.strip() in section
    for table, count in counts.items():
        assert f"| {table} | {count['added']} | {count['removed']} | {count['changed']} |" in section
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


def test_a_major_schema_change_needs_a_major_version_and_nothing_is_written(repo: Path) -> None:
    path = repo / "schemas" / "participants.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "notes"]
    path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    header, rows = read(repo, "participants")
    write(repo, "participants", header[:-1], [{k: v for k, v in row.items() if k != "notes"} for row in rows])
    stamp(DataPackage.open(repo))
    git(repo, "commit", "-qam", "drop participants.notes")
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
    git(repo, "commit", "-qam", "an impossible date")
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
    altered = alter_member(archive, tmp_path / "altered.zip", "data/events.csv", lambda d: d.replace(b"e", b"E", 1))
    with pytest.raises(PackageError, match=f"events.csv does not match its SHA-256 in {CHECKSUMS}"):
        cacdata.open(altered)


def test_the_command_prints_the_tag_command_and_never_pushes(repo: Path) -> None:
    version = next_minor(DataPackage.open(repo).version)
    result = CliRunner().invoke(app, ["release", version, "--no-build", "--repo", str(repo)])
    assert result.exit_code == 0, result.output
    assert f"git tag -a v{version}" in result.output
    assert git(repo, "tag", "--list", f"v{version}") == ""  # tagging is left to the maintainer
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", f"Release {version}")
    refused = CliRunner().invoke(app, ["release", version, "--no-build", "--repo", str(repo)])
    assert refused.exit_code == 2 and "not higher" in refused.output
