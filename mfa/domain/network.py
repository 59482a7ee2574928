"""The flow network as a networkx graph: building it, mass balance per facility, and material loops."""

from __future__ import annotations

import heapq
import itertools
from typing import Any, Literal, get_args

import networkx as nx
import polars as pl

from mfa.domain.indicators import require_columns, select_flows
from mfa.domain.labels import kind_label, node_label
from mfa.domain.vocabulary import NO_CITY, NO_PARK, OUTSIDE

GraphLevel = Literal["facility", "park", "city", "kind"]
UNCHECKED_KINDS = ("source", "boundary")
"""Facility kinds whose mass balance is not checked: matter enters the system there."""


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


def _stock_end(stocks: pl.LazyFrame, year: int, month: int | None) -> pl.LazyFrame:
    """Stock per facility and material at the end of a period: a month's record, or for a year its
    yearly record if present, else its December record (for December the other way round)."""
    if month is None or month == 12:
        order = [(year, None), (year, 12)] if month is None else [(year, 12), (year, None)]
    else:
        order = [(year, month)]
    candidates = [
        stocks.filter(
            pl.col("year") == y, pl.col("month").is_null() if m is None else pl.col("month") == m
        ).with_columns(rank=pl.lit(rank))
        for rank, (y, m) in enumerate(order)
    ]
    return (
        pl.concat(candidates)
        .group_by("facility", "material", "rank")
        .agg(pl.col("quantity_t").cast(pl.Float64).sum())
        .sort("rank")
        .unique(subset=["facility", "material"], keep="first", maintain_order=True)
        .drop("rank")
    )


def _stock_change(stocks: pl.DataFrame | pl.LazyFrame, year: int, month: int | None) -> pl.LazyFrame:
    """Per facility and material: end stock − previous end stock (0, not stock_known, if one is missing)."""
    require_columns(stocks, ["year", "month", "facility", "material", "quantity_t"], "stocks")
    lf = stocks.lazy()
    if month is None:
        previous = _stock_end(lf, year - 1, None)
    else:
        previous = _stock_end(lf, year - 1, 12) if month == 1 else _stock_end(lf, year, month - 1)
    return (
        _stock_end(lf, year, month)
        .join(previous, on=["facility", "material"], how="full", coalesce=True, suffix="_previous")
        .select(
            "facility",
            "material",
            stock_known=pl.col("quantity_t").is_not_null() & pl.col("quantity_t_previous").is_not_null(),
            stock_change_t=(pl.col("quantity_t") - pl.col("quantity_t_previous")).fill_null(0.0),
        )
    )


def _balance(
    flows: pl.DataFrame | pl.LazyFrame,
    stocks: pl.DataFrame | pl.LazyFrame,
    facilities: pl.DataFrame,
    *,
    year: int,
    month: int | None,
    tolerance: float,
    by_material: bool,
) -> pl.DataFrame:
    keys = ["facility", "material"] if by_material else ["facility"]
    period = select_flows(flows.lazy(), {}, year=year, month=month)
    quantity = pl.col("quantity_t").cast(pl.Float64)
    inflow = period.group_by(pl.col("target").alias("facility"), *keys[1:]).agg(inflow_t=quantity.sum())
    outflow = period.group_by(pl.col("source").alias("facility"), *keys[1:]).agg(outflow_t=quantity.sum())
    stock = _stock_change(stocks, year, month)
    if not by_material:
        stock = stock.group_by("facility").agg(pl.col("stock_change_t").sum(), pl.col("stock_known").all())
    kinds = pl.concat(
        [
            facilities.lazy().select(facility="code", kind="kind"),
            period.select(facility="source", kind="source_kind"),
            period.select(facility="target", kind="target_kind"),
        ]
    ).unique(subset="facility", keep="first", maintain_order=True)
    rows = (
        inflow.join(outflow, on=keys, how="full", coalesce=True)
        .join(stock, on=keys, how="full", coalesce=True)
        .join(facilities.lazy().select(facility="code"), on="facility", how="full", coalesce=True)
        .filter(pl.col(keys[-1]).is_not_null())
        .join(kinds, on="facility", how="left")
    )
    inflow_t, outflow_t, change = pl.col("inflow_t"), pl.col("outflow_t"), pl.col("stock_change_t")
    relative = pl.col("relative_imbalance")
    status = (
        pl.when(pl.col("kind").is_in(UNCHECKED_KINDS))
        .then(pl.col("kind"))
        .when((inflow_t == 0) & (outflow_t == 0) & (change == 0))
        .then(pl.lit("inactive"))
        .when(relative.abs() <= tolerance)
        .then(pl.lit("balanced"))
        .when((inflow_t > 0) & (outflow_t == 0))
        .then(pl.lit("sink"))
        .when((inflow_t == 0) & (outflow_t > 0))
        .then(pl.lit("no_input"))
        .otherwise(pl.lit("imbalanced"))
    )
    return (
        rows.with_columns(
            pl.col("inflow_t", "outflow_t", "stock_change_t").fill_null(0.0),
            pl.col("stock_known").fill_null(False),
        )
        .with_columns(imbalance_t=inflow_t - outflow_t - change)
        .with_columns(
            relative_imbalance=pl.when(pl.max_horizontal(inflow_t, outflow_t) > 0).then(
                pl.col("imbalance_t") / pl.max_horizontal(inflow_t, outflow_t)
            )
        )
        .with_columns(status=status)
        .sort(keys)
        .select(
            *keys,
            "kind",
            "inflow_t",
            "outflow_t",
            "stock_change_t",
            "stock_known",
            "imbalance_t",
            "relative_imbalance",
            "status",
        )
        .collect()
    )


def mass_balance(
    flows: pl.DataFrame | pl.LazyFrame,
    stocks: pl.DataFrame | pl.LazyFrame,
    facilities: pl.DataFrame,
    *,
    year: int,
    month: int | None = None,
    tolerance: float = 0.05,
) -> pl.DataFrame:
    """Per facility, all materials together: inflow − outflow − stock change, relative to the larger of
    inflow and outflow, and a status (source, boundary, inactive, balanced, sink, no_input, imbalanced)."""
    return _balance(flows, stocks, facilities, year=year, month=month, tolerance=tolerance, by_material=False)


def mass_balance_by_material(
    flows: pl.DataFrame | pl.LazyFrame,
    stocks: pl.DataFrame | pl.LazyFrame,
    facilities: pl.DataFrame,
    *,
    year: int,
    month: int | None = None,
    tolerance: float = 0.05,
) -> pl.DataFrame:
    """mass_balance per facility and material; a facility transforming materials (a recycler) shows as
    a sink of its inputs and no_input of its outputs here, so check balance with mass_balance."""
    return _balance(flows, stocks, facilities, year=year, month=month, tolerance=tolerance, by_material=True)
