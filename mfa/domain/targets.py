"""Targets against actual indicator values: the path to the target, progress, projection and gap."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import polars as pl

from mfa.domain.flowframe import require_columns
from mfa.domain.indicators import RATE_INDICATORS, TONNAGE_INDICATORS

Direction = Literal["at_least", "at_most"]
DIRECTIONS: tuple[Direction, ...] = ("at_least", "at_most")

TARGET_SCHEMA = pl.Schema(
    {
        "indicator": pl.String,
        "scope_level": pl.String,
        "scope": pl.String,
        "baseline_year": pl.Int32,
        "baseline_value": pl.Float64,
        "target_year": pl.Int32,
        "target_value": pl.Float64,
        "direction": pl.String,
        "source": pl.String,
    }
)
"""A target: the indicator, where (scope_level, scope), from where (baseline) to what (target_value) by when, in
which direction, and the source of the figure. The one definition of the target columns."""
TARGET_COLUMNS: tuple[str, ...] = tuple(TARGET_SCHEMA)
TARGET_KEY = ("indicator", "scope_level", "scope", "target_year")
ACTUAL_SCHEMA = pl.Schema(
    {"indicator": pl.String, "scope_level": pl.String, "scope": pl.String, "year": pl.Int32, "value": pl.Float64}
)
"""An indicator's value in one year and scope, computed from flows or reported."""
ACTUAL_KEY = ("indicator", "scope_level", "scope", "year")
PROJECTION_WINDOW = 5
"""Years of actuals (the evaluated year and the 4 before it) the projection line is fitted to."""
PROJECTION_HORIZON = 2100
"""The last year projected_year_reached looks at."""
_EPS = 1e-9


def _path_expr(year: int) -> pl.Expr:
    """Straight line from (baseline_year, baseline_value) to (target_year, target_value) at `year`,
    held at the baseline before it and at the target after; the target itself without a baseline."""
    baseline_year, baseline_value = pl.col("baseline_year"), pl.col("baseline_value")
    target_year, target_value = pl.col("target_year"), pl.col("target_value")
    fraction = ((year - baseline_year) / (target_year - baseline_year)).clip(0.0, 1.0)
    return (
        pl.when(baseline_year.is_not_null() & baseline_value.is_not_null() & (target_year > baseline_year))
        .then(baseline_value + (target_value - baseline_value) * fraction)
        .otherwise(target_value)
    )


def target_path(target: Mapping[str, Any], year: int) -> float:
    """The value the path of one target row (a mapping with the targets columns) asks for in `year`."""
    row = pl.DataFrame([{name: target.get(name) for name in TARGET_SCHEMA}], schema=TARGET_SCHEMA, orient="row")
    return float(row.select(_path_expr(year)).item())


def resolve_actuals(actuals: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """One value per (indicator, scope_level, scope, year): a reported value wins over a computed one."""
    require_columns(actuals, [*ACTUAL_KEY, "value", "reported"], "actuals")
    return (
        actuals.lazy()
        .select(*ACTUAL_KEY, "value", "reported")
        .filter(pl.col("value").is_not_null())
        .with_columns(pl.col("year").cast(pl.Int32), pl.col("value").cast(pl.Float64))
        .sort("reported", descending=True, maintain_order=True)
        .unique(subset=list(ACTUAL_KEY), keep="first", maintain_order=True)
    )


def _check_targets(targets: pl.DataFrame) -> None:
    require_columns(targets, TARGET_COLUMNS, "targets")
    wrong = set(targets["direction"].unique().to_list()) - set(DIRECTIONS)
    if wrong:
        raise ValueError(f"unknown target direction(s) {sorted(map(str, wrong))}; expected {DIRECTIONS}")


def _meets(value: pl.Expr, goal: pl.Expr) -> pl.Expr:
    """Whether `value` is at or beyond `goal` in the target's direction (with a relative 1e-9 slack)."""
    slack = goal.abs() * _EPS
    return pl.when(pl.col("direction") == "at_least").then(value >= goal - slack).otherwise(value <= goal + slack)


def evaluate_targets(targets: pl.DataFrame, actuals: pl.DataFrame | pl.LazyFrame, *, year: int) -> pl.DataFrame:
    """Per target row: the actual of `year`, the path value, progress, whether on track, the growth
    still needed and a linear projection (columns and formulas: docs/indicators.md)."""
    _check_targets(targets)
    key = ["indicator", "scope_level", "scope"]
    rows = targets.lazy().select(TARGET_COLUMNS).cast(TARGET_SCHEMA).with_row_index("_row")
    resolved = resolve_actuals(actuals)
    current = resolved.filter(pl.col("year") == year).select(*key, actual="value", reported="reported")
    fit = (
        rows.select("_row", *key)
        .join(resolved.filter(pl.col("year").is_between(year - PROJECTION_WINDOW + 1, year)), on=key)
        .with_columns(x=pl.col("year").cast(pl.Float64), y=pl.col("value"))
        .group_by("_row")
        .agg(
            n=pl.len(),
            x_mean=pl.col("x").mean(),
            y_mean=pl.col("y").mean(),
            sxy=((pl.col("x") - pl.col("x").mean()) * (pl.col("y") - pl.col("y").mean())).sum(),
            sxx=((pl.col("x") - pl.col("x").mean()) ** 2).sum(),
        )
        .with_columns(slope=pl.when((pl.col("n") >= 2) & (pl.col("sxx") > 0)).then(pl.col("sxy") / pl.col("sxx")))
    )
    actual, target_value, target_year = pl.col("actual"), pl.col("target_value"), pl.col("target_year")
    slope, x_mean, y_mean = pl.col("slope"), pl.col("x_mean"), pl.col("y_mean")
    years_left = target_year - year
    at_least = pl.col("direction") == "at_least"
    # The projection runs from the year's actual (the fitted line's value without one) with the fitted slope, so
    # the line drawn from the last actual and the year it reaches the target are one and the same.
    line_now = pl.coalesce(actual, y_mean + slope * (year - x_mean))
    crossing = (year + (target_value - line_now) / slope - _EPS).ceil()
    reached = (
        pl.when(_meets(line_now, target_value))
        .then(pl.lit(year, pl.Float64))
        .when(pl.when(at_least).then(slope > 0).otherwise(slope < 0))
        .then(pl.max_horizontal(crossing, pl.lit(year, pl.Float64)))
    )
    return (
        rows.join(current, on=key, how="left", maintain_order="left")
        .join(fit, on="_row", how="left")
        .with_columns(year=pl.lit(year, pl.Int32), path_value=_path_expr(year))
        .with_columns(
            progress=pl.when(at_least)
            .then(pl.when(target_value != 0).then(actual / target_value))
            .otherwise(pl.when(actual != 0).then(target_value / actual)),
            on_track=_meets(actual, pl.col("path_value")),
            needed_growth_per_year=pl.when(years_left > 0).then((target_value - actual) / years_left),
            needed_growth_rate=pl.when((years_left > 0) & (target_value > 0) & (actual > 0)).then(
                (target_value / actual) ** (1.0 / years_left) - 1.0
            ),
            projected_value=line_now + slope * (target_year - year),
            trend_per_year=slope,
            projected_year_reached=pl.when(reached <= PROJECTION_HORIZON).then(reached).cast(pl.Int32),
            reported=pl.col("reported").fill_null(False),
        )
        .sort("_row")
        .select(
            *TARGET_COLUMNS,
            "year",
            "actual",
            "path_value",
            "progress",
            "on_track",
            "needed_growth_per_year",
            "needed_growth_rate",
            "projected_value",
            "projected_year_reached",
            "trend_per_year",
            "reported",
        )
        .collect()
    )


def reference_year(totals: pl.DataFrame, baseline_year: int | None) -> int | None:
    """The baseline year if its total is positive, else the earliest year with a positive total."""
    positive = totals.filter(pl.col("value") > 0)
    if baseline_year is not None and baseline_year in positive["year"].to_list():
        return baseline_year
    return int(positive["year"].min()) if positive.height else None  # type: ignore[arg-type]


def gap_attribution(
    target: str | Mapping[str, Any],
    parts: pl.DataFrame,
    *,
    year: int,
    path_value: float | None = None,
    baseline_year: int | None = None,
    direction: Direction | None = None,
    part_column: str = "scope",
    additive: bool = False,
) -> pl.DataFrame:
    """Split the gap between the path and the actual of `year` over parts (cities, parks, materials).

    `target` is an indicator name or a target row (as from `targets.row(i, named=True)`), which then
    supplies path_value, baseline_year and direction unless given. `parts` is long: year, indicator,
    value and `part_column` (e.g. indicators_by_scope output, or indicators_by_material frames with a
    year column), optionally part_level or scope_level. A tonnage part is expected path × its share in
    the reference year; for the utilization rate, path rate × its denominator (tonnes). A positive gap
    is a shortfall (at_least: expected − actual; at_most: actual − expected). Other indicators raise
    unless `additive` says they add up over parts (counts, say)."""
    if isinstance(target, str):
        indicator = target
    else:
        indicator = str(target["indicator"])
        baseline_year = baseline_year if baseline_year is not None else target.get("baseline_year")
        direction = direction or target.get("direction")
        if path_value is None:
            path_value = target_path(target, year)
    if path_value is None:
        raise ValueError("gap_attribution needs path_value when given an indicator name")
    sign = -1.0 if direction == "at_most" else 1.0
    require_columns(parts, ["year", "indicator", "value", part_column], "parts")
    level = next((c for c in ("part_level", "scope_level") if c in parts.columns), None)
    tidy = parts.select(
        part_level=pl.col(level) if level else pl.lit(part_column),
        part=pl.col(part_column),
        year=pl.col("year").cast(pl.Int32),
        indicator=pl.col("indicator"),
        value=pl.col("value").cast(pl.Float64),
    ).filter(pl.col("value").is_not_null())
    if indicator in RATE_INDICATORS:
        now = (
            tidy.filter(pl.col("year") == year)
            .group_by("part_level", "part")
            .agg(
                actual=pl.col("value").filter(pl.col("indicator") == "bulk_waste_utilized_t").sum(),
                denominator=pl.col("value")
                .filter(pl.col("indicator").is_in(["bulk_waste_generated_t", "bulk_waste_utilized_from_stock_t"]))
                .sum(),
            )
            .with_columns(expected=pl.col("denominator") * path_value)
        )
    elif indicator in TONNAGE_INDICATORS or additive:
        rows = tidy.filter(pl.col("indicator") == indicator)
        reference = reference_year(rows.group_by("year").agg(pl.col("value").sum()), baseline_year)
        current = rows.filter(pl.col("year") == year).group_by("part_level", "part").agg(actual=pl.col("value").sum())
        shares = None
        if reference is not None:
            shares = (
                rows.filter(pl.col("year") == reference)
                .group_by("part_level", "part")
                .agg(share=pl.col("value").sum())
                .with_columns(share=pl.col("share") / pl.col("share").sum())
            )
            if not shares["share"].is_finite().all():  # the year's total is too small to divide by (subnormal)
                shares = None
        if shares is None:  # no year with data: every part present now gets an equal share
            shares = current.select("part_level", "part", share=pl.lit(1.0) / pl.len())
        now = current.join(shares, on=["part_level", "part"], how="full", coalesce=True).with_columns(
            actual=pl.col("actual").fill_null(0.0), expected=pl.col("share").fill_null(0.0) * path_value
        )
    else:
        raise ValueError(f"{indicator!r} is not additive over parts; pass additive=True if it is")
    gap = sign * (pl.col("expected") - pl.col("actual"))
    return (
        now.with_columns(gap=gap)
        .with_columns(share_of_gap=pl.when(pl.col("gap").sum() != 0).then(pl.col("gap") / pl.col("gap").sum()))
        .sort(["gap", "part"], descending=[True, False])
        .select("part_level", "part", "actual", "expected", "gap", "share_of_gap")
    )
