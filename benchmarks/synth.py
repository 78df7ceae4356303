"""Write a synthetic cacdata package of any size, optionally with faults injected at recorded places.

    python benchmarks/synth.py --events 100000 --out /tmp/synth-100k [--faults 3] [--seed 7]

The package uses the repository's schemas, changed in one way only: an ID's digits are ``[0-9]{4,}`` instead
of ``[0-9]{4}``, because four digits cap a table at 10,000 rows. Every other rule (types, enums, patterns,
keys, foreign keys, row counts, fill rates, the ``cacdata:`` rules) applies unchanged, and a clean package
validates clean.

Rows are built from the shipped rows as templates (text, enums, dates, languages), with IDs and references
rewritten, so cell lengths and scripts are those of the real data. Proportions per event, close to the
shipped data's (87 entities, 71 participants, 20 quotes, 58 sources per 37 events):

    entities 1.5, participants 2, quotes 0.5, sources 1.5, citations 1 per record of every other table

which is 13 rows per event: 10k events are 130k rows, 100k are 1.3M, 1M are 13M. (The shipped data has 1.4
citations per record; one per record is the least the "every record cited" rule allows.)

``--faults K`` injects K faults of each kind; ``faults.json`` lists each with the rule a validator should
report and its table, physical line and column. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from cacdata.describe.package import DataPackage  # noqa: E402 - run as a script from a checkout
from cacdata.describe.schema import ENTITY_TYPES, ROW_COUNT  # noqa: E402
from cacdata.describe.stamp import stamp  # noqa: E402
from cacdata.validation.consistency import ends_before  # noqa: E402

# Rows per event, by table; citations are one per record of the other tables.
PER_EVENT = {"entities": 1.5, "events": 1.0, "participants": 2.0, "quotes": 0.5, "sources": 1.5}
FAULT_KINDS = (
    "duplicate key",
    "dangling reference",
    "bad date",
    "enum typo",
    "pattern violation",
    "uncited record",
)


@dataclass(frozen=True)
class Injected:
    """One injected fault: what a validator must report, and where."""

    kind: str
    rule: str
    table: str
    line: int
    column: str


@dataclass(frozen=True)
class Plan:
    """Where each fault goes, chosen before any row is written: (table, row index) -> kind and column."""

    cells: dict[tuple[str, int], tuple[str, str, str]]  # kind, column, value
    duplicates: dict[tuple[str, int], str]  # rows written twice, by table and index
    uncited: set[str]  # record IDs left without a citation


def widen(pattern: str) -> str:
    """Allow IDs of more than four digits; nothing else about the pattern changes."""
    return pattern.replace("[0-9]{4}", "[0-9]{4,}")


def counts(events: int) -> dict[str, int]:
    schemas = {name: _schema(name) for name in PER_EVENT}
    return {
        name: max(round(events * ratio), schemas[name][ROW_COUNT]["minimum"])
        for name, ratio in PER_EVENT.items()
    }


def _schema(name: str) -> dict[str, Any]:
    return dict(json.loads((REPO / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")))


def _templates(name: str) -> list[dict[str, str]]:
    with (REPO / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class Ids:
    """Fixed-width IDs, so that sorting by ID as text is sorting by number."""

    def __init__(self, sizes: dict[str, int]) -> None:
        self.width = max(4, len(str(max(sizes.values()) * 10)))
        self.prefix = {name: _schema(name)["fields"][0]["constraints"]["pattern"].split("-")[0] for name in sizes}
        self.prefix["citations"] = "cit"

    def __call__(self, table: str, index: int) -> str:
        return f"{self.prefix[table]}-{index + 1:0{self.width}d}"

    def missing(self, table: str) -> str:
        """An ID of the right form that no row has: past the last one."""
        return f"{self.prefix[table]}-{10**self.width - 1}"


def plan_faults(sizes: dict[str, int], ids: Ids, k: int, rng: random.Random) -> tuple[Plan, list[str]]:
    """Choose K rows per kind, away from each other so that no two faults meet in one row."""
    taken: set[tuple[str, int]] = set()

    def pick(table: str) -> int:
        while True:
            index = rng.randrange(1, sizes[table])
            if all((table, index + d) not in taken for d in (-1, 0, 1)):
                taken.add((table, index))
                return index

    cells: dict[tuple[str, int], tuple[str, str, str]] = {}
    duplicates: dict[tuple[str, int], str] = {}
    uncited: set[str] = set()
    dangling = [("participants", "entity_id", "entities"), ("quotes", "event_id", "events")]
    dangling += [("sources", "publisher_id", "entities"), ("participants", "event_id", "events")]
    keyed = ["entities", "events", "participants", "sources"]
    for n in range(k):
        duplicates[(keyed[n % len(keyed)], pick(keyed[n % len(keyed)]))] = "duplicate key"
        table, column, target = dangling[n % len(dangling)]
        cells[(table, pick(table))] = ("dangling reference", column, ids.missing(target))
        cells[("events", pick("events"))] = ("bad date", "date_start", "2021-02-30")
        cells[("participants", pick("participants"))] = ("enum typo", "role", "actr")
        cells[("entities", pick("entities"))] = ("pattern violation", "wikidata_qid", "Q12x")
        uncited.add(ids(keyed[n % len(keyed)], pick(keyed[n % len(keyed)])))
    return Plan(cells, duplicates, uncited), sorted(uncited)


RULES = {
    "duplicate key": "primary-key",
    "dangling reference": "foreign-key",
    "bad date": "type-error",
    "enum typo": "constraint-error",
    "pattern violation": "constraint-error",
    "uncited record": "uncited-record",
}


def synthesise(events: int, out: Path, faults: int = 0, seed: int = 7) -> list[Injected]:
    """Write the package to ``out`` (which must not exist) and return the injected faults."""
    rng = random.Random(seed)
    sizes = counts(events)
    ids = Ids(sizes)
    out.mkdir(parents=True)
    (out / "data").mkdir()
    (out / "schemas").mkdir()
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in (*PER_EVENT, "citations")]
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", "utf-8")
    for name in [*PER_EVENT, "citations"]:
        schema = _schema(name)
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            if "pattern" in constraints:
                constraints["pattern"] = widen(constraints["pattern"])
        (out / "schemas" / f"{name}.schema.json").write_text(json.dumps(schema, indent=2) + "\n", "utf-8")
    plan, _ = plan_faults(sizes, ids, faults, rng)
    injected: list[Injected] = []
    entity_types = [row["entity_type"] for row in _templates("entities")]
    speaker_types = next(f for f in _schema("quotes")["fields"] if f["name"] == "speaker_id")[ENTITY_TYPES]
    speakers = [i for i, kind in enumerate(entity_types) if kind in speaker_types and i < sizes["entities"]]
    writers = {
        "entities": _entities(sizes, ids, rng),
        "events": _events(sizes, ids, rng),
        "participants": _participants(sizes, ids, rng),
        "quotes": _quotes(sizes, ids, rng, speakers, len(entity_types)),
        "sources": _sources(sizes, ids, rng),
    }
    for name, rows in writers.items():
        injected += _write(out, name, rows, plan)
    injected += _write(out, "citations", _citations(sizes, ids, rng, plan.uncited), plan)
    for record_id in sorted(plan.uncited):
        table = next(t for t, p in ids.prefix.items() if record_id.startswith(p + "-"))
        index = int(record_id.split("-")[1]) - 1
        shift = sum(1 for (t, i) in plan.duplicates if t == table and i < index)
        injected.append(Injected("uncited record", RULES["uncited record"], table, index + 2 + shift, _key(table)))
    stamp(DataPackage.open(out))
    manifest = [asdict(fault) for fault in sorted(injected, key=lambda f: (f.kind, f.table, f.line))]
    (out / "faults.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return injected


def _key(table: str) -> str:
    return str(_schema(table)["primaryKey"][0])


def _write(out: Path, name: str, rows: Iterator[dict[str, str]], plan: Plan) -> list[Injected]:
    header = [field["name"] for field in _schema(name)["fields"]]
    injected = []
    line = 1
    with (out / "data" / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for index, row in enumerate(rows):
            fault = plan.cells.get((name, index))
            if fault is not None:
                kind, column, value = fault
                row[column] = value
                injected.append(Injected(kind, RULES[kind], name, line + 1, column))
            writer.writerow([row[column] for column in header])
            line += 1
            if (name, index) in plan.duplicates:
                writer.writerow([row[column] for column in header])
                line += 1
                injected.append(Injected("duplicate key", RULES["duplicate key"], name, line, header[0]))
    return injected


# Citations point at random sources, so a source's standing must not decide a record's support: every
# synthetic source is of standing and no record is flagged weakly_sourced (rule ``weak-support``).
OF_STANDING = {"standing": "newspaper_or_broadcaster", "read_as": "stored_copy", "weakly_sourced": ""}


def _cycle(name: str) -> Iterator[dict[str, str]]:
    templates = _templates(name)
    index = 0
    while True:
        row = dict(templates[index % len(templates)])
        yield {**row, **{k: v for k, v in OF_STANDING.items() if k in row}}
        index += 1


def _earlier(rng: random.Random, index: int) -> int:
    """A row before this one, near it: parent links then never form a cycle."""
    return max(0, index - 1 - rng.randrange(50))


def _entities(sizes: dict[str, int], ids: Ids, rng: random.Random) -> Iterator[dict[str, str]]:
    for index, row in zip(range(sizes["entities"]), _cycle("entities"), strict=False):
        row["entity_id"] = ids("entities", index)
        row["parent_id"] = ids("entities", _earlier(rng, index)) if row["parent_id"] and index else ""
        yield row


def _events(sizes: dict[str, int], ids: Ids, rng: random.Random) -> Iterator[dict[str, str]]:
    """A part never ends before its parent begins (``parent-date``): such a link is left out."""
    recent: dict[int, tuple[str, str]] = {}  # the dates of the last rows, where parents are chosen
    for index, row in zip(range(sizes["events"]), _cycle("events"), strict=False):
        row["event_id"] = ids("events", index)
        parent = _earlier(rng, index) if row["parent_event_id"] and index else None
        dates = (row["date_start"], row["date_end"])
        keep = parent is not None and not ends_before(dates, recent[parent])
        row["parent_event_id"] = ids("events", parent) if keep and parent is not None else ""
        recent[index] = dates
        recent.pop(index - 60, None)
        yield row


def _participants(sizes: dict[str, int], ids: Ids, rng: random.Random) -> Iterator[dict[str, str]]:
    """No entity takes the same role twice at one event (``duplicate-record``)."""
    event, taken = "", set()
    for index, row in zip(range(sizes["participants"]), _cycle("participants"), strict=False):
        row["participant_id"] = ids("participants", index)
        row["event_id"] = ids("events", index * sizes["events"] // sizes["participants"])
        if row["event_id"] != event:
            event, taken = row["event_id"], set()
        entity = rng.randrange(sizes["entities"])
        while (entity, row["role"]) in taken:
            entity = (entity + 1) % sizes["entities"]
        taken.add((entity, row["role"]))
        row["entity_id"] = ids("entities", entity)
        yield row


def _quotes(
    sizes: dict[str, int], ids: Ids, rng: random.Random, speakers: list[int], templates: int
) -> Iterator[dict[str, str]]:
    """A speaker is an entity whose template (index modulo the shipped rows) is of a type that may speak."""
    blocks = sizes["entities"] // templates
    for index, row in zip(range(sizes["quotes"]), _cycle("quotes"), strict=False):
        row["quote_id"] = ids("quotes", index)
        speaker = rng.choice(speakers) + templates * rng.randrange(max(blocks, 1))
        row["speaker_id"] = ids("entities", speaker)
        row["event_id"] = ids("events", rng.randrange(sizes["events"])) if row["event_id"] else ""
        row["rendering_of"] = ids("quotes", _earlier(rng, index)) if row["rendering_of"] and index else ""
        row["first_printed_by"] = ids("sources", rng.randrange(sizes["sources"])) if row["first_printed_by"] else ""
        yield row


def _sources(sizes: dict[str, int], ids: Ids, rng: random.Random) -> Iterator[dict[str, str]]:
    templates = len(_templates("sources"))
    for index, row in zip(range(sizes["sources"]), _cycle("sources"), strict=False):
        row["source_id"] = ids("sources", index)
        if row["url"] and index >= templates:  # each source its own address (``duplicate-record``)
            row["url"] += f"{'&' if '?' in row['url'] else '?'}copy={index // templates}"
        row["publisher_id"] = ids("entities", rng.randrange(sizes["entities"]))
        yield row


def _citations(sizes: dict[str, int], ids: Ids, rng: random.Random, uncited: set[str]) -> Iterator[dict[str, str]]:
    """One citation per record, in the order of the tables; half name a field of the record."""
    templates = [row for row in _templates("citations") if row["locator"] != "address"]
    fields = {name: [f["name"] for f in _schema(name)["fields"]][1:] for name in PER_EVENT}
    index = 0
    for table in PER_EVENT:
        for record in range(sizes[table]):
            record_id = ids(table, record)
            if record_id in uncited:
                continue
            row = dict(templates[index % len(templates)])
            row["citation_id"] = ids("citations", index)
            row["record_id"] = record_id
            row["field"] = fields[table][index % len(fields[table])] if index % 2 == 0 else ""
            row["source_id"] = ids("sources", rng.randrange(sizes["sources"]))
            yield row
            index += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True, help="number of events; other tables follow")
    parser.add_argument("--out", type=Path, required=True, help="directory to create")
    parser.add_argument("--faults", type=int, default=0, help="faults of each kind to inject")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args()
    if args.force and args.out.exists():
        shutil.rmtree(args.out)
    injected = synthesise(args.events, args.out, args.faults, args.seed)
    rows = sum(sum(1 for _ in path.open("rb")) - 1 for path in (args.out / "data").glob("*.csv"))
    print(f"{args.out}: {rows} rows, {len(injected)} faults injected")


if __name__ == "__main__":
    main()
