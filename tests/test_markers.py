"""The ``slow`` marker is on what is slow and nowhere else, so ``pytest -m "not slow"`` runs all the rest.

Slow means minutes or a browser: building and installing the wheel (``test_wheel.py``) and driving the site
in Chromium (``share/test_site.py``). Read from the modules' source, so no test is imported twice.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
SLOW = ["test_wheel.py", "share/test_site.py"]


def module_marks(path: Path) -> set[str]:
    """The names of the marks in a module's ``pytestmark`` (``pytest.mark.slow`` gives ``slow``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    marks: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            attributes = [part for part in ast.walk(node.value) if isinstance(part, ast.Attribute)]
            marks |= {a.attr for a in attributes if isinstance(a.value, ast.Attribute) and a.value.attr == "mark"}
    return marks


@pytest.mark.parametrize("name", SLOW)
def test_the_wheel_and_browser_tests_are_marked_slow(name: str) -> None:
    assert "slow" in module_marks(TESTS / name)


def test_nothing_else_is_marked_slow() -> None:
    """Every other test runs under ``-m "not slow"``: no other module or test carries the marker."""
    others = [p for p in sorted(TESTS.rglob("test_*.py")) if p.relative_to(TESTS).as_posix() not in SLOW]
    assert len(others) > 30
    marked = [p.name for p in others if "mark.slow" in p.read_text(encoding="utf-8") and p.name != Path(__file__).name]
    assert marked == []
