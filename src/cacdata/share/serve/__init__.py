"""``cacdata serve``: the dataset as a browsable site, Datasette over the SQLite export.

Datasette is the well-kept tool for this. What is ours is only what it cannot know: titles, descriptions,
licence and source from the schemas and descriptor (``metadata.py``), canned queries for common questions,
and one small plugin with a template that lists each record's citations, with their excerpts, on its page.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

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
    """The Datasette command line that serves ``database`` with our metadata, plugin and templates."""
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


# Signals that stop ``cacdata serve``: each is passed on to Datasette, which then stops too, so that no
# server is left listening and the caller can remove the temporary folder. Ctrl-C reaches both anyway.
FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
GRACE_SECONDS = 10  # after a forwarded signal, Datasette is killed if it has not stopped by then
POLL_SECONDS = 0.2
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def binds_every_interface(host: str) -> bool:
    """True for an address that listens beyond this machine (``0.0.0.0``, ``::``, a LAN address)."""
    return host not in LOOPBACK and not host.startswith("127.")


def serve(package: DataPackage, folder: Path, host: str, port: int) -> int:
    """Run Datasette until it is stopped; returns its exit code. Stopping signals are passed on to it."""
    database, meta = prepare(package, folder)
    server = subprocess.Popen(command(database, meta, host, port))
    received: list[float] = []  # when each stopping signal came

    def forward(number: int, frame: FrameType | None) -> None:
        received.append(time.monotonic())
        if server.poll() is None:
            server.send_signal(number)

    previous = {number: signal.signal(number, forward) for number in FORWARDED}
    try:
        while True:  # a wait without a timeout would go on after a signal (PEP 475): poll instead
            try:
                return server.wait(timeout=POLL_SECONDS)
            except subprocess.TimeoutExpired:
                if received and time.monotonic() - received[0] > GRACE_SECONDS:
                    server.kill()  # e.g. it inherited an ignored SIGHUP (nohup) and will not stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if server.poll() is None:  # an error of our own: never leave the server behind
            server.kill()
            server.wait()
