"""A release is all or nothing: a failure midway puts back every file it changed, and rerunning works."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cacdata.cli import app
from cacdata.describe.package import DataPackage
from cacdata.publish import release as release_module
from cacdata.publish.release import release

from releasing import TODAY, next_minor


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}


@pytest.mark.parametrize("fails", ["_move_unreleased", "write_manifest", "_refresh_generated", "_build"])
def test_a_failure_midway_restores_every_file_and_a_rerun_works(
    fails: str,
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    version = next_minor(DataPackage.open(repo).version)
    before = snapshot(repo)
    real = getattr(release_module, fails)

    def broken(*args: object, **kwargs: object) -> object:
        if fails == "_build":
            (repo / "dist").mkdir(exist_ok=True)
            (repo / "dist" / f"cacdata-{version}-py3-none-any.whl").write_bytes(b"half a wheel")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(release_module, fails, broken)
    with pytest.raises(OSError, match="No space"):
        release(repo, version, TODAY, build=fails == "_build")
    assert snapshot(repo) == before  # the version is nowhere, no manifest, no half-built wheel
    monkeypatch.setattr(release_module, fails, real)
    made = release(repo, version, TODAY, build=False)
    assert made.version == version == DataPackage.open(repo).version


def test_a_version_that_is_not_a_version_is_a_usage_error(repo: Path) -> None:
    before = snapshot(repo)
    result = CliRunner().invoke(app, ["release", "0.3.0/../../x", "--no-build", "--repo", str(repo)])
    assert result.exit_code == 2 and "X.Y.Z" in result.output and "Traceback" not in result.output
    assert snapshot(repo) == before
