"""Mass balance per facility: inflow − outflow − stock change over a period, flagged beyond a tolerance (plain
polars; the STAN/flodym notion of a process balance). Sources and boundary facilities are where matter enters the
system and are not checked. A facility that does not pass on all it receives (an incinerator passes on about a fifth
as ash) may declare its transfer coefficient, (outflow + stock change) ÷ inflow, with a tolerance, or its kind may
(docs/indicators.md, section 4): it is then checked against that range instead."""

from __future__ import annotations

import polars as pl

from mfa.domain.flowframe import require_columns, select_flows

UNCHECKED_KINDS = ("source", "boundary")
"""Facility kinds whose mass balance is not checked: matter enters the system there."""
WARNING_STATUSES = ("imbalanced", "no_input", "off_declared")
"""The statuses that are warnings: a defect in the data, or a facility outside its declared transfer coefficient."""
COEFFICIENT_SCHEMA = pl.Schema(
    {"scope_level": pl.String, "scope": pl.String, "coefficient": pl.Float64, "tolerance": pl.Float64}
)
"""Declared transfer coefficients as stored: for one facility (scope_level "facility", scope its code) or for every
facility of a kind (scope_level "kind", scope the kind), the share of the input passed on and its ± tolerance."""
SCOPE_LEVELS = ("facility", "kind")
RANGE_EPSILON = 1e-9
"""A ratio this close to an end of the declared range is inside it (a yield of exactly 20 % ± 5 % is not off)."""


def facility_coefficients(facilities: pl.DataFrame, declared: pl.DataFrame | None) -> pl.DataFrame:
    """The declared transfer coefficient of each facility: its own, else its kind's (facility, coefficient,
    tolerance, declared_for = "facility" or "kind"). Sources and boundary facilities have none."""
    schema = {"facility": pl.String, "coefficient": pl.Float64, "tolerance": pl.Float64, "declared_for": pl.String}
    if declared is None or declared.height == 0:
        return pl.DataFrame(schema=schema)
    require_columns(declared, list(COEFFICIENT_SCHEMA), "coefficients")
    require_columns(facilities, ["code", "kind"], "facilities")
    rows = declared.select(pl.col(c).cast(t) for c, t in COEFFICIENT_SCHEMA.items())
    kinds = facilities.select(facility="code", kind="kind")
    own = kinds.join(
        rows.filter(pl.col("scope_level") == "facility"), left_on="facility", right_on="scope", how="inner"
    ).with_columns(declared_for=pl.lit("facility"))
    by_kind = kinds.join(rows.filter(pl.col("scope_level") == "kind"), left_on="kind", right_on="scope", how="inner")
    by_kind = by_kind.filter(~pl.col("facility").is_in(own["facility"].implode())).with_columns(
        declared_for=pl.lit("kind")
    )
    return (
        pl.concat([own.select(*schema), by_kind.select(*schema)])
        .filter(~pl.col("facility").is_in(kinds.filter(pl.col("kind").is_in(UNCHECKED_KINDS))["facility"].implode()))
        .sort("facility")
        .cast(schema)  # type: ignore[arg-type]
    )


def _stock_end(stocks: pl.LazyFrame, year: int, month: int | None) -> pl.LazyFrame:
    """Stock per facility and material at the end of a period: a month's record, or for a year its
    yearly record if present, else its December record (for December the other way round)."""
    if month is None or month == 12:
        order = [(year, None), (year, 12)] if month is None else [(year, 12), (year, None)]
    else:
        order = [(year, month)]
    candidates = [
        stocks.filter(
            pl.col("year") == y, pl.col("month").is_null() if m is None else pl.col("month") == m
        ).with_columns(rank=pl.lit(rank))
        for rank, (y, m) in enumerate(order)
    ]
    return (
        pl.concat(candidates)
        .group_by("facility", "material", "rank")
        .agg(pl.col("quantity_t").cast(pl.Float64).sum())
        .sort("rank")
        .unique(subset=["facility", "material"], keep="first", maintain_order=True)
        .drop("rank")
    )


def _stock_change(stocks: pl.DataFrame | pl.LazyFrame, year: int, month: int | None) -> pl.LazyFrame:
    """Per facility and material: end stock − previous end stock (0, not stock_known, if one is missing)."""
    require_columns(stocks, ["year", "month", "facility", "material", "quantity_t"], "stocks")
    lf = stocks.lazy()
    if month is None:
        previous = _stock_end(lf, year - 1, None)
    else:
        previous = _stock_end(lf, year - 1, 12) if month == 1 else _stock_end(lf, year, month - 1)
    return (
        _stock_end(lf, year, month)
        .join(previous, on=["facility", "material"], how="full", coalesce=True, suffix="_previous")
        .select(
            "facility",
            "material",
            stock_known=pl.col("quantity_t").is_not_null() & pl.col("quantity_t_previous").is_not_null(),
            stock_change_t=(pl.col("quantity_t") - pl.col("quantity_t_previous")).fill_null(0.0),
        )
    )


def _balance(
    flows: pl.DataFrame | pl.LazyFrame,
    stocks: pl.DataFrame | pl.LazyFrame,
    facilities: pl.DataFrame,
    *,
    year: int,
    month: int | None,
    tolerance: float,
    by_material: bool,
    coefficients: pl.DataFrame | None = None,
) -> pl.DataFrame:
    keys = ["facility", "material"] if by_material else ["facility"]
    period = select_flows(flows.lazy(), {}, year=year, month=month)
    quantity = pl.col("quantity_t").cast(pl.Float64)
    inflow = period.group_by(pl.col("target").alias("facility"), *keys[1:]).agg(inflow_t=quantity.sum())
    outflow = period.group_by(pl.col("source").alias("facility"), *keys[1:]).agg(outflow_t=quantity.sum())
    stock = _stock_change(stocks, year, month)
    if not by_material:
        stock = stock.group_by("facility").agg(pl.col("stock_change_t").sum(), pl.col("stock_known").all())
    kinds = pl.concat(
        [
            facilities.lazy().select(facility="code", kind="kind"),
            period.select(facility="source", kind="source_kind"),
            period.select(facility="target", kind="target_kind"),
        ]
    ).unique(subset="facility", keep="first", maintain_order=True)
    rows = (
        inflow.join(outflow, on=keys, how="full", coalesce=True)
        .join(stock, on=keys, how="full", coalesce=True)
        .join(facilities.lazy().select(facility="code"), on="facility", how="full", coalesce=True)
        .filter(pl.col(keys[-1]).is_not_null())
        .join(kinds, on="facility", how="left")
    )
    declared = facility_coefficients(facilities, coefficients).select(
        "facility", declared_coefficient="coefficient", declared_tolerance="tolerance"
    )
    rows = rows.join(declared.lazy(), on="facility", how="left")
    inflow_t, outflow_t, change = pl.col("inflow_t"), pl.col("outflow_t"), pl.col("stock_change_t")
    relative = pl.col("relative_imbalance")
    k, k_tol, observed = pl.col("declared_coefficient"), pl.col("declared_tolerance"), pl.col("observed_coefficient")
    within = (observed >= (k - k_tol).clip(lower_bound=0.0) - RANGE_EPSILON) & (observed <= k + k_tol + RANGE_EPSILON)
    status = (
        pl.when(pl.col("kind").is_in(UNCHECKED_KINDS))
        .then(pl.col("kind"))
        .when((inflow_t == 0) & (outflow_t == 0) & (change == 0))
        .then(pl.lit("inactive"))
        .when(k.is_not_null() & (inflow_t > 0) & within)
        .then(pl.lit("as_declared"))
        .when(k.is_not_null() & (inflow_t > 0))
        .then(pl.lit("off_declared"))
        .when(relative.abs() <= tolerance)
        .then(pl.lit("balanced"))
        .when((inflow_t > 0) & (outflow_t == 0))
        .then(pl.lit("sink"))
        .when((inflow_t == 0) & (outflow_t > 0))
        .then(pl.lit("no_input"))
        .otherwise(pl.lit("imbalanced"))
    )
    return (
        rows.with_columns(
            pl.col("inflow_t", "outflow_t", "stock_change_t").fill_null(0.0),
            pl.col("stock_known").fill_null(False),
        )
        .with_columns(imbalance_t=inflow_t - outflow_t - change)
        .with_columns(
            relative_imbalance=pl.when(pl.max_horizontal(inflow_t, outflow_t) > 0).then(
                pl.col("imbalance_t") / pl.max_horizontal(inflow_t, outflow_t)
            ),
            observed_coefficient=pl.when((inflow_t > 0) & ~pl.col("kind").is_in(UNCHECKED_KINDS)).then(
                (outflow_t + change) / inflow_t
            ),
        )
        .with_columns(status=status)
        .sort(keys)
        .select(
            *keys,
            "kind",
            "inflow_t",
            "outflow_t",
            "stock_change_t",
            "stock_known",
            "imbalance_t",
            "relative_imbalance",
            "observed_coefficient",
            "declared_coefficient",
            "declared_tolerance",
            "status",
        )
        .collect()
    )


def mass_balance(
    flows: pl.DataFrame | pl.LazyFrame,
    stocks: pl.DataFrame | pl.LazyFrame,
    facilities: pl.DataFrame,
    *,
    year: int,
    month: int | None = None,
    tolerance: float = 0.05,
    coefficients: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per facility, all materials together: inflow − outflow − stock change, relative to the larger of inflow
    and outflow; the observed transfer coefficient (outflow + stock change) ÷ inflow beside the declared one
    (`coefficients`, COEFFICIENT_SCHEMA; see facility_coefficients) and its tolerance; and a status (source,
    boundary, inactive, as_declared, off_declared, balanced, sink, no_input, imbalanced). A facility with a declared
    coefficient and an inflow is as_declared within coefficient ± tolerance and off_declared outside it, whatever
    `tolerance` says of plain balances."""
    return _balance(
        flows,
        stocks,
        facilities,
        year=year,
        month=month,
        tolerance=tolerance,
        by_material=False,
        coefficients=coefficients,
    )
