"""The keyed diff of two releases: exactly the rows, cells and columns that changed, from any kind of side."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cacdata.describe.copies import CHECKSUMS, UnpackError, resolve_side
from cacdata.publish.archive import checksums
from cacdata.publish.diff import NEVER_REUSED, DiffError, FieldChange, RecordChange, compare, diff_packages

from conftest import alter_member, read_csv, write_csv

EXTRA_COLUMN = "extra_field"


@dataclass(frozen=True)
class Edits:
    """What ``edited`` did to the events table of the new side, to compare the diff against."""

    old: Path
    new: Path
    added: list[str]
    removed: str
    changed_id: str
    column: str
    old_value: str
    new_value: str


def next_ids(rows: list[dict[str, str]], key: str, count: int) -> list[str]:
    prefix = rows[0][key].split("-")[0]
    top = max(int(row[key].split("-")[1]) for row in rows)
    return [f"{prefix}-{top + n:04d}" for n in range(1, count + 1)]


@pytest.fixture
def old_side(package_copy: Path, tmp_path: Path) -> Path:
    """A frozen copy of the package as it was before any edit: the OLD side."""
    return Path(shutil.copytree(package_copy, tmp_path / "old"))


@pytest.fixture
def edited(old_side: Path, package_copy: Path, edit_cell: Callable[..., int]) -> Edits:
    """The NEW side: in events, one cell edited, one row removed, two rows added, one column added."""
    path = package_copy / "data" / "events.csv"
    header, rows = read_csv(path)
    key = header[0]
    changed_id, column = rows[0][key], "notes"
    old_value, new_value = rows[0][column], "a | b *c* 网信中国"
    edit_cell("events", changed_id, column, new_value)

    header, rows = read_csv(path)
    removed = rows[2][key]
    rows = [row for row in rows if row[key] != removed]
    added = next_ids(rows, key, 2)
    for new_id in reversed(added):  # out of order on purpose: the diff sorts
        rows.append({**rows[1], key: new_id})
    for row in rows:
        row[EXTRA_COLUMN] = "x"
    write_csv(path, [*header, EXTRA_COLUMN], rows)
    return Edits(old_side, package_copy, added, removed, changed_id, column, old_value, new_value)


def test_a_package_against_itself_is_empty(package_copy: Path) -> None:
    result = diff_packages(package_copy, package_copy)
    names = [name for name, _ in read_descriptor_resources(package_copy)]
    assert result.is_empty
    assert [table.name for table in result.tables] == names
    assert result.counts() == {name: {"added": 0, "removed": 0, "changed": 0} for name in names}
    assert "no differences" in result.to_text()


def test_reports_exactly_the_edits(edited: Edits) -> None:
    result = diff_packages(edited.old, edited.new)
    events = next(table for table in result.tables if table.name == "events")
    assert events.added_ids == sorted(edited.added)
    assert events.removed_ids == [edited.removed]
    assert events.changed == [
        RecordChange(edited.changed_id, [FieldChange(edited.column, edited.old_value, edited.new_value)])
    ]
    assert events.columns_added == [EXTRA_COLUMN]
    assert events.columns_removed == []
    assert not events.table_added and not events.table_removed
    assert all(table.is_empty for table in result.tables if table.name != "events")
    assert result.counts()["events"] == {"added": 2, "removed": 1, "changed": 1}


def test_a_removed_column_is_not_a_field_change(old_side: Path, package_copy: Path) -> None:
    path = package_copy / "data" / "quotes.csv"
    header, rows = read_csv(path)
    dropped = header[-1]
    write_csv(path, header[:-1], [{k: v for k, v in row.items() if k != dropped} for row in rows])
    quotes = next(table for table in diff_packages(old_side, package_copy).tables if table.name == "quotes")
    assert quotes.columns_removed == [dropped]
    assert quotes.changed == [] and quotes.added_ids == [] and quotes.removed_ids == []


def test_a_table_dropped_from_the_descriptor_removes_all_its_ids(old_side: Path, package_copy: Path) -> None:
    descriptor_path = package_copy / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "quotes"]
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    header, rows = read_csv(old_side / "data" / "quotes.csv")
    ids = sorted(row[header[0]] for row in rows)

    removed = next(t for t in diff_packages(old_side, package_copy).tables if t.name == "quotes")
    assert removed.table_removed and removed.removed_ids == ids and removed.added_ids == []
    added = next(t for t in diff_packages(package_copy, old_side).tables if t.name == "quotes")
    assert added.table_added and added.added_ids == ids and added.removed_ids == []


def test_markdown_summarises_flags_removed_ids_and_escapes_cells(edited: Edits) -> None:
    markdown = diff_packages(edited.old, edited.new).to_markdown()
    lines = markdown.splitlines()
    assert f"| `events` | 2 | 1 | 1 | added `{EXTRA_COLUMN}` |" in lines
    assert "| `quotes` | 0 | 0 | 0 |  |" in lines
    removed_line = next(line for line in lines if f"`{edited.removed}`" in line)
    assert NEVER_REUSED in removed_line
    change_row = next(line for line in lines if line.startswith(f"| `{edited.changed_id}` | `{edited.column}` |"))
    assert change_row.endswith(r"| a \| b \*c\* 网信中国 |")


def test_text_and_json_carry_the_same_changes(edited: Edits) -> None:
    result = diff_packages(edited.old, edited.new)
    text = result.to_text()
    assert f"  removed: {edited.removed} ({NEVER_REUSED})" in text.splitlines()
    assert f"  added: {', '.join(sorted(edited.added))}" in text.splitlines()
    assert f"  changed {edited.changed_id}:" in text.splitlines()

    dumped = result.to_json()
    assert "网信中国" in dumped  # not \u-escaped
    events = next(table for table in json.loads(dumped)["tables"] if table["name"] == "events")
    assert events["changed"] == [
        {
            "record_id": edited.changed_id,
            "fields": [{"field": edited.column, "old": edited.old_value, "new": edited.new_value}],
        }
    ]
    assert dumped == result.to_json()


def zip_package(package: Path, archive: Path, prefix: str, listing: bool = True) -> Path:
    """A zip of the package; with ``listing``, a ``SHA256SUMS`` of its files, as every release zip has."""
    paths = [path for path in sorted(package.rglob("*")) if path.is_file()]
    files = [(path.relative_to(package).as_posix(), path.read_bytes()) for path in paths]
    if listing:
        files.append((CHECKSUMS, checksums(files).encode()))
    with zipfile.ZipFile(archive, "w") as bundle:
        for name, data in files:
            bundle.writestr(prefix + name, data)
    return archive


@pytest.mark.parametrize("prefix", ["", "cacdata-0.2.0/"], ids=["flat", "one-top-folder"])
def test_zip_sides_give_the_same_diff_as_directories(edited: Edits, tmp_path: Path, prefix: str) -> None:
    old_zip = zip_package(edited.old, tmp_path / "old.zip", prefix)
    new_zip = zip_package(edited.new, tmp_path / "new.zip", prefix)
    assert compare(str(old_zip), str(new_zip)) == diff_packages(edited.old, edited.new)


def test_a_zip_side_is_checked_against_its_checksums_first(edited: Edits, tmp_path: Path) -> None:
    """diff opened zips without reading SHA256SUMS; an altered or unlisted zip is now refused."""
    unlisted = zip_package(edited.old, tmp_path / "unlisted.zip", "", listing=False)
    with pytest.raises(DiffError, match="no SHA256SUMS"):
        compare(str(unlisted), str(edited.new))
    listed = zip_package(edited.old, tmp_path / "listed.zip", "")
    altered = alter_member(listed, tmp_path / "altered.zip", "data/events.csv", lambda data: data + b"\n")
    with pytest.raises(DiffError, match="does not match its SHA-256"):
        compare(str(altered), str(edited.new))


def git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=cacdata test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *identity, "-C", str(repo), *args], check=True, capture_output=True)


def commit_package(package: Path, repo: Path, message: str) -> None:
    for part in ("datapackage.json", "schemas", "data"):
        target = repo / part
        if target.is_dir():
            shutil.rmtree(target)
        if (package / part).is_dir():
            shutil.copytree(package / part, target)
        else:
            shutil.copy(package / part, target)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(edited: Edits, tmp_path: Path) -> Path:
    """A git repository with two commits: the old side, then the new one."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commit_package(edited.old, root, "old")
    commit_package(edited.new, root, "new")
    return root


def test_git_refs_give_the_same_diff_as_directories(edited: Edits, repo: Path) -> None:
    assert compare("HEAD~1", "HEAD", repo) == diff_packages(edited.old, edited.new)


def test_a_git_ref_against_a_directory(edited: Edits, repo: Path) -> None:
    assert compare("HEAD~1", str(edited.new), repo) == diff_packages(edited.old, edited.new)


@pytest.mark.parametrize(
    ("ref", "message"), [("no-such-ref", "no commit 'no-such-ref'"), ("--output=/tmp/x", "not a git ref")]
)
def test_an_unknown_or_option_like_ref_is_refused(repo: Path, ref: str, message: str) -> None:
    with pytest.raises(DiffError, match=message):
        compare(ref, "HEAD", repo)


def test_a_ref_that_is_no_path_version_or_commit_is_refused() -> None:
    with pytest.raises(DiffError, match="no commit 'surely-not-a-path-or-ref'"):
        compare("surely-not-a-path-or-ref", "HEAD", None)


def test_a_directory_without_a_descriptor_is_refused(tmp_path: Path, package_copy: Path) -> None:
    with pytest.raises(DiffError, match=r"datapackage\.json"):
        compare(str(tmp_path / ".."), str(package_copy))


@pytest.mark.parametrize("member", ["../evil", "/tmp/cacdata-evil", "package/../../evil", "C:/evil"])
def test_a_zip_member_outside_the_package_is_refused(tmp_path: Path, package_copy: Path, member: str) -> None:
    archive = zip_package(package_copy, tmp_path / "evil.zip", "")
    with zipfile.ZipFile(archive, "a") as bundle:
        bundle.writestr(member, "gotcha")
    with pytest.raises(UnpackError, match="outside"), resolve_side(str(archive), None):
        pass
    assert not (tmp_path / "evil").exists()
    assert not Path("/tmp/cacdata-evil").exists()


def test_a_zip_without_a_package_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("a/readme.txt", "no package here")
    with pytest.raises(UnpackError, match=r"datapackage\.json"), resolve_side(str(archive), None):
        pass


def test_an_unpacked_zip_is_removed_afterwards(tmp_path: Path, package_copy: Path) -> None:
    archive = zip_package(package_copy, tmp_path / "release.zip", "top/")
    with resolve_side(str(archive), None) as root:
        assert (root / "datapackage.json").is_file()
        assert root.name == "top"
    assert not root.exists()


def test_a_repeated_key_is_refused(old_side: Path, package_copy: Path) -> None:
    path = package_copy / "data" / "entities.csv"
    header, rows = read_csv(path)
    write_csv(path, header, [*rows, rows[0]])
    with pytest.raises(DiffError, match=rf"repeated key '{rows[0][header[0]]}'"):
        diff_packages(old_side, package_copy)


def read_descriptor_resources(package: Path) -> list[tuple[str, str]]:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    return [(resource["name"], resource["path"]) for resource in descriptor["resources"]]


@pytest.mark.parametrize(("key", "works"), [("quote_id", True), (["quote_id"], True), (["quote_id", "text"], False)])
def test_the_key_is_one_column_given_as_string_or_list(
    old_side: Path, package_copy: Path, key: str | list[str], works: bool
) -> None:
    for side in (old_side, package_copy):
        schema_path = side / "schemas" / "quotes.schema.json"
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        schema["primaryKey"] = key
        schema_path.write_text(json.dumps(schema), encoding="utf-8")
    if works:
        assert diff_packages(old_side, package_copy).is_empty
    else:
        with pytest.raises(DiffError, match="exactly one primaryKey"):
            diff_packages(old_side, package_copy)


def test_runs_of_consecutive_ids_are_shortened_for_reading() -> None:
    from cacdata.publish.diff import id_runs

    ids = ["ent-0003", "ent-0004", "ent-0005", "ent-0007", "ent-0008", "ent-0010", "evt-0011"]
    assert id_runs(ids) == ["ent-0003..ent-0005", "ent-0007", "ent-0008", "ent-0010", "evt-0011"]
