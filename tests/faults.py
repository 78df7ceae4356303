"""A mutation tool: copy the package and break it in exactly one way per case.

Each ``Fault`` knows how to break a copy and what the validator must say about it: the rule, table, file,
physical line and column (``Expected``), or that the package is refused as unusable (``Refused``). After a
mutation the copy is stamped again, as a careful contributor would, so that only the fault itself shows;
the faults about stamps skip that step. ``side_rules`` lists the other rules a fault can set off by its nature
(a changed ID leaves its old references dangling), and nothing outside ``rule`` and ``side_rules`` may appear.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PACKAGE_FILES = ("datapackage.json", "CITATION.cff", "CHANGELOG.md")


@dataclass(frozen=True)
class Expected:
    rule: str
    table: str | None
    file: str
    line: int | None
    column: str | None


@dataclass(frozen=True)
class Refused:
    """The package cannot be used at all: exit 2 with a message naming ``names``."""

    names: str


Mutation = Callable[[Path], "Expected | Refused"]


@dataclass(frozen=True)
class Fault:
    kind: str
    mutate: Mutation
    side_rules: frozenset[str] = field(default_factory=frozenset)
    restamp: bool = True
    needs_texts: bool = False
    refused: bool = False  # unusable as a package: exit 2 before any check runs


def copy_package(destination: Path) -> Path:
    """A copy of what a release ships: descriptor, schemas, data, citation metadata and changelog."""
    destination.mkdir(parents=True)
    for name in PACKAGE_FILES:
        shutil.copy(REPO / name, destination)
    shutil.copytree(REPO / "schemas", destination / "schemas")
    shutil.copytree(REPO / "data", destination / "data")
    return destination


def break_copy(fault: Fault, root: Path) -> Expected | Refused:
    expected = fault.mutate(root)
    if fault.restamp:
        _restamp(root)
    return expected


def _restamp(root: Path) -> None:
    from cacdata.describe.package import DataPackage, PackageError
    from cacdata.describe.stamp import stamp

    with contextlib.suppress(PackageError, KeyError, OSError):  # too broken to open: refused before any stamp
        stamp(DataPackage.open(root))


# -- editing helpers ------------------------------------------------------------------------------------------


def csv_path(root: Path, table: str) -> Path:
    return root / "data" / f"{table}.csv"


def read(root: Path, table: str) -> tuple[list[str], list[dict[str, str]]]:
    with csv_path(root, table).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(root: Path, table: str, header: list[str], rows: list[dict[str, str]]) -> None:
    with csv_path(root, table).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(root: Path, table: str, key: str | None, column: str, value: str) -> int:
    """Set one cell in the row with primary key ``key`` (default: the first row); returns its physical line."""
    header, rows = read(root, table)
    index = 0 if key is None else next(i for i, row in enumerate(rows) if row[header[0]] == key)
    rows[index][column] = value
    write(root, table, header, rows)
    return index + 2  # rows in our data span one line each


def first_filled(root: Path, table: str, column: str) -> tuple[str, int]:
    header, rows = read(root, table)
    index = next(i for i, row in enumerate(rows) if row[column])
    return rows[index][header[0]], index + 2


def edit_bytes(root: Path, table: str, line: int, change: Callable[[bytes], bytes]) -> None:
    path = csv_path(root, table)
    lines = path.read_bytes().split(b"\n")
    lines[line - 1] = change(lines[line - 1])
    path.write_bytes(b"\n".join(lines))


def edit_json(path: Path, change: Callable[[dict[str, object]], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def rewrite_columns(root: Path, table: str, change: Callable[[list[list[str]]], list[list[str]]]) -> None:
    path = csv_path(root, table)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(change(rows))


def expect(rule: str, table: str | None, line: int | None, column: str | None) -> Expected:
    file = f"data/{table}.csv" if table else "datapackage.json"
    return Expected(rule, table, file, line, column)


def declared_foreign_keys() -> list[tuple[str, str, str]]:
    """(table, field, prefix of the IDs it refers to) for every foreign key the schemas declare."""
    keys = []
    for path in sorted((REPO / "schemas").glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        patterns = {f["name"]: f.get("constraints", {}).get("pattern", "") for f in schema["fields"]}
        for fk in schema.get("foreignKeys", []):
            (name,) = fk["fields"]
            keys.append((path.name.removesuffix(".schema.json"), name, patterns[name].split("-")[0]))
    return keys


# -- the faults -----------------------------------------------------------------------------------------------

ID_SIDE = frozenset({"foreign-key", "citation-target", "uncited-record"})
CASCADE = frozenset({"constraint-error", "type-error", "missing-cell", "extra-cell", "foreign-key", "unique-error"})


def _duplicate_key(root: Path) -> Expected:
    header, rows = read(root, "entities")
    rows.append(dict(rows[-1]))
    write(root, "entities", header, rows)
    return expect("primary-key", "entities", len(rows) + 1, "entity_id")


def _repeated_unique_value(root: Path) -> Expected:
    """The same break as ``_duplicate_key``, seen through the key field's ``unique`` constraint."""
    _duplicate_key(root)
    return expect("unique-error", "entities", len(read(root, "entities")[1]) + 1, "entity_id")


def _dangling_foreign_key(table: str, column: str, prefix: str) -> Mutation:
    def mutate(root: Path) -> Expected:
        key, _ = first_filled(root, table, column)
        line = set_cell(root, table, key, column, f"{prefix}-9999")
        return expect("foreign-key", table, line, column)

    return mutate


def _dangling_citation_target(root: Path) -> Expected:
    line = set_cell(root, "citations", None, "record_id", "evt-0999")
    return expect("citation-target", "citations", line, "record_id")


def _uncited_record(root: Path) -> Expected:
    header, rows = read(root, "citations")
    _, entities = read(root, "entities")
    last = entities[-1]["entity_id"]
    write(root, "citations", header, [row for row in rows if row["record_id"] != last])
    return expect("uncited-record", "entities", len(entities) + 1, "entity_id")


def _cell_fault(table: str, column: str, value: str, rule: str, key: str | None = None) -> Mutation:
    def mutate(root: Path) -> Expected:
        line = set_cell(root, table, key, column, value)
        return expect(rule, table, line, column)

    return mutate


def _last_entity_id(value: str | Callable[[str], str]) -> Mutation:
    """The last entity's ID replaced; a callable derives the bad ID from the real one, so it fits any data."""

    def mutate(root: Path) -> Expected:
        _, entities = read(root, "entities")
        last = entities[-1]["entity_id"]
        line = set_cell(root, "entities", last, "entity_id", value(last) if callable(value) else value)
        return expect("constraint-error", "entities", line, "entity_id")

    return mutate


def _citation_twice(root: Path) -> Expected:
    """The last citation again under the next ID: the same fact cited twice."""
    header, rows = read(root, "citations")
    copy = {**rows[-1], "citation_id": f"cit-{int(rows[-1]['citation_id'][4:]) + 1:04d}"}
    write(root, "citations", header, [*rows, copy])
    return expect("duplicate-record", "citations", len(rows) + 2, "citation_id")


def _precision_contradicted(key: str, column: str, value: str) -> Mutation:
    def mutate(root: Path) -> Expected:
        line = set_cell(root, "events", key, column, value)
        return expect("date-precision", "events", line, "date_precision")

    return mutate


def _source_twice(root: Path) -> Expected:
    """src-0007 given src-0006's address: one document recorded as two sources."""
    _, rows = read(root, "sources")
    line = set_cell(root, "sources", "src-0007", "url", next(r["url"] for r in rows if r["source_id"] == "src-0006"))
    return expect("duplicate-record", "sources", line, "source_id")


def _entity_twice(root: Path) -> Expected:
    """Two entities given one Wikidata item: one organisation recorded twice."""
    set_cell(root, "entities", "ent-0001", "wikidata_qid", "Q42")
    line = set_cell(root, "entities", "ent-0002", "wikidata_qid", "Q42")
    return expect("duplicate-record", "entities", line, "entity_id")


def _participation_twice(root: Path) -> Expected:
    """The second participation made the same as the first: the same entity in the same role at the same event."""
    header, rows = read(root, "participants")
    rows[1] = {**rows[0], "participant_id": rows[1]["participant_id"]}
    write(root, "participants", header, rows)
    return expect("duplicate-record", "participants", 3, "participant_id")


def _child_before_parent(root: Path) -> Expected:
    """evt-0009, part of evt-0008 (from 2016-11-07), dated a day before that began."""
    set_cell(root, "events", "evt-0009", "date_start", "2016-11-06")
    line = set_cell(root, "events", "evt-0009", "date_end", "2016-11-06")
    return expect("parent-date", "events", line, "parent_event_id")


def _excerpt_one_character(root: Path) -> Expected:
    _, citations = read(root, "citations")
    target = next(c for c in citations if c["source_id"] == "src-0001" and c["locator"] != "address")
    line = set_cell(root, "citations", target["citation_id"], "excerpt", target["excerpt"].replace("a", "à", 1))
    return expect("excerpt-verbatim", "citations", line, "excerpt")


def _bom(root: Path) -> Expected:
    path = csv_path(root, "events")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return expect("utf8-bom", "events", 1, None)


def _crlf_in_one_row(root: Path) -> Expected:
    edit_bytes(root, "events", 4, lambda line: line + b"\r")
    return expect("line-ending", "events", 4, None)


def _invalid_utf8(root: Path) -> Expected:
    edit_bytes(root, "events", 5, lambda line: line.replace(b",", b",\xff", 1))
    return expect("encoding-error", "events", 5, None)


def _nul_byte(root: Path) -> Expected:
    _, rows = read(root, "events")
    line = set_cell(root, "events", None, "description", rows[0]["description"].replace(" ", " \x00", 1))
    return expect("cell-control", "events", line, "description")


def _extra_cell(root: Path) -> Expected:
    edit_bytes(root, "participants", 3, lambda line: line + b",surplus")
    return expect("extra-cell", "participants", 3, None)


def _missing_cell(root: Path) -> Expected:
    edit_bytes(root, "participants", 3, lambda line: line.rsplit(b",", 1)[0])
    return expect("missing-cell", "participants", 3, "notes")


def _missing_column(root: Path) -> Expected:
    rewrite_columns(root, "participants", lambda rows: [row[:-1] for row in rows])
    return expect("missing-label", "participants", 1, "notes")


def _extra_column(root: Path) -> Expected:
    rewrite_columns(
        root, "participants", lambda rows: [[*row, "surplus" if i == 0 else ""] for i, row in enumerate(rows)]
    )
    return expect("extra-label", "participants", 1, None)


def _renamed_header(root: Path) -> Expected:
    rewrite_columns(root, "participants", lambda rows: [["part" if c == "role" else c for c in rows[0]], *rows[1:]])
    return expect("incorrect-label", "participants", 1, "role")


def _blank_header(root: Path) -> Expected:
    rewrite_columns(root, "participants", lambda rows: [["" if c == "notes" else c for c in rows[0]], *rows[1:]])
    return expect("blank-label", "participants", 1, "notes")


def _reordered_columns(root: Path) -> Expected:
    def swap(rows: list[list[str]]) -> list[list[str]]:
        return [[row[0], row[1], row[3], row[2], *row[4:]] for row in rows]

    rewrite_columns(root, "participants", swap)
    return expect("incorrect-label", "participants", 1, "entity_id")


def _duplicate_header(root: Path) -> Expected:
    rewrite_columns(root, "participants", lambda rows: [["role" if c == "notes" else c for c in rows[0]], *rows[1:]])
    return expect("duplicate-label", "participants", 1, "notes")


def _unbalanced_quote(root: Path) -> Expected:
    _, line = first_filled(root, "participants", "notes")
    edit_bytes(root, "participants", line, lambda text: text.rsplit(b",", 1)[0] + b',"unclosed note')
    return expect("cell-control", "participants", line, "notes")


def _blank_row(root: Path) -> Expected:
    edit_bytes(root, "participants", 3, lambda line: b",,,,\n" + line)
    return expect("blank-row", "participants", 3, None)


def _zero_width_in_id(root: Path) -> Expected:
    line = set_cell(root, "participants", None, "entity_id", "ent-\u200b0001")
    return expect("cell-invisible", "participants", line, "entity_id")


def _resource_file_missing(root: Path) -> Expected:
    csv_path(root, "quotes").unlink()
    return Expected("file-missing", "quotes", "data/quotes.csv", None, None)


def _schema_file_missing(root: Path) -> Refused:
    (root / "schemas" / "quotes.schema.json").unlink()
    return Refused("quotes.schema.json")


def _descriptor_not_json(root: Path) -> Refused:
    (root / "datapackage.json").write_text('{"name": "cacdata", "resources": [', encoding="utf-8")
    return Refused("datapackage.json")


def _version_mismatch(root: Path) -> Expected:
    path = root / "CITATION.cff"
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, text in enumerate(lines) if text.startswith("version:"))
    lines[number] = 'version: "99.0.0"'
    path.write_text("\n".join(lines), encoding="utf-8")
    return Expected("version-mismatch", None, "CITATION.cff", number + 1, None)


def _parent_cycle(root: Path) -> Expected:
    _, entities = read(root, "entities")
    child = next(e for e in entities if e["parent_id"])
    line = set_cell(root, "entities", child["parent_id"], "parent_id", child["entity_id"])
    return expect("reference-cycle", "entities", line, "parent_id")


def _speaker_not_a_person_or_organisation(root: Path) -> Expected:
    _, entities = read(root, "entities")
    product = next(e["entity_id"] for e in entities if e["entity_type"] == "product")
    line = set_cell(root, "quotes", None, "speaker_id", product)
    return expect("entity-type", "quotes", line, "speaker_id")


def _required_with(root: Path) -> Expected:
    key, _ = first_filled(root, "entities", "name_original")
    line = set_cell(root, "entities", key, "name_original_lang", "")
    return expect("required-with", "entities", line, "name_original_lang")


def _too_few_rows(root: Path) -> Expected:
    """Remove unreferenced quotes (and their citations) until the table is one row short of its minimum."""
    schema = json.loads((root / "schemas" / "quotes.schema.json").read_text(encoding="utf-8"))
    header, rows = read(root, "quotes")
    referenced = {row["rendering_of"] for row in rows}
    surplus = len(rows) - schema["cacdata:rowCount"]["minimum"] + 1
    removed = {row["quote_id"] for row in reversed(rows) if row["quote_id"] not in referenced}
    removed = set(sorted(removed)[-surplus:])
    write(root, "quotes", header, [row for row in rows if row["quote_id"] not in removed])
    header, citations = read(root, "citations")
    write(root, "citations", header, [row for row in citations if row["record_id"] not in removed])
    return expect("row-count", "quotes", None, None)


def _column_emptied(root: Path) -> Expected:
    header, rows = read(root, "events")
    write(root, "events", header, [{**row, "date_evidence": ""} for row in rows])
    return expect("column-fill", "events", None, "date_evidence")


def _changed_without_stamp(root: Path) -> Expected:
    key, _ = first_filled(root, "events", "notes")
    set_cell(root, "events", key, "notes", "Edited by hand.")
    return expect("hash-count", "events", None, None)


def _wrong_size(root: Path) -> Expected:
    def grow(descriptor: dict[str, object]) -> None:
        resources = descriptor["resources"]
        assert isinstance(resources, list)
        events = next(r for r in resources if r["name"] == "events")
        events["bytes"] = int(events["bytes"]) + 1

    edit_json(root / "datapackage.json", grow)
    return expect("byte-count", "events", None, None)


def _citations_table_missing(root: Path) -> Expected:
    def drop(descriptor: dict[str, object]) -> None:
        resources = descriptor["resources"]
        assert isinstance(resources, list)
        resources[:] = [r for r in resources if r["name"] != "citations"]

    edit_json(root / "datapackage.json", drop)
    return Expected("missing-table", None, "datapackage.json", None, None)


def _stamp_missing(root: Path) -> Expected:
    def drop(descriptor: dict[str, object]) -> None:
        resources = descriptor["resources"]
        assert isinstance(resources, list)
        del resources[0]["hash"]

    edit_json(root / "datapackage.json", drop)
    return Expected("stamp-missing", "entities", "datapackage.json", None, None)


def _unverifiable_stamp(hash_of: Callable[[bytes], str], size: Callable[[int], object]) -> Mutation:
    """Edit events.csv, then record a stamp in a form that cannot be checked (as a hostile copy would)."""

    def mutate(root: Path) -> Expected:
        key, _ = first_filled(root, "events", "notes")
        set_cell(root, "events", key, "notes", "Edited by hand.")
        data = csv_path(root, "events").read_bytes()

        def change(descriptor: dict[str, object]) -> None:
            resources = descriptor["resources"]
            assert isinstance(resources, list)
            events = next(r for r in resources if r["name"] == "events")
            events["hash"], events["bytes"] = hash_of(data), size(len(data))

        edit_json(root / "datapackage.json", change)
        return Expected("stamp-unverifiable", "events", "datapackage.json", None, None)

    return mutate


def _digest(algorithm: str, prefix: str) -> Callable[[bytes], str]:
    return lambda data: prefix + hashlib.new(algorithm, data).hexdigest()


def _rows_out_of_order(root: Path) -> Expected:
    header, rows = read(root, "sources")
    rows[0], rows[1] = rows[1], rows[0]
    write(root, "sources", header, rows)
    return expect("row-order", "sources", 3, "source_id")


def _no_final_newline(root: Path) -> Expected:
    path = csv_path(root, "participants")
    data = path.read_bytes().rstrip(b"\n")
    path.write_bytes(data)
    return expect("final-newline", "participants", data.count(b"\n") + 1, None)


def _remote_profile(root: Path) -> Refused:
    edit_json(root / "datapackage.json", lambda d: d.update(profile="https://example.org/profile.json"))
    return Refused("https://example.org/profile.json")


def _symlink_out(root: Path) -> Refused:
    outside = root.parent / "outside.csv"
    shutil.copy(csv_path(root, "quotes"), outside)
    csv_path(root, "quotes").unlink()
    os.symlink(outside, csv_path(root, "quotes"))
    return Refused("outside the package")


def _string_primary_key_and_a_repeated_id(root: Path) -> Expected:
    """Table Schema also allows ``"primaryKey": "entity_id"``: it must be read as the list form is."""
    edit_json(root / "schemas" / "entities.schema.json", lambda schema: schema.update(primaryKey="entity_id"))
    return _duplicate_key(root)


def _json_edit(file: str, change: Callable[[str], str], names: str) -> Callable[[Path], Refused]:
    def mutate(root: Path) -> Refused:
        path = root / file
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
        return Refused(names)

    return mutate


def _duplicate_constraints(text: str) -> str:
    """A second ``constraints`` after the pattern's, which would silently drop the pattern."""
    return text.replace('"constraints": {', '"constraints": {}, "constraints": {', 1)


def _set_pattern(pattern: str, names: str) -> Callable[[Path], Refused]:
    """Give entities.wikidata_qid another pattern."""

    def mutate(root: Path) -> Refused:
        def change(schema: dict[str, object]) -> None:
            fields = schema["fields"]
            assert isinstance(fields, list)
            next(f for f in fields if f["name"] == "wikidata_qid")["constraints"]["pattern"] = pattern

        edit_json(root / "schemas" / "entities.schema.json", change)
        return Refused(names)

    return mutate


def _stray_cr(root: Path) -> Refused:
    edit_bytes(root, "events", 5, lambda line: line.replace(b",", b",\r", 1))
    return Refused("line 5 holds a carriage return (CR) that ends no line")


def _old_mac_line_endings(root: Path) -> Refused:
    path = csv_path(root, "events")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    return Refused("uses CR (old Mac) line endings")


def _huge_cell(root: Path) -> Refused:
    set_cell(root, "events", None, "notes", "x" * (2**20 + 1))
    return Refused("line 2 is longer than 1048576 bytes")


def _blank_lines_appended(root: Path) -> Refused:
    path = csv_path(root, "events")
    data = path.read_bytes()
    path.write_bytes(data + b"\n" * 1500)
    first = data.count(b"\n") + 1
    return Refused(f"more than 1000 blank lines, the first at line {first}")


def _schema_edit(table: str, change: Callable[[dict[str, Any]], None], names: str) -> Callable[[Path], Refused]:
    def mutate(root: Path) -> Refused:
        edit_json(root / "schemas" / f"{table}.schema.json", change)  # type: ignore[arg-type]
        return Refused(names)

    return mutate


def _descriptor_edit(change: Callable[[dict[str, Any]], None], names: str) -> Callable[[Path], Refused]:
    def mutate(root: Path) -> Refused:
        edit_json(root / "datapackage.json", change)  # type: ignore[arg-type]
        return Refused(names)

    return mutate


def _field(name: str, change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    return lambda schema: change(next(f for f in schema["fields"] if f["name"] == name))


def _named_pipe(root: Path) -> Refused:
    csv_path(root, "quotes").unlink()
    os.mkfifo(csv_path(root, "quotes"))
    return Refused("named pipe")


FAULTS: list[Fault] = [
    Fault("duplicate primary key", _duplicate_key, frozenset({"unique-error"})),
    Fault("value repeated in a unique column", _repeated_unique_value, frozenset({"primary-key"})),
    *[
        # the first citation quotes its source's address, so pointing it elsewhere also breaks that excerpt
        Fault(
            f"dangling foreign key {table}.{column}",
            _dangling_foreign_key(table, column, prefix),
            frozenset({"excerpt-verbatim"} if (table, column) == ("citations", "source_id") else ()),
        )
        for table, column, prefix in declared_foreign_keys()
    ],
    Fault("dangling citation target", _dangling_citation_target, frozenset({"uncited-record", "citation-field"})),
    Fault("uncited record", _uncited_record),
    Fault("malformed date", _cell_fault("events", "date_end", "2021-3-18", "date-format", "evt-0003")),
    Fault("impossible date", _cell_fault("events", "date_start", "2021-02-30", "type-error", "evt-0003")),
    # a day precision with an end on another day contradicts itself as well
    Fault(
        "end before start",
        _cell_fault("events", "date_end", "2021-03-17", "date-order", "evt-0003"),
        frozenset({"date-precision"}),
    ),
    # a document published in the future was, necessarily, read before it was published
    Fault(
        "date in the future",
        _cell_fault("sources", "date_published", "2999-01-01", "future-date"),
        frozenset({"access-before-publication"}),
    ),
    Fault("enum typo", _cell_fault("participants", "role", "actr", "constraint-error")),
    # The last ID with a letter appended breaks the pattern but still sorts after the row before it, whatever
    # the data holds (a fixed "ent-01" sorted before "ent-0208" once the table passed ent-0099).
    Fault("bad ID pattern", _last_entity_id(lambda last: last + "x"), ID_SIDE),
    Fault("wrong prefix for the table", _last_entity_id("evt-0099"), ID_SIDE),
    Fault("required cell emptied", _cell_fault("entities", "name_en", "", "constraint-error", "ent-0002")),
    Fault("QID pattern", _cell_fault("entities", "wikidata_qid", "Q12x", "constraint-error")),
    Fault(
        "non-http URL",
        _cell_fault("sources", "url", "javascript:alert(1)", "constraint-error", "src-0006"),
        frozenset({"url-address"}),
    ),
    Fault("URL without a host", _cell_fault("sources", "url", "https:///etc/passwd", "url-address", "src-0006")),
    Fault(
        "URL with a user name and password",
        _cell_fault("sources", "archive_url", "https://user:secret@example.org/a", "url-address", "src-0006"),
    ),
    Fault(
        "URL into a private network",
        _cell_fault("sources", "read_at_url", "http://192.168.1.1/admin", "url-address", "src-0006"),
    ),
    Fault("citation recorded twice under two IDs", _citation_twice),
    # src-0007's address-located excerpt no longer stands in the address it was given
    Fault("source recorded twice under two IDs", _source_twice, frozenset({"excerpt-verbatim"})),
    Fault("participation recorded twice under two IDs", _participation_twice),
    Fault("entity recorded twice under two IDs", _entity_twice),
    Fault(
        "document read before it was published",
        _cell_fault("sources", "access_date", "2021-03-01", "access-before-publication", "src-0006"),
    ),
    Fault("day precision with two days", _precision_contradicted("evt-0003", "date_end", "2021-03-19")),
    Fault("not_after with a start", _precision_contradicted("evt-0001", "date_start", "2021-03-01")),
    Fault("unknown precision with a date", _precision_contradicted("evt-0006", "date_end", "2021-01-01")),
    Fault("part before the whole", _child_before_parent),
    Fault("citation of an unknown field", _cell_fault("citations", "field", "no_such_field", "citation-field")),
    # src-0003 is known only through another source's credit (read_as not_read): nothing can be quoted from it
    Fault(
        "citation quoting a source nobody read",
        _cell_fault("citations", "source_id", "src-0003", "citation-unread-source", "cit-0002"),
    ),
    Fault("excerpt changed by one character", _excerpt_one_character, needs_texts=True),
    Fault("BOM", _bom, frozenset({"incorrect-label"})),
    Fault("CRLF in one row", _crlf_in_one_row, frozenset({"cell-control"})),
    Fault("invalid UTF-8 bytes", _invalid_utf8),
    Fault("NUL byte", _nul_byte),
    Fault("ragged row: extra cell", _extra_cell),
    Fault("ragged row: missing cell", _missing_cell),
    Fault("missing column", _missing_column),
    Fault("extra column", _extra_column),
    Fault("renamed header", _renamed_header),
    Fault("reordered columns", _reordered_columns, CASCADE),
    Fault("duplicate header", _duplicate_header, frozenset({"incorrect-label"})),
    Fault("blank header cell", _blank_header),
    # the open quote swallows the rest of the file into one cell: the rows after it are lost
    Fault(
        "quote character unbalanced",
        _unbalanced_quote,
        CASCADE | {"row-order", "uncited-record", "citation-target", "row-count", "column-fill"},
    ),
    Fault("blank row", _blank_row, frozenset({"row-order", "primary-key"})),
    Fault(
        "trailing white space",
        _cell_fault("entities", "name_en", "Ministry of Public Security ", "cell-whitespace", "ent-0002"),
    ),
    Fault("zero-width space in an ID", _zero_width_in_id, frozenset({"constraint-error", "foreign-key"})),
    *[
        Fault(f"formula character {start!r}", _cell_fault("entities", "notes", f"{start}HYPERLINK(1)", "cell-formula"))
        for start in ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
    ],
    Fault("text not in NFC", _cell_fault("entities", "description", "Cafe\u0301 owner.", "cell-nfc")),
    Fault("control character", _cell_fault("entities", "description", "A bell\u0007 rang.", "cell-control")),
    Fault("cycle in parent links", _parent_cycle),
    Fault("quote speaker not a person or organisation", _speaker_not_a_person_or_organisation),
    Fault("conditionally required cell emptied", _required_with),
    Fault("too few rows", _too_few_rows),
    Fault("key column emptied", _column_emptied),
    Fault("rows out of order", _rows_out_of_order),
    Fault("no final newline", _no_final_newline),
    Fault("CSV changed without a new stamp", _changed_without_stamp, frozenset({"byte-count"}), restamp=False),
    Fault("stamp records the wrong size", _wrong_size, restamp=False),
    Fault("citations table missing", _citations_table_missing),
    Fault("stamp missing", _stamp_missing, restamp=False),
    Fault("empty stamp", _unverifiable_stamp(lambda data: "", lambda size: 0), restamp=False),
    *[
        Fault(
            f"stamp in another algorithm {prefix}",
            _unverifiable_stamp(_digest(algorithm, prefix), lambda size: size),
            restamp=False,
        )
        for algorithm, prefix in (("sha512", "sha512:"), ("sha1", "sha1:"), ("md5", "md5:"), ("sha256", "SHA256:"))
    ],
    Fault("version mismatch between package files", _version_mismatch),
    Fault("resource file missing", _resource_file_missing, frozenset({"foreign-key", "citation-target"})),
    Fault("schema file missing", _schema_file_missing, refused=True),
    Fault("descriptor not JSON", _descriptor_not_json, refused=True),
    Fault("remote profile", _remote_profile, refused=True),
    Fault("symlink leaving the package", _symlink_out, refused=True),
    # evt-0021 rests only on a machine translation and says so; evt-0002 cites the CAC's own statement
    Fault("weak support not flagged", _cell_fault("events", "weakly_sourced", "", "weak-support", "evt-0021")),
    Fault(
        "weak-support flag on a record of standing",
        _cell_fault("events", "weakly_sourced", "true", "weak-support", "evt-0002"),
    ),
    Fault("primary key written as a string", _string_primary_key_and_a_repeated_id, frozenset({"unique-error"})),
    Fault(
        "JSON nested 100,000 deep",
        _json_edit(
            "schemas/events.schema.json",
            lambda t: t.replace("{", '{"x": ' + "[" * 10**5 + "]" * 10**5 + ",", 1),
            "nested deeper than",
        ),
        refused=True,
    ),
    Fault(
        "number of 5,000 digits",
        _json_edit("datapackage.json", lambda t: t.replace("{", '{"n": ' + "9" * 5000 + ",", 1), "the limit is 100"),
        refused=True,
    ),
    Fault(
        "duplicate key in a schema",
        _json_edit("schemas/events.schema.json", _duplicate_constraints, "'constraints' appears twice"),
        refused=True,
    ),
    Fault("named pipe in place of a CSV", _named_pipe, refused=True),
    Fault("stray CR in a row", _stray_cr, refused=True),
    Fault(
        "two resources with one name",
        _descriptor_edit(lambda d: d["resources"][1].update(name="entities"), "resources 1 and 2 are both named"),
        refused=True,
    ),
    Fault(
        "two resources claiming one file",
        _descriptor_edit(lambda d: d["resources"][1].update(path="data/entities.csv"), "both claim the file"),
        refused=True,
    ),
    Fault(
        "field without a name",
        _schema_edit("quotes", _field("notes", lambda f: f.pop("name")), "has no name"),
        refused=True,
    ),
    Fault(
        "foreign key naming no field",
        _schema_edit(
            "quotes", lambda s: s["foreignKeys"][0].update(fields=["speaker"]), "names no field of the table: speaker"
        ),
        refused=True,
    ),
    Fault(
        "foreign key naming no resource",
        _schema_edit(
            "quotes", lambda s: s["foreignKeys"][0]["reference"].update(resource="people"), "resource 'people'"
        ),
        refused=True,
    ),
    Fault(
        "requiredWith naming no field",
        _schema_edit(
            "entities",
            _field("name_original_lang", lambda f: f.update({"cacdata:requiredWith": "name_orig"})),
            "names no field of the table: name_orig",
        ),
        refused=True,
    ),
    Fault(
        "entityTypes as text",
        _schema_edit(
            "quotes",
            _field("speaker_id", lambda f: f.update({"cacdata:entityTypes": "person"})),
            "'cacdata:entityTypes' must be a list",
        ),
        refused=True,
    ),
    Fault(
        "minimumFill as text",
        _schema_edit("events", _field("date_end", lambda f: f.update({"cacdata:minimumFill": "most"})), "from 0 to 1"),
        refused=True,
    ),
    Fault(
        "unknown cacdata key",
        _schema_edit(
            "events", _field("date_end", lambda f: f.update({"cacdata:requiredwith": "date_start"})), "unknown key"
        ),
        refused=True,
    ),
    Fault("old-Mac CR line endings", _old_mac_line_endings, refused=True),
    Fault("cell of more than 1 MiB", _huge_cell, refused=True),
    Fault("1,500 blank lines appended", _blank_lines_appended, refused=True),
    Fault("catastrophic pattern (Q+)+R", _set_pattern("(Q+)+R", "exponential time"), refused=True),
    Fault("invalid regular expression", _set_pattern("Q[1-9", "not a valid regular expression"), refused=True),
]
