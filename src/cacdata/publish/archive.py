"""The data zip of a release: what a researcher downloads, pins and cites, checked before it is read.

The zip holds one folder, ``cacdata-X.Y.Z/``, with the descriptor, schemas, data, README, CHANGELOG,
CITATION.cff, licences, the data dictionary and methodology, every file the README links to, and a
``SHA256SUMS`` file listing every other member. It is written deterministically, so the same files give the
same bytes: members sorted by name, ``SHA256SUMS`` listing them in that order, deflated at zlib's default
level, dated 1980-01-01 00:00:00 and mode 0644. These choices are those of the zip written for 0.2.0 and
must not change: ``cacdata rebuild`` reproduces every listed release with this one writer.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from cacdata.describe.atomic import write_bytes
from cacdata.describe.copies import CHECKSUMS
from cacdata.describe.git import blob
from cacdata.describe.package import DESCRIPTOR

RELEASE_FILES = (
    DESCRIPTOR,
    "README.md",
    "CHANGELOG.md",
    "CITATION.cff",
    "LICENSE",
    "LICENSE-DATA",
    "docs/data-dictionary.md",
    "docs/methodology.md",
)
RELEASE_FOLDERS = ("schemas", "data")
README = "README.md"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can record: no build time leaks into the bytes

# A Markdown link or image whose target is a relative path (no scheme, no fragment-only link).
RELATIVE_LINK = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s#]+)(?:#[^)]*)?\)", re.IGNORECASE)


def zip_name(version: str) -> str:
    """The file name of a release's data zip."""
    return f"{zip_folder(version)}-data.zip"


def zip_folder(version: str) -> str:
    """The one top-level folder inside a release's data zip."""
    return f"cacdata-{version}"


def readme_links(text: str) -> list[str]:
    """Relative paths the README links to, as written (fragments dropped)."""
    return sorted({match.group(1).removeprefix("./") for match in RELATIVE_LINK.finditer(text)})


def release_members(repo: Path) -> list[str]:
    """Paths, relative to ``repo``, of the files a new release's data zip carries."""
    members = {name for name in RELEASE_FILES if (repo / name).is_file()}
    for folder in RELEASE_FOLDERS:
        members |= {path.relative_to(repo).as_posix() for path in (repo / folder).rglob("*") if path.is_file()}
    readme = repo / README
    if readme.is_file():
        members |= {link for link in readme_links(readme.read_text(encoding="utf-8")) if (repo / link).is_file()}
    return sorted(members)


def checksums(lines: Iterable[tuple[str, bytes]]) -> str:
    """``sha256sum`` format: ``<hex>  <path>`` per file, checkable with ``sha256sum -c``."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in lines)


def zip_contents(version: str, files: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The zip's members in order, named inside its folder, with ``SHA256SUMS`` made from the others."""
    contents = sorted(files)
    contents.append((CHECKSUMS, checksums(contents).encode()))
    return [(f"{zip_folder(version)}/{name}", data) for name, data in sorted(contents)]


def zip_bytes(contents: Iterable[tuple[str, bytes]]) -> bytes:
    """The zip of these members, in this order, with the fixed choices above."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in contents:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data)
    return buffer.getvalue()


def release_contents(repo: Path, members: list[dict[str, str]], commit: str) -> list[tuple[str, bytes]]:
    """A recorded release's zip members, read from git's blobs at ``commit`` (``SHA256SUMS`` made anew)."""
    version_folder = members[0]["name"].split("/", 1)[0]
    files = []
    for member in members:
        name = member["name"].split("/", 1)[1]
        if name != CHECKSUMS:
            files.append((name, blob(repo, commit, name)))
    return zip_contents(version_folder.removeprefix("cacdata-"), files)


def new_release_contents(repo: Path, version: str) -> list[tuple[str, bytes]]:
    """A new release's zip members, read from the files in ``repo`` (old releases read theirs from git)."""
    return zip_contents(version, ((name, (repo / name).read_bytes()) for name in release_members(repo)))


def write_data_zip(repo: Path, version: str, out_dir: Path) -> Path:
    """Build a new release's data zip from the files in ``repo``; return its path in ``out_dir``."""
    contents = new_release_contents(repo, version)
    out_dir.mkdir(exist_ok=True)
    return write_bytes(out_dir / zip_name(version), zip_bytes(contents))
