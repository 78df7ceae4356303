"""Citations: each points at a record of the table its ID prefix names, and every record has one."""

from __future__ import annotations

from cacdata.describe.csv_lines import CsvRow
from cacdata.describe.package import DataPackage, Table
from cacdata.validation.report import Failure

CITATIONS = "citations"


def missing_citations_failure(package: DataPackage) -> Failure:
    """The ``missing-table`` failure for a package without a citations table; shared by both engines."""
    return Failure(
        "missing-table",
        f"The package has no '{CITATIONS}' table, so no record is cited.",
        package.descriptor_path.name,
    )


def check_references(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    """Failures of the citation rules: dangling targets and records no citation supports."""
    if CITATIONS not in package.tables:
        return [missing_citations_failure(package)]
    citations = package.table(CITATIONS)
    if CITATIONS not in rows:
        return []  # unreadable: the file checks report it
    failures = _check_targets(package, citations, rows)
    failures += _check_every_record_cited(package, rows)
    return failures


def _ids(table: Table, rows: list[CsvRow]) -> set[str]:
    return {row.cells.get(table.primary_key, "") for row in rows}


def _check_targets(package: DataPackage, citations: Table, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    failures = []
    file = package.relative(citations.csv_path)
    ids = {name: _ids(package.table(name), table_rows) for name, table_rows in rows.items()}
    for row in rows[CITATIONS]:
        record_id = row.cells.get("record_id", "")
        if not record_id:
            continue  # a required-field failure already
        target = package.table_for_id(record_id)
        found = target is not None and (target.name not in ids or record_id in ids[target.name])
        failure = target_failure(package, target, found, file, row.line, record_id)
        if failure is not None:
            failures.append(failure)
        field = row.cells.get("field", "")
        if target is not None and field and field not in target.field_names:
            failures.append(citation_field_failure(target, file, row.line, field))
    return failures


def target_failure(
    package: DataPackage, target: Table | None, found: bool, file: str, line: int, record_id: str
) -> Failure | None:
    """A citation's record ID names no citable table, or no row of it (``found`` is false)."""
    if target is None or target.name == CITATIONS:
        return Failure(
            "citation-target",
            f"The ID's prefix names no citable table (prefixes: {_prefixes(package)}).",
            file,
            CITATIONS,
            line,
            "record_id",
            record_id,
        )
    if not found:
        return Failure(
            "citation-target",
            f"No row of table '{target.name}' has this ID.",
            file,
            CITATIONS,
            line,
            "record_id",
            record_id,
        )
    return None


def citation_field_failure(target: Table, file: str, line: int, field: str) -> Failure:
    """The ``citation-field`` failure for a citation naming a field its target table lacks; shared by both engines."""
    return Failure(
        "citation-field", f"Table '{target.name}' has no field of this name.", file, CITATIONS, line, "field", field
    )


def _check_every_record_cited(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    cited = {row.cells.get("record_id", "") for row in rows[CITATIONS]}
    failures = []
    for name, table in package.tables.items():
        if name == CITATIONS or name not in rows:
            continue
        file = package.relative(table.csv_path)
        for row in rows[name]:
            record_id = row.cells.get(table.primary_key, "")
            if record_id and record_id not in cited:
                failures.append(uncited_failure(table, file, row.line, record_id))
    return failures


def uncited_failure(table: Table, file: str, line: int, record_id: str) -> Failure:
    """The ``uncited-record`` failure for a record with no citation; shared by both engines."""
    return Failure(
        "uncited-record",
        "No citation supports this record; add a citations row with a verbatim excerpt.",
        file,
        table.name,
        line,
        table.primary_key,
        record_id,
    )


def _prefixes(package: DataPackage) -> str:
    return ", ".join(f"{t.id_prefix}- ({t.name})" for t in package.tables.values() if t.name != CITATIONS)
