"""What the timeline shows, before any drawing: lanes chosen from the data, their milestones in words.

Three sorts of lane, chosen by ``event_type`` and ``milestone``, never by ID:

- an *instrument*: an event of type regulation or standard with at least one child whose ``milestone`` is
  filled; its milestones are those children (draft, comment period, signed, published, in force);
- an *action*: a campaign, or the root of the story's centre (the March 2021 summons), with all its
  descendants not already in an instrument's lane;
- a *kind*: every other dated event, one lane per ``event_type`` (court rulings, filing lists, case lists,
  enforcement actions, announcements, ...), drawn as points and named where there is room.

So every dated event is in exactly one lane. Each milestone carries its kind and its sources, for the page
where hovering shows them and checkboxes filter by kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cacdata.share.naming import source_label
from cacdata.share.pictures.words import FOCUS_EVENT, chinese_title, milestone, short_title, subject

LABEL_LIMIT = 34  # characters of a milestone label that is not a milestone word
KIND_LIMIT = 30  # characters of a label in a lane of one kind, where room is short
INSTRUMENT_TYPES = ("regulation", "standard")  # with milestone children, each gets a lane of its own
ACTION_TYPES = ("campaign",)  # each gets a lane of its own, with whatever it holds
INSTRUMENT, ACTION, KIND = "instrument", "action", "kind"  # the sorts of lane
VAGUE_STEPS = ("other",)  # milestone values that say nothing a label could print


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
    kind: str = ""  # the event's event_type, by which the page filters
    sources: list[Source] = field(default_factory=list)


@dataclass(frozen=True)
class Lane:
    """One instrument or action: its short and Chinese titles, its own span and its milestones."""

    root: str
    title: str  # short English title
    chinese: str | None
    span: Milestone | None  # the instrument itself, drawn behind its milestones
    milestones: list[Milestone]
    sort: str = INSTRUMENT  # instrument, action or kind

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
    """Instrument and action lanes in order of their first date, then one lane per kind of the other events;
    and the short titles of the events with no date at all."""
    rows = {str(r["event_id"]): r for r in _records(events)}
    children: dict[str, list[str]] = {}
    for event_id, row in rows.items():
        parent = row["parent_event_id"]
        if isinstance(parent, str) and parent in rows:
            children.setdefault(parent, []).append(event_id)
    evidence = _evidence(citations, sources, entities)
    placed: set[str] = set()
    lanes: list[Lane] = []
    for root, row in rows.items():
        steps = [c for c in children.get(root, []) if _text(rows[c].get("milestone")) is not None]
        if row["event_type"] in INSTRUMENT_TYPES and steps:
            lanes.append(_lane(root, steps, rows, evidence, INSTRUMENT))
            placed.update([root, *steps])
    for root in [e for e in rows if rows[e]["event_type"] in ACTION_TYPES or e == _top(FOCUS_EVENT, rows)]:
        if root in placed:
            continue
        below = [e for e in _descendants(root, children) if e not in placed]
        lanes.append(_lane(root, below, rows, evidence, ACTION))
        placed.update([root, *below])
    lanes = [lane for lane in lanes if lane.milestones or lane.span]
    lanes.sort(key=lambda lane: (lane.first, lane.root))
    kinds: dict[str, list[str]] = {}
    for event_id, row in rows.items():
        if event_id not in placed and _day(row) is not None:
            kinds.setdefault(str(row["event_type"]), []).append(event_id)
    for kind in sorted(kinds, key=lambda k: (-len(kinds[k]), k)):
        dated = sorted(kinds[kind], key=lambda e: (_day(rows[e]), e))
        marks = [_milestone(rows[e], short_title(str(rows[e]["title"]), limit=KIND_LIMIT), evidence) for e in dated]
        lanes.append(Lane(kind, kind_title(kind), None, None, marks, KIND))
    undated = [short_title(str(row["title"])) for row in rows.values() if _day(row) is None]
    return lanes, undated


def kind_title(kind: str) -> str:
    """A lane's name for the events of one ``event_type``: 'court_ruling' gives 'Court rulings'."""
    return kind.replace("_", " ").capitalize() + "s"


def _lane(
    root: str, below: list[str], rows: dict[str, dict[str, Any]], evidence: dict[str, list[Source]], sort: str
) -> Lane:
    """One instrument or action: its span behind, its dated milestones on it, named in words."""
    row = rows[root]
    below = sorted(below, key=lambda e: (_day(rows[e]) or pd.Timestamp.max, e))
    name = subject([str(rows[e]["title"]) for e in below]) or short_title(str(row["title"]))
    marks = [_milestone(rows[e], _label(rows[e]), evidence) for e in below if _day(rows[e]) is not None]
    span = None
    if _day(row) is not None and below and _spans(row):
        span = _milestone(row, name, evidence)  # a rule's life, drawn behind its milestones
    elif _day(row) is not None:  # the event itself is a milestone of its lane
        marks.insert(0, _milestone(row, _step(row) or milestone(str(row["title"])) or date_words(row), evidence))
    return Lane(root, name, chinese_title(_text(row["description"])), span, marks, sort)


def _top(event_id: str, rows: dict[str, dict[str, Any]]) -> str | None:
    """The event at the top of ``event_id``'s chain of parents; None if there is no such event."""
    seen: list[str] = []
    while event_id in rows and event_id not in seen:
        seen.append(event_id)
        parent = rows[event_id]["parent_event_id"]
        if not (isinstance(parent, str) and parent in rows):
            return event_id
        event_id = parent
    return None


def _step(row: dict[str, Any]) -> str | None:
    """The event's ``milestone`` in words ('in force'), None when empty or too vague to print."""
    step = _text(row.get("milestone"))
    return None if step is None or step in VAGUE_STEPS else step.replace("_", " ")


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


def _label(row: dict[str, Any]) -> str:
    """A milestone's words: its ``milestone`` column where filled, else read from its title."""
    title = str(row["title"])
    return _step(row) or milestone(title) or short_title(title, limit=LABEL_LIMIT)


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
        kind=str(row["event_type"]),
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
