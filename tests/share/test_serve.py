"""The browsable site, end to end: Datasette started by `cacdata serve`, driven in headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import cacdata
from cacdata.describe.package import DataPackage
from cacdata.share.serve.metadata import QUERIES, metadata

from conftest import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Where the screenshot is kept for people to look at (git ignores it); CACDATA_ARTIFACTS moves it.
ARTIFACTS = Path(os.environ.get("CACDATA_ARTIFACTS") or REPO / ".artifacts")


def test_metadata_comes_from_the_schemas_and_descriptor() -> None:
    package = DataPackage.open()
    meta = metadata(package, "cacdata")
    assert meta["title"] == package.descriptor["title"] and meta["license"] == "CC-BY-4.0"
    tables = meta["databases"]["cacdata"]["tables"]
    for name, table in package.tables.items():
        assert tables[name]["description"] == table.description
        assert tables[name]["columns"] == {f.name: f.description for f in table.fields}
    assert set(meta["databases"]["cacdata"]["queries"]) == set(QUERIES)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    port = free_port()
    command = Path(sys.executable).parent / "cacdata"
    server = subprocess.Popen(
        [str(command), "serve", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}/-/versions.json", timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"cacdata serve stopped: {server.stdout.read().decode() if server.stdout else ''}")
                time.sleep(0.1)
        else:
            pytest.fail("cacdata serve did not answer within 20 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_canned_query_answers_which_companies_were_summoned(site: str) -> None:
    import json

    with urllib.request.urlopen(f"{site}/cacdata/companies_summoned.json?_shape=array") as response:
        rows = json.load(response)
    participants, entities = cacdata.load("participants"), cacdata.load("entities")
    summoned = entities[entities["entity_id"].isin(participants.loc[participants["role"] == "summoned", "entity_id"])]
    assert {row["company"] for row in rows} == set(summoned["name_en"])
    assert all(row["excerpt"] for row in rows)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package chromium); .ci/run installs it")
def test_a_reader_goes_from_the_event_to_a_summoned_company_and_sees_the_excerpt(site: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    participants, entities = cacdata.load("participants"), cacdata.load("entities")
    citations = cacdata.load("citations")
    summoned = participants[(participants["event_id"] == "evt-0002") & (participants["role"] == "summoned")]
    company = entities.set_index("entity_id").loc[summoned["entity_id"].iloc[0]]
    excerpt = citations.loc[citations["record_id"] == company.name, "excerpt"].iloc[0]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(f"{site}/cacdata/events/evt-0002")
        assert "Summons of 11 companies" in page.content()
        page.locator("li", has_text="from event_id in participants").get_by_role("link").click()
        page.get_by_role("link", name=company["name_en"], exact=True).first.click()
        page.wait_for_url(f"**/cacdata/entities/{company.name}")
        shown = " ".join(page.locator("body").inner_text().split())
        assert " ".join(str(excerpt).split()) in shown
        screenshot = tmp_path / "company-page.png"
        page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    assert screenshot.stat().st_size > 10_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(screenshot, ARTIFACTS / screenshot.name)
