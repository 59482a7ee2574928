"""The flow network as a networkx graph: its nodes at facility, park, city or kind level, and the loops that
carry the most tonnes."""

from __future__ import annotations

import heapq
import itertools
from typing import Any, Literal, get_args

import networkx as nx
import polars as pl

from mfa.domain.flowframe import require_columns
from mfa.domain.labels import kind_label, node_label
from mfa.domain.vocabulary import NO_CITY, NO_PARK, OUTSIDE

GraphLevel = Literal["facility", "park", "city", "kind"]


def node_of(side: str, level: GraphLevel) -> pl.Expr:
    """The node a flow's `side` ("source" or "target") belongs to at `level`: the facility, its kind, its park or
    its city; above the facility level every boundary facility is OUTSIDE, and a facility without a park or city is
    NO_PARK or NO_CITY."""
    if level == "facility":
        return pl.col(side)
    if level == "kind":
        inner = pl.col(f"{side}_kind")
    else:
        inner = pl.col(f"{side}_{level}").fill_null(pl.lit(NO_PARK if level == "park" else NO_CITY))
    return pl.when(pl.col(f"{side}_kind") == "boundary").then(pl.lit(OUTSIDE)).otherwise(inner)


def _facility_attributes(flows: pl.DataFrame | pl.LazyFrame, facilities: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """Node attributes of each facility: from `facilities`, else what the flows say of it."""
    ends = [
        flows.lazy().select(
            code=pl.col(side),
            kind=pl.col(f"{side}_kind"),
            park=pl.col(f"{side}_park"),
            city=pl.col(f"{side}_city"),
        )
        for side in ("source", "target")
    ]
    seen = pl.concat(ends).unique(subset="code", keep="first", maintain_order=True).collect()
    attributes: dict[str, dict[str, Any]] = {}
    for row in seen.iter_rows(named=True):
        code = row.pop("code")
        attributes[code] = {**row, "name": code, "name_zh": None}
    for row in facilities.select("code", "kind", "park", "city", "name", "name_zh").iter_rows(named=True):
        attributes[row.pop("code")] = row
    return attributes


def _group_attributes(node: str, level: GraphLevel, cities: dict[str, str]) -> dict[str, Any]:
    """Node attributes of a park, city or kind node."""
    if node in (OUTSIDE, NO_PARK, NO_CITY):
        return {"kind": "boundary" if node == OUTSIDE else level, "name": node_label(node, "en")}
    if level == "kind":
        return {"kind": node, "name": kind_label(node, "en")}
    if level == "park":
        return {"kind": "park", "park": node, "city": cities.get(node), "name": node}
    return {"kind": "city", "city": node, "name": node}


def build_graph(
    flows: pl.DataFrame | pl.LazyFrame, facilities: pl.DataFrame, *, level: GraphLevel = "facility"
) -> nx.DiGraph:
    """A directed graph of the flows (filter them first, e.g. with select_flows) at facility, park, city
    or kind level; edges carry `tonnes` and `materials` (code -> tonnes), nodes kind/park/city/name.
    Flows inside one park, city or kind become self-loops."""
    if level not in get_args(GraphLevel):
        raise ValueError(f"unknown graph level {level!r}; expected one of {get_args(GraphLevel)}")
    require_columns(facilities, ["code", "kind", "park", "city", "name", "name_zh"], "facilities")
    edges = (
        flows.lazy()
        .group_by(node_of("source", level).alias("u"), node_of("target", level).alias("v"), "material")
        .agg(pl.col("quantity_t").cast(pl.Float64).sum())
        .sort("u", "v", "material")
        .collect()
    )
    graph = nx.DiGraph(level=level)
    if level == "facility":
        attributes = _facility_attributes(flows, facilities)
        graph.add_nodes_from((node, attributes[node]) for node in sorted(set(edges["u"]) | set(edges["v"])))
    else:
        park_city = facilities.filter(pl.col("park").is_not_null() & pl.col("city").is_not_null())
        cities = dict(park_city.group_by("park").agg(pl.col("city").mode().sort().first()).iter_rows())
        for node in sorted(set(edges["u"]) | set(edges["v"])):
            graph.add_node(node, **_group_attributes(node, level, cities))
    for (u, v), group in itertools.groupby(edges.iter_rows(), key=lambda row: (row[0], row[1])):
        materials = {material: tonnes for _, _, material, tonnes in group}
        graph.add_edge(u, v, tonnes=sum(materials.values()), materials=materials)
    return graph


def find_loops(
    graph: nx.DiGraph, *, limit: int = 1000, max_length: int = 6, max_cycles: int = 200_000
) -> list[dict[str, Any]]:
    """The `limit` loops (simple cycles of at most `max_length` nodes, self-loops included) carrying the
    most tonnes, by tonnes descending: dicts of `nodes` (in flow order, smallest first), `length`, `tonnes`.

    A loop's tonnes is its smallest edge: no more than that can have gone all the way round, so it is an
    upper bound of the recirculated mass (flows do not say which tonnes of an edge continue where).
    At most `max_cycles` cycles are looked at, so a dense province graph cannot run away."""
    best: list[tuple[float, int, list[Any]]] = []
    cycles = nx.simple_cycles(graph, length_bound=max_length)
    for counter, found in enumerate(itertools.islice(cycles, max_cycles)):
        first = min(range(len(found)), key=lambda i: str(found[i]))
        cycle = found[first:] + found[:first]  # start at the smallest node, so a loop prints one way
        pairs = zip(cycle, [*cycle[1:], cycle[0]], strict=True)
        tonnes = min(graph.edges[u, v].get("tonnes", 0.0) for u, v in pairs)
        item = (tonnes, -counter, cycle)
        if len(best) < limit:
            heapq.heappush(best, item)
        elif item > best[0]:
            heapq.heapreplace(best, item)
    ranked = sorted(best, reverse=True)
    return [{"nodes": cycle, "length": len(cycle), "tonnes": tonnes} for tonnes, _, cycle in ranked]
