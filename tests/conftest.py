"""Shared fixtures: the repository's package, and throwaway copies of it to break on purpose."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCE_TEXTS = REPO.parent / "shared" / "sources"

# The article's text lies beside the checkout in the project's workspace, not in the repository; a user's
# fresh clone may not have it. CI always does, so there a missing folder fails instead of skipping.
needs_texts = pytest.mark.skipif(
    not SOURCE_TEXTS.is_dir() and not os.environ.get("CI"),
    reason=f"source texts not found at {SOURCE_TEXTS}",
)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A writable copy of the data package (descriptor, schemas, data)."""
    root = tmp_path / "package"
    root.mkdir()
    shutil.copy(REPO / "datapackage.json", root)
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copytree(REPO / "data", root / "data")
    return root


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def line_of(path: Path, key_column: str, key: str) -> int:
    """Physical line of the row whose key is ``key`` (rows in our data span one line each)."""
    _, rows = read_csv(path)
    return 2 + next(i for i, row in enumerate(rows) if row[key_column] == key)


@pytest.fixture
def edit_cell(package_copy: Path) -> Callable[[str, str, str, str], int]:
    """Set one cell of the copy, found by the row's key; returns the row's physical line."""

    def edit(table: str, key: str, column: str, value: str) -> int:
        path = package_copy / "data" / f"{table}.csv"
        header, rows = read_csv(path)
        index = next(i for i, row in enumerate(rows) if row[header[0]] == key)
        rows[index][column] = value
        write_csv(path, header, rows)
        return index + 2

    return edit


def alter_member(archive: Path, altered: Path, suffix: str, change: Callable[[bytes], bytes]) -> Path:
    """A copy of a zip with the member whose name ends with ``suffix`` changed, everything else as it was."""
    import zipfile

    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(altered, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, change(data) if item.filename.endswith(suffix) else data)
    return altered
