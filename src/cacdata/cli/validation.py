"""The check stage's commands: ``validate`` runs every rule on a copy of the package, ``rules`` says what each
rule means, and ``sources check``
(the ``sources`` sub-app) fetches each source again to see that its excerpts are still there."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cacdata.cli.common import (
    EXIT_INVALID,
    ReportFormat,
    fail,
    missing_extra,
    open_package,
    print_or_write,
    resolve_copy,
)
from cacdata.describe.package import PackageError


def rules(
    rule_id: Annotated[
        Optional[str],  # noqa: UP045 - typer reads the annotation at run time
        typer.Argument(help="One rule's ID, such as weak-support; default: the whole catalogue."),
    ] = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--out", help="Write the catalogue to this file instead of printing."),
    ] = None,
) -> None:
    """Say what each rule of `validate` means, the check that finds it and what that check reads.

    The catalogue is written from the rule list in the code; docs/rules.md is its committed copy.

    Example: cacdata rules --out docs/rules.md
    """
    from cacdata.validation.catalogue import describe_rule, render_catalogue

    if rule_id is not None:
        try:
            typer.echo(describe_rule(rule_id))
        except KeyError:
            raise fail(f"no rule {rule_id!r}; `cacdata rules` lists them all") from None
        return
    print_or_write(open_package(None), out, render_catalogue)


def validate(
    path: Annotated[
        Optional[str],  # noqa: UP045 - typer reads the annotation at run time
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
        raise fail(f"{texts}: no such directory")
    root = resolve_copy(path)
    try:  # validate() opens the package itself and raises PackageError on one it cannot use
        report = run_validation(root, texts)
    except PackageError as error:
        raise fail(str(error)) from None
    if output is ReportFormat.json:
        if report.failures:
            typer.echo(report.to_json_lines())
    else:
        typer.echo(report.to_text() if report.failures else f"valid; checks run: {', '.join(report.checked)}")
    if not report.valid:
        raise typer.Exit(EXIT_INVALID)


sources_app = typer.Typer(
    help="Re-check the sources: fetch each, find every excerpt, look up archived copies.",
    no_args_is_help=True,
)


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
        raise missing_extra(error, "sources") from None
    if write and path is not None and path.is_file():
        raise fail(f"{path}: --write needs a package directory, not a release zip")
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
            package = open_package(root)
            report = check_sources(package, settings)
            rendered = {SourcesFormat.text: report.to_text, SourcesFormat.markdown: report.to_markdown}
            typer.echo(rendered.get(output, report.to_json)(), nl=False)
            if write:
                changed = record(package, report.results)
                typer.echo(f"recorded in sources.csv: {', '.join(changed) or 'nothing new'}", err=True)
    except (SourcesError, PackageError, KeyError) as error:
        raise fail(str(error)) from None
    raise typer.Exit(report.exit_code)
