"""Standalone HTML pages for the pictures: the SVG inline, a table of what it shows, and sources on hover.

Everything is inline (styles, script, data, the SVG with its glyphs as outlines): the page fetches nothing,
so it opens offline and leaks no reader's visit. Hovering or focusing an event shows its title, date and
each source behind it, with its excerpt. On the timeline's page, one checkbox per kind of event
(``event_type``) shows or hides the events of that kind, in the picture and in the table alike.
"""

from __future__ import annotations

import html
import json
from typing import Any

from cacdata.share.pictures.lanes import Milestone
from cacdata.share.pictures.network import Network
from cacdata.share.pictures.network import rows as network_rows
from cacdata.share.pictures.timeline import Timeline, items_of, when
from cacdata.share.pictures.timeline import rows as timeline_rows

STYLE = """body{font-family:"DejaVu Sans","WenQuanYi Zen Hei",sans-serif;max-width:74rem;margin:1rem auto;
padding:0 1rem}
figure{margin:0}figure svg{width:100%;height:auto}
#tip{position:fixed;display:none;max-width:32rem;background:#fff;border:1px solid #888;padding:.5rem .75rem;
box-shadow:0 2px 8px #0003;font-size:.85rem;pointer-events:none}
#tip blockquote{margin:.25rem 0 .5rem 1rem;color:#333}
svg *{pointer-events:none}
svg g[data-event]{cursor:pointer;pointer-events:bounding-box}svg g[data-event]:focus{outline:2px solid #b2182b}
table{border-collapse:collapse;font-size:.85rem}
td,th{border-bottom:1px solid #ddd;padding:.2rem .5rem;text-align:left}
#kinds{display:flex;flex-wrap:wrap;gap:.25rem 1rem;border:0;padding:0;margin:.5rem 0}"""

SCRIPT = """const events = JSON.parse(document.getElementById('events').textContent);
const tip = document.getElementById('tip');
function text(tag, said) { const e = document.createElement(tag); e.textContent = said; return e; }
function show(event, id) {
  const e = events[id];
  tip.replaceChildren(text('strong', e.title), text('div', e.date + ' (' + e.precision + ')'));
  if (!e.sources.length) tip.append(text('p', 'No source cited for this event.'));
  for (const s of e.sources) {
    tip.append(text('div', s.label)); if (s.excerpt) tip.append(text('blockquote', s.excerpt));
  }
  const box = event.target.getBoundingClientRect();
  tip.style.left = Math.min(box.right + 8, innerWidth - tip.offsetWidth - 8) + 'px';
  tip.style.top = Math.min(box.bottom + 8, innerHeight - 40) + 'px'; tip.style.display = 'block';
}
for (const g of document.querySelectorAll('svg g[id]')) {
  const id = g.id.split(':')[0];
  if (!(id in events)) continue;
  g.dataset.event = id; g.setAttribute('tabindex', '0');
  g.addEventListener('mouseenter', e => show(e, id)); g.addEventListener('focus', e => show(e, id));
  g.addEventListener('mouseleave', () => tip.style.display = 'none');
  g.addEventListener('blur', () => tip.style.display = 'none');
}
function filter() {
  const hidden = new Set([...document.querySelectorAll('#kinds input')].filter(b => !b.checked).map(b => b.value));
  for (const g of document.querySelectorAll('svg g[data-event]'))
    g.style.display = hidden.has(events[g.dataset.event].kind) ? 'none' : '';
  for (const row of document.querySelectorAll('tr[data-kind]')) row.hidden = hidden.has(row.dataset.kind);
}
for (const box of document.querySelectorAll('#kinds input')) box.addEventListener('change', filter);"""


def timeline_page(timeline: Timeline, svg: bytes) -> str:
    """The timeline with every dated event's sources on hover, a filter by kind, and the table of events."""
    events = {item.event_id: _event(item) for lane in timeline.lanes for item in items_of(lane)}
    header = ["lane", "kind", "milestone or event", "date", "precision", "title"]
    intro = ("Hover over (or tab to) an event to see the sources behind it and what they say; untick a kind to hide "
             "its events. A vague date is drawn vague: a dot is a day, a bar a range, month or year, a dashed line "
             "'not after'. The table names every dated event, those left unnamed in the picture for want of room "
             "too.")  # fmt: skip
    return _page("The rules and actions around China's March 2021 summons", intro, svg, header,
                 timeline_rows(timeline), events, kind_column=1)  # fmt: skip


def network_page(network: Network, svg: bytes) -> str:
    """The network with the table of who took which role in which event."""
    intro = "Who issued or convened (left), the event (middle), who was summoned (right); the colour is the role."
    return _page("Who summoned whom in March 2021, and who issued which rule", intro, svg,
                 ["who", "role", "event"], network_rows(network.graph), {})  # fmt: skip


def _event(item: Milestone) -> dict[str, Any]:
    return {
        "title": item.title,
        "kind": item.kind,
        "date": when(item),
        "precision": item.precision.replace("_", " "),
        "sources": [{"label": s.label, "excerpt": s.excerpt, "address": s.address} for s in item.sources],
    }


def _page(
    title: str, intro: str, svg: bytes, header: list[str], rows: list[list[str]], events: dict[str, Any],
    kind_column: int | None = None,
) -> str:  # fmt: skip
    """The page; with ``kind_column``, each row carries that cell as its kind and a checkbox per kind filters."""
    drawing = svg.decode("utf-8")
    drawing = drawing[drawing.index("<svg") :]
    data = json.dumps(events, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
    body = "".join(
        ("<tr>" if kind_column is None else f'<tr data-kind="{html.escape(row[kind_column])}">')
        + "".join(f"<td>{html.escape(c)}</td>" for c in row)
        + "</tr>\n"
        for row in rows
    )
    kinds = "" if kind_column is None else _kinds(sorted({row[kind_column] for row in rows}))
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
        f"<style>{STYLE}</style></head>\n<body><h1>{html.escape(title)}</h1>\n<p>{html.escape(intro)}</p>\n"
        f'{kinds}<figure>{drawing}</figure>\n<div id="tip" role="tooltip"></div>\n'
        f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>\n"
        f'<script type="application/json" id="events">{data}</script>\n<script>{SCRIPT}</script>\n'
        "</body></html>\n"
    )


def _kinds(kinds: list[str]) -> str:
    """One checkbox per kind of event, all ticked: untick one to hide its events."""
    boxes = "".join(
        f'<label><input type="checkbox" value="{html.escape(kind)}" checked> {html.escape(kind.replace("_", " "))}'
        "</label>"
        for kind in kinds
    )
    return f'<fieldset id="kinds"><legend>Show events of kind</legend>{boxes}</fieldset>\n'
