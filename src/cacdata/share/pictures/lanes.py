"""What the timeline shows, before any drawing: one lane per instrument or action, its milestones in words.

A lane is an event without a parent (a rule, the March 2021 drive, a campaign, an action); its milestones
are its descendants through ``parent_event_id`` (a rule's draft, adoption, signature, publication and entry
into force), or the event itself when it has none. Each milestone carries its sources, for the page where
hovering shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cacdata.share.naming import source_label
from cacdata.share.pictures.words import FOCUS_EVENT, chinese_title, milestone, short_title, subject

LABEL_LIMIT = 34  # characters of a milestone label that is not a milestone word


@dataclass(frozen=True)
class Source:
    """One source behind a milestone, as the hover shows it: its name, the excerpt, its address."""

    label: str
    excerpt: str
    address: str


@dataclass(frozen=True)
class Milestone:
    """One dated event in a lane, with the words printed beside it and the sources behind it."""

    event_id: str
    label: str  # the words printed beside it
    title: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    precision: str
    focus: bool
    sources: list[Source] = field(default_factory=list)


@dataclass(frozen=True)
class Lane:
    """One instrument or action: its short and Chinese titles, its own span and its milestones."""

    root: str
    title: str  # short English title
    chinese: str | None
    span: Milestone | None  # the instrument itself, drawn behind its milestones
    milestones: list[Milestone]

    @property
    def focus(self) -> bool:
        """Whether the lane holds the event at the story's centre (drawn emphasised)."""
        return any(m.focus for m in self.milestones) or (self.span is not None and self.span.focus)

    @property
    def first(self) -> pd.Timestamp:
        """The lane's earliest date, by which lanes are ordered."""
        dates = [d for m in [*self.milestones, *([self.span] if self.span else [])] for d in (m.start, m.end) if d]
        return min(dates)


def build_lanes(
    events: pd.DataFrame, citations: pd.DataFrame | None = None, sources: pd.DataFrame | None = None,
    entities: pd.DataFrame | None = None,
) -> tuple[list[Lane], list[str]]:  # fmt: skip
    """The lanes in order of their first date, and the short titles of events with no date at all."""
    rows = {str(r["event_id"]): r for r in _records(events)}
    children: dict[str, list[str]] = {}
    for event_id, row in rows.items():
        parent = row["parent_event_id"]
        if isinstance(parent, str) and parent in rows:
            children.setdefault(parent, []).append(event_id)
    evidence = _evidence(citations, sources, entities)
    lanes, undated = [], []
    for root, row in rows.items():
        if isinstance(row["parent_event_id"], str) and row["parent_event_id"] in rows:
            continue
        below = sorted(_descendants(root, children), key=lambda e: (_day(rows[e]) or pd.Timestamp.max, e))
        titles = [str(rows[e]["title"]) for e in below]
        name = subject(titles) or short_title(str(row["title"]))
        dated = [e for e in below if _day(rows[e]) is not None]
        marks = [_milestone(rows[e], _label(str(rows[e]["title"])), evidence) for e in dated]
        span = None
        if _day(row) is not None and below and _spans(row):
            span = _milestone(row, name, evidence)  # a rule's life, drawn behind its milestones
        elif _day(row) is not None:  # the event itself is a milestone of its lane
            marks.insert(0, _milestone(row, milestone(str(row["title"])) or date_words(row), evidence))
        if not marks and span is None:
            undated.append(short_title(str(row["title"])))
            continue
        lanes.append(Lane(root, name, chinese_title(_text(row["description"])), span, marks))
    lanes.sort(key=lambda lane: (lane.first, lane.root))
    return lanes, undated


def date_words(row: dict[str, Any]) -> str:
    """A date as a reader says it, as vague as it is known: '2 Nov 2020', 'Mar 2021', 'by 18 Mar 2021'."""
    start, end, precision = _ts(row["date_start"]), _ts(row["date_end"]), str(row["date_precision"])
    if precision == "not_after" or start is None:
        return f"by {_day_words(end)}" if end is not None else ""
    if precision == "month":
        return start.strftime("%b %Y")
    if precision == "year":
        return start.strftime("%Y")
    if end is not None and end != start:
        return f"{_day_words(start)} to {_day_words(end)}"
    return _day_words(start)


def _label(title: str) -> str:
    return milestone(title) or short_title(title, limit=LABEL_LIMIT)


def _spans(row: dict[str, Any]) -> bool:
    """Whether an event's date covers a stretch of time (a range, month, year or 'not after')."""
    return str(row["date_precision"]) != "day" and _ts(row["date_start"]) != _ts(row["date_end"])


def _milestone(row: dict[str, Any], label: str, evidence: dict[str, list[Source]]) -> Milestone:
    event_id = str(row["event_id"])
    return Milestone(
        event_id=event_id,
        label=label,
        title=str(row["title"]),
        start=_ts(row["date_start"]),
        end=_ts(row["date_end"]),
        precision=str(row["date_precision"]),
        focus=event_id == FOCUS_EVENT,
        sources=evidence.get(event_id, []),
    )


def _evidence(
    citations: pd.DataFrame | None, sources: pd.DataFrame | None, entities: pd.DataFrame | None
) -> dict[str, list[Source]]:
    if citations is None or sources is None:
        return {}
    names = {} if entities is None else dict(zip(entities["entity_id"], entities["name_en"], strict=True))
    by_id = {str(s["source_id"]): s for s in _records(sources)}
    found: dict[str, list[Source]] = {}
    for c in _records(citations.sort_values("citation_id")):
        s = by_id.get(str(c["source_id"]))
        if s is None:
            continue
        published = _ts(s["date_published"])
        label = source_label(
            str(s["source_id"]), _text(s["title"]), names.get(_text(s["publisher_id"]) or ""),
            published.date().isoformat() if published is not None else None,
        )  # fmt: skip
        address = _text(s["url"]) or _text(s["read_at_url"]) or ""
        found.setdefault(str(c["record_id"]), []).append(Source(label, _text(c["excerpt"]) or "", address))
    return found


def _descendants(root: str, children: dict[str, list[str]]) -> list[str]:
    out, todo = [], list(children.get(root, []))
    while todo:
        event = todo.pop()
        if event not in out:
            out.append(event)
            todo.extend(children.get(event, []))
    return out


def _day(row: dict[str, Any]) -> pd.Timestamp | None:
    return _ts(row["date_start"]) or _ts(row["date_end"])


def _day_words(day: pd.Timestamp) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def _ts(value: Any) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def _text(value: Any) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "" else str(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(key): value for key, value in record.items()} for record in frame.to_dict("records")]
