"""Broken copies of the package are reported with the right rule, file, line and field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cacdata.package import PackageError
from cacdata.validation import Failure, validate

from conftest import SOURCE_TEXTS, line_of, needs_texts, read_csv, write_csv


def only(failures: list[Failure], rule: str) -> list[tuple[str, int | None, str | None, str | None]]:
    return [(f.file, f.line, f.column, f.value) for f in failures if f.rule == rule]


@needs_texts
def test_the_clean_copy_reports_nothing(package_copy: Path) -> None:
    assert validate(package_copy, SOURCE_TEXTS).failures == []


def test_duplicated_id(edit_cell: Callable[..., int], package_copy: Path) -> None:
    line = edit_cell("entities", "ent-0002", "entity_id", "ent-0001")
    failures = validate(package_copy).failures
    assert ("data/entities.csv", line, "entity_id", "ent-0001") in only(failures, "unique-error")


def test_dangling_foreign_key(edit_cell: Callable[..., int], package_copy: Path) -> None:
    line = edit_cell("participants", "par-0001", "entity_id", "ent-9999")
    failures = validate(package_copy).failures
    assert ("data/participants.csv", line, "entity_id", "ent-9999") in only(failures, "foreign-key")


def test_impossible_date(edit_cell: Callable[..., int], package_copy: Path) -> None:
    line = edit_cell("events", "evt-0003", "date_start", "2021-02-30")
    failures = validate(package_copy).failures
    assert only(failures, "type-error") == [("data/events.csv", line, "date_start", "2021-02-30")]


def test_end_before_start(edit_cell: Callable[..., int], package_copy: Path) -> None:
    line = edit_cell("events", "evt-0003", "date_end", "2021-03-17")
    assert only(validate(package_copy).failures, "date-order") == [("data/events.csv", line, "date_end", "2021-03-17")]


@needs_texts
def test_excerpt_not_in_its_source(edit_cell: Callable[..., int], package_copy: Path) -> None:
    _, citations = read_csv(package_copy / "data" / "citations.csv")
    target = next(c for c in citations if c["source_id"] == "src-0001" and c["locator"] != "address")
    changed = target["excerpt"].replace("a", "à", 1)
    line = edit_cell("citations", target["citation_id"], "excerpt", changed)
    assert only(validate(package_copy).failures, "excerpt-verbatim") == []  # no texts given: not checked
    assert only(validate(package_copy, SOURCE_TEXTS).failures, "excerpt-verbatim") == [
        ("data/citations.csv", line, "excerpt", changed)
    ]


def test_excerpts_compare_in_nfkc_with_white_space_collapsed() -> None:
    from cacdata.validation.excerpts import collapse

    # a stored copy shows full-width punctuation in NFKC form; a copy with the original punctuation still matches
    full_width = "规定自2020年1月1日起施行。促进\uff0c健康\uff08有序\uff09"
    assert collapse(full_width) == collapse("规定自2020年1月1日起施行。促进,健康(有序)")
    assert collapse("a\n\t b") == "a b"
    assert collapse("à") != collapse("a")  # NFKC keeps letters apart


def test_excerpt_at_the_address_must_be_in_the_url(edit_cell: Callable[..., int], package_copy: Path) -> None:
    _, citations = read_csv(package_copy / "data" / "citations.csv")
    target = next(c for c in citations if c["locator"] == "address")
    line = edit_cell("citations", target["citation_id"], "excerpt", "www.example.org")
    assert only(validate(package_copy).failures, "excerpt-verbatim") == [
        ("data/citations.csv", line, "excerpt", "www.example.org")
    ]


def test_dangling_citation_target(edit_cell: Callable[..., int], package_copy: Path) -> None:
    line = edit_cell("citations", "cit-0001", "record_id", "evt-0999")
    failures = only(validate(package_copy).failures, "citation-target")
    assert failures == [("data/citations.csv", line, "record_id", "evt-0999")]


def test_citation_target_with_unknown_prefix(edit_cell: Callable[..., int], package_copy: Path) -> None:
    line = edit_cell("citations", "cit-0001", "record_id", "xyz-0001")
    assert only(validate(package_copy).failures, "citation-target") == [
        ("data/citations.csv", line, "record_id", "xyz-0001")
    ]


def test_uncited_record(package_copy: Path) -> None:
    path = package_copy / "data" / "citations.csv"
    header, rows = read_csv(path)
    write_csv(path, header, [row for row in rows if row["record_id"] != "ent-0036"])
    line = line_of(package_copy / "data" / "entities.csv", "entity_id", "ent-0036")
    assert only(validate(package_copy).failures, "uncited-record") == [
        ("data/entities.csv", line, "entity_id", "ent-0036")
    ]


def test_enum_typo(edit_cell: Callable[..., int], package_copy: Path) -> None:
    line = edit_cell("participants", "par-0001", "role", "actr")
    assert ("data/participants.csv", line, "role", "actr") in only(validate(package_copy).failures, "constraint-error")


def test_crlf_and_bom_are_reported(package_copy: Path) -> None:
    path = package_copy / "data" / "events.csv"
    data = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n", 2))
    failures = validate(package_copy).failures
    assert only(failures, "utf8-bom") == [("data/events.csv", 1, None, None)]
    assert only(failures, "line-ending") == [("data/events.csv", 1, None, None)]


def test_rows_out_of_order(package_copy: Path) -> None:
    path = package_copy / "data" / "sources.csv"
    header, rows = read_csv(path)
    rows[0], rows[1] = rows[1], rows[0]
    write_csv(path, header, rows)
    assert only(validate(package_copy).failures, "row-order") == [("data/sources.csv", 3, "source_id", "src-0001")]


def test_all_faults_are_reported_in_one_run(edit_cell: Callable[..., int], package_copy: Path) -> None:
    edit_cell("events", "evt-0003", "date_start", "2021-02-30")
    edit_cell("participants", "par-0001", "role", "actr")
    edit_cell("citations", "cit-0001", "record_id", "evt-0999")
    rules = {f.rule for f in validate(package_copy).failures}
    assert {"type-error", "constraint-error", "citation-target"} <= rules


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not valid UTF-8 JSON"), (json.dumps({"name": "x"}), "no list of 'resources'")],
)
def test_unreadable_descriptor_is_a_package_error(package_copy: Path, content: str, message: str) -> None:
    (package_copy / "datapackage.json").write_text(content, encoding="utf-8")
    with pytest.raises(PackageError, match=message):
        validate(package_copy)


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.csv", "~/data.csv", "https://example.org/data.csv"])
def test_paths_leaving_the_package_are_refused(package_copy: Path, path: str) -> None:
    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = path
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(PackageError, match="outside the package"):
        validate(package_copy)
