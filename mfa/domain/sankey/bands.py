"""The outlines of link bands in figure px: forward bands as cubic Bezier ribbons between two columns, return bands
that leave a node's right side, drop into a lane under every node, run left and rise into the target's left side,
and the lanes those returns take (docs/sankey.md, "Return bands")."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

Point = tuple[float, float]
SAMPLES = 16
VALUE_AT = (0.5, 0.38, 0.62, 0.26, 0.74, 0.14, 0.86, 0.92, 0.08)
"""Where along a forward band its tonnes may be written, in order of preference."""
RADIUS = 4.0
"""The inner radius of a return band's turns, px."""
PAD = 6.0
"""Between a node and the first return track beside it, px."""


def lanes(spans: Sequence[tuple[int, int, float]]) -> tuple[dict[int, tuple[float, int]], list[tuple[float, int]]]:
    """Lanes of return bands given as (first column, last column, tonnes): shorter spans nearer the nodes; a lane
    lies below every lane already under one of its columns. Returns the depth under each column and each band's
    offset, both as (tonnes, bands) so that px = tonnes * px per tonne + bands * gap."""
    depth: dict[int, tuple[float, int]] = {}
    offsets: list[tuple[float, int]] = [(0.0, 0)] * len(spans)
    for i in sorted(range(len(spans)), key=lambda i: (spans[i][1] - spans[i][0], -spans[i][2], i)):
        lo, hi, t = spans[i]
        under = [depth.get(c, (0.0, 0)) for c in range(lo, hi + 1)]
        offset = (max(d[0] for d in under), max(d[1] for d in under))
        offsets[i] = offset
        for c in range(lo, hi + 1):
            depth[c] = (offset[0] + t, offset[1] + 1)
    return depth, offsets


def _bezier(x0: float, y0: float, x1: float, y1: float, s: float) -> Point:
    """The point at parameter s of the horizontal-tangent cubic from (x0, y0) to (x1, y1)."""
    xm = (x0 + x1) / 2
    u = 1 - s
    x = u**3 * x0 + 3 * u * u * s * xm + 3 * u * s * s * xm + s**3 * x1
    y = u**3 * y0 + 3 * u * u * s * y0 + 3 * u * s * s * y1 + s**3 * y1
    return x, y


def chain_band(gates: Sequence[tuple[float, float, float]], width: float) -> tuple[list[Point], list[Point]]:
    """A forward band `width` px thick through `gates` (x where it enters, x where it leaves, top y): its source's
    right side, the waypoints it crosses straight, its target's left side, with Bezier curves between. Its outline
    and the points on its centre line (first stretch) where its value may be written (VALUE_AT)."""
    steps = [i / SAMPLES for i in range(1, SAMPLES + 1)]

    def edge(shift: float) -> list[Point]:
        x_in, x_out, y = gates[0]
        points = [(x_in, y + shift)] + ([(x_out, y + shift)] if x_out > x_in else [])
        for (_, xa, ya), (xb_in, xb_out, yb) in itertools.pairwise(gates):
            points += [_bezier(xa, ya + shift, xb_in, yb + shift, s) for s in steps]
            if xb_out > xb_in:
                points.append((xb_out, yb + shift))
        return points

    (_, xa, ya), (xb, _, yb) = gates[0], gates[1]
    centre = [_bezier(xa, ya + width / 2, xb, yb + width / 2, s) for s in VALUE_AT]
    return edge(0.0) + edge(width)[::-1], centre


def _arc(cx: float, cy: float, r: float, start: float, end: float) -> list[tuple[Point, Point]]:
    """Points of a circular arc from angle `start` to `end` (degrees, y downwards) with their unit tangents."""
    n = 8
    turn = 1.0 if end > start else -1.0
    out = []
    for i in range(n + 1):
        a = math.radians(start + (end - start) * i / n)
        out.append(((cx + r * math.cos(a), cy + r * math.sin(a)), (-math.sin(a) * turn, math.cos(a) * turn)))
    return out


def _ribbon(line: list[tuple[Point, Point]], half: float) -> list[Point]:
    """The closed outline of a ribbon `half` px either side of a centre line given as (point, unit tangent)."""
    left = [(x - ty * half, y + tx * half) for (x, y), (tx, ty) in line]
    right = [(x + ty * half, y - tx * half) for (x, y), (tx, ty) in line]
    return left + right[::-1]


def return_band(
    x_from: float, a0: float, x_to: float, b0: float, lane: float, width: float, track_out: float, track_in: float
) -> tuple[list[Point], list[Point]]:
    """A return band `width` px thick leaving the right side of a node at x_from (slot top a0), turning down
    `track_out` px beyond PAD, running left in the lane whose top is `lane`, and rising `track_in` px beyond PAD
    left of the target's left side at x_to (slot top b0). Its outline and points along its lane (middle first)."""
    half = width / 2
    r = half + RADIUS
    ya, yb, yl = a0 + half, b0 + half, lane + half
    xr = x_from + PAD + track_out + half
    xl = x_to - PAD - track_in - half
    right, down, left, up = (1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)
    line: list[tuple[Point, Point]] = [((x_from, ya), right), ((xr - r, ya), right)]
    line += _arc(xr - r, ya + r, r, -90, 0)
    line += [((xr, ya + r), down), ((xr, yl - r), down)]
    line += _arc(xr - r, yl - r, r, 0, 90)
    line += [((xr - r, yl), left), ((xl + r, yl), left)]
    line += _arc(xl + r, yl - r, r, 90, 180)
    line += [((xl, yl - r), up), ((xl, yb + r), up)]
    line += _arc(xl + r, yb + r, r, 180, 270)
    line += [((xl + r, yb), right), ((x_to, yb), right)]
    return _ribbon(line, half), [(xl + (xr - xl) * f, yl) for f in (0.5, 0.3, 0.7, 0.15, 0.85)]
