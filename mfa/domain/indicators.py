"""Circular-economy indicators computed from the tidy flow frame (definitions: docs/indicators.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, get_args

import polars as pl

from mfa.domain.flowframe import PROVINCE, Scope, ScopeLevel, Side, in_scope, period_predicates
from mfa.domain.vocabulary import RECOVERY_KINDS, UTILIZATION_KINDS, descendants, root_of

MaterialLevel = Literal["material", "category", "group"]

RENEWABLE = "renewable"
BULK_SOLID_WASTE = "bulk_solid_waste"
POWER_BATTERY = "power_battery"

INDICATORS: tuple[str, ...] = (
    "renewable_recycled_t",
    "bulk_waste_generated_t",
    "bulk_waste_utilized_t",
    "bulk_waste_utilized_from_stock_t",
    "bulk_waste_utilization_rate",
    "battery_retired_t",
    "battery_reused_t",
    "battery_recycled_t",
)
"""Every indicator computed from flows, in display order."""

RATE_INDICATORS: tuple[str, ...] = ("bulk_waste_utilization_rate",)
"""Indicators that are fractions (0.57, not 57); all others are tonnes."""

TONNAGE_INDICATORS: tuple[str, ...] = tuple(i for i in INDICATORS if i not in RATE_INDICATORS)
"""Indicators in tonnes, additive over parks, cities and materials."""

SCOPED_BY: dict[str, Side] = {
    name: "source" if name in ("bulk_waste_generated_t", "battery_retired_t") else "target"
    for name in TONNAGE_INDICATORS
}
"""Which end of a flow places it in a park or city: the source for generation, the target otherwise."""

FLOW_COLUMNS = (
    "year",
    "month",
    "material",
    "quantity_t",
    "source_kind",
    "target_kind",
    "source_park",
    "target_park",
    "source_city",
    "target_city",
)


def _counted(parents: Mapping[str, str | None]) -> dict[str, pl.Expr]:
    """For each tonnage indicator, the predicate telling whether a flow counts toward it."""
    renewable = sorted(descendants(parents, [RENEWABLE]))
    bulk = sorted(descendants(parents, [BULK_SOLID_WASTE]))
    battery = sorted(descendants(parents, [POWER_BATTERY]))
    material, source_kind, target_kind = pl.col("material"), pl.col("source_kind"), pl.col("target_kind")
    recovery, utilization = sorted(RECOVERY_KINDS), sorted(UTILIZATION_KINDS)
    bulk_utilized = material.is_in(bulk) & target_kind.is_in(utilization) & ~source_kind.is_in(utilization)
    return {
        "renewable_recycled_t": material.is_in(renewable) & target_kind.is_in(recovery) & ~source_kind.is_in(recovery),
        "bulk_waste_generated_t": material.is_in(bulk) & (source_kind == "source"),
        "bulk_waste_utilized_t": bulk_utilized,
        "bulk_waste_utilized_from_stock_t": bulk_utilized & (source_kind == "storage"),
        "battery_retired_t": material.is_in(battery) & (source_kind == "source"),
        "battery_reused_t": material.is_in(battery) & (target_kind == "reuse"),
        "battery_recycled_t": material.is_in(battery) & (target_kind == "recycling"),
    }


RATE_BASIS: tuple[str, ...] = ("bulk_waste_utilized_t", "bulk_waste_generated_t", "bulk_waste_utilized_from_stock_t")
"""What the utilization rate is made of: its numerator and the parts of its denominator."""


def counts_toward(parents: Mapping[str, str | None], indicator: str, scope: Scope = PROVINCE) -> pl.Expr:
    """True for the flows that count toward `indicator` in `scope` (for the rate: toward any of RATE_BASIS)."""
    counted = _counted(parents)
    names = RATE_BASIS if indicator in RATE_INDICATORS else (indicator,)
    return pl.any_horizontal(*(counted[name] & in_scope(scope, SCOPED_BY[name]) for name in names))


def _summed(lf: pl.LazyFrame, scope: Scope) -> pl.LazyFrame:
    """Flows summed per (material, source kind, target kind[, scope columns]) with their count: every indicator
    depends on nothing else, and the predicates then run on a few thousand rows instead of every flow."""
    keys = ["material", "source_kind", "target_kind"]
    if scope.level != "province":
        keys += [f"source_{scope.level}", f"target_{scope.level}"]
    return lf.group_by(keys).agg(pl.col("quantity_t").cast(pl.Float64).sum(), pl.len().alias("__n"))


def presummed(
    flows: pl.DataFrame | pl.LazyFrame, *, year: int, month: int | None = None, scope: Scope = PROVINCE
) -> pl.DataFrame:
    """The flows of a period summed by what the indicators read (period, material, kinds, scope columns): pass it
    to compute_indicators and indicators_by_material to answer several questions of that scope from one pass."""
    keys = ["year", "month", "material", "source_kind", "target_kind"]
    if scope.level != "province":
        keys += [f"source_{scope.level}", f"target_{scope.level}"]
    return (
        flows.lazy()
        .filter(*period_predicates(year, month))
        .group_by(keys)
        .agg(pl.col("quantity_t").cast(pl.Float64).sum())
        .collect()
    )


def _rate() -> pl.Expr:
    denominator = pl.col("bulk_waste_generated_t") + pl.col("bulk_waste_utilized_from_stock_t")
    return (
        pl.when(denominator != 0)
        .then(pl.col("bulk_waste_utilized_t") / denominator)
        .otherwise(None)
        .alias("bulk_waste_utilization_rate")
    )


def utilization_rate(utilized_t: float, generated_t: float, utilized_from_stock_t: float) -> float | None:
    """The official rate: utilized / (generated + utilized from old stock); None if that sum is 0."""
    denominator = generated_t + utilized_from_stock_t
    return utilized_t / denominator if denominator != 0 else None


def compute_indicators(
    flows: pl.DataFrame | pl.LazyFrame,
    parents: Mapping[str, str | None],
    *,
    year: int,
    month: int | None = None,
    scope: Scope = PROVINCE,
) -> dict[str, float | None]:
    """Every indicator of one period and scope; an empty scope gives 0.0 tonnes and a None rate."""
    counted = _counted(parents)
    quantity = pl.col("quantity_t")
    row = (
        _summed(flows.lazy().filter(*period_predicates(year, month)), scope)
        .select(
            quantity.filter(counted[name] & in_scope(scope, SCOPED_BY[name])).sum().alias(name)
            for name in TONNAGE_INDICATORS
        )
        .collect()
        .row(0, named=True)
    )
    values: dict[str, float | None] = {name: float(row[name]) for name in TONNAGE_INDICATORS}
    values["bulk_waste_utilization_rate"] = utilization_rate(
        row["bulk_waste_utilized_t"], row["bulk_waste_generated_t"], row["bulk_waste_utilized_from_stock_t"]
    )
    return {name: values[name] for name in INDICATORS}


def indicators_by_scope(
    flows: pl.DataFrame | pl.LazyFrame,
    parents: Mapping[str, str | None],
    *,
    years: Sequence[int],
    level: ScopeLevel = "province",
) -> pl.DataFrame:
    """All indicators of `years` for the province or each city/park, long: year, scope_level, scope,
    indicator, value; a (year, scope) appears once a flow counts toward one of its indicators."""
    if level not in get_args(ScopeLevel):
        raise ValueError(f"unknown scope level {level!r}; expected one of {get_args(ScopeLevel)}")
    counted = _counted(parents)
    quantity = pl.col("quantity_t").cast(pl.Float64)
    base = flows.lazy().filter(pl.col("year").is_in(list(years)))

    def by_side(side: Side) -> pl.LazyFrame:
        names = [name for name in TONNAGE_INDICATORS if SCOPED_BY[name] == side]
        scope = pl.lit("province") if level == "province" else pl.col(f"{side}_{level}")
        return (
            base.filter(pl.any_horizontal(counted[name] for name in names))
            .group_by(pl.col("year").cast(pl.Int32), scope.alias("scope"))
            .agg(quantity.filter(counted[name]).sum().alias(name) for name in names)
            .filter(pl.col("scope").is_not_null())
        )

    wide = (
        by_side("source")
        .join(by_side("target"), on=["year", "scope"], how="full", coalesce=True)
        .with_columns(pl.col(TONNAGE_INDICATORS).fill_null(0.0))
        .with_columns(_rate())
    )
    return (
        wide.unpivot(index=["year", "scope"], on=list(INDICATORS), variable_name="indicator", value_name="value")
        .sort("year", "scope", maintain_order=True)
        .select("year", pl.lit(level).alias("scope_level"), "scope", "indicator", "value")
        .collect()
    )


def _category(parents: Mapping[str, str | None], code: str) -> str:
    """The ancestor of `code` just below its top-level group (itself if it is a group or a category)."""
    seen: set[str] = set()
    while (parent := parents.get(code)) is not None and parents.get(parent) is not None and code not in seen:
        seen.add(code)
        code = parent
    return code


def indicators_by_material(
    flows: pl.DataFrame | pl.LazyFrame,
    parents: Mapping[str, str | None],
    *,
    year: int,
    month: int | None = None,
    scope: Scope = PROVINCE,
    level: MaterialLevel = "material",
) -> pl.DataFrame:
    """The composition of each tonnage indicator: indicator, material, group, value; `level` "category"
    adds materials up to the category below their group (scrap_copper -> scrap_nonferrous), "group"
    to the group itself. Values sum to the totals of compute_indicators."""
    if level not in get_args(MaterialLevel):
        raise ValueError(f"unknown material level {level!r}; expected one of {get_args(MaterialLevel)}")
    counted = _counted(parents)
    lf = flows.lazy().filter(*period_predicates(year, month))
    rename = {
        "material": {},
        "category": {code: _category(parents, code) for code in parents},
        "group": {code: root_of(parents, code) for code in parents},
    }[level]
    quantity = pl.col("quantity_t")
    # One pass: each indicator's tonnes and counted flows per material as conditional aggregates; a row is kept
    # where at least one flow counts toward the indicator (as filtering by indicator first would give).
    inside = {name: counted[name] & in_scope(scope, SCOPED_BY[name]) for name in TONNAGE_INDICATORS}
    wide = (
        _summed(lf, scope)
        .group_by(pl.col("material").replace_strict(rename, default=pl.col("material")))
        .agg(
            *(quantity.filter(inside[name]).sum().alias(name) for name in TONNAGE_INDICATORS),
            *(pl.col("__n").filter(inside[name]).sum().alias(f"{name}__n") for name in TONNAGE_INDICATORS),
        )
    )
    parts = [
        wide.filter(pl.col(f"{name}__n") > 0).select(
            pl.lit(name).alias("indicator"), "material", pl.col(name).alias("value")
        )
        for name in TONNAGE_INDICATORS
    ]
    groups = {code: root_of(parents, code) for code in parents}
    return (
        pl.concat(parts)
        .with_columns(group=pl.col("material").replace_strict(groups, default=pl.col("material")))
        .with_columns(rank=pl.col("indicator").replace_strict(INDICATORS, list(range(len(INDICATORS)))))
        .sort(["rank", "value", "material"], descending=[False, True, False])
        .select("indicator", "material", "group", "value")
        .collect()
    )
