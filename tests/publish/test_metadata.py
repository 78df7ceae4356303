"""Archive and search metadata: generated from datapackage.json and CITATION.cff, current, and readable
by the tools that consume it (mlcroissant for Croissant)."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from cacdata.describe.package import DataPackage
from cacdata.publish.cite import citation_path, load_citation
from cacdata.publish.metadata import CROISSANT, JSONLD, README, ZENODO, render_metadata, stale_metadata

from faults import REPO

PACKAGE = DataPackage.open(REPO)


def test_every_generated_file_is_current() -> None:
    """Fails when datapackage.json, CITATION.cff or releases/ changed without `cacdata metadata`."""
    assert stale_metadata(REPO) == [], "run: cacdata metadata"


def test_a_change_to_the_sources_makes_them_stale(tmp_path: Path) -> None:
    for name in ("datapackage.json", "CITATION.cff", README, ZENODO, CROISSANT):
        shutil.copy(REPO / name, tmp_path / name)
    for folder in ("schemas", "data", "docs", "releases"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    assert stale_metadata(tmp_path) == []
    cff = tmp_path / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8") + "doi: 10.5281/zenodo.1234567\n", encoding="utf-8")
    assert set(stale_metadata(tmp_path)) == {ZENODO, JSONLD, CROISSANT, README}
    generated = render_metadata(tmp_path)
    assert json.loads(generated[ZENODO])["doi"] == "10.5281/zenodo.1234567"
    assert json.loads(generated[JSONLD])["identifier"] == "https://doi.org/10.5281/zenodo.1234567"


def test_nothing_is_invented() -> None:
    """No address or DOI unless CITATION.cff records one; every table and field described."""
    cff = load_citation(citation_path(PACKAGE))
    generated = {name: json.loads(text) for name, text in render_metadata(REPO).items() if name != README}
    recorded = {key for key in ("doi", "url", "repository-code") if key in cff}
    for document in generated.values():
        if not recorded:
            assert "url" not in document and "doi" not in document and "identifier" not in document
        assert document.get("version", PACKAGE.version) == PACKAGE.version
    croissant = generated[CROISSANT]
    assert [r["name"] for r in croissant["recordSet"]] == list(PACKAGE.tables)
    for record_set in croissant["recordSet"]:
        assert [f["name"] for f in record_set["field"]] == PACKAGE.table(record_set["name"]).field_names


def test_croissant_validates_and_loads_every_table() -> None:
    import mlcroissant as mlc  # in the dev extra that .ci/run installs

    logging.getLogger("absl").setLevel(logging.ERROR)
    dataset = mlc.Dataset(str(REPO / CROISSANT))  # raises on any validation error
    for name, table in PACKAGE.tables.items():
        records = list(dataset.records(name))
        assert len(records) == table.row_count(), name
        key = f"{name}/{table.primary_key}"
        assert records[0][key].decode("utf-8").startswith(table.id_prefix + "-")
