"""Fate tracing over the flow graph as an absorbing Markov chain (forward: where mass ends up;
backward: where it came from), exact with loops."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import networkx as nx
import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from mfa.domain.flowframe import select_flows
from mfa.domain.network import GraphLevel, build_graph

ORIGIN_KINDS = ("source", "boundary")
"""Kinds of the nodes where a material enters the system, the origins of trace_material."""
_BALANCED = 1e-12
"""Relative excess of inflow over outflow below which a node counts as passing everything on."""

FATE_SCHEMA = pl.Schema({"facility": pl.String, "kind": pl.String, "share": pl.Float64, "tonnes": pl.Float64})


def _tonnes(data: Mapping[str, object]) -> float:
    value = data.get("tonnes", 0.0)
    return float(value) if isinstance(value, int | float) else 0.0


def _reach(graph: nx.DiGraph, starts: Iterable[Hashable], stop: set[Hashable]) -> set[Hashable]:
    """Nodes reachable from `starts` (included) without passing through a node of `stop`."""
    found, todo = set(starts), list(starts)
    while todo:
        node = todo.pop()
        if node in stop:
            continue
        for successor in graph.successors(node):
            if successor not in found:
                found.add(successor)
                todo.append(successor)
    return found


def trace_fate(
    graph: nx.DiGraph,
    origins: Iterable[Hashable],
    *,
    forward: bool = True,
    between_origins: bool = False,
) -> pl.DataFrame:
    """Where the mass leaving `origins` ends up: facility (node), kind, share, tonnes; shares sum to 1.

    Each node passes on edge tonnes / max(inflow, outflow) to each successor and keeps (absorbs) the rest:
    its stock, losses or final treatment. Mass reaching an origin again, or a boundary node (outside the
    province), is absorbed there. The traced mass is the origins' outflow to nodes outside the origin
    set (a park's facilities: what leaves the park), or all of it with `between_origins` (independent
    emitters such as all sources of a material). `forward=False` traces the origins' inflow back to
    where it came from on the reversed graph: nodes with no inflow, or outflow exceeding inflow.
    """
    g = graph if forward else graph.reverse(copy=False)
    origin_set = set(origins)
    unknown = [node for node in origin_set if node not in g]
    if unknown:
        raise ValueError(f"origin(s) not in the graph: {sorted(map(str, unknown))}")
    start: dict[Hashable, float] = {}
    for origin in origin_set:
        for _, successor, data in g.out_edges(origin, data=True):
            if between_origins or successor not in origin_set:
                start[successor] = start.get(successor, 0.0) + _tonnes(data)
    start = {node: tonnes for node, tonnes in start.items() if tonnes > 0}
    traced = sum(start.values())
    if traced <= 0:
        return pl.DataFrame(schema=FATE_SCHEMA)
    terminal = origin_set | {node for node, kind in g.nodes(data="kind") if kind == "boundary"}
    nodes = sorted(_reach(g, start, terminal), key=str)
    index = {node: i for i, node in enumerate(nodes)}
    rows, cols, values = [], [], []
    absorbed_share = np.ones(len(nodes))
    for node in nodes:
        if node in terminal:
            continue
        out_edges = [(successor, _tonnes(data)) for _, successor, data in g.out_edges(node, data=True)]
        outflow = sum(tonnes for _, tonnes in out_edges)
        inflow = sum(_tonnes(data) for _, _, data in g.in_edges(node, data=True))
        throughput = inflow if inflow > outflow * (1 + _BALANCED) else outflow
        if throughput <= 0:
            continue
        absorbed_share[index[node]] = 0.0 if throughput == outflow else (throughput - outflow) / throughput
        for successor, tonnes in out_edges:
            if tonnes > 0:
                rows.append(index[successor])
                cols.append(index[node])
                values.append(tonnes / throughput)
    trapped = set(nodes) - _can_absorb(g, nodes, absorbed_share)
    if trapped:
        raise ValueError(f"mass circulates without end in a closed loop through {sorted(map(str, trapped))}")
    n = len(nodes)
    transfer_t = sp.csc_matrix((values, (rows, cols)), shape=(n, n))
    visits = np.atleast_1d(
        spsolve(sp.identity(n, format="csc") - transfer_t, np.array([start.get(v, 0.0) for v in nodes]))
    )
    ending = visits * absorbed_share
    kinds = [g.nodes[node].get("kind") for node in nodes]
    return (
        pl.DataFrame(
            {"facility": [str(v) for v in nodes], "kind": kinds, "share": ending / traced, "tonnes": ending},
            schema=FATE_SCHEMA,
        )
        .filter(pl.col("tonnes") > traced * 1e-12)
        .sort(["share", "facility"], descending=[True, False])
    )


def _can_absorb(g: nx.DiGraph, nodes: list[Hashable], absorbed_share: np.ndarray) -> set[Hashable]:
    """The nodes of `nodes` from which some absorbing node can be reached."""
    within = set(nodes)
    found = {node for node, share in zip(nodes, absorbed_share, strict=True) if share > 0}
    todo = list(found)
    while todo:
        node = todo.pop()
        for predecessor, _, data in g.in_edges(node, data=True):
            if predecessor in within and predecessor not in found and _tonnes(data) > 0:
                found.add(predecessor)
                todo.append(predecessor)
    return found


def fate_by_kind(fate: pl.DataFrame) -> pl.DataFrame:
    """A trace_fate result added up by the kind of the absorbing node: kind, share, tonnes."""
    return (
        fate.group_by("kind")
        .agg(pl.col("share").sum(), pl.col("tonnes").sum())
        .sort(["share", "kind"], descending=[True, False])
    )


def park_origins(graph: nx.DiGraph, park: str) -> list[Hashable]:
    """The facility nodes of `park`, to trace what leaves the park."""
    return sorted((node for node, node_park in graph.nodes(data="park") if node_park == park), key=str)


def material_origins(graph: nx.DiGraph) -> list[Hashable]:
    """The source and boundary nodes with an outflow: where a material enters the system."""
    return [node for node, kind in graph.nodes(data="kind") if kind in ORIGIN_KINDS and graph.out_degree(node) > 0]


def trace_material(
    flows: pl.DataFrame | pl.LazyFrame,
    facilities: pl.DataFrame,
    parents: Mapping[str, str | None],
    material: str,
    *,
    year: int | None = None,
    month: int | None = None,
    level: GraphLevel = "facility",
) -> pl.DataFrame:
    """The fate of `material` (and every material below it) from where it is generated or imported,
    on the flow graph of that material alone: a recycler turning it into something else absorbs it."""
    selected = select_flows(flows.lazy(), parents, year=year, month=month, material=material)
    graph = build_graph(selected, facilities, level=level)
    return trace_fate(graph, material_origins(graph), between_origins=True)
