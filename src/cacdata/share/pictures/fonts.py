"""Find a font that draws Chinese, so labels are bilingual where one is installed and never boxes of tofu.

matplotlib (3.6 and later) falls back along ``font.family`` glyph by glyph: Latin text keeps DejaVu Sans and
Chinese is drawn with the first installed font that has every glyph we need. Its font cache may predate the
font's installation, so the system's font folders are searched too. Debian's ``fonts-wqy-zenhei`` is one
such font (``.ci/run`` installs it).
"""

from __future__ import annotations

import logging
from functools import cache

from matplotlib import font_manager, rcParams
from matplotlib.ft2font import FT2Font

LATIN_FONT = "DejaVu Sans"  # matplotlib's own, always there
# Characters every CJK font worth using has: the regulator's name in simplified and traditional script.
PROBE = "国家互联网信息办公室國務院"
NO_CJK_NOTE = "Chinese names are not shown: no font with Chinese glyphs was found (Debian: fonts-wqy-zenhei)."


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds CJK ideographs or punctuation (what needs a CJK font)."""
    return any("\u3000" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" for char in text)


def covers(path: str, text: str) -> bool:
    """Whether the font file at ``path`` has a glyph of its own for every distinct character of ``text``.

    A last-resort font (matplotlib ships one) maps a whole script to one placeholder glyph: it does not count.
    """
    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    wanted = set(text)
    return all(ord(char) in charmap for char in wanted) and len({charmap[ord(c)] for c in wanted}) == len(wanted)


@cache
def cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, registered with matplotlib; None if none is."""
    known = sorted({entry.fname for entry in font_manager.fontManager.ttflist})
    system = sorted(set(font_manager.findSystemFonts()) - set(known))
    for path in known + system:
        if covers(path, PROBE):
            if path not in known:
                font_manager.fontManager.addfont(path)
            return str(font_manager.FontProperties(fname=path).get_name())
    return None


def use_fonts() -> str | None:
    """Set matplotlib's fonts: Latin first, then the CJK font if there is one; returns the CJK family or None."""
    cjk = cjk_font()
    # The CJK font has one weight; matplotlib's note that it draws bold as regular is not for our users.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    rcParams["font.family"] = [LATIN_FONT, cjk] if cjk else [LATIN_FONT]
    rcParams["svg.fonttype"] = "path"  # glyphs as outlines: an SVG reader needs no font of its own
    rcParams["svg.hashsalt"] = "cacdata"  # stable element IDs, so the same data gives the same file
    return cjk


def bilingual(english: str, chinese: str | None, cjk: str | None, sep: str = "\n") -> str:
    """The English name with the Chinese beside it when a CJK font can draw it."""
    if cjk and chinese and has_cjk(chinese):
        return f"{english}{sep}{chinese}"
    return english
