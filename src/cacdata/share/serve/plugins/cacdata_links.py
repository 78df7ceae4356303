"""Datasette plugin: every reference to a record is a link named by the record, on every page.

Datasette names foreign keys on table pages only, and not at all on record pages or in query results. An
ID names its table by its prefix (``ent-0031`` is in ``entities``), so any cell holding exactly one ID (a
foreign key, a citation's ``record_id``, a quote's ``rendering_of``) becomes a link showing the target's
name, with the ID beside it. The prefixes and the SQL that names each table's rows come from the package,
through the metadata (``metadata.py``); nothing here knows a table by name.
"""

from __future__ import annotations

import re
from typing import Any

import markupsafe
from datasette import hookimpl
from datasette.utils import tilde_encode

PLUGIN = "cacdata"
ID = re.compile(r"^([a-z]+)-\d+$")


@hookimpl  # type: ignore[untyped-decorator]  # datasette ships no type hints
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """A link named by its target for a cell that holds one record's ID (or Datasette's expanded key)."""
    config = datasette.plugin_config(PLUGIN) or {}
    raw = value.get("value") if isinstance(value, dict) else value
    if not isinstance(raw, str):
        return None
    match = ID.match(raw)
    target = config.get("prefixes", {}).get(match.group(1)) if match else None
    if target is None or (target == table and column == config.get("keys", {}).get(target)):
        return None  # a row's own key stays as Datasette shows it

    async def link() -> markupsafe.Markup | None:
        label = await _label(datasette, database, target, raw, config)
        href = datasette.urls.row(database, target, tilde_encode(raw))
        if label is None:
            return markupsafe.Markup('<a href="{}">{}</a>').format(href, raw)
        return markupsafe.Markup('<a href="{}" class="cacdata-ref">{}</a> <small class="cacdata-id">{}</small>').format(
            href, label, raw
        )

    return link


async def _label(datasette: Any, database: str, table: str, record_id: str, config: dict[str, Any]) -> str | None:
    """The record's name, from the label SQL the metadata gives for its table; cached, the data never changes."""
    cache: dict[tuple[str, str], str | None] = datasette.__dict__.setdefault("_cacdata_labels", {})
    key = (table, record_id)
    if key not in cache:
        sql = config.get("labels", {}).get(table)
        label = None
        if sql:
            rows = (await datasette.get_database(database).execute(sql, {"id": record_id})).rows
            label = str(rows[0][0]) if rows and rows[0][0] else None
        limit = int(config.get("label_limit", 80))
        if label and len(label) > limit:
            label = label[: limit - 1].rstrip() + "…"
        cache[key] = label
    return cache[key]
