"""Polite, bounded HTTP: one request at a time per host, a delay between them, retries, a size cap.

Other people's servers pay for every request, and a hostile one must not hang or flood us: only http(s)
addresses are fetched, each response is capped in size and time, no cookie is kept between requests,
429 and 5xx answers are retried with back-off (honouring ``Retry-After`` up to a cap), and redirects are
followed with the final address recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

RETRIED = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Politeness:
    """How hard we may press on other people's servers, and how long we wait for them."""

    user_agent: str
    delay: float = 1.0  # seconds between two requests to one host
    timeout: float = 30.0  # seconds for connecting, for each read, and for a whole response
    retries: int = 3  # further attempts after a 429 or 5xx answer
    backoff: float = 2.0  # seconds before the first retry when the server names none; doubled each time
    max_wait: float = 60.0  # the longest Retry-After honoured; a longer one ends the attempts
    max_bytes: int = 20 * 2**20  # the largest response body read
    max_redirects: int = 5


@dataclass(frozen=True)
class Fetched:
    """One address's answer: the final address, the status and body, or why there is none."""

    url: str
    final_url: str = ""
    status: int | None = None
    content_type: str = ""
    body: bytes = b""
    error: str = ""  # empty when a response (of any status) was read in full
    unreachable: bool = False  # no server answered at all (name not resolved, connection refused)
    attempts: int = 0

    @property
    def redirected(self) -> bool:
        """Whether the answer came from another address than the one asked: the source has moved."""
        return bool(self.final_url) and self.final_url != self.url


class HostGate:
    """One request at a time per host, at least ``delay`` seconds apart."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.delay = delay
        self.clock = clock
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}

    def hold(self, host: str) -> _Held:
        """A context manager that waits for the host's turn and keeps it during one request."""
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        return _Held(self, host, lock)


@dataclass
class _Held:
    gate: HostGate
    host: str
    lock: threading.Lock

    def __enter__(self) -> None:
        self.lock.acquire()
        wait = self.gate._last.get(self.host, -1e9) + self.gate.delay - self.gate.clock()
        if wait > 0:
            time.sleep(wait)

    def __exit__(self, *exc: object) -> None:
        self.gate._last[self.host] = self.gate.clock()
        self.lock.release()


class TooLarge(Exception):
    """A response body over the size cap: refused, not read."""


class Fetcher:
    """Fetch addresses politely; safe to share between threads (the gate serialises each host)."""

    def __init__(self, politeness: Politeness, transport: httpx.BaseTransport | None = None) -> None:
        self.politeness = politeness
        self.gate = HostGate(politeness.delay)
        seconds = politeness.timeout
        self.client = httpx.Client(
            headers={"User-Agent": politeness.user_agent},
            timeout=httpx.Timeout(seconds, connect=min(seconds, 10.0)),
            follow_redirects=False,  # followed here, one hop at a time, each through the host's gate
            transport=transport,
            trust_env=False,  # no proxy or .netrc credentials taken from the environment
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str) -> Fetched:
        """Fetch ``url``: follow redirects, retry 429 and 5xx, and never raise for what a server does."""
        current = url
        attempts = 0
        for _ in range(self.politeness.max_redirects + 1):
            if urlsplit(current).scheme not in ("http", "https"):
                return Fetched(url, current, error=f"not an http(s) address: {current}", attempts=attempts)
            answer, tries = self._get_retrying(url, current)
            attempts += tries
            if isinstance(answer, Fetched):
                return Fetched(**{**answer.__dict__, "attempts": attempts})
            status, headers, body = answer
            location = headers.get("location")
            if status in (301, 302, 303, 307, 308) and location:
                current = str(httpx.URL(current).join(location))
                continue
            return Fetched(url, current, status, headers.get("content-type", ""), body, attempts=attempts)
        return Fetched(url, current, error=f"more than {self.politeness.max_redirects} redirects", attempts=attempts)

    def _get_retrying(self, url: str, current: str) -> tuple[Fetched | tuple[int, httpx.Headers, bytes], int]:
        wait = self.politeness.backoff
        for attempt in range(1, self.politeness.retries + 2):
            answer = self._get_once(url, current)
            if isinstance(answer, Fetched) or answer[0] not in RETRIED or attempt > self.politeness.retries:
                return answer, attempt
            asked = retry_after(answer[1].get("retry-after"))
            if asked is not None and asked > self.politeness.max_wait:
                return answer, attempt  # the server asks for longer than we wait: report its answer
            time.sleep(asked if asked is not None else wait)
            wait *= 2
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns

    def _get_once(self, url: str, current: str) -> Fetched | tuple[int, httpx.Headers, bytes]:
        host = urlsplit(current).netloc.lower()
        with self.gate.hold(host):
            started = time.monotonic()
            try:
                with self.client.stream("GET", current) as response:
                    body = self._read_capped(response, started)
                    self.client.cookies.clear()  # no cookie is kept from one request to the next
                    return response.status_code, response.headers, body
            except TooLarge as error:
                return Fetched(url, current, error=str(error))
            except httpx.TimeoutException:
                return Fetched(url, current, error=f"no answer within {self.politeness.timeout:g} s (timeout)")
            except (httpx.ConnectError, httpx.UnsupportedProtocol) as error:
                return Fetched(url, current, error=f"could not connect: {_reason(error)}", unreachable=True)
            except httpx.HTTPError as error:
                return Fetched(url, current, error=f"{type(error).__name__}: {_reason(error)}")

    def _read_capped(self, response: httpx.Response, started: float) -> bytes:
        cap = self.politeness.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLarge(f"the response declares {int(declared)} bytes; the cap is {cap} (too large)")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise TooLarge(f"the response passed the cap of {cap} bytes (too large)")
            if time.monotonic() - started > self.politeness.timeout:
                raise httpx.ReadTimeout("the whole response took too long")
            chunks.append(chunk)
        return b"".join(chunks)


def retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date), or None."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - time.time(), 0.0)


def _reason(error: Exception) -> str:
    return str(error) or type(error).__name__
