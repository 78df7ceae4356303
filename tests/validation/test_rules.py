"""The rule list is whole: every rule declared once has a case in the fault corpus, every failure names a
declared rule, each check runs in both engines, and the committed catalogue is what the list says."""

from __future__ import annotations

from pathlib import Path

import pytest

from cacdata.describe.package import DataPackage
from cacdata.validation.catalogue import describe_rule, render_catalogue
from cacdata.validation.checks import CHECKS, kept
from cacdata.validation.rules import RULE_IDS, RULES

from conftest import REPO
from corpus import Corpus
from faults import FAULTS, Expected, break_copy, copy_package

CATALOGUE = REPO / "docs" / "rules.md"


@pytest.fixture(scope="module")
def corpus_rules(corpus_store: Corpus) -> dict[str, list[str]]:
    """Each rule the corpus expects, with the faults that expect it, from the session's shared broken copies."""
    found: dict[str, list[str]] = {}
    for fault in FAULTS:
        expected = corpus_store.case(fault).expected
        if isinstance(expected, Expected):
            found.setdefault(expected.rule, []).append(fault.kind)
    return found


def test_every_declared_rule_has_a_case_in_the_fault_corpus(corpus_rules: dict[str, list[str]]) -> None:
    missing = sorted(RULE_IDS - set(corpus_rules))
    assert not missing, f"no fault in tests/faults.py expects {missing}; add a case for each"


def test_every_rule_the_corpus_expects_or_allows_is_declared(corpus_rules: dict[str, list[str]]) -> None:
    allowed = set(corpus_rules) | {rule for fault in FAULTS for rule in fault.side_rules}
    assert allowed <= RULE_IDS, sorted(allowed - RULE_IDS)


def test_rules_are_declared_once_and_each_check_finds_some() -> None:
    assert len({rule.id for rule in RULES}) == len(RULES)
    assert len({check.name for check in CHECKS}) == len(CHECKS)
    for check in CHECKS:
        assert check.rule_ids, check.name
        assert callable(check.rows) and callable(check.duckdb)
    assert {rule.check for rule in RULES} == {check.name for check in CHECKS}


def test_what_a_check_reads_is_what_the_duckdb_engine_keeps() -> None:
    package = DataPackage.open(None)
    for table in package.tables.values():
        expressions = kept(table)
        assert len(expressions) == len(set(expressions)), table.name
        for check in CHECKS:
            for column in check.reads(table):
                assert f'"{column}"' in expressions, (check.name, table.name, column)


def test_the_committed_catalogue_is_current() -> None:
    written = render_catalogue(DataPackage.open(None))
    assert CATALOGUE.read_text(encoding="utf-8") == written, "run: cacdata rules --out docs/rules.md"
    for rule in RULES:
        assert f"| `{rule.id}` |" in written


def test_one_rule_is_described_by_its_id() -> None:
    assert describe_rule("weak-support").startswith("weak-support (cacdata, checked in 'support'):")
    with pytest.raises(KeyError):
        describe_rule("no-such-rule")


def test_a_package_without_citations_reports_missing_table_with_texts_too(tmp_path: Path) -> None:
    from cacdata.validation import validate

    root = copy_package(tmp_path / "package")
    for fault in FAULTS:
        if fault.kind == "citations table missing":
            break_copy(fault, root)
    texts = tmp_path / "texts"
    texts.mkdir()
    for engine in ("python", "auto"):
        report = validate(root, texts, engine=engine)  # type: ignore[arg-type]
        assert [f.rule for f in report.failures] == ["missing-table"], report.failures
