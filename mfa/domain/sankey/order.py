"""Stage 2 of a Sankey diagram: which links point back (returns), which column each node takes, and the order of
the nodes in a column, top to bottom (docs/sankey.md, "Order"). Pure: node ids and weighted edges in, orders out.

The left-to-right order breaks the lightest edges: it is a minimum-weight feedback arc set, exact (dynamic
programming over subsets) for strongly connected parts of up to EXACT_MAX nodes, else Eades-Lin-Smyth's greedy
order improved by swapping neighbours while that lowers the tonnes pointing back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from mfa.domain.sankey.aggregate import KIND_ORDER, OTHER_OF_KIND
from mfa.domain.vocabulary import OTHER_SOURCES, OTHER_TARGETS, OUTSIDE

OUTSIDE_TO = "to outside the province"
"""The node of boundary facilities as targets in the stages and network views (OUTSIDE is then only a source)."""
EXACT_MAX = 12
STAGES: dict[str, int] = {
    "source": 0,
    "boundary": 0,
    "collection": 1,
    "storage": 2,
    "reuse": 2,
    "recycling": 2,
    "remanufacturing": 2,
    "energy_recovery": 2,
    "other": 2,
    "disposal": 3,
}
"""The stages read left to right: sources and imports, collection, treatment (recycling, remanufacturing, reuse,
energy recovery, storage), disposal and exports."""
SWEEPS = 4

Edges = Mapping[tuple[str, str], float]


def stage_of(node: str, kind: str) -> int:
    """A node's stage: imports and Other sources first, exports and Other targets last, else by its kind."""
    if node in (OUTSIDE, OTHER_SOURCES):
        return 0
    if node in (OUTSIDE_TO, OTHER_TARGETS):
        return 3
    return STAGES.get(kind, 2)


def _exact(nodes: list[str], weights: Edges, key: Mapping[str, Any]) -> list[str]:
    """The order of `nodes` with the fewest tonnes pointing back (ties: fewest pairs against `key`), by dynamic
    programming over subsets: placing v after the set S makes its edges into S point back."""
    n = len(nodes)
    rank = sorted(range(n), key=lambda i: key[nodes[i]])
    position = {i: r for r, i in enumerate(rank)}
    back = [[0.0] * (1 << n) for _ in range(n)]  # back[v][S]: tonnes v sends into S
    above = [[0] * (1 << n) for _ in range(n)]  # above[v][S]: nodes of S that `key` puts after v
    for v in range(n):
        for mask in range(1, 1 << n):
            low = (mask & -mask).bit_length() - 1
            rest = mask & (mask - 1)
            back[v][mask] = back[v][rest] + weights.get((nodes[v], nodes[low]), 0.0)
            above[v][mask] = above[v][rest] + (position[low] > position[v])
    best: list[tuple[float, int] | None] = [None] * (1 << n)
    choice = [0] * (1 << n)
    best[0] = (0.0, 0)
    for mask in range(1 << n):
        here = best[mask]
        if here is None:
            continue
        for v in rank:
            if mask >> v & 1:
                continue
            cost = (round(here[0] + back[v][mask], 6), here[1] + above[v][mask])
            nxt = mask | 1 << v
            if best[nxt] is None or cost < best[nxt]:  # type: ignore[operator]
                best[nxt], choice[nxt] = cost, v
    order: list[str] = []
    mask = (1 << n) - 1
    while mask:
        v = choice[mask]
        order.append(nodes[v])
        mask &= ~(1 << v)
    return order[::-1]


def _greedy(nodes: list[str], weights: Edges, key: Mapping[str, Any]) -> list[str]:
    """Eades-Lin-Smyth weighted by tonnes (sinks to the end, sources to the front, else the node sending most
    more than it receives), then neighbours swapped while that lowers the tonnes pointing back."""
    remaining = set(nodes)
    succ: dict[str, dict[str, float]] = {v: {} for v in nodes}
    pred: dict[str, dict[str, float]] = {v: {} for v in nodes}
    for (u, v), t in weights.items():
        if u in remaining and v in remaining:
            succ[u][v] = t
            pred[v][u] = t
    head: list[str] = []
    tail: list[str] = []
    while remaining:
        ranked = sorted(remaining, key=key.__getitem__)
        sinks = [v for v in ranked if not any(w in remaining for w in succ[v])]
        sources = [v for v in ranked if not any(w in remaining for w in pred[v])]
        if sinks or sources:
            tail += sinks
            head += [v for v in sources if v not in sinks]
            remaining -= set(sinks) | set(sources)
            continue

        net = {
            v: round(
                sum(t for w, t in succ[v].items() if w in remaining)
                - sum(t for w, t in pred[v].items() if w in remaining),
                6,
            )
            for v in ranked
        }
        chosen = max(ranked, key=net.__getitem__)  # max keeps the first of equals
        head.append(chosen)
        remaining.discard(chosen)
    order = head + tail[::-1]
    improved = True
    while improved:
        improved = False
        for i in range(len(order) - 1):
            a, b = order[i], order[i + 1]
            if weights.get((b, a), 0.0) > weights.get((a, b), 0.0) + 1e-9:
                order[i], order[i + 1] = b, a
                improved = True
    return order


def feedback_order(nodes: Sequence[str], weights: Edges, key: Mapping[str, Any]) -> list[str]:
    """`nodes` left to right so that the edges pointing back carry as few tonnes as possible; strongly connected
    parts in topological order, ties by `key` (so the order does not depend on the input's row order)."""
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((u, v) for u, v in weights if u in graph and v in graph and u != v)
    parts = list(nx.strongly_connected_components(graph))
    condensed = nx.condensation(graph, parts)
    order: list[str] = []
    for part in nx.lexicographical_topological_sort(condensed, key=lambda c: min(key[v] for v in parts[c])):
        members = sorted(parts[part], key=key.__getitem__)
        if len(members) == 1:
            order += members
        elif len(members) <= EXACT_MAX:
            order += _exact(members, weights, key)
        else:
            order += _greedy(members, weights, key)
    return order


def stage_order(stage: Mapping[str, int], weights: Edges, key: Mapping[str, Any]) -> list[str]:
    """Stages left to right; inside a stage the order breaking the lightest edges (feedback_order)."""
    order: list[str] = []
    for s in sorted(set(stage.values())):
        members = [v for v in stage if stage[v] == s]
        inside = {(u, v): t for (u, v), t in weights.items() if stage.get(u) == s and stage.get(v) == s}
        order += feedback_order(members, inside, key)
    return order


def returns(order: Sequence[str], edges: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """The links pointing back (or within a column) in `order`: drawn as return bands under the diagram."""
    index = {v: i for i, v in enumerate(order)}
    return {(u, v) for u, v in edges if index[v] <= index[u]}


def stage_columns(order: Sequence[str], stage: Mapping[str, int], forward: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Columns in bands of stages: every stage starts right of the last column of the stage before; inside a stage
    a node goes one column right of its forward predecessors of the same stage."""
    preds: dict[str, list[str]] = {v: [] for v in order}
    for u, v in forward:
        preds[v].append(u)
    column: dict[str, int] = {}
    first, last = 0, -1
    current = None
    for v in order:  # `order` is by stage, and topological for the forward links
        if stage[v] != current:
            first, current = last + 1, stage[v]
        same = [column[u] + 1 for u in preds[v] if stage[u] == stage[v]]
        column[v] = max([first, *same])
        last = max(last, column[v])
    return column


def network_columns(order: Sequence[str], forward: Sequence[tuple[str, str]]) -> dict[str, int]:
    """d3-sankey's justified longest-path layering of the forward links: a node's column is the longest path
    reaching it, except that nodes sending nothing go to the last column."""
    dag = nx.DiGraph()
    dag.add_nodes_from(order)
    dag.add_edges_from(forward)
    depth = {v: i for i, generation in enumerate(nx.topological_generations(dag)) for v in generation}
    last = max(depth.values(), default=0)
    senders = {u for u, _ in forward}
    return {v: depth[v] if v in senders else last for v in order}


def is_other(node: str) -> bool:
    """True for the Other nodes small nodes merge into."""
    bare = node.split(":", 1)[-1] if node.startswith(("from:", "to:")) else node
    return bare in (OTHER_SOURCES, OTHER_TARGETS) or bare.startswith(OTHER_OF_KIND)


def column_ranks(
    column: Mapping[str, int],
    seed: Mapping[str, Any],
    links: Edges,
    *,
    bottom: frozenset[str] = frozenset(),
    sweeps: int = SWEEPS,
) -> dict[str, int]:
    """Each node's place in its column, top to bottom: `seed` order, then `sweeps` barycentre sweeps (each node
    moves toward the mean place of the nodes it exchanges most tonnes with), nodes in `bottom` kept last."""
    columns = sorted(set(column.values()))
    stacks = {c: sorted((v for v in column if column[v] == c), key=lambda v: (v in bottom, seed[v])) for c in columns}
    neighbours: dict[str, list[tuple[str, float]]] = {v: [] for v in column}
    for (u, v), t in links.items():
        neighbours[u].append((v, t))
        neighbours[v].append((u, t))

    def place(v: str) -> float:
        stack = stacks[column[v]]
        return (stack.index(v) + 0.5) / len(stack)

    for sweep in range(sweeps):
        order = columns if sweep % 2 == 0 else columns[::-1]
        for c in order[1:]:
            toward = [w for w in order if w != c and (w < c if sweep % 2 == 0 else w > c)]
            here = {v: place(v) for v in stacks[c]}
            centre: dict[str, float] = {}
            for v in stacks[c]:
                pulls = [(place(w), t) for w, t in neighbours[v] if column[w] in toward]
                total = sum(t for _, t in pulls)
                centre[v] = sum(p * t for p, t in pulls) / total if total > 0 else here[v]
            stacks[c] = sorted(stacks[c], key=lambda v: (v in bottom, round(centre[v], 9), here[v]))
    return {v: i for c in columns for i, v in enumerate(stacks[c])}


def ranked(
    column: Mapping[str, int],
    rule: str | tuple[str, ...],
    *,
    tonnes: Mapping[str, float],
    label: Mapping[str, str],
    kind: Mapping[str, str],
    links: Edges,
    bottom: frozenset[str],
    auto: str,
) -> dict[str, int]:
    """Each node's place in its column under the order rule: "tonnes" (largest first), "name" (by label),
    "auto" (`auto`: "tonnes", or "flow" for kind first then barycentre sweeps with `bottom` last), or node ids /
    places / labels put first in the given order, the others after them by "auto". Other nodes always go last."""
    if isinstance(rule, tuple):
        wanted = {name: i for i, name in enumerate(rule)}
        given = {
            v: min((wanted[n] for n in (v, v.split(":", 1)[-1], label[v]) if n in wanted), default=None) for v in column
        }
        rest = ranked(column, "auto", tonnes=tonnes, label=label, kind=kind, links=links, bottom=bottom, auto=auto)
        key = {v: (given[v] is None, given[v] or 0, rest[v]) for v in column}
        return _ranks(column, key)
    if rule == "name":
        return _ranks(column, {v: (is_other(v), label[v].casefold(), v) for v in column})
    by_tonnes = {v: (is_other(v), -round(tonnes[v], 6), label[v], v) for v in column}
    if rule == "tonnes" or auto == "tonnes":
        return _ranks(column, by_tonnes)
    seed = {v: (is_other(v), KIND_ORDER.get(kind[v], len(KIND_ORDER)), *by_tonnes[v][1:]) for v in column}
    others = frozenset(v for v in column if is_other(v))
    return column_ranks(column, seed, links, bottom=bottom | others)


def _ranks(column: Mapping[str, int], key: Mapping[str, Any]) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for c in sorted(set(column.values())):
        for i, v in enumerate(sorted((v for v in column if column[v] == c), key=key.__getitem__)):
            ranks[v] = i
    return ranks
