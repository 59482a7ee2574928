"""Node labels of a Sankey diagram: the name and tonnes of every node beside it, shortened or wrapped to the room its
column has, spread so that no two overlap, with a leader line to a label that had to move (docs/sankey.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mfa.domain.labels import Language, format_tonnes
from mfa.domain.sankey.metrics import LABEL_H, LABEL_PAD, LABEL_SIZE
from mfa.domain.sankey.text import Box, shorten, spread, text_width

if TYPE_CHECKING:
    from mfa.domain.sankey.diagram import SankeyData


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


def make_room(data: SankeyData, labels: list[Label], values: list[Box]) -> list[Label]:
    """Labels right of their node shortened further where the tonnes of a link could only be written over them:
    the name is cut to end before the value (never the tonnes, never to less than a few characters)."""
    names = dict(data.nodes.select("id", "label").rows())
    tonnes = dict(data.nodes.select("id", "tonnes").rows())
    out = []
    for label in labels:
        box = label.box
        blocking = [v.x0 for v in values if label.side == "right" and v.overlaps(box) and v.x0 > box.x0 + 40]
        if not blocking:
            out.append(label)
            continue
        room = min(blocking) - 2 - box.x0
        name, value, w, _ = label_parts(names[label.node], tonnes[label.node], data.language, room, label.lines)
        if w > room or len(name) < 4:
            out.append(label)
            continue
        out.append(replace(label, name=name, value=value, box=Box(box.x0, box.y0, box.x0 + w, box.y1)))
    return out
