"""Where a copy of the package comes from, resolved once for every command: a directory, a release zip, a
release version (``0.1.0``, read from git history through its manifest) or a git ref of a checkout.

Every zip, on every path, is unpacked safely and checked against its ``SHA256SUMS`` before anything in it
is read: members that would land outside the destination (absolute names, drive letters, ``..``) are
refused, as is anything that would unpack to far more than a release could hold, a member missing from the
listing, or one whose bytes differ from it. Git is read through ``describe.git`` only (raw blobs, no tags).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from cacdata.describe.git import GitError, blob, commit_of, files_at
from cacdata.describe.package import DESCRIPTOR, PackageError, regular_file

# A git ref is read for what the package is made of, and the citation metadata that goes with it.
PACKAGE_PATHS = (DESCRIPTOR, "schemas", "data", "CITATION.cff")

# A release zip is a few megabytes and a few dozen files; refuse anything far larger before unpacking a byte
# (a zip bomb, or 200,000 empty members). Sizes are the declared ones, which zipfile enforces while reading.
MAX_UNPACKED_BYTES = 128 * 2**20
MAX_MEMBER_BYTES = 32 * 2**20  # comparing a table takes about ten times its size in memory
MAX_MEMBERS = 10_000

# The checksum listing inside every release zip, ``sha256sum`` format.
CHECKSUMS = "SHA256SUMS"

VERSION_NAME = re.compile(r"v?(\d+\.\d+\.\d+)")


class UnpackError(PackageError):
    """A copy that cannot be used: missing, not a package, an unsafe or altered archive, an unknown ref."""


def default_repo() -> Path | None:
    """The checkout that versions and refs are read from: the current folder, else the bundled package's."""
    for candidate in (Path.cwd(), _bundled_root()):
        if candidate is not None and (candidate / "releases").is_dir():
            return candidate
    return None


def _bundled_root() -> Path | None:
    try:
        from cacdata.describe.package import DataPackage

        return DataPackage.open().root
    except PackageError:
        return None


@contextmanager
def resolve_side(spec: str | os.PathLike[str], repo: Path | None = None) -> Iterator[Path]:
    """Yield a package directory for ``spec``: a directory, a zip, a release version, or a git ref of ``repo``.

    A path that exists is read as a path, before a version or ref of the same name. Zips, versions and refs
    are unpacked into a temporary directory that is removed on exit.
    """
    text = os.fspath(spec)
    path = Path(text)
    repo = repo if repo is not None else default_repo()
    if path.is_dir():
        yield _package_dir(path, text)
    elif path.is_file() and path.name == DESCRIPTOR:
        yield path.parent
    elif path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="cacdata-") as temporary:
            yield unzip_checked(path, Path(temporary))
    elif path.is_file():
        raise UnpackError(f"{text}: not a package directory or a zip file")
    elif path.suffix.lower() == ".zip" or path.is_absolute() or text.startswith((".", "~")) or repo is None:
        raise UnpackError(f"{text}: no such file or directory")
    else:
        version = _released_version(text, repo)
        with tempfile.TemporaryDirectory(prefix="cacdata-") as temporary:
            if version is not None:
                yield _release_export(version, repo, Path(temporary))
            else:
                yield _git_export(text, repo, Path(temporary))


def _released_version(text: str, repo: Path) -> str | None:
    """``0.1.0`` or ``v0.1.0`` when ``repo`` keeps a manifest for it; None for anything else."""
    match = VERSION_NAME.fullmatch(text)
    if match is None or not (repo / "releases" / f"{match.group(1)}.json").is_file():
        return None
    return match.group(1)


def _package_dir(path: Path, spec: str) -> Path:
    if (path / DESCRIPTOR).exists():
        regular_file(path / DESCRIPTOR)  # a named pipe or device would block the read: refused unread
    if not (path / DESCRIPTOR).is_file():
        raise UnpackError(f"{Path(spec) / DESCRIPTOR}: no such file; not a package directory")
    return path


def unzip_checked(archive: Path, destination: Path) -> Path:
    """Unpack a release zip safely and check every file against its ``SHA256SUMS``; return the package."""
    unzip(archive, destination)
    root = _package_in(destination, str(archive))
    listing = root / CHECKSUMS
    if not listing.is_file():
        raise UnpackError(f"{archive}: no {CHECKSUMS}; not a cacdata release zip")
    listed = parse_checksums(listing.read_bytes(), archive)
    present = {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()} - {CHECKSUMS}
    unlisted = sorted(present - listed.keys())
    if unlisted:
        raise UnpackError(f"{archive}: not listed in {CHECKSUMS}: {', '.join(unlisted)}")
    for name, digest in sorted(listed.items()):
        if name not in present:
            raise UnpackError(f"{archive}: {name} is listed in {CHECKSUMS} but missing")
        if sha256_file(root / name) != digest:
            raise UnpackError(f"{archive}: {name} does not match its SHA-256 in {CHECKSUMS}; the zip was altered")
    return root


def parse_checksums(listing: bytes, where: Path | str) -> dict[str, str]:
    """``<sha256>  <path>`` lines, by path; a malformed line is refused with its number."""
    listed: dict[str, str] = {}
    try:
        text = listing.decode("utf-8")
    except UnicodeDecodeError:
        raise UnpackError(f"{where}: {CHECKSUMS} is not UTF-8") from None
    for number, line in enumerate(text.splitlines(), start=1):
        digest, _, name = line.partition("  ")
        if not name or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise UnpackError(f"{where}: {CHECKSUMS} line {number} is not '<sha256>  <path>'")
        listed[name] = digest
    return listed


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unzip(archive: Path, destination: Path) -> None:
    """Extract a zip, refusing members that would land outside ``destination`` and zip bombs."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            _check_members(archive, members)
            for member in members:
                target = _member_target(destination, member.filename, archive)
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(member) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise UnpackError(f"{archive}: cannot unpack ({error})") from None


def _release_export(version: str, repo: Path, destination: Path) -> Path:
    """Release ``version`` as its zip holds it, read from git history at its manifest's commit."""
    from cacdata.publish.archive import release_contents
    from cacdata.publish.manifest import read_manifests, release_commit

    manifest = read_manifests(repo)[version]
    recorded = {member["name"]: member["sha256"] for member in manifest.members}
    for name, data in release_contents(repo, manifest.members, release_commit(repo, manifest)):
        if hashlib.sha256(data).hexdigest() != recorded.get(name):
            raise UnpackError(f"release {version}: {name} in git history differs from releases/{version}.json")
        target = _member_target(destination, name, Path(version))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return _package_in(destination, f"release {version} in {repo}")


def _check_members(archive: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip with too many members, too large a member or total, or a member listed twice."""
    if len(members) > MAX_MEMBERS:
        raise UnpackError(f"{archive}: {len(members)} members; the limit is {MAX_MEMBERS}; refused")
    largest = max(members, key=lambda member: member.file_size, default=None)
    if largest is not None and largest.file_size > MAX_MEMBER_BYTES:
        raise UnpackError(
            f"{archive}: member {largest.filename!r} unpacks to {largest.file_size} bytes; "
            f"the limit is {MAX_MEMBER_BYTES}; refused"
        )
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise UnpackError(f"{archive}: unpacks to {total} bytes; the limit is {MAX_UNPACKED_BYTES}; refused")
    seen: set[str] = set()
    for member in members:
        name = member.filename.replace("\\", "/").rstrip("/")
        if name in seen:
            raise UnpackError(f"{archive}: member {member.filename!r} is listed twice; refused (which one is meant?)")
        seen.add(name)


def _git_export(ref: str, repo: Path, destination: Path) -> Path:
    """Write the package as it is at ``ref`` into ``destination``, from git's stored blobs (``describe.git``
    reads them running nothing the repository configures); only regular files, their count and size bounded."""
    try:
        commit = commit_of(repo, ref)
    except GitError as error:
        if "shallow" in str(error):
            raise UnpackError(str(error)) from None
        raise UnpackError(f"{ref}: no such file or directory, release or commit ({error})") from None
    try:
        listed = files_at(repo, commit, list(PACKAGE_PATHS))
        total = sum(size for _, size in listed)
        if len(listed) > MAX_MEMBERS or total > MAX_UNPACKED_BYTES:
            raise UnpackError(
                f"{ref}: more than {MAX_MEMBERS} files or {MAX_UNPACKED_BYTES} bytes ({len(listed)} files of "
                f"{total} bytes); refused"
            )
        for name, _ in listed:
            target = _member_target(destination, name, Path(ref))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob(repo, commit, name))
    except GitError as error:
        raise UnpackError(str(error)) from None
    return _package_in(destination, f"{ref} in {repo}")


def _member_target(destination: Path, name: str, archive: Path) -> Path:
    """Where an archive member goes; absolute names, drive letters and ``..`` are refused."""
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts or (posix.parts and ":" in posix.parts[0]):
        raise UnpackError(f"{archive}: member {name!r} would be written outside the package; refused")
    return destination.joinpath(*posix.parts)


def _package_in(root: Path, what: str) -> Path:
    """The package in an unpacked archive: at its root or inside its one top-level folder."""
    if (root / DESCRIPTOR).is_file():
        return root
    candidates = [child for child in root.iterdir() if child.is_dir() and (child / DESCRIPTOR).is_file()]
    if len(candidates) != 1:
        raise UnpackError(f"{what}: no {DESCRIPTOR} at the top or in exactly one top-level folder")
    return candidates[0]
