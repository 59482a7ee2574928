"""Stage 1 of a Sankey diagram: flows summed between places (facilities, kinds, parks or cities), and small places
merged into Other nodes. Pure: a flow frame in, small frames out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from mfa.domain.network import GraphLevel, node_of
from mfa.domain.vocabulary import OTHER_SOURCES, OTHER_TARGETS, OUTSIDE

KIND_ORDER: dict[str, int] = {
    "source": 0,
    "boundary": 1,
    "collection": 2,
    "storage": 3,
    "reuse": 3,
    "recycling": 4,
    "remanufacturing": 4,
    "energy_recovery": 4,
    "disposal": 5,
    "other": 6,
}
"""Upstream to downstream: the first key ordering the nodes of a column top to bottom in the stages view."""
OTHER_OF_KIND = "other "
"""At facility level small facilities merge into one node per kind: "other recycling" ... (ids hold a space, so
they cannot clash with facility codes)."""


@dataclass(frozen=True)
class PlacePairs:
    """Tonnes per (u, v, group, material) between two distinct places; tonnes inside each place (`internal`:
    place, t); the kind of each place (the kind carrying most of its tonnes); the places each Other node stands
    for. Boundary facilities are the place OUTSIDE on either side."""

    pairs: pl.DataFrame
    internal: pl.DataFrame
    kinds: dict[str, str]
    members: dict[str, tuple[str, ...]]

    def sizes(self) -> dict[str, float]:
        """Each place's tonnes: the larger of what it receives and what it sends to other places."""
        sides = [self.pairs.group_by(place=side).agg(pl.col("t").sum()) for side in ("u", "v")]
        size = pl.concat(sides).group_by("place").agg(pl.col("t").max())
        return dict(size.iter_rows())


def place(side: str, level: GraphLevel) -> pl.Expr:
    """The place of a flow's `side` at `level` (mfa.domain.network.node_of), every boundary facility OUTSIDE even
    at facility level."""
    return pl.when(pl.col(f"{side}_kind") == "boundary").then(pl.lit(OUTSIDE)).otherwise(node_of(side, level))


def aggregate(flows: pl.LazyFrame, level: GraphLevel, groups: dict[str, str]) -> PlacePairs:
    """Sum the flows per (source place, target place, material group, material); flows inside one place apart."""
    base = (
        flows.select(
            u=place("source", level),
            v=place("target", level),
            material=pl.col("material"),
            t=pl.col("quantity_t").cast(pl.Float64),
            source_kind=pl.col("source_kind"),
            target_kind=pl.col("target_kind"),
        )
        .group_by("u", "v", "material", "source_kind", "target_kind")
        .agg(pl.col("t").sum())
        .collect()
    )
    base = base.with_columns(group=pl.col("material").replace_strict(groups, default=pl.col("material")))
    internal = base.filter(pl.col("u") == pl.col("v")).group_by(place="u").agg(pl.col("t").sum()).sort("place")
    pairs = base.filter(pl.col("u") != pl.col("v")).group_by("u", "v", "group", "material").agg(pl.col("t").sum())
    ends = pl.concat(
        [base.select(place="u", kind="source_kind", t="t"), base.select(place="v", kind="target_kind", t="t")]
    )
    rank = pl.col("kind").replace_strict(KIND_ORDER, default=len(KIND_ORDER))
    kinds = dict(
        ends.group_by("place", "kind")
        .agg(pl.col("t").sum())
        .sort("place", "t", rank, "kind", descending=[False, True, False, False])
        .unique("place", keep="first", maintain_order=True)
        .select("place", "kind")
        .iter_rows()
    )
    return PlacePairs(pairs.sort("u", "v", "group", "material"), internal, kinds, {})


def other_of(place_: str, level: GraphLevel, kind: str, side: str) -> str:
    """The Other node a small place merges into: per kind at facility level, else the OTHER_SOURCES (as a source)
    / OTHER_TARGETS (as a target) pair."""
    if level == "facility":
        return OTHER_OF_KIND + kind
    return OTHER_SOURCES if side == "u" else OTHER_TARGETS


def merge(found: PlacePairs, small: Iterable[str], level: GraphLevel) -> PlacePairs:
    """Merge the `small` places into Other nodes (other_of); flows that end up inside one Other node are added to
    its internal tonnes. Every tonne is kept; OUTSIDE is never merged."""
    small = sorted(set(small) - {OUTSIDE} - set(found.members))
    if not small:
        return found
    kind = {p: found.kinds.get(p, "other") for p in small}
    mapping = {side: {p: other_of(p, level, kind[p], side) for p in small} for side in ("u", "v")}
    moved = found.pairs.with_columns(
        u=pl.col("u").replace(mapping["u"]),
        v=pl.col("v").replace(mapping["v"]),
    )
    inside = moved.filter(pl.col("u") == pl.col("v")).group_by(place="u").agg(pl.col("t").sum())
    internal = (
        pl.concat([found.internal.with_columns(pl.col("place").replace(mapping["u"])), inside])
        .group_by("place")
        .agg(pl.col("t").sum())
        .sort("place")
    )
    pairs = (
        moved.filter(pl.col("u") != pl.col("v"))
        .group_by("u", "v", "group", "material")
        .agg(pl.col("t").sum())
        .sort("u", "v", "group", "material")
    )
    members: dict[str, list[str]] = {node: list(found.members.get(node, ())) for node in found.members}
    for side in ("u", "v"):
        for p, node in mapping[side].items():
            if p not in members.setdefault(node, []):
                members[node].append(p)
    kinds = {p: k for p, k in found.kinds.items() if p not in kind}
    kinds |= {node: (node[len(OTHER_OF_KIND) :] if level == "facility" else "other") for node in members}
    return PlacePairs(pairs, internal, kinds, {node: tuple(sorted(ps)) for node, ps in members.items()})
