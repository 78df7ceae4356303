"""Rules a Table Schema cannot state: citations that point at records of any table, and date order."""

from __future__ import annotations

from cacdata.package import DataPackage, Table
from cacdata.validation.csv_lines import CsvRow, read_rows
from cacdata.validation.report import Failure

CITATIONS = "citations"


def check_references(package: DataPackage) -> list[Failure]:
    rows = _all_rows(package)
    if CITATIONS not in rows:
        return [
            Failure(
                "missing-table",
                f"The package has no '{CITATIONS}' table, so no record is cited.",
                package.descriptor_path.name,
            )
        ]
    citations = package.table(CITATIONS)
    failures = _check_targets(package, citations, rows)
    failures += _check_every_record_cited(package, rows)
    failures += _check_date_order(package, rows)
    return failures


def _all_rows(package: DataPackage) -> dict[str, list[CsvRow]]:
    rows = {}
    for name, table in package.tables.items():
        try:
            rows[name] = read_rows(table.csv_path)
        except (OSError, UnicodeDecodeError):
            continue  # frictionless reports the unreadable file
    return rows


def _ids(table: Table, rows: list[CsvRow]) -> set[str]:
    return {row.cells.get(table.primary_key, "") for row in rows}


def _check_targets(package: DataPackage, citations: Table, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    failures = []
    file = package.relative(citations.csv_path)
    ids = {name: _ids(package.table(name), table_rows) for name, table_rows in rows.items()}
    for row in rows[CITATIONS]:
        record_id = row.cells.get("record_id", "")
        if not record_id:
            continue  # a required-field error already
        target = package.table_for_id(record_id)
        if target is None or target.name == CITATIONS:
            failures.append(
                Failure(
                    "citation-target",
                    f"The ID's prefix names no citable table (prefixes: {_prefixes(package)}).",
                    file,
                    CITATIONS,
                    row.line,
                    "record_id",
                    record_id,
                )
            )
        elif target.name in ids and record_id not in ids[target.name]:
            failures.append(
                Failure(
                    "citation-target",
                    f"No row of table '{target.name}' has this ID.",
                    file,
                    CITATIONS,
                    row.line,
                    "record_id",
                    record_id,
                )
            )
        field = row.cells.get("field", "")
        if target is not None and field and field not in target.field_names:
            failures.append(
                Failure(
                    "citation-field",
                    f"Table '{target.name}' has no field of this name.",
                    file,
                    CITATIONS,
                    row.line,
                    "field",
                    field,
                )
            )
    return failures


def _check_every_record_cited(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    cited = {row.cells.get("record_id", "") for row in rows[CITATIONS]}
    failures = []
    for name, table in package.tables.items():
        if name == CITATIONS or name not in rows:
            continue
        for row in rows[name]:
            record_id = row.cells.get(table.primary_key, "")
            if record_id and record_id not in cited:
                failures.append(
                    Failure(
                        "uncited-record",
                        "No citation supports this record; add a citations row with a verbatim excerpt.",
                        package.relative(table.csv_path),
                        name,
                        row.line,
                        table.primary_key,
                        record_id,
                    )
                )
    return failures


def _check_date_order(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    failures = []
    for name, table in package.tables.items():
        names = table.field_names
        if "date_start" not in names or "date_end" not in names or name not in rows:
            continue
        for row in rows[name]:
            start, end = row.cells.get("date_start", ""), row.cells.get("date_end", "")
            if start and end and end < start:  # ISO dates order as text; malformed ones are type errors
                failures.append(
                    Failure(
                        "date-order",
                        f"The end date is before the start date ({start}).",
                        package.relative(table.csv_path),
                        name,
                        row.line,
                        "date_end",
                        end,
                    )
                )
    return failures


def _prefixes(package: DataPackage) -> str:
    return ", ".join(f"{t.id_prefix}- ({t.name})" for t in package.tables.values() if t.name != CITATIONS)
