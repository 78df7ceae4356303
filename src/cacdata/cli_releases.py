"""``cacdata rebuild``, ``verify`` and ``metadata``: obtain a release from history, check a copy, regenerate
the archive metadata. Registered on the one ``cacdata`` app; each command parses, calls, prints, exits."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cacdata.cli import EXIT_INVALID, EXIT_USAGE, app
from cacdata.describe.package import PackageError

RepoOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
    typer.Option("--repo", help="The checkout whose releases/ and history to read; default: this one."),
]


def _repo(repo: Path | None) -> Path:
    from cacdata.describe.copies import default_repo

    found = repo if repo is not None else default_repo()
    if found is None or not (found / "releases").is_dir():
        typer.echo(f"error: {found or Path.cwd()}: no releases/ folder; run this in a checkout of cacdata", err=True)
        raise typer.Exit(EXIT_USAGE)
    return found


@app.command()
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
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(check.to_text(str(path)))
    if not check.exact:
        raise typer.Exit(EXIT_INVALID)


@app.command()
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
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(check.to_text(copy))
    if not check.exact:
        raise typer.Exit(EXIT_INVALID)


@app.command()
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
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    for path in written:
        typer.echo(f"wrote {path}")
    if not written:
        typer.echo("every generated metadata file is current")
