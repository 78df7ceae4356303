"""The loader returns frames typed by the schemas, from the bundled package or any copy of it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import cacdata
from cacdata.describe.package import DataPackage, PackageError
from cacdata.read.frame_schema import frame_schema
from cacdata.read.frames import LoadError

PACKAGE = DataPackage.open()


def test_tables_lists_the_descriptor_resources_in_order() -> None:
    assert cacdata.tables() == [r["name"] for r in PACKAGE.descriptor["resources"]]


@pytest.mark.parametrize("name", cacdata.tables())
def test_each_table_loads_with_schema_dtypes(name: str) -> None:
    frame = cacdata.load(name)
    table = PACKAGE.table(name)
    assert list(frame.columns) == table.field_names
    assert len(frame) > 0
    for field in table.fields:
        dtype = frame[field.name].dtype
        if field.enum is not None:
            assert isinstance(dtype, pd.CategoricalDtype)
            assert tuple(dtype.categories) == field.enum
        elif field.type == "date":
            assert pd.api.types.is_datetime64_any_dtype(dtype), field.name
        elif field.type == "boolean":
            assert dtype == "boolean", field.name
        elif field.type == "number":
            assert pd.api.types.is_float_dtype(dtype), field.name
        else:
            assert dtype == "string", field.name
    frame_schema(table).validate(frame, lazy=True)


def test_load_all_returns_every_table() -> None:
    frames = cacdata.load_all()
    assert list(frames) == cacdata.tables()
    assert all(len(frame) == len(cacdata.load(name)) for name, frame in frames.items())


def test_empty_cells_are_missing_but_na_words_stay_text(edit_cell: Callable[..., int], package_copy: Path) -> None:
    edit_cell("entities", "ent-0001", "notes", "NA")
    edit_cell("entities", "ent-0002", "notes", "None")
    edit_cell("entities", "ent-0003", "notes", "null")
    frame = cacdata.load("entities", path=package_copy).set_index("entity_id")
    assert frame.loc["ent-0001", "notes"] == "NA"
    assert frame.loc["ent-0002", "notes"] == "None"
    assert frame.loc["ent-0003", "notes"] == "null"
    assert pd.isna(frame.loc["ent-0004", "wikidata_qid"])


def test_load_from_another_copy_sees_its_data(edit_cell: Callable[..., int], package_copy: Path) -> None:
    edit_cell("events", "evt-0001", "title", "A changed title")
    assert cacdata.load("events", path=package_copy)["title"].iloc[0] == "A changed title"
    assert cacdata.load("events")["title"].iloc[0] != "A changed title"
    assert cacdata.load("events", path=package_copy / "datapackage.json")["title"].iloc[0] == "A changed title"


def test_a_bad_cell_raises_a_load_error_naming_file_line_and_field(
    edit_cell: Callable[..., int], package_copy: Path
) -> None:
    line = edit_cell("events", "evt-0003", "date_start", "2021-02-30")
    with pytest.raises(LoadError, match=rf"events\.csv: line {line}: field 'date_start': '2021-02-30'"):
        cacdata.load("events", path=package_copy)


def test_an_unknown_table_is_named_with_the_choices() -> None:
    with pytest.raises(KeyError, match="the tables are: entities"):
        cacdata.load("event")


def test_a_missing_package_is_a_package_error(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="no such file"):
        cacdata.load("events", path=tmp_path)


def test_version_is_the_descriptor_version() -> None:
    assert cacdata.__version__ == PACKAGE.version


HEAVY = (
    "frictionless",
    "pandera",
    "typer",
    "duckdb",
    "pyarrow",
    "sqlite_utils",
    "openpyxl",
    "datasette",
    "matplotlib",
    "networkx",
    "rich",
    "plotly",
    "xlsxwriter",
    "httpx",
    "trafilatura",
    "pypdf",
    "platformdirs",
    "lxml",
)


def test_import_loads_neither_validators_nor_cli_nor_exports_nor_plots() -> None:
    """Only what pandas itself brings in (it imports pyarrow when installed) may be loaded besides cacdata."""

    def loaded(code: str) -> set[str]:
        listing = f"import sys; {code}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
        result = subprocess.run([sys.executable, "-c", listing], capture_output=True, text=True, check=True)
        return set(filter(None, result.stdout.strip().split(",")))

    by_pandas = loaded(f"import pandas; pandas.read_csv({str(PACKAGE.table('events').csv_path)!r})")
    assert loaded("import cacdata; cacdata.load('events')") - by_pandas == set()
