"""Copies from elsewhere: reading a git ref runs nothing the repository configures; zips are bounded."""

from __future__ import annotations

import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cacdata.cli import app
from cacdata.describe import copies
from cacdata.describe.copies import UnpackError, resolve_side

from faults import copy_package

runner = CliRunner()


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def booby_trapped(tmp_path: Path) -> tuple[Path, Path]:
    """A repository whose config and attributes would run a command on any filtered or textconv read."""
    repo = copy_package(tmp_path / "repo")
    marker = tmp_path / "MARKER"
    git(repo, "init", "-q")
    (repo / ".gitattributes").write_text("* filter=evil diff=evil\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "trap")
    command = f"touch {marker}; cat"
    for key in ("filter.evil.smudge", "filter.evil.clean", "diff.evil.textconv", "core.fsmonitor"):
        git(repo, "config", key, command)
    git(repo, "config", "filter.evil.required", "true")
    (repo / ".git" / "hooks" / "post-checkout").write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    (repo / ".git" / "hooks" / "post-checkout").chmod(0o755)
    return repo, marker


def test_reading_a_ref_runs_no_filter_textconv_hook_or_fsmonitor(booby_trapped: tuple[Path, Path]) -> None:
    repo, marker = booby_trapped
    result = runner.invoke(app, ["diff", "HEAD", "HEAD", "--repo", str(repo)])
    assert result.exit_code == 0, result.output
    assert "no differences" in result.output
    assert not marker.exists(), "a command configured by the repository ran"


def test_the_bytes_read_from_a_ref_are_the_stored_ones(booby_trapped: tuple[Path, Path]) -> None:
    repo, _ = booby_trapped
    with resolve_side("HEAD", repo) as root:
        assert (root / "data" / "events.csv").read_bytes() == (repo / "data" / "events.csv").read_bytes()


def test_a_ref_with_too_many_files_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = copy_package(tmp_path / "repo")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "package")
    monkeypatch.setattr(copies, "MAX_MEMBERS", 3)
    with pytest.raises(UnpackError, match="more than 3 files"), resolve_side("HEAD", repo):
        pass


def many_empty_members(path: Path, count: int) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for number in range(count):
            bundle.writestr(f"p/{number}.csv", b"")
    return path


@pytest.fixture
def own_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary folders go here, so that what is left behind is ours alone to see."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_too_many_empty_members_are_refused_unpacked_and_leave_no_folder(
    tmp_path: Path, own_temporary_folder: Path
) -> None:
    archive = many_empty_members(tmp_path / "many.zip", 20_000)
    result = runner.invoke(app, ["diff", str(archive), str(archive)])
    assert result.exit_code == 2 and "20000 members; the limit is 10000" in result.output
    assert list(own_temporary_folder.iterdir()) == []


def test_a_member_over_the_size_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_package(tmp_path / "package")
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                bundle.write(path, f"p/{path.relative_to(root)}")
        bundle.writestr("p/data/huge.csv", b"\n" * 2_000_000)  # a few kilobytes zipped
    monkeypatch.setattr(copies, "MAX_MEMBER_BYTES", 1_000_000)
    refused = r"huge\.csv' unpacks to 2000000 bytes; the limit is 1000000"
    with pytest.raises(UnpackError, match=refused), resolve_side(str(archive), None):
        pass


def test_a_member_listed_twice_is_refused(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    archive = tmp_path / "twice.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                bundle.write(path, f"p/{path.relative_to(root)}")
        with pytest.warns(UserWarning, match="Duplicate name"):
            bundle.writestr("p/data/events.csv", b"event_id\nevt-0001\n")  # the second copy would win
    with pytest.raises(UnpackError, match="listed twice"), resolve_side(str(archive), None):
        pass
