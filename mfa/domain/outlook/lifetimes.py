"""Lifetime distributions of products in use, as flodym models them, and which lifetime row applies to which cohort.

A lifetimes frame has one row per (product, cohort range): `product, distribution, shape, scale, mean, std`, the
optional range columns `shape_low ... std_high`, and `first_cohort, last_cohort` (null: open). A product without rows
of its own uses the rows of the nearest material above it that has some (a lifetime given for `power_battery`
applies to every chemistry that has none).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

Variant = Literal["central", "low", "high"]
InflowAt = Literal["middle", "start", "end"]

VARIANTS: tuple[Variant, ...] = ("central", "low", "high")
INFLOW_AT: tuple[InflowAt, ...] = ("middle", "start", "end")
"""flodym's time conventions: a year's inflow enters at the middle (default), the start or the end of the year."""

DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "weibull": ("shape", "scale"),
    "normal": ("mean", "std"),
    "lognormal": ("mean", "std"),
    "folded_normal": ("mean", "std"),
    "fixed": ("mean",),
}
"""Distribution -> the parameters it takes (flodym: WeibullLifetime(weibull_shape, weibull_scale),
NormalLifetime(mean, std), LogNormalLifetime(mean, std of the lognormal itself), FoldedNormalLifetime(mean, std
before folding), FixedLifetime(mean))."""

LOCATION: dict[str, str] = {d: ("scale" if d == "weibull" else "mean") for d in DISTRIBUTIONS}
"""The parameter that sets how long a distribution's products last: what calibration fits (the others are kept)."""

PARAMETERS: tuple[str, ...] = ("shape", "scale", "mean", "std")
RANGE_COLUMNS: tuple[str, ...] = tuple(f"{p}_{end}" for p in PARAMETERS for end in ("low", "high"))
LIFETIME_SCHEMA: dict[str, Any] = {
    "product": pl.String,
    "distribution": pl.String,
    **{p: pl.Float64 for p in (*PARAMETERS, *RANGE_COLUMNS)},
    "first_cohort": pl.Int32,
    "last_cohort": pl.Int32,
}


class OutlookError(ValueError):
    """The forecast cannot be made from these inputs; the message says which row or product and why, in one line."""


@dataclass(frozen=True)
class CohortLifetimes:
    """A product's lifetime over a run of cohorts: for each distribution used, the cohorts it covers (a mask over
    the years) and its parameters per cohort (arrays over the years; values outside the mask are placeholders)."""

    product: str
    owner: str
    """The material whose lifetime rows these are (the product itself or a group above it)."""
    parts: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]]
    has_range: bool


def owner_of(lifetimes: pl.DataFrame, parents: Mapping[str, str | None], product: str) -> str | None:
    """The material whose lifetime rows `product` uses: itself if it has rows, else the nearest one above it."""
    owners = set(lifetimes["product"].unique().to_list())
    code: str | None = product
    seen: set[str] = set()
    while code is not None and code not in seen:
        if code in owners:
            return code
        seen.add(code)
        code = parents.get(code)
    return None


def _value(row: dict[str, Any], name: str, variant: Variant) -> float:
    """A parameter of a row for a variant: the `_low`/`_high` column where given, else the central value."""
    if variant != "central" and row.get(f"{name}_{variant}") is not None:
        return float(row[f"{name}_{variant}"])
    return float(row[name])


def _span(row: dict[str, Any]) -> str:
    first, last = row.get("first_cohort"), row.get("last_cohort")
    return f"{first if first is not None else '…'}–{last if last is not None else '…'}"


def cohort_lifetimes(
    lifetimes: pl.DataFrame,
    parents: Mapping[str, str | None],
    product: str,
    years: np.ndarray,
    cohorts_needed: np.ndarray,
    *,
    variant: Variant = "central",
    factor: float = 1.0,
    scopes: Mapping[int, list[str]] | None = None,
) -> CohortLifetimes:
    """The lifetime of each cohort (year) of `product`: every cohort in `cohorts_needed` (a boolean mask over
    `years`, the cohorts with inflows; `scopes` says where, for the message) must be covered by exactly one
    lifetime row. `factor` multiplies the location parameter (scale or mean) of every row: what calibration
    varies."""
    owner = owner_of(lifetimes, parents, product)
    if owner is None:
        raise OutlookError(
            f"no lifetime for {product}: import a lifetimes row for it (or for a group above it) before forecasting"
        )
    rows = lifetimes.filter(pl.col("product") == owner).sort("first_cohort", nulls_last=False).to_dicts()
    covered = np.zeros(len(years), dtype=int)
    parts: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]] = {}
    has_range = False
    for row in rows:
        first = row["first_cohort"] if row["first_cohort"] is not None else -(10**6)
        last = row["last_cohort"] if row["last_cohort"] is not None else 10**6
        mask = (years >= first) & (years <= last)
        covered += mask
        distribution = row["distribution"]
        names = DISTRIBUTIONS.get(distribution)
        if names is None:
            raise OutlookError(f"lifetime of {owner} ({_span(row)}): unknown distribution {distribution!r}")
        missing = [n for n in names if row.get(n) is None]
        if missing:
            raise OutlookError(f"lifetime of {owner} ({_span(row)}): {distribution} needs {', '.join(missing)}")
        has_range |= any(row.get(f"{n}_{end}") is not None for n in names for end in ("low", "high"))
        if not mask.any():
            continue  # a row for cohorts outside the years modelled
        mask_before, params = parts.get(distribution, (np.zeros(len(years), dtype=bool), {}))
        for name in names:
            value = _value(row, name, variant) * (factor if name == LOCATION[distribution] else 1.0)
            column = params.setdefault(name, np.full(len(years), np.nan))
            column[mask] = value
        parts[distribution] = (mask_before | mask, params)
    gaps = years[cohorts_needed & (covered == 0)]
    if gaps.size:
        year = int(gaps[0])
        spans = ", ".join(_span(r) for r in rows)
        where = ", ".join((scopes or {}).get(year, []))
        raise OutlookError(
            f"no lifetime row of {owner} covers cohort {year} (the inflows of {product} in {year}"
            f"{' in ' + where if where else ''}; its rows cover {spans}): add a row whose first_cohort and "
            "last_cohort include it"
        )
    overlaps = years[covered > 1]
    if overlaps.size:
        raise OutlookError(f"lifetime rows of {owner} overlap at cohort {int(overlaps[0])}: each cohort needs one row")
    for mask, params in parts.values():
        for column in params.values():
            column[~mask] = column[mask][0]  # any valid value: these cohorts get no inflow in this part
    return CohortLifetimes(product, owner, parts, has_range)


def flodym_lifetime(distribution: str, dims: Any, inflow_at: InflowAt, params: dict[str, np.ndarray]) -> Any:
    """The flodym lifetime model of a distribution, with per-cohort parameters (arrays over the first dimension)."""
    from flodym import lifetime_models as lm

    column = {name: values[:, np.newaxis] for name, values in params.items()}
    if distribution == "weibull":
        return lm.WeibullLifetime(
            dims=dims, inflow_at=inflow_at, weibull_shape=column["shape"], weibull_scale=column["scale"]
        )
    if distribution == "fixed":
        return lm.FixedLifetime(dims=dims, inflow_at=inflow_at, mean=column["mean"])
    model: dict[str, Any] = {
        "normal": lm.NormalLifetime,
        "lognormal": lm.LogNormalLifetime,
        "folded_normal": lm.FoldedNormalLifetime,
    }
    return model[distribution](dims=dims, inflow_at=inflow_at, mean=column["mean"], std=column["std"])
