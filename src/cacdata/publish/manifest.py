"""A release's record in the repository: ``releases/X.Y.Z.json``, written by ``cacdata release``.

Why a file and not only the git tag: a clone without tags (``--no-tags``, a download of ``main``) still has
to know what the last release's schemas were, to enforce the versioning policy; a reader has to check that
their copy of a release is byte for byte the one a paper used; and anyone has to be able to rebuild that
release's data zip from history. Each manifest keeps, frozen at release time: the commit holding the
released files, the zip's members with their SHA-256, the zip's own SHA-256, every resource's path, size,
SHA-256 and row count, and the table schemas. It is history, not a second source of the rules:
``schemas/`` alone says what the data must be now.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from cacdata.describe.atomic import write_text
from cacdata.describe.git import commit_adding, commit_of
from cacdata.describe.package import DataPackage, PackageError
from cacdata.describe.stamp import file_stamp
from cacdata.publish.versioning import parse_version

RELEASES = "releases"


class ManifestError(PackageError):
    """A manifest that cannot be read: not JSON, the wrong keys, or a version that does not match its name."""


@dataclass(frozen=True)
class Manifest:
    """What one release is; ``commit`` is None when the manifest was committed with the release itself."""

    version: str
    released: str
    commit: str | None
    zip_sha256: str
    members: list[dict[str, str]]  # the zip's members in order: {"name": "cacdata-X.Y.Z/...", "sha256": hex}
    resources: list[dict[str, Any]]
    schemas: dict[str, dict[str, Any]]


def manifest_of(package: DataPackage, released: date, members: list[tuple[str, bytes]]) -> Manifest:
    """What a release of this package is, read from its files (never from the stamps it claims) and its zip."""
    from cacdata.publish.archive import zip_bytes

    resources = []
    for name, table in package.tables.items():
        size, digest = file_stamp(table.csv_path)
        path = package.relative(table.csv_path)
        resources.append({"name": name, "path": path, "bytes": size, "hash": digest, "rows": table.row_count()})
    listed = [{"name": name, "sha256": _sha256(data)} for name, data in members]
    zipped = _sha256(zip_bytes(members))
    return Manifest(package.version, released.isoformat(), None, zipped, listed, resources, package.schemas)


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def manifest_path(repo: Path, version: str) -> Path:
    """Where the manifest of ``version`` lies in a checkout."""
    return repo / RELEASES / f"{version}.json"


def write_manifest(repo: Path, manifest: Manifest) -> Path:
    """Write ``releases/X.Y.Z.json`` atomically (keys in the dataclass's order, the same bytes for the same record)."""
    path = manifest_path(repo, manifest.version)
    path.parent.mkdir(exist_ok=True)
    write_text(path, json.dumps(asdict(manifest), indent=2, ensure_ascii=False) + "\n")
    return path


def read_manifests(repo: Path) -> dict[str, Manifest]:
    """Every release recorded in ``releases/``, oldest first, keyed by version."""
    keys = [field.name for field in fields(Manifest)]
    found = []
    for path in (repo / RELEASES).glob("*.json"):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ManifestError(f"{path}: not readable JSON ({error})") from None
        if not isinstance(record, dict) or sorted(record) != sorted(keys):
            raise ManifestError(f"{path}: expected exactly the keys {', '.join(keys)}")
        if record["version"] != path.stem:
            raise ManifestError(f"{path}: records version {record['version']!r}, not {path.stem!r}")
        try:
            parse_version(path.stem)
        except ValueError as error:
            raise ManifestError(f"{path}: {error}") from None
        _check_release_record(record, path)
        found.append(Manifest(**record))
    return {m.version: m for m in sorted(found, key=lambda m: parse_version(m.version))}


def _check_release_record(record: dict[str, Any], path: Path) -> None:
    """The commit, zip checksum and members must be what rebuilding needs, or the manifest is refused."""
    commit, digest, members = record["commit"], record["zip_sha256"], record["members"]
    if commit is not None and not (isinstance(commit, str) and re.fullmatch(r"[0-9a-f]{40}", commit)):
        raise ManifestError(f"{path}: 'commit' must be a full commit hash or null")
    if not (isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest)):
        raise ManifestError(f"{path}: 'zip_sha256' must be a SHA-256 in hex")
    folder = f"cacdata-{record['version']}/"
    if not isinstance(members, list) or not members:
        raise ManifestError(f"{path}: 'members' must list the zip's members")
    for number, member in enumerate(members, start=1):
        if not (
            isinstance(member, dict)
            and sorted(member) == ["name", "sha256"]
            and isinstance(member["name"], str)
            and member["name"].startswith(folder)
            and ".." not in member["name"].split("/")
            and isinstance(member["sha256"], str)
            and re.fullmatch(r"[0-9a-f]{64}", member["sha256"])
        ):
            raise ManifestError(f"{path}: member {number} must be {{'name': '{folder}...', 'sha256': hex}}")


def read_manifest(repo: Path, version: str) -> Manifest:
    """The manifest of one release; a version without one is named with the versions that have one."""
    manifests = read_manifests(repo)
    if version not in manifests:
        known = ", ".join(manifests) or "none"
        raise ManifestError(f"{version}: no release of that version in {repo / RELEASES} (releases: {known})")
    return manifests[version]


def release_commit(repo: Path, manifest: Manifest) -> str:
    """The commit holding the release's files: recorded, or else the commit that added its manifest."""
    if manifest.commit is not None:
        return commit_of(repo, manifest.commit)  # a shallow clone is told to fetch the history
    return commit_adding(repo, f"{RELEASES}/{manifest.version}.json")


def last_release_before(repo: Path, version: str) -> Manifest | None:
    """The newest release older than ``version``, or None before the first."""
    earlier = [m for v, m in read_manifests(repo).items() if parse_version(v) < parse_version(version)]
    return earlier[-1] if earlier else None
