"""Which years are complete enough to be shown first: one report for a month that has only just begun must not
turn the province's default view into an empty year.

The rule (docs/indicators.md, section 1): a year is **complete** when its flows come from at least
REPORTER_SHARE of the facilities that have flows in the latest earlier complete year and add up to at least
TONNE_SHARE of that year's tonnes; the first year with flows is complete. The **default year** is the latest
complete year; every other year stays selectable, and a year that is not complete is shown as partial.
"""

from __future__ import annotations

import polars as pl

REPORTER_SHARE = 0.9
"""A complete year has flows from at least this share of the facilities with flows in the year before."""
TONNE_SHARE = 0.8
"""A complete year has at least this share of the tonnes of the year before."""

COVERAGE_SCHEMA = pl.Schema({"year": pl.Int32, "facilities": pl.UInt32, "tonnes": pl.Float64, "complete": pl.Boolean})


def coverage(flows: pl.DataFrame | pl.LazyFrame, years: list[int] | None = None) -> pl.DataFrame:
    """One row per year of `years` (default: the years with flows): how many facilities have flows in it (at either
    end), its tonnes, and whether it is complete against the latest earlier complete year."""
    per_year = (
        flows.lazy()
        .select("year", pl.concat_list("source", "target").alias("ends"), "quantity_t")
        .group_by("year")
        .agg(
            pl.col("ends").explode().drop_nulls().n_unique().cast(pl.UInt32).alias("facilities"),
            pl.col("quantity_t").fill_null(0.0).sum().cast(pl.Float64).alias("tonnes"),
        )
        .collect()
    )
    found = {row["year"]: (row["facilities"], row["tonnes"]) for row in per_year.iter_rows(named=True)}
    rows = []
    before: tuple[int, float] | None = None
    for year in sorted(set(years if years is not None else found)):
        facilities, tonnes = found.get(year, (0, 0.0))
        if before is None:
            complete = facilities > 0
        else:
            complete = facilities >= REPORTER_SHARE * before[0] and tonnes >= TONNE_SHARE * before[1]
        complete = complete and facilities > 0
        rows.append((year, facilities, tonnes, complete))
        if complete:
            before = (facilities, tonnes)
    return pl.DataFrame(rows, schema=COVERAGE_SCHEMA, orient="row")


def default_year(years: pl.DataFrame) -> int | None:
    """The latest complete year of a coverage frame; the latest year when none is complete; None without years."""
    if years.is_empty():
        return None
    complete = years.filter(pl.col("complete"))["year"]
    return int(complete.max() if not complete.is_empty() else years["year"].max())  # type: ignore[arg-type]


def partial_years(years: pl.DataFrame) -> list[int]:
    """The years of a coverage frame that are not complete (shown as partial)."""
    return years.filter(~pl.col("complete"))["year"].to_list()
