"""Stacking a Sankey diagram's columns: node boxes in rank order, the waypoints of links crossing a column slotted
between its nodes, then everything moved toward what it exchanges with (docs/sankey.md, "Layout")."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from mfa.domain.sankey.metrics import GAP, MIN_NODE_PX, NODE_W
from mfa.domain.sankey.text import Box, spread

if TYPE_CHECKING:
    from mfa.domain.sankey.diagram import SankeyData


def hops(data: SankeyData) -> list[tuple[int, int]]:
    """(link, column) for every column a forward link passes through between its source's and its target's."""
    column = dict(data.nodes.select("id", "column").rows())
    rows = data.links.select("source", "target", "loop").rows()
    return [(i, c) for i, (u, v, loop) in enumerate(rows) if not loop for c in range(column[u] + 1, column[v])]


Item = str | tuple[int, int]
"""A node id, or a waypoint (link, column)."""


def stack(
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
