"""Flow frame -> Sankey diagram data: nodes at a level, links per material group, columns and positions.

Pure: frames in, a frozen SankeyData out (the shape d3-sankey reads). The plotly figure and the files are
made in mfa.export.sankey_figure (`sankey_figure`, `export_figure`). docs/sankey.md
explains every rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, get_args

import networkx as nx
import polars as pl

from mfa.domain.flowframe import require_columns
from mfa.domain.labels import Language, city_label, format_tonnes, kind_label, node_label
from mfa.domain.network import GraphLevel, node_of
from mfa.domain.vocabulary import OTHER_SOURCES, OTHER_TARGETS, OUTSIDE, root_of

OUTSIDE_TO = "to outside the province"
"""With split_outside, the node of boundary facilities as targets (OUTSIDE is then only a source)."""
KIND_ORDER: dict[str, int] = {
    "source": 0,
    "boundary": 1,
    "collection": 2,
    "recycling": 3,
    "remanufacturing": 3,
    "reuse": 3,
    "energy_recovery": 3,
    "storage": 4,
    "disposal": 5,
    "other": 6,
}
"""Upstream to downstream: orders the nodes of a column top to bottom, and breaks ties in the node order."""

# Geometry, in px of the plot area. d3-sankey-circular (inside plotly.js 4.1) scales node heights by 0.3
# and then by H / (H + loop widths + 2 * 35) when a diagram has loops (both top and bottom loops present).
D3_CIRCULAR_SCALE = 0.3
D3_LOOP_MARGIN = 35.0
LOOP_CLEARANCE = 35.0
GAP_MIN = 6.0
GAP_MAX = 24.0
X_MARGIN = 0.02
DEFAULT_PLOT_HEIGHT = 520.0
DEFAULT_SCALE_FILL = 0.2
"""With scale_t, scale_t tonnes take this share of the plot height; small enough for plotly's loop layout."""


NODE_SCHEMA = pl.Schema(
    {"id": pl.String, "label": pl.String, "kind": pl.String, "column": pl.Int32, "x": pl.Float64}
    | dict.fromkeys(["tonnes", "inflow_t", "outflow_t", "internal_t"], pl.Float64)
    | {"merged": pl.Int32, "y": pl.Float64}
)
LINK_SCHEMA = pl.Schema(
    dict.fromkeys(["source", "target", "material_group", "group_label"], pl.String)
    | {"tonnes": pl.Float64, "materials": pl.String}
    | {"breakdown": pl.List(pl.Struct({"material": pl.String, "tonnes": pl.Float64})), "loop": pl.Boolean}
)


@dataclass(frozen=True)
class SankeyData:
    """A Sankey diagram: `nodes` (id, label, kind, column, x, y, tonnes, inflow_t, outflow_t, internal_t,
    merged) in drawing order, `links` (source, target, material_group, group_label, tonnes, materials,
    breakdown, loop), and the tonnes of flows inside one node (`internal_t`), which are not drawn."""

    nodes: pl.DataFrame
    links: pl.DataFrame
    internal_t: float
    level: GraphLevel
    language: Language

    @property
    def total_t(self) -> float:
        """Tonnes of all drawn links."""
        return float(self.links["tonnes"].sum())

    @property
    def span_t(self) -> float:
        """Tonnes of the fullest column (a node counts max(in, out)): the smallest sensible scale_t."""
        if self.nodes.is_empty():
            return 0.0
        return float(self.nodes.group_by("column").agg(pl.col("tonnes").sum())["tonnes"].max())  # type: ignore[arg-type]

    @property
    def loops_t(self) -> float:
        """Tonnes of the links drawn as loops back to an earlier column."""
        return float(self.links.filter("loop")["tonnes"].sum())


def _node(side: str, level: GraphLevel, split_outside: bool = False) -> pl.Expr:
    """The node id of a flow's `side` at `level` (mfa.domain.network.node_of), with every boundary facility OUTSIDE
    even at facility level (as targets OUTSIDE_TO with `split_outside`)."""
    outside = OUTSIDE_TO if split_outside and side == "target" else OUTSIDE
    return pl.when(pl.col(f"{side}_kind") == "boundary").then(pl.lit(outside)).otherwise(node_of(side, level))


def _label(
    node: str,
    level: GraphLevel,
    language: Language,
    labels: Mapping[str, str],
    names: Mapping[str, tuple[str | None, str | None]],
) -> str:
    """The label of a node: `labels`, else a facility's name, a city's or kind's name, or the id."""
    zh = language == "zh"
    if node in labels:
        return labels[node]
    place = node_label(OUTSIDE if node == OUTSIDE_TO else node, language)
    if place is not None:
        return place
    if level == "facility" and node in names:
        name, name_zh = names[node]
        return (name_zh if zh and name_zh else name) or node
    if level == "city":
        return city_label(node, language)
    if level == "kind":
        return kind_label(node, language)
    return node


def _aggregate(
    flows: pl.DataFrame, level: GraphLevel, groups: dict[str, str], min_share: float, split_outside: bool
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, str], dict[str, int]]:
    """Tonnes per (u, v, group, material) between distinct nodes, internal tonnes per node, the kind of
    each node (the kind carrying most of its tonnes), and how many nodes each Other node stands for."""
    base = (
        flows.lazy()
        .select(
            u=_node("source", level),
            v=_node("target", level, split_outside),
            material=pl.col("material"),
            group=pl.col("material").replace_strict(groups, default=pl.col("material")),
            t=pl.col("quantity_t").cast(pl.Float64),
            source_kind=pl.col("source_kind"),
            target_kind=pl.col("target_kind"),
        )
        .collect()
    )
    internal = base.filter(pl.col("u") == pl.col("v")).group_by(node="u").agg(pl.col("t").sum()).sort("node")
    pairs = base.filter(pl.col("u") != pl.col("v")).group_by("u", "v", "group", "material").agg(pl.col("t").sum())
    ends = pl.concat(
        [
            base.select(node="u", kind="source_kind", t="t"),
            base.select(node="v", kind="target_kind", t="t"),
        ]
    )
    rank = pl.col("kind").replace_strict(KIND_ORDER, default=len(KIND_ORDER))
    kinds = dict(
        ends.group_by("node", "kind")
        .agg(pl.col("t").sum())
        .sort("node", pl.col("t"), rank, "kind", descending=[False, True, False, False])
        .unique("node", keep="first", maintain_order=True)
        .select("node", pl.when(pl.col("node") == OUTSIDE_TO).then(pl.lit("boundary")).otherwise("kind"))
        .iter_rows()
    )
    sides = [pairs.group_by(node=side).agg(pl.col("t").sum()) for side in ("u", "v")]
    size = pl.concat(sides).group_by("node").agg(pl.col("t").max())  # a node's size is max(in, out)
    small = sorted(size.filter(pl.col("t") < min_share * float(pairs["t"].sum() or 0.0))["node"])
    if small:
        pairs = (
            pairs.with_columns(
                u=pl.when(pl.col("u").is_in(small)).then(pl.lit(OTHER_SOURCES)).otherwise("u"),
                v=pl.when(pl.col("v").is_in(small)).then(pl.lit(OTHER_TARGETS)).otherwise("v"),
            )
            .group_by("u", "v", "group", "material")
            .agg(pl.col("t").sum())
        )
        kinds |= {OTHER_SOURCES: "other", OTHER_TARGETS: "other"}
    return pairs, internal, kinds, {node: len(small) for node in (OTHER_SOURCES, OTHER_TARGETS)}


def _order(keys: dict[str, tuple], weights: dict[tuple[str, str], float]) -> list[str]:
    """Nodes upstream first, so that links pointing back carry few tonnes: Eades-Lin-Smyth's greedy
    feedback arc set, weighted by tonnes (sinks to the end, sources to the front, else the node sending
    most more than it receives); ties go by `keys` (kind, label, id), so the order is stable."""
    remaining = set(keys)
    out_w = {node: 0.0 for node in keys}
    in_w = {node: 0.0 for node in keys}
    successors: dict[str, set[str]] = {node: set() for node in keys}
    predecessors: dict[str, set[str]] = {node: set() for node in keys}
    for (u, v), t in weights.items():
        out_w[u] += t
        in_w[v] += t
        successors[u].add(v)
        predecessors[v].add(u)
    head: list[str] = []
    tail: list[str] = []

    def remove(node: str) -> None:
        remaining.discard(node)
        for v in successors[node]:
            in_w[v] -= weights[node, v]
            predecessors[v].discard(node)
        for u in predecessors[node]:
            out_w[u] -= weights[u, node]
            successors[u].discard(node)

    while remaining:
        ranked = sorted(remaining, key=keys.__getitem__)
        sinks = [node for node in ranked if not successors[node]]
        sources = [node for node in ranked if not predecessors[node]]
        if sinks or sources:
            for node in sinks:
                tail.append(node)
                remove(node)
            for node in sources:
                if node in remaining:
                    head.append(node)
                    remove(node)
            continue
        node = max(ranked, key=lambda n: round(out_w[n] - in_w[n], 6))  # max keeps the first of equals
        head.append(node)
        remove(node)
    return head + tail[::-1]


def _loops(order: list[str], edges: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The links plotly (d3-sankey-circular) draws as loops, given the node order: b -> s when a path
    s -> ... -> b runs through nodes after s (s is a cycle's first node). Without them the graph is acyclic."""
    index = {node: i for i, node in enumerate(order)}
    successors: dict[str, list[str]] = {node: [] for node in order}
    predecessors: dict[str, list[str]] = {node: [] for node in order}
    for u, v in sorted(edges, key=lambda e: (index[e[0]], index[e[1]])):
        successors[u].append(v)
        predecessors[v].append(u)
    loops: set[tuple[str, str]] = set()
    for s in order:
        reached, todo = {s}, [s]
        while todo:
            for m in successors[todo.pop()]:
                if index[m] > index[s] and m not in reached:
                    reached.add(m)
                    todo.append(m)
        loops.update((b, s) for b in predecessors[s] if b in reached and b != s)
    return loops


def _columns(order: list[str], edges: set[tuple[str, str]], loops: set[tuple[str, str]]) -> dict[str, int]:
    """d3-sankey's justified longest-path layering: a node's column is the longest path of non-loop links
    reaching it, except that nodes without outgoing links go to the last column."""
    dag = nx.DiGraph()
    dag.add_nodes_from(order)
    dag.add_edges_from(edges - loops)
    depth = {node: i for i, generation in enumerate(nx.topological_generations(dag)) for node in generation}
    last = max(depth.values(), default=0)
    has_out = {u for u, _ in edges}
    return {node: depth[node] if node in has_out else last for node in order}


@dataclass(frozen=True)
class VerticalLayout:
    """Node heights are `per_t` px per tonne; `y` are node centres (0 top, 1 bottom) in node order; `fits`
    is False when the requested scale could not be kept; `reserve` is the px kept free for loops."""

    per_t: float
    y: list[float]
    fits: bool
    reserve: float


def vertical_layout(
    nodes: pl.DataFrame,
    loops_t: float,
    *,
    plot_height: float = DEFAULT_PLOT_HEIGHT,
    scale_t: float | None = None,
    scale_fill: float = DEFAULT_SCALE_FILL,
) -> VerticalLayout:
    """Px per tonne and node centres: each column stacked by kind and label with gaps of GAP_MIN to GAP_MAX
    px from a common top line, loops_t * per_t + LOOP_CLEARANCE px kept free above and below for loops,
    and that block centred in the plot.
    Without scale_t, the largest scale that fits; with it, scale_fill * plot_height / scale_t px per tonne."""
    h = plot_height
    columns = nodes.group_by("column").agg(t=pl.col("tonnes").sum(), n=pl.len())
    if nodes.is_empty():
        return VerticalLayout(0.0, [], True, 0.0)
    base = LOOP_CLEARANCE if loops_t > 0 else 0.0
    fit = min((h - 2 * base - (n - 1) * GAP_MIN) / (t + 2 * loops_t) for t, n in columns.select("t", "n").iter_rows())
    if loops_t > 0:  # plotly cannot draw nodes taller than this with loops (padding would be negative)
        span = float(columns["t"].max())  # type: ignore[arg-type]
        fit = min(
            fit, 0.999 * D3_CIRCULAR_SCALE * h * h / (span * (h + 2 * D3_LOOP_MARGIN) + D3_CIRCULAR_SCALE * h * loops_t)
        )
    per_t, fits = max(fit, 0.0), True
    if scale_t is not None:
        wanted = scale_fill * h / scale_t
        fits = wanted <= fit * (1 + 1e-9)
        per_t = wanted if fits else per_t
    reserve = base + per_t * loops_t
    rank = pl.col("kind").replace_strict(KIND_ORDER, default=len(KIND_ORDER), return_dtype=pl.Int64)
    stacks: list[tuple[list[int], list[float], float]] = []  # (row numbers, heights, gap) per column
    for column in sorted(columns["column"]):
        rows = nodes.with_row_index("i").filter(pl.col("column") == column).sort(rank, "label", "id")
        heights = [t * per_t for t in rows["tonnes"]]
        free = h - 2 * reserve - sum(heights)
        gap = max(min(GAP_MAX, free / (len(heights) - 1)), 0.0) if len(heights) > 1 else 0.0
        stacks.append((list(rows["i"]), heights, gap))
    block = 2 * reserve + max(sum(heights) + gap * (len(heights) - 1) for _, heights, gap in stacks)
    y = [0.0] * nodes.height
    for rows_i, heights, gap in stacks:  # columns share a top line; the whole block is centred
        top = max((h - block) / 2, 0.0) + reserve
        for i, height in zip(rows_i, heights, strict=True):
            y[i] = min(max((top + height / 2) / h, 0.001), 0.999)
            top += height + gap
    return VerticalLayout(per_t, y, fits, reserve)


def sankey_data(
    flows: pl.DataFrame | pl.LazyFrame,
    facilities: pl.DataFrame,
    parents: Mapping[str, str | None],
    *,
    level: GraphLevel = "park",
    min_share: float = 0.0,
    language: Language = "en",
    labels: Mapping[str, str] | None = None,
    split_outside: bool = False,
) -> SankeyData:
    """Flows aggregated to nodes at `level`, one link per (source, target, material group); nodes carrying
    less than `min_share` of the drawn tonnes merge into the OTHER_SOURCES / OTHER_TARGETS pair;
    `split_outside` draws the province boundary twice, imports on the left and exports on the right."""
    if level not in get_args(GraphLevel):
        raise ValueError(f"unknown level {level!r}; expected one of {get_args(GraphLevel)}")
    if language not in get_args(Language):
        raise ValueError(f"unknown language {language!r}; expected one of {get_args(Language)}")
    if not 0 <= min_share < 1:
        raise ValueError(f"min_share must be in [0, 1), got {min_share}")
    require_columns(flows, ["source", "target", "material", "quantity_t", "source_kind", "target_kind"], "flow")
    require_columns(flows, [f"{side}_{level}" for side in ("source", "target") if level in ("park", "city")], "flow")
    require_columns(facilities, ["code", "name", "name_zh"], "facilities")
    labels = labels or {}
    groups = {code: root_of(parents, code) for code in parents}
    pairs, internal, kinds, merged = _aggregate(flows.lazy().collect(), level, groups, min_share, split_outside)
    materials = dict(labels)
    names = {code: (name, name_zh) for code, name, name_zh in facilities.select("code", "name", "name_zh").iter_rows()}

    def breakdown(parts: list[dict[str, Any]]) -> str:
        return "; ".join(
            f"{materials.get(p['material'], p['material'])} {format_tonnes(p['tonnes'], language)}" for p in parts
        )

    links = (
        pairs.sort("t", "material", descending=[True, False])
        .group_by(source="u", target="v", material_group="group", maintain_order=True)
        .agg(tonnes=pl.col("t").sum(), breakdown=pl.struct("material", tonnes="t"))
        .with_columns(group_label=pl.col("material_group").replace_strict(materials, default=pl.col("material_group")))
    )
    if links.is_empty():  # (replace_strict with an empty mapping ignores return_dtype in polars 2.1)
        return SankeyData(pl.DataFrame(schema=NODE_SCHEMA), pl.DataFrame(schema=LINK_SCHEMA), 0.0, level, language)
    ends = {"target": "inflow_t", "source": "outflow_t"}
    sides = [links.group_by(node=side).agg(pl.col("tonnes").sum().alias(name)) for side, name in ends.items()]
    table = (
        sides[0]
        .join(sides[1], on="node", how="full", coalesce=True)
        .join(internal.rename({"t": "internal_t"}), on="node", how="left")
        .with_columns(pl.col("inflow_t", "outflow_t", "internal_t").fill_null(0.0))
        .with_columns(tonnes=pl.max_horizontal("inflow_t", "outflow_t"), id="node")
    )
    table = table.with_columns(
        label=pl.Series([_label(node, level, language, labels, names) for node in table["id"]], dtype=pl.String),
        kind=pl.col("id").replace_strict(kinds, default="other", return_dtype=pl.String),
        merged=pl.col("id").replace_strict(merged, default=0, return_dtype=pl.Int32),
    )
    rows = table.select("id", "kind", "label").rows()
    keys = {node: (KIND_ORDER.get(kind, len(KIND_ORDER)), label, node) for node, kind, label in rows}
    pair_t = links.group_by("source", "target").agg(pl.col("tonnes").sum().round(6))  # sums of shuffled rows agree
    weights = {(u, v): t for u, v, t in pair_t.iter_rows()}
    order = _order(keys, weights)
    index = {node: i for i, node in enumerate(order)}
    loops = _loops(order, set(weights))
    column = _columns(order, set(weights), loops)
    last = max(column.values(), default=1) or 1
    nodes = (
        table.sort(pl.col("id").replace_strict(index, return_dtype=pl.Int64))
        .with_columns(column=pl.col("id").replace_strict(column, return_dtype=pl.Int32))
        .with_columns(x=X_MARGIN + (1 - 2 * X_MARGIN) * pl.col("column") / last)
        .select("id", "label", "kind", "column", "x", "tonnes", "inflow_t", "outflow_t", "internal_t", "merged")
    )
    loop_frame = pl.DataFrame(sorted(loops), schema={"source": pl.String, "target": pl.String}, orient="row")
    rank = [pl.col(end).replace_strict(index, return_dtype=pl.Int64) for end in ("source", "target")]
    links = (
        links.join(loop_frame.with_columns(loop=pl.lit(True)), on=["source", "target"], how="left")
        .with_columns(pl.col("loop").fill_null(False))
        .sort(*rank, "material_group")
    )
    links = links.with_columns(
        materials=pl.Series([breakdown(parts) for parts in links["breakdown"]], dtype=pl.String)
    ).select("source", "target", "material_group", "group_label", "tonnes", "materials", "breakdown", "loop")
    loops_t = float(links.filter("loop")["tonnes"].sum())
    nodes = nodes.with_columns(y=pl.Series(vertical_layout(nodes, loops_t).y, dtype=pl.Float64))
    internal_t = float(internal["t"].sum())
    return SankeyData(nodes=nodes, links=links, internal_t=internal_t, level=level, language=language)
