"""Reports are identical whichever engine runs: DuckDB and the row-by-row path, over the whole fault corpus.

The row-by-row path is stock frictionless plus our checks in Python; ``tests/test_parity.py`` holds it (and
so, through this test, the DuckDB engine) to stock frictionless run directly.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from cacdata.validation import duckdb_engine, unicode_classes, validate
from cacdata.validation.duckdb_engine import Unsupported

from corpus import Corpus, cases
from faults import FAULTS, Fault, copy_package

CHECKABLE = [f for f in FAULTS if not f.refused]

# Faults in a file's structure or bytes, which the DuckDB engine leaves to stock frictionless.
STRUCTURAL = {
    "BOM",
    "CRLF in one row",
    "invalid UTF-8 bytes",
    "ragged row: extra cell",
    "ragged row: missing cell",
    "missing column",
    "extra column",
    "renamed header",
    "reordered columns",
    "duplicate header",
    "blank header cell",
    "quote character unbalanced",
    "blank row",
    "resource file missing",
}


@pytest.mark.parametrize("fault", cases(f for f in CHECKABLE if f.kind not in STRUCTURAL))
def test_both_engines_report_the_same_failures(fault: Fault, corpus: Corpus) -> None:
    """Every fault DuckDB covers, run in DuckDB and row by row (a structural one would compare a path with itself)."""
    rows = corpus.report(fault, "python")
    auto = corpus.report(fault, "auto")
    assert auto.engine == "duckdb", auto.engine
    assert auto.failures == rows.failures
    assert auto.checked == rows.checked


def test_every_structural_fault_named_is_in_the_corpus() -> None:
    assert {f.kind for f in CHECKABLE} >= STRUCTURAL, "a structural fault named here is not in the corpus"


@pytest.mark.parametrize("fault", cases(f for f in CHECKABLE if f.kind in STRUCTURAL))
def test_the_duckdb_engine_refuses_what_it_does_not_cover(fault: Fault, corpus: Corpus) -> None:
    with pytest.raises(Unsupported):
        corpus.report(fault, "duckdb")


def test_the_shipped_package_runs_on_duckdb() -> None:
    report = validate(engine="auto")
    assert report.engine == "duckdb" and report.valid


def test_a_future_date_is_judged_against_the_given_day(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    for engine in ("python", "duckdb"):
        early = validate(root, today=date(2021, 3, 20), engine=engine)  # type: ignore[arg-type]
        assert {f.rule for f in early.failures} == {"future-date"}
    assert (
        validate(root, today=date(2021, 3, 20), engine="duckdb").failures
        == validate(root, today=date(2021, 3, 20), engine="python").failures
    )


@pytest.mark.parametrize("name", ["space", "Cc", "Cf", "nfc"])
def test_the_stored_character_classes_are_pythons_own(name: str) -> None:
    """The suspect-row filter must flag every character the cell rules flag, so its classes come from Python."""
    stored = unicode_classes.STORED.get(unicodedata.unidata_version, {}).get(name)
    if stored is None:
        pytest.skip(f"no stored classes for Unicode {unicodedata.unidata_version}: they are computed")
    computed = unicode_classes.computed(name)
    if name == "nfc":  # a superset will do
        ranges = unicode_classes.parse(stored)
        assert all(any(a <= first and last <= b for a, b in ranges) for first, last in computed)
    else:
        assert unicode_classes.parse(stored) == computed


def test_a_string_without_the_nfc_class_is_nfc() -> None:
    """Spot-check the reasoning behind the "nfc" class on text like the data's."""
    ranges = unicode_classes.code_points("nfc")
    samples = [
        "Caf\u00e9 owner",
        "\u56fd\u5bb6\u4e92\u8054\u7f51\u4fe1\u606f\u529e\u516c\u5ba4",
        "\u201cquoted\u201d",
        "\uac00\uac01",
    ]
    for text in samples:
        flagged = any(a <= ord(c) <= b for c in text for a, b in ranges)
        assert flagged or unicodedata.is_normalized("NFC", text), text
    assert any(a <= 0x0301 <= b for a, b in ranges)  # a combining accent is always flagged


@pytest.mark.parametrize(
    "bad", [b"\xc0\x80", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe4\xb8", b"\x80", b"\xf5\x80"]
)
def test_invalid_utf8_anywhere_is_left_to_the_row_by_row_path(bad: bytes, tmp_path: Path) -> None:
    """The engine relies on DuckDB to refuse what Python's codec refuses: overlong forms, surrogates, stray bytes."""
    root = copy_package(tmp_path / "package")
    path = root / "data" / "citations.csv"
    lines = path.read_bytes().split(b"\n")
    lines[-5] = lines[-5].replace(b",", b"," + bad, 1)
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(UnicodeDecodeError):
        bad.decode("utf-8")
    with pytest.raises(Unsupported):
        validate(root, engine="duckdb")


def test_a_duckdb_error_mid_run_hands_over_to_the_row_by_row_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    root = copy_package(tmp_path / "package")
    expected = validate(root, engine="python")

    def broken(self: duckdb_engine.Engine, sql: str) -> list[object]:
        raise duckdb.CatalogException("no such function")

    monkeypatch.setattr(duckdb_engine.Engine, "fetch", broken)  # every check's query, after the tables loaded
    report = validate(root)
    assert report.engine.startswith("python (DuckDB failed")
    assert report.failures == expected.failures
    with pytest.raises(Unsupported):
        validate(root, engine="duckdb")
