"""The words the pictures print in place of IDs, derived from the data in one place.

The tables have no column for a milestone (draft, adopted, signed, published, in force), a short title or
an instrument's Chinese title, so they are read from the events' titles and descriptions here, by the rules
below and nowhere else. Columns ``milestone``, ``short_title`` and ``title_original`` in ``events`` would be
better: a source could then back each of them, and these functions would shrink to a lookup.
"""

from __future__ import annotations

import re
from collections import Counter

from cacdata.share.story import FOCUS_EVENT as FOCUS_EVENT  # the story's centre, re-exported for the pictures

# A milestone word for each phrase a child event's title uses, in the order of a rule's life.
MILESTONES: tuple[tuple[str, str], ...] = (
    (r"\bdraft\b", "draft"),
    (r"\badopted\b", "adopted"),
    (r"\bsigned\b", "signed"),
    (r"\b(?:jointly )?issued\b", "issued"),
    (r"\bpublish(?:es|ed)?\b|\bmade public\b", "published"),
    (r"\btakes? effect\b|\bin force\b", "in force"),
    (r"\blaunched\b", "launched"),
)
SHORT_LIMIT = 44  # characters of a short title
CUT_BEFORE = (" on ", " over ", " and ", " with ")  # where a long title may be cut ("for" cuts off its point)
CHINESE_TITLE = re.compile(r"《([^》]+)》")
_CJK = "\u3000-\u9fff\uf900-\ufaff\uff00-\uffef"  # ideographs, CJK and full-width punctuation
# A run of Chinese, with any digits inside it (a document number such as 国信办通字 2025 2号 goes whole).
CHINESE_RUN = re.compile(rf"[{_CJK}](?:[{_CJK}0-9]*[{_CJK}])?")


def milestone(title: str) -> str | None:
    """The milestone words a title names ('issued and published'), in the order it names them; None if none."""
    found = sorted(
        (match.start(), word)
        for pattern, word in MILESTONES
        for match in [re.search(pattern, title, flags=re.IGNORECASE)]
        if match
    )
    return " and ".join(word for _, word in found) or None


def short_title(title: str, limit: int = SHORT_LIMIT) -> str:
    """A title a label can hold: whole if short, else cut before a clause, else at a word with an ellipsis."""
    if len(title) <= limit:
        return title
    cuts = [title.find(word) for word in CUT_BEFORE if 12 <= title.find(word) <= limit]
    if cuts:
        return title[: min(cuts)]
    return title[: title.rfind(" ", 0, limit)].rstrip(",;:") + "…"


def subject(titles: list[str]) -> str | None:
    """What two or more milestone titles share before their milestone word ('Deep synthesis provisions')."""
    subjects = []
    for title in titles:
        starts = [m.start() for p, _ in MILESTONES for m in [re.search(p, title, flags=re.IGNORECASE)] if m]
        if starts and min(starts) > 0:
            subjects.append(title[: min(starts)].strip())
    counted = Counter(s.lower() for s in subjects).most_common(1)
    if not counted or counted[0][1] < 2:
        return None
    return next(s for s in subjects if s.lower() == counted[0][0])


def balanced(text: str, width: int) -> list[str]:
    """Lines of about equal length, none over ``width``: no bracket or character left alone on the last line."""
    if len(text) <= width:
        return [text]
    lines = -(-len(text) // width)
    per = -(-len(text) // lines)
    return [text[i : i + per] for i in range(0, len(text), per)]


def chinese_title(description: str | None) -> str | None:
    """An instrument's Chinese title: the first 《…》 its description prints, with the brackets."""
    match = CHINESE_TITLE.search(description or "")
    return f"《{match.group(1)}》" if match else None


def without_chinese(text: str) -> str:
    """``text`` with its Chinese taken out, for a picture drawn without a CJK font: no box, no empty brackets.

    "MPS annual 'Jingwang' (净网, clean network)" gives "MPS annual 'Jingwang' (clean network)".
    """
    out = CHINESE_RUN.sub("", text)
    out = re.sub(r"\(\s*[,;:]\s*", "(", out)
    out = re.sub(r"\s*[,;:]\s*\)", ")", out)
    out = re.sub(r"\s*\(\s*\)", "", out)
    return re.sub(r"\s{2,}", " ", out).strip()
