"""Citations read from CITATION.cff, never invented; and the sources behind one record, read from the CSVs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cacdata.describe.package import DataPackage
from cacdata.publish.cite import STYLES, CiteError, citation_key, citation_path, load_citation, render
from cacdata.read.footnotes import FootnoteError, cite_record

from conftest import read_csv, write_csv

VERSION = "0.10"  # unquoted in the file: a YAML float reader would make it 0.1
YEAR, MONTH, DAY = 2031, 4, 5
DOI = "10.5281/zenodo.1234567"
ZIP_SHA256 = "ab" * 32

BASE = f"""\
cff-version: 1.2.0
message: Cite the release you used.
type: dataset
title: "Sample data: a {{braced}} set with 50% & more"
authors:
  - family-names: Lovelace
    given-names: Ada Augusta
  - name: Example Lab
version: {VERSION}
date-released: {YEAR:04d}-{MONTH:02d}-{DAY:02d}
url: https://example.org/sample
license: CC-BY-4.0
"""


@pytest.fixture
def write_cff(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "CITATION.cff"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_without_a_doi_no_style_prints_one(write_cff: Callable[[str], Path]) -> None:
    cff = load_citation(write_cff(BASE))
    for style in STYLES:
        assert "doi" not in render(cff, style).lower()


def test_bibtex_carries_version_year_and_a_recorded_doi(write_cff: Callable[[str], Path]) -> None:
    without = render(load_citation(write_cff(BASE)), "bibtex", ZIP_SHA256)
    with_doi = render(load_citation(write_cff(BASE + f"doi: {DOI}\n")), "bibtex", ZIP_SHA256)
    for entry in (without, with_doi):
        lines = entry.splitlines()
        assert lines[0] == f"@misc{{sample_{VERSION.replace('.', '_')},"
        assert f"  howpublished = {{Data set, version {VERSION}}}," in lines
        assert f"  year = {{{YEAR}}}," in lines
        assert "  url = {https://example.org/sample}," in lines
        assert f"  note = {{Released 2031-04-05. SHA-256 of cacdata-{VERSION}-data.zip: {ZIP_SHA256}.}}," in lines
    assert f"  doi = {{{DOI}}}," in with_doi.splitlines()


def plain_bibtex(entry: str) -> str:
    """The entry as a classic BibTeX style (pybtex's ``plain``) typesets it, as plain text."""
    from pybtex.backends.plaintext import Backend
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    style = find_plugin("pybtex.style.formatting", "plain")()
    return "".join(item.text.render(Backend()) for item in style.format_bibliography(parse_string(entry, "bibtex")))


def test_a_classic_bibtex_style_prints_the_version_date_and_checksum(write_cff: Callable[[str], Path]) -> None:
    """@dataset is biblatex-only and plain drops its version; @misc with howpublished keeps it."""
    rendered = plain_bibtex(render(load_citation(write_cff(BASE + f"doi: {DOI}\n")), "bibtex", ZIP_SHA256))
    assert f"version {VERSION}" in rendered
    assert "Released 2031-04-05" in rendered and ZIP_SHA256 in rendered
    assert str(YEAR) in rendered


def test_biblatex_reads_the_same_entry_with_its_version(write_cff: Callable[[str], Path]) -> None:
    """biblatex's @misc driver prints howpublished, note, date, doi and url: the fields checked here."""
    from pybtex.database import parse_string

    entry = render(load_citation(write_cff(BASE + f"doi: {DOI}\n")), "bibtex", ZIP_SHA256)
    (parsed,) = parse_string(entry, "bibtex").entries.values()
    assert parsed.type == "misc"
    assert f"version {VERSION}" in parsed.fields["howpublished"]
    assert parsed.fields["date"] == "2031-04-05" and ZIP_SHA256 in parsed.fields["note"]
    assert parsed.fields["doi"] == DOI and "version" not in parsed.fields  # printed once, not twice


def test_the_checksum_is_the_releases_from_its_manifest() -> None:
    """A citation of a release names the SHA-256 its manifest records, so it never changes."""
    from cacdata.publish.cite import release_checksum
    from cacdata.publish.manifest import read_manifests

    package = DataPackage.open()
    assert release_checksum(package) == read_manifests(package.root)[package.version].zip_sha256
    cff = load_citation(citation_path(package))
    for style in STYLES:
        assert read_manifests(package.root)[package.version].zip_sha256 in render(cff, style, release_checksum(package))


def test_bibtex_escapes_special_characters_and_keeps_braces_balanced(write_cff: Callable[[str], Path]) -> None:
    entry = render(load_citation(write_cff(BASE)), "bibtex")
    title = next(line for line in entry.splitlines() if line.startswith("  title = "))
    assert r"a \{braced\} set with 50\% \& more" in title
    unescaped = entry.replace(r"\{", "").replace(r"\}", "")
    assert unescaped.count("{") == unescaped.count("}")
    assert "  author = {Lovelace, Ada Augusta and {Example Lab}}," in entry.splitlines()


def test_apa_names_authors_year_version_and_the_doi_when_recorded(write_cff: Callable[[str], Path]) -> None:
    without = render(load_citation(write_cff(BASE)), "apa", ZIP_SHA256).strip()
    with_doi = render(load_citation(write_cff(BASE + f"doi: {DOI}\n")), "apa", ZIP_SHA256).strip()
    expected_start = (
        f"Lovelace, A. A., & Example Lab. ({YEAR}). *Sample data: a {{braced}} set with 50% & more*"
        f" (Version {VERSION}) [Data set]. Released 2031-04-05. SHA-256 of cacdata-{VERSION}-data.zip: {ZIP_SHA256}."
    )
    assert without == expected_start + " https://example.org/sample"
    assert with_doi == expected_start + f" https://doi.org/{DOI}"  # the DOI is preferred to the address


def test_csl_json_parses_and_maps_the_fields(write_cff: Callable[[str], Path]) -> None:
    (without,) = json.loads(render(load_citation(write_cff(BASE)), "csl-json", ZIP_SHA256))
    (with_doi,) = json.loads(render(load_citation(write_cff(BASE + f"doi: https://doi.org/{DOI}\n")), "csl-json"))
    assert without["type"] == "dataset"
    assert without["version"] == VERSION
    assert without["issued"] == {"date-parts": [[YEAR, MONTH, DAY]]}
    assert without["author"] == [{"family": "Lovelace", "given": "Ada Augusta"}, {"literal": "Example Lab"}]
    assert without["URL"] == "https://example.org/sample"
    assert without["custom"] == {"license": ["CC-BY-4.0"], "sha256": ZIP_SHA256}
    assert without["note"] == f"Released 2031-04-05. SHA-256 of cacdata-{VERSION}-data.zip: {ZIP_SHA256}."
    assert "DOI" not in without
    assert with_doi["DOI"] == DOI  # recorded with a resolver prefix, printed bare


def test_software_and_missing_date(write_cff: Callable[[str], Path]) -> None:
    text = BASE.replace("type: dataset\n", "").replace(f"date-released: {YEAR:04d}-{MONTH:02d}-{DAY:02d}\n", "")
    cff = load_citation(write_cff(text))
    assert "(n.d.)" in render(cff, "apa") and "[Computer software]" in render(cff, "apa")
    assert render(cff, "bibtex").startswith("@misc{") and "year = " not in render(cff, "bibtex")
    (item,) = json.loads(render(cff, "csl-json"))
    assert item["type"] == "software" and "issued" not in item


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: [unclosed\n", "not readable"),
        ("- a list\n", "not a CFF mapping"),
        (BASE.replace('title: "Sample data: a {braced} set with 50% & more"\n', ""), "'title' is missing"),
        (BASE.split("authors:")[0] + "version: 1\n", "'authors'"),
        (BASE.replace(f"{YEAR:04d}-{MONTH:02d}-{DAY:02d}", f"{DAY:02d}/{MONTH:02d}/{YEAR}"), "date-released"),
        (BASE + "doi: not-a-doi\n", "not a DOI"),
    ],
    ids=["bad-yaml", "not-a-mapping", "no-title", "no-authors", "bad-date", "bad-doi"],
)
def test_an_invalid_file_is_refused(write_cff: Callable[[str], Path], text: str, message: str) -> None:
    with pytest.raises(CiteError, match=message):
        load_citation(write_cff(text))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CiteError, match="no such file"):
        load_citation(tmp_path / "CITATION.cff")


def test_the_repository_citation_matches_the_package_version() -> None:
    package = DataPackage.open()
    cff = load_citation(citation_path(package))
    assert cff["version"] == package.version
    assert citation_key(cff) == "cacdata_" + package.version.replace(".", "_")
    assert f"(Version {package.version}) [Data set]." in render(cff, "apa")


def expected_sources(package: Path, record_id: str) -> list[tuple[str, str, str, str, str]]:
    """(source ID, publisher name, title, address, access date) for the record, read from the CSV files."""
    _, citations = read_csv(package / "data" / "citations.csv")
    _, sources = read_csv(package / "data" / "sources.csv")
    _, entities = read_csv(package / "data" / "entities.csv")
    names = {entity["entity_id"]: entity["name_en"] for entity in entities}
    by_id = {source["source_id"]: source for source in sources}
    expected = []
    for source_id in sorted({c["source_id"] for c in citations if c["record_id"] == record_id}):
        source = by_id[source_id]
        title = f'"{source["title"]}"' if source["title"] else "untitled"
        read_at = f"read at {source['read_at_url']}" if source["read_at_url"] else "no address recorded"
        address = source["url"] or read_at
        expected.append((source_id, names[source["publisher_id"]], title, address, source["access_date"]))
    return expected


@pytest.mark.parametrize("record_id", ["evt-0002", "quo-0001"])
def test_cite_record_names_each_source_behind_the_record(package_copy: Path, record_id: str) -> None:
    expected = expected_sources(package_copy, record_id)
    lines = cite_record(record_id, DataPackage.open(package_copy)).splitlines()
    assert len(lines) == len(expected) > 0
    for line, (source_id, publisher, title, address, accessed) in zip(lines, expected, strict=True):
        assert line.startswith(f"{source_id}: {publisher}, {title}, ")
        assert f", {address}, " in line
        assert line.endswith(f"accessed {accessed}")


def test_cite_record_reads_the_package_it_is_given(package_copy: Path, edit_cell: Callable[..., int]) -> None:
    source_id = expected_sources(package_copy, "evt-0002")[0][0]
    edit_cell("sources", source_id, "title", "A title set in the copy")
    edit_cell("sources", source_id, "url", "")
    edit_cell("sources", source_id, "read_at_url", "https://example.org/copy")
    first = cite_record("evt-0002", DataPackage.open(package_copy)).splitlines()[0]
    assert first.startswith(f"{source_id}: ") and ', "A title set in the copy", ' in first
    assert ", read at https://example.org/copy, " in first


def test_cite_record_refuses_unknown_and_uncited_records(package_copy: Path) -> None:
    package = DataPackage.open(package_copy)
    with pytest.raises(FootnoteError, match="evt-9999"):
        cite_record("evt-9999", package)
    path = package_copy / "data" / "citations.csv"
    header, rows = read_csv(path)
    write_csv(path, header, [row for row in rows if row["record_id"] != "evt-0002"])
    with pytest.raises(FootnoteError, match="no citations"):
        cite_record("evt-0002", package)
