"""The site's metadata and canned queries, run against the SQLite export (the browser tests are in
test_site.py): every table from the package, no internal table in view, queries that answer exactly."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import cacdata
from cacdata.describe.package import DataPackage
from cacdata.share.exports.sqlite_db import FIELDS_TABLE, TABLES_TABLE, write_sqlite
from cacdata.share.naming import source_label
from cacdata.share.serve.metadata import label_column, label_sql, metadata, queries
from cacdata.share.story import COMPANY, FOCUS_EVENT, SUMMONED

from conftest import read_csv, write_csv


def run(database: Path, sql: str, **params: Any) -> list[dict[str, Any]]:
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(sql, params)]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    (out,) = write_sqlite(DataPackage.open(), tmp_path_factory.mktemp("site") / "cacdata.db")
    return out


def test_metadata_comes_from_the_schemas_and_descriptor() -> None:
    package = DataPackage.open()
    meta = metadata(package, "cacdata")
    assert meta["title"] == package.descriptor["title"] and meta["license"] == "CC-BY-4.0"
    tables = meta["databases"]["cacdata"]["tables"]
    for name, table in package.tables.items():
        assert tables[name]["description"] == table.description
        assert tables[name]["columns"] == {f.name: f.description for f in table.fields}
        assert not tables[name].get("hidden"), name
    assert tables[TABLES_TABLE]["hidden"] and tables[FIELDS_TABLE]["hidden"]
    assert set(meta["databases"]["cacdata"]["queries"]) == set(queries(package))
    assert {label_column(package.table(n)) for n in ("entities", "events", "quotes", "sources")} == {
        "name_en", "title", "text"
    }  # fmt: skip


def test_a_table_added_to_the_package_is_shown_and_linked_without_a_code_change(package_copy: Path) -> None:
    schema = {
        "fields": [
            {"name": "remark_id", "type": "string", "description": "ID.", "constraints": {"pattern": "rmk-[0-9]{4}"}},
            {"name": "text", "type": "string", "description": "The remark."},
            {"name": "event_id", "type": "string", "description": "The event."},
        ],
        "primaryKey": ["remark_id"],
        "foreignKeys": [{"fields": ["event_id"], "reference": {"resource": "events", "fields": ["event_id"]}}],
    }
    (package_copy / "schemas" / "remarks.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    write_csv(package_copy / "data" / "remarks.csv", ["remark_id", "text", "event_id"],
              [{"remark_id": "rmk-0001", "text": "A remark", "event_id": "evt-0002"}])  # fmt: skip
    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"].append(
        {"name": "remarks", "title": "Remarks", "description": "Remarks.", "path": "data/remarks.csv",
         "schema": "schemas/remarks.schema.json", "profile": "tabular-data-resource"}
    )  # fmt: skip
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    meta = metadata(DataPackage.open(package_copy), "cacdata")
    assert meta["databases"]["cacdata"]["tables"]["remarks"]["label_column"] == "text"
    config = meta["plugins"]["cacdata"]
    assert config["prefixes"]["rmk"] == "remarks" and config["keys"]["remarks"] == "remark_id"
    (db,) = write_sqlite(DataPackage.open(package_copy), package_copy / "c.db")
    assert run(db, config["labels"]["remarks"], id="rmk-0001") == [{"label": "A remark"}]


def test_every_record_is_named_by_its_label_sql(database: Path) -> None:
    package = DataPackage.open()
    for name in ("entities", "events", "quotes", "sources"):
        key = package.table(name).primary_key
        rows = run(database, f"select {key} as id from {name}")
        assert len(rows) == package.table(name).row_count(), name  # every record, and not none
        for row in rows:
            (found,) = run(database, label_sql(package, name), id=row["id"])
            assert found["label"], (name, row["id"])


def test_a_source_is_named_the_same_in_python_and_sql(database: Path) -> None:
    package = DataPackage.open()
    names = dict(zip(cacdata.load("entities")["entity_id"], cacdata.load("entities")["name_en"], strict=True))
    for source in run(database, "select * from sources"):
        expected = source_label(source["source_id"], source["title"], names.get(source["publisher_id"]),
                                source["date_published"])  # fmt: skip
        assert run(database, label_sql(package, "sources"), id=source["source_id"]) == [{"label": expected}]
    assert "(untitled)" in expected or source["title"]


def test_the_companies_query_answers_exactly_which_companies_were_summoned_and_on_what_evidence(
    database: Path,
) -> None:
    rows = run(database, queries(DataPackage.open())["companies_summoned"]["sql"])
    participants, entities, citations = (
        cacdata.load("participants"),
        cacdata.load("entities"),
        cacdata.load("citations"),
    )
    entities = entities.set_index("entity_id")
    summoned = participants[(participants["event_id"] == FOCUS_EVENT) & (participants["role"] == SUMMONED)]
    companies = [e for e in summoned["entity_id"] if entities.at[e, "entity_type"] == COMPANY]
    assert len(rows) == len(companies) == 11
    assert {row["entity_id"] for row in rows} == set(companies)
    for row in rows:
        entity = entities.loc[row["entity_id"]]
        assert row["company"] == entity["name_en"] and row["chinese_name"] == entity["name_original"]
        record_ids = {row["entity_id"], *summoned.loc[summoned["entity_id"] == row["entity_id"], "participant_id"]}
        for excerpt in citations.loc[citations["record_id"].isin(record_ids), "excerpt"]:
            assert f"“{excerpt}”" in row["excerpts"]
        assert row["sources"] and "None" not in row["sources"]
        assert "Cyberspace Administration of China" in row["summoned_by"]


def test_the_events_query_is_in_date_order_with_precision(database: Path) -> None:
    rows = run(database, queries(DataPackage.open())["timeline"]["sql"])
    events = cacdata.load("events")
    assert sorted(r["event_id"] for r in rows) == sorted(events["event_id"])
    dates = [r["date_start"] or r["date_end"] for r in rows]
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates[: len(dated)] == dated  # undated last
    assert all(r["date_precision"] for r in rows)


def test_the_quotes_query_shows_second_hand_status_notes_and_sources(database: Path) -> None:
    rows = run(database, queries(DataPackage.open())["quotes_by_speaker"]["sql"])
    quotes = cacdata.load("quotes").astype(object).where(lambda frame: frame.notna(), None)
    assert sorted(r["quote_id"] for r in rows) == sorted(quotes["quote_id"])
    expected = {q["quote_id"]: q for q in quotes.to_dict("records")}
    for row in rows:
        quote = expected[row["quote_id"]]
        assert (row["notes"], row["hand"], row["first_printed_by"]) == (
            quote["notes"],
            quote["hand"],
            quote["first_printed_by"],
        )
    assert {r["hand"] for r in rows} == {"first_hand", "second_hand"}
    assert all(r["sources"] and r["excerpts"] for r in rows)


def test_the_quotes_query_still_runs_on_a_package_without_second_hand_columns(package_copy: Path) -> None:
    schema_path = package_copy / "schemas" / "quotes.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"] = [f for f in schema["fields"] if f["name"] not in ("hand", "first_printed_by")]
    schema["foreignKeys"] = [k for k in schema["foreignKeys"] if k["fields"] != ["first_printed_by"]]
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    header, rows = read_csv(package_copy / "data" / "quotes.csv")
    kept = [name for name in header if name not in ("hand", "first_printed_by")]
    write_csv(package_copy / "data" / "quotes.csv", kept, [{k: row[k] for k in kept} for row in rows])
    package = DataPackage.open(package_copy)
    (db,) = write_sqlite(package, package_copy / "q.db")
    found = run(db, queries(package)["quotes_by_speaker"]["sql"])
    assert len(found) == len(rows) and {(r["hand"], r["first_printed_by"]) for r in found} == {(None, None)}
