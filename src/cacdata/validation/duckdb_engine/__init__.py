"""The DuckDB engine: the Table Schema checks and our own rules as queries, where stock frictionless reads
cell by cell in Python.

It reports exactly what the row-by-row path reports (``tests/validation/test_engines.py`` compares the two on
the whole fault corpus). It covers what our schemas use: string and ``%Y-%m-%d`` date fields; required,
unique, pattern, enum, minLength and maxLength; a one-field primary key and one-field foreign keys;
``missingValues`` of ``[""]``; RFC 4180 CSV in UTF-8 without BOM or CR. ``prepare`` says why it cannot run on
anything else (``Unsupported``), and the caller then runs the row-by-row path, so a report never shrinks.

- ``supported.py``: what the engine covers, and frictionless's verdict on the metadata, asked in a thread;
- ``engine.py``: the package read into DuckDB, and the queries the checks ask of it;
- ``stock.py``: what stock frictionless reports on the rows, found in SQL.

Our own rules' queries live beside their row-by-row form, in the rule's module (``cells.py``, ...).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from cacdata.describe.package import DataPackage
from cacdata.validation.duckdb_engine.engine import Engine, Kept
from cacdata.validation.duckdb_engine.supported import MetadataCheck, Unsupported, check_patterns, check_supported

__all__ = ["Engine", "Kept", "Unsupported", "is_engine_error", "prepare"]


def is_engine_error(error: BaseException) -> bool:
    """An error of DuckDB itself, on which the row-by-row path takes over."""
    import duckdb

    return isinstance(error, duckdb.Error)


def prepare(package: DataPackage, today: date, kept: Kept) -> Engine:
    """The engine loaded with the package, keeping what ``kept`` says of each table.

    Raises ``Unsupported``, with the reason, where it cannot run.
    """
    metadata = MetadataCheck(package)  # first: on the shipped package it is the longest single step
    pool = ThreadPoolExecutor(max_workers=1)
    engine: Engine | None = None
    try:
        check_supported(package)
        engine = Engine(package, today, kept, metadata)
        check_patterns(package, engine.con)
        engine.load(pool)
    except Unsupported:
        if engine is not None:
            engine.close()
        metadata.cancel()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return engine
