"""Node labels of a Sankey diagram: the name and tonnes of every node beside it, shortened or wrapped to the room its
column has, spread so that no two overlap, with a leader line to a label that had to move (docs/sankey.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mfa.domain.labels import Language, format_tonnes
from mfa.domain.sankey.metrics import LABEL_H, LABEL_PAD, LABEL_SIZE
from mfa.domain.sankey.text import Box, shorten, spread, text_width

if TYPE_CHECKING:
    from mfa.domain.sankey.data import SankeyData


@dataclass(frozen=True)
class Label:
    """A node's label: the name as drawn (shortened if need be), the tonnes, on one line or two, the box it takes,
    the side of the node it sits on ("left" or "right"), and a leader line (x0, y0, x1, y1) when it had to move
    away from its node."""

    node: str
    name: str
    value: str
    lines: int
    box: Box
    side: str
    leader: tuple[float, float, float, float] | None


def label_parts(
    name: str, tonnes: float, language: Language, room: float = math.inf, lines: int = 1
) -> tuple[str, str, float, float]:
    """A node's label as drawn, (name, tonnes, width, height): the name shortened so that the label is at most
    `room` px wide, on one line with its tonnes or on two (`lines`)."""
    value = format_tonnes(tonnes, language)
    value_w = text_width(value, LABEL_SIZE, bold=True)
    if lines == 2:
        name = shorten(name, room - 4, LABEL_SIZE)
        return name, value, max(text_width(name, LABEL_SIZE), value_w) + 4, 2 * LABEL_H - 2
    name = shorten(name, room - 4 - value_w - text_width(" ", LABEL_SIZE), LABEL_SIZE) if room < math.inf else name
    return name, value, text_width(f"{name} ", LABEL_SIZE) + value_w + 4, LABEL_H


def place_labels(
    data: SankeyData,
    boxes: dict[str, Box],
    edges: tuple[float, float],
    rooms: list[float],
    top: float,
    bottom: float,
) -> list[Label]:
    """One label per node: the first column's left of the nodes (beyond the return tracks, right-aligned at
    edges[0]), every other column's right of them (the last column's from edges[1]), each at most `rooms` (first,
    column) px wide; the labels of a column spread so that none overlaps another, with a leader line
    to a label that had to move off its node."""
    last = int(data.nodes["column"].max() or 0)  # type: ignore[arg-type]
    labels: list[Label] = []
    for c in range(last + 1):
        rows = data.nodes.filter(column=c).select("id", "label", "tonnes").rows()
        on_left = c == 0 and last > 0
        room = rooms[c]
        one = [label_parts(name, t, data.language) for _, name, t in rows]
        wrap = any(w > room + 0.5 for *_, w, _ in one) and len(rows) * (2 * LABEL_H - 2) <= bottom - top
        parts = [label_parts(name, t, data.language, room, 2 if wrap else 1) for _, name, t in rows]
        ys = spread([boxes[v].cy for v, _, _ in rows], [p[3] for p in parts], top, bottom)
        for (v, _, _), (name, value, w, h), y in zip(rows, parts, ys, strict=True):
            node = boxes[v]
            if on_left:
                x1 = edges[0] - LABEL_PAD
                box, edge = Box(x1 - w, y - h / 2, x1, y + h / 2), node.x0
            else:
                x0 = (edges[1] if c == last else node.x1) + LABEL_PAD
                box, edge = Box(x0, y - h / 2, x0 + w, y + h / 2), node.x1
            leader = None
            if abs(y - node.cy) > max(node.y1 - node.y0, h) / 2:
                near = min(max(y, node.y0), node.y1)
                leader = (edge, near, box.x1 if on_left else box.x0, y)
            labels.append(Label(v, name, value, 2 if wrap else 1, box, "left" if on_left else "right", leader))
    return labels
