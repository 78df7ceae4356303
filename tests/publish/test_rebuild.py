"""Releases obtained from a plain clone: rebuilt byte for byte from history, named by version, verified."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cacdata
from cacdata.cli import app
from cacdata.describe.package import PackageError
from cacdata.publish.manifest import RELEASES, read_manifests
from cacdata.publish.rebuild import rebuild

from conftest import alter_member
from faults import REPO
from releasing import clone, git

# The SHA-256 of the data zip made when 0.2.0 was released (b8f1dea), as reported then.
RELEASED_0_2_0 = "b2ce68716b3c1816293ef4c07ccef61ee827874e8d40dcdcc9bafb93312b9663"
RUNNER = CliRunner()
ALTERED = "does not match its SHA-256 in SHA256SUMS"


def cli(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 0.2.0 data zip, rebuilt from this repository's history (a shallow clone fails, saying so)."""
    try:
        path, check = rebuild(REPO, "0.2.0", tmp_path_factory.mktemp("dist"))
    except PackageError as error:
        pytest.fail(f"cannot rebuild 0.2.0 from this clone: {error}")
    assert check.exact, check.to_text(str(path))
    return path


@pytest.fixture
def tampered(rebuilt: Path, tmp_path: Path) -> Path:
    return alter_member(rebuilt, tmp_path / "tampered.zip", "data/events.csv", lambda data: data + b"\n")


def test_the_rebuilt_0_2_0_zip_is_the_one_released(rebuilt: Path) -> None:
    """Needs the history of main (not its tags): a shallow clone fails here saying to fetch it."""
    import hashlib

    assert hashlib.sha256(rebuilt.read_bytes()).hexdigest() == RELEASED_0_2_0
    assert read_manifests(REPO)["0.2.0"].zip_sha256 == RELEASED_0_2_0


@pytest.mark.parametrize("version", list(read_manifests(REPO)))
def test_every_listed_release_rebuilds_exactly(version: str, tmp_path: Path) -> None:
    code, output = cli("rebuild", version, "--out", str(tmp_path), "--repo", str(REPO))
    assert code == 0 and f"is exactly release {version}" in output, output


def test_a_tagless_clone_rebuilds_and_a_shallow_one_says_what_to_fetch(tmp_path: Path) -> None:
    tagless = clone(tmp_path)
    assert git(tagless, "tag", "--list") == ""
    code, output = cli("rebuild", "0.1.0", "--out", str(tmp_path / "out"), "--repo", str(tagless))
    assert code == 0, output
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{tagless}", str(shallow)], check=True)
    code, output = cli("rebuild", "0.1.0", "--out", str(tmp_path / "out2"), "--repo", str(shallow))
    assert code == 2 and "shallow clone" in output and "git fetch --unshallow" in output


def test_a_member_that_differs_from_the_manifest_is_listed(tmp_path: Path) -> None:
    repo = clone(tmp_path)
    path = repo / RELEASES / "0.2.0.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    readme = next(member for member in record["members"] if member["name"].endswith("/README.md"))
    readme["sha256"] = "0" * 64
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    code, output = cli("rebuild", "0.2.0", "--out", str(tmp_path / "out"), "--repo", str(repo))
    assert code == 1 and "differs: cacdata-0.2.0/README.md" in output
    assert output.count("differs:") == 1


def test_an_unknown_version_is_named_with_the_releases(tmp_path: Path) -> None:
    code, output = cli("rebuild", "9.9.9", "--out", str(tmp_path), "--repo", str(REPO))
    assert code == 2 and "9.9.9: no release" in output and "0.1.0" in output


def test_verify_says_exactly_or_which_files_differ(rebuilt: Path, tampered: Path, tmp_path: Path) -> None:
    code, output = cli("verify", str(rebuilt), "--repo", str(REPO))
    assert code == 0 and f"exactly release 0.2.0 (SHA-256 {RELEASED_0_2_0})" in output
    code, output = cli("verify", str(tampered), "--repo", str(REPO))
    assert code == 1 and "differs: cacdata-0.2.0/data/events.csv" in output and "zip SHA-256" in output
    with zipfile.ZipFile(rebuilt) as bundle:
        bundle.extractall(tmp_path / "unpacked")
    folder = tmp_path / "unpacked" / "cacdata-0.2.0"
    assert cli("verify", str(folder), "--repo", str(REPO))[0] == 0
    (folder / "data" / "sources.csv").write_text("source_id\n", encoding="utf-8")
    code, output = cli("verify", str(folder), "--repo", str(REPO))
    assert code == 1 and "differs: cacdata-0.2.0/data/sources.csv" in output


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "{zip}"],
        ["tables", "--path", "{zip}"],
        ["show", "events", "--path", "{zip}"],
        ["get", "evt-0001", "--path", "{zip}"],
        ["cite", "--path", "{zip}"],
        ["diff", "{zip}", str(REPO)],
    ],
    ids=lambda command: command[0],
)
def test_a_tampered_zip_is_refused_on_every_path(tampered: Path, command: list[str]) -> None:
    code, output = cli(*(part.replace("{zip}", str(tampered)) for part in command))
    assert code == 2 and ALTERED in output


def test_the_library_refuses_a_tampered_zip_and_names_a_missing_one(tampered: Path, tmp_path: Path) -> None:
    with pytest.raises(PackageError, match=ALTERED):
        cacdata.open(tampered)
    with pytest.raises(PackageError, match=ALTERED):
        cacdata.load("events", path=tampered)
    with pytest.raises(PackageError, match=r"missing\.zip: no such file"):
        cacdata.open(tmp_path / "missing.zip")
    code, output = cli("tables", "--path", str(tmp_path / "missing.zip"))
    assert code == 2 and "no such file" in output


def test_a_release_version_is_a_name_everywhere(rebuilt: Path) -> None:
    released = {r["name"]: r["rows"] for r in read_manifests(REPO)["0.1.0"].resources}
    assert len(cacdata.load("events", path="0.1.0")) == released["events"]
    with cacdata.open("0.1.0") as old:
        assert old.version == "0.1.0"
    code, output = cli("tables", "--path", "0.1.0")
    assert code == 0 and all(f"{name:<14}{rows:>6}" in output for name, rows in released.items())
    code, output = cli("diff", "0.1.0", "0.2.0")
    assert code == 0 and output.startswith("0.1.0 -> 0.2.0")
    assert cli("diff", "0.2.0", str(REPO))[0] == 0
    assert cli("diff", "0.2.0", str(rebuilt)) == (0, cli("diff", "0.2.0", "0.2.0")[1])
    code, output = cli("show", "events", "--path", "0.2.0", "--format", "csv")
    rows_0_2_0 = {r["name"]: r["rows"] for r in read_manifests(REPO)["0.2.0"].resources}
    assert code == 0 and len(list(csv.reader(io.StringIO(output)))) == 1 + rows_0_2_0["events"]
    code, output = cli("validate", "0.2.0")
    assert code in (0, 1) and "error:" not in output


def test_a_version_whose_history_differs_from_its_manifest_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = clone(tmp_path)
    path = repo / RELEASES / "0.1.0.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    events = next(member for member in record["members"] if member["name"].endswith("/data/events.csv"))
    events["sha256"] = "0" * 64
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    monkeypatch.chdir(repo)  # versions are read from the checkout in the current folder
    with pytest.raises(PackageError, match=r"cacdata-0\.1\.0/data/events\.csv in git history differs"):
        cacdata.load("events", path="0.1.0")
    code, output = cli("diff", "0.1.0", "0.2.0", "--repo", str(repo))
    assert code == 2 and "in git history differs from releases/0.1.0.json" in output
