"""Metadata for the places datasets are archived and found, generated from ``datapackage.json`` and
``CITATION.cff`` only, so that it cannot say anything they do not.

- ``.zenodo.json``: what Zenodo reads when a GitHub release is archived;
- ``docs/dataset.jsonld``: a schema.org ``Dataset``, as Google Dataset Search reads it;
- ``croissant.json``: MLCommons Croissant (Hugging Face, Kaggle, OpenML), one record set per table, every
  field typed from its Table Schema, every file with its SHA-256 stamp;
- the README's release block: the current release and how to obtain, verify, pin and cite it.

A DOI or an address appears only when ``CITATION.cff`` records one. ``cacdata metadata`` (and ``cacdata
release``) write them; ``stale_metadata`` tells which are out of date, and a test fails on any.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

from cacdata.describe.package import DataPackage
from cacdata.describe.types import backends
from cacdata.publish.cite import authors, citation_path, doi, load_citation, render

ZENODO = ".zenodo.json"
JSONLD = "docs/dataset.jsonld"
CROISSANT = "croissant.json"
README = "README.md"
README_BLOCK = re.compile(r"(<!-- release:start[^>]*-->\n).*?(<!-- release:end -->)", re.DOTALL)

# Frictionless field types as Croissant (schema.org) data types; anything else is read as text.
CROISSANT_CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def render_metadata(repo: Path) -> dict[str, str]:
    """Every generated file's path (relative to ``repo``) and text, from the descriptor and CITATION.cff."""
    package = DataPackage.open(repo)
    cff = load_citation(citation_path(package))
    texts = {
        ZENODO: _json(zenodo(package, cff)),
        JSONLD: _json(schema_org(package, cff)),
        CROISSANT: _json(croissant(package, cff)),
    }
    readme = repo / README
    if readme.is_file():
        texts[README] = with_release_block(readme.read_text(encoding="utf-8"), release_block(repo, package, cff))
    return texts


def write_metadata(repo: Path) -> list[Path]:
    """Write the generated files that are out of date; return those written."""
    from cacdata.describe.atomic import write_bytes

    written = []
    for name, text in render_metadata(repo).items():
        path = repo / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            written.append(write_bytes(path, text.encode("utf-8")))
    return written


def stale_metadata(repo: Path) -> list[str]:
    """Generated files that differ from what the descriptor and CITATION.cff give now."""
    stale = []
    for name, text in render_metadata(repo).items():
        path = repo / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _creators(cff: dict[str, Any]) -> list[dict[str, str]]:
    """Each author as ``name`` (``Family, Given`` for a person, as Zenodo wants)."""
    names = []
    for author in authors(cff):
        if author.family:
            family = " ".join(part for part in (author.particle, author.family) if part)
            names.append({"name": ", ".join(part for part in (family, author.given) if part), "person": "1"})
        else:
            names.append({"name": author.name or "", "person": ""})
    return names


def _address(cff: dict[str, Any]) -> str | None:
    value = cff.get("repository-code") or cff.get("url")
    return value if isinstance(value, str) and value.strip() else None


def _licence(package: DataPackage) -> dict[str, str]:
    licences = package.descriptor.get("licenses") or [{}]
    return {key: str(value) for key, value in licences[0].items()}


def zenodo(package: DataPackage, cff: dict[str, Any]) -> dict[str, Any]:
    """Zenodo's deposit metadata (``.zenodo.json``)."""
    record: dict[str, Any] = {
        "upload_type": "dataset",
        "title": package.descriptor.get("title", package.descriptor.get("name")),
        "description": package.descriptor.get("description", ""),
        "version": package.version,
        "publication_date": cff.get("date-released"),
        "creators": [{"name": creator["name"]} for creator in _creators(cff)],
        "keywords": package.descriptor.get("keywords", []),
        "license": _licence(package).get("name", "").lower(),
        "access_right": "open",
    }
    if _address(cff):
        record["related_identifiers"] = [{"identifier": _address(cff), "relation": "isSupplementTo", "scheme": "url"}]
    if doi(cff):
        record["doi"] = doi(cff)
    return record


def schema_org(package: DataPackage, cff: dict[str, Any]) -> dict[str, Any]:
    """A schema.org ``Dataset`` in JSON-LD, for search engines."""
    dataset: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": package.descriptor.get("title", package.descriptor.get("name")),
        "alternateName": package.descriptor.get("name"),
        "description": package.descriptor.get("description", ""),
        "version": package.version,
        "datePublished": cff.get("date-released"),
        "license": _licence(package).get("path"),
        "keywords": package.descriptor.get("keywords", []),
        "isAccessibleForFree": True,
        "creator": [
            {"@type": "Person" if creator["person"] else "Organization", "name": creator["name"]}
            for creator in _creators(cff)
        ],
        "variableMeasured": [
            f"{name}.{field.name}" for name, table in package.tables.items() for field in table.fields
        ],
    }
    if doi(cff):
        dataset["identifier"] = f"https://doi.org/{doi(cff)}"
    if _address(cff):
        dataset["url"] = _address(cff)
    return dataset


def croissant(package: DataPackage, cff: dict[str, Any]) -> dict[str, Any]:
    """A Croissant 1.0 description: one file object and one record set per table."""
    files, record_sets = [], []
    for resource in package.descriptor["resources"]:
        name = resource["name"]
        table = package.table(name)
        files.append(
            {
                "@type": "cr:FileObject",
                "@id": f"{name}.csv",
                "name": f"{name}.csv",
                "contentUrl": resource["path"],
                "encodingFormat": "text/csv",
                "sha256": str(resource.get("hash", "")).removeprefix("sha256:"),
            }
        )
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": name,
                "name": name,
                "description": table.description,
                "key": {"@id": f"{name}/{table.primary_key}"},
                "field": [
                    {
                        "@type": "cr:Field",
                        "@id": f"{name}/{field.name}",
                        "name": field.name,
                        "description": field.description,
                        "dataType": backends(field).croissant,
                        "source": {"fileObject": {"@id": f"{name}.csv"}, "extract": {"column": field.name}},
                    }
                    for field in table.fields
                ],
            }
        )
    dataset = schema_org(package, cff)
    described: dict[str, Any] = {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": package.descriptor.get("name"),
        "description": dataset["description"],
        "version": package.version,
        "datePublished": dataset["datePublished"],
        "license": dataset["license"],
        "keywords": dataset["keywords"],
        "creator": dataset["creator"],
        "citeAs": render(cff, "bibtex").strip(),
    }
    if "url" in dataset:
        described["url"] = dataset["url"]
    return {**described, "distribution": files, "recordSet": record_sets}


def release_block(repo: Path, package: DataPackage, cff: dict[str, Any]) -> str:
    """The README's paragraph on the current release, from the version, CITATION.cff and ``releases/``."""
    from cacdata.publish.manifest import read_manifests

    version = package.version
    released = cff.get("date-released", "")
    listed = [v for v in read_manifests(repo) if v != version]
    earlier = f" Earlier releases: {', '.join(listed)}; each can be rebuilt and checked the same way." if listed else ""
    zip_file = f"cacdata-{version}-data.zip"
    paragraph = (
        f"The current release is **{version}** ({released}). From a clone of this repository (tags are not"
        f" needed), `cacdata rebuild {version}` writes `dist/{zip_file}` from git history, byte for byte the"
        f" released zip, and checks it against `releases/{version}.json`, which records its SHA-256;"
        f" `cacdata verify {zip_file}` says whether any copy is exactly that release, and which files differ."
        f' Pin it with `cacdata.open("{version}")` or `cacdata.open("{zip_file}")`, compare with'
        f" `cacdata diff {version} .`, and cite it with `cacdata cite` (BibTeX, APA or CSL-JSON, with the"
        f" zip's SHA-256).{earlier}"
    )
    quoted = textwrap.fill(render(cff, "apa").strip(), width=108, initial_indent="> ", subsequent_indent="> ")
    return f"{textwrap.fill(paragraph, width=110, break_on_hyphens=False)}\n\n{quoted}\n"


def with_release_block(readme: str, block: str) -> str:
    """The README with its release block replaced; a README without the markers is left as it is."""
    return README_BLOCK.sub(lambda match: match.group(1) + block + match.group(2), readme)
