"""``weak-support``: every record rests on a source of standing, or says in ``weakly_sourced`` that it does not.

A source is weak when the project could not read its text from a publisher of standing: its ``standing`` is
``aggregator_or_mirror`` or ``machine_translation``, or its text was read as an aggregator copy or a machine
translation, or not read at all (known only through another's credit). A record of any table that declares
a ``weakly_sourced`` column and whose citations all come from weak sources must say so (``weakly_sourced``
true), so that a user can filter on it; a record flagged so that does cite a source of standing carries a
stale flag, which is reported too. A record without any citation is ``uncited-record`` already.

The rule is written once here; the DuckDB engine selects the candidate rows by SQL and judges them with the
same functions (``check_support_sql``), so both engines report the same failures.
"""

from __future__ import annotations

from collections.abc import Iterable

from cacdata.describe.csv_lines import CsvRow
from cacdata.describe.package import DataPackage, Table
from cacdata.validation.queries import Queries, sql_list, sql_name
from cacdata.validation.references import CITATIONS, SOURCES
from cacdata.validation.report import Failure

FLAG = "weakly_sourced"
WEAK_STANDING = ("aggregator_or_mirror", "machine_translation")
WEAK_READING = ("aggregator_copy", "machine_translation", "not_read")


def flagged_tables(package: DataPackage) -> list[Table]:
    """The tables whose records say whether they rest on weak sources only."""
    return [t for t in package.tables.values() if FLAG in t.field_names and t.name not in (CITATIONS, SOURCES)]


def is_weak(standing: str, read_as: str) -> bool:
    """Whether a source with this standing, read this way, is weak."""
    return standing in WEAK_STANDING or read_as in WEAK_READING


def is_flagged(table: Table, value: str) -> bool:
    """Whether a ``weakly_sourced`` cell says true, as its schema spells true."""
    return value in table.schema.field(FLAG).true_values


def support_failure(file: str, table: str, line: int, record_id: str, flagged: bool) -> Failure:
    """The failure for a record whose flag contradicts its citations."""
    if flagged:
        message = (
            "The record is flagged weakly_sourced but cites a source of standing; clear the flag, "
            "or check the citation."
        )
    else:
        message = (
            "Every citation of this record comes from a weak source (an aggregator or mirror, a machine "
            "translation, or a source not read); cite a source of standing, or set weakly_sourced to true."
        )
    return Failure("weak-support", message, file, table, line, FLAG, record_id)


def judge(package: DataPackage, table: Table, rows: Iterable[tuple[int, str, str, bool]]) -> list[Failure]:
    """Failures among cited records, given as ``(line, record_id, weakly_sourced cell, cites a strong source)``."""
    file = package.relative(table.csv_path)
    failures = []
    for line, record_id, flag, strong in rows:
        flagged = is_flagged(table, flag)
        if flagged == strong:
            failures.append(support_failure(file, table.name, line, record_id, flagged))
    return failures


def check_support(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    """The rule row by row, over the rows the row-by-row path has read."""
    tables = flagged_tables(package)
    if not tables or SOURCES not in rows or CITATIONS not in rows:
        return []
    weak = {
        r.cells.get("source_id", "")
        for r in rows[SOURCES]
        if is_weak(r.cells.get("standing", ""), r.cells.get("read_as", ""))
    }
    cited = {r.cells.get("record_id", "") for r in rows[CITATIONS]}
    strong = {r.cells.get("record_id", "") for r in rows[CITATIONS] if r.cells.get("source_id", "") not in weak}
    failures = []
    for table in tables:
        key = table.primary_key
        found = (
            (r.line, r.cells.get(key, ""), r.cells.get(FLAG, ""), r.cells.get(key, "") in strong)
            for r in rows.get(table.name, [])
            if r.cells.get(key, "") in cited
        )
        failures += judge(package, table, found)
    return failures


def check_support_sql(engine: Queries) -> list[Failure]:
    """The rule in the DuckDB engine: SQL selects the cited records whose flag contradicts their citations."""
    package = engine.package
    tables = flagged_tables(package)
    if not tables or SOURCES not in engine.loaded or CITATIONS not in engine.loaded:
        return []
    sources, citations = engine.view(SOURCES), engine.view(CITATIONS)
    weak = (
        f"standing IN ({sql_list(WEAK_STANDING)}) OR read_as IN ({sql_list(WEAK_READING)})"
        if {"standing", "read_as"} <= set(package.table(SOURCES).field_names)
        else "false"
    )
    strong = (
        f"SELECT record_id FROM {citations} WHERE record_id IS NOT NULL AND coalesce(source_id, '') "
        f"NOT IN (SELECT coalesce(source_id, '') FROM {sources} WHERE {weak})"
    )
    failures = []
    for table in tables:
        loaded = engine.loaded[table.name]
        key = sql_name(table.primary_key)
        trues = sql_list(table.schema.field(FLAG).true_values)
        found = (
            (loaded.line(int(row)), str(record_id or ""), str(flag or ""), bool(has_strong))
            for row, record_id, flag, has_strong in engine.fetch(
                f"SELECT row__, {key}, {FLAG}, coalesce({key} IN ({strong}), false) AS strong FROM "
                f"{engine.view(table.name)} WHERE {key} IN (SELECT record_id FROM {citations}) AND "
                f"coalesce({FLAG} IN ({trues}), false) = coalesce({key} IN ({strong}), false) ORDER BY row__"
            )
        )
        failures += judge(package, table, found)
    return failures


def support_read(table: Table) -> list[str]:
    """The columns the rule reads, for the DuckDB engine's narrow table."""
    wanted = {SOURCES: ("source_id", "standing", "read_as"), CITATIONS: ("record_id", "source_id")}.get(
        table.name, (FLAG,)
    )
    return [name for name in wanted if name in table.field_names]
