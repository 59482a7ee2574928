"""From a link of a Sankey diagram back to its flows: which rows of the flow frame the link sums (its source and
target nodes at the diagram's level, the places an Other node stands for, its material group). Pure."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from mfa.domain.sankey.aggregate import place
from mfa.domain.sankey.diagram import SankeyData
from mfa.domain.vocabulary import root_of


def _places(data: SankeyData, node: str) -> list[str]:
    """The places a node stands for: its own, or every place merged into it."""
    found = data.nodes.filter(id=node)
    if found.is_empty():
        raise ValueError(f"no node {node!r} in the diagram")
    own = str(found["place"][0])
    return sorted(data.members.get(own, ())) or [own]


def link_filter(data: SankeyData, link: int, parents: Mapping[str, str | None]) -> pl.Expr:
    """The flows behind link number `link` (its row in data.links): source in the source node's places, target in
    the target node's, different places (flows inside one place are not drawn), material in the link's group."""
    if not 0 <= link < data.links.height:
        raise ValueError(f"no link {link} in the diagram ({data.links.height} links)")
    row = data.links.row(link, named=True)
    in_group = sorted(code for code in parents if root_of(parents, code) == row["material_group"])
    u, v = place("source", data.level), place("target", data.level)
    return (
        u.is_in(_places(data, row["source"]))
        & v.is_in(_places(data, row["target"]))
        & (u != v)
        & pl.col("material").is_in(in_group or [row["material_group"]])
    )


def link_flows(
    flows: pl.DataFrame | pl.LazyFrame, data: SankeyData, link: int, parents: Mapping[str, str | None]
) -> pl.DataFrame:
    """The flows behind a link, facility to facility by period, largest first: period, source, target, material,
    quantity_t (as the diagram drew them: reported, or reconciled where saved) and the hand-over's status (null
    where the frame has none)."""
    frame = flows.lazy()
    status = pl.col("status") if "status" in frame.collect_schema() else pl.lit(None, pl.String).alias("status")
    return (
        frame.filter(link_filter(data, link, parents))
        .select("period", "source", "target", "material", "quantity_t", status)
        .sort("quantity_t", "period", "source", "target", "material", descending=[True, False, False, False, False])
        .collect()
    )
