"""Rules for the package as a whole: every resource stamped, and one version across the package's files.

The version lives in ``datapackage.json``; ``CITATION.cff`` and the newest release in ``CHANGELOG.md``
repeat it (where the package has those files) and must agree.
"""

from __future__ import annotations

import re
from pathlib import Path

from cacdata.describe.package import DESCRIPTOR, DataPackage
from cacdata.validation.report import Failure

# The one stamp ``cacdata stamp`` writes and ``validate`` can check; anything else proves nothing.
VERIFIABLE_HASH = re.compile(r"sha256:[0-9a-f]{64}")
CFF_VERSION = re.compile(r"""^version:\s*["']?([^"'\s#]+)""", re.MULTILINE)
# A released section's heading: its version, and its date where the heading gives one.
CHANGELOG_RELEASE = re.compile(r"^## \[(\d[^\]]*)\](?: - (\d{4}-\d\d-\d\d))?", re.MULTILINE)


def check_package_files(package: DataPackage) -> list[Failure]:
    """Failures of the package-wide rules: resources without stamps, and versions that disagree."""
    failures = []
    for resource in package.descriptor["resources"]:
        missing = [key for key in ("bytes", "hash") if key not in resource]
        if missing:
            failures.append(
                Failure(
                    "stamp-missing",
                    f"Resource '{resource.get('name', '?')}' records no {' or '.join(missing)}; "
                    "run `cacdata stamp` after changing its file.",
                    DESCRIPTOR,
                    resource.get("name"),
                )
            )
        failures += _check_stamp(resource)
    failures += _check_version(package, "CITATION.cff", CFF_VERSION)
    failures += _check_version(package, "CHANGELOG.md", CHANGELOG_RELEASE)
    return failures


def _check_stamp(resource: dict[str, object]) -> list[Failure]:
    """A stamp that is there but cannot be checked (empty, zero, another algorithm or case) is no stamp."""
    name = resource.get("name")
    said = []
    digest = resource.get("hash")
    if "hash" in resource and not (isinstance(digest, str) and VERIFIABLE_HASH.fullmatch(digest)):
        said.append(f"hash {digest!r} is not 'sha256:' and 64 lower-case hex digits")
    size = resource.get("bytes")
    if "bytes" in resource and not (type(size) is int and size > 0):
        said.append(f"bytes {size!r} is not a positive whole number")
    if not said:
        return []
    return [
        Failure(
            "stamp-unverifiable",
            f"Resource '{name}' records a stamp that cannot be checked: {'; '.join(said)}. "
            "Run `cacdata stamp` to record the file's real size and SHA-256.",
            DESCRIPTOR,
            str(name) if name is not None else None,
        )
    ]


def _check_version(package: DataPackage, name: str, pattern: re.Pattern[str]) -> list[Failure]:
    path = package.root / name
    if not path.is_file() or path.is_symlink():
        return []
    text = _head(path)
    match = pattern.search(text)
    if match is None:
        return [Failure("version-mismatch", f"No version found; expected {package.version}.", name)]
    if match.group(1) != package.version:
        return [
            Failure(
                "version-mismatch",
                f"The version here differs from datapackage.json's {package.version!r}; the version lives in "
                "datapackage.json and is repeated here.",
                name,
                line=text.count("\n", 0, match.start()) + 1,
                value=match.group(1),
            )
        ]
    return []


def _head(path: Path, limit: int = 2**20) -> str:
    with path.open(encoding="utf-8", errors="replace") as handle:
        return handle.read(limit)
