"""Shared fixtures: the repository's package, and throwaway copies of it to break on purpose."""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from corpus import Corpus

REPO = Path(__file__).resolve().parents[1]
FULL_WIDTH = {ord(c): chr(ord(c) + 0xFEE0) for c in ",:;()!?"}  # what NFKC turns back into ASCII


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: without xdist, never called
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """With ``-n`` (and no other ``--dist``): a fault's tests on one worker, which builds its broken copy once,
    and a module's tests on one worker, which makes its module fixtures (the wheel, a server) once."""
    if config.getvalue("dist") != "load":
        return None  # another --dist asked for by name is xdist's own
    from corpus import scheduler

    return scheduler(config, log)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/validation/golden/ from the reports the library gives now, instead of comparing",
    )


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """The fault corpus of this session (of this xdist worker): each broken copy built and validated once."""
    from corpus import Corpus

    store = Corpus(tmp_path_factory.mktemp("corpus"))
    yield store
    store.release()


@pytest.fixture
def corpus(corpus_store: Corpus) -> Iterator[Corpus]:
    """The shared fault corpus; after the test, the copies it used must be as they were built."""
    corpus_store.used.clear()
    yield corpus_store
    corpus_store.check_untouched()


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A writable copy of the data package (descriptor, schemas, data)."""
    root = tmp_path / "package"
    root.mkdir()
    shutil.copy(REPO / "datapackage.json", root)
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copytree(REPO / "data", root / "data")
    return root


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def line_of(path: Path, key_column: str, key: str) -> int:
    """Physical line of the row whose key is ``key`` (rows in our data span one line each)."""
    _, rows = read_csv(path)
    return 2 + next(i for i, row in enumerate(rows) if row[key_column] == key)


@pytest.fixture
def edit_cell(package_copy: Path) -> Callable[[str, str, str, str], int]:
    """Set one cell of the copy, found by the row's key; returns the row's physical line."""

    def edit(table: str, key: str, column: str, value: str) -> int:
        path = package_copy / "data" / f"{table}.csv"
        header, rows = read_csv(path)
        index = next(i for i, row in enumerate(rows) if row[header[0]] == key)
        rows[index][column] = value
        write_csv(path, header, rows)
        return index + 2

    return edit


def provide_texts(root: Path, folder: Path) -> int:
    """Give the package at ``root`` a text for every source it quotes, as a copy of that source would print it.

    The sources' own texts are other people's and are not in the repository, so the tests make their own:
    each excerpt between sentences of its own, its white space changed to line breaks, and in a Chinese
    source with full-width punctuation (the normal form must see through both). Each source's
    ``text_sha256`` is set to its text's hash and the package re-stamped. Returns the excerpts placed.
    """
    from cacdata.describe.package import DataPackage
    from cacdata.describe.stamp import stamp

    sources_path, citations_path = root / "data" / "sources.csv", root / "data" / "citations.csv"
    header, sources = read_csv(sources_path)
    _, citations = read_csv(citations_path)
    language = {row["source_id"]: row["language"] for row in sources}
    excerpts: dict[str, list[str]] = {}
    for row in citations:
        if row["locator"] != "address" and row["excerpt"].strip():
            excerpts.setdefault(row["source_id"], []).append(row["excerpt"])
    folder.mkdir(parents=True, exist_ok=True)
    digests = {}
    for source_id, quoted in excerpts.items():
        printed = [e.translate(FULL_WIDTH) if language[source_id].startswith("zh") else e for e in quoted]
        text = "\n\n".join(f"A sentence before.\n{e.replace(' ', chr(10), 1)}\nA sentence after." for e in printed)
        data = text.encode("utf-8")
        digests[source_id] = hashlib.sha256(data).hexdigest()
        (folder / f"{source_id}.txt").write_bytes(data)
    for row in sources:
        row["text_sha256"] = digests.get(row["source_id"], "")
    write_csv(sources_path, header, sources)
    stamp(DataPackage.open(root))
    return sum(len(quoted) for quoted in excerpts.values())


def alter_member(archive: Path, altered: Path, suffix: str, change: Callable[[bytes], bytes]) -> Path:
    """A copy of a zip with the member whose name ends with ``suffix`` changed, everything else as it was."""
    import zipfile

    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(altered, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, change(data) if item.filename.endswith(suffix) else data)
    return altered


def free_port() -> int:
    """A port on the loopback address that nothing listens on now, for a server a test starts."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A tagless clone of this repository with one new entity (and its citation) since the last release."""
    from releasing import clone_with_a_change

    return clone_with_a_change(tmp_path)
