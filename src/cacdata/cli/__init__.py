"""The ``cacdata`` command: a thin skin over the library. Each command parses, calls, prints, exits."""

from __future__ import annotations

import json
from contextlib import ExitStack
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
    Optional[str],  # noqa: UP045 - typer reads the annotation at run time
    typer.Option(
        "--path", help="Another copy: a directory, a release zip, a version (0.1.0) or a git ref; default: bundled."
    ),
]

# Copies unpacked for this run (zips, versions, refs), removed when the command ends.
_COPIES = ExitStack()


class ShowFormat(StrEnum):
    """How ``cacdata show`` prints a table: laid out for reading, or as CSV or JSON for other tools."""

    table = "table"
    csv = "csv"
    json = "json"


class ReportFormat(StrEnum):
    """How ``cacdata validate`` prints its report: text for people, JSON lines for machines."""

    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    """The formats ``cacdata export`` writes, one per tool users open the data with."""

    sqlite = "sqlite"
    duckdb = "duckdb"
    parquet = "parquet"
    json = "json"
    jsonl = "jsonl"
    xlsx = "xlsx"


QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(DataPackage.open().version)
        raise typer.Exit()


def _os_message(error: Exception) -> str:
    """A file system error as one line naming the file, without Python's ``[Errno N]`` prefix."""
    if isinstance(error, OSError) and not isinstance(error, PackageError) and error.strerror:
        return f"{error.filename or ''}: {error.strerror}".lstrip(": ")
    return str(error)


def _resolve(spec: str | Path | None) -> Path | None:
    """The folder of the copy ``spec`` names (zips checked and unpacked for this run); None for the bundled one."""
    from cacdata.describe.copies import resolve_side

    if spec is None:
        return None
    try:
        return _COPIES.enter_context(resolve_side(spec))
    except PackageError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None


def _open(path: str | Path | None) -> DataPackage:
    root = _resolve(path)
    try:
        package = DataPackage.open(root)
        package.tables  # noqa: B018 - fail here, cleanly, on a broken descriptor
        return package
    except PackageError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the data version and exit.")
    ] = False,
) -> None:
    """Load, inspect and validate the cacdata tables."""
    ctx.call_on_close(_COPIES.close)


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

    package = _open(path)
    try:
        record = get_record(record_id, package.root if path is not None else None)
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
    path: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="A directory, release zip, version (0.1.0) or git ref; default: the bundled package."),
    ] = None,
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
    root = _resolve(path)
    try:  # validate() opens the package itself and raises PackageError on one it cannot use
        report = run_validation(root, texts)
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

    package = _open(path)
    console = Console(stderr=True, quiet=quiet)
    existed = out.exists()
    try:
        from cacdata.share.exports import export as write_export

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


@app.command()
def pictures(
    out: Annotated[Path, typer.Option("--out", help="The folder to write into.")] = Path("docs/images"),
    path: PackageOption = None,
    quiet: QuietOption = False,
) -> None:
    """Redraw every picture (timeline and network as PNG, SVG and HTML) and their manifest, in one go.

    Example: cacdata pictures --out docs/images
    """
    from rich.console import Console

    console = Console(stderr=True, quiet=quiet)
    package = _open(path)
    try:
        from cacdata.share.pictures import draw_all
    except ImportError as error:
        typer.echo(f"error: {error.name} is missing; install it with: pip install 'cacdata[plots]'", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    if out.exists() and not out.is_dir():
        typer.echo(f"error: {out}: not a folder; --out names the folder to write the pictures into", err=True)
        raise typer.Exit(EXIT_USAGE)
    with console.status(f"Drawing the pictures into {out} ..."):
        try:
            written = draw_all(package, out)
        except (PackageError, OSError) as error:  # a refused target (no parent, inside the package), a full disk
            typer.echo(f"error: {_os_message(error)}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
    for file in written:
        console.print(f"wrote {file}")


def _draw(picture: str, out: Path, path: str | None, quiet: bool) -> None:
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


sources_app = typer.Typer(
    help="Re-check the sources: fetch each, find every excerpt, look up archived copies.",
    no_args_is_help=True,
)
app.add_typer(sources_app, name="sources")


class SourcesFormat(StrEnum):
    """How ``cacdata sources check`` prints its findings: text, a Markdown table, or JSON."""

    text = "text"
    markdown = "markdown"
    json = "json"


@sources_app.command("check")
def sources_check(
    path: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Argument(help="Package directory or release zip; default: the bundled one."),
    ] = None,
    source: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--source", help="Check only this source ID (repeatable); default: every source."),
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="Record archive_url and text_sha256 in sources.csv, then re-stamp.")
    ] = False,
    save: Annotated[
        bool, typer.Option("--save", help="Ask Save Page Now to capture pages that have no archived copy.")
    ] = False,
    cache: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--cache", help="Folder for the fetched texts; default: the user's cache directory."),
    ] = None,
    output: Annotated[SourcesFormat, typer.Option("--format", help="text, markdown or json.")] = SourcesFormat.text,
    wayback_url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--wayback-url",
            envvar="CACDATA_WAYBACK_URL",
            help="Base address of the Wayback availability API; default: https://archive.org.",
        ),
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for a server.", min=0.1)] = 30.0,
    delay: Annotated[float, typer.Option("--delay", help="Seconds between two requests to one host.", min=0)] = 1.0,
) -> None:
    """Fetch every source again and report, per source: ok, excerpt_missing, moved, gone, blocked, failed,
    not_checkable; with the closest archived copy.

    Exit 0 all ok, 1 an excerpt missing or an address gone, 2 offline or unusable input.

    Example: cacdata sources check --format markdown --cache ~/.cache/cacdata/sources
    """
    from contextlib import nullcontext

    from cacdata.describe.copies import resolve_side

    try:
        from cacdata.validation.sources.run import Settings, SourcesError, check_sources, record
    except ImportError as error:
        typer.echo(f"error: {error.name} is missing; install it with: pip install 'cacdata[sources]'", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    if write and path is not None and path.is_file():
        typer.echo(f"error: {path}: --write needs a package directory, not a release zip", err=True)
        raise typer.Exit(EXIT_USAGE)
    settings = Settings(
        cache=cache,
        source_ids=tuple(source or ()),
        availability_url=wayback_url,
        save=save,
        timeout=timeout,
        delay=delay,
    )
    try:
        with resolve_side(str(path), None) if path is not None else nullcontext(None) as root:
            package = _open(root)
            report = check_sources(package, settings)
            rendered = {SourcesFormat.text: report.to_text, SourcesFormat.markdown: report.to_markdown}
            typer.echo(rendered.get(output, report.to_json)(), nl=False)
            if write:
                changed = record(package, report.results)
                typer.echo(f"recorded in sources.csv: {', '.join(changed) or 'nothing new'}", err=True)
    except (SourcesError, PackageError, KeyError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    raise typer.Exit(report.exit_code)


# The commands that obtain and check releases live beside this module; importing registers them on ``app``.
from cacdata.cli import publish  # noqa: E402, F401
