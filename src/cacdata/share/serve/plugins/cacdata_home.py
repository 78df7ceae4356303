"""Datasette plugin: the home page opens on the story, and the pictures are served beside it.

The home page (templates/index.html) shows what happened in March 2021 (the event at the story's centre,
who summoned whom), the canned queries first, a search box across every searchable table, the timeline,
and then the package's tables, never the internal ones. The pictures are drawn from the served package on
first request (in a worker thread) and kept in memory.
"""

from __future__ import annotations

import asyncio
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

PLUGIN = "cacdata"
PICTURES = {"timeline.svg": "image/svg+xml", "timeline.html": "text/html", "network.svg": "image/svg+xml"}

STORY_SQL = """select event_id, title, description, date_start, date_end, date_precision, date_evidence
from events where event_id = :event"""
WHO_SQL = """select p.role, e.entity_id, e.name_en, e.name_original, e.entity_type
from participants p join entities e on e.entity_id = p.entity_id
where p.event_id = :event order by p.role, e.name_en"""


@hookimpl  # type: ignore[untyped-decorator]  # datasette ships no type hints
def extra_template_vars(template: str, datasette: Any, request: Any) -> Any:
    """The story, the canned queries and the visible tables, for the home page."""
    if template != "index.html":
        return None

    async def story() -> dict[str, Any]:
        config = datasette.plugin_config(PLUGIN) or {}
        name = next(iter(datasette.databases.keys() - {"_internal", "_memory"}), None)
        if name is None:
            return {}
        db = datasette.get_database(name)
        names = set(await db.table_names())
        hidden = set(await db.hidden_table_names())
        tables_meta = (datasette.metadata("databases") or {}).get(name, {}).get("tables", {})
        tables = []
        for table in config.get("keys", {}):  # the package's tables, in its order
            if table in names and table not in hidden and not tables_meta.get(table, {}).get("hidden"):
                count = (await db.execute(f"select count(*) from [{table}]")).rows[0][0]
                meta = tables_meta.get(table, {})
                tables.append({"name": table, "title": meta.get("title", table), "count": count,
                               "description": meta.get("description", "")})  # fmt: skip
        event, who = None, []
        if {"events", "participants", "entities"} <= names:
            rows = (await db.execute(STORY_SQL, {"event": config.get("focus_event")})).rows
            event = dict(rows[0]) if rows else None
            who = [dict(r) for r in (await db.execute(WHO_SQL, {"event": config.get("focus_event")})).rows]
        actor = request.actor if request else None
        queries = list((await datasette.get_canned_queries(name, actor)).values())
        return {"cacdata": {"database": name, "event": event, "who": who, "queries": queries, "tables": tables,
                            "searchable": bool(names & {f"{t['name']}_fts" for t in tables})}}  # fmt: skip

    return story


@hookimpl  # type: ignore[untyped-decorator]
def register_routes() -> list[tuple[str, Any]]:
    """The pictures of the served package, at /-/cacdata/<name>."""
    return [(r"^/-/cacdata/(?P<name>[a-z]+\.(svg|html))$", picture)]


async def picture(datasette: Any, request: Any) -> Response:
    """Draw the picture asked for (once), from the package the site serves."""
    name = request.url_vars["name"]
    if name not in PICTURES:
        return Response.text("no such picture", status=404)
    cache: dict[str, bytes] = datasette.__dict__.setdefault("_cacdata_pictures", {})
    if name not in cache:
        root = (datasette.plugin_config(PLUGIN) or {}).get("package")
        cache[name] = await asyncio.to_thread(_draw, name, root)
    return Response(cache[name], content_type=f"{PICTURES[name]}; charset=utf-8")


def _draw(name: str, root: str | None) -> bytes:
    from cacdata.describe.package import DataPackage
    from cacdata.share.pictures import draw, render

    picture, suffix = name.split(".")
    figure, page, _ = draw(picture, DataPackage.open(root))
    return page.encode("utf-8") if suffix == "html" else render(figure, ".svg")
