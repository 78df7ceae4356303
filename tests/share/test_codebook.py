"""The data dictionary in docs/ is the one the schemas generate, and it explains every allowed value."""

from __future__ import annotations

import re

from cacdata.describe.package import DataPackage
from cacdata.share.codebook import render_codebook

from conftest import REPO

PACKAGE = DataPackage.open()


def test_docs_data_dictionary_is_up_to_date() -> None:
    committed = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == render_codebook(PACKAGE), "run: cacdata codebook --out docs/data-dictionary.md"


def test_every_table_and_field_is_in_the_dictionary() -> None:
    text = render_codebook(PACKAGE)
    for table in PACKAGE.tables.values():
        assert f"## `{table.name}`" in text
        for name in table.field_names:
            assert f"| `{name}` |" in text


def test_every_allowed_value_has_a_meaning() -> None:
    unexplained = re.findall(r"^- `([^`]+)`$", render_codebook(PACKAGE), flags=re.MULTILINE)
    assert unexplained == []
