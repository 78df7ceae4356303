"""Where a package comes from: a directory, a release zip or a git ref of a checkout, unpacked safely.

Archives come from anywhere, so members that would land outside the destination (absolute names, drive
letters, ``..``) are refused, as is anything that would unpack to far more than a release could hold.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from cacdata.describe.package import DESCRIPTOR, PackageError

# git archive takes only what the package is made of; the descriptor names no other folders.
PACKAGE_PATHS = (DESCRIPTOR, "schemas", "data")

# A release zip is a few megabytes and a few dozen files; refuse anything far larger before unpacking a byte
# (a zip bomb, or 200,000 empty members). Sizes are the declared ones, which zipfile enforces while reading.
MAX_UNPACKED_BYTES = 128 * 2**20
MAX_MEMBER_BYTES = 32 * 2**20  # comparing a table takes about ten times its size in memory
MAX_MEMBERS = 10_000


class UnpackError(PackageError):
    """A side that cannot be used: missing, not a package, an unsafe archive, an unknown ref."""


@contextmanager
def resolve_side(spec: str, repo: Path | None) -> Iterator[Path]:
    """Yield a package directory for ``spec``: a directory, a ``.zip`` file, or a git ref of ``repo``.

    A path that exists is read as a path, before any ref of the same name. Zips and refs are unpacked into a
    temporary directory that is removed on exit.
    """
    path = Path(spec)
    if path.is_dir():
        yield _package_dir(path, spec)
    elif path.is_file() and path.name == DESCRIPTOR:
        yield path.parent
    elif path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="cacdata-") as temporary:
            yield unzip(path, Path(temporary))
    elif path.is_file():
        raise UnpackError(f"{spec}: not a package directory or a zip file")
    elif repo is None:
        raise UnpackError(f"{spec}: no such directory or zip file (give a repository to read it as a git ref)")
    else:
        with tempfile.TemporaryDirectory(prefix="cacdata-") as temporary:
            yield _git_export(spec, repo, Path(temporary))


def _package_dir(path: Path, spec: str) -> Path:
    if not (path / DESCRIPTOR).is_file():
        raise UnpackError(f"{spec}: no {DESCRIPTOR} in this directory")
    return path


def unzip(archive: Path, destination: Path) -> Path:
    """Extract a release zip, refusing members that would land outside ``destination``."""
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
    except (zipfile.BadZipFile, OSError) as error:
        raise UnpackError(f"{archive}: cannot unpack ({error})") from None
    return _package_in(destination, str(archive))


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
    """Write the package as it is at ``ref`` into ``destination``, blob by blob, running nothing ``repo`` configures.

    ``git archive`` would apply the filters and attributes a repository configures (a smudge or textconv
    command runs); ``ls-tree`` and ``cat-file`` read the stored bytes as they are, and ``GIT_SAFE`` turns off
    every other hook a read could reach. Only regular files are written; their count and size are bounded.
    """
    if ref.startswith("-"):
        raise UnpackError(f"{ref}: not a git ref")
    commit = _git(
        repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], f"no commit {ref!r}"
    )
    listing = _git(
        repo, ["ls-tree", "-r", "-l", "-z", commit.decode().strip(), "--", *PACKAGE_PATHS], f"cannot list {ref!r}"
    )
    blobs: list[tuple[str, str]] = []
    total = 0
    for entry in filter(None, listing.split(b"\0")):
        info, _, raw_name = entry.partition(b"\t")
        mode, kind, blob, size = info.decode().split()
        if kind != "blob" or mode not in ("100644", "100755"):
            continue  # symlinks and submodules are skipped: a package is plain files
        total += int(size)
        if len(blobs) >= MAX_MEMBERS or total > MAX_UNPACKED_BYTES:
            raise UnpackError(f"{ref}: more than {MAX_MEMBERS} files or {MAX_UNPACKED_BYTES} bytes; refused")
        blobs.append((blob, raw_name.decode("utf-8", errors="surrogateescape")))
    for blob, name in blobs:
        target = _member_target(destination, name, Path(ref))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_git(repo, ["cat-file", "blob", blob], f"cannot read {name!r} at {ref!r}"))
    return _package_in(destination, f"{ref} in {repo}")


# Reading a ref must run nothing the repository configures: no filters, textconv, hooks or fsmonitor, no
# system or global configuration, no prompts, no replace refs, no pager.
GIT_SAFE = (
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.attributesFile=/dev/null",
    "-c",
    "core.pager=cat",
    "--no-replace-objects",
)
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_ATTR_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_OPTIONAL_LOCKS": "0",
}


def _git(repo: Path, args: list[str], failure: str) -> bytes:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | GIT_ENV
    try:
        done = subprocess.run(
            ["git", *GIT_SAFE, "-C", str(repo), *args], capture_output=True, check=False, env=environment
        )
    except FileNotFoundError:
        raise UnpackError("git is not installed; cannot read a git ref") from None
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip()
        raise UnpackError(f"{repo}: {failure}" + (f" ({detail})" if detail else ""))
    return done.stdout


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
