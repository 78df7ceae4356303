"""Pictures of the data: the regulatory timeline, and who summoned whom and who issued which rule.

Both are drawn with matplotlib from the loaded tables and saved as PNG (300 dpi), SVG or an HTML page: the
SVG inline, a table of what it shows for readers who cannot see it, and, for the timeline, each milestone's
sources shown on hover. ``draw_all`` writes every picture and a manifest (``pictures.json``) recording a
digest of what was drawn from, so a test can tell when the committed pictures are out of date. The same
inputs give the same bytes: metadata is fixed and SVG IDs are salted with a constant.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no screen: draw to files only

from matplotlib.figure import Figure

from cacdata.describe.atomic import check_target, write_bytes
from cacdata.describe.package import DataPackage

FORMATS = (".png", ".svg", ".html")
DPI = 300
MANIFEST = "pictures.json"
COMMAND = "cacdata pictures --out docs/images"
# What `cacdata pictures` writes, picture by picture.
OUTPUTS = {"timeline": (".png", ".svg", ".html"), "network": (".png", ".svg", ".html")}
TABLES = ("entities", "events", "participants", "citations", "sources")  # what the pictures are drawn from
HERE = Path(__file__).parent
ANY_FONT = "any"  # the digest takes the bilingual labels, whichever font this machine has


def render(figure: Figure, suffix: str) -> bytes:
    """The figure as PNG or SVG bytes, with metadata fixed so the same figure gives the same bytes."""
    buffer = io.BytesIO()
    if suffix == ".png":
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    else:
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def save(figure: Figure, out: Path, page: str | None = None) -> Path:
    """Write ``figure`` as PNG, SVG or (given the page's HTML) an HTML page, by the file's suffix."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{out}: the suffix must be one of {', '.join(FORMATS)}")
    if suffix == ".html":
        assert page is not None
        return write_bytes(out, page.encode("utf-8"))
    return write_bytes(out, render(figure, suffix))


def draw(picture: str, package: DataPackage) -> tuple[Figure, str, str]:
    """Draw ``timeline`` or ``network``: the figure, its HTML page and a one-line summary."""
    from cacdata.read.frames import read_table
    from cacdata.share.pictures.page import network_page, timeline_page

    tables = {name: read_table(package.table(name)) for name in TABLES if name in package.tables}
    if picture == "timeline":
        from cacdata.share.pictures.timeline import draw_timeline

        drawn = draw_timeline(tables["events"], tables.get("citations"), tables.get("sources"), tables["entities"])
        summary = f"{len(drawn.lanes)} lanes, {len(drawn.drawn)} events drawn, {len(drawn.undated)} without a date"
        return drawn.figure, timeline_page(drawn, render(drawn.figure, ".svg")), summary
    from cacdata.share.pictures.network import draw_network

    graph = draw_network(tables["entities"], tables["events"], tables["participants"])
    summary = f"{graph.graph.number_of_nodes()} nodes, {graph.graph.number_of_edges()} edges"
    return graph.figure, network_page(graph, render(graph.figure, ".svg")), summary


def draw_and_save(picture: str, package: DataPackage, out: Path) -> tuple[Path, str]:
    """Draw one picture and save it by the file's suffix; returns the file and a summary."""
    if out.suffix.lower() not in FORMATS:
        raise ValueError(f"{out}: the suffix must be one of {', '.join(FORMATS)}")
    check_target(out, package)  # before any drawing: the parent must exist, the package is never written
    figure, page, summary = draw(picture, package)
    return save(figure, out, page), summary


def draw_all(package: DataPackage, folder: Path) -> list[Path]:
    """Write every picture in every format into ``folder``, and the manifest that says what they show."""
    check_target(folder, package, folder=True)
    folder.mkdir(exist_ok=True)  # the folder named may be new; its parent must exist (check_target)
    written, files = [], {}
    for picture, suffixes in OUTPUTS.items():
        figure, page, _ = draw(picture, package)
        for suffix in suffixes:
            out = save(figure, folder / f"{picture}{suffix}", page)
            files[out.name] = hashlib.sha256(out.read_bytes()).hexdigest()
            written.append(out)
    manifest = {"command": COMMAND, "inputs_sha256": inputs_digest(package), "cjk_font": _cjk(), "files": files}
    written.append(write_bytes(folder / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode("utf-8")))
    return written


def inputs_digest(package: DataPackage) -> str:
    """A digest of what the pictures are drawn from: the drawn model of each picture and the drawing code."""
    from cacdata.read.frames import read_table
    from cacdata.share.pictures.lanes import build_lanes
    from cacdata.share.pictures.network import build_graph

    tables = {name: read_table(package.table(name)) for name in TABLES if name in package.tables}
    lanes, undated = build_lanes(tables["events"], tables.get("citations"), tables.get("sources"), tables["entities"])
    graph = build_graph(tables["entities"], tables["events"], tables["participants"], cjk=ANY_FONT)
    model: dict[str, Any] = {
        "lanes": [asdict(lane) for lane in lanes],
        "undated": undated,
        "nodes": sorted((str(n), sorted(d.items())) for n, d in graph.nodes(data=True)),
        "edges": sorted((str(a), str(b), str(d["role"])) for a, b, d in graph.edges(data=True)),
    }
    digest = hashlib.sha256(json.dumps(model, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8"))
    for code in sorted([*HERE.glob("*.py"), HERE.parent / "naming.py"]):
        digest.update(code.name.encode() + b"\0" + code.read_bytes())
    return digest.hexdigest()


def _cjk() -> str | None:
    from cacdata.share.pictures.fonts import cjk_font

    return cjk_font()
