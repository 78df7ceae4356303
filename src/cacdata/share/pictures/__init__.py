"""Pictures of the data: the events on a time axis, and who took part in what as a graph.

Both are drawn with matplotlib from the loaded tables and saved as PNG, SVG or HTML (the SVG inline, with
a table of what it shows, for readers who cannot see it).
"""

from __future__ import annotations

import html
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen: draw to files only

from matplotlib.figure import Figure

from cacdata.describe.atomic import check_target, replacing
from cacdata.describe.package import DataPackage

FORMATS = (".png", ".svg", ".html")


def save(figure: Figure, out: Path, title: str, rows: list[list[str]], header: list[str]) -> Path:
    """Write ``figure`` as PNG, SVG or an HTML page, by the file's suffix; metadata fixed for stable files."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{out}: the suffix must be one of {', '.join(FORMATS)}")
    with replacing(out) as temporary:  # the old picture stays whole until the new one is complete
        _write(figure, temporary, suffix, title, rows, header)
    return out


def _write(figure: Figure, out: Path, suffix: str, title: str, rows: list[list[str]], header: list[str]) -> None:
    if suffix == ".png":
        figure.savefig(out, format="png", dpi=110, metadata={"Software": None})
    elif suffix == ".svg":
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    else:
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        svg = buffer.getvalue()
        svg = svg[svg.index("<svg") :]
        table = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>\n" for row in rows)
        head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
        out.write_text(
            f'<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
            f"<body><h1>{html.escape(title)}</h1>\n<figure>{svg}</figure>\n"
            f"<table><thead><tr>{head}</tr></thead><tbody>\n{table}</tbody></table></body></html>\n",
            encoding="utf-8",
        )


def draw_and_save(picture: str, package: DataPackage, out: Path) -> tuple[Path, str]:
    """Draw ``timeline`` or ``network`` from the package's tables and save it; returns the file and a summary."""
    from cacdata.read.frames import read_table

    if out.suffix.lower() not in FORMATS:
        raise ValueError(f"{out}: the suffix must be one of {', '.join(FORMATS)}")
    check_target(out, package)  # before any drawing: the parent must exist, the package is never written
    if picture == "timeline":
        from cacdata.share.pictures.timeline import draw_timeline
        from cacdata.share.pictures.timeline import rows as timeline_rows

        events = read_table(package.table("events"))
        drawn = draw_timeline(events)
        header = ["event", "start", "end", "precision", "kind", "title"]
        saved = save(drawn.figure, out, "cacdata: timeline of events", timeline_rows(events), header)
        return saved, f"{len(drawn.drawn)} events drawn, {len(drawn.undated)} without a date"
    from cacdata.share.pictures.network import draw_network
    from cacdata.share.pictures.network import rows as network_rows

    tables = {name: read_table(package.table(name)) for name in ("entities", "events", "participants")}
    graph = draw_network(tables["entities"], tables["events"], tables["participants"])
    saved = save(graph.figure, out, "cacdata: network", network_rows(graph.graph), ["entity", "role", "event"])
    return saved, f"{graph.graph.number_of_nodes()} nodes, {graph.graph.number_of_edges()} edges"
