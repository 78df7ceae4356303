"""Pictures: every dated event on the axis, drawn as vague as its date, every participation an edge."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from typer.testing import CliRunner

import cacdata
from cacdata.cli import app
from cacdata.share.pictures.network import draw_network
from cacdata.share.pictures.timeline import STYLE, draw_timeline

from conftest import REPO

EVENTS = cacdata.load("events")


def test_every_dated_event_is_drawn_and_the_undated_are_named() -> None:
    drawn = draw_timeline(EVENTS)
    dated = EVENTS["date_start"].notna() | EVENTS["date_end"].notna()
    assert sorted(drawn.drawn) == sorted(EVENTS.loc[dated, "event_id"])
    assert sorted(drawn.undated) == sorted(EVENTS.loc[~dated, "event_id"])


def test_a_vague_date_looks_vague() -> None:
    figure = draw_timeline(EVENTS).figure
    artists = {a.get_gid(): a for a in figure.axes[0].get_children() if a.get_gid()}
    for event in EVENTS.itertuples():
        artist = artists.get(event.event_id)
        if artist is None:
            continue
        if event.date_precision == "not_after":
            assert isinstance(artist, Line2D) and artist.get_linestyle() == "--", event.event_id
        elif event.date_start == event.date_end:
            assert isinstance(artist, Line2D) and artist.get_marker() == "o", event.event_id
        else:
            bar = next(iter(artist.patches)) if hasattr(artist, "patches") else artist
            assert isinstance(bar, Rectangle)
            assert bar.get_alpha() == STYLE.get(str(event.date_precision), STYLE["range"])["alpha"], event.event_id


def test_every_participation_is_an_edge_with_its_role() -> None:
    participants = cacdata.load("participants")
    graph = draw_network(cacdata.load("entities"), EVENTS, participants).graph
    assert graph.number_of_edges() == len(participants.drop_duplicates(["entity_id", "event_id"]))
    for row in participants.itertuples():
        assert graph.has_edge(row.entity_id, row.event_id)


@pytest.mark.parametrize("command", ["timeline", "network"])
@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_the_commands_write_each_format(command: str, suffix: str, tmp_path: Path) -> None:
    out = tmp_path / f"{command}{suffix}"
    result = CliRunner().invoke(app, [command, "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output == ""  # --quiet
    data = out.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    elif suffix == ".svg":
        assert ElementTree.fromstring(data).tag.endswith("svg")
    else:
        text = data.decode()
        assert "<svg" in text and text.count("<tr>") > 10


def test_an_unknown_picture_format_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["timeline", "--out", str(tmp_path / "t.gif")])
    assert result.exit_code == 2 and "suffix" in result.output


def test_the_readme_shows_both_pictures_and_how_to_redraw_them() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ("timeline", "network"):
        assert re.search(rf"!\[[^\]]*\]\(docs/images/{name}\.png\)", readme), name
        assert f"cacdata {name} --out docs/images/{name}.png" in readme
        assert (REPO / "docs" / "images" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
