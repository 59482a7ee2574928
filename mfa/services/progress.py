"""The questions about indicators and targets that the CLI and the app ask: a period's indicators by material and
group, every target with its path, progress and projection, and which cities, parks and materials explain a gap.
These functions read and call the pure modules (mfa.domain.indicators, mfa.domain.targets); they compute nothing
themselves."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import Engine

from mfa.domain import coverage, indicators, targets
from mfa.domain.flowframe import Scope
from mfa.domain.indicators import INDICATORS, RATE_INDICATORS, TONNAGE_INDICATORS
from mfa.domain.targets import evaluate_targets, gap_attribution, reference_year
from mfa.services import loading
from mfa.services.loading import Data
from mfa.storage import reads

PROJECTION_COLUMNS = ("projected_value", "projected_year_reached", "trend_per_year")


ACTUAL_SCHEMA = pl.Schema([*targets.ACTUAL_SCHEMA.items(), ("reported", pl.Boolean())])
"""Actual values with whether each was reported (true) or computed from flows (false)."""


def year_coverage(engine: Engine) -> pl.DataFrame:
    """Every year from the first to the last with flows: facilities with flows, tonnes, and whether the year is
    complete enough to be shown first (mfa.domain.coverage)."""
    data = loading.load(engine, collect=False)
    return coverage.coverage(data.flows, data.years)


def default_year(engine: Engine) -> int | None:
    """The year the CLI and the app show when none is asked: the latest complete year (mfa.domain.coverage)."""
    return coverage.default_year(year_coverage(engine))


def targets_frame(engine: Engine) -> pl.DataFrame:
    """Every target (indicator, scope_level, scope, baseline, target, direction, source)."""
    with engine.connect() as conn:
        return reads.target_table(conn)


def reported_frame(engine: Engine) -> pl.DataFrame:
    """Reported values as actuals (reported = true)."""
    with engine.connect() as conn:
        return reads.reported_table(conn).with_columns(pl.lit(True).alias("reported"))


def actuals(data: Data, reported: pl.DataFrame, levels: set[str], up_to: int) -> pl.DataFrame:
    """Computed indicators of every year up to `up_to` at the given scope levels, plus reported values."""
    span = [y for y in data.years if y <= up_to]
    parts = [reported]
    for level in sorted(levels):
        computed = indicators.indicators_by_scope(data.flows, data.parents, years=span, level=level)  # type: ignore[arg-type]
        parts.append(
            computed.select(*ACTUAL_SCHEMA.keys() - {"reported"}).with_columns(pl.lit(False).alias("reported"))
        )
    return pl.concat([p.select(list(ACTUAL_SCHEMA)).cast(ACTUAL_SCHEMA) for p in parts])


def target_report(engine: Engine, data: Data, *, year: int, scope: Scope | None = None) -> pl.DataFrame:
    """Every target (of one scope, if given) with actual, path, progress, on_track, projection."""
    targets = targets_frame(engine)
    if scope is not None:
        targets = targets.filter(pl.col("scope_level") == scope.level, pl.col("scope") == (scope.code or "province"))
    found = actuals(data, reported_frame(engine), set(targets["scope_level"].unique().to_list()), year)
    return evaluate_targets(targets, found, year=year)


def gap_report(data: Data, target: dict[str, Any], *, year: int) -> dict[str, pl.DataFrame]:
    """Which cities, parks and materials explain the shortfall of one flow-based target."""
    indicator = target["indicator"]
    if indicator not in INDICATORS or target["scope_level"] != "province":
        return {}
    span = [y for y in data.years if y <= year]
    out: dict[str, pl.DataFrame] = {}
    for level in ("city", "park"):
        parts = indicators.indicators_by_scope(data.flows, data.parents, years=span, level=level)
        out[level] = gap_attribution(target, parts, year=year)
    if indicator in TONNAGE_INDICATORS:
        # Only the reference year (the rule of gap_attribution) and the year itself matter for the shares.
        totals = indicators.indicators_by_scope(data.flows, data.parents, years=span, level="province")
        totals = totals.filter(pl.col("indicator") == indicator).select("year", "value")
        reference = reference_year(totals, target.get("baseline_year"))
        frames = [
            indicators.indicators_by_material(data.flows, data.parents, year=y, level="category").with_columns(
                pl.lit(y, dtype=pl.Int32).alias("year")
            )
            for y in sorted({year, *([reference] if reference is not None else [])})
        ]
        out["material"] = gap_attribution(
            target, pl.concat(frames).rename({"material": "scope"}), year=year, part_column="scope"
        ).with_columns(pl.lit("material").alias("part_level"))
    return out


def indicator_report(engine: Engine, data: Data, *, year: int, month: int | None, scope: Scope) -> dict[str, Any]:
    """The JSON-ready answer of `mfa indicators`: values, composition by material and group, targets."""
    summed = indicators.presummed(data.flows, year=year, month=month, scope=scope)  # one pass over the flows
    values = indicators.compute_indicators(summed, data.parents, year=year, month=month, scope=scope)
    by_material = indicators.indicators_by_material(summed, data.parents, year=year, month=month, scope=scope)
    by_group = by_material.group_by("indicator", "group").agg(pl.col("value").sum()).rename({"group": "material"})
    targets = pl.DataFrame()
    if month is None:  # the year alone: projections and gaps need earlier years (see target_report)
        goals = targets_frame(engine).filter(
            pl.col("scope_level") == scope.level, pl.col("scope") == (scope.code or "province")
        )
        computed = pl.DataFrame(
            [(name, scope.level, scope.code or "province", year, value, False) for name, value in values.items()],
            schema=ACTUAL_SCHEMA,
            orient="row",
        )
        found = pl.concat([reported_frame(engine).cast(ACTUAL_SCHEMA), computed])
        targets = evaluate_targets(goals, found, year=year).drop(PROJECTION_COLUMNS)
    return {
        "period": f"{year}" if month is None else f"{year}-{month:02d}",
        "scope": {"level": scope.level, "code": scope.code or "province"},
        "indicators": values,
        "units": {name: ("fraction" if name in RATE_INDICATORS else "t") for name in INDICATORS},
        "by_material": _nested(by_material),
        "by_group": _nested(by_group),
        "targets": targets.to_dicts(),
    }


def _nested(frame: pl.DataFrame) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for row in frame.filter(pl.col("value") != 0).iter_rows(named=True):
        out.setdefault(row["indicator"], {})[row["material"]] = row["value"]
    return out


def flagged_links(engine: Engine, year: int) -> pl.DataFrame:
    """The links (source, target, material) that a reconciliation of the province's `year`, run now on the data as
    they stand, flags as suspect (mfa.domain.reliance.SUSPECT_FLAGS); empty when the year cannot be reconciled."""
    from mfa.domain.reliance import SUSPECT_FLAGS
    from mfa.services.reconciling import reconcile_year

    try:
        result = reconcile_year(engine, year=year).result.flows
    except (ValueError, ArithmeticError):  # nothing to reconcile: no flag, and the figures say nothing about it
        return pl.DataFrame(schema={"source": pl.String, "target": pl.String, "material": pl.String})
    return result.filter(pl.col("flag").cast(pl.String).is_in(SUSPECT_FLAGS)).select("source", "target", "material")


def reliance_report(
    data: Data,
    *,
    year: int,
    month: int | None = None,
    scope: Scope | None = None,
    flagged: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """How much of each indicator of the period and scope rests on flows the reconciliation flags (`flagged`, from
    flagged_links), on disputed or one-sided hand-overs, on estimates and on figures of unstated quality
    (mfa.domain.reliance)."""
    from mfa.domain.flowframe import PROVINCE
    from mfa.domain.reliance import reliance, with_flags

    flows = with_flags(data.flows, flagged)
    return reliance(flows, data.parents, year=year, month=month, scope=scope or PROVINCE)


def concerned_flows(
    data: Data,
    indicator: str,
    *,
    year: int,
    scope: Scope | None = None,
    flagged: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The flows behind the shares of reliance_report for one indicator: those of a concern, largest first."""
    from mfa.domain import reliance
    from mfa.domain.flowframe import PROVINCE

    flows = reliance.with_flags(data.flows, flagged)
    return reliance.concerned_flows(flows, data.parents, indicator, year=year, scope=scope or PROVINCE)
