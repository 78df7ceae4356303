"""Datasette metadata generated from ``datapackage.json`` and the schemas: nothing is written twice."""

from __future__ import annotations

from typing import Any

from cacdata.describe.package import DataPackage
from cacdata.share.exports.sqlite_db import FIELDS_TABLE, TABLES_TABLE

# The column Datasette shows in place of an ID wherever another table links to the row.
LABELS = {"entities": "name_en", "events": "title", "sources": "title", "quotes": "text"}

QUERIES = {
    "companies_summoned": {
        "title": "Companies summoned, with citations",
        "description": "Each entity in the role 'summoned', the event, and the excerpts that support it.",
        "sql": """select e.name_en as company, e.name_original as name_in_chinese, p.event_id, ev.title as event,
  c.excerpt, s.title as source, coalesce(s.url, s.read_at_url) as address
from participants p
join entities e on e.entity_id = p.entity_id
join events ev on ev.event_id = p.event_id
left join citations c on c.record_id = p.participant_id
left join sources s on s.source_id = c.source_id
where p.role = 'summoned'
order by ev.event_id, e.name_en""",
    },
    "quotes_by_speaker": {
        "title": "Quotes by speaker",
        "description": "Every quotation and paraphrase, by who is said to have spoken, with language and translation, "
        "whether the source has the words first- or second-hand, and who printed them first.",
        "sql": """select e.name_en as speaker, q.quote_id, q.text, q.language, q.attribution, q.translation,
  q.hand, q.first_printed_by, q.rendering_of, q.event_id, q.weakly_sourced
from quotes q join entities e on e.entity_id = q.speaker_id
order by e.name_en, q.quote_id""",
    },
    "timeline": {
        "title": "Events in date order",
        "description": "Events with their dates, how precise they are and how they are known.",
        "sql": """select event_id, date_start, date_end, date_precision, date_basis, event_type, title
from events order by coalesce(date_start, date_end), event_id""",
    },
}


def metadata(package: DataPackage, database: str) -> dict[str, Any]:
    descriptor = package.descriptor
    licence = (descriptor.get("licenses") or [{}])[0]
    tables: dict[str, Any] = {}
    for name, table in package.tables.items():
        tables[name] = {
            "title": table.title,
            "description": table.description,
            "columns": {field.name: field.description for field in table.fields},
        }
        if name in LABELS:
            tables[name]["label_column"] = LABELS[name]
    tables[TABLES_TABLE] = {"description": "The tables and their descriptions, from the schemas.", "hidden": True}
    tables[FIELDS_TABLE] = {"description": "Every field's type and description, from the schemas.", "hidden": True}
    return {
        "title": descriptor.get("title", descriptor.get("name", "")),
        "description": descriptor.get("description", ""),
        "license": licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": f"cacdata {package.version}",
        "databases": {database: {"tables": tables, "queries": QUERIES}},
    }
