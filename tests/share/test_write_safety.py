"""Writes (exports, codebook, pictures) never lose the previous file, never touch the package read, never crash."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cacdata.cli import app

from faults import copy_package, set_cell

runner = CliRunner()
FILE_FORMATS = ("sqlite", "duckdb", "xlsx")
FOLDER_FORMATS = ("parquet", "json", "jsonl")


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".part") or ".part" in path.name)


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_invalid_data_leaves_the_previous_export_whole(fmt: str, tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    out = tmp_path / f"cacdata.{fmt}"
    assert run("export", "--format", fmt, "--out", str(out), "--path", str(root))[0] == 0
    before = out.read_bytes()
    set_cell(root, "events", None, "date_start", "not a date")
    code, output = run("export", "--format", fmt, "--out", str(out), "--path", str(root))
    assert code == 1 and "date_start" in output and "nothing was written" in output
    assert out.read_bytes() == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", [*FILE_FORMATS, "json"])
def test_a_full_disk_leaves_the_previous_export_whole(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / (f"cacdata.{fmt}" if fmt in FILE_FORMATS else "json")
    assert run("export", "--format", fmt, "--out", str(out))[0] == 0
    first = out if fmt in FILE_FORMATS else out / "events.json"
    before = first.read_bytes()

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code, output = run("export", "--format", fmt, "--out", str(out))
    assert code == 2 and "No space left on device" in output
    assert first.read_bytes() == before
    assert leftovers(tmp_path) == [] and (fmt in FILE_FORMATS or leftovers(out) == [])


@pytest.mark.parametrize(
    ("fmt", "inside"),
    [
        ("sqlite", "data/events.csv"),
        ("duckdb", "datapackage.json"),
        ("xlsx", "schemas/events.schema.json"),
        ("sqlite", "data/new.sqlite"),
        ("json", "data"),
        ("parquet", "schemas"),
    ],
)
def test_the_package_being_read_is_never_written(fmt: str, inside: str, tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    snapshot = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, output = run("export", "--format", fmt, "--out", str(root / inside), "--path", str(root))
    assert code == 2 and "package being read" in output
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == snapshot


@pytest.mark.parametrize("fmt", ["sqlite", "json"])
def test_missing_parent_folders_are_not_created(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "folder" / "out"
    code, output = run("export", "--format", fmt, "--out", str(out))
    assert code == 2 and "does not exist" in output
    assert not (tmp_path / "no").exists()


def test_a_wrong_kind_of_out_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run("export", "--format", "sqlite", "--out", str(tmp_path))
    assert code == 2 and "is a folder" in output
    file = tmp_path / "file.txt"
    file.write_text("keep me", encoding="utf-8")
    code, output = run("export", "--format", "json", "--out", str(file))
    assert code == 2 and "is a file" in output and file.read_text(encoding="utf-8") == "keep me"


def test_overwriting_says_so(tmp_path: Path) -> None:
    out = tmp_path / "cacdata.sqlite"
    assert "wrote" in run("export", "--format", "sqlite", "--out", str(out))[1]
    assert "replaced" in run("export", "--format", "sqlite", "--out", str(out))[1]


@pytest.mark.parametrize(("fmt", "module"), [("sqlite", "sqlite_utils"), ("parquet", "pyarrow"), ("xlsx", "openpyxl")])
def test_a_core_install_gets_the_install_hint(
    fmt: str, module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [n for n in sys.modules if n == module or n.startswith((f"{module}.", "cacdata.share.exports."))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)  # as if the extra were not installed
    code, output = run("export", "--format", fmt, "--out", str(tmp_path / "out"))
    assert code == 2 and "pip install 'cacdata[export]'" in output


@pytest.mark.parametrize("command", [["codebook"], ["timeline"], ["network"]])
def test_codebook_and_pictures_refuse_a_missing_folder_and_the_package(command: list[str], tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    name = "out.md" if command == ["codebook"] else "out.png"
    code, output = run(*command, "--out", str(tmp_path / "missing" / name), "--path", str(root))
    assert code == 2 and "does not exist" in output and not (tmp_path / "missing").exists()
    target = root / "data" / ("events.csv" if command == ["codebook"] else "events.png")
    before = target.read_bytes() if target.exists() else None
    code, output = run(*command, "--out", str(target), "--path", str(root))
    assert code == 2 and "package being read" in output
    assert (target.read_bytes() if target.exists() else None) == before


@pytest.mark.parametrize("command", [["codebook"], ["timeline"]])
def test_codebook_and_pictures_keep_the_old_file_on_a_failed_write(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / ("out.md" if command == ["codebook"] else "out.svg")
    out.write_text("the previous version", encoding="utf-8")

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code, output = run(*command, "--out", str(out))
    assert code == 2 and "No space left on device" in output
    assert out.read_text(encoding="utf-8") == "the previous version" and leftovers(tmp_path) == []
