"""Readers are bounded: deep JSON, long numbers, repeated keys and named pipes are refused with exit 2, fast."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cacdata.describe.package import MAX_JSON_DEPTH, MAX_NUMBER_DIGITS

from faults import copy_package, set_cell

COMMAND = "from cacdata.cli import app; app()"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a process of its own, so that a hang fails the test instead of stopping the suite."""
    return subprocess.run([sys.executable, "-c", COMMAND, *args], capture_output=True, text=True, timeout=120)


def deep(text: str, depth: int) -> str:
    """``text`` with ``depth`` nested lists put into its first JSON object."""
    return text.replace("{", '{"deep": ' + "[" * depth + "]" * depth + ",", 1)


JSON_FILES = ["datapackage.json", "schemas/events.schema.json"]


@pytest.mark.parametrize("file", JSON_FILES)
@pytest.mark.parametrize("command", ["validate", "tables", "diff"])
def test_100000_deep_json_is_refused_naming_the_limit(file: str, command: str, tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    path = root / file
    path.write_text(deep(path.read_text(encoding="utf-8"), 100_000), encoding="utf-8")
    args = {"validate": [str(root)], "tables": ["--path", str(root)], "diff": [str(root), str(root)]}[command]
    done = run(command, *args)
    assert done.returncode == 2, done.stderr
    assert f"nested deeper than {MAX_JSON_DEPTH} levels" in done.stderr and file.split("/")[-1] in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("file", JSON_FILES)
def test_a_5000_digit_number_is_refused_naming_the_limit(file: str, tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    path = root / file
    path.write_text(path.read_text(encoding="utf-8").replace("{", '{"n": ' + "9" * 5000 + ",", 1), encoding="utf-8")
    done = run("validate", str(root))
    assert done.returncode == 2 and f"the limit is {MAX_NUMBER_DIGITS}" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("file", ["datapackage.json", "schemas/events.schema.json", "data/events.csv"])
@pytest.mark.parametrize("command", ["validate", "tables"])
def test_a_named_pipe_is_refused_without_opening_it(file: str, command: str, tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    (root / file).unlink()
    os.mkfifo(root / file)
    done = run(command, *([str(root)] if command == "validate" else ["--path", str(root)]))
    assert done.returncode == 2, done.stderr
    assert "is a named pipe, not a regular file" in done.stderr and file.split("/")[-1] in done.stderr


def test_tables_on_a_cell_over_128_kib_is_a_message(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    set_cell(root, "events", None, "notes", "x" * 200_000)
    done = run("tables", "--path", str(root))
    assert done.returncode == 2 and "events.csv: line 2: cannot be read as CSV" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_two_million_blank_lines_are_named_as_such(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    path = root / "data" / "events.csv"
    lines = path.read_bytes().count(b"\n")
    with path.open("ab") as handle:
        handle.write(b"\n" * 2_000_000)
    done = run("validate", str(root))
    assert done.returncode == 2, done.stderr
    assert f"more than 1000 blank lines, the first at line {lines + 1}" in done.stderr


def test_a_50_mib_cell_is_named_as_such(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    set_cell(root, "events", None, "notes", "x" * 50 * 2**20)
    done = run("validate", str(root))
    assert done.returncode == 2 and "line 2 is longer than 1048576 bytes" in done.stderr, done.stderr
