"""Exports: each opens in its own tool, reads back to the same typed rows, and is byte-stable where it can be."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import cacdata
from cacdata.describe.package import DataPackage
from cacdata.share.exports import FORMATS, export
from cacdata.share.exports.readback import read_back

from conftest import read_csv, write_csv

PACKAGE = DataPackage.open()
FILE_FORMATS = {"sqlite", "duckdb", "xlsx"}


def target(folder: Path, fmt: str) -> Path:
    return folder / (f"cacdata.{fmt}" if fmt in FILE_FORMATS else fmt)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    return {fmt: export(fmt, target(folder, fmt), PACKAGE) and target(folder, fmt) for fmt in FORMATS}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_table_reads_back_with_the_same_rows_and_dtypes(fmt: str, exported: dict[str, Path]) -> None:
    for name, table in PACKAGE.tables.items():
        pd.testing.assert_frame_equal(read_back(fmt, exported[fmt], table), cacdata.load(name))


# Text a contributor might type: any script, quotes, commas, spreadsheet formula starts; no control characters.
CELL_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda s: s == s.strip())


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(
        CELL_TEXT | st.sampled_from(["=1+1", "+SUM(A1)", "-1", "@x", "NA", "null", "None"]), min_size=3, max_size=3
    )
)
def test_round_trip_keeps_any_text(fmt: str, values: list[str], tmp_path: Path) -> None:
    root = tmp_path / f"package-{hashlib.sha256(repr(values).encode()).hexdigest()[:8]}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copy(PACKAGE.descriptor_path, root)
    shutil.copytree(PACKAGE.root / "schemas", root / "schemas")
    shutil.copytree(PACKAGE.root / "data", root / "data")
    header, rows = read_csv(root / "data" / "entities.csv")
    for row, value in zip(rows, values, strict=False):
        row["notes"] = value
    write_csv(root / "data" / "entities.csv", header, rows)
    copy = DataPackage.open(root)
    (tmp_path / "out").mkdir(exist_ok=True)  # exports never create a missing parent folder
    out = target(tmp_path / "out", fmt)
    export(fmt, out, copy)
    pd.testing.assert_frame_equal(read_back(fmt, out, copy.table("entities")), cacdata.load("entities", root))


@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - {"duckdb"}))
def test_the_same_data_gives_the_same_bytes(fmt: str, exported: dict[str, Path], tmp_path: Path) -> None:
    again = target(tmp_path, fmt)
    export(fmt, again, PACKAGE)

    def digest(path: Path) -> str:
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        return hashlib.sha256(b"".join(f.name.encode() + f.read_bytes() for f in files)).hexdigest()

    assert digest(again) == digest(exported[fmt])


def test_sqlite_opens_in_the_sqlite3_shell_with_keys_and_search(exported: dict[str, Path]) -> None:
    path = exported["sqlite"]
    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.skip("the sqlite3 shell is not installed (Debian package sqlite3)")
    count = subprocess.run(
        [shell, str(path), "SELECT count(*) FROM events;"], capture_output=True, text=True, check=True
    )
    assert int(count.stdout) == len(cacdata.load("events"))
    with sqlite3.connect(path) as db:
        keys = {row[3]: row[2] for row in db.execute("PRAGMA foreign_key_list(participants)")}
        assert keys == {"event_id": "events", "entity_id": "entities"}
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("SELECT name FROM pragma_table_info('events') WHERE pk = 1").fetchone() == ("event_id",)
        hits = db.execute("SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH 'Douyin'").fetchall()
        assert hits, "full-text search finds a quotation"
        # every free-text column is searched, in every table: 马云 finds Jack Ma through his printed alias
        found = db.execute(
            "SELECT a.entity_id FROM aliases a JOIN aliases_fts f ON f.rowid = a.rowid WHERE aliases_fts MATCH '马云'"
        ).fetchall()
        aliases = cacdata.load("aliases")
        assert found and {e for (e,) in found} == set(aliases.loc[aliases["name"] == "马云", "entity_id"])
        described = db.execute(
            "SELECT description FROM _cacdata_fields WHERE table_name = 'events' AND field = 'date_precision'"
        ).fetchone()
        assert described == (PACKAGE.table("events").schema.field("date_precision").description,)


def test_duckdb_keeps_dates_enums_and_descriptions(exported: dict[str, Path]) -> None:
    with duckdb.connect(str(exported["duckdb"]), read_only=True) as db:
        types = dict(
            db.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'events'").fetchall()
        )
        assert types["date_start"] == "DATE" and types["date_precision"].startswith("ENUM(")
        comment = db.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'events'").fetchone()
        assert comment == (PACKAGE.table("events").description,)


def test_parquet_keeps_dates_categories_and_descriptions(exported: dict[str, Path]) -> None:
    schema = pq.read_schema(exported["parquet"] / "events.parquet")
    assert schema.field("date_start").type == pa.date32()
    assert pa.types.is_dictionary(schema.field("event_type").type)
    field = PACKAGE.table("events").schema.field("title")
    assert schema.field("title").metadata[b"description"].decode() == field.description
    assert pd.read_parquet(exported["parquet"] / "events.parquet")["event_type"].dtype == "category"


def test_xlsx_has_a_sheet_per_table_and_neutralises_formulas(tmp_path: Path) -> None:
    root = tmp_path / "package"
    shutil.copytree(PACKAGE.root / "data", root / "data")
    shutil.copytree(PACKAGE.root / "schemas", root / "schemas")
    shutil.copy(PACKAGE.descriptor_path, root)
    header, rows = read_csv(root / "data" / "entities.csv")
    rows[0]["notes"] = '=HYPERLINK("http://example.org")'
    write_csv(root / "data" / "entities.csv", header, rows)
    out = tmp_path / "cacdata.xlsx"
    export("xlsx", out, DataPackage.open(root))
    book = load_workbook(out)
    assert book.sheetnames == [*PACKAGE.tables, "fields"]
    cell = book["entities"].cell(row=2, column=header.index("notes") + 1)
    assert cell.value == rows[0]["notes"] and cell.data_type == "s" and cell.quotePrefix
    assert read_csv(root / "data" / "entities.csv")[1][0]["notes"] == rows[0]["notes"]  # the data is untouched
    described = {(r[0], r[1]) for r in book["fields"].iter_rows(min_row=2, values_only=True)}
    assert ("events", "date_precision") in described
