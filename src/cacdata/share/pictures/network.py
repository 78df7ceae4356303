"""Entities and events as a graph: an edge for each participation, coloured by the role taken.

networkx lays the graph out (seeded, so the same data gives the same picture) and matplotlib draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

SEED = 2021


@dataclass(frozen=True)
class Network:
    figure: Figure
    graph: nx.Graph


def build_graph(entities: pd.DataFrame, events: pd.DataFrame, participants: pd.DataFrame) -> nx.Graph:
    graph = nx.Graph()
    names = entities.set_index("entity_id")
    titles = events.set_index("event_id")
    for row in _records(participants):
        if row["entity_id"] not in graph:
            graph.add_node(row["entity_id"], kind="entity", label=str(names.at[row["entity_id"], "name_en"]),
                           entity_type=str(names.at[row["entity_id"], "entity_type"]))  # fmt: skip
        if row["event_id"] not in graph:
            graph.add_node(
                row["event_id"],
                kind="event",
                label=str(row["event_id"]),
                title=str(titles.at[row["event_id"], "title"]),
            )
        graph.add_edge(row["entity_id"], row["event_id"], role=str(row["role"]))
    return graph


def draw_network(entities: pd.DataFrame, events: pd.DataFrame, participants: pd.DataFrame) -> Network:
    graph = build_graph(entities, events, participants)
    roles = sorted({data["role"] for _, _, data in graph.edges(data=True)})
    colour = {role: f"C{index}" for index, role in enumerate(roles)}
    position = nx.spring_layout(graph, seed=SEED, k=0.55)
    figure = Figure(figsize=(14, 11), layout="constrained")
    axes = figure.add_subplot()
    axes.set_axis_off()
    for role in roles:
        edges = [(a, b) for a, b, data in graph.edges(data=True) if data["role"] == role]
        nx.draw_networkx_edges(graph, position, edgelist=edges, edge_color=colour[role], width=1.4, alpha=0.8, ax=axes)
    event_nodes = [n for n, data in graph.nodes(data=True) if data["kind"] == "event"]
    entity_nodes = [n for n, data in graph.nodes(data=True) if data["kind"] == "entity"]
    nx.draw_networkx_nodes(
        graph, position, nodelist=event_nodes, node_shape="s", node_color="#444444", node_size=110, ax=axes
    )
    nx.draw_networkx_nodes(graph, position, nodelist=entity_nodes, node_color="#9ecae1", node_size=70, ax=axes)
    labels = {n: _short(data["label"]) for n, data in graph.nodes(data=True)}
    nx.draw_networkx_labels(graph, position, labels=labels, font_size=6.5, ax=axes)
    handles = [Line2D([], [], color=colour[role], label=role) for role in roles]
    handles += [
        Line2D([], [], marker="s", linestyle="", color="#444444", label="event"),
        Line2D([], [], marker="o", linestyle="", color="#9ecae1", label="entity"),
    ]
    axes.legend(handles=handles, loc="lower left", fontsize=8, frameon=False, title="role")
    axes.set_title("cacdata: who took part in which event, and in what role", loc="left")
    return Network(figure, graph)


def rows(graph: nx.Graph) -> list[list[str]]:
    return [
        [str(graph.nodes[a]["label"]), str(data["role"]), str(b)] if graph.nodes[a]["kind"] == "entity"
        else [str(graph.nodes[b]["label"]), str(data["role"]), str(a)]
        for a, b, data in sorted(graph.edges(data=True))
    ]  # fmt: skip


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(key): value for key, value in record.items()} for record in frame.to_dict("records")]
