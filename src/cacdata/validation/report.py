"""What a validation run found: one flat list of failures, each naming file, line and field."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Failure:
    """One failure: a rule broken at one place, as precisely as the check can: physical CSV line, and column if any."""

    rule: str
    message: str
    file: str
    table: str | None = None
    line: int | None = None
    column: str | None = None
    value: str | None = None

    def describe(self) -> str:
        """One line for people: file, line, column and value, then the rule ID and message."""
        place = self.file + (f":{self.line}" if self.line is not None else "")
        where = f" column {self.column!r}" if self.column else ""
        shown = f" value {_shorten(self.value)!r}" if self.value not in (None, "") else ""
        return f"{place}:{where}{shown} [{self.rule}] {self.message}"


@dataclass
class Report:
    """All failures of a run, in the order the checks found them."""

    failures: list[Failure] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    engine: str = "python"  # which engine ran the table checks, and why not DuckDB where it could not

    @property
    def valid(self) -> bool:
        """True when no rule failed: the exit code is 0."""
        return not self.failures

    def to_json_lines(self) -> str:
        """The failures as JSON, one object a line, for tools and CI annotations."""
        return "\n".join(json.dumps(asdict(failure), ensure_ascii=False) for failure in self.failures)

    def to_text(self) -> str:
        """The failures one a line, then their count and the checks that ran."""
        lines = [failure.describe() for failure in self.failures]
        lines.append(f"{len(self.failures)} failure(s); checks run: {', '.join(self.checked)}")
        return "\n".join(lines)


def _shorten(value: str | None, limit: int = 80) -> str | None:
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"
