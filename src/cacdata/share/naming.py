"""How a record is named for readers where its own name is missing: one rule, in Python and in SQL.

Half the sources have no title (none was seen); they are named by publisher and date instead, and say so.
The pictures use the Python form, the site's canned queries and links the SQL form; a test checks they agree.
"""

from __future__ import annotations

UNTITLED = "untitled"


def source_label(source_id: str, title: str | None, publisher: str | None, published: str | None) -> str:
    """A source's title, or 'Publisher, date (untitled)' when it has none."""
    if title:
        return title
    said = ", ".join(part for part in (publisher, published) if part) or source_id
    return f"{said} ({UNTITLED})"


def source_label_sql(source: str = "s", publisher: str = "pub") -> str:
    """The same rule as an SQL expression over ``sources`` (alias ``source``) and its publisher entity."""
    return (
        f"coalesce(nullif({source}.title, ''), "
        f"coalesce(nullif(ltrim(coalesce({publisher}.name_en, '') || coalesce(', ' || {source}.date_published, ''),"
        f" ', '), ''), {source}.source_id) || ' ({UNTITLED})')"
    )
