"""Where a package comes from: a directory, a release zip or a git ref of a checkout, unpacked safely.

Archives come from anywhere, so members that would land outside the destination (absolute names, drive
letters, ``..``) are refused, as is anything that would unpack to far more than a release could hold.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from cacdata.describe.package import DESCRIPTOR, PackageError

# git archive takes only what the package is made of; the descriptor names no other folders.
PACKAGE_PATHS = (DESCRIPTOR, "schemas", "data")

# A release zip is a few megabytes; refuse anything that would unpack to far more (a zip bomb).
MAX_UNPACKED_BYTES = 1 << 30


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
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                raise UnpackError(f"{archive}: unpacks to more than {MAX_UNPACKED_BYTES} bytes; refused")
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


def _git_export(ref: str, repo: Path, destination: Path) -> Path:
    """Write the package as it is at ``ref`` into ``destination``, through ``git archive``."""
    if ref.startswith("-"):
        raise UnpackError(f"{ref}: not a git ref")
    commit = _git(repo, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], f"no commit {ref!r}").strip()
    archive = _git(repo, ["archive", "--format=tar", commit.decode(), *PACKAGE_PATHS], f"cannot export {ref!r}")
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as bundle:
            for member in bundle.getmembers():
                target = _member_target(destination, member.name, Path(ref))
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                elif member.isfile():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    extracted = bundle.extractfile(member)
                    assert extracted is not None  # a regular file always has content
                    target.write_bytes(extracted.read())
                # symlinks and other kinds are skipped: a package is plain files
    except tarfile.TarError as error:
        raise UnpackError(f"{ref}: cannot unpack git's archive ({error})") from None
    return _package_in(destination, f"{ref} in {repo}")


def _git(repo: Path, args: list[str], failure: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
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
