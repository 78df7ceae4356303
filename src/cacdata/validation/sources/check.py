"""One source's verdict: fetch where its text was read, find each excerpt, look up its archived copy.

Statuses, worst first: ``gone`` (404 or 410), ``blocked`` (401, 403, 429 or 451), ``failed`` (another HTTP
status, a timeout, a connection or size failure, an unreadable body), ``excerpt_missing`` (the page was read
but lacks some excerpts), ``moved`` (every excerpt found, at the end of a redirect), ``ok``, and
``not_checkable`` (no address). When the page cannot be read, the excerpts are checked against an archived
copy instead, and the result says so. The source's other addresses (its ``url`` when the text was read
elsewhere, and a recorded ``archive_url``) are fetched too, and their status reported beside.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cacdata.validation.normal_form import normal_form
from cacdata.validation.sources.archive import Capture, closest_capture, request_capture
from cacdata.validation.sources.cache import TextCache
from cacdata.validation.sources.extract import Unreadable, choose, texts_of
from cacdata.validation.sources.fetch import Fetched, Fetcher
from cacdata.validation.sources.table import Source

OK, MOVED, EXCERPT_MISSING, GONE, BLOCKED, FAILED, NOT_CHECKABLE = (
    "ok",
    "moved",
    "excerpt_missing",
    "gone",
    "blocked",
    "failed",
    "not_checkable",
)
STATUSES = (OK, MOVED, EXCERPT_MISSING, GONE, BLOCKED, FAILED, NOT_CHECKABLE)
GONE_CODES = frozenset({404, 410})
BLOCKED_CODES = frozenset({401, 403, 429, 451})


@dataclass(frozen=True)
class ArchiveSettings:
    """Where the archive's services are, and whether to ask for new captures."""

    availability_url: str
    save_url: str
    save: bool = False


@dataclass
class SourceResult:
    """What checking one source found; the report's row."""

    source_id: str
    status: str
    address: str = ""
    final_url: str = ""
    http_status: int | None = None
    error: str = ""
    checked_against: str = ""  # "page", "archive", or "" when no text was read
    found: list[str] = field(default_factory=list)  # citation IDs whose excerpt is in the text
    missing: list[str] = field(default_factory=list)  # citation IDs whose excerpt is not
    text_sha256: str = ""  # the cached text the excerpts were checked against
    archive_url: str = ""  # the capture closest to the access date (or the one recorded)
    archive_date: str = ""
    archive_note: str = ""  # why no capture is known, or what Save Page Now said
    unreachable: bool = False  # no server answered: counts towards "offline"
    other_addresses: dict[str, str] = field(default_factory=dict)  # column -> status (and why), e.g. url -> gone

    @property
    def problem(self) -> bool:
        """Whether a maintainer must act: a status but ok or not_checkable, an excerpt missing, an address not ok."""
        others = any(status != OK for status in self.other_addresses.values())
        return self.status not in (OK, NOT_CHECKABLE) or bool(self.missing) or others

    @property
    def fails(self) -> bool:
        """Whether this result makes the run exit 1: an excerpt missing or an address gone."""
        others_gone = any(status.startswith(GONE) for status in self.other_addresses.values())
        return self.status in (EXCERPT_MISSING, GONE) or bool(self.missing) or others_gone


def check_source(source: Source, fetcher: Fetcher, archive: ArchiveSettings, cache: TextCache) -> SourceResult:
    """Fetch, extract, compare, and look up the archive for one source."""
    address = source.text_address
    if not address:
        return SourceResult(source.source_id, NOT_CHECKABLE, error="no address")
    fetched = fetcher.get(address)
    result = SourceResult(
        source.source_id,
        _status(fetched),
        address,
        fetched.final_url,
        fetched.status,
        fetched.error or _http_error(fetched),
        unreachable=fetched.unreachable,
    )
    if result.status == OK:
        try:
            _compare(result, source, fetched, cache, "page")
        except Unreadable as error:
            result.status, result.error = FAILED, str(error)
        else:
            result.status = EXCERPT_MISSING if result.missing else (MOVED if fetched.redirected else OK)
    lookup = closest_capture(fetcher, archive.availability_url, address, source.access_date)
    if lookup.capture is not None:
        result.archive_url, result.archive_date = lookup.capture.url, lookup.capture.date
    result.archive_note = lookup.error
    if result.status in (GONE, BLOCKED, FAILED):
        _compare_archived(result, source, fetcher, cache, lookup.capture)
    elif archive.save and lookup.capture is None and not lookup.error:
        result.archive_note = request_capture(fetcher, archive.save_url, address)
    for column, other in (("url", source.url), ("archive_url", source.archive_url)):
        if other and other != address:
            result.other_addresses[column] = _describe(fetcher.get(other))
    return result


def _describe(fetched: Fetched) -> str:
    """An address's status with its reason: ``ok``, ``moved to ...``, ``gone (HTTP 404)``, ``failed (...)``."""
    status = _status(fetched)
    if status == OK:
        return f"{MOVED} to {fetched.final_url}" if fetched.redirected else OK
    return f"{status} ({fetched.error or _http_error(fetched)})"


def _compare_archived(
    result: SourceResult, source: Source, fetcher: Fetcher, cache: TextCache, capture: Capture | None
) -> None:
    """The page cannot be read: check the excerpts against the recorded archive copy, or the closest one."""
    address = source.archive_url or (capture.url if capture else "")
    if not address or not source.excerpts:
        return
    fetched = fetcher.get(address)
    if _status(fetched) != OK:
        result.archive_note = f"archived copy {address}: {fetched.error or _http_error(fetched)}"
        return
    try:
        _compare(result, source, fetched, cache, "archive")
    except Unreadable as error:
        result.archive_note = f"archived copy {address}: {error}"


def _compare(result: SourceResult, source: Source, fetched: Fetched, cache: TextCache, against: str) -> None:
    """Find each excerpt in the fetched text, in the normal form; keep the text in the cache."""
    excerpts = [excerpt.text for excerpt in source.excerpts]
    text = choose(texts_of(fetched.content_type, fetched.body), excerpts)
    normal = normal_form(text)
    result.found = [e.citation_id for e in source.excerpts if normal_form(e.text) in normal]
    result.missing = [e.citation_id for e in source.excerpts if normal_form(e.text) not in normal]
    result.checked_against = against
    if text:
        result.text_sha256 = cache.put(text)


def _status(fetched: Fetched) -> str:
    if fetched.error or fetched.status is None:
        return FAILED
    if fetched.status in GONE_CODES:
        return GONE
    if fetched.status in BLOCKED_CODES:
        return BLOCKED
    return OK if fetched.status < 400 else FAILED


def _http_error(fetched: Fetched) -> str:
    return f"HTTP {fetched.status}" if fetched.status is not None and fetched.status >= 400 else ""
