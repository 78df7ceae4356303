"""Archived copies: the Internet Archive's capture closest to a date, and (only when asked) a new capture.

The service's addresses are settings, so that tests and mirrors can point elsewhere: the availability API's
base (``CACDATA_WAYBACK_URL``) and Save Page Now's (``CACDATA_WAYBACK_SAVE_URL``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from cacdata.validation.sources.fetch import Fetcher

AVAILABILITY_URL = "https://archive.org"  # {base}/wayback/available?url=...&timestamp=YYYYMMDD
SAVE_URL = "https://web.archive.org/save/"  # {base}{address} asks for a new capture
CAPTURE_TIME = re.compile(r"^(\d{4})(\d{2})(\d{2})")


@dataclass(frozen=True)
class Capture:
    """One archived copy: its address and when it was made."""

    url: str
    timestamp: str  # YYYYMMDDhhmmss, as the archive gives it

    @property
    def date(self) -> str:
        """The capture's day, YYYY-MM-DD."""
        match = CAPTURE_TIME.match(self.timestamp)
        return "-".join(match.groups()) if match else ""


@dataclass(frozen=True)
class Lookup:
    """What the availability API said: a capture, none, or why it could not be asked."""

    capture: Capture | None = None
    error: str = ""


def closest_capture(fetcher: Fetcher, base: str, url: str, near: date | None) -> Lookup:
    """The capture of ``url`` closest to ``near`` (the source's access date), by the availability API."""
    query = {"url": url} | ({"timestamp": near.strftime("%Y%m%d")} if near else {})
    answer = fetcher.get(f"{base.rstrip('/')}/wayback/available?{urlencode(query)}")
    if answer.error or answer.status != 200:
        return Lookup(error=f"availability API: {answer.error or f'HTTP {answer.status}'}")
    try:
        closest = json.loads(answer.body)["archived_snapshots"].get("closest") or {}
    except (ValueError, KeyError, TypeError, AttributeError):
        return Lookup(error="availability API: an answer that is not its JSON")
    if not closest.get("available") or not isinstance(closest.get("url"), str):
        return Lookup()
    return Lookup(Capture(closest["url"], str(closest.get("timestamp", ""))))


def request_capture(fetcher: Fetcher, base: str, url: str) -> str:
    """Ask Save Page Now for a new capture of ``url``; returns what happened, for the report."""
    answer = fetcher.get(f"{base}{url}")
    if answer.error:
        return f"capture not requested: {answer.error}"
    if answer.status is not None and answer.status < 400:
        return f"capture requested ({answer.final_url})"
    return f"capture refused: HTTP {answer.status}"
