"""The declared normal form in which an excerpt is compared with its source's text.

One function, used by ``cacdata validate --texts`` and ``cacdata sources check`` alike: Unicode NFKC (so a
copy printing full-width punctuation, U+FF0C or U+FF1A, matches an excerpt stored as ``,`` or ``:``, and the
other way round), then every run of white space collapsed to one space, and the ends stripped. Nothing else
may differ between an excerpt and its source: not letters, not case, not other punctuation.
"""

from __future__ import annotations

import re
import unicodedata

WHITE_SPACE = re.compile(r"\s+")


def normal_form(text: str) -> str:
    """NFKC, white-space runs as one space, stripped: the only differences an excerpt may have from its text."""
    return WHITE_SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def contains(text: str, excerpt: str) -> bool:
    """Whether ``excerpt`` is in ``text``, both compared in the normal form (an empty excerpt is never found)."""
    wanted = normal_form(excerpt)
    return bool(wanted) and wanted in normal_form(text)
