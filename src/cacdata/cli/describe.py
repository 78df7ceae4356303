"""The describe stage's command: ``stamp`` records each file's size and SHA-256 in ``datapackage.json``."""

from __future__ import annotations

import typer

from cacdata.cli.common import PackageOption, fail, open_package, os_message


def stamp(path: PackageOption = None) -> None:
    """Record each file's size and SHA-256 in datapackage.json; run it after editing a CSV.

    Example: cacdata stamp
    """
    from cacdata.describe.stamp import stamp as stamp_package

    try:
        changed = stamp_package(open_package(path))
    except OSError as error:  # a read-only package, a full disk: the descriptor is left as it was
        raise fail(f"{os_message(error)}; datapackage.json was left as it was") from None
    typer.echo(f"stamped: {', '.join(changed)}" if changed else "every resource's stamp is current")
