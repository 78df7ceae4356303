"""Every rule ``validate`` applies, declared once, in the order its check runs.

A rule is what a failure names: its ID (which users and tests rely on), where it comes from (a stock
frictionless error restated, or our own), the check that finds it, and what it means for a contributor. The
checks themselves, with their implementation in each engine and the columns they read, are listed in
``checks.py``; ``docs/rules.md`` is generated from both (``cacdata rules``), and ``tests/validation/
test_rules.py`` holds each rule to a case of the fault corpus that both engines report alike.

To add a rule: declare it here, find it in its check (both engines, in the check's module), add a case to
``tests/faults.py``, and regenerate ``docs/rules.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Origin = Literal["frictionless", "cacdata"]


@dataclass(frozen=True)
class Rule:
    """One rule: its ID, the check that finds it, and what it means, in the words the catalogue prints."""

    id: str
    check: str
    summary: str
    origin: Origin = "cacdata"


def _stock(rule_id: str, summary: str) -> Rule:
    return Rule(rule_id, "frictionless", summary, "frictionless")


RULES: tuple[Rule, ...] = (
    # Stock frictionless errors, restated with a sentence a contributor can act on (stock.py adds the note).
    _stock("type-error", "The value is not of the field's type."),
    _stock("constraint-error", "The value breaks a constraint of the field."),
    _stock("unique-error", "The value must be unique in this column but appears in an earlier row."),
    _stock("primary-key", "The primary key repeats an earlier row's; IDs are minted once and never reused."),
    _stock("foreign-key", "The reference points at no row of the table it refers to."),
    _stock("missing-cell", "The row has fewer cells than the header."),
    _stock("extra-cell", "The row has more cells than the header."),
    _stock("blank-row", "The row is empty; remove it."),
    _stock("missing-label", "A column the schema requires is missing from the header."),
    _stock("extra-label", "The header has a column the schema does not describe."),
    _stock("incorrect-label", "The header's column name differs from the schema's."),
    _stock("duplicate-label", "The header names the same column twice."),
    _stock("blank-label", "A header cell is empty."),
    _stock("hash-count", "The file's content differs from the hash recorded in datapackage.json; run `cacdata stamp`."),
    _stock("byte-count", "The file's size differs from the bytes recorded in datapackage.json; run `cacdata stamp`."),
    # The package as a whole.
    Rule(
        "stamp-missing",
        "package files",
        "A resource records no `bytes` or `hash`; run `cacdata stamp` after changing its file.",
    ),
    Rule(
        "stamp-unverifiable",
        "package files",
        "A resource's stamp cannot be checked (not `sha256:` and 64 hex digits, or not a positive size), so it "
        "proves nothing; run `cacdata stamp`.",
    ),
    Rule(
        "version-mismatch",
        "package files",
        "CITATION.cff or the newest release in CHANGELOG.md names another version than datapackage.json, "
        "where the version lives.",
    ),
    # Each file's bytes: what keeps every change diffable.
    Rule("file-missing", "files", "The file the descriptor names cannot be read."),
    Rule("utf8-bom", "files", "The file starts with a byte-order mark; save it as UTF-8 without BOM."),
    Rule("line-ending", "files", "A line ends with CR LF; use LF line endings only."),
    Rule("final-newline", "files", "The file does not end with a newline."),
    Rule("encoding-error", "files", "The file is not valid UTF-8; the failure gives the line of the first bad byte."),
    Rule("row-order", "files", "Rows are sorted by the primary key, so that a diff shows each change in its place."),
    # Each cell's text.
    Rule("cell-whitespace", "cells", "The cell starts or ends with white space."),
    Rule("cell-control", "cells", "The cell holds a control character, such as a line break or NUL."),
    Rule("cell-invisible", "cells", "The cell holds an invisible formatting character, such as a zero-width space."),
    Rule("cell-nfc", "cells", "The text is not in Unicode NFC, so equal text would compare unequal."),
    Rule("cell-formula", "cells", "The cell starts with a character a spreadsheet runs as a formula (= + - @)."),
    Rule("date-format", "cells", "A date is not written YYYY-MM-DD with a two-digit month and day."),
    Rule("future-date", "cells", "A date is after today; a record states what has happened."),
    # Citations.
    Rule("missing-table", "references", "The package has no citations table, so no record is cited."),
    Rule("citation-target", "references", "A citation's record ID names no citable table, or no row of it."),
    Rule("citation-field", "references", "A citation names a field its record's table does not have."),
    Rule("uncited-record", "references", "No citation supports the record; every fact needs a verbatim excerpt."),
    Rule(
        "citation-unread-source",
        "references",
        "A citation quotes a source whose read_as is not_read: an excerpt is copied from a text that was read.",
    ),
    # Between cells and tables (universal, or declared in the schemas under cacdata: keys).
    Rule("date-order", "cross-field", "The end date is before the start date."),
    Rule("required-with", "cross-field", "The cell is empty although the field it is required with is filled."),
    Rule("reference-cycle", "cross-field", "Links between rows of one table form a cycle."),
    Rule("entity-type", "cross-field", "The entity referred to is of a type the field does not take."),
    # The package contradicting itself.
    Rule(
        "url-address",
        "consistency",
        "An address a reader should not be sent to: no host, not http(s), user info, or a private network.",
    ),
    Rule("duplicate-record", "consistency", "One fact is recorded twice under two IDs."),
    Rule("access-before-publication", "consistency", "A document was read (access_date) before it was published."),
    Rule("date-precision", "consistency", "The date_precision contradicts date_start and date_end."),
    Rule("parent-date", "consistency", "A record ends before its parent (a `parent_*` link) begins."),
    Rule(
        "weak-support",
        "support",
        "A record resting only on weak sources is not flagged weakly_sourced, or a "
        "flagged one cites a source of standing.",
    ),
    # Whole columns and tables, as the schemas expect them.
    Rule("row-count", "expectations", "The table has fewer or more rows than its schema's cacdata:rowCount."),
    Rule("column-fill", "expectations", "Fewer of a column's cells are filled than its schema's cacdata:minimumFill."),
    # Excerpts.
    Rule(
        "excerpt-verbatim",
        "address excerpts",
        "The excerpt is not in its source: in the URL for a citation "
        "located at the address, and with --texts in the source's stored text (compared in NFKC, white space "
        "collapsed).",
    ),
)

RULE_IDS = frozenset(rule.id for rule in RULES)  # tests/validation/test_rules.py: no ID is declared twice


def rule(rule_id: str) -> Rule:
    """The rule with this ID; a ``KeyError`` names an undeclared one."""
    for candidate in RULES:
        if candidate.id == rule_id:
            return candidate
    raise KeyError(f"no rule {rule_id!r} is declared in cacdata.validation.rules")
