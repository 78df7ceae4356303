"""Schema patterns run in linear time or are refused before any cell is read, in both engines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cacdata.describe.patterns import PatternError, check_pattern

from faults import copy_package, set_cell

SHIPPED = sorted(
    {
        field["constraints"]["pattern"]
        for path in (Path(__file__).resolve().parents[2] / "schemas").glob("*.json")
        for field in json.loads(path.read_text(encoding="utf-8"))["fields"]
        if "pattern" in field.get("constraints", {})
    }
)


@pytest.mark.parametrize("pattern", SHIPPED)
def test_every_shipped_pattern_is_accepted(pattern: str) -> None:
    check_pattern(pattern)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(Q+)+R", "inside a repetition"),
        ("(a?){30}a{30}", "inside a repetition"),
        ("(a|aa)+", "alternation"),
        ("\\S+\\S+x", "without bound 2 times"),
        ("(a)\\1", "backreference"),
        ("(?=a)a", "lookaround"),
        ("Q[1-9", "not a valid regular expression"),
        (["Q"], "must be text"),
    ],
)
def test_patterns_that_backtrack_or_do_not_compile_are_refused(pattern: object, reason: str) -> None:
    with pytest.raises(PatternError, match=reason):
        check_pattern(pattern)


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_a_catastrophic_pattern_against_34_characters_is_refused_at_once(engine: str, tmp_path: Path) -> None:
    root = copy_package(tmp_path / "package")
    path = root / "schemas" / "entities.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "wikidata_qid")["constraints"]["pattern"] = "(Q+)+R"
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    set_cell(root, "entities", None, "wikidata_qid", "Q" * 34)
    code = f"from cacdata.validation import validate; validate({str(root)!r}, engine={engine!r})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "PackageError" in done.stderr and "exponential time" in done.stderr
