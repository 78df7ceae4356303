"""The pandera schema derived from each Table Schema catches a broken frame, naming the column and the check."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa
import pytest

import cacdata
from cacdata.describe.package import DataPackage
from cacdata.read.frame_schema import frame_schema

PACKAGE = DataPackage.open()


def _first_filled(frame: pd.DataFrame, column: str) -> int:
    return int(frame.index.get_loc(frame[column].dropna().index[0]))


def _set(column: str, value: object) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame.iloc[_first_filled(frame, column), frame.columns.get_loc(column)] = value
        return frame

    return change


def _repeat_key(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.iloc[1, frame.columns.get_loc("entity_id")] = frame["entity_id"].iloc[0]
    return frame


# (table, how the frame is broken, the column pandera must name, words of the check it must name)
BREAKS = [
    ("entities", _set("parent_id", "ent-0001 "), "parent_id", "str_matches"),
    ("entities", _set("entity_id", "ent-12"), "entity_id", "str_matches"),
    ("entities", _repeat_key, "entity_id", "values repeat"),
    ("entities", _set("name_en", pd.NA), "name_en", "not_nullable"),
    ("citations", _set("excerpt", "x" * 301), "excerpt", "str_length"),
    ("entities", lambda f: f.assign(extra=1), "extra", "column_in_schema"),
    ("entities", lambda f: f.drop(columns=["notes"]), "notes", "column_in_dataframe"),
]


@pytest.mark.parametrize(("table", "change", "column", "check"), BREAKS, ids=[f"{b[0]}.{b[2]} {b[3]}" for b in BREAKS])
def test_a_broken_frame_fails_on_its_column_and_check(
    table: str, change: Callable[[pd.DataFrame], pd.DataFrame], column: str, check: str
) -> None:
    schema = frame_schema(PACKAGE.table(table))
    frame = cacdata.load(table)
    schema.validate(frame, lazy=True)  # the shipped frame passes
    with pytest.raises(pa.errors.SchemaErrors) as raised:
        schema.validate(change(frame), lazy=True)
    cases = raised.value.failure_cases
    named = cases[(cases["column"] == column) | (cases["failure_case"].astype(str) == column)]
    assert not named.empty, cases
    assert named["check"].astype(str).str.contains(check).any(), named
