"""Recorded retirements: what the flows say was retired, defined as the `battery_retired_t` indicator is (flows of
the product or anything below it out of `source` facilities, placed in the city of the source), for any product.

For a group, only what the model covers is counted: the modelled products, what lies below them, and the groups
between them and the group (a flow recorded under `power_battery` itself counts for it), so that a group such as
`renewable` is not compared with all the scrap steel of the province."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from mfa.domain.outlook.stock_model import PROVINCE
from mfa.domain.vocabulary import ancestors, descendants

RECORDED_SCHEMA = {"year": pl.Int32, "scope": pl.String, "product": pl.String, "recorded_t": pl.Float64}


def recorded_retirements(
    flows: pl.DataFrame | pl.LazyFrame,
    parents: Mapping[str, str | None],
    products: Iterable[str],
    years: Iterable[int],
    modelled: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Recorded retirements per year in `years` (zero where none was recorded), scope (every city with any, and the
    province) and product, from flows with the analysis frame's `year, material, quantity_t, source_kind,
    source_city` columns; with `modelled` (the products with inflows), a group counts only what they cover."""
    years = sorted(set(years))
    lazy = flows.lazy() if isinstance(flows, pl.DataFrame) else flows
    covered: set[str] | None = None
    if modelled is not None:
        leaves = list(modelled)
        covered = descendants(parents, leaves) | {a for leaf in leaves for a in ancestors(parents, leaf)}
    parts = []
    for product in dict.fromkeys(products):
        below = descendants(parents, [product])
        codes = sorted(below if covered is None else below & covered)
        rows = lazy.filter(
            pl.col("material").is_in(codes), pl.col("source_kind") == "source", pl.col("year").is_in(years)
        ).select("year", pl.col("source_city").alias("scope"), pl.col("quantity_t").fill_null(0.0))
        by_city = rows.filter(pl.col("scope").is_not_null()).group_by("year", "scope").agg(pl.col("quantity_t").sum())
        total = rows.group_by("year").agg(pl.col("quantity_t").sum()).with_columns(pl.lit(PROVINCE).alias("scope"))
        parts.append(
            pl.concat([by_city, total.select("year", "scope", "quantity_t")]).with_columns(
                pl.lit(product).alias("product")
            )
        )
    if not parts or not years:
        return pl.DataFrame(schema=RECORDED_SCHEMA)
    found = (
        pl.concat(parts)
        .rename({"quantity_t": "recorded_t"})
        .collect()
        .select(list(RECORDED_SCHEMA))
        .cast(RECORDED_SCHEMA)  # type: ignore[arg-type]
    )
    keys = found.select("scope", "product").unique()
    grid = keys.join(pl.DataFrame({"year": years}, schema={"year": pl.Int32}), how="cross")
    return (
        grid.join(found, on=["year", "scope", "product"], how="left")
        .with_columns(pl.col("recorded_t").fill_null(0.0))
        .select(list(RECORDED_SCHEMA))
        .sort("scope", "product", "year")
    )


def beside_recorded(rows: pl.DataFrame, recorded: pl.DataFrame, years: Iterable[int]) -> pl.DataFrame:
    """The model's rows with `recorded_t` for the recorded `years` (zero where nothing was recorded, null in other
    years) and `ratio` = recorded ÷ modelled retirements (null where the model retires nothing)."""
    years = sorted(set(years))
    joined = rows.join(recorded, on=["year", "scope", "product"], how="left")
    past = pl.col("year").is_in(years)
    recorded_t = pl.when(past).then(pl.col("recorded_t").fill_null(0.0)).otherwise(None)
    return joined.with_columns(recorded_t.alias("recorded_t")).with_columns(
        pl.when(pl.col("outflow_t") > 0).then(pl.col("recorded_t") / pl.col("outflow_t")).otherwise(None).alias("ratio")
    )
