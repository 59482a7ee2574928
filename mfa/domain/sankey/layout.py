"""Stage 3 of a Sankey diagram: geometry in figure px. Node boxes filling the height, link bands (forward bands as
Bezier ribbons, return bands routed under every node), node labels beside their nodes without overlaps, and the
tonnes of the big links on their bands (docs/sankey.md, "Layout"). Pure numbers: the plotly figure is drawn from
this in mfa.export.sankey_figure.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mfa.domain.labels import Language, format_tonnes
from mfa.domain.sankey.bands import PAD, Point, chain_band, lanes, return_band
from mfa.domain.sankey.text import Box, Boxes, first_free, shorten, spread, text_width

if TYPE_CHECKING:
    from mfa.domain.sankey.data import SankeyData

WIDTH = 1200.0
MIN_STEP = 170.0
"""Smallest distance between two columns when the figure's width is automatic, px (room for middle labels)."""
MAX_WIDTH = 2000.0
MIN_GAP_STEP = 96.0
"""The least distance between two columns: room for a label of a name and its tonnes on two lines, px."""
MIN_FLOW = 40.0
"""Room left in a gap between columns beside the return tracks running through it, px."""
NODE_W = 14.0
GAP = 10.0
"""Smallest gap between two nodes of a column, px."""
MIN_NODE_PX = 1.0
"""A node is drawn at least this tall, however few tonnes it carries."""
LABEL_SIZE = 12.0
LABEL_H = 17.0
"""A node label's line, px: its box and the pitch labels keep from each other."""
VALUE_SIZE = 10.0
VALUE_H = 13.0
LABEL_PAD = 6.0
MIN_NODE_AREA = 420.0
NODE_SHARE = 0.61
"""A figure of automatic height grows until its nodes span this share of it (return lanes take the rest)."""
MAX_HEIGHT = 1800.0
HEADER_H = 36.0
"""Above the plot: the title (and the legend beside it)."""
LEGEND_ROW = 24.0
"""At facility level the legend (material groups and facility kinds) takes a row of its own below the title."""
FOOT_H = 26.0
"""Below the plot: the one-line source note."""
CLEAR = 14.0
"""Between the lowest node and the first return lane, px."""
LANE_GAP = 3.0
SCALE_PX = 400.0
"""With a fixed scale, scale_t tonnes are drawn this many px tall."""
VALUE_SHARE = 0.02
"""Links carrying at least this share of the drawn tonnes show their tonnes on the band."""
MAX_MARGIN = 0.28 * WIDTH
"""The first and last columns' labels take at most this many px."""
MAX_COLUMN_NODES = int((MAX_HEIGHT - HEADER_H - FOOT_H - 2 * CLEAR) // LABEL_H) - 4
"""More nodes than this in one column cannot all be labelled: the smallest merge into Other."""


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


@dataclass(frozen=True)
class Band:
    """A link drawn: its row in the links frame, its outline (a closed polygon), whether it is a return band,
    its tonnes as written with the box they take (None for links under VALUE_SHARE), and a point to click it."""

    link: int
    outline: list[Point]
    is_return: bool
    value: str | None
    value_box: Box | None
    anchor: Point
    """A point on the band clear of labels and values: where a click picks it."""


@dataclass(frozen=True)
class Layout:
    """The diagram in figure px: size, the plot area, px per tonne, whether the asked scale could be kept, a box
    per node id, a band per link (in the links' order), a label per node, and how many labels a column can hold."""

    width: float
    height: float
    top: float
    plot: Box
    per_t: float
    fits: bool
    nodes: dict[str, Box]
    bands: list[Band]
    labels: list[Label]
    capacity: int
    lanes: float
    """px under the nodes taken by the return lanes (and the clearance above them)."""


def header_height(level: str) -> float:
    """The px above the plot: the title row, and at facility level the legend's own row."""
    return HEADER_H + (LEGEND_ROW if level == "facility" else 0.0)


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


@dataclass(frozen=True)
class Load:
    """What a column holds: its nodes' tonnes, and the tonnes of the forward links passing through it on their way
    to a later column (drawn through a waypoint of their own, so that they never pass over a node)."""

    nodes: list[float]
    passing: list[float]

    @property
    def gaps(self) -> float:
        """The px between its nodes (a bunch of passing links takes one gap, shared with its neighbours)."""
        return (len(self.nodes) - 1 + (1 if self.passing else 0)) * GAP

    def px(self, per_t: float) -> float:
        """Its height at `per_t`: nodes (each at least MIN_NODE_PX), passing links and gaps."""
        return sum(max(t * per_t, MIN_NODE_PX) for t in self.nodes) + sum(self.passing) * per_t + self.gaps

    def node_px(self, per_t: float) -> float:
        """The height its nodes alone take at `per_t`, from the first one's top to the last one's bottom."""
        return sum(max(t * per_t, MIN_NODE_PX) for t in self.nodes) + (len(self.nodes) - 1) * GAP


def _scale(columns: list[Load], lane_t: float, lane_n: int, plot_h: float) -> float:
    """The px per tonne that lets every column (a node is at least MIN_NODE_PX tall) and the return lanes below it
    fit in `plot_h`."""
    clear = CLEAR if lane_n else 0.0
    best = math.inf
    for load in columns:
        room = plot_h - load.gaps - lane_n * LANE_GAP - clear
        total = sum(load.nodes) + sum(load.passing)
        if total + lane_t <= 0:
            continue
        k = max(room, 1.0) / (total + lane_t)
        for _ in range(6):  # nodes drawn at the smallest height take that much whatever the scale
            small = [t for t in load.nodes if t * k < MIN_NODE_PX]
            big = total - sum(small) + lane_t
            if big <= 0:
                break
            k = max(room - MIN_NODE_PX * len(small), 1.0) / big
        best = min(best, k)
    return best if math.isfinite(best) else 1.0


def _hops(data: SankeyData) -> list[tuple[int, int]]:
    """(link, column) for every column a forward link passes through between its source's and its target's."""
    column = dict(data.nodes.select("id", "column").rows())
    rows = data.links.select("source", "target", "loop").rows()
    return [(i, c) for i, (u, v, loop) in enumerate(rows) if not loop for c in range(column[u] + 1, column[v])]


Item = str | tuple[int, int]
"""A node id, or a waypoint (link, column)."""


def _stack(
    data: SankeyData, per_t: float, xs: dict[int, float], top: float, area: float
) -> tuple[dict[str, Box], dict[tuple[int, int], Box]]:
    """Node boxes and waypoint boxes. Each column is stacked in rank order GAP apart, the waypoints of the links
    passing through it slotted between its nodes where the links would cross, then everything moves toward what it
    exchanges with (as d3-sankey relaxes), never out of order, overlapping, or out of [top, top + area]."""
    rows = data.nodes.select("id", "column", "tonnes").rows()
    links = data.links.select("source", "target", "tonnes", "loop").rows()
    height: dict[Item, float] = {v: max(t * per_t, MIN_NODE_PX) for v, _, t in rows}
    column_of: dict[Item, int] = {v: c for v, c, _ in rows}
    stacks: dict[int, list[Item]] = {}
    for v, c, _ in rows:  # nodes come sorted by column and rank
        stacks.setdefault(c, []).append(v)
    centre: dict[Item, float] = {}
    for stack in stacks.values():
        y = top
        for item in stack:
            centre[item] = y + height[item] / 2
            y += height[item] + GAP
    chains: dict[int, list[Item]] = {}  # link -> source, its waypoints, target
    for i, (u, v, t, loop) in enumerate(links):
        if loop:
            continue
        chain: list[Item] = [u]
        for c in range(int(column_of[u]) + 1, int(column_of[v])):
            hop = (i, c)
            share = (c - column_of[u]) / (column_of[v] - column_of[u])
            height[hop], column_of[hop] = t * per_t, c
            centre[hop] = centre[u] + share * (centre[v] - centre[u])
            chain.append(hop)
        chains[i] = [*chain, v]
    for c, stack in stacks.items():  # a waypoint goes before the first node below where its link would cross
        hops = sorted(
            (h for h in column_of if isinstance(h, tuple) and column_of[h] == c), key=lambda h: (centre[h], h)
        )
        merged: list[Item] = []
        for item in stack:
            while hops and centre[hops[0]] < centre[item]:
                merged.append(hops.pop(0))
            merged.append(item)
        merged.extend(hops)
        stacks[c] = merged
    pulls: dict[Item, list[tuple[Item, float]]] = {item: [] for item in centre}
    for i, chain in chains.items():
        t = links[i][2]
        for a, b in itertools.pairwise(chain):
            pulls[a].append((b, t))
            pulls[b].append((a, t))
    for sweep in range(6):
        alpha = 0.5 if sweep < 4 else 0.25
        for c in sorted(stacks, reverse=sweep % 2 == 1):
            stack = stacks[c]
            wanted = []
            for item in stack:
                weight = sum(t for _, t in pulls[item])
                mean = sum(centre[o] * t for o, t in pulls[item]) / weight if weight > 0 else centre[item]
                wanted.append(centre[item] + alpha * (mean - centre[item]))
            sizes = [height[item] + (0.0 if isinstance(item, tuple) else GAP) for item in stack]
            placed = spread(wanted, sizes, top - GAP / 2, top + area + GAP / 2)
            centre.update(zip(stack, placed, strict=True))

    def box(item: Item) -> Box:
        x = xs[column_of[item]]
        return Box(x, centre[item] - height[item] / 2, x + NODE_W, centre[item] + height[item] / 2)

    return {v: box(v) for v, _, _ in rows}, {h: box(h) for h in column_of if isinstance(h, tuple)}


def _steps(need: list[float], room: float) -> list[float] | None:
    """Distances between neighbouring columns summing to `room`: equal, but at least what each gap `need`s for its
    return tracks (None when the needs alone exceed the room)."""
    if not need:
        return []
    if sum(need) > room:
        return None
    base = room / len(need)
    for _ in range(len(need)):  # the gaps needing more take it; the others share what is left
        wide = [n for n in need if n > base]
        narrow = len(need) - len(wide)
        if not narrow:
            break
        base = (room - sum(wide)) / narrow
    return [max(base, n) for n in need]


def _column_px(stats: list[Load], per_t: float) -> float:
    """The px the fullest column takes at `per_t`."""
    return max(load.px(per_t) for load in stats)


def _frame(
    stats: list[Load],
    lane_t: float,
    lane_n: int,
    top: float,
    height: float | None,
    scale_t: float | None,
    per_t: float | None = None,
) -> tuple[float, float, bool]:
    """(figure height, px per tonne, whether scale_t was kept). For `height` None: the least height at which every
    column's labels fit, the nodes have MIN_NODE_AREA px (unless `per_t` is given: the width allowed no more) and
    span NODE_SHARE of the figure when the return lanes let them; at most MAX_HEIGHT."""
    fixed = per_t if per_t is not None else SCALE_PX / scale_t if scale_t is not None else None

    def lanes_px(k: float) -> float:
        return lane_t * k + lane_n * LANE_GAP + CLEAR if lane_n else 0.0

    if height is None:
        labels = max(len(load.nodes) for load in stats) * LABEL_H
        if fixed is not None:
            area = max(labels, _column_px(stats, fixed), MIN_NODE_AREA if per_t is None else 0.0)
            height = min(top + area + lanes_px(fixed) + FOOT_H, MAX_HEIGHT)
        else:

            def fine(h: float, share: bool) -> bool:
                k = _scale(stats, lane_t, lane_n, h - top - FOOT_H)
                area = h - top - FOOT_H - lanes_px(k)
                nodes = max(load.node_px(k) for load in stats)
                return area >= max(labels, MIN_NODE_AREA) and (not share or nodes >= NODE_SHARE * h)

            low = top + FOOT_H + max(labels, MIN_NODE_AREA)
            share = fine(MAX_HEIGHT, True)  # can the nodes span NODE_SHARE at all?
            high = MAX_HEIGHT
            if fine(low, share):
                high = low
            else:
                for _ in range(40):
                    middle = (low + high) / 2
                    low, high = (low, middle) if fine(middle, share) else (middle, high)
            height = high
    best = _scale(stats, lane_t, lane_n, height - top - FOOT_H)
    if fixed is None:
        return height, best, True
    if per_t is not None:
        return height, min(per_t, best), True
    fits = fixed <= best * (1 + 1e-9)
    return height, fixed if fits else best, fits


def lay_out(
    data: SankeyData,
    *,
    width: float | None = None,
    height: float | None = None,
    top: float | None = None,
    scale_t: float | None = None,
    detail: bool = True,
) -> Layout:
    """Geometry of the diagram below `top` px of header (default: header_height). `width` None gives the columns
    MIN_STEP px at least (from WIDTH to MAX_WIDTH), and the return tracks room between them; `height` None grows the
    figure until every column's labels fit and the nodes span NODE_SHARE of it; with `scale_t`, scale_t tonnes are
    SCALE_PX tall unless the diagram cannot fit then (`fits` False, drawn at the largest scale that fits). Without
    `detail`, only the nodes are placed (no labels, no bands)."""
    nodes = data.nodes
    top = header_height(data.level) if top is None else top
    last = int(nodes["column"].max() or 0)  # type: ignore[arg-type]
    column_of = dict(nodes.select("id", "column").rows())
    hops = _hops(data)
    passing: dict[int, list[float]] = {}
    for i, c in hops:
        passing.setdefault(c, []).append(float(data.links["tonnes"][i]))
    stats = [Load(group["tonnes"].to_list(), passing.get(c, [])) for (c,), group in nodes.group_by("column")]
    links = data.links.select("source", "target", "tonnes", "loop").rows()
    spans = [(column_of[v], column_of[u], t) for u, v, t, loop in links if loop]
    depth, offsets = lanes(spans)
    lane_t = max((t for t, _ in depth.values()), default=0.0)
    lane_n = max((n for _, n in depth.values()), default=0)
    given_height = height
    height, per_t, fits = _frame(stats, lane_t, lane_n, top, height, scale_t)
    plot_h = height - top - FOOT_H
    area = plot_h - (lane_t * per_t + lane_n * LANE_GAP + CLEAR if lane_n else 0.0)
    rows = nodes.select("label", "tonnes", "column").rows()

    def widest(c: int) -> float:
        return max((label_parts(n, t, data.language)[2] for n, t, col in rows if col == c), default=0.0)

    label_w = (min(widest(0), MAX_MARGIN), min(widest(last), MAX_MARGIN))

    def across(k: float) -> tuple[float, float, float, float, list[float]]:
        """(left margin, right margin, its return tracks on the left, on the right, what each gap needs) at k."""
        track_in = [sum(t * k + LANE_GAP for lo, _, t in spans if lo == c) for c in range(last + 1)]
        track_out = [sum(t * k + LANE_GAP for _, hi, t in spans if hi == c) for c in range(last + 1)]
        left_tracks = PAD + track_in[0] if track_in[0] else 0.0
        right_tracks = PAD + track_out[last] if last and track_out[last] else 0.0
        left = (label_w[0] + 2 * LABEL_PAD + left_tracks) if last else 2 * LABEL_PAD
        right = label_w[1] + 2 * LABEL_PAD + right_tracks
        need = [
            max(
                track_out[g] + track_in[g + 1] + 2 * PAD + MIN_FLOW if track_out[g] + track_in[g + 1] else 0.0,
                MIN_GAP_STEP,
            )
            for g in range(last)
        ]
        return left, right, left_tracks, right_tracks, need

    def wanted(k: float) -> float:
        left, right, _, _, need = across(k)
        return left + right + NODE_W + sum(need)

    wide = width or min(max(WIDTH, wanted(per_t) + sum(max(MIN_STEP - n, 0.0) for n in across(per_t)[4])), MAX_WIDTH)
    start = per_t
    if wanted(per_t) > wide:  # the return tracks need more room than the width has: the largest scale that fits
        low, high = 0.0, per_t
        for _ in range(40):
            low, high = ((low + high) / 2, high) if wanted((low + high) / 2) <= wide else (low, (low + high) / 2)
        per_t = low
    left, right, left_tracks, right_tracks, need = across(per_t)
    steps = _steps(need, wide - left - right - NODE_W) or [max(wide - left - right - NODE_W, 0.0) / max(last, 1)] * last
    width = wide
    if per_t < start:  # the width allowed less: a figure of automatic height shrinks to the nodes
        height, per_t, _ = _frame(stats, lane_t, lane_n, top, given_height, None, per_t)
        plot_h = height - top - FOOT_H
        area = plot_h - (lane_t * per_t + lane_n * LANE_GAP + CLEAR if lane_n else 0.0)
    xs = {c: left + sum(steps[:c]) if last else (width - NODE_W) / 2 for c in range(last + 1)}
    boxes, waypoints = _stack(data, per_t, xs, top, area)
    edges = (left - left_tracks, width - right + right_tracks)
    rooms = [steps[c] - NODE_W - 2 * LABEL_PAD if 0 < c < last else 0.0 for c in range(last + 1)]
    rooms[0] = left - left_tracks - 2 * LABEL_PAD if last else rooms[0]
    rooms[last] = right - right_tracks - 2 * LABEL_PAD
    labels = _labels(data, boxes, edges, rooms, top, top + area) if detail else []
    bands = (
        _bands(data, boxes, waypoints, per_t, top + area + CLEAR, offsets, [lb.box for lb in labels]) if detail else []
    )
    plot = Box(left, top, width - right, top + plot_h)
    capacity = int(area // LABEL_H)
    lanes_px = plot_h - area
    return Layout(float(width), float(height), top, plot, per_t, fits, boxes, bands, labels, capacity, lanes_px)


def _labels(
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


def _bands(
    data: SankeyData,
    boxes: dict[str, Box],
    waypoints: dict[tuple[int, int], Box],
    per_t: float,
    lane_top: float,
    offsets: list[tuple[float, int]],
    labels: list[Box],
) -> list[Band]:
    """A band per link: forward links leave a node's right side stacked by the height of where they go next (their
    target or first waypoint), cross their waypoints, and enter the left side stacked by where they come from;
    returns leave and enter flush with the bottom and run in lanes below."""
    rows = data.links.select("source", "target", "tonnes", "loop").rows()
    column_of = dict(data.nodes.select("id", "column").rows())
    used_out = dict.fromkeys(boxes, 0.0)
    used_in = dict.fromkeys(boxes, 0.0)
    forward = [i for i, r in enumerate(rows) if not r[3]]
    back = [i for i, r in enumerate(rows) if r[3]]
    slot: dict[int, list[float]] = {i: [0.0, 0.0, 0.0, 0.0] for i in range(len(rows))}
    chain: dict[int, list[Box]] = {i: [] for i in forward}
    for j, c in sorted(waypoints):
        chain[j].append(waypoints[(j, c)])
    after = {i: (chain[i][0] if chain[i] else boxes[rows[i][1]]).cy for i in forward}
    before = {i: (chain[i][-1] if chain[i] else boxes[rows[i][0]]).cy for i in forward}
    for i in sorted(forward, key=lambda i: (after[i], boxes[rows[i][1]].cy, i)):
        u, _, t, _ = rows[i]
        slot[i][0], used_out[u] = boxes[u].y0 + used_out[u], used_out[u] + t * per_t
    for i in sorted(forward, key=lambda i: (before[i], boxes[rows[i][0]].cy, i)):
        _, v, t, _ = rows[i]
        slot[i][2], used_in[v] = boxes[v].y0 + used_in[v], used_in[v] + t * per_t
    lane_of = {i: offsets[k] for k, i in enumerate(back)}
    bottom_out = dict.fromkeys(boxes, 0.0)
    bottom_in = dict.fromkeys(boxes, 0.0)
    track_out: dict[int, float] = {}
    track_in: dict[int, float] = {}
    for i in sorted(back, key=lambda i: (lane_of[i], i)):  # the shallowest lane lowest on the node, innermost
        u, v, t, _ = rows[i]
        w = t * per_t
        slot[i][0], bottom_out[u] = boxes[u].y1 - bottom_out[u] - w, bottom_out[u] + w
        slot[i][2], bottom_in[v] = boxes[v].y1 - bottom_in[v] - w, bottom_in[v] + w
        slot[i][1] = track_out.get(column_of[u], 0.0)
        slot[i][3] = track_in.get(column_of[v], 0.0)
        track_out[column_of[u]] = slot[i][1] + w + LANE_GAP
        track_in[column_of[v]] = slot[i][3] + w + LANE_GAP
    total = data.total_t
    taken = Boxes([*labels, *boxes.values()])
    bands: list[Band] = []
    spots: list[list[Point]] = []
    for i, (u, v, t, loop) in enumerate(rows):
        w = t * per_t
        if loop:
            offset_t, offset_n = lane_of[i]
            lane = lane_top + offset_t * per_t + offset_n * LANE_GAP
            outline, candidates = return_band(
                boxes[u].x1, slot[i][0], boxes[v].x0, slot[i][2], lane, w, slot[i][1], slot[i][3]
            )
        else:
            gates = [(boxes[u].x1, boxes[u].x1, slot[i][0])]
            gates += [(hop.x0, hop.x1, hop.y0) for hop in chain[i]]
            gates.append((boxes[v].x0, boxes[v].x0, slot[i][2]))
            outline, candidates = chain_band(gates, w)
        value = value_box = None
        if total > 0 and t >= VALUE_SHARE * total:
            value = format_tonnes(t, data.language)
            vw = text_width(value, VALUE_SIZE) + 4
            options = [Box(x - vw / 2, y - VALUE_H / 2, x + vw / 2, y + VALUE_H / 2) for x, y in candidates]
            pick = first_free(options, taken)
            value_box = options[0 if pick is None else pick]
            taken.add(value_box)
        bands.append(Band(i, outline, bool(loop), value, value_box, candidates[0]))
        spots.append(candidates)
    for k, (band, candidates) in enumerate(zip(bands, spots, strict=True)):  # a point to click clear of any text
        clear = [p for p in candidates if not taken.hits(Box(p[0] - 7, p[1] - 7, p[0] + 7, p[1] + 7))]
        bands[k] = replace(band, anchor=clear[0] if clear else band.anchor)
    return bands
