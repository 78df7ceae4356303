"""The read stage's commands: ``tables``, ``show`` and ``get`` list the tables, print one, or print one record
with its evidence, from the bundled package or any copy ``--path`` names."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from typing import Annotated

import typer

from cacdata.cli.common import EXIT_INVALID, PackageOption, ReportFormat, fail, open_package, os_message
from cacdata.describe.package import PackageError


class ShowFormat(StrEnum):
    """How ``cacdata show`` prints a table: laid out for reading, or as CSV or JSON for other tools."""

    table = "table"
    csv = "csv"
    json = "json"


def tables(path: PackageOption = None) -> None:
    """List the tables with their row counts and descriptions.

    Example: cacdata tables
    """
    package = open_package(path)  # rows are counted with the csv module: listing the tables needs no pandas
    for name, table in package.tables.items():
        try:
            count = table.row_count()
        except (PackageError, OSError) as error:
            raise fail(os_message(error)) from None
        typer.echo(f"{name:<14}{count:>6}  {table.description}")


def show(
    table: Annotated[str, typer.Argument(help="Table name, e.g. events.")],
    output: Annotated[ShowFormat, typer.Option("--format", help="Output format.")] = ShowFormat.table,
    path: PackageOption = None,
) -> None:
    """Print one table.

    Example: cacdata show events --format csv
    """
    from cacdata.read.frames import LoadError, read_table

    package = open_package(path)
    try:
        frame = read_table(package.table(table))
    except KeyError as error:
        raise fail(str(error.args[0])) from None
    except LoadError as error:
        raise fail(str(error), EXIT_INVALID) from None
    if output is ShowFormat.csv:
        typer.echo(frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n"), nl=False)
    elif output is ShowFormat.json:
        typer.echo(frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
    else:
        typer.echo(frame.to_string(index=False, max_colwidth=60))


def get(
    record_id: Annotated[str, typer.Argument(help="A record ID, e.g. evt-0002.")],
    output: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.text,
    path: PackageOption = None,
) -> None:
    """Print one record with its citations, their excerpts and sources.

    Example: cacdata get evt-0002
    """
    from cacdata.read.records import get_record

    package = open_package(path)
    try:
        record = get_record(record_id, package.root if path is not None else None)
    except KeyError as error:
        raise fail(str(error.args[0])) from None
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
