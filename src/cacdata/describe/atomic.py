"""Write a file so that a reader sees the old bytes or the new ones, never a mixture, an empty file or none.

Every command that writes (export, stamp, codebook, the pictures, release) goes through here: the new bytes
go to a temporary file beside the target (same folder, so the same file system), are flushed to disk, and
the temporary file is renamed over the target with ``os.replace``, which is atomic on POSIX and Windows. The
old file is never deleted first, so a failure at any point (bad data, a full disk, a signal) leaves it whole.

Targets are checked before any work: the parent folder must exist (a mistyped path is not silently created,
at the file system's root or anywhere else), and nothing is written over the package being read.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cacdata.describe.package import DataPackage, PackageError


class WriteError(PackageError):
    """A target that must not or cannot be written: inside the package read, no parent folder, wrong kind."""


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; when the block ends without error, it replaces ``target``.

    The temporary file is removed whatever happens; ``target`` is touched only by the final rename.
    """
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        _fsync(temporary)
        if target.exists():
            with contextlib.suppress(OSError):  # keep the old file's permission bits where it had some
                os.chmod(temporary, target.stat().st_mode & 0o7777)
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
        _fsync_folder(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        for sidecar in temporary.parent.glob(temporary.name + "*"):  # e.g. a database's journal or WAL
            with contextlib.suppress(OSError):
                sidecar.unlink()


@contextlib.contextmanager
def all_or_nothing(paths: list[Path], new: tuple[Path, str] | None = None) -> Iterator[None]:
    """Changes to ``paths`` in the block stand together: on any error, each is put back as it was.

    Files that did not exist are removed again; the others get their old bytes back, atomically; files
    matching ``new`` (a folder and a glob pattern) that appear in the block are removed. A ``release`` that
    fails midway so leaves no file with the new version, and can simply be run again.
    """
    before = {path: path.read_bytes() if path.is_file() else None for path in paths}
    existing = set(new[0].glob(new[1])) if new is not None else set()
    try:
        yield
    except BaseException:
        if new is not None:
            before.update({path: None for path in set(new[0].glob(new[1])) - existing if path not in before})
        for path, data in before.items():
            with contextlib.suppress(OSError):  # put back all that can be; the error that stopped us is raised
                if data is None:
                    path.unlink(missing_ok=True)
                elif not path.is_file() or path.read_bytes() != data:
                    write_bytes(path, data)
        raise


def write_bytes(target: Path, data: bytes) -> Path:
    """``target`` holds ``data`` in full, or keeps what it held."""
    with replacing(target) as temporary:
        temporary.write_bytes(data)
    return target


def write_text(target: Path, text: str) -> Path:
    """``target`` holds ``text`` (UTF-8, line endings as given) in full, or keeps what it held."""
    return write_bytes(target, text.encode("utf-8"))


def check_target(out: Path, package: DataPackage | None, *, folder: bool = False) -> None:
    """Refuse a target whose parent is missing, that is the wrong kind, or that lies in the package read.

    ``folder``: the target is a folder of files (it may be created, but not its parent); else one file.
    """
    if not out.parent.is_dir():
        raise WriteError(f"{out}: the folder {out.parent} does not exist; create it first")
    if folder and out.exists() and not out.is_dir():
        raise WriteError(f"{out}: is a file; this format writes a folder of files")
    if not folder and out.is_dir():
        raise WriteError(f"{out}: is a folder; this format writes one file")
    if package is not None:
        resolved = out.resolve()
        for owned in _package_paths(package):
            if resolved == owned or resolved.is_relative_to(owned) or (folder and owned.is_relative_to(resolved)):
                raise WriteError(f"{out}: would overwrite the package being read ({owned}); write elsewhere")


def _package_paths(package: DataPackage) -> set[Path]:
    """The descriptor, every schema and CSV file it names, and the folders holding them (never the root)."""
    root = package.root.resolve()
    owned = {package.descriptor_path.resolve()}
    for resource in package.descriptor["resources"]:
        for key in ("path", "schema"):
            value = resource.get(key) if isinstance(resource, dict) else None
            if isinstance(value, str) and value:
                path = (root / value).resolve()
                owned.add(path)
                if path.parent != root:
                    owned.add(path.parent)
    return owned


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every system lets a folder be opened, and that is no error."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
