"""A local stand-in for the web, for ``cacdata sources check``: pages, failures and a fake Wayback API.

Started by the ``source_server`` fixture (tests/validation/test_sources_check.py), which stops it and checks
that it stopped. Every request is logged with its headers and time, so tests can see what was asked, how
often, and whether a cookie came back.
"""

from __future__ import annotations

import html
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BIG = 50 * 2**20  # the body that must be cut off by the size cap
CAPTURE_TIME = "20210322000000"


@dataclass
class Logged:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Site:
    """What the server serves: path -> (status, headers, body), plus the special routes below."""

    pages: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    captures: dict[str, str] = field(default_factory=dict)  # original path -> archived page's path
    log: list[Logged] = field(default_factory=list)
    busy_left: int = 1  # /busy answers 429 this many times before 200
    release: threading.Event = field(default_factory=threading.Event)  # ends /silent's wait at teardown
    errors: list[str] = field(default_factory=list)  # what went wrong in a handler (a client hanging up, ...)
    in_flight: int = 0
    think: float = 0.05  # seconds each answer waits before it starts
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def requests_to(self, prefix: str) -> list[Logged]:
        return [entry for entry in self.log if entry.path.startswith(prefix)]


def html_page(title: str, paragraphs: list[str]) -> bytes:
    """A news-like page: navigation, a headline, the paragraphs, a footer."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>"
        + html.escape(title)
        + "</title></head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        + f"<article><h1>{html.escape(title)}</h1>\n{body}\n</article>"
        + "<footer>Copyright the publisher. All rights reserved.</footer></body></html>"
    ).encode()


def pdf_document(lines: list[str]) -> bytes:
    """A one-page PDF with each line as a text run in Helvetica: small enough to write by hand."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    runs = "".join(f"BT /F1 9 Tf 20 {780 - 14 * i} Td ({escape(line)}) Tj ET\n" for i, line in enumerate(lines))
    stream = runs.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            site.log.append(Logged(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()))
            if self.path.startswith("/silent"):
                site.release.wait(30)  # never answers while the test runs
                return
            # In flight from arrival until the answer starts: a client that waits for each answer before its
            # next request to the host never has two here at once. (Counting until the handler returns would
            # race: the client may have read the whole answer and sent the next request by then.)
            self.answered = False
            with site.lock:
                site.in_flight += 1
                site.most_in_flight = max(site.most_in_flight, site.in_flight)
            try:
                time.sleep(site.think)  # a moment before answering, so requests that overlap do overlap here
                self.route()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client hung up, as it should on a body over its cap
            finally:
                self._answering()

        def _answering(self) -> None:
            if not self.answered:
                self.answered = True
                with site.lock:
                    site.in_flight -= 1

        def send_response(self, code: int, message: str | None = None) -> None:
            self._answering()
            super().send_response(code, message)

        def route(self) -> None:
            split = urlsplit(self.path)
            if split.path == "/wayback/available":
                self.availability(parse_qs(split.query))
            elif split.path.startswith("/save/"):
                self.send(200, {"content-type": "text/html"}, b"<html>saved</html>")
            elif split.path == "/busy" and site.busy_left > 0:
                site.busy_left -= 1
                self.send(429, {"retry-after": "1"}, b"slow down")
            elif split.path == "/huge":
                self.stream_forever()
            elif split.path == "/huge-declared":
                self.send_response(200)
                self.send_header("content-type", "text/html")
                self.send_header("content-length", str(BIG))
                self.end_headers()
                self.wfile.write(b"<html>" + b" " * 2**16)
            elif self.path in site.pages:
                self.send(*site.pages[self.path])
            else:
                self.send(404, {"content-type": "text/html"}, b"<html>not found</html>")

        def availability(self, query: dict[str, list[str]]) -> None:
            url = query.get("url", [""])[0]
            archived = site.captures.get(urlsplit(url).path)
            snapshots = {}
            if archived:
                closest = {"available": True, "url": self.base() + archived, "timestamp": CAPTURE_TIME, "status": "200"}
                snapshots["closest"] = closest
            answer = {"url": url, "archived_snapshots": snapshots}
            self.send(200, {"content-type": "application/json"}, json.dumps(answer).encode())

        def stream_forever(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("connection", "close")  # no length: the body runs until the connection closes
            self.end_headers()
            chunk = b"x" * 2**20
            for _ in range(BIG // len(chunk)):
                self.wfile.write(chunk)
            self.close_connection = True

        def send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def base(self) -> str:
            host, port = self.server.server_address[:2]
            return f"http://{host!s}:{port}"

    return Handler


class QuietServer(ThreadingHTTPServer):
    """Keeps a handler's error in the site's log instead of printing it into the output under test."""

    site: Site

    def handle_error(self, request: object, client_address: object) -> None:
        import sys
        import traceback

        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client hanging up is no fault of the server
            self.site.errors.append(traceback.format_exc())


class SourceServer:
    """The server on a free local port, in a thread; ``stop`` ends it and every handler still waiting."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.httpd = QuietServer(("127.0.0.1", 0), make_handler(site))
        self.httpd.site = site
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="source-server", daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SourceServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.site.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
