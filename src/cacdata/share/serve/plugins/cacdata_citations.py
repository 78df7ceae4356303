"""Datasette plugin: give each record's page the citations behind it (see templates/row.html)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_decode

from cacdata.share.naming import source_label_sql

CITATIONS_SQL = f"""select c.citation_id, c.field, c.excerpt, c.locator, s.source_id,
  {source_label_sql("s", "e")} as title, nullif(s.title, '') is not null as titled,
  s.url, s.read_at_url, e.name_en as publisher
from citations c
join sources s on s.source_id = c.source_id
left join entities e on e.entity_id = s.publisher_id
where c.record_id = :record_id
order by c.citation_id"""


@hookimpl  # type: ignore[untyped-decorator]  # datasette ships no type hints
def extra_template_vars(
    view_name: str, request: Any, database: str, table: str, datasette: Any
) -> Callable[[], Awaitable[dict[str, Any]]] | None:
    """Datasette hook: on a record's page, fetch its citations for the template; None elsewhere."""
    if view_name != "row" or request is None or table == "citations":
        return None

    async def citations() -> dict[str, Any]:
        record_id = tilde_decode(request.url_vars.get("pks", ""))
        db = datasette.get_database(database)
        if "citations" not in await db.table_names():
            return {}
        rows = await db.execute(CITATIONS_SQL, {"record_id": record_id})
        return {"cacdata_citations": [dict(row) for row in rows]}

    return citations
