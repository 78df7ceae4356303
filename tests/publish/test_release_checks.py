"""``cacdata release`` refuses cleanly (no traceback, exit 2) and records a release that rebuilds exactly."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath

from typer.testing import CliRunner

from cacdata.cli import app
from cacdata.describe.package import DataPackage
from cacdata.publish.archive import readme_links
from cacdata.publish.manifest import RELEASES, read_manifests
from cacdata.publish.rebuild import rebuild

from releasing import git, next_minor

RUNNER = CliRunner()


def run_release(repo: Path, *args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, ["release", *args, "--no-build", "--repo", str(repo)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_a_dirty_tree_is_refused(repo: Path) -> None:
    with (repo / "CHANGELOG.md").open("a", encoding="utf-8") as changelog:
        changelog.write("\nedited after the last commit\n")
    code, output = run_release(repo, next_minor(DataPackage.open(repo).version))
    assert code == 2 and "uncommitted changes" in output


def test_a_folder_that_is_no_git_checkout_is_refused(repo: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(repo, tmp_path / "copy", ignore=shutil.ignore_patterns(".git")))
    code, output = run_release(copy, next_minor(DataPackage.open(copy).version))
    assert code == 2 and "git checkout" in output


def test_without_the_last_releases_manifest_the_release_is_refused(repo: Path) -> None:
    version = DataPackage.open(repo).version
    (repo / RELEASES / f"{version}.json").unlink()
    git(repo, "commit", "-qam", "lose the manifest")
    code, output = run_release(repo, next_minor(version))
    assert code == 2 and f"cannot read the last release, {version}" in output


def test_nothing_new_is_released_only_when_asked(repo: Path) -> None:
    first = next_minor(DataPackage.open(repo).version)
    assert run_release(repo, first)[0] == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", f"Release {first}")
    again = next_minor(first)
    code, output = run_release(repo, again)
    assert code == 2 and f"nothing changed since {first}" in output and "--allow-empty" in output
    assert DataPackage.open(repo).version == first  # nothing written
    code, output = run_release(repo, again, "--allow-empty")
    assert code == 0, output
    assert DataPackage.open(repo).version == again


def test_a_new_release_is_recorded_so_that_it_rebuilds_byte_for_byte(repo: Path, tmp_path: Path) -> None:
    version = next_minor(DataPackage.open(repo).version)
    code, output = run_release(repo, version)
    assert code == 0, output
    made = (repo / "dist" / f"cacdata-{version}-data.zip").read_bytes()
    manifest = read_manifests(repo)[version]
    assert manifest.commit is None  # the release commit is the one that adds the manifest
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", f"Release {version}")
    path, check = rebuild(repo, version, tmp_path / "rebuilt")
    assert check.exact, check.to_text(str(path))
    assert path.read_bytes() == made
    with zipfile.ZipFile(path) as bundle:
        names = [name.split("/", 1)[1] for name in bundle.namelist()]
        readme = bundle.read(f"cacdata-{version}/README.md").decode("utf-8")
    for needed in ("docs/data-dictionary.md", "docs/methodology.md", "CITATION.cff", "SHA256SUMS"):
        assert needed in names
    links = readme_links(readme)
    assert "docs/methodology.md" in links
    for link in links:  # every relative link of the zipped README resolves inside the zip
        assert str(PurePosixPath(link)) in names, link
