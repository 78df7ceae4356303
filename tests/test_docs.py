"""Meta-tests: every module and every public definition in ``src/cacdata`` says, in a docstring, why it is there.

Public means a function, class, method or property whose name does not start with ``_``, at module level or
inside a public class; functions nested in functions are not part of any interface and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "cacdata"
MODULES = sorted(SOURCE.rglob("*.py"))
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def public_definitions(tree: ast.AST, prefix: str = "") -> list[tuple[int, str, bool]]:
    """(line, dotted name, has a docstring) for each public definition in ``tree``, classes searched inside."""
    found = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, Definition) and not node.name.startswith("_"):
            found.append((node.lineno, prefix + node.name, bool(ast.get_docstring(node))))
            if isinstance(node, ast.ClassDef):
                found += public_definitions(node, f"{prefix}{node.name}.")
    return found


def undocumented(path: Path) -> list[str]:
    """``module:line:name`` for each public definition in the file at ``path`` that has no docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    place = path.relative_to(SOURCE.parent)
    return [f"{place}:{line}:{name}" for line, name, documented in public_definitions(tree) if not documented]


def test_the_walk_sees_the_whole_library() -> None:
    found = [d for path in MODULES for d in public_definitions(ast.parse(path.read_text(encoding="utf-8")))]
    assert len(MODULES) > 50 and len(found) > 300, "the walk found too little; has src/cacdata moved?"


def test_the_walk_finds_what_lacks_a_docstring() -> None:
    code = '''
class Kept:
    """Why it is kept."""

    def bare(self): ...

    @property
    def shown(self):
        """What it shows."""

    def _private(self): ...


def top(): ...


def _hidden(): ...


async def waiting():
    def inner(): ...
'''
    found = public_definitions(ast.parse(code))
    assert [(name, documented) for _, name, documented in found] == [
        ("Kept", True),
        ("Kept.bare", False),
        ("Kept.shown", True),
        ("top", False),
        ("waiting", False),
    ]


def test_every_public_definition_has_a_docstring() -> None:
    missing = [place for path in MODULES for place in undocumented(path)]
    assert not missing, f"{len(missing)} public definitions without a docstring:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SOURCE.parent)))
def test_every_module_has_a_docstring(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring, f"{path.relative_to(SOURCE.parent)} has no module docstring saying what it holds and why"
