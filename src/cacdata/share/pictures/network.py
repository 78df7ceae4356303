"""The network as an answer: who summoned whom in March 2021, and who issued which rule.

Three layers read left to right: the bodies that issued or convened, the events (the March 2021 summons
and each rule), and those summoned. Every node is named (in Chinese too, where a font can draw it); labels
are stacked in their column with room for every line, so none overlaps another; roles are a legend.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import networkx as nx
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from cacdata.share.pictures.fonts import NO_CJK_NOTE, bilingual, use_fonts
from cacdata.share.pictures.labels import renderer
from cacdata.share.pictures.lanes import build_lanes, date_words
from cacdata.share.pictures.timeline import FOCUS, INK, WIDTH_IN
from cacdata.share.pictures.words import FOCUS_EVENT, balanced, short_title

RULE_TYPE = "regulation"  # the event_type of a rule (schemas/events.schema.json)
LEFT_ROLES = ("issued", "convened")  # who acted: drawn on the left
RIGHT_ROLES = ("summoned", "subject", "target")  # who was acted on: drawn on the right
ROLE_COLOUR = {"issued": "#2b6a99", "convened": "#7a4f9a", "summoned": FOCUS, "subject": "#8c6d1f", "target": "#8c6d1f"}
FONT, LINE, GAP = 6.5, 7.6, 6.0  # points
BOX_PAD = 0.35  # an event box's padding, in font sizes
X_LEFT, X_EVENT, X_RIGHT = 192.0, 310.0, 422.0  # points from the figure's left edge


@dataclass(frozen=True)
class Network:
    """The drawn figure, the graph it shows, and the CJK font it used (None: no Chinese drawn)."""

    figure: Figure
    graph: nx.Graph
    cjk_font: str | None


def build_graph(entities: pd.DataFrame, events: pd.DataFrame, participants: pd.DataFrame, cjk: str | None) -> nx.Graph:
    """Nodes for the summons, each rule and their participants (named, bilingual), an edge per role taken."""
    lanes, _ = build_lanes(events)
    rule_names = {lane.root: (lane.title, lane.chinese) for lane in lanes}
    kinds = dict(zip(events["event_id"], events["event_type"].astype(str), strict=True))
    roots = set(events.loc[events["parent_event_id"].isna(), "event_id"])
    issued = set(participants.loc[participants["role"] == "issued", "event_id"])
    shown = {FOCUS_EVENT} | {e for e in roots & issued if kinds.get(e) == RULE_TYPE}
    names = entities.set_index("entity_id")
    rows = events.set_index("event_id")
    graph = nx.Graph()
    for event_id in sorted(shown):
        row = rows.loc[event_id]
        english, chinese = rule_names.get(event_id, (short_title(str(row["title"])), None))
        when = date_words({"date_start": row["date_start"], "date_end": row["date_end"],
                           "date_precision": row["date_precision"]})  # fmt: skip
        label = "\n".join(textwrap.wrap(english, 24) + ([when] if event_id == FOCUS_EVENT else []))
        label = bilingual(label, "\n".join(balanced(chinese or "", 15)) or None, cjk)
        first = row["date_start"] if pd.notna(row["date_start"]) else row["date_end"]
        graph.add_node(event_id, kind="event", label=label, order=(first, event_id), focus=event_id == FOCUS_EVENT)
    for part in participants.itertuples():
        role = str(part.role)
        if part.event_id not in shown or role not in LEFT_ROLES + RIGHT_ROLES:
            continue
        entity = names.loc[str(part.entity_id)]
        original = "\n".join(balanced(str(entity["name_original"]), 16)) if pd.notna(entity["name_original"]) else None
        label = bilingual("\n".join(textwrap.wrap(str(entity["name_en"]), 30)), original, cjk)
        side = "left" if role in LEFT_ROLES else "right"
        graph.add_node(part.entity_id, kind=side, label=label, name=str(entity["name_en"]))
        graph.add_edge(part.entity_id, part.event_id, role=role)
    return graph


def draw_network(entities: pd.DataFrame, events: pd.DataFrame, participants: pd.DataFrame) -> Network:
    """Draw the three layers, each label in its own slot, edges coloured by role, roles in a legend."""
    cjk = use_fonts()
    graph = build_graph(entities, events, participants, cjk)
    event_nodes = sorted((n for n, d in graph.nodes(data=True) if d["kind"] == "event"),
                         key=lambda n: graph.nodes[n]["order"])  # fmt: skip
    rank = {n: i for i, n in enumerate(event_nodes)}
    left = sorted((n for n, d in graph.nodes(data=True) if d["kind"] == "left"),
                  key=lambda n: (sum(rank[e] for e in graph[n]) / len(graph[n]), graph.nodes[n]["name"]))  # fmt: skip
    right = sorted((n for n, d in graph.nodes(data=True) if d["kind"] == "right"), key=lambda n: graph.nodes[n]["name"])
    columns = {"left": _stack(graph, left, 4.0), "event": _stack(graph, event_nodes, 14.0),
               "right": _stack(graph, right, 4.0)}  # fmt: skip
    body = max(sum(h for _, h in column) for column in columns.values())
    top, bottom = 30.0, 30.0 + (0 if cjk else LINE)
    height = top + body + bottom
    figure = Figure(figsize=(WIDTH_IN, height / 72))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, WIDTH_IN * 72)
    axes.set_ylim(height, 0)
    axes.set_axis_off()
    where: dict[str, float] = {}
    for _name, column in columns.items():
        y = top + (body - sum(h for _, h in column)) / 2
        for node, node_height in column:
            where[node] = y + node_height / 2
            y += node_height
    for node in left + right:
        kind, y = graph.nodes[node]["kind"], where[node]
        x = X_LEFT if kind == "left" else X_RIGHT
        axes.plot([x], [y], marker="o", markersize=3.5, color=INK, zorder=2, gid=node)
        axes.text(x - 5 if kind == "left" else x + 5, y, graph.nodes[node]["label"], fontsize=FONT,
                  va="center", ha="right" if kind == "left" else "left", linespacing=1.15, color=INK,
                  gid=f"{node}:label")  # fmt: skip
    boxes = {}
    for node in event_nodes:
        focus = graph.nodes[node]["focus"]
        boxes[node] = axes.text(
            X_EVENT, where[node], graph.nodes[node]["label"], fontsize=FONT, ha="center", va="center",
            linespacing=1.15, color=FOCUS if focus else INK, fontweight="bold" if focus else "normal",
            bbox={"boxstyle": f"round,pad={BOX_PAD}", "facecolor": "#fbe3d6" if focus else "#eef2f6",
                  "edgecolor": FOCUS if focus else "#9aaabb", "linewidth": 0.6},
            zorder=3, gid=node,
        )  # fmt: skip
    _edges(axes, graph, where, boxes)
    figure.text(0.01, 1 - 6 / height, "Who summoned whom in March 2021, and who issued which rule", fontsize=8,
                fontweight="bold", va="top", color=INK)  # fmt: skip
    roles = [r for r in (*LEFT_ROLES, *RIGHT_ROLES) if any(d["role"] == r for *_, d in graph.edges(data=True))]
    handles = [Line2D([], [], color=ROLE_COLOUR[r], linewidth=1.2, label=r) for r in roles]
    figure.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, (4 + (0 if cjk else LINE)) / height),
                  fontsize=FONT, frameon=False, ncols=len(handles), title="role", title_fontsize=FONT,
                  alignment="left")  # fmt: skip
    if not cjk:
        figure.text(0.01, 3 / height, NO_CJK_NOTE, fontsize=6, va="bottom", color="#444444")
    return Network(figure, graph, cjk)


def _edges(axes: Axes, graph: nx.Graph, where: dict[str, float], boxes: dict[str, Text]) -> None:
    """An edge per role taken, coloured by role: slanting across the gap between the columns, then level
    into its event's box, so that it never runs under another box."""
    render = renderer(axes.figure)  # type: ignore[arg-type]
    to_points = axes.transData.inverted()
    sides = {}
    pad = BOX_PAD * FONT  # the box's padding, in points (one data unit is one point here)
    for node, text in boxes.items():
        extent = to_points.transform(text.get_window_extent(render))
        sides[node] = (float(min(extent[:, 0])) - pad, float(max(extent[:, 0])) + pad)
    inner_left = min(left for left, _ in sides.values())
    inner_right = max(right for _, right in sides.values())
    for a, b, data in sorted(graph.edges(data=True)):
        entity, event = (a, b) if graph.nodes[a]["kind"] != "event" else (b, a)
        if graph.nodes[entity]["kind"] == "left":
            x = [X_LEFT, inner_left, sides[event][0]]
        else:
            x = [X_RIGHT, inner_right, sides[event][1]]
        axes.plot(x, [where[entity], where[event], where[event]], color=ROLE_COLOUR[data["role"]], linewidth=0.8,
                  alpha=0.75, zorder=1, gid=f"{entity}:{event}")  # fmt: skip


def _stack(graph: nx.Graph, nodes: list[str], pad: float) -> list[tuple[str, float]]:
    """Each node with the height its label needs: a line per line of text, plus padding."""
    return [(n, LINE * (str(graph.nodes[n]["label"]).count("\n") + 1) + pad + GAP / 2) for n in nodes]


def rows(graph: nx.Graph) -> list[list[str]]:
    """The table beside the picture in the HTML page: who, in what role, which event (names, not IDs)."""
    out = []
    for a, b, data in sorted(graph.edges(data=True)):
        entity, event = (a, b) if graph.nodes[a]["kind"] != "event" else (b, a)
        out.append(
            [str(graph.nodes[entity]["name"]), str(data["role"]), " ".join(str(graph.nodes[event]["label"]).split())]
        )
    return out
