"""The ``cacdata`` command: a thin skin over the library. Each command parses, calls, prints, exits.

A command lives in the module named for the stage of the data's life it serves, named as the library's
folders are (``describe``, ``read``, ``validation``, ``publish``, ``share``); ``common`` holds what they
share. This module builds the one ``app`` from them. A command imports what is heavy only when it runs,
so ``cacdata --help`` and ``cacdata tables`` start without pandas or the validators.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cacdata.cli import describe, publish, read, share, validation
from cacdata.cli.common import COPIES
from cacdata.describe.package import DataPackage

app = typer.Typer(
    help="China's Cyberspace Administration and voice-changing and deep-fake technology, March 2021: the data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# In the order ``cacdata --help`` lists them; a command's name is its function's name.
COMMANDS = (
    read.tables,
    read.show,
    read.get,
    share.codebook,
    describe.stamp,
    validation.validate,
    validation.rules,
    share.export,
    share.serve,
    share.timeline,
    share.network,
    share.pictures,
    publish.rebuild,
    publish.verify,
    publish.metadata,
    publish.diff,
    publish.cite,
    publish.release,
)
for command in COMMANDS:
    app.command()(command)
app.add_typer(validation.sources_app, name="sources")


def _version(value: bool) -> None:
    """Print the data version for ``--version``, before any command runs."""
    if value:
        typer.echo(DataPackage.open().version)
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the data version and exit.")
    ] = False,
) -> None:
    """Load, inspect and validate the cacdata tables."""
    ctx.call_on_close(COPIES.close)
