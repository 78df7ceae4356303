"""The data zip of a release: what a researcher downloads, pins and cites, checked before it is read.

The zip holds one folder, ``cacdata-X.Y.Z/``, with the descriptor, schemas, data, README, CHANGELOG,
CITATION.cff and licences, and a ``SHA256SUMS`` file listing every other member. It is written
deterministically (sorted members, fixed timestamps), so the same release gives the same bytes.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable
from pathlib import Path

from cacdata.describe.copies import unzip
from cacdata.describe.package import DESCRIPTOR, PackageError

CHECKSUMS = "SHA256SUMS"
RELEASE_FILES = (DESCRIPTOR, "README.md", "CHANGELOG.md", "CITATION.cff", "LICENSE", "LICENSE-DATA")
RELEASE_FOLDERS = ("schemas", "data")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can record: no build time leaks into the bytes


def release_members(repo: Path) -> list[str]:
    """Paths, relative to ``repo``, of the files a data zip carries."""
    members = [name for name in RELEASE_FILES if (repo / name).is_file()]
    for folder in RELEASE_FOLDERS:
        members += sorted(str(path.relative_to(repo)) for path in (repo / folder).rglob("*") if path.is_file())
    return sorted(members)


def checksums(lines: Iterable[tuple[str, bytes]]) -> str:
    """``sha256sum`` format: ``<hex>  <path>`` per file, checkable with ``sha256sum -c``."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in lines)


def write_data_zip(repo: Path, version: str, out_dir: Path) -> Path:
    folder = f"cacdata-{version}"
    target = out_dir / f"{folder}-data.zip"
    contents = [(name, (repo / name).read_bytes()) for name in release_members(repo)]
    contents.append((CHECKSUMS, checksums(contents).encode()))
    out_dir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in sorted(contents):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data)
    return target


def unpack_release_zip(archive: Path, destination: Path) -> Path:
    """Unpack safely and check every file against ``SHA256SUMS`` before anything is read as data."""
    root = unzip(archive, destination)
    listing = root / CHECKSUMS
    if not listing.is_file():
        raise PackageError(f"{archive}: no {CHECKSUMS}; not a cacdata release zip")
    listed = {}
    for number, line in enumerate(listing.read_text(encoding="utf-8").splitlines(), start=1):
        digest, _, name = line.partition("  ")
        if not name:
            raise PackageError(f"{archive}: {CHECKSUMS} line {number} is not '<sha256>  <path>'")
        listed[name] = digest
    present = {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} - {CHECKSUMS}
    unlisted = sorted(present - listed.keys())
    if unlisted:
        raise PackageError(f"{archive}: not listed in {CHECKSUMS}: {', '.join(unlisted)}")
    for name, digest in sorted(listed.items()):
        path = root / name
        if name not in present:
            raise PackageError(f"{archive}: {name} is listed in {CHECKSUMS} but missing")
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise PackageError(f"{archive}: {name} does not match its SHA-256 in {CHECKSUMS}; the zip was altered")
    return root
