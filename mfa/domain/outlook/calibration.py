"""Calibration: the lifetime that makes the model's retirements fit the recorded ones best (least squares).

What is fitted is one factor on the location parameter of every lifetime row the product's cohorts use (Weibull
`scale` for the given `shape`; `mean` for the given `std` of the other distributions): with a single row that is
the row's scale or mean itself; with rows by cohort, their ratios are kept. A row's low and high values move with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from mfa.domain.outlook.lifetimes import LOCATION, InflowAt, OutlookError, owner_of
from mfa.domain.outlook.stock_model import run_stock_model

FACTOR_BOUNDS = (0.2, 5.0)
"""The fitted factor is searched between these (a lifetime a fifth to five times as long as given)."""
RESIDUAL_SCHEMA = {"year": pl.Int32, "recorded_t": pl.Float64, "modelled_t": pl.Float64, "residual_t": pl.Float64}


@dataclass(frozen=True)
class Calibration:
    """The fitted factor, the lifetime rows before and after, and the fit's residuals (recorded − modelled)."""

    factor: float
    fitted: pl.DataFrame
    """owner, distribution, first_cohort, last_cohort, parameter, before, after: one row per lifetime row fitted."""
    residuals: pl.DataFrame
    rmse_t: float
    lifetimes: pl.DataFrame
    """The whole lifetimes table with the fitted rows changed (what saving writes)."""
    at_bound: bool
    """True when the best factor is at the edge of FACTOR_BOUNDS: the data ask for a lifetime outside them."""


def scaled(lifetimes: pl.DataFrame, owners: list[str], factor: float) -> pl.DataFrame:
    """`lifetimes` with the location parameter (and its low and high values) of the rows of `owners` times `factor`."""
    mine = pl.col("product").is_in(owners)
    out = lifetimes
    for distribution, name in LOCATION.items():
        rows = mine & (pl.col("distribution") == distribution)
        out = out.with_columns(
            pl.when(rows).then(pl.col(c) * factor).otherwise(pl.col(c)).alias(c)
            for c in (name, f"{name}_low", f"{name}_high")
        )
    return out


def calibrate(
    inflows: pl.DataFrame,
    lifetimes: pl.DataFrame,
    parents: Mapping[str, str | None],
    recorded: pl.DataFrame,
    *,
    until: int,
    inflow_at: InflowAt = "middle",
) -> Calibration:
    """Fit the lifetimes of the products of `inflows` (year, scope, product, inflow_t: the scope and products to
    fit, summed) to `recorded` (year, recorded_t) by least squares over the recorded years the model spans."""
    if inflows.height == 0:
        raise OutlookError("no inflows to calibrate")
    first = int(inflows["year"].min())  # type: ignore[arg-type]
    target = recorded.filter(pl.col("year").is_between(first, until)).sort("year")
    if target.height == 0 or not (target["recorded_t"] > 0).any():
        raise OutlookError(
            f"no retirements were recorded between {first} and {until} (flows of the product out of source "
            "facilities) to calibrate against"
        )
    years = target["year"].to_numpy()
    observed = target["recorded_t"].to_numpy()
    products = inflows["product"].unique().to_list()
    owners = sorted({o for p in products if (o := owner_of(lifetimes, parents, p)) is not None})

    def modelled(factor: float) -> np.ndarray:
        rows = run_stock_model(
            inflows, lifetimes, parents, until=until, inflow_at=inflow_at, factors=dict.fromkeys(owners, factor)
        )
        totals = rows.group_by("year").agg(pl.col("outflow_t").sum())
        found = dict(totals.iter_rows())
        return np.array([found.get(int(y), 0.0) for y in years])

    def loss(log_factor: float) -> float:
        return float(np.sum((observed - modelled(float(np.exp(log_factor)))) ** 2))

    from scipy.optimize import minimize_scalar

    lo, hi = np.log(FACTOR_BOUNDS[0]), np.log(FACTOR_BOUNDS[1])
    grid = np.linspace(lo, hi, 41)
    losses = [loss(x) for x in grid]
    best = int(np.argmin(losses))
    left, right = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    found = minimize_scalar(loss, bounds=(left, right), method="bounded", options={"xatol": 1e-10})
    log_factor = float(found.x) if found.fun <= losses[best] else float(grid[best])
    factor = float(np.exp(log_factor))
    fitted_model = modelled(factor)
    residual = observed - fitted_model
    after = scaled(lifetimes, owners, factor)
    fitted = []
    for before_row, after_row in zip(
        lifetimes.filter(pl.col("product").is_in(owners)).to_dicts(),
        after.filter(pl.col("product").is_in(owners)).to_dicts(),
        strict=True,
    ):
        name = LOCATION[before_row["distribution"]]
        fitted.append(
            (
                before_row["product"],
                before_row["distribution"],
                before_row["first_cohort"],
                before_row["last_cohort"],
                name,
                before_row[name],
                after_row[name],
            )
        )
    schema = {"owner": pl.String, "distribution": pl.String, "first_cohort": pl.Int32, "last_cohort": pl.Int32}
    schema |= {"parameter": pl.String, "before": pl.Float64, "after": pl.Float64}
    return Calibration(
        factor=factor,
        fitted=pl.DataFrame(fitted, schema=schema, orient="row"),
        residuals=pl.DataFrame(
            {"year": years, "recorded_t": observed, "modelled_t": fitted_model, "residual_t": residual},
            schema=RESIDUAL_SCHEMA,
        ),
        rmse_t=float(np.sqrt(np.mean(residual**2))),
        lifetimes=after,
        at_bound=bool(np.isclose(log_factor, lo, atol=1e-6) or np.isclose(log_factor, hi, atol=1e-6)),
    )
