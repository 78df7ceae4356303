"""The events on a time axis, one lane per kind of event, drawn so that a vague date looks vague.

A day is a dot; a range, month or year a bar as wide as what is known, fainter and hatched the vaguer it
is; "not after" a dashed line fading back from its latest date; events with no date are counted in a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

# How each precision is drawn; every artist carries the event's ID as its gid.
STYLE: dict[str, dict[str, Any]] = {
    "day": {"alpha": 1.0},
    "range": {"alpha": 0.7, "hatch": ""},
    "month": {"alpha": 0.45, "hatch": "//"},
    "year": {"alpha": 0.25, "hatch": "xx"},
}
NOT_AFTER_REACH = pd.Timedelta(days=90)  # how far back the dashed "not after" line reaches


@dataclass(frozen=True)
class Timeline:
    figure: Figure
    drawn: list[str]  # event IDs on the axis
    undated: list[str]  # event IDs without any date


def draw_timeline(events: pd.DataFrame) -> Timeline:
    kinds = sorted(str(kind) for kind in events["event_type"].dropna().unique())
    lane = {kind: index for index, kind in enumerate(kinds)}
    figure = Figure(figsize=(13, 1.2 + 0.9 * len(kinds)), layout="constrained")
    axes = figure.add_subplot()
    palette = [f"C{index}" for index in range(len(kinds))]
    drawn, undated = [], []
    labelled = 0
    for row in _records(events.sort_values(["date_start", "date_end"], na_position="last")):
        start, end = row["date_start"], row["date_end"]
        if pd.isna(start) and pd.isna(end):
            undated.append(row["event_id"])
            continue
        y = lane[str(row["event_type"])]
        colour = palette[y]
        precision = str(row["date_precision"])
        if precision == "not_after" or pd.isna(start):
            axes.plot(
                [end - NOT_AFTER_REACH, end], [y, y], linestyle="--", color=colour, alpha=0.6, gid=row["event_id"]
            )
            axes.plot([end], [y], marker="<", color=colour, alpha=0.8, gid=f"{row['event_id']}:end")
        elif precision == "day" or pd.isna(end) or start == end:
            axes.plot([start], [y], marker="o", markersize=7, color=colour, gid=row["event_id"])
        else:
            style = STYLE.get(precision, STYLE["range"])
            width = max(end - start, pd.Timedelta(days=2))
            axes.barh(
                y, width, left=start, height=0.35, color=colour, alpha=style["alpha"],
                hatch=style.get("hatch", ""), edgecolor=colour, gid=row["event_id"],
            )  # fmt: skip
        axes.annotate(
            row["event_id"], (end if pd.isna(start) else start, y), xytext=(0, 9 + 9 * (labelled % 3)),
            textcoords="offset points", fontsize=6.5, rotation=0, ha="left", color="#333333",
        )  # fmt: skip
        labelled += 1
        drawn.append(row["event_id"])
    axes.set_yticks(range(len(kinds)), [kind.replace("_", " ") for kind in kinds])
    axes.set_ylim(-0.7, len(kinds) - 0.2)
    axes.xaxis.set_major_locator(mdates.YearLocator())  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    axes.grid(axis="x", color="#dddddd")
    axes.set_title("cacdata: events by kind and date (a vague date is drawn vague)", loc="left")
    legend = [
        Line2D([], [], marker="o", linestyle="", color="#555555", label="known to the day"),
        Patch(facecolor="#555555", alpha=STYLE["range"]["alpha"], label="range"),
        Patch(facecolor="#555555", alpha=STYLE["month"]["alpha"], hatch="//", label="known to the month"),
        Patch(facecolor="#555555", alpha=STYLE["year"]["alpha"], hatch="xx", label="known to the year"),
        Line2D([], [], linestyle="--", marker="<", color="#555555", alpha=0.6, label="not after"),
    ]
    axes.legend(handles=legend, loc="upper left", fontsize=8, frameon=False, ncols=5)
    if undated:
        axes.text(1, 1.01, f"not shown, no date known: {', '.join(undated)}", fontsize=7, ha="right",
                  transform=axes.transAxes)  # fmt: skip
    return Timeline(figure, drawn, undated)


def rows(events: pd.DataFrame) -> list[list[str]]:
    """The table beside the picture in the HTML page."""
    return [
        [
            str(r["event_id"]),
            _date(r["date_start"]),
            _date(r["date_end"]),
            str(r["date_precision"]),
            str(r["event_type"]),
            str(r["title"]),
        ]
        for r in _records(events)
    ]


def _date(value: Any) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(key): value for key, value in record.items()} for record in frame.to_dict("records")]
