"""Citations: each points at a record of the table its ID prefix names, and every record has one."""

from __future__ import annotations

from cacdata.describe.csv_lines import CsvRow
from cacdata.describe.package import DataPackage, Table
from cacdata.validation.queries import Queries, sql_list, sql_name, sql_text
from cacdata.validation.report import Failure

CITATIONS = "citations"
SOURCES = "sources"
READ_AS = "read_as"  # how the project read a source's text
NOT_READ = "not_read"  # known only through another source's credit


def missing_citations_failure(package: DataPackage) -> Failure:
    """The ``missing-table`` failure for a package without a citations table; shared by both engines."""
    return Failure(
        "missing-table",
        f"The package has no '{CITATIONS}' table, so no record is cited.",
        package.descriptor_path.name,
    )


def check_references(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    """Failures of the citation rules: dangling targets, records no citation supports, sources nobody read."""
    if CITATIONS not in package.tables:
        return [missing_citations_failure(package)]
    citations = package.table(CITATIONS)
    if CITATIONS not in rows:
        return []  # unreadable: the file checks report it
    failures = _check_targets(package, citations, rows)
    failures += _check_every_record_cited(package, rows)
    failures += _check_sources_read(package, rows)
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


def _check_sources_read(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    if not _knows_reading(package) or SOURCES not in rows:
        return []
    unread = {
        r.cells.get("source_id", "")
        for r in rows[SOURCES]
        if r.cells.get(READ_AS) == NOT_READ and r.cells.get("source_id")
    }
    file = package.relative(package.table(CITATIONS).csv_path)
    return [
        unread_source_failure(file, row.line, row.cells.get("source_id", ""))
        for row in rows[CITATIONS]
        if row.cells.get("source_id", "") in unread
    ]


def _knows_reading(package: DataPackage) -> bool:
    """Whether the package records how each source was read, and which citation quotes which source."""
    sources, citations = package.tables.get(SOURCES), package.tables.get(CITATIONS)
    return (
        sources is not None
        and citations is not None
        and {"source_id", READ_AS} <= set(sources.field_names)
        and "source_id" in citations.field_names
    )


def unread_source_failure(file: str, line: int, source_id: str) -> Failure:
    """The ``citation-unread-source`` failure: an excerpt cannot be copied from a source nobody read."""
    return Failure(
        "citation-unread-source",
        f"The citation quotes a source whose {READ_AS} is '{NOT_READ}'; an excerpt must be copied from a text "
        "that was read. Cite the source that credits it instead.",
        file,
        CITATIONS,
        line,
        "source_id",
        source_id,
    )


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


def check_references_sql(engine: Queries) -> list[Failure]:
    """The rules in the DuckDB engine, found by joins on the citations' ID prefixes."""
    package = engine.package
    if CITATIONS not in package.tables:
        return [missing_citations_failure(package)]
    citations = engine.loaded[CITATIONS]
    prefixes: dict[str, str] = {}
    for table in package.tables.values():
        if table.id_prefix is not None:  # the first table with the prefix, as table_for_id
            prefixes.setdefault(table.id_prefix, table.name)
    view, prefix = engine.view(CITATIONS), "prefix__"
    citable = [p for p, name in prefixes.items() if name != CITATIONS]
    # (row, order in the row, failure): a target failure comes before a field failure, as row by row
    found: list[tuple[int, int, Failure]] = []
    for row, record_id in engine.fetch(
        f"SELECT row__, record_id FROM {view} WHERE record_id IS NOT NULL AND {prefix} NOT IN ({sql_list(citable)})"
    ):
        failure = target_failure(package, None, False, citations.file, citations.line(int(row)), record_id)
        assert failure is not None  # always a failure without a target
        found.append((int(row), 0, failure))
    for table_prefix, name in prefixes.items():
        target = package.table(name)
        # one table's keys at a time: the memory of one hash table, not of all IDs at once
        if name != CITATIONS:
            for row, record_id in engine.fetch(
                f"SELECT row__, record_id FROM {view} WHERE {prefix} = {sql_text(table_prefix)} AND record_id "
                f"NOT IN (SELECT coalesce({sql_name(target.primary_key)}, '') FROM {engine.view(name)})"
            ):
                line = citations.line(int(row))
                failure = target_failure(package, target, False, citations.file, line, record_id)
                assert failure is not None  # always a failure when the ID is not found
                found.append((int(row), 0, failure))
        for row, column in engine.fetch(
            f"SELECT row__, field FROM {view} WHERE {prefix} = {sql_text(table_prefix)} AND field IS NOT NULL "
            f"AND field NOT IN ({', '.join(sql_text(f) for f in target.field_names)})"
        ):
            found.append(
                (int(row), 1, citation_field_failure(target, citations.file, citations.line(int(row)), column))
            )
    failures = [failure for _, _, failure in sorted(found, key=lambda item: item[:2])]
    engine.con.execute(
        f"CREATE OR REPLACE TEMP TABLE cited__ AS SELECT DISTINCT coalesce(record_id, '') AS id FROM {view}"
    )
    for name, loaded in engine.loaded.items():
        if name == CITATIONS:
            continue
        key = sql_name(loaded.table.primary_key)
        for row, record_id in engine.fetch(
            f"SELECT row__, {key} FROM {engine.view(name)} WHERE {key} IS NOT NULL AND {key} NOT IN "
            "(SELECT id FROM cited__) ORDER BY row__"
        ):
            failures.append(uncited_failure(loaded.table, loaded.file, loaded.line(int(row)), record_id))
    if _knows_reading(package):
        for row, source_id in engine.fetch(
            f"SELECT row__, source_id FROM {view} WHERE source_id IN (SELECT source_id FROM "
            f"{engine.view(SOURCES)} WHERE {READ_AS} = {sql_text(NOT_READ)}) ORDER BY row__"
        ):
            failures.append(unread_source_failure(citations.file, citations.line(int(row)), source_id))
    return failures


def references_read(table: Table) -> list[str]:
    """The columns the rules read, for the DuckDB engine's narrow table."""
    wanted = {CITATIONS: ("record_id", "field", "source_id"), SOURCES: ("source_id", READ_AS)}.get(table.name, ())
    return [c for c in wanted if c in table.field_names]


def references_derived(table: Table) -> list[str]:
    """The citation's table prefix, computed once in SQL: the prefix names the table cited."""
    return (
        ["split_part(record_id, '-', 1) AS prefix__"]
        if table.name == CITATIONS and "record_id" in table.field_names
        else []
    )
