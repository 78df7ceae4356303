"""The text of a fetched document: main text of HTML (trafilatura), text of PDF (pypdf), plain text.

Excerpts are compared with this text in the declared normal form; what is extracted here is also what the
cache keeps and ``text_sha256`` names.
"""

from __future__ import annotations

import io
import logging

from cacdata.validation.normal_form import normal_form

PDF_MAGIC = b"%PDF-"


class Unreadable(Exception):
    """A body that is none of HTML, PDF or plain text, or that cannot be parsed."""


def kind_of(content_type: str, body: bytes) -> str:
    """``html``, ``pdf`` or ``text``, from the declared type, falling back on the body's first bytes."""
    declared = content_type.split(";", 1)[0].strip().lower()
    if declared == "application/pdf" or body.startswith(PDF_MAGIC):
        return "pdf"
    opening = body.lstrip()[:100].lower()
    if declared in ("text/html", "application/xhtml+xml") or opening.startswith((b"<!doc", b"<html")):
        return "html"
    if declared.startswith("text/") or not declared:
        return "text"
    raise Unreadable(f"cannot read a document of type {declared!r}")


def texts_of(content_type: str, body: bytes) -> list[str]:
    """Candidate texts, best first: for HTML its main text, then the whole page's text; otherwise one text."""
    kind = kind_of(content_type, body)
    if kind == "pdf":
        return [pdf_text(body)]
    if kind == "html":
        return html_texts(body)
    return [decode(content_type, body)]


def choose(candidates: list[str], excerpts: list[str]) -> str:
    """The first candidate text holding the most excerpts: the main text unless it lacks some the page has."""
    best, found = "", -1
    for text in candidates:
        normal = normal_form(text)
        count = sum(1 for excerpt in excerpts if normal_form(excerpt) in normal)
        if count > found:
            best, found = text, count
    return best


def html_texts(body: bytes) -> list[str]:
    """The page's main text with its title and byline, then all its visible text."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every page it finds thin
    main = trafilatura.extract(
        body, output_format="txt", with_metadata=True, include_tables=True, include_comments=False, favor_recall=True
    )
    whole = trafilatura.html2txt(body)
    return [text for text in (main, whole) if text]


def pdf_text(body: bytes) -> str:
    """The text of every page of a PDF, one page after another."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(body))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise Unreadable(f"cannot read the PDF: {error}") from None


def decode(content_type: str, body: bytes) -> str:
    """Plain text in its declared charset (UTF-8 when none is declared); undecodable bytes are replaced."""
    charset = "utf-8"
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
