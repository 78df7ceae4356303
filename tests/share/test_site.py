"""The site in a real browser: `cacdata serve` driven by Playwright in Debian's Chromium (never a downloaded
browser). Screenshots of the home page, one record of each table and each canned query are kept in
.artifacts/site/ (git ignores it; CACDATA_ARTIFACTS moves it) for people to look at."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cacdata
from cacdata.describe.package import DataPackage
from cacdata.share.exports.fields import foreign_keys
from cacdata.share.serve.metadata import label_column, queries
from cacdata.share.story import FOCUS_EVENT

from conftest import REPO, free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(os.environ.get("CACDATA_ARTIFACTS") or REPO / ".artifacts") / "site"
CJK_FONT = "WenQuanYi Zen Hei"  # what .ci/run installs (fonts-wqy-zenhei)
PACKAGE = DataPackage.open()
QUERIES = queries(PACKAGE)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"),
        reason="Chromium is not installed (Debian package chromium); .ci/run installs it",
    ),
]


def stat(pid: int) -> list[str] | None:
    """A process's state and ids from /proc (state, ppid, pgrp, ...); None once it is gone or a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] in ("Z", "X") else fields


def group_members(group: int) -> list[int]:
    """The processes still alive (not zombies) in process group ``group``."""
    members = []
    for path in Path("/proc").glob("[0-9]*"):
        fields = stat(int(path.name))
        if fields is not None and int(fields[2]) == group:
            members.append(int(path.name))
    return members


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """`cacdata serve` in a process group of its own; every process of the group is stopped afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "cacdata"), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/-/versions.json", timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"cacdata serve stopped: {server.stdout.read().decode() if server.stdout else ''}")
                time.sleep(0.1)
        else:
            pytest.fail("cacdata serve did not answer within 30 s")
        yield url
    finally:
        children = [pid for pid in group_members(server.pid) if pid != server.pid]
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        for _ in range(100):
            if not group_members(server.pid):
                break
            time.sleep(0.1)
        else:
            os.killpg(server.pid, signal.SIGKILL)
        if server.stdout:
            server.stdout.close()
        assert not group_members(server.pid), f"left running: {group_members(server.pid)}"
        assert not [pid for pid in children if stat(pid) is not None], "a Datasette child outlived serve"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


def shoot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000
    return out


def fonts_of(page: Any, selector: str) -> dict[str, int]:
    """The fonts Chromium drew the text of ``selector`` with, and how many glyphs each (DevTools CSS domain)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def test_the_home_page_opens_on_the_story_and_the_canned_queries(site: str, page: Any) -> None:
    page.goto(site)
    headings = page.locator("h2").all_inner_texts()
    assert headings[0] == "Ask the data"
    links = page.locator(".cacdata-queries a")
    assert links.all_inner_texts() == [q["title"] for q in QUERIES.values()]
    hrefs = page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h and re.search(r"_fts|/_cacdata_", h)]  # no internal table in view
    body = page.locator("body").inner_text()
    assert "hidden table" not in body
    for name in PACKAGE.tables:
        assert page.locator(f'.cacdata-tables a[href="/cacdata/{name}"]').count() == 1
    participants, entities = cacdata.load("participants"), cacdata.load("entities").set_index("entity_id")
    summoned = participants[(participants["event_id"] == FOCUS_EVENT) & (participants["role"] == "summoned")]
    assert page.locator(".cacdata-summoned li").count() == len(summoned)
    for entity_id in summoned["entity_id"]:
        assert entities.at[entity_id, "name_en"] in body
    image = page.locator(".cacdata-figure img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=60_000)
    assert page.locator("#search-all-q").count() == 1
    shoot(page, "home")
    page.goto(f"{site}/cacdata")
    assert "hidden table" not in page.locator("body").inner_text()
    shown = page.locator("h3 a").all_inner_texts()
    assert set(shown) == set(PACKAGE.tables), shown


def test_which_companies_by_whom_on_what_evidence_in_one_click_from_home(site: str, page: Any) -> None:
    page.goto(site)
    page.get_by_role("link", name=QUERIES["companies_summoned"]["title"]).click()
    page.wait_for_url("**/cacdata/companies_summoned")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 11
    entities = cacdata.load("entities").set_index("entity_id")
    citations = cacdata.load("citations")
    for index in range(rows.count()):
        row = rows.nth(index)
        link = row.locator("td.col-entity_id a")
        entity_id = link.get_attribute("href").rsplit("/", 1)[1]
        assert link.inner_text() == entities.at[entity_id, "name_en"]  # a name, not an ID
        assert row.locator("td.col-chinese_name").inner_text() == entities.at[entity_id, "name_original"]
        assert "Cyberspace Administration of China" in row.locator("td.col-summoned_by").inner_text()
        shown = " ".join(row.locator("td.col-excerpts").inner_text().split())
        for excerpt in citations.loc[citations["record_id"] == entity_id, "excerpt"]:
            assert " ".join(str(excerpt).split()) in shown
    fonts = fonts_of(page, "td.col-chinese_name")
    assert fonts.get(CJK_FONT, 0) > 0, fonts  # Chinese drawn with the installed font, not boxes
    shoot(page, "query-companies_summoned")


@pytest.mark.parametrize("name", [n for n in QUERIES if n != "companies_summoned"])
def test_each_canned_query_shows_every_row(site: str, page: Any, name: str) -> None:
    with urllib.request.urlopen(f"{site}/cacdata/{name}.json?_shape=array&_size=max") as response:
        expected = len(json.load(response))
    table = {"quotes_by_speaker": "quotes", "timeline": "events"}[name]
    assert expected == len(cacdata.load(table))
    page.goto(f"{site}/cacdata/{name}")
    assert page.locator("table.rows-and-columns tbody tr").count() == expected
    first = page.locator("table.rows-and-columns tbody tr").first
    refs = first.locator("a.cacdata-ref")
    assert refs.count() >= 1 and not re.fullmatch(r"[a-z]{3}-\d{4}", refs.first.inner_text())
    shoot(page, f"query-{name}")


@pytest.mark.parametrize("table", list(PACKAGE.tables))
def test_a_record_of_each_table_links_every_reference_by_name(site: str, page: Any, table: str) -> None:
    frame = cacdata.load(table)
    schema_table = PACKAGE.table(table)
    references = {column: target for column, target, _ in foreign_keys(schema_table)}
    if "record_id" in frame.columns:
        references["record_id"] = None  # names its table by its prefix
    filled = frame.dropna(subset=list(references))
    assert references and len(filled), f"no record of {table} fills every reference: nothing would be checked"
    record = filled.iloc[0]
    key = str(record[schema_table.primary_key])
    page.goto(f"{site}/cacdata/{table}/{key}")
    for column, target in references.items():
        value = record[column]
        assert isinstance(value, str), (column, value)
        target = target or PACKAGE.table_for_id(value).name  # type: ignore[union-attr]
        link = page.locator(f"td.col-{column} a").first
        assert link.get_attribute("href") == f"/cacdata/{target}/{value}", column
        label = label_column(PACKAGE.table(target))
        if label and target != "sources":
            targets = cacdata.load(target).set_index(PACKAGE.table(target).primary_key)
            name = str(targets.at[value, label])
            assert link.inner_text().rstrip("…") in name, column
        assert link.inner_text() != value, f"{column} shows the ID, not the name"
    shoot(page, f"record-{table}")


def test_table_pages_name_their_references_as_record_pages_do(site: str, page: Any) -> None:
    participants = cacdata.load("participants")
    names = cacdata.load("entities").set_index("entity_id")["name_en"]
    page.goto(f"{site}/cacdata/participants?_size=5")
    cells = page.locator("table.rows-and-columns tbody tr td.col-entity_id")
    assert cells.count() == 5
    for index in range(5):
        entity_id = participants["entity_id"].iloc[index]
        link = cells.nth(index).locator("a.cacdata-ref")
        assert link.get_attribute("href") == f"/cacdata/entities/{entity_id}"
        assert link.inner_text() == names[entity_id]
    shoot(page, "table-participants")


def test_chinese_renders_with_the_installed_font_on_a_record_page(site: str, page: Any) -> None:
    entities = cacdata.load("entities")
    chinese = entities.dropna(subset=["name_original"]).iloc[0]
    page.goto(f"{site}/cacdata/entities/{chinese['entity_id']}")
    cell = page.locator("td.col-name_original")
    assert cell.inner_text() == chinese["name_original"]
    fonts = fonts_of(page, "td.col-name_original")
    assert fonts.get(CJK_FONT, 0) == len(chinese["name_original"]), fonts


def test_hovering_a_milestone_shows_its_sources(site: str, page: Any) -> None:
    page.goto(f"{site}/-/cacdata/timeline.html", timeout=60_000)
    milestone = page.locator(f'svg g[id="{FOCUS_EVENT}:label"]')
    milestone.hover()
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    citations = cacdata.load("citations")
    excerpt = citations.loc[citations["record_id"] == FOCUS_EVENT, "excerpt"].iloc[0]
    assert " ".join(str(excerpt).split())[:40] in " ".join(tip.inner_text().split())
    shoot(page, "timeline-hover")


def test_the_search_box_finds_records_across_tables(site: str, page: Any) -> None:
    page.goto(site)
    page.fill("#search-all-q", "Tencent")
    page.locator("form[role=search] input[type=submit]").click()
    page.wait_for_url("**/-/search?q=Tencent")
    found = page.locator('#search-all-results h2:has(a[href="/cacdata/entities?_search=Tencent"]) + div table')
    found.wait_for(timeout=30_000)
    assert found.locator("td", has_text=re.compile(r"^Tencent$")).count() == 1
    # each table's results arrive on their own request: wait for the citations' before counting them
    across = page.locator('#search-all-results h2:has(a[href^="/cacdata/citations?"])')
    across.first.wait_for(timeout=30_000)
    assert across.count() == 1  # across tables
    shoot(page, "search")
