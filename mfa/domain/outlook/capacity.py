"""Retirements against the capacity that can take them: per year and scope, capacity, shortfall or spare capacity,
and the first year capacity runs out.

A capacities frame has one row per (facility, material, year_from): the facility's yearly capacity for that material
(or group) from that year on, until a later row for the same facility and material replaces it. Capacity takes a
product's retirements when its facility is of a kind that takes used products (recycling, reuse, remanufacturing)
and its material is the product, a material below it (a chemistry's capacity takes part of the group's retirements)
or a material above it other than a top-level group (a `power_battery` line takes every chemistry).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from mfa.domain.outlook.stock_model import PROVINCE
from mfa.domain.vocabulary import ancestors, descendants

TAKING_KINDS = ("recycling", "reuse", "remanufacturing")
"""Facility kinds whose capacity counts: recycling (再生利用), echelon use and reuse (梯次利用), remanufacturing."""
CAPACITY_SCHEMA = {"facility": pl.String, "material": pl.String, "year_from": pl.Int32, "capacity_t": pl.Float64}
COMPARISON_SCHEMA = {
    "year": pl.Int32,
    "scope": pl.String,
    "capacity_t": pl.Float64,
    "outflow_t": pl.Float64,
    "shortfall_t": pl.Float64,
}


def matching_materials(parents: Mapping[str, str | None], product: str) -> set[str]:
    """The materials whose capacity takes `product`: itself, those below it, and those above it except the roots."""
    above = {m for m in ancestors(parents, product) if parents.get(m) is not None}
    return descendants(parents, [product]) | above


def capacity_by_year(
    capacities: pl.DataFrame,
    facilities: pl.DataFrame,
    parents: Mapping[str, str | None],
    product: str,
    years: Iterable[int],
    scopes: Iterable[str],
) -> pl.DataFrame:
    """Capacity (t/yr) that can take `product`'s retirements, per year and scope (a city, or `province` for all):
    `capacities` (facility, material, year_from, capacity_t), `facilities` (code, kind, city)."""
    years = sorted(set(years))
    scopes = list(dict.fromkeys(scopes))
    grid = pl.DataFrame({"year": years}, schema={"year": pl.Int32})
    rows = (
        capacities.filter(pl.col("material").is_in(sorted(matching_materials(parents, product))))
        .join(facilities.select(pl.col("code").alias("facility"), "kind", "city"), on="facility", how="left")
        .filter(pl.col("kind").is_in(TAKING_KINDS))
    )
    if rows.height and years:
        # each (facility, material) line in each year: the row with the latest year_from at or before the year
        expanded = (
            rows.join(grid, how="cross")
            .filter(pl.col("year_from") <= pl.col("year"))
            .group_by("facility", "material", "city", "year")
            .agg(pl.col("capacity_t").sort_by("year_from").last())
        )
    else:
        expanded = pl.DataFrame(schema={"year": pl.Int32, "city": pl.String, "capacity_t": pl.Float64})
    out = []
    for scope in scopes:
        part = expanded if scope == PROVINCE else expanded.filter(pl.col("city") == scope)
        summed = part.group_by("year").agg(pl.col("capacity_t").sum())
        out.append(
            grid.join(summed, on="year", how="left").with_columns(
                pl.lit(scope).alias("scope"), pl.col("capacity_t").fill_null(0.0)
            )
        )
    return pl.concat(out).select("year", "scope", "capacity_t").cast({"capacity_t": pl.Float64})


def compare_capacity(rows: pl.DataFrame, capacity: pl.DataFrame) -> pl.DataFrame:
    """Per year and scope: capacity, retirements (with their low and high values where `rows` has them) and the
    shortfall (retirements − capacity: positive when capacity is short, negative when it is spare)."""
    ends = [c for c in ("outflow_low_t", "outflow_high_t") if c in rows.columns]
    frame = capacity.join(rows.select("year", "scope", "outflow_t", *ends), on=["year", "scope"], how="inner")
    frame = frame.with_columns((pl.col("outflow_t") - pl.col("capacity_t")).alias("shortfall_t"))
    for column in ends:
        suffix = column.removeprefix("outflow_")
        frame = frame.with_columns((pl.col(column) - pl.col("capacity_t")).alias(f"shortfall_{suffix}"))
    shortfalls = [f"shortfall_{c.removeprefix('outflow_')}" for c in ends]
    return frame.select(*COMPARISON_SCHEMA, *ends, *shortfalls).sort("scope", "year")


def runs_out(comparison: pl.DataFrame) -> pl.DataFrame:
    """Per scope, the first year, from the first year with any capacity, in which retirements exceed capacity
    (null if capacity always suffices or the scope has none): central, and with the low and high retirements."""
    variants = {"central": "shortfall_t", "low": "shortfall_low_t", "high": "shortfall_high_t"}
    present = {k: v for k, v in variants.items() if v in comparison.columns}
    started = comparison.filter(pl.col("year") >= pl.col("year").filter(pl.col("capacity_t") > 0).min().over("scope"))
    scopes = comparison.select("scope").unique(maintain_order=True)
    first = started.group_by("scope").agg(
        pl.col("year").filter(pl.col(column) > 0).min().alias(name) for name, column in present.items()
    )
    return scopes.join(first, on="scope", how="left").cast({name: pl.Int32 for name in present})
