"""The ``cacdata`` command: a thin skin over the library. Each command parses, calls, prints, exits."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cacdata.describe.package import DataPackage, PackageError

app = typer.Typer(
    help="China's Cyberspace Administration and voice-changing and deep-fake technology, March 2021: the data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_INVALID = 1
EXIT_USAGE = 2

PackageOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
    typer.Option("--path", help="Another copy of the package (directory); default: the bundled one."),
]


class ShowFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class ExportFormat(StrEnum):
    sqlite = "sqlite"
    duckdb = "duckdb"
    parquet = "parquet"
    json = "json"
    jsonl = "jsonl"
    xlsx = "xlsx"


QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]


class CiteFormat(StrEnum):
    bibtex = "bibtex"
    apa = "apa"
    csl_json = "csl-json"


def _version(value: bool) -> None:
    if value:
        typer.echo(DataPackage.open().version)
        raise typer.Exit()


def _os_message(error: Exception) -> str:
    """A file system error as one line naming the file, without Python's ``[Errno N]`` prefix."""
    if isinstance(error, OSError) and not isinstance(error, PackageError) and error.strerror:
        return f"{error.filename or ''}: {error.strerror}".lstrip(": ")
    return str(error)


def _open(path: Path | None) -> DataPackage:
    try:
        package = DataPackage.open(path)
        package.tables  # noqa: B018 - fail here, cleanly, on a broken descriptor
        return package
    except PackageError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the data version and exit.")
    ] = False,
) -> None:
    """Load, inspect and validate the cacdata tables."""


@app.command()
def tables(path: PackageOption = None) -> None:
    """List the tables with their row counts and descriptions.

    Example: cacdata tables
    """
    package = _open(path)  # rows are counted with the csv module: listing the tables needs no pandas
    for name, table in package.tables.items():
        try:
            count = table.row_count()
        except (PackageError, OSError) as error:
            typer.echo(f"error: {_os_message(error)}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        typer.echo(f"{name:<14}{count:>6}  {table.description}")


@app.command()
def show(
    table: Annotated[str, typer.Argument(help="Table name, e.g. events.")],
    output: Annotated[ShowFormat, typer.Option("--format", help="Output format.")] = ShowFormat.table,
    path: PackageOption = None,
) -> None:
    """Print one table.

    Example: cacdata show events --format csv
    """
    from cacdata.read.frames import LoadError, read_table

    package = _open(path)
    try:
        frame = read_table(package.table(table))
    except KeyError as error:
        typer.echo(f"error: {error.args[0]}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except LoadError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    if output is ShowFormat.csv:
        typer.echo(frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n"), nl=False)
    elif output is ShowFormat.json:
        typer.echo(frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
    else:
        typer.echo(frame.to_string(index=False, max_colwidth=60))


@app.command()
def get(
    record_id: Annotated[str, typer.Argument(help="A record ID, e.g. evt-0002.")],
    output: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.text,
    path: PackageOption = None,
) -> None:
    """Print one record with its citations, their excerpts and sources.

    Example: cacdata get evt-0002
    """
    from cacdata.read.records import get_record

    _open(path)
    try:
        record = get_record(record_id, path)
    except KeyError as error:
        typer.echo(f"error: {error.args[0]}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    if output is ReportFormat.json:
        typer.echo(json.dumps(asdict(record), ensure_ascii=False, indent=2))
        return
    typer.echo(f"{record_id} ({record.table})")
    for key, value in record.fields.items():
        if value is not None:
            typer.echo(f"  {key}: {value}")
    for item in record.evidence:
        citation, source = item.citation, item.source
        typer.echo(f"\n  {citation['citation_id']}" + (f" (field {citation['field']})" if citation["field"] else ""))
        typer.echo(f'    "{citation["excerpt"]}"')
        typer.echo(
            f"    {source['source_id']}: {source['title'] or '(untitled)'}"
            + (f", {citation['locator']}" if citation["locator"] else "")
        )
        address = source["url"] or source["read_at_url"]
        if address:
            typer.echo(f"    {address}" + ("" if source["url"] else " (where the text was read)"))


@app.command()
def codebook(
    out: Annotated[Optional[Path], typer.Option("--out", help="Write to this file instead of printing.")] = None,  # noqa: UP045
    path: PackageOption = None,
) -> None:
    """Write the data dictionary (every table and field) from the schemas, as Markdown.

    Example: cacdata codebook --out docs/data-dictionary.md
    """
    from cacdata.describe.atomic import check_target, write_text
    from cacdata.share.codebook import render_codebook

    package = _open(path)
    try:
        if out is not None:
            check_target(out, package)
        text = render_codebook(package)
        if out is None:
            typer.echo(text, nl=False)
        else:
            write_text(out, text)
    except (PackageError, OSError) as error:
        typer.echo(f"error: {_os_message(error)}", err=True)
        raise typer.Exit(EXIT_USAGE) from None


@app.command()
def stamp(path: PackageOption = None) -> None:
    """Record each file's size and SHA-256 in datapackage.json; run it after editing a CSV.

    Example: cacdata stamp
    """
    from cacdata.describe.stamp import stamp as stamp_package

    try:
        changed = stamp_package(_open(path))
    except OSError as error:  # a read-only package, a full disk: the descriptor is left as it was
        typer.echo(f"error: {_os_message(error)}; datapackage.json was left as it was", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(f"stamped: {', '.join(changed)}" if changed else "every resource's stamp is current")


@app.command()
def validate(
    path: Annotated[Optional[Path], typer.Argument(help="Package directory; default: the bundled one.")] = None,  # noqa: UP045
    texts: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--texts", help="Folder of source texts; files are matched to sources by SHA-256."),
    ] = None,
    output: Annotated[
        ReportFormat, typer.Option("--format", help="text, or json: one object per failure.")
    ] = ReportFormat.text,
) -> None:
    """Check the package: stock Frictionless checks, citations, file hygiene, excerpts in their texts.

    Exit 0 valid, 1 invalid, 2 unusable input.

    Example: cacdata validate --texts ../shared/sources
    """
    from cacdata.validation import validate as run_validation

    if texts is not None and not texts.is_dir():
        typer.echo(f"error: {texts}: no such directory", err=True)
        raise typer.Exit(EXIT_USAGE)
    try:  # validate() opens the package itself and raises PackageError on one it cannot use
        report = run_validation(path, texts)
    except PackageError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    if output is ReportFormat.json:
        if report.failures:
            typer.echo(report.to_json_lines())
    else:
        typer.echo(report.to_text() if report.failures else f"valid; checks run: {', '.join(report.checked)}")
    if not report.valid:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="Old release: package directory, release zip, or git ref.")],
    new: Annotated[str, typer.Argument(help="New release: package directory, release zip, or git ref.")],
    output: Annotated[DiffFormat, typer.Option("--format", help="text, markdown or json.")] = DiffFormat.text,
    repo: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--repo", help="Checkout to read git refs from; default: the current directory."),
    ] = None,
) -> None:
    """Compare two releases record by record: rows added, removed and changed, per table.

    Example: cacdata diff v0.1.0 . --format markdown
    """
    from cacdata.publish.diff import DiffError, compare

    try:
        result = compare(old, new, repo or Path.cwd())
    except DiffError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    rendered = {
        DiffFormat.text: result.to_text,
        DiffFormat.markdown: result.to_markdown,
        DiffFormat.json: result.to_json,
    }
    typer.echo(rendered[output](), nl=False)


@app.command()
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
    from cacdata.publish.cite import STYLES, CiteError, citation_path, load_citation, render
    from cacdata.read.footnotes import FootnoteError, cite_record

    package = _open(path)
    try:
        if record_id is not None:
            typer.echo(cite_record(record_id, package))
            return
        cff = load_citation(citation_path(package))
        styles = [output.value] if output else list(STYLES)
        typer.echo("\n\n".join(render(cff, style) for style in styles))  # type: ignore[arg-type]
    except (CiteError, FootnoteError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None


@app.command()
def release(
    version: Annotated[str, typer.Argument(help="The new version, X.Y.Z.")],
    texts: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--texts", help="Folder of source texts, to check excerpts before releasing."),
    ] = None,
    build: Annotated[bool, typer.Option("--build/--no-build", help="Build dist/ (wheel, sdist, data zip).")] = True,
    repo: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--repo", help="The checkout to release; default: the current directory."),
    ] = None,
) -> None:
    """Prepare a release: check, set the version, date the CHANGELOG, stamp, build dist/. Never pushes.

    Example: cacdata release 0.2.0 --texts ../shared/sources
    """
    from datetime import date

    from cacdata.publish.release import ReleaseError
    from cacdata.publish.release import release as make_release
    from cacdata.publish.versioning import parse_version

    try:
        parse_version(version)
    except ValueError as error:  # a usage error: nothing is checked or written
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    try:
        made = make_release((repo or Path.cwd()).resolve(), version, date.today(), texts, build)
    except (ReleaseError, PackageError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    typer.echo(f"cacdata {made.previous} -> {made.version}")
    for change in made.schema_changes:
        typer.echo(f"  schema {change.describe()}")
    for table, count in made.diff.counts().items():
        typer.echo(f"  {table}: {count['added']} added, {count['removed']} removed, {count['changed']} changed")
    for path in made.dist:
        typer.echo(f"  built {path}")
    typer.echo(f"Review, then tag (nothing was pushed):\n  {made.tag_command}")


@app.command()
def export(
    output: Annotated[ExportFormat, typer.Option("--format", help="sqlite, duckdb, parquet, json, jsonl or xlsx.")],
    out: Annotated[Path, typer.Option("--out", help="A file (sqlite, duckdb, xlsx) or a folder (the others).")],
    path: PackageOption = None,
    quiet: QuietOption = False,
) -> None:
    """Write the tables in another format, typed and described by the schemas.

    Example: cacdata export --format sqlite --out cacdata.sqlite
    """
    from rich.console import Console

    from cacdata.describe.atomic import WriteError
    from cacdata.read.frames import LoadError
    from cacdata.share.exports import export as write_export

    package = _open(path)
    console = Console(stderr=True, quiet=quiet)
    existed = out.exists()
    try:
        with console.status(f"Writing {output.value} to {out} ..."):
            written = write_export(output.value, out, package)
    except ImportError as error:
        typer.echo(f"error: {error.name} is missing; install it with: pip install 'cacdata[export]'", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except LoadError as error:  # the data is invalid: nothing was written
        typer.echo(f"error: {error}; nothing was written", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    except (WriteError, OSError) as error:  # a refused target, a read-only folder, a full disk
        typer.echo(f"error: {_os_message(error)}; {out} was left as it was", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    for file in written:
        console.print(f"{'replaced' if existed else 'wrote'} {file}")


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", help="Port on localhost.")] = 8001,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    path: PackageOption = None,
) -> None:
    """Browse the tables in Datasette, each record with its citations and excerpts.

    Example: cacdata serve --port 8001
    """
    import tempfile

    try:
        import datasette  # noqa: F401 - the serve extra, checked before any work
        import sqlite_utils  # noqa: F401

        from cacdata.share.serve import binds_every_interface
        from cacdata.share.serve import serve as run
    except ImportError as error:
        typer.echo(f"error: {error.name} is missing; install it with: pip install 'cacdata[serve]'", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    package = _open(path)
    if binds_every_interface(host):
        typer.echo(
            f"warning: --host {host} listens beyond this machine: anyone who can reach it on port {port} can "
            "browse the data; use --host 127.0.0.1 to keep it local",
            err=True,
        )
    with tempfile.TemporaryDirectory(prefix="cacdata-serve-") as folder:
        typer.echo(f"Serving cacdata {package.version} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
        code = run(package, Path(folder), host, port)
    raise typer.Exit(code)


PictureOut = Annotated[Path, typer.Option("--out", help="FILE.png, FILE.svg or FILE.html.")]


@app.command()
def timeline(out: PictureOut, path: PackageOption = None, quiet: QuietOption = False) -> None:
    """Draw the events on a time axis, by kind; a vague date is drawn vague.

    Example: cacdata timeline --out docs/images/timeline.png
    """
    _draw("timeline", out, path, quiet)


@app.command()
def network(out: PictureOut, path: PackageOption = None, quiet: QuietOption = False) -> None:
    """Draw entities and events as a graph, an edge per participation, coloured by role.

    Example: cacdata network --out docs/images/network.png
    """
    _draw("network", out, path, quiet)


def _draw(picture: str, out: Path, path: Path | None, quiet: bool) -> None:
    """One path for both pictures: load, draw, save by suffix, report; a missing extra is a usage error."""
    from rich.console import Console

    console = Console(stderr=True, quiet=quiet)
    package = _open(path)
    existed = out.exists()
    with console.status(f"Drawing the {picture} ..."):
        try:
            from cacdata.share.pictures import draw_and_save
        except ImportError as error:
            typer.echo(f"error: {error.name} is missing; install it with: pip install 'cacdata[plots]'", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        try:
            written, summary = draw_and_save(picture, package, out)
        except (ValueError, PackageError, OSError) as error:
            typer.echo(f"error: {_os_message(error)}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
    console.print(f"{'replaced' if existed else 'wrote'} {written}: {summary}")
