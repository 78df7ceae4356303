"""``cacdata serve``: the dataset as a browsable site, Datasette over the SQLite export.

Datasette is the well-kept tool for this. What is ours is only what it cannot know: titles, descriptions,
licence and source from the schemas and descriptor (``metadata.py``), canned queries for common questions,
and one small plugin with a template that lists each record's citations, with their excerpts, on its page.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cacdata.describe.package import DataPackage

HERE = Path(__file__).parent
DATABASE = "cacdata"


def prepare(package: DataPackage, folder: Path) -> tuple[Path, Path]:
    """Write the SQLite export and Datasette's metadata into ``folder``."""
    from cacdata.share.exports.sqlite_db import write_sqlite
    from cacdata.share.serve.metadata import metadata

    folder.mkdir(parents=True, exist_ok=True)
    (database,) = write_sqlite(package, folder / f"{DATABASE}.db")
    meta = folder / "metadata.json"
    meta.write_text(json.dumps(metadata(package, DATABASE), ensure_ascii=False, indent=2), encoding="utf-8")
    return database, meta


def command(database: Path, meta: Path, host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(database),
        "--metadata",
        str(meta),
        "--plugins-dir",
        str(HERE / "plugins"),
        "--template-dir",
        str(HERE / "templates"),
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "default_page_size",
        "50",
    ]


def serve(package: DataPackage, folder: Path, host: str, port: int) -> int:
    """Run Datasette until it is stopped; returns its exit code."""
    database, meta = prepare(package, folder)
    return subprocess.call(command(database, meta, host, port))
