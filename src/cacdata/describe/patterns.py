"""Schema patterns that run in time linear in the cell's length, or a clear refusal.

A ``pattern`` constraint is run by Python's ``re`` (stock frictionless, and our judgement of suspect rows),
which backtracks: ``(Q+)+R`` against 34 ``Q`` takes minutes, and each further character triples it. DuckDB's
RE2 would not, but the stock path must run on any package, so the pattern itself is held to a shape that
cannot backtrack badly: at most one unbounded repetition, no repetition inside a repetition, no alternation
under a repetition, and nothing RE2 refuses (backreferences, lookaround, conditionals). Our schemas' patterns
all have this shape; anything else is refused before a cell is read.
"""

from __future__ import annotations

import re
from typing import Any

try:  # the parser behind ``re``; its old name warns from Python 3.11 on
    import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
    from re._constants import MAXREPEAT  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python 3.10 and earlier, which we do not support
    import sre_parse  # type: ignore[no-redef,unused-ignore]
    from sre_constants import MAXREPEAT  # type: ignore[no-redef,unused-ignore]

REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})
NOT_REGULAR = frozenset({"GROUPREF", "GROUPREF_EXISTS", "ASSERT", "ASSERT_NOT"})
MAX_UNBOUNDED = 1


class PatternError(ValueError):
    """A pattern that is not a regular expression, or one that could take more than linear time."""


def check_pattern(pattern: object) -> None:
    """Raise ``PatternError`` saying why, unless ``pattern`` compiles and runs in linear time."""
    if not isinstance(pattern, str):
        raise PatternError(f"must be text, not {type(pattern).__name__}")
    try:
        re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        raise PatternError(f"is not a valid regular expression ({error})") from None
    unbounded = _walk(list(parsed), inside_repeat=False)
    if unbounded > MAX_UNBOUNDED:
        raise PatternError(
            f"repeats without bound {unbounded} times; at most {MAX_UNBOUNDED} is allowed, so that matching "
            "stays linear in the cell's length"
        )


def _walk(items: list[tuple[Any, Any]], inside_repeat: bool) -> int:
    """Count unbounded repetitions, raising on a shape that backtracks badly."""
    unbounded = 0
    for op, value in items:
        name = str(op)
        if name in NOT_REGULAR:
            raise PatternError("uses a backreference or lookaround, which neither RE2 nor linear time allows")
        if name in REPEATS:
            low, high, body = value
            if inside_repeat and low != high:
                raise PatternError("nests a repetition inside a repetition, which can take exponential time")
            if high > 1 and _has_branch(list(body)):
                raise PatternError("repeats an alternation, which can take exponential time")
            unbounded += (high == MAXREPEAT) + _walk(list(body), inside_repeat=inside_repeat or high > 1)
        elif name == "SUBPATTERN":
            unbounded += _walk(list(value[-1]), inside_repeat)
        elif name == "ATOMIC_GROUP":
            unbounded += _walk(list(value), inside_repeat)
        elif name == "BRANCH":
            unbounded += max((_walk(list(branch), inside_repeat) for branch in value[1]), default=0)
    return unbounded


def _has_branch(items: list[tuple[Any, Any]]) -> bool:
    for op, value in items:
        name = str(op)
        if name == "BRANCH":
            return True
        if name == "SUBPATTERN" and _has_branch(list(value[-1])):
            return True
    return False
