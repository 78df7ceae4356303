"""Datasette metadata generated from ``datapackage.json`` and the schemas: nothing is written twice.

Every table the package has is described and shown (a new table appears with no change here); the tables
only the export needs (``_cacdata_*``) are hidden, as Datasette hides the full-text indexes
itself. The canned queries are built from
the columns the package has, so a column added later (``quotes.hand``) shows up without an edit.
"""

from __future__ import annotations

from typing import Any

from cacdata.describe.package import DataPackage, Table
from cacdata.share.exports.fields import foreign_keys
from cacdata.share.exports.sqlite_db import FIELDS_TABLE, TABLES_TABLE
from cacdata.share.naming import source_label_sql
from cacdata.share.story import COMPANY, CONVENED, FOCUS_EVENT, SUMMONED

# The fields that name a record best, in order of preference; otherwise a table's first plain text field.
NAME_FIELDS = ("name_en", "name", "title", "text", "alias", "claim", "excerpt")
NOT_A_NAME = ("notes", "description")
LABEL_LIMIT = 80  # characters of a label shown in a link
PLUGIN = "cacdata"  # the plugin's configuration key (plugins/cacdata_citations.py)


def label_column(table: Table) -> str | None:
    """The column that names a row of ``table`` where another row links to it, read from its schema."""
    keys = {table.primary_key} | {column for column, _, _ in foreign_keys(table)}
    plain = [
        f.name
        for f in table.fields
        if f.type == "string"
        and f.name not in keys
        and not f.name.endswith("_id")
        and f.name not in NOT_A_NAME
        and f.enum is None
    ]
    return next((name for name in NAME_FIELDS if name in plain), plain[0] if plain else None)


def label_sql(package: DataPackage, name: str) -> str:
    """SQL giving ``label`` for the row of table ``name`` whose key is ``:id`` (a source without a title is
    named by publisher and date, by the rule in ``cacdata.share.naming``)."""
    table = package.table(name)
    if name == "sources" and "entities" in package.tables:
        return (
            f"select {source_label_sql('s', 'pub')} as label from sources s "
            "left join entities pub on pub.entity_id = s.publisher_id where s.source_id = :id"
        )
    column = label_column(table)
    said = f"[{column}]" if column else f"[{table.primary_key}]"
    return f"select {said} as label from [{name}] where [{table.primary_key}] = :id"


def metadata(package: DataPackage, database: str) -> dict[str, Any]:
    """Datasette's metadata: titles, descriptions, licence, labels, hidden tables, canned queries, plugin set-up."""
    descriptor = package.descriptor
    licence = (descriptor.get("licenses") or [{}])[0]
    tables: dict[str, Any] = {}
    for name, table in package.tables.items():
        tables[name] = {
            "title": table.title,
            "description": table.description,
            "columns": {field.name: field.description for field in table.fields},
        }
        column = label_column(table)
        if column:
            tables[name]["label_column"] = column
    for internal in (TABLES_TABLE, FIELDS_TABLE):
        tables[internal] = {"description": "Kept for the export: the schemas' descriptions.", "hidden": True}
    return {
        "title": descriptor.get("title", descriptor.get("name", "")),
        "description": descriptor.get("description", ""),
        "license": licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": f"cacdata {package.version}",
        "databases": {database: {"tables": tables, "queries": queries(package)}},
        "plugins": {
            PLUGIN: {
                "prefixes": {table.id_prefix: name for name, table in package.tables.items()},
                "keys": {name: table.primary_key for name, table in package.tables.items()},
                "labels": {name: label_sql(package, name) for name in package.tables},
                "label_limit": LABEL_LIMIT,
                "focus_event": FOCUS_EVENT,
                "package": str(package.root),  # the pictures are drawn from the package served
            }
        },
    }


def queries(package: DataPackage) -> dict[str, dict[str, str]]:
    """The canned queries, each answering one question exactly, built from the columns the package has."""
    found: dict[str, dict[str, str]] = {}
    names = set(package.tables)
    if {"participants", "entities", "citations", "sources"} <= names:
        found["companies_summoned"] = {
            "title": "The 11 companies summoned in March 2021, with the evidence",
            "description": (
                "Each company summoned in the March 2021 summons, with its Chinese name, who summoned it, and "
                "every source saying so (its title) with the excerpt copied from it."
            ),
            "sql": _companies_sql(),
        }
    if {"quotes", "entities", "citations", "sources"} <= names:
        found["quotes_by_speaker"] = {
            "title": "Quotes by speaker, first- or second-hand, with sources",
            "description": (
                "Every quotation and paraphrase by who is said to have spoken: how it is attributed, whether the "
                "words reached the source first-hand, the notes, and each source with its excerpt."
            ),
            "sql": _quotes_sql(package.table("quotes")),
        }
    if "events" in names:
        found["timeline"] = {
            "title": "Events in date order, with how precise each date is",
            "description": (
                "Every event from the earliest; a date may be known to the day, month or year, as a range, or "
                "only as 'not after'. Events with no date come last."
            ),
            "sql": _events_sql(package.table("events")),
        }
    return found


def _evidence(record_ids: str) -> tuple[str, str]:
    """Columns listing the sources (titles) and excerpts of the citations of ``record_ids``."""
    cited = (
        f"from citations c join sources s on s.source_id = c.source_id "
        f"left join entities pub on pub.entity_id = s.publisher_id where c.record_id in ({record_ids})"
    )
    label = source_label_sql("s", "pub")
    sources = (
        f"(select group_concat(label, char(10)) from (select distinct {label} as label {cited} order by c.citation_id))"
    )
    excerpts = (
        f"(select group_concat(said, char(10) || char(10)) from "
        f"(select distinct '“' || c.excerpt || '” (' || {label} || ')' as said {cited} order by c.citation_id))"
    )
    return sources, excerpts


def _companies_sql() -> str:
    sources, excerpts = _evidence("p.participant_id, e.entity_id")
    return f"""select e.entity_id, e.name_en as company, e.name_original as chinese_name,
  (select group_concat(o.name_en, '; ') from participants q join entities o on o.entity_id = q.entity_id
   where q.event_id = p.event_id and q.role = '{CONVENED}') as summoned_by,
  p.event_id,
  {sources} as sources,
  {excerpts} as excerpts
from participants p join entities e on e.entity_id = p.entity_id
where p.event_id = '{FOCUS_EVENT}' and p.role = '{SUMMONED}' and e.entity_type = '{COMPANY}'
order by e.name_en"""


def _quotes_sql(quotes: Table) -> str:
    """Second-hand status from ``hand`` and ``first_printed_by`` where the schema has them; the notes always."""
    have = set(quotes.field_names)
    sources, excerpts = _evidence("q.quote_id")
    hand = "q.hand" if "hand" in have else "null"
    printed = "q.first_printed_by" if "first_printed_by" in have else "null"
    return f"""select q.speaker_id, e.name_en as speaker, q.quote_id, q.text, q.attribution,
  {hand} as hand, {printed} as first_printed_by, q.notes, q.language, q.translation, q.rendering_of, q.event_id,
  {sources} as sources,
  {excerpts} as excerpts
from quotes q join entities e on e.entity_id = q.speaker_id
order by e.name_en, q.quote_id"""


def _events_sql(events: Table) -> str:
    have = [c for c in ("date_basis", "date_evidence", "parent_event_id") if c in events.field_names]
    extra = "".join(f", {c}" for c in have)
    return f"""select event_id, title, date_start, date_end, date_precision{extra}, event_type
from events
order by coalesce(date_start, date_end) is null, coalesce(date_start, date_end), date_end, event_id"""
