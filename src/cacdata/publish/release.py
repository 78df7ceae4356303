"""``cacdata release X.Y.Z``: everything a release needs, in one checked step, and nothing pushed.

Order matters: every check runs before any file is written (the data validates, the version is higher and
large enough for the schema changes since the last release), then the version is set where it lives and
is repeated, the CHANGELOG's Unreleased section moves under the new version with the diff's counts, the
resources are stamped, the generated documents and metadata are written again, the data zip is built and
its members and checksum go into the release's manifest in ``releases/``, and ``dist/`` is built. The last
release is read through its manifest (its schemas from it, its rows from git history at its commit), so a
clone without tags can release. A release is made from a clean checkout, and one with nothing new (no data,
schema or CHANGELOG change since the last) only when asked.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cacdata.describe.atomic import all_or_nothing, write_bytes, write_text
from cacdata.describe.git import is_clean
from cacdata.describe.package import DESCRIPTOR, DataPackage, PackageError
from cacdata.describe.stamp import stamp, write_descriptor
from cacdata.publish.archive import checksums, new_release_contents, zip_bytes, zip_name
from cacdata.publish.diff import DiffError, PackageDiff, compare
from cacdata.publish.manifest import manifest_of, manifest_path, read_manifest, write_manifest
from cacdata.publish.versioning import SchemaChange, bump_level, compare_schemas, parse_version, required_level

UNRELEASED = "## [Unreleased]"
CODEBOOK = "docs/data-dictionary.md"


class ReleaseError(Exception):
    """A release that must not be made; nothing has been written when this is raised.

    ``exit_code`` is 1 when the data is invalid, 2 when the checkout or the request cannot be released.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Release:
    """What ``cacdata release`` made: the versions, the schema changes and diff behind it, and ``dist/``."""

    version: str
    previous: str
    schema_changes: list[SchemaChange]
    diff: PackageDiff
    dist: list[Path]

    @property
    def tag_command(self) -> str:
        """What the maintainer runs after reviewing: commit, then the tag that starts the release workflow."""
        return (
            f'git add -A && git commit -m "Release {self.version}" && '
            f'git tag -a v{self.version} -m "cacdata {self.version}"'
        )


def plan(
    repo: Path, version: str, texts: Path | None = None, allow_empty: bool = False
) -> tuple[str, list[SchemaChange], PackageDiff]:
    """Run every check; return the previous version, the schema changes and the diff since the last release."""
    from cacdata.validation import validate

    try:  # first: a malformed version ('0.3.0/../../x') is a usage error, whatever state the checkout is in
        parse_version(version)
    except ValueError as error:
        raise ReleaseError(str(error)) from None

    package = DataPackage.open(repo)
    previous = package.version
    _check_release_files(repo)
    try:
        if not is_clean(repo):
            raise ReleaseError(f"{repo}: uncommitted changes; commit or stash them first (git status)")
    except PackageError as error:
        raise ReleaseError(f"cannot release without a git checkout: {error}") from None
    try:
        level = bump_level(previous, version)
    except ValueError as error:
        raise ReleaseError(str(error)) from None
    if level is None:
        raise ReleaseError(f"{version} is not higher than the current version {previous}")
    report = validate(repo, texts)
    if not report.valid:
        raise ReleaseError("the data does not validate:\n" + report.to_text(), exit_code=1)
    try:
        changes = compare_schemas(read_manifest(repo, previous).schemas, package.schemas)
        diff = compare(previous, str(repo), repo)
    except (PackageError, DiffError, ValueError) as error:
        raise ReleaseError(f"cannot read the last release, {previous}: {error}") from None
    if not allow_empty and diff.is_empty and not changes and not _unreleased_notes(repo):
        raise ReleaseError(
            f"nothing changed since {previous} (no data, schema or CHANGELOG change); "
            "to release anyway, pass --allow-empty"
        )
    needed = required_level(changes)
    if needed > level:
        listed = "\n".join(f"  {change.describe()}" for change in changes if change.level == needed)
        raise ReleaseError(
            f"{previous} -> {version} is a {level.name} bump; the schema changes need {needed.name}:\n{listed}"
        )
    return previous, changes, diff


def release(
    repo: Path, version: str, today: date, texts: Path | None = None, build: bool = True, allow_empty: bool = False
) -> Release:
    """Check, then write the new version everywhere, the manifest and the data zip; build the wheel and sdist.

    All or nothing: a failure midway puts back every file it changed, so the release can simply be run again.
    """
    previous, changes, diff = plan(repo, version, texts, allow_empty)
    with all_or_nothing(_release_writes(repo, version), new=(repo / "dist", f"cacdata-{version}*")):
        package = DataPackage.open(repo)
        package.descriptor["version"] = version
        write_descriptor(package)
        _set_citation_version(repo / "CITATION.cff", version, today)
        _move_unreleased(repo / "CHANGELOG.md", version, today, previous, diff)
        stamp(DataPackage.open(repo))
        _refresh_generated(repo)
        contents = new_release_contents(repo, version)
        write_manifest(repo, manifest_of(DataPackage.open(repo), today, contents))
        (repo / "dist").mkdir(exist_ok=True)
        archive = write_bytes(repo / "dist" / zip_name(version), zip_bytes(contents))
        dist = _build(repo, version, archive) if build else [archive]
    return Release(version, previous, changes, diff, dist)


def _release_writes(repo: Path, version: str) -> list[Path]:
    """Every file ``release`` may write, so that a failure can put each back."""
    from cacdata.publish.metadata import CROISSANT, JSONLD, README, ZENODO

    dist = repo / "dist"
    built = [*dist.glob(f"cacdata-{version}*"), dist / "SHA256SUMS"] if dist.is_dir() else []
    generated = [repo / name for name in (CODEBOOK, ZENODO, JSONLD, CROISSANT, README)]
    return [
        repo / DESCRIPTOR,
        repo / "CITATION.cff",
        repo / "CHANGELOG.md",
        manifest_path(repo, version),
        *generated,
        *built,
    ]


def _unreleased_notes(repo: Path) -> str:
    """What the CHANGELOG's Unreleased section says, stripped; empty when it says nothing."""
    text = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    body = text.split(UNRELEASED, 1)[1]
    return body.split("\n## [", 1)[0].strip()


def _check_release_files(repo: Path) -> None:
    citation, changelog = repo / "CITATION.cff", repo / "CHANGELOG.md"
    cff = citation.read_text(encoding="utf-8") if citation.is_file() else ""
    if not (re.search(r"(?m)^version: ", cff) and re.search(r"(?m)^date-released: ", cff)):
        raise ReleaseError(f"{citation}: needs 'version:' and 'date-released:' lines")
    if not changelog.is_file() or UNRELEASED not in changelog.read_text(encoding="utf-8"):
        raise ReleaseError(f"{changelog}: no '{UNRELEASED}' section to release")


def _refresh_generated(repo: Path) -> None:
    """The data dictionary, the README's release block and the archive metadata name the version."""
    from cacdata.publish.metadata import write_metadata
    from cacdata.share.codebook import render_codebook

    path = repo / CODEBOOK
    if path.is_file():
        write_text(path, render_codebook(DataPackage.open(repo)))
    write_metadata(repo)


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
    lines = [f"Rows since {previous}, from `cacdata diff {previous} {version}`:", ""]
    lines += ["| table | added | removed | changed |", "| --- | ---: | ---: | ---: |"]
    for table, count in diff.counts().items():
        lines.append(f"| {table} | {count['added']} | {count['removed']} | {count['changed']} |")
    return "\n".join(lines)


def _build(repo: Path, version: str, archive: Path) -> list[Path]:
    dist = repo / "dist"
    for old in dist.glob(f"cacdata-{version}*"):
        if old != archive:
            old.unlink()
    built = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--no-isolation", "--outdir", str(dist), str(repo)],
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        raise ReleaseError(f"building the wheel and sdist failed:\n{built.stderr[-2000:]}")
    files = sorted({archive, *(p for p in dist.glob("cacdata-*") if version in p.name)})
    write_text(dist / "SHA256SUMS", checksums((f.name, f.read_bytes()) for f in files))
    return [*files, dist / "SHA256SUMS"]
