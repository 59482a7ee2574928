"""Stage 3 of a Sankey diagram: geometry in figure px. Node boxes filling the height, link bands (forward bands as
Bezier ribbons, return bands routed under every node), node labels beside their nodes without overlaps, and the
tonnes of the big links on their bands (docs/sankey.md, "Layout"). Pure numbers: the plotly figure is drawn from
this in mfa.export.sankey_figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mfa.domain.labels import format_tonnes
from mfa.domain.sankey.bands import PAD, Point, chain_band, lanes, return_band
from mfa.domain.sankey.metrics import (
    CLEAR,
    FOOT_H,
    GAP,
    HEADER_H,
    LABEL_H,
    LABEL_PAD,
    LANE_GAP,
    LEGEND_ROW,
    MAX_HEIGHT,
    MAX_MARGIN,
    MAX_WIDTH,
    MIN_FLOW,
    MIN_GAP_STEP,
    MIN_MARGIN,
    MIN_NODE_AREA,
    MIN_NODE_PX,
    MIN_RETURN_PX,
    MIN_STEP,
    NODE_SHARE,
    NODE_W,
    SCALE_PX,
    VALUE_H,
    VALUE_SHARE,
    VALUE_SIZE,
    WIDTH,
)
from mfa.domain.sankey.node_labels import Label, label_parts, make_room, place_labels
from mfa.domain.sankey.stack import hops, stack
from mfa.domain.sankey.text import Box, Boxes, first_free, text_width

if TYPE_CHECKING:
    from mfa.domain.sankey.diagram import SankeyData


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


def _scale(columns: list[Load], lane_t: float, lane_n: int, plot_h: float, back: float | None = None) -> float:
    """The px per tonne that lets every column (a node is at least MIN_NODE_PX tall) and the return lanes below it
    fit in `plot_h`; `back`: the px per tonne of the return bands when the width allows them less than the nodes."""
    clear = CLEAR if lane_n else 0.0
    fixed_lanes = 0.0 if back is None else lane_t * back
    lane_t = lane_t if back is None else 0.0
    best = math.inf
    for load in columns:
        room = plot_h - load.gaps - lane_n * LANE_GAP - clear - fixed_lanes
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
    back: float | None = None,
) -> tuple[float, float, bool]:
    """(figure height, px per tonne, whether scale_t was kept). For `height` None: the least height at which every
    column's labels fit, the nodes have MIN_NODE_AREA px and span NODE_SHARE of the figure when the return lanes
    let them; at most MAX_HEIGHT. `back`: the px per tonne of the return bands when the width allows them less than
    the nodes (None: the nodes' own)."""
    fixed = SCALE_PX / scale_t if scale_t is not None else None

    def lanes_px(k: float) -> float:
        return lane_t * (k if back is None else back) + lane_n * LANE_GAP + CLEAR if lane_n else 0.0

    if height is None:
        labels = max(len(load.nodes) for load in stats) * LABEL_H
        if fixed is not None:
            area = max(labels, _column_px(stats, fixed), MIN_NODE_AREA)
            height = min(top + area + lanes_px(fixed) + FOOT_H, MAX_HEIGHT)
        else:

            def fine(h: float, share: bool) -> bool:
                k = _scale(stats, lane_t, lane_n, h - top - FOOT_H, back)
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
    best = _scale(stats, lane_t, lane_n, height - top - FOOT_H, back)
    if fixed is None:
        return height, best, True
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
    passing: dict[int, list[float]] = {}
    for i, c in hops(data):
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

    label_w = [min(widest(0), MAX_MARGIN), min(widest(last), MAX_MARGIN)]

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
    excess = wanted(0.0) - wide
    if excess > 0:  # a given width too narrow for the first and last columns' labels: they shorten, the gaps keep room
        give = [max(w - min(w, MIN_MARGIN), 0.0) for w in label_w]
        cut = min(excess / sum(give), 1.0) if sum(give) else 0.0
        label_w = [w - g * cut for w, g in zip(label_w, give, strict=True)]
    back = per_t
    if wanted(per_t) > wide:  # the return tracks need more room than the width has: the returns get thinner
        low, high = 0.0, per_t
        for _ in range(40):
            low, high = ((low + high) / 2, high) if wanted((low + high) / 2) <= wide else (low, (low + high) / 2)
        heaviest = max(t for *_, t in spans)
        low = max(low, min(per_t, MIN_RETURN_PX / heaviest))  # still a band, however narrow the width
        height, per_t, fits = _frame(stats, lane_t, lane_n, top, given_height, scale_t, back=low)
        back = min(low, per_t)  # the nodes keep their scale; the figure is as tall as they need
        plot_h = height - top - FOOT_H
        area = plot_h - (lane_t * back + lane_n * LANE_GAP + CLEAR if lane_n else 0.0)
    left, right, left_tracks, right_tracks, need = across(back)
    steps = _steps(need, wide - left - right - NODE_W) or [max(wide - left - right - NODE_W, 0.0) / max(last, 1)] * last
    width = wide
    xs = {c: left + sum(steps[:c]) if last else (width - NODE_W) / 2 for c in range(last + 1)}
    boxes, waypoints = stack(data, per_t, xs, top, area)
    edges = (left - left_tracks, width - right + right_tracks)
    rooms = [steps[c] - NODE_W - 2 * LABEL_PAD if 0 < c < last else 0.0 for c in range(last + 1)]
    rooms[0] = left - left_tracks - 2 * LABEL_PAD if last else rooms[0]
    rooms[last] = right - right_tracks - 2 * LABEL_PAD
    labels = place_labels(data, boxes, edges, rooms, top, top + area) if detail else []
    bands = (
        _bands(data, boxes, waypoints, (per_t, back), top + area + CLEAR, offsets, [lb.box for lb in labels])
        if detail
        else []
    )
    labels = make_room(data, labels, [b.value_box for b in bands if b.value_box is not None])
    plot = Box(left, top, width - right, top + plot_h)
    capacity = int(area // LABEL_H)
    lanes_px = plot_h - area
    return Layout(float(width), float(height), top, plot, per_t, fits, boxes, bands, labels, capacity, lanes_px)


def _bands(
    data: SankeyData,
    boxes: dict[str, Box],
    waypoints: dict[tuple[int, int], Box],
    scales: tuple[float, float],
    lane_top: float,
    offsets: list[tuple[float, int]],
    labels: list[Box],
) -> list[Band]:
    """A band per link: forward links leave a node's right side stacked by the height of where they go next (their
    target or first waypoint), cross their waypoints, and enter the left side stacked by where they come from;
    returns leave and enter flush with the bottom and run in lanes below. `scales`: px per tonne of the forward
    bands (the nodes') and of the returns (less when the width cannot hold them at the nodes' scale)."""
    per_t, back = scales
    rows = data.links.select("source", "target", "tonnes", "loop").rows()
    column_of = dict(data.nodes.select("id", "column").rows())
    used_out = dict.fromkeys(boxes, 0.0)
    used_in = dict.fromkeys(boxes, 0.0)
    forward = [i for i, r in enumerate(rows) if not r[3]]
    returns = [i for i, r in enumerate(rows) if r[3]]
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
    lane_of = {i: offsets[k] for k, i in enumerate(returns)}
    bottom_out = dict.fromkeys(boxes, 0.0)
    bottom_in = dict.fromkeys(boxes, 0.0)
    track_out: dict[int, float] = {}
    track_in: dict[int, float] = {}
    for i in sorted(returns, key=lambda i: (lane_of[i], i)):  # the shallowest lane lowest on the node, innermost
        u, v, t, _ = rows[i]
        w = t * back
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
        w = t * (back if loop else per_t)
        if loop:
            offset_t, offset_n = lane_of[i]
            lane = lane_top + offset_t * back + offset_n * LANE_GAP
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
            value_box = options[first_free(options, taken)]
            taken.add(value_box)
        bands.append(Band(i, outline, bool(loop), value, value_box, candidates[0]))
        spots.append(candidates)
    for k, (band, candidates) in enumerate(zip(bands, spots, strict=True)):  # a point to click clear of any text
        clear = [p for p in candidates if not taken.hits(Box(p[0] - 7, p[1] - 7, p[0] + 7, p[1] + 7))]
        bands[k] = replace(band, anchor=clear[0] if clear else band.anchor)
    return bands
