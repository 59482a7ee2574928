"""Text as the diagram draws it: estimated widths (Arial / Liberation Sans metrics, CJK one em), shortening to a
width, and label placement in a column's strip without overlaps (docs/sankey.md, "Labels")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_NARROW = set("il.,:;'|!ijtf()[]{} ")
_WIDE = set("MWmw@%")
_MARKUP = re.compile(r"<[^>]+>")
ELLIPSIS = "…"


def char_em(ch: str) -> float:
    """The advance of one character in ems: CJK and full-width 1, capitals and digits about 0.62, narrow letters
    0.3, others 0.53 (a little above Arial's, so estimates err wide)."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch in _NARROW:
        return 0.3
    if ch in _WIDE:
        return 0.85
    if ch.isupper() or ch.isdigit():
        return 0.64
    return 0.55


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The estimated width in px of `text` (markup ignored) at font `size` px."""
    plain = _MARKUP.sub("", text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return sum(char_em(ch) for ch in plain) * size * (1.07 if bold else 1.0)


def shorten(text: str, width: float, size: float) -> str:
    """`text` cut and ended with an ellipsis so that it is at most `width` px wide ("" when not even one character
    and the ellipsis fit)."""
    if text_width(text, size) <= width + 0.5:
        return text
    room = width - text_width(ELLIPSIS, size)
    kept, used = [], 0.0
    for ch in text:
        used += char_em(ch) * size
        if used > room:
            break
        kept.append(ch)
    return "".join(kept).rstrip() + ELLIPSIS if kept else ""


@dataclass(frozen=True)
class Box:
    """A rectangle in figure px, y downwards."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, slack: float = 0.5) -> bool:
        """True when the two boxes share more than `slack` px in both directions."""
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0) > slack
            and min(self.y1, other.y1) - max(self.y0, other.y0) > slack
        )

    @property
    def cy(self) -> float:
        """The vertical centre."""
        return (self.y0 + self.y1) / 2


def spread(wanted: Sequence[float], heights: Sequence[float], top: float, bottom: float) -> list[float]:
    """Centres for boxes stacked in this order, each as near its wanted centre as the others allow, none
    overlapping, inside [top, bottom] when they fit (pushed down from the top, then up from the bottom)."""
    n = len(wanted)
    ys = list(wanted)
    for i in range(n):
        low = top + heights[i] / 2 if i == 0 else ys[i - 1] + (heights[i - 1] + heights[i]) / 2
        ys[i] = max(ys[i], low)
    for i in range(n - 1, -1, -1):
        high = bottom - heights[i] / 2 if i == n - 1 else ys[i + 1] - (heights[i + 1] + heights[i]) / 2
        ys[i] = min(ys[i], high)
    for i in range(n):  # when they do not fit, keep them apart rather than inside
        low = top + heights[i] / 2 if i == 0 else ys[i - 1] + (heights[i - 1] + heights[i]) / 2
        ys[i] = max(ys[i], low)
    return ys


class Boxes:
    """Boxes already placed, found by the grid cells they cover (so a diagram of many links stays fast)."""

    CELL = 64.0

    def __init__(self, boxes: Sequence[Box] = ()) -> None:
        self._cells: dict[tuple[int, int], list[Box]] = {}
        for box in boxes:
            self.add(box)

    def _keys(self, box: Box) -> list[tuple[int, int]]:
        c = self.CELL
        return [
            (i, j)
            for i in range(int(box.x0 // c), int(box.x1 // c) + 1)
            for j in range(int(box.y0 // c), int(box.y1 // c) + 1)
        ]

    def add(self, box: Box) -> None:
        """Place a box."""
        for key in self._keys(box):
            self._cells.setdefault(key, []).append(box)

    def hits(self, box: Box) -> bool:
        """True when `box` overlaps a placed box."""
        return any(box.overlaps(other) for key in self._keys(box) for other in self._cells.get(key, ()))

    def covered(self, box: Box) -> float:
        """The area of `box` that placed boxes cover (each counted once per box it overlaps)."""
        seen = {id(o): o for key in self._keys(box) for o in self._cells.get(key, ())}
        return sum(
            max(min(box.x1, o.x1) - max(box.x0, o.x0), 0.0) * max(min(box.y1, o.y1) - max(box.y0, o.y0), 0.0)
            for o in seen.values()
        )


def first_free(candidates: Sequence[Box], taken: Boxes) -> int:
    """The index of the first candidate box overlapping none of the `taken` boxes, else of the one they cover
    least."""
    for i, box in enumerate(candidates):
        if not taken.hits(box):
            return i
    return min(range(len(candidates)), key=lambda i: (taken.covered(candidates[i]), i))
