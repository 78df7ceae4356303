"""``cacdata release X.Y.Z``: everything a release needs, in one checked step, and nothing pushed.

Order matters: every check runs before any file is written (the data validates, the version is higher and
large enough for the schema changes since the last release), then the version is set where it lives and
is repeated, the CHANGELOG's Unreleased section moves under the new version with the diff's counts, the
resources are stamped, the release's manifest is written to ``releases/``, and ``dist/`` is built. The
last release's schemas come from its manifest (or, for a release made before manifests, its git tag
``vX.Y.Z``); its rows, for the diff, from the tag.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cacdata.describe.atomic import all_or_nothing, write_text
from cacdata.describe.copies import resolve_side
from cacdata.describe.package import DESCRIPTOR, DataPackage, PackageError
from cacdata.describe.stamp import stamp, write_descriptor
from cacdata.publish.archive import checksums, write_data_zip
from cacdata.publish.diff import PackageDiff, compare
from cacdata.publish.manifest import RELEASES, manifest_of, read_manifests, write_manifest
from cacdata.publish.versioning import SchemaChange, bump_level, compare_schemas, required_level

UNRELEASED = "## [Unreleased]"
CODEBOOK = "docs/data-dictionary.md"


class ReleaseError(Exception):
    """A release that must not be made; nothing has been written when this is raised."""


@dataclass(frozen=True)
class Release:
    version: str
    previous: str
    schema_changes: list[SchemaChange]
    diff: PackageDiff
    dist: list[Path]

    @property
    def tag_command(self) -> str:
        return (
            f'git add -A && git commit -m "Release {self.version}" && '
            f'git tag -a v{self.version} -m "cacdata {self.version}"'
        )


def tag_of(version: str) -> str:
    return f"v{version}"


def plan(repo: Path, version: str, texts: Path | None = None) -> tuple[str, list[SchemaChange], PackageDiff]:
    """Run every check; return the previous version, the schema changes and the diff since the last release."""
    from cacdata.validation import validate

    package = DataPackage.open(repo)
    previous = package.version
    _check_release_files(repo)
    try:
        level = bump_level(previous, version)
    except ValueError as error:
        raise ReleaseError(str(error)) from None
    if level is None:
        raise ReleaseError(f"{version} is not higher than the current version {previous}")
    report = validate(repo, texts)
    if not report.valid:
        raise ReleaseError("the data does not validate:\n" + report.to_text())
    try:
        changes = compare_schemas(_released_schemas(repo, previous), package.schemas)
        diff = compare(tag_of(previous), str(repo), repo)
    except (PackageError, ValueError) as error:
        raise ReleaseError(f"cannot read the last release, {previous}: {error}") from None
    needed = required_level(changes)
    if needed > level:
        listed = "\n".join(f"  {change.describe()}" for change in changes if change.level == needed)
        raise ReleaseError(
            f"{previous} -> {version} is a {level.name} bump; the schema changes need {needed.name}:\n{listed}"
        )
    return previous, changes, diff


def release(repo: Path, version: str, today: date, texts: Path | None = None, build: bool = True) -> Release:
    """Check, then write every file a release changes, all or nothing: a failure midway puts each one back."""
    previous, changes, diff = plan(repo, version, texts)
    with all_or_nothing(_release_writes(repo, version), new=(repo / "dist", f"cacdata-{version}*")):
        package = DataPackage.open(repo)
        package.descriptor["version"] = version
        write_descriptor(package)
        _set_citation_version(repo / "CITATION.cff", version, today)
        _move_unreleased(repo / "CHANGELOG.md", version, today, previous, diff)
        stamp(DataPackage.open(repo))
        write_manifest(repo, manifest_of(DataPackage.open(repo), today))
        _refresh_codebook(repo)
        dist = _build(repo, version) if build else []
    return Release(version, previous, changes, diff, dist)


def _release_writes(repo: Path, version: str) -> list[Path]:
    """Every file ``release`` may write, so that a failure can put each back."""
    dist = repo / "dist"
    built = [*dist.glob(f"cacdata-{version}*"), dist / "SHA256SUMS"] if dist.is_dir() else []
    return [
        repo / DESCRIPTOR,
        repo / "CITATION.cff",
        repo / "CHANGELOG.md",
        repo / RELEASES / f"{version}.json",
        repo / CODEBOOK,
        *built,
    ]


def _check_release_files(repo: Path) -> None:
    citation, changelog = repo / "CITATION.cff", repo / "CHANGELOG.md"
    cff = citation.read_text(encoding="utf-8") if citation.is_file() else ""
    if not (re.search(r"(?m)^version: ", cff) and re.search(r"(?m)^date-released: ", cff)):
        raise ReleaseError(f"{citation}: needs 'version:' and 'date-released:' lines")
    if not changelog.is_file() or UNRELEASED not in changelog.read_text(encoding="utf-8"):
        raise ReleaseError(f"{changelog}: no '{UNRELEASED}' section to release")


def _refresh_codebook(repo: Path) -> None:
    """The data dictionary names the version, so it is written again with the new one."""
    from cacdata.share.codebook import render_codebook

    path = repo / CODEBOOK
    if path.is_file():
        write_text(path, render_codebook(DataPackage.open(repo)))


def _released_schemas(repo: Path, version: str) -> dict[str, dict[str, Any]]:
    manifest = read_manifests(repo).get(version)
    if manifest is not None:
        return manifest.schemas
    with resolve_side(tag_of(version), repo) as last:
        return DataPackage.open(last).schemas


def _set_citation_version(path: Path, version: str, today: date) -> None:
    text = path.read_text(encoding="utf-8")
    text, found = re.subn(r"(?m)^version: .*$", f'version: "{version}"', text)
    text, dated = re.subn(r"(?m)^date-released: .*$", f'date-released: "{today.isoformat()}"', text)
    if not (found and dated):
        raise ReleaseError(f"{path}: needs 'version:' and 'date-released:' lines")
    write_text(path, text)


def _move_unreleased(path: Path, version: str, today: date, previous: str, diff: PackageDiff) -> None:
    text = path.read_text(encoding="utf-8")
    if UNRELEASED not in text:
        raise ReleaseError(f"{path}: no '{UNRELEASED}' section to release")
    head, body = text.split(UNRELEASED, 1)
    next_release = body.find("\n## [")
    notes, rest = (body, "") if next_release < 0 else (body[:next_release], body[next_release:])
    data = f"### Data\n\n{_counts(diff, previous, version)}\n"
    notes = f"{notes.strip()}\n\n" if notes.strip() else ""
    section = f"## [{version}] - {today.isoformat()}\n\n{notes}{data}"
    write_text(path, f"{head}{UNRELEASED}\n\n{section}{rest}")


def _counts(diff: PackageDiff, previous: str, version: str) -> str:
    lines = [f"Rows since {previous}, from `cacdata diff v{previous} v{version}`:", ""]
    lines += ["| table | added | removed | changed |", "| --- | ---: | ---: | ---: |"]
    for table, count in diff.counts().items():
        lines.append(f"| {table} | {count['added']} | {count['removed']} | {count['changed']} |")
    return "\n".join(lines)


def _build(repo: Path, version: str) -> list[Path]:
    dist = repo / "dist"
    for old in dist.glob(f"cacdata-{version}*"):
        old.unlink()
    built = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--no-isolation", "--outdir", str(dist), str(repo)],
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        raise ReleaseError(f"building the wheel and sdist failed:\n{built.stderr[-2000:]}")
    files = sorted(p for p in dist.glob("cacdata-*") if version in p.name)
    files.append(write_data_zip(repo, version, dist))
    files = sorted(set(files))
    write_text(dist / "SHA256SUMS", checksums((f.name, f.read_bytes()) for f in files))
    return [*files, dist / "SHA256SUMS"]
