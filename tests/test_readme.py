"""Docs that cannot drift: the README's table of tables, its commands, and the version in every file."""

from __future__ import annotations

import re
import tomllib

import cacdata
from cacdata.describe.package import DataPackage

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
PACKAGE = DataPackage.open()


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README)


def test_readme_table_of_tables_matches_the_data() -> None:
    block = README.split("<!-- tables:start")[1].split("<!-- tables:end -->")[0]
    rows = re.findall(r"^\| `(\w+)` \| (\d+) \| (.+) \|$", block, flags=re.MULTILINE)
    expected = [(name, str(len(cacdata.load(name))), PACKAGE.table(name).description) for name in cacdata.tables()]
    assert rows == expected


def test_ci_runs_the_readme_commands_verbatim() -> None:
    setup, tests = readme_commands()[:2]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert setup in ci
    assert tests in ci


def test_version_lives_in_datapackage_and_everything_agrees() -> None:
    version = PACKAGE.version
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "datapackage.json"
    citation = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r'^version: "(.+)"$', citation, re.MULTILINE).group(1) == version  # type: ignore[union-attr]
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = re.search(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d\d-\d\d)$", changelog, re.MULTILINE)
    assert newest is not None and newest.group(1) == version
    released = re.search(r'^date-released: "(.+)"$', citation, re.MULTILINE)
    assert released is not None and released.group(1) == newest.group(2)
    assert cacdata.__version__ == version


def test_readme_layout_names_every_stage_folder_and_each_has_a_test_folder() -> None:
    """The README's "How the code is laid out" lists exactly the package's folders, and tests/ mirrors them."""
    block = README.split("<!-- layout:start")[1].split("<!-- layout:end -->")[0]
    listed = re.findall(r"^\| `(\w+)/` \|", block, flags=re.MULTILINE)
    package = REPO / "src" / "cacdata"
    folders = sorted(path.name for path in package.iterdir() if (path / "__init__.py").is_file())
    assert sorted(listed) == folders
    for folder in folders:
        assert list((REPO / "tests" / folder).glob("test_*.py")), f"tests/{folder}/ has no tests"
