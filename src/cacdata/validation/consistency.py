"""Rules that catch a package contradicting itself, row by row: the classes a careful maintainer wants caught.

- ``url-address``: an address a reader should not be sent to, in any field named ``url`` or ``*_url``: no
  host (``https:///etc/passwd``), a scheme other than http(s), a user name or password, or this machine or a
  private network;
- ``duplicate-record``: one fact recorded twice under two IDs: a citation of the same record, field, source
  and excerpt; a source at the same address; an entity with the same Wikidata item; the same entity in the
  same role at the same event;
- ``access-before-publication``: a document read (``access_date``) before it was published;
- ``date-precision``: a ``date_precision`` that contradicts ``date_start`` and ``date_end`` (as the events
  schema defines each value: ``day`` one day, ``not_after`` no start, ``unknown`` no dates, ...);
- ``parent-date``: a record that ends before its parent (linked by a self-reference named ``parent_*``)
  begins: a part of an event cannot happen before the event. Other self-references are no part-of links (a
  draft, ``draft_of``, comes before its final text; a rendering, ``rendering_of``, is undated). A part may
  come after the parent's recorded dates (a campaign is dated by its launch, and its later steps are its
  parts). Unknown dates are open, so only a certain contradiction is reported.

Each rule is written once here; the DuckDB engine (``check_consistency_sql``) only selects the rows that may
break one and judges them with these same functions, so both engines report the same failures.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from cacdata.describe.csv_lines import CsvRow
from cacdata.describe.package import DataPackage, Table
from cacdata.validation.cross_field import is_date, self_references
from cacdata.validation.queries import Queries, sql_list, sql_name, sql_text
from cacdata.validation.references import CITATIONS
from cacdata.validation.report import Failure

WEB_SCHEMES = ("http", "https")
# What makes two rows one fact, by table: the columns compared, and those that must be filled to compare.
FACTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    CITATIONS: (("record_id", "field", "source_id", "excerpt"), ("record_id", "excerpt")),
    "sources": (("url",), ("url",)),
    "entities": (("wikidata_qid",), ("wikidata_qid",)),
    "participants": (("event_id", "entity_id", "role"), ("event_id", "entity_id", "role")),
}
FACT_SEPARATOR = "\x1f"  # the unit separator; a cell holding it is a cell-control failure anyway
PART_OF_PREFIX = "parent_"
PRECISIONS = ("day", "month", "year", "range", "not_after", "unknown")


def url_fields(table: Table) -> list[str]:
    """The fields holding web addresses, by name: ``url`` or ending in ``_url``."""
    return [name for name in table.field_names if name == "url" or name.endswith("_url")]


def url_reason(value: str) -> str | None:
    """Why a reader should not be sent to this address, or None."""
    try:
        parts = urlsplit(value)
        host = parts.hostname
        has_user = parts.username is not None or parts.password is not None
    except ValueError:
        return "The address cannot be read as a URL."
    if parts.scheme.lower() not in WEB_SCHEMES:
        return "The address must be an http or https URL."
    if not host:
        return "The address names no host; write the full URL, such as https://example.org/page."
    if has_user:
        return "The address carries a user name or password; remove them."
    if host == "localhost" or host.endswith(".localhost") or _private(host):
        return "The address points at this machine or a private network, not at a public document."
    return None


def _private(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def fact_columns(table: Table) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The columns that make two rows of ``table`` one fact, and those that must be filled; None if none do."""
    fact = FACTS.get(table.name)
    return fact if fact is not None and set(fact[0]) <= set(table.field_names) else None


def fact_key(cells: dict[str, str], fact: tuple[tuple[str, ...], tuple[str, ...]]) -> str | None:
    """A row's fact as one text, or None for a row too empty to compare."""
    columns, needed = fact
    if not all(cells.get(name) for name in needed):
        return None
    return FACT_SEPARATOR.join(cells.get(name) or "" for name in columns)


def precision_reason(precision: str, start: str, end: str) -> str | None:
    """How ``precision`` contradicts ``date_start`` and ``date_end``, or None (malformed dates are left alone)."""
    if precision not in PRECISIONS or (start and not is_date(start)) or (end and not is_date(end)):
        return None
    if precision == "day" and not (start and start == end):
        return "A day precision needs date_start and date_end, on the same day."
    if precision == "month" and not (start and start[8:] == "01" and (not end or end[:7] == start[:7])):
        return "A month precision needs date_start on the first of the month, and date_end, if any, in it."
    if precision == "year" and not (start and start[5:] == "01-01" and (not end or end[:4] == start[:4])):
        return "A year precision needs date_start on 1 January, and date_end, if any, in that year."
    if precision == "range" and not (start and end):
        return "A range precision needs both date_start and date_end."
    if precision == "not_after" and not (end and not start):
        return "A not_after precision needs date_end and no date_start (the start is unknown)."
    if precision == "unknown" and (start or end):
        return "An unknown precision means no date is known; empty date_start and date_end, or say how it is known."
    return None


def part_of_links(table: Table) -> list[str]:
    """The self-references that link a part to its whole: those named ``parent_*``."""
    return [column for column in self_references(table) if column.startswith(PART_OF_PREFIX)]


def ends_before(child: tuple[str, str], parent: tuple[str, str]) -> bool:
    """True when the child's last possible day is before the parent's first; unknown or malformed dates are open."""
    end, parent_start = child[1], parent[0]
    return is_date(end) and is_date(parent_start) and end < parent_start


# -- failures, as both engines report them ---------------------------------------------------------------------


def url_failure(file: str, table: str, line: int, column: str, value: str, why: str) -> Failure:
    """The ``url-address`` failure for a URL cell, ``why`` saying what is wrong with it; shared by both engines."""
    return Failure("url-address", why, file, table, line, column, value)


def duplicate_failure(table: Table, file: str, line: int, record_id: str, first: str) -> Failure:
    """The ``duplicate-record`` failure for a record that restates ``first``; shared by both engines."""
    columns = FACTS[table.name][0]
    return Failure(
        "duplicate-record",
        f"The same {', '.join(columns)} are recorded already as {first}; one fact, one record.",
        file,
        table.name,
        line,
        table.primary_key,
        record_id,
    )


def access_failure(file: str, table: str, line: int, published: str, accessed: str) -> Failure:
    """The ``access-before-publication`` failure for a source read before it appeared; shared by both engines."""
    return Failure(
        "access-before-publication",
        f"The document was read on {accessed}, before it was published ({published}).",
        file,
        table,
        line,
        "access_date",
        accessed,
    )


def precision_failure(file: str, table: str, line: int, precision: str, why: str) -> Failure:
    """The ``date-precision`` failure, ``why`` saying what the precision needs; shared by both engines."""
    return Failure("date-precision", why, file, table, line, "date_precision", precision)


def parent_date_failure(
    file: str, table: str, line: int, column: str, parent: str, own: tuple[str, str], theirs: tuple[str, str]
) -> Failure:
    """The ``parent-date`` failure for a part that ends before its whole begins; shared by both engines."""
    return Failure(
        "parent-date",
        f"The record ends ({_span(own)}) before its parent {parent} begins ({_span(theirs)}); a part cannot "
        "happen before the whole.",
        file,
        table,
        line,
        column,
        parent,
    )


def _span(dates: tuple[str, str]) -> str:
    return f"{dates[0] or '?'} to {dates[1] or '?'}"


# -- the row-by-row path ---------------------------------------------------------------------------------------


def check_consistency(package: DataPackage, rows: dict[str, list[CsvRow]]) -> list[Failure]:
    """Every rule above, table by table in the package's order, each rule's failures in row order."""
    failures = []
    for name, table_rows in rows.items():
        table = package.table(name)
        file = package.relative(table.csv_path)
        fields = url_fields(table)
        for row in table_rows:
            for column in fields:
                value = row.cells.get(column, "")
                why = url_reason(value) if value else None
                if why:
                    failures.append(url_failure(file, name, row.line, column, value, why))
        fact = fact_columns(table)
        if fact is not None:
            seen: dict[str, str] = {}
            for row in table_rows:
                key = fact_key(row.cells, fact)
                own = row.cells.get(table.primary_key, "")
                if key is not None and key in seen:
                    failures.append(duplicate_failure(table, file, row.line, own, seen[key]))
                elif key is not None:
                    seen[key] = own
        if {"date_published", "access_date"} <= set(table.field_names):
            for row in table_rows:
                published, accessed = row.cells.get("date_published", ""), row.cells.get("access_date", "")
                if is_date(published) and is_date(accessed) and accessed < published:
                    failures.append(access_failure(file, name, row.line, published, accessed))
        if {"date_precision", "date_start", "date_end"} <= set(table.field_names):
            for row in table_rows:
                precision = row.cells.get("date_precision", "")
                why = precision_reason(precision, row.cells.get("date_start", ""), row.cells.get("date_end", ""))
                if why:
                    failures.append(precision_failure(file, name, row.line, precision, why))
        failures += _parent_dates(table, file, table_rows)
    return failures


def _parent_dates(table: Table, file: str, rows: list[CsvRow]) -> list[Failure]:
    if not {"date_start", "date_end"} <= set(table.field_names):
        return []
    failures = []
    dates = {row.cells.get(table.primary_key, ""): _dates(row) for row in rows}  # the last row wins, as elsewhere
    for column in part_of_links(table):
        for row in rows:
            parent = row.cells.get(column, "")
            if parent and parent in dates and ends_before(_dates(row), dates[parent]):
                failures.append(
                    parent_date_failure(file, table.name, row.line, column, parent, _dates(row), dates[parent])
                )
    return failures


def _dates(row: CsvRow) -> tuple[str, str]:
    return row.cells.get("date_start", ""), row.cells.get("date_end", "")


# -- the DuckDB engine ------------------------------------------------------------------------------------------

# What a plain public web address looks like; anything else (no host, user info, brackets, another scheme,
# a host of digits or named localhost) is judged in Python.
PLAIN_URL = r"^https?://[A-Za-z0-9._~%!$&'()*+,;=-]+(:[0-9]*)?([/?#].*)?$"
SUSPECT_HOST = r"^https?://([0-9.]+|[^/?#]*localhost)([:/?#]|$)"
FACT = "fact__"


def consistency_read(table: Table) -> list[str]:
    """The columns the rules read, for the DuckDB engine's narrow table."""
    names = set(table.field_names)
    read = url_fields(table)
    read += ["date_published", "access_date"] if {"date_published", "access_date"} <= names else []
    read += (
        ["date_precision", "date_start", "date_end"] if {"date_precision", "date_start", "date_end"} <= names else []
    )
    read += ["date_start", "date_end"] if {"date_start", "date_end"} <= names else []
    return read + part_of_links(table)


def consistency_derived(table: Table) -> list[str]:
    """A record's fact as a digest (equal text, equal digest), so the long cells it joins stay in the file."""
    fact = fact_columns(table)
    if fact is None:
        return []
    columns, needed = fact
    joined = ", ".join(f"coalesce({sql_name(c)}, '')" for c in columns)
    filled = " AND ".join(f"{sql_name(c)} IS NOT NULL" for c in needed)
    return [f"CASE WHEN {filled} THEN md5(concat_ws({sql_text(FACT_SEPARATOR)}, {joined})) END AS {FACT}"]


def check_consistency_sql(engine: Queries) -> list[Failure]:
    """The rules in the DuckDB engine: SQL selects the rows that may break one, and the functions above judge them."""
    failures: list[Failure] = []
    for name, loaded in engine.loaded.items():
        table, view, file = loaded.table, engine.view(name), loaded.file
        found: list[tuple[int, int, Failure]] = []
        for position, column in enumerate(url_fields(table)):
            v = sql_name(column)
            for row, value in engine.fetch(
                f"SELECT row__, {v} FROM {view} WHERE {v} IS NOT NULL AND (NOT regexp_full_match({v}, "
                f"{sql_text(PLAIN_URL)}) OR regexp_matches({v}, {sql_text(SUSPECT_HOST)}))"
            ):
                why = url_reason(value)
                if why:
                    found.append(
                        (int(row), position, url_failure(file, name, loaded.line(int(row)), column, value, why))
                    )
        failures += [failure for _, _, failure in sorted(found, key=lambda item: item[:2])]
        key = sql_name(table.primary_key)
        if fact_columns(table) is not None:
            for row, own, first in engine.fetch(
                f"SELECT row__, coalesce({key}, ''), first FROM (SELECT row__, {key}, first_value(coalesce({key}, '')) "
                f"OVER (PARTITION BY {FACT} ORDER BY row__) AS first, row_number() OVER (PARTITION BY {FACT} "
                f"ORDER BY row__) AS n FROM {view} WHERE {FACT} IS NOT NULL) WHERE n > 1 ORDER BY row__"
            ):
                failures.append(duplicate_failure(table, file, loaded.line(int(row)), own, first))
        if {"date_published", "access_date"} <= set(table.field_names):
            for row, published, accessed in engine.fetch(
                f"SELECT row__, date_published, access_date FROM {view} WHERE length(date_published) = 10 "
                "AND length(access_date) = 10 AND access_date < date_published ORDER BY row__"
            ):
                if is_date(published) and is_date(accessed):
                    failures.append(access_failure(file, name, loaded.line(int(row)), published, accessed))
        if {"date_precision", "date_start", "date_end"} <= set(table.field_names):
            for row, precision, start, end in engine.fetch(
                f"SELECT row__, date_precision, coalesce(date_start, ''), coalesce(date_end, '') FROM {view} "
                f"WHERE date_precision IN ({sql_list(PRECISIONS)}) AND NOT coalesce({_precise()}, false) "
                "ORDER BY row__"
            ):
                why = precision_reason(precision, start, end)
                if why:
                    failures.append(precision_failure(file, name, loaded.line(int(row)), precision, why))
        failures += _parent_dates_sql(engine, name)
    return failures


def _precise() -> str:
    """SQL that is true only where ``precision_reason`` finds nothing to say."""
    return (
        "CASE date_precision "
        "WHEN 'day' THEN date_start IS NOT NULL AND date_start = date_end "
        "WHEN 'month' THEN substr(date_start, 9) = '01' "
        "AND (date_end IS NULL OR left(date_end, 7) = left(date_start, 7)) "
        "WHEN 'year' THEN substr(date_start, 6) = '01-01' "
        "AND (date_end IS NULL OR left(date_end, 4) = left(date_start, 4)) "
        "WHEN 'range' THEN date_start IS NOT NULL AND date_end IS NOT NULL "
        "WHEN 'not_after' THEN date_start IS NULL AND date_end IS NOT NULL "
        "WHEN 'unknown' THEN date_start IS NULL AND date_end IS NULL END"
    )


def _parent_dates_sql(engine: Queries, name: str) -> list[Failure]:
    loaded = engine.loaded[name]
    table = loaded.table
    if not {"date_start", "date_end"} <= set(table.field_names):
        return []
    failures = []
    key, view = sql_name(table.primary_key), engine.view(name)
    for column in part_of_links(table):
        v = sql_name(column)
        for row, parent, start, end, parent_start, parent_end in engine.fetch(
            f"SELECT c.row__, c.{v}, coalesce(c.date_start, ''), coalesce(c.date_end, ''), p.s, p.e FROM {view} c "
            f"JOIN (SELECT coalesce({key}, '') AS id, arg_max(coalesce(date_start, ''), row__) AS s, "
            f"arg_max(coalesce(date_end, ''), row__) AS e FROM {view} GROUP BY 1) p ON p.id = c.{v} "
            "WHERE length(c.date_end) = 10 AND length(p.s) = 10 AND c.date_end < p.s ORDER BY c.row__"
        ):
            if ends_before((start, end), (parent_start, parent_end)):
                failures.append(
                    parent_date_failure(
                        loaded.file,
                        name,
                        loaded.line(int(row)),
                        column,
                        parent,
                        (start, end),
                        (parent_start, parent_end),
                    )
                )
    return failures
