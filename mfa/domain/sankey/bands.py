"""The outlines of link bands in figure px: forward bands as cubic Bezier ribbons between two columns, return bands
that leave a node's right side, drop into a lane under every node, run left and rise into the target's left side,
and the lanes those returns take (docs/sankey.md, "Return bands")."""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]
SAMPLES = 16
VALUE_AT = (0.5, 0.38, 0.62, 0.26, 0.74, 0.14, 0.86)
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


def bezier_band(x0: float, a0: float, a1: float, x1: float, b0: float, b1: float) -> tuple[list[Point], list[Point]]:
    """A forward band from the slot [a0, a1] at x0 to the slot [b0, b1] at x1: its outline and the points on its
    centre line where its value may be written (VALUE_AT)."""
    steps = [i / SAMPLES for i in range(SAMPLES + 1)]
    top = [_bezier(x0, a0, x1, b0, s) for s in steps]
    bottom = [_bezier(x0, a1, x1, b1, s) for s in steps[::-1]]
    centre = [_bezier(x0, (a0 + a1) / 2, x1, (b0 + b1) / 2, s) for s in VALUE_AT]
    return top + bottom, centre


def _arc(cx: float, cy: float, r: float, start: float, end: float) -> list[Point]:
    n = 8
    return [
        (
            cx + r * math.cos(math.radians(start + (end - start) * i / n)),
            cy + r * math.sin(math.radians(start + (end - start) * i / n)),
        )
        for i in range(n + 1)
    ]


def _offset(line: list[Point], half: float) -> list[Point]:
    """The closed outline of a ribbon `half` px either side of the polyline `line`."""
    points = [p for i, p in enumerate(line) if i == 0 or math.dist(p, line[i - 1]) > 1e-9]
    left: list[Point] = []
    right: list[Point] = []
    for i, (x, y) in enumerate(points):
        a = points[max(i - 1, 0)]
        b = points[min(i + 1, len(points) - 1)]
        dx, dy = b[0] - a[0], b[1] - a[1]
        norm = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / norm, dx / norm
        left.append((x + nx * half, y + ny * half))
        right.append((x - nx * half, y - ny * half))
    return left + right[::-1]


def return_band(
    x_from: float, a0: float, x_to: float, b0: float, lane: float, width: float, track_out: float, track_in: float
) -> tuple[list[Point], Point]:
    """A return band `width` px thick leaving the right side of a node at x_from (slot top a0), turning down
    `track_out` px beyond PAD, running left in the lane whose top is `lane`, and rising `track_in` px beyond PAD
    left of the target's left side at x_to (slot top b0). Its outline and the middle of its lane."""
    half = width / 2
    r = half + RADIUS
    ya, yb, yl = a0 + half, b0 + half, lane + half
    xr = x_from + PAD + track_out + half
    xl = x_to - PAD - track_in - half
    line: list[Point] = [(x_from, ya)]
    line += _arc(xr - r, ya + r, r, -90, 0)
    line += _arc(xr - r, yl - r, r, 0, 90)
    line += _arc(xl + r, yl - r, r, 90, 180)
    line += _arc(xl + r, yb + r, r, 180, 270)
    line.append((x_to, yb))
    return _offset(line, half), ((xr + xl) / 2, yl)


def inside(point: Point, box: tuple[float, float, float, float]) -> bool:
    """True when `point` lies strictly inside the rectangle (x0, y0, x1, y1)."""
    x, y = point
    x0, y0, x1, y1 = box
    return x0 < x < x1 and y0 < y < y1
