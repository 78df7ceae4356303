"""The package loaded into DuckDB: one narrow table per CSV file, and the queries the checks ask of it.

DuckDB reads each CSV once, in parallel, into a narrow table: the keys, the columns the checks declare
they read (``kept``, from ``checks.py``), and the full cells of only those rows a cheap test marks as
suspect. Every suspect row is then judged in Python by the very rules the row-by-row path applies, so
DuckDB only has to over-approximate, never to agree to the letter.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from cacdata.describe.package import DataPackage, Table
from cacdata.validation.cells import FORMULA_CLASS, ISO_DATE, cell_failures
from cacdata.validation.cross_field import self_references
from cacdata.validation.duckdb_engine.supported import (
    READ_BY_FRICTIONLESS,
    MetadataCheck,
    Unsupported,
    check_header,
    hash_algorithm,
)
from cacdata.validation.queries import Loaded, sql_name, sql_text
from cacdata.validation.unicode_classes import re2_class

if TYPE_CHECKING:
    import duckdb

# What the checks read of a table, as SQL expressions (``checks.kept``): values where they compare values, a
# flag where a cell's being filled is all that counts. Long text stays in the file.
Kept = Callable[[Table], list[str]]
READ_BUFFER = 4 * 2**20  # DuckDB's default (32 MiB a thread) doubles the peak memory, for no speed
CHUNK = 2**20  # small: a decoded chunk of CJK text takes two to four times its bytes
# A pattern of ASCII letters, digits, _ and - only (literals, classes of them, quantifiers): what it matches
# cannot hold white space, control, invisible or non-NFC characters, and RE2 and Python agree on it.
PLAIN_PATTERN = re.compile(r"(?:\[(?:[A-Za-z0-9_](?:-[A-Za-z0-9_])?)+\]|[A-Za-z0-9_-]|\{[0-9]+(?:,[0-9]*)?\}|[*+?])+")


def scan_bytes(table: Table, algorithms: tuple[str, ...]) -> tuple[int, dict[str, str], int, bool]:
    """Size, digests and newline count, in one streaming pass; refuses a BOM and CR.

    Invalid UTF-8 is refused by DuckDB's reader (overlong forms, surrogates and stray bytes included, as by
    Python's codec; ``tests/test_engines.py`` checks it) and, in the header, by ``check_header``.
    """
    digests = {name: hashlib.new(name, usedforsecurity=False) for name in algorithms if name in ("md5", "sha256")}
    size = newlines = 0
    last = b""
    try:
        with table.csv_path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                if size == 0 and chunk.startswith(codecs.BOM_UTF8):
                    raise Unsupported(f"{table.name}: starts with a byte-order mark")
                if b"\r" in chunk:
                    raise Unsupported(f"{table.name}: has CR characters")
                for digest in digests.values():
                    digest.update(chunk)
                size += len(chunk)
                newlines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        raise Unsupported(f"{table.name}: cannot be read") from None
    if size == 0:
        raise Unsupported(f"{table.name}: is empty")
    return size, {name: digest.hexdigest() for name, digest in digests.items()}, newlines, last == b"\n"


class Engine:
    """The package loaded into DuckDB, with each check as a query."""

    def __init__(self, package: DataPackage, today: date, kept: Kept, metadata: MetadataCheck | None = None) -> None:
        import duckdb

        self.metadata = metadata
        self.kept = kept
        self.package = package
        self.today = today
        self.con: duckdb.DuckDBPyConnection = duckdb.connect(":memory:", config={"preserve_insertion_order": True})
        self.loaded: dict[str, Loaded] = {}
        self.self_refs = {name: self_references(table) for name, table in package.tables.items()}

    def close(self) -> None:
        """Close the DuckDB connection and cancel the metadata check; call once, however the run ends."""
        self.con.close()
        if self.metadata is not None:
            self.metadata.cancel()

    def confirm(self) -> None:
        """Wait for frictionless's verdict on the metadata: ``Unsupported`` if it reports any stock error."""
        if self.metadata is not None:
            self.metadata.result()

    # -- reading --------------------------------------------------------------------------------------------

    def load(self, pool: ThreadPoolExecutor) -> None:
        """Read every table into DuckDB while ``pool`` hashes the files.

        DuckDB releases the GIL while it reads, so on two cores the hashing costs little wall time.
        """
        scans = {
            name: pool.submit(scan_bytes, table, self._algorithms(name)) for name, table in self.package.tables.items()
        }
        narrow = {}
        for name, table in self.package.tables.items():
            check_header(table)
            narrow[name] = self._read(table)
        for name, table in self.package.tables.items():
            self.loaded[name] = self._finish(table, narrow[name], *scans[name].result())

    def _algorithms(self, name: str) -> tuple[str, ...]:
        resource = next(r for r in self.package.descriptor["resources"] if r.get("name") == name)
        return (hash_algorithm(resource["hash"])[0],) if resource.get("hash") else ()  # others are not computed

    def _suspect(self, table: Table) -> str:
        """True for any row in which some cell may break a rule; false only where none can.

        Regular-expression calls cost most, so a column whose values are closed (a date that passes the ISO
        test, a value of a clean enum, an ID that matches a plain pattern) is not searched for cell-rule failures too.
        """
        space = re2_class("space")
        text_rule = sql_text(f"(^{space})|({space}$)|{FORMULA_CLASS}|{re2_class('Cc', 'Cf', 'nfc')}")
        tests = []
        for column in table.fields:
            v = sql_name(column.name)
            constraints = column.descriptor.get("constraints", {})
            closed = False
            if constraints.get("required"):
                tests.append(f"{v} IS NULL")
            if "minLength" in constraints:
                tests.append(f"length({v}) < {int(constraints['minLength'])}")
            if "maxLength" in constraints:
                tests.append(f"length({v}) > {int(constraints['maxLength'])}")
            if "pattern" in constraints:
                pattern = str(constraints["pattern"])
                if PLAIN_PATTERN.fullmatch(pattern):
                    # matches only ASCII letters, digits, _ and -: Python agrees, and only a leading - fails a rule
                    tests.append(f"NOT regexp_full_match({v}, {sql_text(pattern)}) OR starts_with({v}, '-')")
                    closed = True
                else:
                    # RE2 and Python agree on printable ASCII; a control character is suspect by the text rule
                    tests.append(f"NOT regexp_full_match({v}, {sql_text(pattern)}) OR strlen({v}) <> length({v})")
            if "enum" in constraints:
                tests.append(f"{v} NOT IN ({', '.join(sql_text(e) for e in constraints['enum'])})")
                closed = closed or not any(cell_failures(str(e), "", "", 0, "") for e in constraints["enum"])
            if column.type == "date":
                iso = sql_text(ISO_DATE.pattern)
                tests.append(
                    f"{v} IS NOT NULL AND (NOT regexp_full_match({v}, {iso}) OR try_cast({v} AS DATE) IS NULL "
                    f"OR starts_with({v}, '0000') OR try_cast({v} AS DATE) > DATE {sql_text(self.today.isoformat())})"
                )
                closed = True  # digits and hyphens, starting with a digit, or else suspect already
            if column.type in READ_BY_FRICTIONLESS:
                clean = sql_text(READ_BY_FRICTIONLESS[column.type])
                tests.append(f"{v} IS NOT NULL AND NOT regexp_full_match({v}, {clean})")
                closed = True  # ASCII when clean; anything else is suspect and read by frictionless
            if not closed:
                tests.append(f"regexp_matches({v}, {text_rule})")  # one call for every text rule
        blank = " AND ".join(f"{sql_name(c)} IS NULL" for c in table.field_names)
        return " OR ".join(f"coalesce({test}, false)" for test in tests) + f" OR ({blank})"

    def _read(self, table: Table) -> str:
        """Read the CSV into a narrow table; returns the table's name."""
        import duckdb

        columns = "{" + ", ".join(f"{sql_text(c)}: 'VARCHAR'" for c in table.field_names) + "}"
        source = (
            f"read_csv({sql_text(str(table.csv_path))}, header = true, columns = {columns}, auto_detect = false, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
            f"all_varchar = true, buffer_size = {READ_BUFFER})"
        )
        kept = ", ".join(self.kept(table))
        cells = "[" + ", ".join(sql_name(c) for c in table.field_names) + "]"
        narrow = f"t_{len(self.loaded)}_{abs(hash(table.name))}"
        try:
            self.con.execute(
                f"CREATE TABLE {narrow} AS SELECT {kept}, "
                f"CASE WHEN {self._suspect(table)} THEN {cells} END AS cells__ FROM {source}"
            )
        except duckdb.Error as error:
            raise Unsupported(f"{table.name}: DuckDB cannot read it as strict CSV ({str(error)[:80]})") from None
        return narrow

    def _finish(
        self, table: Table, narrow: str, size: int, digest: dict[str, str], newlines: int, final: bool
    ) -> Loaded:
        """Take the suspect rows out, and check that records and lines add up (DuckDB skips empty lines)."""
        rows = self.scalar(f"SELECT count(*) FROM {narrow}")
        suspects = {
            int(row): [("" if cell is None else str(cell)) for cell in cells]
            for row, cells in self.con.execute(
                f"SELECT rowid, cells__ FROM {narrow} WHERE cells__ IS NOT NULL ORDER BY rowid"
            ).fetchall()
        }
        if any(all(cell == "" for cell in cells) for cells in suspects.values()):
            raise Unsupported(f"{table.name}: has a blank row")
        extra = [(row, sum(cell.count("\n") for cell in cells)) for row, cells in suspects.items()]
        extra = [(row, count) for row, count in extra if count]
        cumulative = list(zip([row for row, _ in extra], accumulate(c for _, c in extra), strict=True))
        expected = 1 + rows + (cumulative[-1][1] if cumulative else 0) - (0 if final else 1)
        if expected != newlines:
            raise Unsupported(f"{table.name}: lines and records do not add up (an empty line?)")
        self.con.execute(f"ALTER TABLE {narrow} DROP COLUMN cells__")
        self.con.execute(f"CREATE VIEW {sql_name('v_' + table.name)} AS SELECT rowid AS row__, * FROM {narrow}")
        return Loaded(
            table,
            self.package.relative(table.csv_path),
            rows,
            suspects,
            [(row + 1, count) for row, count in cumulative],
            size,
            digest,
            newlines,
            final,
        )

    def scalar(self, sql: str) -> int:
        """The one number a query returns (0 for no row)."""
        result = self.con.execute(sql).fetchone()
        return int(result[0]) if result else 0

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """Every row a query returns."""
        return self.con.execute(sql).fetchall()

    def view(self, name: str) -> str:
        """The quoted name of the view over a loaded table, with its row number as ``row__``."""
        return sql_name("v_" + name)

    # -- the stock checks -----------------------------------------------------------------------------------

    @cache  # noqa: B019 - one engine per validation; a key column is both unique and the primary key
    def repeats(self, name: str, column: str) -> list[tuple[int, str, int]]:
        """(row, value, the row the value last appeared in) for every repeated value, empty cells aside."""
        v, view = sql_name(column), self.view(name)
        return [
            (int(row), str(value), int(previous))
            for row, value, previous in self.fetch(
                f"SELECT row__, {v}, previous FROM (SELECT row__, {v}, lag(row__) OVER (PARTITION BY {v} "
                f"ORDER BY row__) AS previous FROM {view} WHERE {v} IN (SELECT {v} FROM {view} WHERE {v} IS NOT NULL "
                f"GROUP BY {v} HAVING count(*) > 1)) WHERE previous IS NOT NULL"
            )
        ]
