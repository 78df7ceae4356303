"""The parts of ``cacdata sources check`` that need no server: headers, the cache, the table rewrite."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from cacdata.describe.package import DataPackage
from cacdata.validation.sources.cache import TextCache
from cacdata.validation.sources.extract import Unreadable, kind_of
from cacdata.validation.sources.fetch import retry_after
from cacdata.validation.sources.table import read_sources, write_sources

from conftest import read_csv, write_csv
from faults import copy_package


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after("7") == 7.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after(later) or 0) <= 30
    assert retry_after("soon") is None and retry_after(None) is None


def test_the_cache_names_each_text_by_its_hash_and_refuses_a_changed_file(tmp_path: Path) -> None:
    cache = TextCache(tmp_path / "cache")
    digest = cache.put("深度伪造\uff0c技术")
    path = tmp_path / "cache" / f"{digest}.txt"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert cache.get(digest) == "深度伪造\uff0c技术"
    path.write_text("changed", encoding="utf-8")
    assert cache.get(digest) is None
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [path.name]  # no temporary file left


@pytest.mark.parametrize(
    ("content_type", "body", "kind"),
    [
        ("text/html; charset=utf-8", b"<p>x</p>", "html"),
        ("", b"<!DOCTYPE html><html></html>", "html"),
        ("application/octet-stream", b"%PDF-1.4 ...", "pdf"),
        ("text/plain", b"x", "text"),
    ],
)
def test_kind_of_a_body(content_type: str, body: bytes, kind: str) -> None:
    assert kind_of(content_type, body) == kind


def test_a_body_of_another_kind_is_unreadable() -> None:
    with pytest.raises(Unreadable, match="image/png"):
        kind_of("image/png", b"\x89PNG")


def test_write_finds_columns_by_name_and_keeps_every_other_byte(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    path = root / "data" / "sources.csv"
    header, rows = read_csv(path)
    moved = [header[-1], *header[:-1]]  # a column moved: positions change, names do not
    write_csv(path, moved, rows)
    before = path.read_bytes()
    package = DataPackage.open(root)
    assert write_sources(package, {"src-0004": {"archive_url": "https://web.archive.org/web/1/x"}}) == ["src-0004"]
    after_header, after_rows = read_csv(path)
    assert after_header == moved
    changed = [i for i, (old, new) in enumerate(zip(rows, after_rows, strict=True)) if old != new]
    assert [after_rows[i]["source_id"] for i in changed] == ["src-0004"]
    assert after_rows[changed[0]] == {**rows[changed[0]], "archive_url": "https://web.archive.org/web/1/x"}
    assert len(path.read_bytes()) == len(before) + len("https://web.archive.org/web/1/x")
    assert write_sources(package, {"src-0004": {"archive_url": "https://web.archive.org/web/1/x"}}) == []
    assert {s.source_id: s.archive_url for s in read_sources(package)}["src-0004"].endswith("/1/x")


def test_write_ignores_a_column_the_table_does_not_have(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    before = (root / "data" / "sources.csv").read_bytes()
    assert write_sources(DataPackage.open(root), {"src-0004": {"archive_date": "2021-03-22"}}) == []
    assert (root / "data" / "sources.csv").read_bytes() == before
