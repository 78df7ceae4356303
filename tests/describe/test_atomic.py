"""``cacdata stamp`` rewrites the descriptor atomically: a failed write leaves it whole, never truncated."""

from __future__ import annotations

import errno
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cacdata.cli import app
from cacdata.describe.atomic import replacing, write_text

from faults import copy_package, set_cell

runner = CliRunner()


def test_stamp_under_a_file_size_limit_leaves_the_descriptor_whole(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    set_cell(root, "events", None, "notes", "Edited, so the stamp changes.")
    descriptor = root / "datapackage.json"
    before = descriptor.read_bytes()
    assert len(before) > 2000

    def limit() -> None:  # the descriptor is larger than this; Python ignores SIGXFSZ, so writes fail instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    done = subprocess.run(
        [sys.executable, "-c", "from cacdata.cli import app; app()", "stamp", "--path", str(root)],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "left as it was" in done.stderr
    assert descriptor.read_bytes() == before
    assert sorted(p.name for p in root.iterdir() if p.name.endswith(".part")) == []


def test_stamp_on_a_package_it_cannot_write_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_package(tmp_path / "package")
    set_cell(root, "events", None, "notes", "Edited, so the stamp changes.")
    before = (root / "datapackage.json").read_bytes()

    def read_only(*args: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(root / "datapackage.json"))

    monkeypatch.setattr(os, "replace", read_only)
    result = runner.invoke(app, ["stamp", "--path", str(root)])
    assert result.exit_code == 2 and "Permission denied" in result.output and "Traceback" not in result.output
    assert (root / "datapackage.json").read_bytes() == before


def test_a_failure_inside_the_block_keeps_the_target_and_removes_the_temporary(tmp_path: Path) -> None:
    target = write_text(tmp_path / "file.txt", "old")
    with pytest.raises(RuntimeError), replacing(target) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("stopped midway")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]
