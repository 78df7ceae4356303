"""Texts fetched for checking, kept outside the package: other people's texts are never shipped.

Each text is a UTF-8 file named by its SHA-256, the hash ``sources.text_sha256`` records, so that
``cacdata validate --texts CACHE`` matches each file to its source by content.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

SUFFIX = ".txt"


def default_cache() -> Path:
    """The user's cache directory for cacdata's source texts (XDG on Linux, the platform's elsewhere)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cacdata")) / "sources"


class TextCache:
    """A folder of texts, each stored once under its SHA-256."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, text: str) -> str:
        """Store ``text`` (atomically; once) and return the SHA-256 of its UTF-8 bytes."""
        data = text.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        path = self.folder / f"{digest}{SUFFIX}"
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)
        return digest

    def get(self, digest: str) -> str | None:
        """The text stored under ``digest``, if it is there and still has that hash."""
        path = self.folder / f"{digest}{SUFFIX}"
        if not path.is_file():
            return None
        data = path.read_bytes()
        return data.decode("utf-8") if hashlib.sha256(data).hexdigest() == digest else None


def atomic_write(path: Path, data: bytes) -> None:
    """Write beside, flush to disk, then rename over: a reader sees the old file or the new, never half."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
