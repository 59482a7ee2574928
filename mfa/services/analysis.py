"""What the CLI and the app ask of the data: indicators, targets and gaps, balances, fate. One place for both.

These functions read (through the snapshot) and call the pure modules; they compute nothing themselves.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine

from mfa.domain import indicators
from mfa.domain.indicators import INDICATORS, RATE_INDICATORS, TONNAGE_INDICATORS, Scope
from mfa.domain.targets import evaluate_targets, gap_attribution, reference_year
from mfa.storage import reads, snapshot
from mfa.storage.reads import material_parents

PROJECTION_COLUMNS = ("projected_value", "projected_year_reached")
ACTUAL_SCHEMA = {**reads.ACTUAL_SCHEMA, "reported": pl.Boolean}


@dataclass(frozen=True)
class Data:
    """The frames every question starts from: flows of some years (from the snapshot), the tree, the facilities."""

    flows: pl.LazyFrame
    years: list[int]
    parents: dict[str, str | None]
    facilities: pl.DataFrame


def _facilities(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        return reads.facility_table(conn)


def load(engine: Engine, years: Iterable[int] | None = None, *, reconciled: bool = False, collect: bool = True) -> Data:
    """Flows of `years` (default: all; from the snapshot when current), the material tree and the facilities;
    with `reconciled`, quantities are the saved reconciled values where there are any. `collect` reads the flows
    into memory once (for many questions); without it each question scans only the columns it needs."""
    with engine.connect() as conn:
        parents = material_parents(conn)
    span = snapshot.year_span(engine) if years is None else sorted(set(years))
    flows = snapshot.flows_frame(engine, span)
    if reconciled:
        flows = flows.with_columns(pl.coalesce("reconciled_t", "quantity_t").alias("quantity_t"))
    if collect:
        flows = flows.collect().lazy()
    return Data(flows, span, parents, _facilities(engine))


def load_period(engine: Engine, year: int, month: int | None = None, *, reconciled: bool = False) -> Data:
    """What one period's indicators need: the year's snapshot when it is current; else the flows summed per link
    inside the database (as fast as plain SQL), while the snapshot is made in the background for next time."""
    if snapshot.is_current(engine, year):
        return load(engine, [year], reconciled=reconciled, collect=False)
    with engine.connect() as conn:
        parents = material_parents(conn)
        flows = reads.link_totals(conn, year, month, reconciled=reconciled)
    snapshot.make_later(engine.url.render_as_string(hide_password=False), [year])
    return Data(flows.lazy(), [year], parents, _facilities(engine))


def years(data: Data) -> list[int]:
    """The loaded years, oldest first."""
    return list(data.years)


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
    span = [y for y in years(data) if y <= up_to]
    parts = [reported]
    for level in sorted(levels):
        computed = indicators.indicators_by_scope(data.flows, data.parents, years=span, level=level)  # type: ignore[arg-type]
        parts.append(
            computed.select(*ACTUAL_SCHEMA.keys() - {"reported"}).with_columns(pl.lit(False).alias("reported"))
        )
    return pl.concat([p.select(list(ACTUAL_SCHEMA)).cast(ACTUAL_SCHEMA) for p in parts])  # type: ignore[arg-type]


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
    span = [y for y in years(data) if y <= year]
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
        found = pl.concat([reported_frame(engine).cast(ACTUAL_SCHEMA), computed])  # type: ignore[arg-type]
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


def _stocks(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        return reads.stock_table(conn)


def balance_report(engine: Engine, data: Data, *, year: int, month: int | None, tolerance: float) -> pl.DataFrame:
    """Mass balance of every facility for the period."""
    from mfa.domain import network  # networkx: imported only for the questions that need it

    return network.mass_balance(
        data.flows, _stocks(engine), data.facilities, year=year, month=month, tolerance=tolerance
    )


def trace_report(
    data: Data, *, year: int, facility: str | None, park: str | None, material: str | None, forward: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Where the material of a facility, a park or a material ends (or, backward, comes from)."""
    from mfa.domain import (
        fate,
        network,  # networkx and scipy: imported only for the questions that need them
    )

    if material is not None:
        shares = fate.trace_material(data.flows, data.facilities, data.parents, material, year=year)
        return shares, fate.fate_by_kind(shares)
    flows = indicators.select_flows(data.flows, data.parents, year=year)
    g = network.build_graph(flows, data.facilities)
    if facility is not None:
        if facility not in g:
            raise ValueError(f"facility {facility!r} has no flows in {year}")
        origins: list[Hashable] = [facility]
    else:
        origins = fate.park_origins(g, str(park))
        if not origins:
            raise ValueError(f"park {park!r} has no flows in {year}")
    shares = fate.trace_fate(g, origins, forward=forward)
    return shares, fate.fate_by_kind(shares)


def park_labels(engine: Engine, language: str) -> dict[str, str]:
    """Park code -> its name in the language (the code when the name is empty)."""
    with engine.connect() as conn:
        parks = reads.reference_tables(conn)["parks"]
    column = "name_zh" if language == "zh" else "name"
    return {code: (name or code) for code, name in parks.select("code", column).iter_rows()}


def sankey_for(
    engine: Engine,
    data: Data,
    *,
    year: int,
    month: int | None = None,
    scope: Scope | None = None,
    material: str | None = None,
    kind: str | None = None,
    level: str = "park",
    min_share: float = 0.0,
    language: str = "en",
) -> Any:
    """The Sankey data of the flows selected by period, scope (either end), material and facility kind (either
    end), aggregated at `level`: what the app draws and `mfa sankey` writes."""
    from mfa.domain.sankey.data import sankey_data

    flows = indicators.select_flows(data.flows, data.parents, year=year, month=month, scope=scope, material=material)
    if kind is not None:
        flows = flows.filter((pl.col("source_kind") == kind) | (pl.col("target_kind") == kind))
    labels = park_labels(engine, language) if level == "park" else {}
    return sankey_data(
        flows,
        data.facilities,
        data.parents,
        level=level,  # type: ignore[arg-type]
        min_share=min_share,
        language=language,  # type: ignore[arg-type]
        labels=labels,
        split_outside=True,
    )
