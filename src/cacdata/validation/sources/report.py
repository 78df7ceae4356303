"""The report of ``cacdata sources check``: for a person (text, Markdown) and for a program (JSON).

One line per problem with the citation IDs concerned; counts per status; where the texts were kept. A run
over a release can be attached to it as the Markdown or JSON file.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from cacdata.validation.sources.check import NOT_CHECKABLE, STATUSES, SourceResult


@dataclass
class SourcesReport:
    """Every checked source's result, in the order of ``sources.csv``."""

    results: list[SourceResult]
    cache: Path
    availability_url: str

    @property
    def exit_code(self) -> int:
        """0 when nothing fails; 1 when an excerpt is missing or an address is gone."""
        return 1 if any(result.fails for result in self.results) else 0

    @property
    def fetched(self) -> int:
        """Sources whose address was fetched (all but ``not_checkable``)."""
        return sum(1 for result in self.results if result.status != NOT_CHECKABLE)

    @property
    def unreachable(self) -> int:
        """Sources whose server did not answer at all."""
        return sum(1 for result in self.results if result.unreachable)

    @property
    def offline(self) -> bool:
        """No server answered any request: the network, not the sources, is at fault."""
        return self.fetched > 0 and self.unreachable == self.fetched

    def first_unreachable(self) -> str:
        """One connection error, to show in the message that we seem to be offline."""
        return next((result.error for result in self.results if result.unreachable), "")

    def counts(self) -> dict[str, int]:
        """Sources per status, every status listed."""
        counted = Counter(result.status for result in self.results)
        return {status: counted.get(status, 0) for status in STATUSES}

    def summary(self) -> str:
        """One line: sources per status, excerpts found and missing, captures known."""
        counts = ", ".join(f"{n} {status}" for status, n in self.counts().items() if n)
        found = sum(len(result.found) for result in self.results)
        missing = sum(len(result.missing) for result in self.results)
        captures = sum(1 for result in self.results if result.archive_url)
        return (
            f"{len(self.results)} source(s): {counts}; excerpts {found} found, {missing} missing; "
            f"{captures} archived cop(ies) known; texts kept in {self.cache}"
        )

    def to_text(self) -> str:
        """One line per source with a problem, then the summary."""
        lines = [_line(result) for result in self.results if result.problem]
        return "\n".join([*lines, self.summary()]) + "\n"

    def to_markdown(self) -> str:
        """A table of every source, then the summary: to attach to a release."""
        lines = [
            "| source | status | address | excerpts | missing | archived copy | note |",
            "| --- | --- | --- | ---: | --- | --- | --- |",
        ]
        for r in self.results:
            others = [f"{column} {status}" for column, status in r.other_addresses.items() if status != "ok"]
            note = "; ".join(filter(None, [_against(r), r.error, r.archive_note, *others]))
            cells = [
                r.source_id,
                r.status,
                r.final_url if r.final_url and r.final_url != r.address else r.address,
                f"{len(r.found)}/{len(r.found) + len(r.missing)}",
                ", ".join(r.missing),
                r.archive_url,
                note,
            ]
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
        return "\n".join([*lines, "", self.summary()]) + "\n"

    def to_json(self) -> str:
        """Every result and the counts, as one JSON object."""
        document = {
            "counts": self.counts(),
            "exit_code": self.exit_code,
            "cache": str(self.cache),
            "availability_url": self.availability_url,
            "sources": [asdict(result) for result in self.results],
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _line(r: SourceResult) -> str:
    parts = [f"{r.source_id} {r.status}"]
    if r.missing:
        parts.append(f"excerpt missing: {', '.join(r.missing)}")
    if r.final_url and r.final_url != r.address:
        parts.append(f"now at {r.final_url}")
    if r.error:
        parts.append(r.error)
    if r.checked_against == "archive":
        parts.append(f"excerpts checked against the archived copy ({len(r.found)} found)")
    if r.archive_note:
        parts.append(r.archive_note)
    parts += [f"{column} {status}" for column, status in r.other_addresses.items() if status != "ok"]
    where = f" <{r.address}>" if r.address else ""
    return ": ".join(parts[:2]) + ("; " + "; ".join(parts[2:]) if len(parts) > 2 else "") + where


def _against(r: SourceResult) -> str:
    return "checked against the archived copy" if r.checked_against == "archive" else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
