"""Rules for the package as a whole: every resource stamped, and one version across the package's files.

The version lives in ``datapackage.json``; ``CITATION.cff`` and the newest release in ``CHANGELOG.md``
repeat it (where the package has those files) and must agree.
"""

from __future__ import annotations

import re
from pathlib import Path

from cacdata.describe.package import DESCRIPTOR, DataPackage
from cacdata.validation.report import Failure

CFF_VERSION = re.compile(r"""^version:\s*["']?([^"'\s#]+)""", re.MULTILINE)
# A released section's heading: its version, and its date where the heading gives one.
CHANGELOG_RELEASE = re.compile(r"^## \[(\d[^\]]*)\](?: - (\d{4}-\d\d-\d\d))?", re.MULTILINE)


def check_package_files(package: DataPackage) -> list[Failure]:
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
    failures += _check_version(package, "CITATION.cff", CFF_VERSION)
    failures += _check_version(package, "CHANGELOG.md", CHANGELOG_RELEASE)
    return failures


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
