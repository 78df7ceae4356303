"""Labels that never sit on one another: placement along a row, and the check the tests and drawings share.

A label is measured with the renderer that will draw it, so the widths hold for Latin and Chinese alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

GAP = 7.0  # points between two labels in a row: enough that "adopted" and "in force" read as two


@dataclass(frozen=True)
class Slot:
    """Where a label goes: its row (0 above the line, 1 below) and its left edge in points."""

    row: int  # 0 above the line, 1 below
    left: float  # in points


def renderer(figure: Figure) -> RendererAgg:
    """The Agg renderer of ``figure`` (attached on first use), to measure text as it will be drawn."""
    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    return figure.canvas.get_renderer()  # type: ignore[attr-defined, no-any-return]


def place_in_rows(
    anchors: list[float], widths: list[float], limit: float, rows: int = 2, gap: float = GAP,
    reach: float = float("inf"),
) -> list[Slot | None]:  # fmt: skip
    """Centre each label on its anchor where it fits, else slide it right in the row that moves it least, by
    no more than ``reach`` points (else leave it out: None); then pull back left whatever would pass ``limit``
    (the right edge), keeping the gaps, and leave out whatever that pushes past the left edge."""
    ends = [float("-inf")] * rows
    slots: list[Slot | None] = []
    ordered = sorted(zip(anchors, widths, strict=True), key=lambda pair: pair[0])
    for anchor, width in ordered:
        wanted = min(max(0.0, anchor - width / 2), max(0.0, limit - width))
        shifts = [max(0.0, end + gap - wanted) for end in ends]
        row = min(range(rows), key=lambda r: (shifts[r], r))
        if shifts[row] > reach:
            slots.append(None)
            continue
        left = wanted + shifts[row]
        ends[row] = left + width
        slots.append(Slot(row, left))
    for row in range(rows):
        edge = limit
        for index in reversed([i for i, slot in enumerate(slots) if slot is not None and slot.row == row]):
            width = ordered[index][1]
            slot = slots[index]
            assert slot is not None
            if slot.left + width > edge:
                slot = Slot(row, edge - width)
            slots[index] = slot if slot.left >= 0 else None
            edge = slot.left - gap if slot.left >= 0 else edge
    order = sorted(range(len(anchors)), key=lambda i: anchors[i])
    placed: list[Slot | None] = [None] * len(anchors)
    for index, placed_slot in zip(order, slots, strict=True):
        placed[index] = placed_slot
    return placed


def boxes(texts: list[Text], figure: Figure) -> list[Bbox]:
    """Where each non-empty text is drawn, in display units."""
    render = renderer(figure)
    return [text.get_window_extent(render) for text in texts if text.get_text().strip() and text.get_visible()]


def overlapping(texts: list[Text], figure: Figure) -> list[tuple[str, str]]:
    """The pairs of texts whose boxes overlap (touching edges aside)."""
    figure.draw_without_rendering()  # legends and layouts settle where they go only when drawn
    drawn = [t for t in texts if t.get_text().strip() and t.get_visible()]
    found = boxes(drawn, figure)
    pairs = []
    for i, first in enumerate(found):
        for j in range(i + 1, len(found)):
            second = found[j]
            if (
                first.x0 < second.x1 - 0.5
                and second.x0 < first.x1 - 0.5
                and first.y0 < second.y1 - 0.5
                and second.y0 < first.y1 - 0.5
            ):
                pairs.append((drawn[i].get_text(), drawn[j].get_text()))
    return pairs
