"""The regulatory timeline: one lane per instrument or action, each milestone named in words, vague dates vague;
below them one lane per kind of the other events (court rulings, filing lists, ...), as points.

Drawn for the full text width of a two-column journal page (180 mm) with no text under 6 pt. A day is a
dot; a range, month or year a bar as wide as what is known, fainter and hatched the vaguer it is; "not
after" a dashed line reaching back from its latest date. The March 2021 summons is emphasised. Labels are
placed so that none overlaps another (``labels.place_in_rows``); in a lane of one kind a label is printed only
where there is room near its point, and a note says how many are not (the HTML page names them all). Without
a CJK font no Chinese is printed, not even inside a title. Every artist carries its event's ID as its
gid, which the interactive page uses to show the sources.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from cacdata.share.pictures.fonts import NO_CJK_NOTE, has_cjk, use_fonts
from cacdata.share.pictures.labels import place_in_rows, renderer
from cacdata.share.pictures.lanes import KIND, Lane, Milestone, build_lanes, date_words
from cacdata.share.pictures.words import balanced, short_title, without_chinese

# How each precision is drawn; "not_after" is a dashed line instead.
STYLE: dict[str, dict[str, Any]] = {
    "day": {"alpha": 1.0},
    "range": {"alpha": 0.3, "hatch": ""},
    "month": {"alpha": 0.45, "hatch": "////"},
    "year": {"alpha": 0.25, "hatch": "xxxx"},
}
NOT_AFTER_REACH = pd.Timedelta(days=120)  # how far back the dashed "not after" line reaches
WIDTH_IN = 7.09  # 180 mm, a two-column journal page's text width
TITLE_COLUMN_IN = 2.0
RIGHT_IN = 0.15
FONT = 6.5  # points; nothing smaller than SMALL
SMALL = 6.0
LINE = 7.6  # points per line of FONT-sized text
LANE_MIN = 27.0  # points: a row of labels above the line and one below
HEADING = 14.0  # points above the first lane of one kind, for its heading
KIND_REACH = 10.0  # points a label in a lane of one kind may move from its point; beyond, it is left out
KINDS_HEADING = "Other events, by kind (named where there is room)"
INK, FOCUS, FOCUS_BAND, RULE = "#1f3b57", "#b2182b", "#fbe3d6", "#e4e4e4"


@dataclass(frozen=True)
class Timeline:
    """The drawn figure, its lanes, the events on it and those without a date, and the CJK font used."""

    figure: Figure
    lanes: list[Lane]
    drawn: list[str]  # event IDs on the axis
    undated: list[str]  # short titles of events without any date
    cjk_font: str | None
    unlabelled: list[str]  # event IDs drawn without a label for want of room


def draw_timeline(
    events: pd.DataFrame, citations: pd.DataFrame | None = None, sources: pd.DataFrame | None = None,
    entities: pd.DataFrame | None = None,
) -> Timeline:  # fmt: skip
    """Draw the lanes of ``events``; the other tables, when given, put each milestone's sources on it."""
    cjk = use_fonts()
    lanes, undated = build_lanes(events, citations, sources, entities)
    titles = [_lane_title(lane, cjk) for lane in lanes]
    heights = [max(LANE_MIN, LINE * t.count("\n") + LINE + 8) for t in titles]
    kinds_at = next((i for i, lane in enumerate(lanes) if lane.sort == KIND), None)
    if kinds_at is not None:
        heights[kinds_at] += HEADING
    kinds = kinds_at is not None
    notes = _notes(undated, cjk, 0 if kinds else None)  # sized now; the count is known once labels are placed
    top, bottom = 26.0, 56.0 + LINE * notes.count("\n")
    total = sum(heights)
    height = top + total + bottom
    figure = Figure(figsize=(WIDTH_IN, height / 72))
    left = TITLE_COLUMN_IN / WIDTH_IN
    axes = figure.add_axes((left, bottom / height, 1 - left - RIGHT_IN / WIDTH_IN, total / height))
    dates = [d for lane in lanes for m in items_of(lane) for d in (m.start, m.end) if d is not None]
    low, high = min(dates) - pd.Timedelta(days=150), max(dates) + pd.Timedelta(days=240)
    axes.set_xlim(_x(low), _x(high))
    axes.set_ylim(total, 0)  # y counts points from the top
    days_per_point = (high - low).days / (axes.get_position().width * WIDTH_IN * 72)
    drawn: list[str] = []
    unlabelled: list[str] = []
    y = 0.0
    for index, (lane, title, lane_height) in enumerate(zip(lanes, titles, heights, strict=True)):
        if index == kinds_at:
            axes.axhline(y, color="#999999", linewidth=0.6, zorder=0)
            axes.annotate(
                KINDS_HEADING, (0, y), xycoords=("axes fraction", "data"), xytext=(-TITLE_COLUMN_IN * 72 + 4, -3),
                textcoords="offset points", ha="left", va="top", fontsize=FONT, color=INK, fontstyle="italic",
                annotation_clip=False,
            )  # fmt: skip
            y += HEADING
            lane_height -= HEADING
        middle = y + lane_height / 2
        if lane.focus:
            axes.axhspan(y, y + lane_height, color=FOCUS_BAND, zorder=0, linewidth=0)
        axes.axhline(y + lane_height, color=RULE, linewidth=0.5, zorder=0)
        axes.annotate(
            title, (0, middle), xycoords=("axes fraction", "data"), xytext=(-6, 0), textcoords="offset points",
            ha="right", va="center", fontsize=FONT, color=FOCUS if lane.focus else INK,
            fontweight="bold" if lane.focus else "normal", linespacing=1.15,
        )  # fmt: skip
        colour = FOCUS if lane.focus else INK
        if lane.span is not None:
            _mark(axes, lane.span, middle, colour, span=True)
            drawn.append(lane.span.event_id)
        for item in lane.milestones:
            _mark(axes, item, middle, FOCUS if item.focus else colour, span=False)
            drawn.append(item.event_id)
        unlabelled += _label(axes, lane, middle, low, high, days_per_point, cjk)
        y += lane_height
    _focus_line(axes, lanes)
    axes.set_yticks([])
    for side in ("left", "right", "top"):
        axes.spines[side].set_visible(False)
    axes.xaxis.set_major_locator(mdates.YearLocator())  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    axes.tick_params(axis="x", labelsize=FONT, length=2)
    axes.grid(axis="x", color=RULE, linewidth=0.5)
    axes.set_axisbelow(True)
    figure.text(0.01, 1 - 6 / height, "The rules and actions around China's March 2021 summons of 11 companies",
                fontsize=8, fontweight="bold", va="top", color=INK)  # fmt: skip
    figure.legend(handles=_legend(), loc="lower left", bbox_to_anchor=(0.01, (12 + LINE * notes.count("\n")) / height),
                  fontsize=SMALL, frameon=False, ncols=5, handlelength=2.2, columnspacing=1.2)  # fmt: skip
    notes = _notes(undated, cjk, len(unlabelled) if kinds else None)
    figure.text(0.01, 4 / height, notes, fontsize=SMALL, va="bottom", color="#444444", linespacing=1.15)
    return Timeline(figure, lanes, drawn, undated, cjk, unlabelled)


def say(text: str, cjk: str | None) -> str:
    """Text as the picture prints it: whole where a CJK font can draw it, else with its Chinese taken out."""
    return text if cjk else without_chinese(text)


def _lane_title(lane: Lane, cjk: str | None) -> str:
    """The lane's short English title, wrapped, with its Chinese title beneath when it can be drawn."""
    lines = textwrap.wrap(say(lane.title, cjk), 36)
    if cjk and lane.chinese and has_cjk(lane.chinese):
        lines += balanced(lane.chinese, 19)
    return "\n".join(lines)


def _notes(undated: list[str], cjk: str | None, unlabelled: int | None) -> str:
    said = ["Hover over an event in timeline.html for its sources and excerpts; tick a kind there to show or hide it."]
    if unlabelled is not None:
        said.append(f"{unlabelled} of the points in the lanes by kind are unnamed for want of room; timeline.html "
                    "names every one.")  # fmt: skip
    if undated:
        titles = [say(title, cjk) for title in undated]
        said.append("Not drawn, no date known: " + "; ".join(titles) + ("" if titles[-1].endswith("…") else "."))
    if not cjk:
        said.append(NO_CJK_NOTE)
    return "\n".join(line for note in said for line in textwrap.wrap(note, 150))


def items_of(lane: Lane) -> list[Milestone]:
    """Everything drawn in a lane: the instrument's span, then its milestones."""
    return [*([lane.span] if lane.span else []), *lane.milestones]


def _mark(axes: Axes, item: Milestone, y: float, colour: str, span: bool) -> None:
    """Draw one event as vague as its date: a dot, a bar of its range, month or year, or a dashed 'not after'."""
    start, end = item.start, item.end
    if item.precision == "not_after" or start is None:
        assert end is not None
        axes.plot([_x(end - NOT_AFTER_REACH), _x(end)], [y, y], linestyle="--", color=colour,
                  linewidth=1.6 if span else 1.2, alpha=0.7, gid=item.event_id)  # fmt: skip
        axes.plot([_x(end)], [y], marker="<", markersize=4.5, color=colour, gid=f"{item.event_id}:end")
    elif item.precision == "day" or end is None or start == end:
        size = 6.5 if item.focus else 4.5
        axes.plot(
            [_x(start)], [y], marker="o", markersize=size, color=colour, linestyle="", gid=item.event_id, zorder=3
        )
    else:
        style = STYLE.get(item.precision, STYLE["range"])
        axes.barh(
            y, max((end - start).days, 3), left=_x(start), height=9 if span else 6, color=colour,
            alpha=style["alpha"], hatch=style.get("hatch", ""), edgecolor=colour, linewidth=0.4, gid=item.event_id,
        )  # fmt: skip


def _x(day: pd.Timestamp) -> float:
    """A day as matplotlib's date axis counts it."""
    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]


def _anchor(item: Milestone) -> pd.Timestamp:
    if item.start is None or item.precision == "not_after":
        assert item.end is not None
        return item.end - NOT_AFTER_REACH / 2
    if item.end is None or item.end == item.start:
        return item.start
    return item.start + (item.end - item.start) / 2


def _label(
    axes: Axes, lane: Lane, middle: float, low: pd.Timestamp, high: pd.Timestamp, per_point: float, cjk: str | None
) -> list[str]:
    """Name each milestone in words, in a row above or below the line, none on another; leaders where moved.

    In a lane of one kind a label that would move more than ``KIND_REACH`` from its point is left out; the
    IDs of the events left unnamed are returned. A label saying what the one before it at the same place
    says is not printed twice.
    """
    anchors, items, said = [], [], set()
    for item in lane.milestones:
        anchor = (_anchor(item) - low).days / per_point
        if (item.label, round(anchor)) not in said:
            said.add((item.label, round(anchor)))
            anchors.append(anchor)
            items.append(item)
    texts: list[Text] = []
    for item in items:
        weight = "bold" if item.focus else "normal"
        texts.append(axes.text(0, 0, say(item.label, cjk), fontsize=SMALL, color=FOCUS if item.focus else "#222222",
                               fontweight=weight, gid=f"{item.event_id}:label"))  # fmt: skip
    if not texts:
        return []
    render = renderer(axes.figure)  # type: ignore[arg-type]
    scale = 72 / axes.figure.dpi
    widths = [t.get_window_extent(render).width * scale for t in texts]
    reach = KIND_REACH if lane.sort == KIND else float("inf")
    slots = place_in_rows(anchors, widths, limit=(high - low).days / per_point, reach=reach)
    left_out = []
    for item, text, anchor, slot, width in zip(items, texts, anchors, slots, widths, strict=True):
        if slot is None:
            text.remove()
            left_out.append(item.event_id)
            continue
        above = slot.row == 0
        y = middle - 5 if above else middle + 5
        text.set_position((_x(low + pd.Timedelta(days=slot.left * per_point)), y))
        text.set_verticalalignment("bottom" if above else "top")
        centre = slot.left + width / 2
        if abs(centre - anchor) > 2:
            x = [_x(low + pd.Timedelta(days=p * per_point)) for p in (anchor, centre)]
            axes.plot(x, [middle - 2 if above else middle + 2, y], color="#999999", linewidth=0.4, zorder=1,
                      gid=f"{item.event_id}:leader")  # fmt: skip
    return left_out


def _focus_line(axes: Axes, lanes: list[Lane]) -> None:
    """A line across every lane at the March 2021 summons, named at the top of the axis."""
    focus = next((m for lane in lanes for m in items_of(lane) if m.focus), None)
    if focus is None or focus.end is None:
        return
    x = _x(focus.end)
    axes.axvline(x, color=FOCUS, linewidth=0.6, linestyle=":", zorder=0)
    said = f"{short_title(focus.title)}, {when(focus)}"  # the summons' title has no Chinese
    axes.annotate(said, (x, 0), xycoords="data", xytext=(0, 3), textcoords="offset points", ha="center",
                  va="bottom", fontsize=SMALL, color=FOCUS, fontweight="bold", annotation_clip=False)  # fmt: skip


def _legend() -> list[Any]:
    grey = "#555555"
    return [
        Line2D([], [], marker="o", linestyle="", markersize=4, color=grey, label="known to the day"),
        Patch(facecolor=grey, alpha=STYLE["range"]["alpha"], label="range (from first to last date)"),
        Patch(facecolor=grey, alpha=STYLE["month"]["alpha"], hatch=STYLE["month"]["hatch"], label="known to the month"),
        Patch(facecolor=grey, alpha=STYLE["year"]["alpha"], hatch=STYLE["year"]["hatch"], label="known to the year"),
        Line2D([], [], linestyle="--", marker="<", markersize=4, color=grey, alpha=0.7, label="not after"),
    ]


def rows(timeline: Timeline) -> list[list[str]]:
    """The table beside the picture in the HTML page: lane, kind, milestone, date in words, precision, title."""
    return [
        [lane.title, item.kind, item.label, when(item), item.precision, item.title]
        for lane in timeline.lanes
        for item in items_of(lane)
    ]


def when(item: Milestone) -> str:
    """A milestone's date in words, as vague as it is known."""
    return date_words({"date_start": item.start, "date_end": item.end, "date_precision": item.precision})
