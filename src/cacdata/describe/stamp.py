"""Record each resource's size and SHA-256 in ``datapackage.json``, so a changed byte cannot pass unseen.

``frictionless validate`` and ``cacdata validate`` both compare the files with these figures; a CSV edited
without a new stamp fails CI. The descriptor is rewritten the way it is kept in the repository (two-space
JSON, UTF-8, final newline), so a stamp changes only the figures. It is written beside and renamed over the
old one, so a reader never sees a half-written descriptor and a failure (a full disk) keeps the old one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cacdata.describe.atomic import write_text
from cacdata.describe.package import DataPackage

HASH_PREFIX = "sha256:"


def file_stamp(path: Path) -> tuple[int, str]:
    """The ``bytes`` and ``hash`` a resource of this file records."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(2**20):
            digest.update(chunk)
            size += len(chunk)
    return size, HASH_PREFIX + digest.hexdigest()


def stamp(package: DataPackage) -> list[str]:
    """Update ``bytes`` and ``hash`` of every resource; returns the names of those that changed."""
    changed = []
    for resource in package.descriptor["resources"]:
        table = package.table(resource["name"])
        size, digest = file_stamp(table.csv_path)
        if resource.get("bytes") != size or resource.get("hash") != digest:
            resource["bytes"], resource["hash"] = size, digest
            changed.append(table.name)
    if changed:
        write_descriptor(package)
    return changed


def write_descriptor(package: DataPackage) -> None:
    """Write the descriptor as the repository keeps it, atomically."""
    write_text(package.descriptor_path, json.dumps(package.descriptor, indent=2, ensure_ascii=False) + "\n")
