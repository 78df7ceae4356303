"""Legal Table Schema forms work everywhere: a string primaryKey and foreign-key fields, a field without a type."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cacdata.cli import app
from cacdata.validation import validate

from faults import copy_package, edit_json


def string_keys(schema: dict[str, Any]) -> None:
    schema["primaryKey"] = schema["primaryKey"][0]
    for fk in schema.get("foreignKeys", []):
        fk["fields"], fk["reference"]["fields"] = fk["fields"][0], fk["reference"]["fields"][0]


def untyped_text(schema: dict[str, Any]) -> None:
    for field in schema["fields"]:
        if field.get("type") == "string":
            del field["type"]  # Table Schema: a field without a type is a string


FORMS: dict[str, Callable[[dict[str, Any]], None]] = {"string keys": string_keys, "no type": untyped_text}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_a_legal_form_validates_in_both_engines_and_every_command_runs(
    form: Callable[[dict[str, Any]], None], tmp_path: Path
) -> None:
    root = copy_package(tmp_path / "package")
    for schema in (root / "schemas").glob("*.json"):
        edit_json(schema, form)  # type: ignore[arg-type]
    for engine in ("python", "auto"):
        report = validate(root, engine=engine)  # type: ignore[arg-type]
        assert report.valid, report.to_text()
    runner = CliRunner()
    for args in (
        ["tables"],
        ["codebook"],
        ["show", "quotes"],
        ["export", "--format", "json", "--out", str(tmp_path / "j")],
    ):
        result = runner.invoke(app, [*args, "--path", str(root)])
        assert result.exit_code == 0 and result.exception is None, (args, result.output)
