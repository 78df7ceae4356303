"""The shipped data: valid by both validators, every record cited, files that diff cleanly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import cacdata
from cacdata.describe.package import DataPackage
from cacdata.validation import validate

from conftest import REPO, provide_texts

PACKAGE = DataPackage.open()


def test_shipped_package_is_valid_with_every_excerpt_compared(package_copy: Path, tmp_path: Path) -> None:
    """The real texts are checked by CI (`cacdata validate --texts ../shared/sources`); here, texts the test makes."""
    placed = provide_texts(package_copy, tmp_path / "texts")
    quoted = cacdata.load("citations").query("locator != 'address'")
    report = validate(package_copy, texts=tmp_path / "texts")
    assert report.failures == []
    sources = quoted["source_id"].nunique()
    assert any(f"{sources} source text(s) matched, {placed} excerpt(s)" in check for check in report.checked)
    assert placed == len(quoted)


def test_stock_frictionless_accepts_the_package() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.parametrize("name", [n for n in cacdata.tables() if n != "citations"])
def test_every_record_has_a_citation(name: str) -> None:
    cited = set(cacdata.load("citations")["record_id"])
    ids = set(cacdata.load(name)[PACKAGE.table(name).primary_key])
    assert ids <= cited, sorted(ids - cited)


@pytest.mark.parametrize("name", cacdata.tables())
def test_files_are_utf8_lf_and_sorted_by_key(name: str) -> None:
    table = PACKAGE.table(name)
    data = table.csv_path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in data
    data.decode("utf-8")
    keys = list(cacdata.load(name)[table.primary_key])
    assert keys == sorted(keys)


def test_the_eleven_summoned_companies_are_all_recorded() -> None:
    participants = cacdata.load("participants")
    summoned = participants[(participants["event_id"] == "evt-0002") & (participants["role"] == "summoned")]
    assert summoned["entity_id"].nunique() == 11


def test_renderings_point_at_an_utterance_not_at_another_rendering() -> None:
    quotes = cacdata.load("quotes").set_index("quote_id")
    renderings = quotes["rendering_of"].dropna()
    assert len(renderings) > 0  # the data holds renderings (translations, second-hand reports) to check
    assert [r for r in renderings if not pd.isna(quotes.loc[r, "rendering_of"])] == []
