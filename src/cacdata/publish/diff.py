"""Record-level comparison of two releases of the package, keyed by each table's primary key.

Cells are compared as the raw text of the CSV files, so a diff shows exactly what changed in the files a
user downloads, whatever the schemas say about types. Each side may be a package directory, a release zip
or a git ref of a checkout. The result renders as text, Markdown (for the CHANGELOG's data section) and
JSON. IDs are minted once and never reused, so a removed ID is flagged wherever it is shown.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cacdata.describe.copies import resolve_side
from cacdata.describe.package import DataPackage, PackageError, Table

NEVER_REUSED = "IDs are never reused: removed IDs must not come back"

# Characters that Markdown (GitHub's tables included) would read as markup inside a cell; each takes a backslash.
MARKDOWN_SPECIAL = frozenset("\\`*_[]<>|~")


class DiffError(Exception):
    """A side that cannot be compared: missing, not a package, an unsafe archive, an unknown ref."""


@dataclass(frozen=True)
class FieldChange:
    """One cell whose value differs between the releases, as text in each."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RecordChange:
    """One record, by ID, present in both releases with some cells changed."""

    record_id: str
    fields: list[FieldChange]


@dataclass(frozen=True)
class TableDiff:
    """What changed in one table. Values of added columns are not field changes: they show as the column."""

    name: str
    added_ids: list[str] = field(default_factory=list)
    removed_ids: list[str] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    table_added: bool = False
    table_removed: bool = False

    @property
    def is_empty(self) -> bool:
        """True when nothing in the table changed, so reports can leave it out."""
        return not (
            self.added_ids
            or self.removed_ids
            or self.changed
            or self.columns_added
            or self.columns_removed
            or self.table_added
            or self.table_removed
        )


@dataclass(frozen=True)
class PackageDiff:
    """What changed in the data between two versions, table by table: what ``cacdata diff`` reports."""

    old_version: str
    new_version: str
    tables: list[TableDiff]

    @property
    def is_empty(self) -> bool:
        """True when no table changed: a release would hold no new data."""
        return all(table.is_empty for table in self.tables)

    def counts(self) -> dict[str, dict[str, int]]:
        """Rows added, removed and changed per table, for the CHANGELOG's data section."""
        return {
            table.name: {
                "added": len(table.added_ids),
                "removed": len(table.removed_ids),
                "changed": len(table.changed),
            }
            for table in self.tables
        }

    def to_json(self) -> str:
        """The whole diff as JSON, every record and field, for other tools."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        """The diff for reading in a terminal: per table, the IDs added, removed and changed."""
        lines = [f"{_version(self.old_version)} -> {_version(self.new_version)}"]
        if self.is_empty:
            return "\n".join([*lines, "no differences"]) + "\n"
        for table in self.tables:
            if table.is_empty:
                continue
            lines.append("")
            lines.append(f"{table.name}{_table_status(table)}: {_count_phrase(table)}")
            if table.columns_added:
                lines.append(f"  columns added: {', '.join(table.columns_added)}")
            if table.columns_removed:
                lines.append(f"  columns removed: {', '.join(table.columns_removed)}")
            if table.added_ids:
                lines.append(f"  added: {', '.join(id_runs(table.added_ids))}")
            if table.removed_ids:
                lines.append(f"  removed: {', '.join(id_runs(table.removed_ids))} ({NEVER_REUSED})")
            for change in table.changed:
                lines.append(f"  changed {change.record_id}:")
                lines.extend(f"    {c.field}: {_quoted(c.old)} -> {_quoted(c.new)}" for c in change.fields)
        unchanged = [table.name for table in self.tables if table.is_empty]
        if unchanged:
            lines.extend(["", f"unchanged: {', '.join(unchanged)}"])
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        """A summary table of counts per table, for release notes and the CHANGELOG."""
        lines = [f"Data changes from {_version(self.old_version)} to {_version(self.new_version)}.", ""]
        lines += ["| table | added | removed | changed | columns |", "| --- | ---: | ---: | ---: | --- |"]
        for table in self.tables:
            columns = "; ".join(
                f"{label} {_code_list(names)}"
                for label, names in (("added", table.columns_added), ("removed", table.columns_removed))
                if names
            )
            lines.append(
                f"| `{table.name}`{_table_status(table)} | {len(table.added_ids)} | {len(table.removed_ids)}"
                f" | {len(table.changed)} | {columns} |"
            )
        for table in self.tables:
            if table.is_empty:
                continue
            lines += ["", f"#### `{table.name}`{_table_status(table)}"]
            if table.added_ids:
                lines += ["", f"Added: {_code_list(table.added_ids)}."]
            if table.removed_ids:
                lines += ["", f"**Removed:** {_code_list(table.removed_ids)}. {NEVER_REUSED}."]
            if table.changed:
                lines += ["", "| ID | field | old | new |", "| --- | --- | --- | --- |"]
                lines += [
                    f"| `{change.record_id}` | `{c.field}` | {_cell(c.old)} | {_cell(c.new)} |"
                    for change in table.changed
                    for c in change.fields
                ]
        return "\n".join(lines) + "\n"


def compare(old: str, new: str, repo: Path | None = None) -> PackageDiff:
    """Compare two sides, each a directory, a release zip, a release version or a git ref of ``repo``."""
    try:
        with resolve_side(old, repo) as old_root, resolve_side(new, repo) as new_root:
            return diff_packages(old_root, new_root)
    except PackageError as error:
        raise DiffError(str(error)) from None


def diff_packages(old_root: Path, new_root: Path) -> PackageDiff:
    """Compare two package directories table by table; tables are matched by resource name."""
    old, new = _open(old_root), _open(new_root)
    old_tables, new_tables = _tables(old), _tables(new)
    names = list(new_tables) + [name for name in old_tables if name not in new_tables]
    diffs = []
    for name in names:
        if name not in old_tables:
            diffs.append(_whole_table(name, _read_keyed(new_tables[name])[1], added=True))
        elif name not in new_tables:
            diffs.append(_whole_table(name, _read_keyed(old_tables[name])[1], added=False))
        else:
            diffs.append(diff_tables(old_tables[name], new_tables[name]))
    return PackageDiff(old.version, new.version, diffs)


def diff_tables(old: Table, new: Table) -> TableDiff:
    """Compare one table's two CSV files by the primary key; only columns in both sides are compared."""
    if _key(old) != _key(new):
        raise DiffError(
            f"table {new.name!r}: primary key changed from {_key(old)!r} to {_key(new)!r}; rows cannot be matched"
        )
    old_header, old_rows = _read_keyed(old)
    new_header, new_rows = _read_keyed(new)
    shared = [name for name in new_header if name in old_header and name != _key(new)]
    changed = []
    for record_id in sorted(old_rows.keys() & new_rows.keys()):
        before, after = old_rows[record_id], new_rows[record_id]
        fields = [FieldChange(name, before[name], after[name]) for name in shared if before[name] != after[name]]
        if fields:
            changed.append(RecordChange(record_id, fields))
    return TableDiff(
        name=new.name,
        added_ids=sorted(new_rows.keys() - old_rows.keys()),
        removed_ids=sorted(old_rows.keys() - new_rows.keys()),
        changed=changed,
        columns_added=[name for name in new_header if name not in old_header],
        columns_removed=[name for name in old_header if name not in new_header],
    )


def _open(root: Path) -> DataPackage:
    try:
        return DataPackage(root)
    except PackageError as error:
        raise DiffError(str(error)) from None


def _tables(package: DataPackage) -> dict[str, Table]:
    try:
        return package.tables
    except PackageError as error:
        raise DiffError(str(error)) from None


def _key(table: Table) -> str:
    """The table's one primary-key column; rows cannot be matched without it."""
    try:
        return table.primary_key
    except PackageError as error:
        raise DiffError(str(error)) from None


def _read_keyed(table: Table) -> tuple[list[str], dict[str, dict[str, str]]]:
    """A CSV file's header and its rows by primary key, every cell as the text in the file."""
    key = _key(table)
    try:
        with table.csv_path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            if key not in header:
                raise DiffError(f"{table.csv_path}: no key column {key!r} in the header")
            rows: dict[str, dict[str, str]] = {}
            for cells in reader:
                if len(cells) != len(header):
                    raise DiffError(
                        f"{table.csv_path}: line {reader.line_num}: {len(cells)} cells, header has {len(header)}"
                    )
                row = dict(zip(header, cells, strict=True))
                if not row[key] or row[key] in rows:
                    raise DiffError(f"{table.csv_path}: line {reader.line_num}: empty or repeated key {row[key]!r}")
                rows[row[key]] = row
    except FileNotFoundError:
        raise DiffError(f"{table.csv_path}: no such file (table {table.name!r})") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise DiffError(f"{table.csv_path}: not a readable UTF-8 CSV file ({error})") from None
    return header, rows


def _whole_table(name: str, rows: dict[str, dict[str, str]], *, added: bool) -> TableDiff:
    ids = sorted(rows)
    if added:
        return TableDiff(name, added_ids=ids, table_added=True)
    return TableDiff(name, removed_ids=ids, table_removed=True)


def _version(version: str) -> str:
    return version or "(no version)"


def _table_status(table: TableDiff) -> str:
    return " (new table)" if table.table_added else " (table removed)" if table.table_removed else ""


def _count_phrase(table: TableDiff) -> str:
    return f"{len(table.added_ids)} added, {len(table.removed_ids)} removed, {len(table.changed)} changed"


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False) if value else "(empty)"


def _code_list(ids: list[str]) -> str:
    return ", ".join(f"`{run}`" for run in id_runs(ids))


def id_runs(ids: list[str]) -> list[str]:
    """Consecutive IDs shortened to their first and last: ``ent-0037..ent-0087``. JSON keeps every ID."""
    runs: list[list[str]] = []
    for record_id in ids:
        if runs and _follows(runs[-1][-1], record_id):
            runs[-1].append(record_id)
        else:
            runs.append([record_id])
    shown: list[str] = []
    for run in runs:
        shown += [f"{run[0]}..{run[-1]}"] if len(run) >= 3 else run
    return shown


def _follows(previous: str, record_id: str) -> bool:
    prefix, _, number = previous.rpartition("-")
    other_prefix, _, other_number = record_id.rpartition("-")
    return (
        prefix == other_prefix and number.isdigit() and other_number.isdigit() and int(other_number) == int(number) + 1
    )


def _cell(value: str) -> str:
    """A value as one Markdown table cell, shown as typed: markup characters escaped, line breaks kept."""
    if not value:
        return "*(empty)*"
    escaped = "".join(f"\\{char}" if char in MARKDOWN_SPECIAL else char for char in value)
    return escaped.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")
