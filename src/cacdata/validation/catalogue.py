"""The rule catalogue (``docs/rules.md``, ``cacdata rules``), written from the declarations, never by hand.

Each check in run order, the columns it reads in the package at hand, and each rule it finds with what the
rule means; a test keeps the committed page equal to what this writes.
"""

from __future__ import annotations

from cacdata.describe.package import DataPackage
from cacdata.validation.checks import CHECKS, Check
from cacdata.validation.rules import RULES, Rule
from cacdata.validation.rules import rule as find_rule

HEADER = """# The rules `cacdata validate` applies

Generated from `src/cacdata/validation/rules.py` and `checks.py` by `cacdata rules --out docs/rules.md`;
do not edit by hand. Every failure `cacdata validate` reports names one of these rule IDs. The checks run
in this order, in the DuckDB engine or, where it cannot run, row by row; both report the same failures.
Rules from **frictionless** are stock errors restated with advice; the others are **cacdata**'s own.
"""


def render_catalogue(package: DataPackage) -> str:
    """The catalogue as Markdown: per check, what it reads of ``package`` and the rules it finds."""
    parts = [HEADER]
    for check in CHECKS:
        parts.append(f"\n## {check.name}\n\nReads: {_reads(check, package)}.\n")
        parts.append("\n| rule | from | what it means |\n| --- | --- | --- |\n")
        parts += [_row(rule) for rule in RULES if rule.check == check.name]
    return "".join(parts)


def describe_rule(rule_id: str) -> str:
    """One rule in a line or two, for ``cacdata rules ID``; ``KeyError`` for an undeclared ID."""
    rule = find_rule(rule_id)
    return f"{rule.id} ({rule.origin}, checked in '{rule.check}'): {rule.summary}"


def _reads(check: Check, package: DataPackage) -> str:
    columns = [check.inputs] if check.inputs else []
    columns += [f"`{table.name}.{column}`" for table in package.tables.values() for column in check.reads(table)]
    if check.every_cell:
        columns.insert(0, "every cell")
    derived = sum(len(check.derived(table)) for table in package.tables.values())
    if derived:
        columns.append(f"{derived} value(s) derived in SQL")
    return ", ".join(dict.fromkeys(columns))


def _row(rule: Rule) -> str:
    summary = rule.summary.replace("|", "\\|")
    return f"| `{rule.id}` | {rule.origin} | {summary} |\n"
