"""Check every source (or the ones asked for) in parallel, within a global limit, and record the findings.

The entry point of ``cacdata sources check``: ``check_sources`` returns the report; ``record`` writes
``archive_url`` and ``text_sha256`` into ``sources.csv`` and re-stamps the package.
"""

from __future__ import annotations

import csv
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cacdata.describe.package import DataPackage
from cacdata.describe.stamp import stamp
from cacdata.validation.sources.archive import AVAILABILITY_URL, SAVE_URL
from cacdata.validation.sources.cache import TextCache, default_cache
from cacdata.validation.sources.check import ArchiveSettings, SourceResult, check_source
from cacdata.validation.sources.fetch import Fetcher, Politeness
from cacdata.validation.sources.report import SourcesReport
from cacdata.validation.sources.table import read_sources, write_sources

AVAILABILITY_ENV = "CACDATA_WAYBACK_URL"
SAVE_ENV = "CACDATA_WAYBACK_SAVE_URL"
PROJECT_ADDRESS = "https://pypi.org/project/cacdata/"


class SourcesError(Exception):
    """Input the check cannot use (an unknown source, a cache inside the package) or no network at all."""


@dataclass(frozen=True)
class Settings:
    """Everything a run may be told; the defaults are the polite ones."""

    cache: Path | None = None  # default: the user's cache directory
    source_ids: tuple[str, ...] = ()  # default: every source
    availability_url: str | None = None  # default: $CACDATA_WAYBACK_URL, else the Internet Archive
    save_url: str | None = None  # default: $CACDATA_WAYBACK_SAVE_URL, else Save Page Now
    save: bool = False
    concurrency: int = 4  # requests in flight at once, over all hosts
    delay: float = 1.0
    timeout: float = 30.0
    retries: int = 3
    max_wait: float = 60.0
    max_bytes: int = 20 * 2**20


def user_agent(version: str) -> str:
    """Names the project and where to read about it, so a site's owner knows who asks and why."""
    return f"cacdata/{version} (source check; +{PROJECT_ADDRESS})"


def cache_folder(package: DataPackage, settings: Settings) -> Path:
    """The cache to use; refused when it lies inside the package (other people's texts are never shipped)."""
    folder = (settings.cache or default_cache()).expanduser().resolve()
    if folder.is_relative_to(package.root.resolve()):
        raise SourcesError(f"{folder}: the cache must lie outside the package (its texts are not ours to ship)")
    if folder.exists() and not folder.is_dir():
        raise SourcesError(f"{folder}: not a directory")
    return folder


def check_sources(package: DataPackage, settings: Settings) -> SourcesReport:
    """Check the chosen sources; raises ``SourcesError`` on unusable input or when no server answered."""
    folder = cache_folder(package, settings)
    try:
        sources = read_sources(package)
    except (OSError, UnicodeDecodeError, csv.Error, KeyError) as error:
        raise SourcesError(f"cannot read the sources and citations: {error}; run `cacdata validate`") from None
    known = {source.source_id for source in sources}
    unknown = [sid for sid in settings.source_ids if sid not in known]
    if unknown:
        raise SourcesError(f"no source {', '.join(unknown)} in {package.relative(package.table('sources').csv_path)}")
    chosen = [s for s in sources if not settings.source_ids or s.source_id in settings.source_ids]
    archive = ArchiveSettings(
        settings.availability_url or os.environ.get(AVAILABILITY_ENV) or AVAILABILITY_URL,
        settings.save_url or os.environ.get(SAVE_ENV) or SAVE_URL,
        settings.save,
    )
    politeness = Politeness(
        user_agent(package.version),
        delay=settings.delay,
        timeout=settings.timeout,
        retries=settings.retries,
        max_wait=settings.max_wait,
        max_bytes=settings.max_bytes,
    )
    cache = TextCache(folder)
    with Fetcher(politeness) as fetcher, ThreadPoolExecutor(max_workers=max(settings.concurrency, 1)) as pool:
        results = list(pool.map(lambda source: check_source(source, fetcher, archive, cache), chosen))
    report = SourcesReport(results, folder, archive.availability_url)
    if report.offline:
        raise SourcesError(
            f"no address could be reached ({report.unreachable} of {report.fetched} failed to connect, e.g. "
            f"{report.first_unreachable()!r}); are you offline? Nothing was written."
        )
    return report


def record(package: DataPackage, results: list[SourceResult]) -> list[str]:
    """Write each found capture into an empty ``archive_url`` (and ``archive_date``, where the table has it)
    and, where every excerpt was found, ``text_sha256``; then re-stamp. Returns the source IDs changed.
    """
    updates: dict[str, dict[str, str]] = {}
    recorded = {source.source_id: source for source in read_sources(package)}
    for result in results:
        update: dict[str, str] = {}
        if result.archive_url and not recorded[result.source_id].archive_url:
            update |= {"archive_url": result.archive_url, "archive_date": result.archive_date}
        if result.text_sha256 and result.found and not result.missing:
            update["text_sha256"] = result.text_sha256
        if update:
            updates[result.source_id] = update
    changed = write_sources(package, updates)
    if changed:
        stamp(package)
    return changed
