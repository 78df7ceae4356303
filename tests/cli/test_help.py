"""Every command's ``--help``, found by walking the live app (sub-apps such as ``sources`` included), so no
command can be added without help that runs, says what it is for and shows an example, nor without its line in
the README's command block."""

from __future__ import annotations

import shlex
from typing import Any

import pytest
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

from cacdata.cli import app
from test_readme_examples import command_examples

ROOT = typer.main.get_command(app)


def walk(command: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Each command and group under ``command`` (a click command), keyed by the words that call it."""
    found = {path: command}
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            found |= walk(sub, (*path, name))
    return found


EVERY = walk(ROOT)
COMMANDS = {path for path, command in EVERY.items() if not isinstance(command, TyperGroup)}


def flat(text: str) -> str:
    """``text`` with every run of white space made one space, since the help is rewrapped to the terminal."""
    return " ".join(text.split())


@pytest.mark.parametrize("path", sorted(EVERY), ids=lambda path: " ".join(("cacdata", *path)))
def test_every_command_and_group_has_help_with_usage_and_description(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], prog_name="cacdata")
    assert result.exit_code == 0, result.output
    shown = flat(result.stdout)
    assert shown.startswith(f"Usage: {' '.join(('cacdata', *path))} [OPTIONS]")
    description = flat((EVERY[path].help or "").split("\n\n")[0])
    assert description, f"cacdata {' '.join(path)} has no description"
    assert description in shown
    if path in COMMANDS:  # a group lists its commands; a command ends with one way to run it
        assert f"Example: cacdata {' '.join(path)}" in shown


def documented() -> set[tuple[str, ...]]:
    """The command each line of the README's command block runs: its leading words, read down the app."""
    found = set()
    for line in command_examples():
        words, command, path = shlex.split(line)[1:], ROOT, ()
        while isinstance(command, TyperGroup) and words and not words[0].startswith("-"):
            path += (words[0],)
            command = command.commands.get(words.pop(0))  # None when the README names no such command
        if path:
            found.add(path)
    return found


def names(paths: set[tuple[str, ...]]) -> list[str]:
    """The commands at ``paths`` as a reader types them, for a failure's message."""
    return sorted(" ".join(("cacdata", *path)) for path in paths)


def test_the_readme_documents_exactly_the_commands() -> None:
    readme = documented()
    assert ("sources", "check") in COMMANDS, "the walk did not reach the sources sub-app"
    assert not COMMANDS - readme, f"commands missing from the README's command block: {names(COMMANDS - readme)}"
    assert not readme - COMMANDS, f"the README's command block names no such command: {names(readme - COMMANDS)}"
