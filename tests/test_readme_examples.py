"""The README's examples, run: its Python blocks on pinned releases and its commands, in a tagless clone."""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cacdata.cli import app

from conftest import REPO
from releasing import clone

README = (REPO / "README.md").read_text(encoding="utf-8")
# Commands that serve, draw, export, release or fetch the web are tested where they live (``sources check``
# against a local server in tests/validation/test_sources_check.py); the README shows their options.
NOT_RUN_HERE = {"release", "serve", "export", "timeline", "network", "codebook", "pictures", "sources"}


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone without tags, as a reader makes it, with 0.2.0's zip rebuilt into dist/."""
    root = clone(tmp_path_factory.mktemp("reader"))
    result = CliRunner().invoke(app, ["rebuild", "0.2.0", "--out", str(root / "dist"), "--repo", str(root)])
    assert result.exit_code == 0, result.output
    return root


def python_examples() -> list[str]:
    section = README.split("## Use it from Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.+?)\n```", section, flags=re.DOTALL)


def command_examples() -> list[str]:
    section = README.split("## The command line", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.+?)\n```", section, flags=re.DOTALL)
    return [line.split("  #", 1)[0].strip() for line in block.splitlines()]


def test_the_python_examples_run_and_give_what_their_comments_say(
    checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(checkout)
    blocks = python_examples()
    assert len(blocks) == 2
    namespace: dict[str, object] = {}
    for block in blocks:  # run in order, in one namespace, as a reader would in one session
        exec(compile(block, "README.md", "exec"), namespace)
    stated = re.findall(r"^\s*(\w+(?:\.\w+)*)\s+# ('[^']*')$", "\n".join(blocks), flags=re.MULTILINE)
    assert stated, "no `expression  # 'result'` line left to check"
    with namespace["cacdata"].open("dist/cacdata-0.2.0-data.zip") as release:  # type: ignore[attr-defined]
        for expression, result in stated:
            assert eval(expression, {**namespace, "release": release}) == ast.literal_eval(result)


def runnable(line: str) -> bool:
    """Commands with placeholders, or that serve, draw, export or release, are tested in their own modules."""
    words = shlex.split(line)
    return words[1] not in NOT_RUN_HERE and not any(word.isupper() or word.startswith("[") for word in words)


def test_the_commands_not_run_here_are_only_those_listed() -> None:
    skipped = {shlex.split(line)[1] for line in command_examples() if not runnable(line)}
    assert skipped <= NOT_RUN_HERE | {"validate"}  # validate's example needs a folder of source texts


@pytest.mark.parametrize("line", [line for line in command_examples() if runnable(line)])
def test_each_command_example_runs(line: str, checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(checkout)
    result = CliRunner().invoke(app, shlex.split(line)[1:])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
