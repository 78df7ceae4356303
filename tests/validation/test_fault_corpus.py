"""The fault corpus: each way a package can be broken is reported exactly where it is, and only there.

The broken copies and their reports come from the session's shared corpus (``tests/corpus.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cacdata.describe.package import PackageError
from cacdata.validation import validate
from cacdata.validation.rules import RULE_IDS

from conftest import provide_texts
from corpus import Corpus, cases, scope, slug
from faults import FAULTS, Expected, Fault, Refused, copy_package


def test_the_corpus_is_wide() -> None:
    kinds = {fault.kind.split(" ")[0] for fault in FAULTS}
    assert len(FAULTS) >= 30 and len(kinds) >= 25


def test_under_xdist_a_faults_tests_run_together_and_other_tests_by_module() -> None:
    """One worker builds each broken copy: every test with the fault's slug as its ID shares one scope."""
    name = slug(FAULTS[0])
    ids = [f"tests/validation/{m}.py::test_x[{name}]" for m in ("test_fault_corpus", "test_engines", "test_parity")]
    assert {scope(i) for i in ids} == {f"fault {name}"}
    assert scope("tests/test_wheel.py::test_a") == scope("tests/test_wheel.py::test_b") == "tests/test_wheel.py"
    assert scope("tests/describe/test_patterns.py::test_p[(Q+)+R]") == "tests/describe/test_patterns.py"


def test_an_unbroken_copy_reports_nothing(tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    provide_texts(root, tmp_path / "texts")
    assert validate(root, tmp_path / "texts").failures == []


@pytest.mark.parametrize("fault", cases(f for f in FAULTS if not f.needs_texts))
def test_each_fault_is_reported_where_it_is(fault: Fault, corpus: Corpus) -> None:
    assert_reported(fault, corpus)


@pytest.mark.parametrize("fault", cases(f for f in FAULTS if f.needs_texts))
def test_each_fault_against_the_source_texts(fault: Fault, corpus: Corpus) -> None:
    assert_reported(fault, corpus)


def assert_reported(fault: Fault, corpus: Corpus) -> None:
    expected = corpus.case(fault).expected
    assert isinstance(expected, Refused) == fault.refused
    if isinstance(expected, Refused):
        with pytest.raises(PackageError, match=re.escape(expected.names)):
            corpus.report(fault, "auto")
        return
    failures = corpus.report(fault, "auto").failures
    located = [(f.rule, f.table, f.file, f.line, f.column) for f in failures]
    assert (expected.rule, expected.table, expected.file, expected.line, expected.column) in located, located
    assert {f.rule for f in failures} <= RULE_IDS, "a failure names a rule not declared in validation/rules.py"
    stray = {f.rule for f in failures} - {expected.rule} - fault.side_rules
    assert not stray, f"{fault.kind} also set off {stray}: {located}"


@pytest.mark.parametrize("fault", cases(FAULTS))
def test_the_command_exits_1_or_2_and_never_with_a_traceback(fault: Fault, corpus: Corpus) -> None:
    expected = corpus.case(fault).expected
    result = corpus.cli(fault)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if isinstance(expected, Refused):
        assert result.exit_code == 2
        assert expected.names in result.output
    else:
        assert isinstance(expected, Expected)
        assert result.exit_code == 1
        assert f'"rule": "{expected.rule}"' in result.output
