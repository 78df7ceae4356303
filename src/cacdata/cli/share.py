"""The share stage's commands: ``codebook``, ``export``, ``serve``, and the pictures (``timeline``, ``network``,
``pictures``) put the data in the forms people read it in. Each needs an optional extra, imported only here."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cacdata.cli.common import (
    EXIT_INVALID,
    PackageOption,
    QuietOption,
    fail,
    missing_extra,
    open_package,
    os_message,
    print_or_write,
)
from cacdata.describe.package import PackageError


class ExportFormat(StrEnum):
    """The formats ``cacdata export`` writes, one per tool users open the data with."""

    sqlite = "sqlite"
    duckdb = "duckdb"
    parquet = "parquet"
    json = "json"
    jsonl = "jsonl"
    xlsx = "xlsx"


def codebook(
    out: Annotated[Optional[Path], typer.Option("--out", help="Write to this file instead of printing.")] = None,  # noqa: UP045
    path: PackageOption = None,
) -> None:
    """Write the data dictionary (every table and field) from the schemas, as Markdown.

    Example: cacdata codebook --out docs/data-dictionary.md
    """
    from cacdata.share.codebook import render_codebook

    print_or_write(open_package(path), out, render_codebook)


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

    package = open_package(path)
    console = Console(stderr=True, quiet=quiet)
    existed = out.exists()
    try:
        from cacdata.share.exports import export as write_export

        with console.status(f"Writing {output.value} to {out} ..."):
            written = write_export(output.value, out, package)
    except ImportError as error:
        raise missing_extra(error, "export") from None
    except LoadError as error:  # the data is invalid: nothing was written
        raise fail(f"{error}; nothing was written", EXIT_INVALID) from None
    except (WriteError, OSError) as error:  # a refused target, a read-only folder, a full disk
        raise fail(f"{os_message(error)}; {out} was left as it was") from None
    for file in written:
        console.print(f"{'replaced' if existed else 'wrote'} {file}")


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
        raise missing_extra(error, "serve") from None
    package = open_package(path)
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


def timeline(out: PictureOut, path: PackageOption = None, quiet: QuietOption = False) -> None:
    """Draw the events on a time axis, by kind; a vague date is drawn vague.

    Example: cacdata timeline --out docs/images/timeline.png
    """
    _draw("timeline", out, path, quiet)


def network(out: PictureOut, path: PackageOption = None, quiet: QuietOption = False) -> None:
    """Draw entities and events as a graph, an edge per participation, coloured by role.

    Example: cacdata network --out docs/images/network.png
    """
    _draw("network", out, path, quiet)


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
    package = open_package(path)
    try:
        from cacdata.share.pictures import draw_all
    except ImportError as error:
        raise missing_extra(error, "plots") from None
    if out.exists() and not out.is_dir():
        raise fail(f"{out}: not a folder; --out names the folder to write the pictures into")
    with console.status(f"Drawing the pictures into {out} ..."):
        try:
            written = draw_all(package, out)
        except (PackageError, OSError) as error:  # a refused target (no parent, inside the package), a full disk
            raise fail(os_message(error)) from None
    for file in written:
        console.print(f"wrote {file}")


def _draw(picture: str, out: Path, path: str | None, quiet: bool) -> None:
    """One path for both pictures: load, draw, save by suffix, report; a missing extra is a usage error."""
    from rich.console import Console

    console = Console(stderr=True, quiet=quiet)
    package = open_package(path)
    existed = out.exists()
    with console.status(f"Drawing the {picture} ..."):
        try:
            from cacdata.share.pictures import draw_and_save
        except ImportError as error:
            raise missing_extra(error, "plots") from None
        try:
            written, summary = draw_and_save(picture, package, out)
        except (ValueError, PackageError, OSError) as error:
            raise fail(os_message(error)) from None
    console.print(f"{'replaced' if existed else 'wrote'} {written}: {summary}")
