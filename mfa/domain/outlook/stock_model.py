"""The inflow-driven dynamic stock model (flodym's InflowDrivenDSM): in-use stock and retirements per year.

For a product with inflows I_c (cohort c = the year put into use) and survival function S of its lifetime, flodym
computes, with the default convention (a year's inflow enters at mid-year, stock counted at the year's end):

    stock(y)   = Σ_{c ≤ y} I_c · S(y − c + 0.5)
    outflow(y) = Σ_{c ≤ y} I_c · (S(y − c − 0.5) − S(y − c + 0.5)),  with S(−0.5) read as 1 for c = y

so that inflow(y) − outflow(y) = stock(y) − stock(y − 1) every year. `inflow_at="start"` uses S(y − c + 1),
`"end"` S(y − c) (the older ODYM convention). Lifetimes may change by cohort (and distribution): each cohort's
survival uses its own row, which is what flodym does with parameters that vary along the time dimension.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import polars as pl

from mfa.domain.outlook.lifetimes import (
    INFLOW_AT,
    InflowAt,
    OutlookError,
    Variant,
    cohort_lifetimes,
    flodym_lifetime,
    owner_of,
)
from mfa.domain.vocabulary import descendants

PROVINCE = "province"
RESULT_SCHEMA = {
    "year": pl.Int32,
    "scope": pl.String,
    "product": pl.String,
    "inflow_t": pl.Float64,
    "stock_t": pl.Float64,
    "outflow_t": pl.Float64,
}
INFLOW_SCHEMA = {"year": pl.Int32, "scope": pl.String, "product": pl.String, "inflow_t": pl.Float64}


def dynamic_stock(
    inflow: np.ndarray, years: np.ndarray, parts: Mapping[str, tuple[np.ndarray, dict[str, np.ndarray]]], inflow_at: str
) -> tuple[np.ndarray, np.ndarray]:
    """Stock and outflow (arrays year × scope) of inflows (year × scope) with lifetimes by cohort, through flodym:
    one InflowDrivenDSM per distribution, each fed the inflows of the cohorts that distribution covers."""
    from flodym import Dimension, DimensionSet, InflowDrivenDSM, StockArray

    n_t, n_s = inflow.shape
    pad = 1 if n_t == 1 else 0  # flodym needs two time items to place the year boundaries
    items = [int(y) for y in years] + ([int(years[-1]) + 1] if pad else [])
    dims = DimensionSet(
        dim_list=[
            Dimension(name="time", letter="t", items=items),
            Dimension(name="scope", letter="s", items=list(range(n_s))),
        ]
    )
    stock = np.zeros((n_t, n_s))
    outflow = np.zeros((n_t, n_s))
    for distribution, (mask, params) in parts.items():
        values = np.zeros((n_t + pad, n_s))
        values[:n_t] = np.where(mask[:, np.newaxis], inflow, 0.0)
        padded = {k: np.concatenate([v, v[-1:]]) if pad else v for k, v in params.items()}
        model = InflowDrivenDSM(
            dims=dims,
            lifetime_model=flodym_lifetime(distribution, dims, inflow_at, padded),  # type: ignore[arg-type]
            inflow=StockArray(dims=dims, values=values),
        )
        model.compute()
        assert model.stock is not None and model.outflow is not None
        stock += model.stock.values[:n_t]
        outflow += model.outflow.values[:n_t]
    return stock, outflow


def run_stock_model(
    inflows: pl.DataFrame,
    lifetimes: pl.DataFrame,
    parents: Mapping[str, str | None],
    *,
    until: int,
    inflow_at: InflowAt = "middle",
    variant: Variant = "central",
    factors: Mapping[str, float] | None = None,
    first_year: int | None = None,
) -> pl.DataFrame:
    """Stock and retirements of every (scope, product) of `inflows` (year, scope, product, inflow_t) from the first
    inflow year (or `first_year`) to `until`, each product with its own lifetime: one row per year, scope and product.
    `factors` (owner material -> factor) scale the location parameter of lifetimes, for calibration."""
    if inflow_at not in INFLOW_AT:
        raise OutlookError(f"unknown time convention {inflow_at!r}: use {', '.join(INFLOW_AT)}")
    inflows = inflows.filter(pl.col("year") <= until)
    if inflows.height == 0:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    start = int(inflows["year"].min()) if first_year is None else first_year  # type: ignore[arg-type]
    if until < start:
        raise OutlookError(f"the horizon {until} lies before the first inflow year {start}")
    years = np.arange(start, until + 1)
    parts: list[pl.DataFrame] = []
    for (product,), rows in inflows.group_by("product", maintain_order=True):
        scopes = sorted(rows["scope"].unique().to_list())
        grid = np.zeros((len(years), len(scopes)))
        index = {s: i for i, s in enumerate(scopes)}
        for year, scope, value in rows.select("year", "scope", "inflow_t").iter_rows():
            grid[year - start, index[scope]] += value
        needed: np.ndarray = np.asarray((grid > 0).any(axis=1))
        owner = owner_of(lifetimes, parents, str(product))
        factor = (factors or {}).get(owner or "", 1.0)
        where = {int(years[t]): [scopes[i] for i in np.flatnonzero(grid[t] > 0)] for t in np.flatnonzero(needed)}
        lifetime = cohort_lifetimes(
            lifetimes, parents, str(product), years, needed, variant=variant, factor=factor, scopes=where
        )
        stock, outflow = dynamic_stock(grid, years, lifetime.parts, inflow_at)
        parts.append(
            pl.DataFrame(
                {
                    "year": np.repeat(years, len(scopes)),
                    "scope": scopes * len(years),
                    "product": [str(product)] * (len(years) * len(scopes)),
                    "inflow_t": grid.ravel(),
                    "stock_t": stock.ravel(),
                    "outflow_t": outflow.ravel(),
                },
                schema=RESULT_SCHEMA,
            )
        )
    return pl.concat(parts)


def ranged_products(lifetimes: pl.DataFrame, parents: Mapping[str, str | None], products: Iterable[str]) -> bool:
    """True if the lifetime of any of `products` gives a low or high value of a parameter."""
    from mfa.domain.outlook.lifetimes import RANGE_COLUMNS

    owners = {owner_of(lifetimes, parents, p) for p in products} - {None}
    rows = lifetimes.filter(pl.col("product").is_in(sorted(o for o in owners if o is not None)))
    return rows.select(pl.any_horizontal(pl.col(c).is_not_null() for c in RANGE_COLUMNS).any()).item() is True


def aggregate(results: pl.DataFrame, parents: Mapping[str, str | None], root: str) -> pl.DataFrame:
    """Rows per year and scope for every product with inflows below `root`, every group between them and `root`,
    and `root` itself (a group sums its products); the province sums every scope (cities and inflows given for
    the province as a whole). Leading years where nothing is in use are left out."""
    below = descendants(parents, [root])
    leaves = results.filter(pl.col("product").is_in(sorted(below)))
    if leaves.height == 0:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    chains: list[tuple[str, str]] = []
    for product in leaves["product"].unique().to_list():
        code: str | None = product
        while code is not None:
            chains.append((product, code))
            if code == root:
                break
            code = parents.get(code)
    member = pl.DataFrame(chains, schema={"product": pl.String, "group": pl.String}, orient="row")
    values = ["inflow_t", "stock_t", "outflow_t"]
    grouped = (
        leaves.join(member, on="product")
        .group_by("year", "scope", "group")
        .agg(pl.col(values).sum())
        .rename({"group": "product"})
    )
    cities = grouped.filter(pl.col("scope") != PROVINCE)
    province = (
        grouped.group_by("year", "product").agg(pl.col(values).sum()).with_columns(pl.lit(PROVINCE).alias("scope"))
    )
    frame = pl.concat([cities, province.select(grouped.columns)]).select(list(RESULT_SCHEMA)).cast(RESULT_SCHEMA)  # type: ignore[arg-type]
    active = pl.any_horizontal(pl.col(v) != 0 for v in values)
    first = frame.filter(active).group_by("scope", "product").agg(pl.col("year").min().alias("__first"))
    return (
        frame.join(first, on=["scope", "product"], how="inner")
        .filter(pl.col("year") >= pl.col("__first"))
        .drop("__first")
        .sort("scope", "product", "year")
    )


def balance_residual(rows: pl.DataFrame) -> pl.DataFrame:
    """inflow − outflow − (stock − stock of the year before) per row: zero where the model is mass-balanced."""
    previous = pl.col("stock_t").shift(1).over("scope", "product", order_by="year").fill_null(0.0)
    return rows.with_columns(
        (pl.col("inflow_t") - pl.col("outflow_t") - (pl.col("stock_t") - previous)).alias("residual_t")
    )
