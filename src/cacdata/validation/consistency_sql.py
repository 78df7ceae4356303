"""The rules of ``consistency`` in the DuckDB engine: SQL picks the rows that may break a rule, Python judges.

Each query over-approximates (it may select a row the rule accepts, never skip one it refuses), and every
selected row goes through the very function the row-by-row path applies, so the failures are the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cacdata.describe.package import Table
from cacdata.validation.consistency import (
    FACT_SEPARATOR,
    PRECISIONS,
    access_failure,
    duplicate_failure,
    ends_before,
    fact_columns,
    parent_date_failure,
    part_of_links,
    precision_failure,
    precision_fault,
    url_failure,
    url_fault,
    url_fields,
)
from cacdata.validation.report import Failure
from cacdata.validation.semantics import is_date

if TYPE_CHECKING:
    from cacdata.validation.tabular import Engine

# What a plain public web address looks like; anything else (no host, user info, brackets, another scheme,
# a host of digits or named localhost) is judged in Python.
PLAIN_URL = r"^https?://[A-Za-z0-9._~%!$&'()*+,;=-]+(:[0-9]*)?([/?#].*)?$"
SUSPECT_HOST = r"^https?://([0-9.]+|[^/?#]*localhost)([:/?#]|$)"
FACT = "fact__"


def _name(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def kept(table: Table) -> list[str]:
    """The columns and values the rules read, for the engine's narrow table (one SQL expression each)."""
    names = set(table.field_names)
    expressions = [_name(column) for column in url_fields(table)]
    fact = fact_columns(table)
    if fact is not None:  # the fact as a digest: equal text, equal digest, and the long cells stay in the file
        columns, needed = fact
        joined = ", ".join(f"coalesce({_name(c)}, '')" for c in columns)
        filled = " AND ".join(f"{_name(c)} IS NOT NULL" for c in needed)
        expressions.append(f"CASE WHEN {filled} THEN md5(concat_ws({_text(FACT_SEPARATOR)}, {joined})) END AS {FACT}")
    expressions += [_name(c) for c in ("date_published", "access_date") if {"date_published", "access_date"} <= names]
    if {"date_precision", "date_start", "date_end"} <= names:
        expressions.append(_name("date_precision"))
    return expressions


def check(engine: Engine) -> list[Failure]:
    """The consistency rules over every loaded table, in the row-by-row path's order."""
    failures: list[Failure] = []
    for name, loaded in engine.loaded.items():
        table, view, file = loaded.table, engine.view(name), loaded.file
        found: list[tuple[int, int, Failure]] = []
        for position, column in enumerate(url_fields(table)):
            v = _name(column)
            for row, value in engine._fetch(
                f"SELECT row__, {v} FROM {view} WHERE {v} IS NOT NULL AND (NOT regexp_full_match({v}, "
                f"{_text(PLAIN_URL)}) OR regexp_matches({v}, {_text(SUSPECT_HOST)}))"
            ):
                why = url_fault(value)
                if why:
                    found.append(
                        (int(row), position, url_failure(file, name, loaded.line(int(row)), column, value, why))
                    )
        failures += [failure for _, _, failure in sorted(found, key=lambda item: item[:2])]
        key = _name(table.primary_key)
        if fact_columns(table) is not None:
            for row, own, first in engine._fetch(
                f"SELECT row__, coalesce({key}, ''), first FROM (SELECT row__, {key}, first_value(coalesce({key}, '')) "
                f"OVER (PARTITION BY {FACT} ORDER BY row__) AS first, row_number() OVER (PARTITION BY {FACT} "
                f"ORDER BY row__) AS n FROM {view} WHERE {FACT} IS NOT NULL) WHERE n > 1 ORDER BY row__"
            ):
                failures.append(duplicate_failure(table, file, loaded.line(int(row)), own, first))
        if {"date_published", "access_date"} <= set(table.field_names):
            for row, published, accessed in engine._fetch(
                f"SELECT row__, date_published, access_date FROM {view} WHERE length(date_published) = 10 "
                "AND length(access_date) = 10 AND access_date < date_published ORDER BY row__"
            ):
                if is_date(published) and is_date(accessed):
                    failures.append(access_failure(file, name, loaded.line(int(row)), published, accessed))
        if {"date_precision", "date_start", "date_end"} <= set(table.field_names):
            for row, precision, start, end in engine._fetch(
                f"SELECT row__, date_precision, coalesce(date_start, ''), coalesce(date_end, '') FROM {view} "
                f"WHERE date_precision IN ({', '.join(map(_text, PRECISIONS))}) AND NOT coalesce({_precise()}, false) "
                "ORDER BY row__"
            ):
                why = precision_fault(precision, start, end)
                if why:
                    failures.append(precision_failure(file, name, loaded.line(int(row)), precision, why))
        failures += _parent_dates(engine, name)
    return failures


def _precise() -> str:
    """SQL that is true only where ``precision_fault`` finds nothing to say."""
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


def _parent_dates(engine: Engine, name: str) -> list[Failure]:
    loaded = engine.loaded[name]
    table = loaded.table
    if not {"date_start", "date_end"} <= set(table.field_names):
        return []
    failures = []
    key, view = _name(table.primary_key), engine.view(name)
    for column in part_of_links(table):
        v = _name(column)
        for row, parent, start, end, parent_start, parent_end in engine._fetch(
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
