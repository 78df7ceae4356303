"""Pictures: lanes and milestones from the data, in words; vague dates vague; names, not IDs; no label on
another; Chinese drawn with a real font (or left out, with a note); the committed pictures current."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import warnings
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from typer.testing import CliRunner

import cacdata
from cacdata.cli import app
from cacdata.describe.package import DataPackage
from cacdata.share.pictures import MANIFEST, OUTPUTS, draw_all, inputs_digest
from cacdata.share.pictures import fonts as font_module
from cacdata.share.pictures.fonts import NO_CJK_NOTE, cjk_font, covers, has_cjk
from cacdata.share.pictures.labels import overlapping, place_in_rows
from cacdata.share.pictures.lanes import ACTION, INSTRUMENT, KIND, kind_title
from cacdata.share.pictures.network import draw_network
from cacdata.share.pictures.timeline import FOCUS, STYLE, WIDTH_IN, draw_timeline
from cacdata.share.pictures.words import FOCUS_EVENT, chinese_title, milestone, short_title, subject, without_chinese

from conftest import REPO

EVENTS = cacdata.load("events")
ENTITIES = cacdata.load("entities")
PARTICIPANTS = cacdata.load("participants")
CITATIONS = cacdata.load("citations")
SOURCES = cacdata.load("sources")
ID = re.compile(r"\b[a-z]{3}-\d{4}\b")
DATED = EVENTS["date_start"].notna() | EVENTS["date_end"].notna()
IMAGES = REPO / "docs" / "images"
# CI installs a CJK font (.ci/run); elsewhere its absence skips only the tests that need it.
needs_cjk = pytest.mark.skipif(
    cjk_font() is None and not os.environ.get("CI"), reason="no CJK font installed (Debian: fonts-wqy-zenhei)"
)


def timeline() -> Figure:
    return draw_timeline(EVENTS, CITATIONS, SOURCES, ENTITIES).figure


def network() -> Figure:
    return draw_network(ENTITIES, EVENTS, PARTICIPANTS).figure


def texts(figure: Figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_text().strip()]


def test_milestone_words_short_titles_and_chinese_titles_are_read_from_the_data() -> None:
    assert milestone("Deep synthesis provisions take effect") == "in force"
    assert milestone("Draft deep synthesis provisions released for comment") == "draft"
    assert milestone("2018 security-assessment provisions issued and published") == "issued and published"
    assert milestone("Clubhouse blocked in China") is None
    assert subject(["Labelling measures published", "Labelling measures take effect"]) == "Labelling measures"
    assert subject(["Summons of 11 companies", "CAC publishes the statement"]) is None  # shared by fewer than two
    assert short_title("Summons of 11 companies over voice social software and deep-fake applications") == (
        "Summons of 11 companies"
    )
    assert len(short_title("x " * 60)) <= 45
    assert (
        chinese_title("Rules, 《互联网信息服务深度合成管理规定》 (Order No. 12)")
        == "《互联网信息服务深度合成管理规定》"
    )
    assert chinese_title("no title here") is None


def test_without_chinese_takes_the_chinese_out_of_a_title_and_leaves_no_empty_brackets() -> None:
    assert without_chinese("MPS annual 'Jingwang' (净网, clean network) campaigns") == (
        "MPS annual 'Jingwang' (clean network) campaigns"
    )
    assert without_chinese("Filing (备案) and registration (登记) of services") == "Filing and registration of services"
    assert without_chinese("Measures issued by notice 国信办通字\u30142025\u30152号") == "Measures issued by notice"
    assert without_chinese("Deep synthesis provisions") == "Deep synthesis provisions"


def test_each_instrument_is_a_lane_of_its_milestones_named_in_words() -> None:
    drawn = draw_timeline(EVENTS)
    by_root = {lane.root: lane for lane in drawn.lanes}
    steps = EVENTS[EVENTS["milestone"].notna() & EVENTS["parent_event_id"].notna()]
    rules = EVENTS[EVENTS["event_type"].isin(["regulation", "standard"])]["event_id"]
    instruments = set(steps["parent_event_id"]) & set(rules)
    assert {r for r, lane in by_root.items() if lane.sort == INSTRUMENT} == instruments
    assert len(instruments) >= 10  # the 2018, 2019, algorithm, deep synthesis, generative AI, labelling rules...
    for root in instruments:
        lane = by_root[root]
        mine = steps[(steps["parent_event_id"] == root) & DATED[steps.index]]
        assert {m.event_id for m in lane.milestones} == set(mine["event_id"]), root
        for row in mine.itertuples():
            (item,) = [m for m in lane.milestones if m.event_id == row.event_id]
            step = str(row.milestone).replace("_", " ")
            assert item.label == (step if step != "other" else milestone(row.title) or item.label), row.event_id
    filings = EVENTS[EVENTS["event_type"] == "filing_list"]["event_id"]
    assert not {m.event_id for r in instruments for m in by_root[r].milestones} & set(filings)
    shown = texts(drawn.figure)
    for lane in drawn.lanes:
        assert any(text.startswith(lane.title.split()[0]) for text in shown), lane.title


def test_campaigns_and_the_summons_have_lanes_and_every_other_dated_event_a_lane_of_its_kind() -> None:
    drawn = draw_timeline(EVENTS)
    types = EVENTS.set_index("event_id")["event_type"]
    actions = {lane.root for lane in drawn.lanes if lane.sort == ACTION}
    campaigns = EVENTS[(EVENTS["event_type"] == "campaign") & DATED]["event_id"]
    assert set(campaigns) - {m.event_id for lane in drawn.lanes for m in lane.milestones} <= actions
    (focus,) = [lane for lane in drawn.lanes if lane.focus]
    assert focus.sort == ACTION
    kinds = [lane for lane in drawn.lanes if lane.sort == KIND]
    assert {"court_ruling", "filing_list", "case_list", "enforcement_action"} <= {lane.root for lane in kinds}
    for lane in kinds:
        assert lane.title == kind_title(lane.root)
        assert {types[m.event_id] for m in lane.milestones} == {lane.root}
    assert drawn.lanes[-len(kinds) :] == kinds  # the kinds below the instruments and actions


def test_every_dated_event_is_drawn_once_and_the_undated_are_named() -> None:
    drawn = draw_timeline(EVENTS)
    assert sorted(drawn.drawn) == sorted(EVENTS.loc[DATED, "event_id"])  # each once, none left out
    assert len(drawn.undated) == (~DATED).sum()
    note = "\n".join(t for t in texts(drawn.figure) if "no date known" in t).replace("\n", " ")
    for title in drawn.undated:
        assert (title if drawn.cjk_font else without_chinese(title)) in note


def test_every_event_is_named_in_words_or_counted_as_unnamed() -> None:
    drawn = draw_timeline(EVENTS)
    labels = {
        str(t.get_gid()).removesuffix(":label"): t.get_text()
        for t in drawn.figure.findobj(Text)
        if str(t.get_gid()).endswith(":label")
    }
    for lane in drawn.lanes:
        for item in lane.milestones:
            if lane.sort == KIND:
                assert (item.event_id in labels) != (item.event_id in drawn.unlabelled), item.event_id
            else:  # a rule's milestones are all named; the same word at the same place only once
                assert item.event_id in labels or item.label in [labels.get(m.event_id) for m in lane.milestones]
    assert drawn.unlabelled  # 126 events do not all fit at page width
    (note,) = [t for t in texts(drawn.figure) if "unnamed for want of room" in t]
    assert f"{len(drawn.unlabelled)} of the points" in note


def test_a_crowded_lane_of_one_kind_names_what_fits_and_counts_the_rest() -> None:
    day = pd.Timestamp("2024-05-05")
    crowd = pd.DataFrame(
        {
            "event_id": [f"evt-{9000 + i}" for i in range(12)],
            "title": [f"Court number {i} rules on an AI-generated voice" for i in range(12)],
            "event_type": ["court_ruling"] * 12,
            "description": [None] * 12,
            "date_start": [day + pd.Timedelta(days=i) for i in range(12)],
            "date_end": [day + pd.Timedelta(days=i) for i in range(12)],
            "date_precision": ["day"] * 12,
            "parent_event_id": [None] * 12,
            "milestone": ["judgment"] * 12,
        }
    )
    drawn = draw_timeline(crowd)
    assert sorted(drawn.drawn) == sorted(crowd["event_id"])
    named = [t for t in drawn.figure.findobj(Text) if str(t.get_gid()).endswith(":label")]
    assert 1 <= len(named) <= 2 and len(drawn.unlabelled) == 12 - len(named)
    assert overlapping(list(drawn.figure.findobj(Text)), drawn.figure) == []
    assert any(f"{12 - len(named)} of the points" in t for t in texts(drawn.figure))


def test_a_vague_date_looks_vague() -> None:
    figure = timeline()
    artists = {a.get_gid(): a for a in figure.axes[0].get_children() if a.get_gid()}
    checked = 0
    for event in EVENTS.itertuples():
        artist = artists.get(event.event_id)
        if artist is None:
            continue
        checked += 1
        if event.date_precision == "not_after":
            assert isinstance(artist, Line2D) and artist.get_linestyle() == "--", event.event_id
        elif event.date_start == event.date_end:
            assert isinstance(artist, Line2D) and artist.get_marker() == "o", event.event_id
        else:
            bar = next(iter(artist.patches)) if hasattr(artist, "patches") else artist
            assert isinstance(bar, Rectangle)
            assert bar.get_alpha() == STYLE.get(str(event.date_precision), STYLE["range"])["alpha"], event.event_id
    assert checked == DATED.sum()


def test_each_precision_is_drawn_differently() -> None:
    day = pd.Timestamp("2020-05-05")
    events = pd.DataFrame(
        {
            "event_id": ["evt-9001", "evt-9002", "evt-9003", "evt-9004", "evt-9005"],
            "title": ["A day", "A month", "A year", "A range", "Not after"],
            "event_type": ["meeting"] * 5,
            "description": [None] * 5,
            "date_start": [day, pd.Timestamp("2020-05-01"), pd.Timestamp("2020-01-01"), day, pd.NaT],
            "date_end": [day, pd.Timestamp("2020-05-31"), pd.Timestamp("2020-12-31"), pd.Timestamp("2020-08-01"), day],
            "date_precision": ["day", "month", "year", "range", "not_after"],
            "parent_event_id": [None] * 5,
        }
    )
    artists = {a.get_gid(): a for a in draw_timeline(events).figure.axes[0].get_children() if a.get_gid()}
    drawn = {}
    for event_id, precision in zip(events["event_id"], events["date_precision"], strict=True):
        artist = artists[event_id]
        if isinstance(artist, Line2D):
            drawn[precision] = (artist.get_marker(), artist.get_linestyle())
        else:
            assert isinstance(artist, Rectangle)
            drawn[precision] = (artist.get_alpha(), artist.get_hatch())
    assert len(set(drawn.values())) == 5, drawn


def test_the_march_2021_summons_is_emphasised() -> None:
    drawn = draw_timeline(EVENTS)
    (lane,) = [lane for lane in drawn.lanes if lane.focus]
    assert FOCUS_EVENT in {m.event_id for m in lane.milestones}
    bold = [t for t in drawn.figure.findobj(Text) if t.get_fontweight() == "bold" and t.get_color() == FOCUS]
    assert any(t.get_text().startswith(lane.title) for t in bold)
    assert any(t.get_gid() == f"{FOCUS_EVENT}:label" for t in bold)


@pytest.mark.parametrize("draw", [timeline, network], ids=["timeline", "network"])
def test_labels_are_names_legible_at_page_width_and_never_overlap(draw: object) -> None:
    figure = draw()  # type: ignore[operator]
    assert figure.get_figwidth() <= WIDTH_IN + 0.01  # 180 mm
    shown = [t for t in figure.findobj(Text) if t.get_text().strip()]
    assert min(t.get_fontsize() for t in shown) >= 6
    assert not [t.get_text() for t in shown if ID.search(t.get_text())]
    assert overlapping(list(figure.findobj(Text)), figure) == []


def test_labels_in_a_crowded_row_are_moved_apart() -> None:
    slots = place_in_rows([10.0, 11.0, 12.0, 13.0], [30.0] * 4, limit=200.0, gap=5.0)
    for row in (0, 1):
        lefts = sorted(s.left for s in slots if s is not None and s.row == row)
        assert all(b - a >= 35.0 for a, b in itertools.pairwise(lefts))
    assert None not in slots  # with no reach given, every label is placed
    (pulled,) = place_in_rows([195.0], [30.0], limit=200.0)
    assert pulled is not None and pulled.left + 30.0 <= 200.0
    near = place_in_rows([10.0, 11.0, 12.0, 13.0], [30.0] * 4, limit=200.0, gap=5.0, reach=10.0)
    assert sum(s is not None for s in near) == 2  # one a row; the others would move too far from their points
    assert place_in_rows([100.0, 101.0], [150.0, 150.0], limit=200.0, rows=1, reach=10.0)[1] is None


def test_the_network_answers_who_summoned_whom_and_who_issued_which_rule() -> None:
    graph = draw_network(ENTITIES, EVENTS, PARTICIPANTS).graph
    summons = PARTICIPANTS[(PARTICIPANTS["event_id"] == FOCUS_EVENT) & (PARTICIPANTS["role"] == "summoned")]
    assert {a if b == FOCUS_EVENT else b for a, b, d in graph.edges(data=True) if d["role"] == "summoned"} == set(
        summons["entity_id"]
    )
    rules = EVENTS[(EVENTS["event_type"] == "regulation") & EVENTS["parent_event_id"].isna()]["event_id"]
    issued = PARTICIPANTS[PARTICIPANTS["event_id"].isin(rules) & (PARTICIPANTS["role"] == "issued")]
    for row in issued.itertuples():
        assert graph.edges[row.entity_id, row.event_id]["role"] == "issued"
    names = ENTITIES.set_index("entity_id")["name_en"]
    for node, data in graph.nodes(data=True):
        if data["kind"] != "event":
            assert data["label"].startswith(names[node].split()[0])
    figure = draw_network(ENTITIES, EVENTS, PARTICIPANTS).figure
    (legend,) = figure.legends
    assert {t.get_text() for t in legend.get_texts()} == {d["role"] for *_, d in graph.edges(data=True)}


@needs_cjk
def test_chinese_is_drawn_with_a_font_that_has_the_glyphs_not_boxes() -> None:
    font = cjk_font()
    assert font is not None
    path = next(f.fname for f in font_module.font_manager.fontManager.ttflist if f.name == font)

    def ink(text: str) -> np.ndarray:
        figure = Figure(figsize=(0.6, 0.6), dpi=100)
        figure.text(0.1, 0.2, text, fontsize=28, family=[font])
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[..., 0] < 128

    missing = "\U000f0000"  # a private-use code point no font here draws: its box is the .notdef glyph
    assert not covers(path, missing)
    drawn = ink("国")
    with pytest.warns(UserWarning, match="missing from font"):
        box = ink(missing)
    assert drawn.sum() > 20 and (drawn != box).sum() > 20  # ink, and not the missing-glyph box
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for tofu
        for draw in (timeline, network):
            figure = draw()
            chinese = [t for t in texts(figure) if has_cjk(t)]
            assert chinese
            assert all(covers(path, "".join(c for c in t if has_cjk(c))) for t in chinese)
            figure.draw_without_rendering()


def test_without_a_cjk_font_the_pictures_say_so_and_draw_no_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(font_module, "cjk_font", lambda: None)
    for draw in (timeline, network):
        shown = texts(draw())
        assert not [t for t in shown if has_cjk(t)]
        assert any(NO_CJK_NOTE in t for t in shown)


def test_the_committed_pictures_are_current() -> None:
    manifest = json.loads((IMAGES / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["inputs_sha256"] == inputs_digest(DataPackage.open()), (
        f"the pictures are out of date; redraw them with: {manifest['command']}"
    )
    expected = {f"{picture}{suffix}" for picture, suffixes in OUTPUTS.items() for suffix in suffixes}
    assert set(manifest["files"]) == expected
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((IMAGES / name).read_bytes()).hexdigest() == digest, name
    assert manifest["cjk_font"], "the committed pictures were drawn without a CJK font"


def test_the_same_data_gives_the_same_pictures(tmp_path: Path) -> None:
    package = DataPackage.open()
    first = {p.name: p.read_bytes() for p in draw_all(package, tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in draw_all(package, tmp_path / "b")}
    assert first == second
    assert first["timeline.png"].startswith(b"\x89PNG\r\n\x1a\n")
    svg = ElementTree.fromstring(first["timeline.svg"])
    assert svg.tag.endswith("svg")


def test_the_timeline_page_is_standalone_shows_every_dated_event_with_its_sources_and_filters_by_kind(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(app, ["timeline", "--out", str(tmp_path / "t.html"), "--quiet"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)  # nothing fetched
    data = json.loads(re.search(r'<script type="application/json" id="events">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert set(data) == set(EVENTS.loc[DATED, "event_id"])
    types = EVENTS.set_index("event_id")["event_type"]
    for event_id, event in data.items():
        cited = CITATIONS[CITATIONS["record_id"] == event_id]
        assert [s["excerpt"] for s in event["sources"]] == list(cited.sort_values("citation_id")["excerpt"])
        assert f'id="{event_id}' in page
        assert event["kind"] == types[event_id]
    boxes = set(re.findall(r'<input type="checkbox" value="([a-z_]+)" checked>', page))
    assert boxes == set(types[DATED.to_numpy()])
    rows = re.findall(r'<tr data-kind="([a-z_]+)">', page)
    assert len(rows) == DATED.sum() and set(rows) == boxes
    assert "addEventListener('change', filter)" in page


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
        assert "<svg" in text and len(re.findall(r"<tr( data-kind=\"[a-z_]+\")?>", text)) > 10


def test_an_unknown_picture_format_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["timeline", "--out", str(tmp_path / "t.gif")])
    assert result.exit_code == 2 and "suffix" in result.output
    assert not (tmp_path / "t.gif").exists()


def test_pictures_into_a_file_or_under_one_is_refused_with_a_message(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    for command in (["pictures", "--out", str(blocker)], ["timeline", "--out", str(blocker / "t.svg")]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        assert str(blocker) in result.output and "Traceback" not in result.output
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_the_readme_shows_both_pictures_and_how_to_redraw_them() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "cacdata pictures --out docs/images" in readme
    for name in ("timeline", "network"):
        assert re.search(rf"!\[[^\]]*\]\(docs/images/{name}\.png\)", readme), name
        assert (IMAGES / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    assert "docs/images/timeline.html" in readme
