"""Flow frame -> Sankey diagram data: nodes at a level in a view, links per material group, returns, columns, the
order in each column, and the positions of the default layout (docs/sankey.md explains every rule).

Pure: frames in, a frozen SankeyData out (the shape d3-sankey reads). The stages are modules of their own:
aggregate (flows summed between places, small places merged), order (returns, columns, order in a column),
layout (geometry in px); the plotly figure and the files are mfa.export.sankey_figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, get_args

import polars as pl

from mfa.domain.flowframe import require_columns
from mfa.domain.labels import Language, city_label, format_tonnes, kind_label, node_label, text
from mfa.domain.network import GraphLevel
from mfa.domain.sankey import order as ordering
from mfa.domain.sankey.aggregate import KIND_ORDER, OTHER_OF_KIND, PlacePairs, aggregate, merge
from mfa.domain.sankey.diagram import LINK_SCHEMA, NODE_SCHEMA, SankeyData
from mfa.domain.sankey.layout import lay_out
from mfa.domain.sankey.metrics import MAX_COLUMN_NODES
from mfa.domain.sankey.options import SankeyOptions, View
from mfa.domain.sankey.order import OUTSIDE_TO
from mfa.domain.vocabulary import OTHER_SOURCES, OTHER_TARGETS, OUTSIDE, root_of

ORIGIN, DESTINATION = "from:", "to:"
"""In the origin-destination view a place is two nodes: "from:<place>" on the left, "to:<place>" on the right."""
X_MARGIN = 0.02


def _label(
    node: str,
    place: str,
    level: GraphLevel,
    view: View,
    language: Language,
    labels: Mapping[str, str],
    names: Mapping[str, tuple[str | None, str | None]],
    merged: int,
) -> str:
    """A node's label: `labels`, else the place's name (facility, city, kind), Other with how many it stands for,
    or outside the province (from or to it, outside the origin-destination view)."""
    if place in labels:
        return labels[place]
    if place in (OTHER_SOURCES, OTHER_TARGETS):
        return text("sankey_other", language, n=merged)
    if place.startswith(OTHER_OF_KIND):
        return text("sankey_other_kind", language, kind=kind_label(place[len(OTHER_OF_KIND) :], language), n=merged)
    if place == OUTSIDE and view != "od":
        return text("sankey_from_outside" if node == OUTSIDE else "sankey_to_outside", language)
    found = node_label(place, language)
    if found is not None:
        return found
    if level == "facility" and place in names:
        name, name_zh = names[place]
        return (name_zh if language == "zh" and name_zh else name) or place
    if level == "city":
        return city_label(place, language)
    if level == "kind":
        return kind_label(place, language)
    return place


def _ends(view: View) -> tuple[pl.Expr, pl.Expr]:
    """The node ids of a pair's source (u) and target (v) places in `view`."""
    if view == "od":
        return pl.lit(ORIGIN) + pl.col("u"), pl.lit(DESTINATION) + pl.col("v")
    return pl.col("u"), pl.when(pl.col("v") == OUTSIDE).then(pl.lit(OUTSIDE_TO)).otherwise(pl.col("v"))


def _links(found: PlacePairs, view: View, materials: Mapping[str, str], language: Language) -> pl.DataFrame:
    """One link per (source node, target node, material group): tonnes, breakdown by material, and its text."""
    u, v = _ends(view)
    links = (
        found.pairs.with_columns(source=u, target=v)
        .sort("t", "material", descending=[True, False])
        .group_by("source", "target", material_group="group", maintain_order=True)
        .agg(tonnes=pl.col("t").sum(), breakdown=pl.struct("material", tonnes="t"))
    )
    group_label = [materials.get(g, g) for g in links["material_group"]]
    written = [
        "; ".join(
            f"{materials.get(p['material'], p['material'])} {format_tonnes(p['tonnes'], language)}" for p in parts
        )
        for parts in links["breakdown"]
    ]
    return links.with_columns(
        group_label=pl.Series(group_label, dtype=pl.String), materials=pl.Series(written, dtype=pl.String)
    )


def _build(
    found: PlacePairs,
    options: SankeyOptions,
    language: Language,
    labels: Mapping[str, str],
    names: Mapping[str, tuple[str | None, str | None]],
) -> SankeyData:
    """Nodes and links of the merged place pairs: labels, kinds, returns, columns and ranks."""
    view, level = options.drawn_view, options.level
    links = _links(found, view, labels, language)
    if links.is_empty():
        return SankeyData(
            pl.DataFrame(schema=NODE_SCHEMA), pl.DataFrame(schema=LINK_SCHEMA), 0.0, level, language, view
        )
    sides = [
        links.group_by(id=side).agg(pl.col("tonnes").sum().alias(name))
        for side, name in (("target", "inflow_t"), ("source", "outflow_t"))
    ]
    internal = dict(found.internal.iter_rows())
    table = (
        sides[0]
        .join(sides[1], on="id", how="full", coalesce=True)
        .with_columns(pl.col("inflow_t", "outflow_t").fill_null(0.0))
        .with_columns(tonnes=pl.max_horizontal("inflow_t", "outflow_t"))
        .sort("id")
    )
    ids = table["id"].to_list()
    place = {v: v.split(":", 1)[1] if view == "od" else OUTSIDE if v == OUTSIDE_TO else v for v in ids}
    merged = {v: len(found.members.get(place[v], ())) for v in ids}
    label = {v: _label(v, place[v], level, view, language, labels, names, merged[v]) for v in ids}
    kind = {v: "boundary" if place[v] == OUTSIDE else found.kinds.get(place[v], "other") for v in ids}
    tonnes = dict(zip(ids, table["tonnes"].to_list(), strict=True))
    pair_t = links.group_by("source", "target").agg(pl.col("tonnes").sum().round(6))
    weights = {(u, v): t for u, v, t in pair_t.iter_rows()}
    key = {v: (KIND_ORDER.get(kind[v], len(KIND_ORDER)), -round(tonnes[v], 6), label[v], v) for v in ids}
    if view == "od":
        back: set[tuple[str, str]] = set()
        column = {v: 0 if v.startswith(ORIGIN) else 1 for v in ids}
    elif view == "stages":
        stage = {v: ordering.stage_of(v, kind[v]) for v in ids}
        order = ordering.stage_order(stage, weights, key)
        back = ordering.returns(order, list(weights))
        column = ordering.stage_columns(order, stage, [e for e in weights if e not in back])
    else:
        order = ordering.feedback_order(ids, weights, key)
        back = ordering.returns(order, list(weights))
        column = ordering.network_columns(order, [e for e in weights if e not in back])
    back = {
        (u, v) for u, v in weights if column[v] <= column[u]
    }  # a link pointing back in the order may not in columns
    bottom = frozenset(end for edge in back for end in edge)
    forward = {e: t for e, t in weights.items() if e not in back}
    rank = ordering.ranked(
        column,
        options.order,
        tonnes=tonnes,
        label=label,
        kind=kind,
        links=forward,
        bottom=bottom,
        auto="tonnes" if view == "od" else "flow",
    )
    last = max(column.values()) or 1
    nodes = (
        table.with_columns(
            place=pl.Series([place[v] for v in ids], dtype=pl.String),
            label=pl.Series([label[v] for v in ids], dtype=pl.String),
            kind=pl.Series([kind[v] for v in ids], dtype=pl.String),
            column=pl.Series([column[v] for v in ids], dtype=pl.Int32),
            rank=pl.Series([rank[v] for v in ids], dtype=pl.Int32),
            internal_t=pl.Series([float(internal.get(place[v], 0.0)) for v in ids], dtype=pl.Float64),
            merged=pl.Series([merged[v] for v in ids], dtype=pl.Int32),
        )
        .with_columns(x=X_MARGIN + (1 - 2 * X_MARGIN) * pl.col("column") / last, y=pl.lit(0.5))
        .sort("column", "rank")
        .select(NODE_SCHEMA.names())
    )
    index = {v: i for i, v in enumerate(nodes["id"])}
    loop = pl.Series([(u, v) in back for u, v in links.select("source", "target").iter_rows()], dtype=pl.Boolean)
    links = (
        links.with_columns(loop=loop)
        .sort(pl.col("source").replace_strict(index), pl.col("target").replace_strict(index), "material_group")
        .select(LINK_SCHEMA.names())
    )
    internal_t = float(found.internal["t"].sum())
    return SankeyData(nodes, links, internal_t, level, language, view, dict(found.members))


def _crowded(data: SankeyData, cap: int) -> list[str]:
    """Places to merge so that no column holds more than `cap` nodes: the smallest of each crowded column."""
    small: list[str] = []
    for _, group in data.nodes.group_by("column", maintain_order=True):
        plain = group.filter(pl.col("merged") == 0, pl.col("place") != OUTSIDE)
        extra = group.height - cap + 1  # one place is kept for the Other node
        if extra > 1 and plain.height:
            small += plain.sort("tonnes", "id").head(extra)["place"].to_list()
    return small


def sankey_data(
    flows: pl.DataFrame | pl.LazyFrame,
    facilities: pl.DataFrame,
    parents: Mapping[str, str | None],
    options: SankeyOptions | None = None,
    *,
    language: Language = "en",
    labels: Mapping[str, str] | None = None,
    max_column_nodes: int | None = None,
) -> SankeyData:
    """Flows aggregated to nodes at the options' level in their view, one link per (source, target, material
    group); nodes carrying less than min_share of the drawn tonnes, and the smallest nodes of a column holding more
    than `max_column_nodes` (default: as many as can be labelled), merge into Other nodes. `labels` (code -> text)
    names parks, materials and groups."""
    options = options or SankeyOptions()
    if language not in get_args(Language):
        raise ValueError(f"unknown language {language!r}; expected one of {get_args(Language)}")
    level = options.level
    require_columns(flows, ["source", "target", "material", "quantity_t", "source_kind", "target_kind"], "flow")
    require_columns(flows, [f"{side}_{level}" for side in ("source", "target") if level in ("park", "city")], "flow")
    require_columns(facilities, ["code", "name", "name_zh"], "facilities")
    labels = labels or {}
    groups = {code: root_of(parents, code) for code in parents}
    found = aggregate(flows.lazy(), level, groups)
    if options.min_share > 0 and not found.pairs.is_empty():
        limit = options.min_share * float(found.pairs["t"].sum())
        found = merge(found, [p for p, size in found.sizes().items() if size < limit], level)
    names = {code: (name, zh) for code, name, zh in facilities.select("code", "name", "name_zh").iter_rows()}
    data = _build(found, options, language, labels, names)
    for _ in range(12):  # merge the smallest nodes of columns holding more labels than the layout can hold
        if data.nodes.is_empty():
            return data
        cap = max(min(max_column_nodes or MAX_COLUMN_NODES, lay_out(data, detail=False).capacity), 2)
        small = _crowded(data, cap)
        if not small:
            break
        found = merge(found, small, level)
        data = _build(found, options, language, labels, names)
    if data.nodes.is_empty():
        return data
    drawn = lay_out(data, detail=False)
    y = [drawn.nodes[v].cy / drawn.height for v in data.nodes["id"]]
    return replace(data, nodes=data.nodes.with_columns(y=pl.Series(y, dtype=pl.Float64)))


def link_rows(data: SankeyData) -> list[dict[str, Any]]:
    """The links as dicts with their ends' labels, largest first (for lists to choose a link from)."""
    label = dict(data.nodes.select("id", "label").iter_rows())
    rows = data.links.with_row_index("link").sort("tonnes", "link", descending=[True, False]).to_dicts()
    return [row | {"source_label": label[row["source"]], "target_label": label[row["target"]]} for row in rows]
