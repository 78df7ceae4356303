"""How to cite the dataset, read from ``CITATION.cff``; the sources behind one record are in ``read.footnotes``.

``CITATION.cff`` is the one source of truth for the release's citation: this module maps its fields and adds
nothing, so a DOI or an address appears only when the file records one. The one thing added is the SHA-256
of the release's data zip, read from the release's manifest (``releases/X.Y.Z.json``), so that a reader can
check the copy they obtain and a citation of a release never changes. BibTeX is an ``@misc`` entry whose
``howpublished`` carries the version, since classic styles (``plain``) print no ``version`` field and know
no ``@dataset``; biblatex prints ``howpublished`` too. cffconvert cannot be a dependency (it pins
``jsonschema<4``, which frictionless cannot use), hence PyYAML and the small mappings below.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from cacdata.describe.package import DataPackage, PackageError

CITATION_FILE = "CITATION.cff"

Style = Literal["bibtex", "apa", "csl-json"]
STYLES: tuple[Style, ...] = get_args(Style)

# APA 7 lists up to 20 authors; past that, the first 19, an ellipsis and the last.
APA_MAX_AUTHORS = 20

_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


class CiteError(Exception):
    """A citation that cannot be made: the file missing or invalid, or a record with nothing to cite."""


@dataclass(frozen=True)
class Author:
    """A CFF author: a person (family and given names) or an entity (one ``name``)."""

    family: str | None = None
    given: str | None = None
    particle: str | None = None
    suffix: str | None = None
    name: str | None = None


def citation_path(package: DataPackage | None = None) -> Path:
    """Where ``CITATION.cff`` lies: beside ``datapackage.json``, in a checkout and in the wheel alike."""
    try:
        root = (package or DataPackage.open()).root
    except PackageError as error:
        raise CiteError(str(error)) from None
    return root / CITATION_FILE


def load_citation(path: Path) -> dict[str, Any]:
    """The CFF file as a dict, checked for the fields the renderers rely on.

    Every scalar is read as text (YAML's base loader), so ``version: 0.10`` stays "0.10" and a date stays
    as written.
    """
    try:
        cff = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except FileNotFoundError:
        raise CiteError(f"{path}: no such file; the citation is read from {CITATION_FILE}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CiteError(f"{path}: not readable UTF-8 YAML ({error})") from None
    if not isinstance(cff, dict):
        raise CiteError(f"{path}: not a CFF mapping of keys to values")
    _check(cff, path)
    return cff


def render(cff: dict[str, Any], style: Style, zip_sha256: str | None = None) -> str:
    """The release's citation in one style, with its data zip's SHA-256 when known; ends with a newline."""
    if style == "bibtex":
        return to_bibtex(cff, zip_sha256)
    if style == "apa":
        return to_apa(cff, zip_sha256) + "\n"
    if style == "csl-json":
        return json.dumps([to_csl(cff, zip_sha256)], ensure_ascii=False, indent=2) + "\n"
    raise CiteError(f"no style {style!r}; the styles are: {', '.join(STYLES)}")


def release_checksum(package: DataPackage) -> str | None:
    """The SHA-256 of the data zip of the release this copy claims to be, from its manifest; None if unlisted."""
    from cacdata.describe.copies import default_repo
    from cacdata.publish.manifest import read_manifests

    for repo in (package.root, default_repo()):
        if repo is not None and (repo / "releases").is_dir():
            manifest = read_manifests(repo).get(package.version)
            if manifest is not None:
                return manifest.zip_sha256
    return None


def identifier_note(cff: dict[str, Any], zip_sha256: str | None) -> str | None:
    """``Released YYYY-MM-DD. SHA-256 of cacdata-X.Y.Z-data.zip: <hex>.``, from what is known."""
    parts = []
    released = _released(cff)
    if released is not None:
        parts.append(f"Released {released.isoformat()}.")
    version = _text(cff, "version")
    if zip_sha256 is not None and version is not None:
        parts.append(f"SHA-256 of cacdata-{version}-data.zip: {zip_sha256}.")
    return " ".join(parts) or None


def to_csl(cff: dict[str, Any], zip_sha256: str | None = None) -> dict[str, Any]:
    """One CSL-JSON item (CSL 1.0.2 variables only; the licence and checksum go under ``custom``)."""
    item: dict[str, Any] = {"id": citation_key(cff), "type": "dataset" if _is_dataset(cff) else "software"}
    item["title"] = _text(cff, "title")
    item["author"] = [_csl_name(author) for author in authors(cff)]
    released = _released(cff)
    if released is not None:
        item["issued"] = {"date-parts": [[released.year, released.month, released.day]]}
    _put(item, "version", _text(cff, "version"))
    _put(item, "DOI", doi(cff))
    _put(item, "URL", _url(cff))
    _put(item, "note", identifier_note(cff, zip_sha256))
    custom: dict[str, Any] = {}
    licences = _licences(cff)
    if licences:
        custom["license"] = licences
    if zip_sha256 is not None:
        custom["sha256"] = zip_sha256
    if custom:
        item["custom"] = custom
    return item


def to_bibtex(cff: dict[str, Any], zip_sha256: str | None = None) -> str:
    """An ``@misc`` entry that classic BibTeX styles and biblatex both print with its version."""
    released = _released(cff)
    version = _text(cff, "version")
    kind = "Data set" if _is_dataset(cff) else "Computer software"
    note = identifier_note(cff, zip_sha256)
    fields = {
        "author": " and ".join(_bibtex_name(author) for author in authors(cff)),
        "title": "{" + _latex(_text(cff, "title") or "") + "}",
        "howpublished": f"{kind}, version {_latex(version)}" if version else kind,
        "year": str(released.year) if released else None,
        "date": released.isoformat() if released else None,
        "note": _latex(note) if note else None,
        "doi": _verbatim(doi(cff)),
        "url": _verbatim(_url(cff)),
    }
    lines = [f"@misc{{{citation_key(cff)},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields.items() if value]
    return "\n".join([*lines, "}"]) + "\n"


def to_apa(cff: dict[str, Any], zip_sha256: str | None = None) -> str:
    """APA 7 style: Authors. (Year). *Title* (Version X) [Data set]. Release date, checksum. DOI or address."""
    names = _apa_authors(authors(cff))
    released = _released(cff)
    version = _text(cff, "version")
    text = names if names.endswith(".") else names + "."
    text += f" ({released.year if released else 'n.d.'}). *{_text(cff, 'title')}*"
    text += f" (Version {version})" if version else ""
    text += " [Data set]." if _is_dataset(cff) else " [Computer software]."
    note = identifier_note(cff, zip_sha256)
    text += f" {note}" if note else ""
    recorded_doi = doi(cff)
    link = f"https://doi.org/{recorded_doi}" if recorded_doi else _url(cff)
    return text + (f" {link}" if link else "")


def citation_key(cff: dict[str, Any]) -> str:
    """A BibTeX key from the title's first word and the version, e.g. ``cacdata_0_2_0``."""
    first_word = re.split(r"[\s:]+", _text(cff, "title") or "", maxsplit=1)[0]
    base = re.sub(r"[^a-z0-9]+", "_", first_word.lower()).strip("_") or "dataset"
    released = _released(cff)
    suffix = _text(cff, "version") or (str(released.year) if released else "")
    return "_".join(part for part in (base, re.sub(r"[^A-Za-z0-9]+", "_", suffix).strip("_")) if part)


def authors(cff: dict[str, Any]) -> list[Author]:
    """The authors of ``CITATION.cff`` as structured names, in order, for every citation style."""
    return [
        Author(
            family=_text(entry, "family-names"),
            given=_text(entry, "given-names"),
            particle=_text(entry, "name-particle"),
            suffix=_text(entry, "name-suffix"),
            name=_text(entry, "name"),
        )
        for entry in cff["authors"]
    ]


def doi(cff: dict[str, Any]) -> str | None:
    """The DOI as the file records it, without a resolver prefix; ``None`` when none is recorded."""
    value = _text(cff, "doi")
    if value is None:
        return None
    for prefix in _DOI_PREFIXES:
        if value.lower().startswith(prefix):
            return value[len(prefix) :]
    return value


def _check(cff: dict[str, Any], path: Path) -> None:
    """Refuse a file the renderers would misquote: no title, no authors, a malformed date or DOI."""
    for key in ("title", "version", "doi", "url", "repository-code", "date-released", "type"):
        if key in cff and not isinstance(cff[key], str):
            raise CiteError(f"{path}: {key!r} must be a single value")
    if _text(cff, "title") is None:
        raise CiteError(f"{path}: 'title' is missing")
    entries = cff.get("authors")
    if not isinstance(entries, list) or not entries:
        raise CiteError(f"{path}: 'authors' must be a non-empty list")
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not (_text(entry, "name") or _text(entry, "family-names")):
            raise CiteError(f"{path}: author {number} has neither 'name' nor 'family-names'")
    licence = cff.get("license")
    if licence is not None and not (
        isinstance(licence, str) or (isinstance(licence, list) and all(isinstance(x, str) for x in licence))
    ):
        raise CiteError(f"{path}: 'license' must be an identifier or a list of them")
    try:
        _released(cff)
    except ValueError:
        raise CiteError(f"{path}: 'date-released' {cff['date-released']!r} is not a YYYY-MM-DD date") from None
    recorded_doi = doi(cff)
    if recorded_doi is not None and not re.fullmatch(r"10\.\d{4,9}/\S+", recorded_doi):
        raise CiteError(f"{path}: 'doi' {cff['doi']!r} is not a DOI (10.NNNN/...)")


def _text(mapping: dict[str, Any], key: str) -> str | None:
    """A scalar field, stripped; ``None`` when absent or empty (YAML's empty value reads as "")."""
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def _put(item: dict[str, Any], key: str, value: str | None) -> None:
    if value:
        item[key] = value


def _released(cff: dict[str, Any]) -> date | None:
    value = _text(cff, "date-released")
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(value)
    return date.fromisoformat(value)


def _is_dataset(cff: dict[str, Any]) -> bool:
    """CFF's ``type`` is "dataset" or, by default, "software"."""
    return _text(cff, "type") == "dataset"


def _url(cff: dict[str, Any]) -> str | None:
    return _text(cff, "url") or _text(cff, "repository-code")


def _licences(cff: dict[str, Any]) -> list[str]:
    licence = cff.get("license")
    values = [licence] if isinstance(licence, str) else licence or []
    return [value.strip() for value in values if value.strip()]


def _csl_name(author: Author) -> dict[str, str]:
    if author.name and not author.family:
        return {"literal": author.name}
    name = {
        "family": author.family,
        "given": author.given,
        "non-dropping-particle": author.particle,
        "suffix": author.suffix,
    }
    return {key: value for key, value in name.items() if value}


def _bibtex_name(author: Author) -> str:
    """``von Last, Jr, First`` for a person; an entity braced whole, so BibTeX does not split it."""
    if author.name and not author.family:
        return "{" + _latex(author.name) + "}"
    family = " ".join(part for part in (author.particle, author.family) if part)
    parts = [family, author.suffix, author.given] if author.suffix else [family, author.given]
    return ", ".join(_latex(part) for part in parts if part)


def _apa_authors(people: list[Author]) -> str:
    names = [_apa_name(author) for author in people]
    if len(names) == 1:
        return names[0]
    if len(names) > APA_MAX_AUTHORS:
        return ", ".join(names[: APA_MAX_AUTHORS - 1]) + ", . . . " + names[-1]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _apa_name(author: Author) -> str:
    """``Family, G. M.`` for a person (``Jean-Paul`` gives ``J.-P.``); an entity's name as it is."""
    if author.name and not author.family:
        return author.name
    family = " ".join(part for part in (author.particle, author.family) if part)
    initials = " ".join(
        "-".join(piece[0] + "." for piece in word.split("-") if piece) for word in (author.given or "").split()
    )
    return ", ".join(part for part in (family, initials, author.suffix) if part)


def _latex(text: str) -> str:
    """Text for a BibTeX field: LaTeX's special characters escaped, so braces stay balanced."""
    return "".join(_LATEX_SPECIAL.get(char, char) for char in text)


def _verbatim(value: str | None) -> str | None:
    """A DOI or address for a verbatim BibTeX field: only the characters that would unbalance it are encoded."""
    if value is None:
        return None
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
