"""The Sankey diagram as data: its nodes and links (what the layout places and the figure draws)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from mfa.domain.labels import Language
from mfa.domain.network import GraphLevel
from mfa.domain.sankey.options import View

NODE_SCHEMA = pl.Schema(
    {"id": pl.String, "place": pl.String, "label": pl.String, "kind": pl.String}
    | {"column": pl.Int32, "rank": pl.Int32, "x": pl.Float64, "y": pl.Float64}
    | dict.fromkeys(["tonnes", "inflow_t", "outflow_t", "internal_t"], pl.Float64)
    | {"merged": pl.Int32}
)


LINK_SCHEMA = pl.Schema(
    dict.fromkeys(["source", "target", "material_group", "group_label"], pl.String)
    | {"tonnes": pl.Float64, "materials": pl.String}
    | {"breakdown": pl.List(pl.Struct({"material": pl.String, "tonnes": pl.Float64})), "loop": pl.Boolean}
)


@dataclass(frozen=True)
class SankeyData:
    """A Sankey diagram: `nodes` (id, place, label, kind, column, rank, x, y, tonnes, inflow_t, outflow_t,
    internal_t, merged) sorted by column and rank, `links` (source, target, material_group, group_label, tonnes,
    materials, breakdown, loop: a return band), the tonnes inside one place (`internal_t`, not drawn), and the
    places each Other node stands for (`members`)."""

    nodes: pl.DataFrame
    links: pl.DataFrame
    internal_t: float
    level: GraphLevel
    language: Language
    view: View = "network"
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def total_t(self) -> float:
        """Tonnes of all drawn links."""
        return float(self.links["tonnes"].sum())

    @property
    def span_t(self) -> float:
        """Tonnes of the fullest column (a node counts max(in, out)): the smallest sensible fixed scale."""
        if self.nodes.is_empty():
            return 0.0
        return float(self.nodes.group_by("column").agg(pl.col("tonnes").sum())["tonnes"].max())  # type: ignore[arg-type]

    @property
    def loops_t(self) -> float:
        """Tonnes of the return links (drawn as bands under the diagram)."""
        return float(self.links.filter("loop")["tonnes"].sum())
