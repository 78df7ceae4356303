"""The fault corpus: each way a package can be broken is reported exactly where it is, and only there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cacdata.cli import app
from cacdata.describe.package import PackageError
from cacdata.validation import validate
from cacdata.validation.rules import RULE_IDS

from conftest import provide_texts
from faults import FAULTS, Expected, Fault, Refused, break_copy, copy_package

runner = CliRunner()


def texts_for(fault: Fault, root: Path) -> Path | None:
    """Texts the test makes for the unbroken copy at ``root``, when the fault needs them (before breaking it)."""
    if not fault.needs_texts:
        return None
    provide_texts(root, root.parent / "texts")
    return root.parent / "texts"


def test_the_corpus_is_wide() -> None:
    kinds = {fault.kind.split(" ")[0] for fault in FAULTS}
    assert len(FAULTS) >= 30 and len(kinds) >= 25


def test_an_unbroken_copy_reports_nothing(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    provide_texts(root, tmp_path / "texts")
    assert validate(root, tmp_path / "texts").failures == []


@pytest.mark.parametrize("fault", [f for f in FAULTS if not f.needs_texts], ids=lambda f: f.kind)
def test_each_fault_is_reported_where_it_is(fault: Fault, tmp_path: Path) -> None:
    assert_reported(fault, tmp_path)


@pytest.mark.parametrize("fault", [f for f in FAULTS if f.needs_texts], ids=lambda f: f.kind)
def test_each_fault_against_the_source_texts(fault: Fault, tmp_path: Path) -> None:
    assert_reported(fault, tmp_path)


def assert_reported(fault: Fault, tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    texts = texts_for(fault, root)
    expected = break_copy(fault, root)
    assert isinstance(expected, Refused) == fault.refused
    if isinstance(expected, Refused):
        with pytest.raises(PackageError, match=re.escape(expected.names)):
            validate(root)
        return
    failures = validate(root, texts).failures
    located = [(f.rule, f.table, f.file, f.line, f.column) for f in failures]
    assert (expected.rule, expected.table, expected.file, expected.line, expected.column) in located, located
    assert {f.rule for f in failures} <= RULE_IDS, "a failure names a rule not declared in validation/rules.py"
    stray = {f.rule for f in failures} - {expected.rule} - fault.side_rules
    assert not stray, f"{fault.kind} also set off {stray}: {located}"


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.kind)
def test_the_command_exits_1_or_2_and_never_with_a_traceback(fault: Fault, tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    texts = texts_for(fault, root)
    expected = break_copy(fault, root)
    args = ["validate", str(root), "--format", "json", *(["--texts", str(texts)] if texts else [])]
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if isinstance(expected, Refused):
        assert result.exit_code == 2
        assert expected.names in result.output
    else:
        assert isinstance(expected, Expected)
        assert result.exit_code == 1
        assert f'"rule": "{expected.rule}"' in result.output
