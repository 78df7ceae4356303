"""A release's record in the repository: ``releases/X.Y.Z.json``, written by ``cacdata release``.

Why a file and not only the git tag: a clone without tags (``--depth 1``, ``--no-tags``, a download of
``main``) still has to know what the last release's schemas were, to enforce the versioning policy, and a
reader still has to check that their copy of a release is byte for byte the one a paper used. Each manifest
keeps, frozen at release time, every resource's path, size, SHA-256 and row count, and the table schemas.
It is history, not a second source of the rules: ``schemas/`` alone says what the data must be now.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cacdata.describe.atomic import write_text
from cacdata.describe.package import DataPackage
from cacdata.describe.stamp import file_stamp
from cacdata.publish.versioning import parse_version

RELEASES = "releases"


@dataclass(frozen=True)
class Manifest:
    version: str
    released: str
    resources: list[dict[str, Any]]
    schemas: dict[str, dict[str, Any]]


def manifest_of(package: DataPackage, released: date) -> Manifest:
    """What a release of this package is, read from its files (never from the stamps it claims)."""
    resources = []
    for name, table in package.tables.items():
        size, digest = file_stamp(table.csv_path)
        path = package.relative(table.csv_path)
        resources.append({"name": name, "path": path, "bytes": size, "hash": digest, "rows": table.row_count()})
    return Manifest(package.version, released.isoformat(), resources, package.schemas)


def write_manifest(repo: Path, manifest: Manifest) -> Path:
    path = repo / RELEASES / f"{manifest.version}.json"
    path.parent.mkdir(exist_ok=True)
    write_text(path, json.dumps(asdict(manifest), indent=2, ensure_ascii=False) + "\n")
    return path


def read_manifests(repo: Path) -> dict[str, Manifest]:
    """Every release recorded in ``releases/``, oldest first, keyed by version."""
    found = []
    for path in (repo / RELEASES).glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("version") != path.stem:
            raise ValueError(f"{path}: records version {record.get('version')!r}, not {path.stem!r}")
        parse_version(path.stem)
        try:
            found.append(Manifest(**record))
        except TypeError:
            raise ValueError(f"{path}: expected exactly the keys {', '.join(Manifest.__annotations__)}") from None
    return {m.version: m for m in sorted(found, key=lambda m: parse_version(m.version))}


def last_release_before(repo: Path, version: str) -> Manifest | None:
    earlier = [m for v, m in read_manifests(repo).items() if parse_version(v) < parse_version(version)]
    return earlier[-1] if earlier else None
