"""A package someone else made: never read outside it, never fetch, never write; refuse with exit 2."""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cacdata.cli import app
from cacdata.describe import package as package_module
from cacdata.validation import validate

from faults import copy_package, edit_json

runner = CliRunner()


def resource(index: int, **changes: Any) -> Callable[[dict[str, Any]], None]:
    def change(descriptor: dict[str, Any]) -> None:
        descriptor["resources"][index].update(changes)

    return change


HOSTILE_DESCRIPTORS = {
    "absolute path": resource(0, path="/etc/passwd"),
    "parent directory": resource(0, path="data/../../outside.csv"),
    "home directory": resource(0, path="~/data.csv"),
    "remote path": resource(0, path="https://example.org/data.csv"),
    "remote schema": resource(0, schema="https://example.org/schema.json"),
    "absolute schema": resource(0, schema="/etc/hostname"),
    "path as a list": resource(0, path=["data/entities.csv", "/etc/passwd"]),
    "dialect file": resource(0, dialect="https://example.org/dialect.json"),
    "remote package profile": lambda d: d.update(profile="https://example.org/profile.json"),
    "remote resource profile": resource(0, profile="https://example.org/resource-profile.json"),
}


def run_validate(root: Path) -> Any:
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.parametrize("change", HOSTILE_DESCRIPTORS.values(), ids=HOSTILE_DESCRIPTORS.keys())
def test_a_hostile_descriptor_is_refused_with_exit_2(change: Callable[[dict[str, Any]], None], tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    edit_json(root / "datapackage.json", change)
    result = run_validate(root)
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and "datapackage.json" in result.output
    assert "Traceback" not in result.output


def test_a_remote_profile_in_a_schema_is_refused(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    edit_json(root / "schemas" / "events.schema.json", lambda s: s.update({"$schema": "https://example.org/s.json"}))
    result = run_validate(root)
    assert result.exit_code == 2 and "https://example.org/s.json" in result.output


@pytest.mark.parametrize("which", ["data/quotes.csv", "schemas/quotes.schema.json", "datapackage.json"])
def test_a_symlink_leaving_the_package_is_refused(which: str, tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    outside = tmp_path / "outside"
    outside.write_bytes((root / which).read_bytes())
    (root / which).unlink()
    os.symlink(outside, root / which)
    result = run_validate(root)
    assert result.exit_code == 2 and "outside the package" in result.output


def test_a_symlink_inside_the_package_is_followed(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    (root / "data" / "copy").mkdir()
    (root / "data" / "quotes.csv").rename(root / "data" / "copy" / "quotes.csv")
    os.symlink(root / "data" / "copy" / "quotes.csv", root / "data" / "quotes.csv")
    assert run_validate(root).exit_code == 0


LIMITS = [("MAX_CSV_BYTES", "data/entities.csv"), ("MAX_JSON_BYTES", "datapackage.json")]


@pytest.mark.parametrize(("limit", "file"), LIMITS)
def test_oversized_files_are_refused_unread(
    limit: str, file: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_package(tmp_path / "package")
    monkeypatch.setattr(package_module, limit, 1000)
    result = run_validate(root)
    assert result.exit_code == 2 and "the limit" in result.output and (file in result.output)


def test_validation_writes_nothing(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    (root / "data" / "events.csv").write_text("broken", encoding="utf-8")
    before = _snapshot(tmp_path)
    assert run_validate(root).exit_code == 1
    assert _snapshot(tmp_path) == before


def test_validation_never_opens_a_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validation tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    root = copy_package(tmp_path / "package")
    edit_json(root / "datapackage.json", resource(2, bytes=1))  # a fault, so every check runs to the end
    assert not validate(root).valid


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_descriptor_must_be_an_object_with_resources(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    (root / "datapackage.json").write_text(json.dumps(["not", "a", "package"]), encoding="utf-8")
    result = run_validate(root)
    assert result.exit_code == 2 and "no list of 'resources'" in result.output
