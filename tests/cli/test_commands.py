"""The command line, run in-process: output and exit codes 0 (valid), 1 (invalid), 2 (unusable input)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cacdata
from cacdata.cli import app

from conftest import provide_texts

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == cacdata.__version__


def test_tables_lists_names_and_row_counts() -> None:
    result = runner.invoke(app, ["tables"])
    assert result.exit_code == 0
    for name in cacdata.tables():
        assert any(line.split()[:2] == [name, str(len(cacdata.load(name)))] for line in result.stdout.splitlines())


def test_tables_and_help_start_without_pandas_or_validators() -> None:
    """`cacdata tables` and `--help` start in a fraction of a load: they import neither pandas nor a validator."""
    for args in (["tables"], ["--help"]):
        heavy = ("pandas", "frictionless", "pandera", "duckdb")
        code = (
            f"import sys; from cacdata.cli import app\ntry: app({args!r})\nexcept SystemExit: pass\n"
            f"print(','.join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert result.stderr.strip() == "", args


def test_show_csv_round_trips_the_table() -> None:
    result = runner.invoke(app, ["show", "sources", "--format", "csv"])
    assert result.exit_code == 0
    shown = result.stdout.splitlines()
    assert shown[0] == ",".join(cacdata.load("sources").columns)
    assert len(shown) == len(cacdata.load("sources")) + 1


def test_show_json_has_every_record() -> None:
    result = runner.invoke(app, ["show", "events", "--format", "json"])
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert [r["event_id"] for r in records] == list(cacdata.load("events")["event_id"])


def test_show_unknown_table_is_a_usage_error() -> None:
    result = runner.invoke(app, ["show", "nope"])
    assert result.exit_code == 2
    assert "no table 'nope'" in result.stderr


def test_get_prints_the_record_with_its_excerpts_and_sources() -> None:
    result = runner.invoke(app, ["get", "evt-0003", "--format", "json"])
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["fields"]["date_start"] == "2021-03-18"
    citations = cacdata.load("citations")
    assert len(record["evidence"]) == (citations["record_id"] == "evt-0003").sum()
    assert all(item["source"]["source_id"] == item["citation"]["source_id"] for item in record["evidence"])


def test_get_text_shows_excerpt() -> None:
    result = runner.invoke(app, ["get", "ent-0018"])
    assert result.exit_code == 0
    assert "face-swapping app Quyan" in result.stdout


def test_get_unknown_id_is_a_usage_error() -> None:
    result = runner.invoke(app, ["get", "evt-9999"])
    assert result.exit_code == 2
    assert "no record 'evt-9999'" in result.stderr


def test_validate_valid_package_exits_0(package_copy: Path, tmp_path: Path) -> None:
    provide_texts(package_copy, tmp_path / "texts")
    result = runner.invoke(app, ["validate", str(package_copy), "--texts", str(tmp_path / "texts")])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("valid")


def test_validate_invalid_package_exits_1_naming_file_line_and_field(
    edit_cell: Callable[..., int], package_copy: Path
) -> None:
    line = edit_cell("events", "evt-0003", "date_start", "2021-02-30")
    result = runner.invoke(app, ["validate", str(package_copy)])
    assert result.exit_code == 1
    assert f"data/events.csv:{line}: column 'date_start' value '2021-02-30' [type-error]" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_json_is_one_object_per_failure(edit_cell: Callable[..., int], package_copy: Path) -> None:
    edit_cell("events", "evt-0003", "date_start", "2021-02-30")
    edit_cell("participants", "par-0001", "role", "actr")
    result = runner.invoke(app, ["validate", str(package_copy), "--format", "json"])
    assert result.exit_code == 1
    failures = [json.loads(line) for line in result.stdout.splitlines()]
    assert {(f["table"], f["column"]) for f in failures} >= {("events", "date_start"), ("participants", "role")}


@pytest.mark.parametrize("args", [["validate", "/no/such/dir"], ["validate", "--texts", "/no/such/dir"]])
def test_validate_missing_path_exits_2(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "no such" in result.stderr


def test_validate_unreadable_descriptor_exits_2(package_copy: Path) -> None:
    (package_copy / "datapackage.json").write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(package_copy)])
    assert result.exit_code == 2
    assert "not valid UTF-8 JSON" in result.stderr


def test_stamp_records_sizes_and_hashes_and_only_the_descriptor_changes(
    edit_cell: Callable[..., int], package_copy: Path
) -> None:
    edit_cell("events", "evt-0003", "notes", "Edited by hand.")
    assert runner.invoke(app, ["validate", str(package_copy)]).exit_code == 1  # hash-count: not stamped
    data_before = (package_copy / "data" / "events.csv").read_bytes()
    result = runner.invoke(app, ["stamp", "--path", str(package_copy)])
    assert result.exit_code == 0 and result.stdout.strip() == "stamped: events"
    resource = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))["resources"][1]
    assert resource["bytes"] == len(data_before)
    assert resource["hash"] == "sha256:" + hashlib.sha256(data_before).hexdigest()
    assert (package_copy / "data" / "events.csv").read_bytes() == data_before
    assert runner.invoke(app, ["validate", str(package_copy)]).exit_code == 0
    again = runner.invoke(app, ["stamp", "--path", str(package_copy)])
    assert again.stdout.strip() == "every resource's stamp is current"


def test_the_repository_is_stamped() -> None:
    from cacdata.describe.package import DataPackage
    from cacdata.describe.stamp import file_stamp

    package = DataPackage.open()
    for resource in package.descriptor["resources"]:
        assert (resource["bytes"], resource["hash"]) == file_stamp(package.table(resource["name"]).csv_path)


def test_diff_of_a_copy_with_one_edit_names_that_edit(edit_cell: Callable[..., int], package_copy: Path) -> None:
    edit_cell("events", "evt-0003", "notes", "Edited by hand.")
    result = runner.invoke(app, ["diff", str(cacdata.open().root), str(package_copy), "--format", "json"])
    assert result.exit_code == 0, result.output
    tables = {table["name"]: table for table in json.loads(result.stdout)["tables"]}
    (change,) = tables["events"]["changed"]
    assert change["record_id"] == "evt-0003" and change["fields"][0]["new"] == "Edited by hand."
    assert all(not t["added_ids"] and not t["removed_ids"] for t in tables.values())


def test_diff_of_something_that_is_not_a_package_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", str(tmp_path), str(tmp_path)])
    assert result.exit_code == 2 and "datapackage.json" in result.output


@pytest.mark.parametrize("style", ["bibtex", "apa", "csl-json"])
def test_cite_prints_the_release_from_citation_cff(style: str) -> None:
    result = runner.invoke(app, ["cite", "--format", style])
    assert result.exit_code == 0
    assert cacdata.__version__ in result.stdout
    assert "doi" not in result.stdout.lower()  # CITATION.cff records no DOI, so none is printed


def test_cite_of_a_record_names_each_source_behind_it() -> None:
    result = runner.invoke(app, ["cite", "evt-0002"])
    citations = cacdata.load("citations")
    sources = set(citations.loc[citations["record_id"] == "evt-0002", "source_id"])
    assert result.exit_code == 0
    assert {line.split(":")[0] for line in result.stdout.splitlines() if line} == sources


def test_rules_describes_one_rule_writes_the_catalogue_and_refuses_an_unknown_id(tmp_path: Path) -> None:
    from cacdata.describe.package import DataPackage
    from cacdata.validation.catalogue import render_catalogue

    one = runner.invoke(app, ["rules", "citation-unread-source"])
    assert one.exit_code == 0 and one.stdout.startswith("citation-unread-source (cacdata, checked in 'references')")
    unknown = runner.invoke(app, ["rules", "no-such-rule"])
    assert unknown.exit_code == 2 and "no rule 'no-such-rule'" in unknown.output
    written = runner.invoke(app, ["rules", "--out", str(tmp_path / "rules.md")])
    assert written.exit_code == 0
    assert (tmp_path / "rules.md").read_text(encoding="utf-8") == render_catalogue(DataPackage.open(None))
