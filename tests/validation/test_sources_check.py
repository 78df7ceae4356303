"""``cacdata sources check`` against a local server: every status, every excerpt, the archive, the writes.

No network: the package's sources are pointed at a server the fixture starts on 127.0.0.1 (and stops).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cacdata.cli import app
from cacdata.publish.archive import zip_bytes, zip_contents
from cacdata.validation import validate

from conftest import FULL_WIDTH, read_csv, write_csv
from faults import copy_package
from source_server import CAPTURE_TIME, Site, SourceServer, html_page, pdf_document

runner = CliRunner()

# source -> (path it is served at, what the server does there, the status the check must give)
CASES = {
    "src-0004": ("/every", "a page with every excerpt", "ok"),
    "src-0006": ("/changed", "a page where one excerpt was changed", "excerpt_missing"),
    "src-0002": ("/fullwidth", "every excerpt in full-width punctuation (read_at_url)", "ok"),
    "src-0009": ("/old", "a redirect to a page with every excerpt", "moved"),
    "src-0010": ("/missing", "404, with an archived copy", "gone"),
    "src-0011": ("/busy", "429 once, then every excerpt", "ok"),
    "src-0013": ("/silent", "never answers", "failed"),
    "src-0014": ("/huge", "50 MB, no declared length", "failed"),
    "src-0017": ("/huge-declared", "declares 50 MB", "failed"),
    "src-0018": ("/paper.pdf", "a PDF with every excerpt", "ok"),
    "src-0019": ("/plain.txt", "plain text with every excerpt", "ok"),
    "src-0020": ("/forbidden", "403", "blocked"),
    "src-0024": ("/read-here", "read at a copy (ok) whose own address is gone", "ok"),
    "src-0003": ("", "no address", "not_checkable"),
}
OWN_ADDRESS = {"src-0024": "/gone-original"}  # its url, beside the read_at_url above
CHECKED = sorted(CASES)
TIMEOUT = "2"  # seconds: the page that never answers costs this much


@dataclass
class World:
    """The server, the package whose sources point at it, and where the check may write."""

    server: SourceServer
    package: Path
    cache: Path
    home: Path
    excerpts: dict[str, dict[str, str]]  # source -> citation -> excerpt

    def run(self, *args: str) -> tuple[int, str]:
        env = {"CACDATA_WAYBACK_URL": self.server.base, "CACDATA_WAYBACK_SAVE_URL": f"{self.server.base}/save/"}
        sources = [item for source in CHECKED for item in ("--source", source)]
        options = ["--cache", str(self.cache), "--delay", "0", "--timeout", TIMEOUT]
        result = runner.invoke(app, ["sources", "check", str(self.package), *sources, *options, *args], env=env)
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result.exit_code, result.stdout


@contextlib.contextmanager
def running_server() -> Iterator[SourceServer]:
    """A local web server, stopped at the end: its thread ended and its port closed."""
    server = SourceServer(Site()).start()
    try:
        yield server
    finally:
        address = server.httpd.server_address[:2]
        server.stop()
    assert server.site.errors == []  # the server itself did not fail
    assert not server.thread.is_alive()
    with pytest.raises(OSError), socket.create_connection(address, timeout=1):  # type: ignore[arg-type]
        pass


@contextlib.contextmanager
def make_world(tmp_path: Path) -> Iterator[World]:
    """A server, a package pointing at it, and a home folder that must stay empty."""
    home = tmp_path / "home"
    home.mkdir()
    with running_server() as server, pytest.MonkeyPatch.context() as patch:
        for variable in ("HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
            patch.setenv(variable, str(home))  # a default cache here would be a stray write
        package = copy_package(tmp_path / "package")
        excerpts = excerpts_by_source(package)
        serve(server, excerpts)
        point_sources_at(package, server.base)
        yield World(server, package, tmp_path / "cache", home, excerpts)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """A fresh world for a test that changes it (writes, or a run of its own)."""
    with make_world(tmp_path) as made:
        yield made


@dataclass
class FirstRun:
    """One JSON run over every case, shared by the tests that only read what it found and asked."""

    world: World
    code: int
    results: dict[str, dict[str, object]]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstRun]:
    with make_world(tmp_path_factory.mktemp("first-run")) as made:
        code, output = made.run("--format", "json")
        yield FirstRun(made, code, by_source(output))


def excerpts_by_source(package: Path) -> dict[str, dict[str, str]]:
    _, citations = read_csv(package / "data" / "citations.csv")
    found: dict[str, dict[str, str]] = {}
    for row in citations:
        if row["locator"] != "address":
            found.setdefault(row["source_id"], {})[row["citation_id"]] = row["excerpt"]
    return found


def changed_citation(excerpts: dict[str, dict[str, str]]) -> str:
    """The citation of src-0006 whose excerpt the server prints with one word changed."""
    return next(iter(excerpts["src-0006"]))


def serve(server: SourceServer, excerpts: dict[str, dict[str, str]]) -> None:
    """The pages of every case, built from the package's own excerpts."""
    pages = server.site.pages
    text = {source: list(quoted.values()) for source, quoted in excerpts.items()}
    page = {"content-type": "text/html; charset=utf-8"}
    cookie = {**page, "set-cookie": "session=abc; Path=/"}
    pages["/every"] = (200, cookie, html_page("Every excerpt", text["src-0004"]))
    one_changed = [e.replace(e.split()[-1], "CHANGED", 1) if i == 0 else e for i, e in enumerate(text["src-0006"])]
    pages["/changed"] = (200, page, html_page("One changed", one_changed))
    pages["/fullwidth"] = (200, page, html_page("全角", [e.translate(FULL_WIDTH) for e in text["src-0002"]]))
    pages["/old"] = (301, {"location": "/new"}, b"")
    pages["/new"] = (200, page, html_page("Moved here", text["src-0009"]))
    pages["/busy"] = (200, page, html_page("Busy", text["src-0011"]))
    pages["/paper.pdf"] = (200, {"content-type": "application/pdf"}, pdf_document(text["src-0018"]))
    pages["/plain.txt"] = (200, {"content-type": "text/plain; charset=utf-8"}, "\n\n".join(text["src-0019"]).encode())
    pages["/forbidden"] = (403, page, b"<html>no</html>")
    pages["/read-here"] = (200, page, html_page("A copy", text["src-0024"]))
    archived = f"/web/{CAPTURE_TIME}/missing"
    pages[archived] = (200, page, html_page("Archived", text["src-0010"]))
    server.site.captures.update({"/missing": archived, "/every": f"/web/{CAPTURE_TIME}/every"})


def point_sources_at(package: Path, base: str) -> None:
    """Each case's address on the server, found by column name; re-stamped like any edit.

    Excerpts copied from an address (locator ``address``) are set to the new address's path, as a
    contributor would, so that the copy stays valid.
    """
    from cacdata.describe.package import DataPackage
    from cacdata.describe.stamp import stamp

    path = package / "data" / "sources.csv"
    header, rows = read_csv(path)
    for row in rows:
        if row["source_id"] in CASES:
            address = base + CASES[row["source_id"]][0] if CASES[row["source_id"]][0] else ""
            column = "read_at_url" if row["read_at_url"] else "url"
            row.update({"url": "", "read_at_url": "", column: address, "text_sha256": ""})
            if row["source_id"] in OWN_ADDRESS:
                row["url"] = base + OWN_ADDRESS[row["source_id"]]
    write_csv(path, header, rows)
    path = package / "data" / "citations.csv"
    header, rows = read_csv(path)
    for row in rows:
        if row["source_id"] in CASES and row["locator"] == "address":
            row["excerpt"] = "127.0.0.1"
    write_csv(path, header, rows)
    stamp(DataPackage.open(package))


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` with its content's hash."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def by_source(output: str) -> dict[str, dict[str, object]]:
    return {result["source_id"]: result for result in json.loads(output)["sources"]}


# -- the matrix -----------------------------------------------------------------------------------------------


def test_each_case_gets_its_status_and_each_excerpt_its_result(first_run: FirstRun) -> None:
    world, code, results = first_run.world, first_run.code, first_run.results
    assert {source: results[source]["status"] for source in CASES} == {s: case[2] for s, case in CASES.items()}
    assert code == 1  # an excerpt missing and an address gone
    for source in ("src-0004", "src-0002", "src-0009", "src-0011", "src-0018", "src-0019", "src-0024"):
        assert results[source]["found"] == list(world.excerpts[source]), source
        assert results[source]["missing"] == [], source
        assert results[source]["checked_against"] == "page"
    changed = changed_citation(world.excerpts)
    assert results["src-0006"]["missing"] == [changed]
    assert results["src-0006"]["found"] == [c for c in world.excerpts["src-0006"] if c != changed]


def test_failures_say_why(first_run: FirstRun) -> None:
    results = first_run.results
    base = first_run.world.server.base
    assert results["src-0009"]["final_url"] == f"{base}/new"
    assert results["src-0010"]["http_status"] == 404
    assert results["src-0020"]["http_status"] == 403 and results["src-0020"]["error"] == "HTTP 403"
    assert "timeout" in str(results["src-0013"]["error"])
    assert "too large" in str(results["src-0014"]["error"])
    assert "declares 52428800 bytes" in str(results["src-0017"]["error"])
    assert results["src-0003"]["error"] == "no address"
    assert results["src-0024"]["other_addresses"] == {"url": "gone (HTTP 404)"}  # exits 1 on its own too


def test_a_gone_page_is_checked_against_its_archived_copy(first_run: FirstRun) -> None:
    world, gone = first_run.world, first_run.results["src-0010"]
    assert gone["archive_url"] == f"{world.server.base}/web/{CAPTURE_TIME}/missing"
    assert gone["archive_date"] == "2021-03-22"
    assert gone["checked_against"] == "archive"
    assert gone["found"] == list(world.excerpts["src-0010"]) and gone["missing"] == []


def test_the_archive_is_asked_for_the_capture_closest_to_the_access_date(first_run: FirstRun) -> None:
    asked = [entry.path for entry in first_run.world.server.site.requests_to("/wayback/available")]
    assert any("every" in path and "timestamp=20261130" in path for path in asked), asked


def test_polite_requests(first_run: FirstRun) -> None:
    site = first_run.world.server.site
    assert all(entry.headers.get("user-agent", "").startswith("cacdata/") for entry in site.log)
    assert not any("cookie" in entry.headers for entry in site.log)  # /every set one; none was sent back
    assert site.most_in_flight == 1  # one request at a time to one host
    busy = site.requests_to("/busy")
    assert len(busy) == 2 and busy[1].at - busy[0].at >= 1.0  # retried after the Retry-After it was given
    assert len(site.requests_to("/silent")) == 1  # a timeout is not retried
    assert site.requests_to("/save/") == []  # Save Page Now only when asked


def test_save_asks_for_captures_of_readable_pages_that_have_none(world: World) -> None:
    world.run("--save")
    saved = {entry.path.split("/save/", 1)[1] for entry in world.server.site.requests_to("/save/")}
    base = world.server.base
    readable = {"/fullwidth", "/old", "/busy", "/paper.pdf", "/plain.txt", "/changed", "/read-here"}
    assert saved == {base + path for path in readable}  # not /every (captured), nor the failed ones


def test_report_formats(world: World) -> None:
    code, text = world.run()
    assert code == 1
    changed = changed_citation(world.excerpts)
    assert f"src-0006 excerpt_missing: excerpt missing: {changed}" in text
    assert "src-0010 gone: HTTP 404; excerpts checked against the archived copy (2 found)" in text
    assert "src-0004" not in text and "src-0003" not in text  # ok, not_checkable: no line
    assert "14 source(s): 6 ok, 1 moved, 1 excerpt_missing, 1 gone, 1 blocked, 3 failed, 1 not_checkable" in text
    _, markdown = world.run("--format", "markdown")
    assert markdown.startswith("| source | status |")
    assert f"| src-0006 | excerpt_missing | {world.server.base}/changed |" in markdown


def test_write_records_captures_and_texts_then_validate_checks_every_cached_citation(world: World) -> None:
    outside = world.package.parent
    before = {k: v for k, v in snapshot(outside).items() if not k.startswith(("package/", "cache/"))}
    package_before = snapshot(world.package)
    code, _ = world.run("--write", "--format", "json")
    assert code == 1
    _, rows = read_csv(world.package / "data" / "sources.csv")
    row = {r["source_id"]: r for r in rows}
    base = world.server.base
    assert row["src-0010"]["archive_url"] == f"{base}/web/{CAPTURE_TIME}/missing"
    assert row["src-0004"]["archive_url"] == f"{base}/web/{CAPTURE_TIME}/every"
    assert {s for s in CASES if row[s]["archive_url"]} == {"src-0004", "src-0010"}
    written = {s for s in CASES if row[s]["text_sha256"]}
    assert written == {"src-0004", "src-0002", "src-0009", "src-0011", "src-0018", "src-0019", "src-0010", "src-0024"}
    for source in written:  # each hash names a text in the cache
        assert (world.cache / f"{row[source]['text_sha256']}.txt").is_file()
    # nothing outside the package and the cache; in the package, only sources.csv and its stamp
    after = {k: v for k, v in snapshot(outside).items() if not k.startswith(("package/", "cache/"))}
    assert after == before and not any(world.home.iterdir())
    package_after = snapshot(world.package)
    assert {k for k in package_after if package_after[k] != package_before.get(k)} == {
        "data/sources.csv",
        "datapackage.json",
    }
    # the package is still valid, and every citation of every cached source is compared
    report = validate(world.package, world.cache)
    # the only failures: the addresses of this test's local server, which url-address rightly refuses in data
    assert report.failures and {(f.rule, f.value.split("/")[2]) for f in report.failures} == {
        ("url-address", world.server.base.split("/")[2])
    }
    compared = sum(len(world.excerpts[source]) for source in written)
    assert f"excerpts ({len(written)} source text(s) matched, {compared} excerpt(s) compared)" in report.checked
    result = runner.invoke(app, ["validate", str(world.package), "--texts", str(world.cache)])
    assert result.exit_code == 1 and "excerpt-verbatim" not in result.stdout, result.stdout


def test_write_leaves_a_recorded_archive_address(world: World) -> None:
    path = world.package / "data" / "sources.csv"
    header, rows = read_csv(path)
    for row in rows:
        if row["source_id"] == "src-0004":
            row["archive_url"] = f"{world.server.base}/web/chosen-by-hand"
    write_csv(path, header, rows)
    _, text = world.run("--write")
    assert {r["source_id"]: r["archive_url"] for r in read_csv(path)[1]}["src-0004"].endswith("chosen-by-hand")
    assert "src-0004 ok: archive_url gone (HTTP 404)" in text  # and the recorded copy was checked


def test_a_release_zip_is_checked_and_never_written(world: World, tmp_path: Path) -> None:
    release = tmp_path / "cacdata-test-data.zip"
    files = [(str(f.relative_to(world.package)), f.read_bytes()) for f in world.package.rglob("*") if f.is_file()]
    release.write_bytes(zip_bytes(zip_contents("test", files)))  # with SHA256SUMS, as every release zip has
    env = {"CACDATA_WAYBACK_URL": world.server.base}
    args = ["sources", "check", str(release), "--source", "src-0004", "--cache", str(world.cache), "--delay", "0"]
    result = runner.invoke(app, [*args, "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    assert by_source(result.stdout)["src-0004"]["status"] == "ok"
    before = release.read_bytes()
    result = runner.invoke(app, [*args, "--write"], env=env)
    assert result.exit_code == 2 and "--write needs a package directory" in result.stderr
    assert release.read_bytes() == before


# -- unusable input and no network: exit 2, a message, nothing written ---------------------------------------


def test_offline_is_exit_2_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens here: every connection is refused
    monkeypatch.setenv("CACDATA_WAYBACK_URL", f"http://127.0.0.1:{port}")
    package = copy_package(tmp_path / "package")
    point_sources_at(package, f"http://127.0.0.1:{port}")
    before = snapshot(package)
    args = ["sources", "check", str(package), "--source", "src-0004", "--source", "src-0006", "--delay", "0"]
    result = runner.invoke(app, [*args, "--cache", str(tmp_path / "cache"), "--write"])
    assert result.exit_code == 2
    assert "no address could be reached" in result.stderr and "offline" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(package) == before and not (tmp_path / "cache").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "src-9999"], "no source src-9999"),
        (["--cache", "{package}/data/texts"], "must lie outside the package"),
    ],
)
def test_unusable_input_is_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    package = copy_package(tmp_path / "package")
    args = [arg.replace("{package}", str(package)) for arg in args]
    result = runner.invoke(app, ["sources", "check", str(package), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
