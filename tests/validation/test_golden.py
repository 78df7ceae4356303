"""Golden reports: every failure each checkable fault sets off, word for word, as the library reports it.

``tests/validation/golden/<fault>.json`` holds the whole failure list of one fault's broken copy (rule,
table, file, line, column, value and message, in the order reported, one failure a line), with the copy's
temporary folders written as ``<package>`` and ``<texts>`` and the run's day as ``<today>``. A changed
message, an extra or a lost failure fails here, where ``test_fault_corpus.py`` only asks that the expected
one be among them.

When a change of the reports is meant (a reworded message, a new rule, rows added to the data), rewrite the
files and review their diff before committing it:

    .venv/bin/python -m pytest tests/validation/test_golden.py --update-golden
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from cacdata.validation import Failure

from corpus import TODAY, Case, Corpus, cases, slug
from faults import FAULTS, Fault, Refused

GOLDEN = Path(__file__).parent / "golden"
CHECKABLE = [f for f in FAULTS if not f.refused]


def normalised(failures: list[Failure], case: Case) -> list[dict[str, Any]]:
    """The failures as plain dicts, with nothing in them that differs from one run or machine to the next."""
    places = {str(case.root): "<package>", str(case.root.resolve()): "<package>"}
    if case.texts is not None:
        places |= {str(case.texts): "<texts>", str(case.texts.resolve()): "<texts>"}

    def clean(text: str | None) -> str | None:
        if text is None:
            return None
        for place, name in sorted(places.items(), key=lambda item: -len(item[0])):
            text = text.replace(place, name)
        return text.replace(TODAY.isoformat(), "<today>")

    fields = ("rule", "table", "file", "line", "column", "value", "message")
    rows = []
    for failure in failures:
        row = {name: getattr(failure, name) for name in fields}
        rows.append({**row, "file": clean(row["file"]), "value": clean(row["value"]), "message": clean(row["message"])})
    return rows


def golden_text(fault: Fault, failures: list[dict[str, Any]]) -> str:
    """The golden file: JSON, one failure a line, so that a change of the reports reads as a diff of lines."""
    rows = ",\n".join("    " + json.dumps(row, ensure_ascii=False) for row in failures)
    return f'{{\n  "fault": {json.dumps(fault.kind, ensure_ascii=False)},\n  "failures": [\n{rows}\n  ]\n}}\n'


def differences(expected: list[dict[str, Any]], found: list[dict[str, Any]]) -> list[str]:
    """What differs between two failure lists, failure by failure, for a message a reviewer can act on."""
    lines = [f"{len(expected)} failure(s) expected, {len(found)} reported"] if len(expected) != len(found) else []
    for number, (want, got) in enumerate(zip(expected, found, strict=False), 1):
        for name in want.keys() | got.keys():
            if want.get(name) != got.get(name):
                lines.append(f"failure {number} {name}: expected {want.get(name)!r}, reported {got.get(name)!r}")
    lines += [f"not reported: {row}" for row in expected[len(found) :]]
    lines += [f"not expected: {row}" for row in found[len(expected) :]]
    return lines


@pytest.mark.parametrize("fault", cases(CHECKABLE))
def test_the_report_is_the_golden_one(fault: Fault, corpus: Corpus, request: pytest.FixtureRequest) -> None:
    case = corpus.case(fault)
    found = normalised(corpus.report(fault, "auto").failures, case)
    path = GOLDEN / f"{slug(fault)}.json"
    text = golden_text(fault, found)
    assert str(case.root.parent) not in text and "pytest-of-" not in text, "a temporary path is left in the report"
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        pytest.skip(f"--update-golden: {path.name} written, not compared")
    assert path.is_file(), f"no golden report for {fault.kind!r}: run pytest {__file__} --update-golden"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert expected["fault"] == fault.kind
    assert found == expected["failures"], "\n".join(differences(expected["failures"], found))


def test_every_golden_file_belongs_to_a_fault() -> None:
    """A fault renamed or removed leaves no golden file behind that nothing compares."""
    assert len({slug(f) for f in FAULTS}) == len(FAULTS), "two faults share a file name"
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(slug(f) for f in CHECKABLE)


def test_a_changed_message_or_place_is_a_difference() -> None:
    """The comparison sees one word of a message changed, a line moved and a failure lost or added."""
    failure = Failure("row-order", "Rows are not sorted by source_id.", "data/sources.csv", "sources", 3, "source_id")
    case = Case(FAULTS[0], Path("/nowhere/package"), None, Refused("nothing"))
    golden = normalised([failure], case)
    assert differences(golden, golden) == []
    reworded = normalised([dataclasses.replace(failure, message="Rows are out of order.")], case)
    assert golden != reworded and differences(golden, reworded) == [
        "failure 1 message: expected 'Rows are not sorted by source_id.', reported 'Rows are out of order.'"
    ]
    moved = normalised([dataclasses.replace(failure, line=4)], case)
    assert golden != moved and differences(golden, moved) == ["failure 1 line: expected 3, reported 4"]
    assert differences(golden, []) == ["1 failure(s) expected, 0 reported", f"not reported: {golden[0]}"]
    assert differences([], golden) == ["0 failure(s) expected, 1 reported", f"not expected: {golden[0]}"]
