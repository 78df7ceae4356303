"""What every command shares: the exit codes, the ``--path`` and ``--quiet`` options, opening the copy a
command names, and the one shape of an error line, so every command refuses bad input the same way."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cacdata.describe.package import DataPackage, PackageError

EXIT_INVALID = 1
EXIT_USAGE = 2

PackageOption = Annotated[
    Optional[str],  # noqa: UP045 - typer reads the annotation at run time
    typer.Option(
        "--path", help="Another copy: a directory, a release zip, a version (0.1.0) or a git ref; default: bundled."
    ),
]

QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]

# Copies unpacked for this run (zips, versions, refs), removed when the command ends (see ``cli.main``).
COPIES = ExitStack()


class ReportFormat(StrEnum):
    """How ``cacdata validate`` and ``cacdata get`` print: text for people, JSON for machines."""

    text = "text"
    json = "json"


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print ``error: message`` on stderr and return the exit to raise, so every refusal reads the same."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def missing_extra(error: ImportError, extra: str) -> typer.Exit:
    """Say which optional package is missing and the ``pip install`` that brings it, as a usage error."""
    return fail(f"{error.name} is missing; install it with: pip install 'cacdata[{extra}]'")


def os_message(error: Exception) -> str:
    """A file system error as one line naming the file, without Python's ``[Errno N]`` prefix."""
    if isinstance(error, OSError) and not isinstance(error, PackageError) and error.strerror:
        return f"{error.filename or ''}: {error.strerror}".lstrip(": ")
    return str(error)


def resolve_copy(spec: str | Path | None) -> Path | None:
    """The folder of the copy ``spec`` names (zips checked and unpacked for this run); None for the bundled one."""
    from cacdata.describe.copies import resolve_side

    if spec is None:
        return None
    try:
        return COPIES.enter_context(resolve_side(spec))
    except PackageError as error:
        raise fail(str(error)) from None


def open_package(path: str | Path | None) -> DataPackage:
    """The package ``--path`` names, its descriptor read here so a broken one is a clean usage error."""
    root = resolve_copy(path)
    try:
        package = DataPackage.open(root)
        package.tables  # noqa: B018 - fail here, cleanly, on a broken descriptor
        return package
    except PackageError as error:
        raise fail(str(error)) from None


def print_or_write(package: DataPackage, out: Path | None, render: Callable[[DataPackage], str]) -> None:
    """Print what ``render`` writes of ``package``, or write it atomically to ``out`` (never into the package)."""
    from cacdata.describe.atomic import check_target, write_text

    try:
        if out is not None:
            check_target(out, package)
        text = render(package)
        if out is None:
            typer.echo(text, nl=False)
        else:
            write_text(out, text)
    except (PackageError, OSError) as error:
        raise fail(os_message(error)) from None
