"""The publish stage's commands: ``release`` makes one; ``rebuild``, ``verify`` and ``metadata`` obtain a
release from history, check a copy against one, and regenerate the archive metadata; ``diff`` and ``cite``
compare releases and say how to cite one. Each command parses, calls, prints, exits."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cacdata.cli.common import EXIT_INVALID, PackageOption, fail, open_package
from cacdata.describe.package import PackageError


class DiffFormat(StrEnum):
    """How ``cacdata diff`` prints the changes: text, Markdown for the CHANGELOG, or JSON."""

    text = "text"
    markdown = "markdown"
    json = "json"


class CiteFormat(StrEnum):
    """The citation styles ``cacdata cite`` writes: BibTeX, APA, or CSL JSON for reference managers."""

    bibtex = "bibtex"
    apa = "apa"
    csl_json = "csl-json"


RepoOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
    typer.Option("--repo", help="The checkout whose releases/ and history to read; default: this one."),
]


def _repo(repo: Path | None) -> Path:
    """The checkout whose releases/ a command reads: ``--repo``, else the current folder, else the bundled one's."""
    from cacdata.describe.copies import default_repo

    found = repo if repo is not None else default_repo()
    if found is None or not (found / "releases").is_dir():
        raise fail(f"{found or Path.cwd()}: no releases/ folder; run this in a checkout of cacdata")
    return found


def rebuild(
    version: Annotated[str, typer.Argument(help="A release listed in releases/, e.g. 0.2.0.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the zip into.")] = Path("dist"),
    repo: RepoOption = None,
) -> None:
    """Rebuild a release's data zip from git history and check it against its manifest, byte for byte.

    Exit 0 identical, 1 differs (the members are listed), 2 cannot rebuild (no such release, no history).

    Example: cacdata rebuild 0.2.0 --out dist
    """
    from cacdata.publish.rebuild import rebuild as rebuild_release

    try:
        path, check = rebuild_release(_repo(repo), version.removeprefix("v"), out)
    except PackageError as error:
        raise fail(str(error)) from None
    typer.echo(check.to_text(str(path)))
    if not check.exact:
        raise typer.Exit(EXIT_INVALID)


def verify(
    copy: Annotated[str, typer.Argument(help="A release zip, an unpacked folder, a checkout, a version or a ref.")],
    release: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--release", help="The release to compare with; default: the version the copy claims."),
    ] = None,
    repo: RepoOption = None,
) -> None:
    """Say whether a copy is exactly a release (every file against the manifest) and which files differ.

    Exit 0 exactly the release, 1 not, 2 unusable input.

    Example: cacdata verify cacdata-0.2.0-data.zip
    """
    from cacdata.publish.rebuild import verify as verify_copy

    try:
        check = verify_copy(copy, repo, release.removeprefix("v") if release else None)
    except PackageError as error:
        raise fail(str(error)) from None
    typer.echo(check.to_text(copy))
    if not check.exact:
        raise typer.Exit(EXIT_INVALID)


def metadata(
    check: Annotated[bool, typer.Option("--check", help="Only say which files are out of date (exit 1).")] = False,
    repo: RepoOption = None,
) -> None:
    """Write .zenodo.json, docs/dataset.jsonld, croissant.json and the README's release block.

    They are generated from datapackage.json and CITATION.cff; run this after changing either.

    Example: cacdata metadata --check
    """
    from cacdata.publish.cite import CiteError
    from cacdata.publish.metadata import stale_metadata, write_metadata

    root = _repo(repo)
    try:
        if check:
            stale = stale_metadata(root)
            for name in stale:
                typer.echo(f"out of date: {name} (run: cacdata metadata)")
            if stale:
                raise typer.Exit(EXIT_INVALID)
            typer.echo("every generated metadata file is current")
            return
        written = write_metadata(root)
    except (PackageError, CiteError) as error:
        raise fail(str(error)) from None
    for path in written:
        typer.echo(f"wrote {path}")
    if not written:
        typer.echo("every generated metadata file is current")


def diff(
    old: Annotated[str, typer.Argument(help="Old release: version (0.1.0), directory, release zip, or git ref.")],
    new: Annotated[str, typer.Argument(help="New release: version, directory (. for this one), zip, or git ref.")],
    output: Annotated[DiffFormat, typer.Option("--format", help="text, markdown or json.")] = DiffFormat.text,
    repo: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--repo", help="Checkout to read git refs from; default: the current directory."),
    ] = None,
) -> None:
    """Compare two releases record by record: rows added, removed and changed, per table.

    Example: cacdata diff 0.1.0 . --format markdown
    """
    from cacdata.publish.diff import DiffError, compare

    try:
        result = compare(old, new, repo)
    except (DiffError, PackageError) as error:
        raise fail(str(error)) from None
    rendered = {
        DiffFormat.text: result.to_text,
        DiffFormat.markdown: result.to_markdown,
        DiffFormat.json: result.to_json,
    }
    typer.echo(rendered[output](), nl=False)


def cite(
    record_id: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="A record ID, e.g. evt-0002: print the sources behind it, for a footnote."),
    ] = None,
    output: Annotated[
        Optional[CiteFormat],  # noqa: UP045
        typer.Option("--format", help="bibtex, apa or csl-json; default: all three."),
    ] = None,
    path: PackageOption = None,
) -> None:
    """Print how to cite this release (from CITATION.cff), or the sources behind one record.

    Example: cacdata cite --format bibtex
    """
    from cacdata.publish.cite import STYLES, CiteError, citation_path, load_citation, release_checksum, render
    from cacdata.read.footnotes import FootnoteError, cite_record

    package = open_package(path)
    try:
        if record_id is not None:
            typer.echo(cite_record(record_id, package))
            return
        cff = load_citation(citation_path(package))
        checksum = release_checksum(package)
        styles = [output.value] if output else list(STYLES)
        typer.echo("\n\n".join(render(cff, style, checksum) for style in styles))  # type: ignore[arg-type]
    except (CiteError, FootnoteError, PackageError) as error:
        raise fail(str(error)) from None


def release(
    version: Annotated[str, typer.Argument(help="The new version, X.Y.Z.")],
    texts: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--texts", help="Folder of source texts, to check excerpts before releasing."),
    ] = None,
    build: Annotated[bool, typer.Option("--build/--no-build", help="Build the wheel and sdist in dist/.")] = True,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="Release even when nothing changed since the last release.")
    ] = False,
    repo: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--repo", help="The checkout to release; default: the current directory."),
    ] = None,
) -> None:
    """Prepare a release: check, set the version, date the CHANGELOG, stamp, write the manifest, build dist/.

    Needs a clean git checkout; never tags or pushes. Exit 1 invalid data, 2 anything else refused.

    Example: cacdata release 0.3.0 --texts ../shared/sources
    """
    from datetime import date

    from cacdata.publish.release import ReleaseError
    from cacdata.publish.release import release as make_release

    try:
        made = make_release((repo or Path.cwd()).resolve(), version, date.today(), texts, build, allow_empty)
    except ReleaseError as error:
        raise fail(str(error), error.exit_code) from None
    except PackageError as error:
        raise fail(str(error)) from None
    typer.echo(f"cacdata {made.previous} -> {made.version}")
    for change in made.schema_changes:
        typer.echo(f"  schema {change.describe()}")
    for table, count in made.diff.counts().items():
        typer.echo(f"  {table}: {count['added']} added, {count['removed']} removed, {count['changed']} changed")
    for path in made.dist:
        typer.echo(f"  built {path}")
    typer.echo(f"Review, then tag (nothing was pushed):\n  {made.tag_command}")
