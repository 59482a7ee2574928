"""What a reconciliation reads: one period's flows with their uncertainties, and the stock changes, checked and typed
(the frame side of mfa.domain.reconciliation.model)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from mfa.domain.flowframe import require_columns

FLOW_COLUMNS = ("period", "source", "target", "material", "quantity_t")


def flow_frame(flows: pl.DataFrame) -> pl.DataFrame:
    require_columns(flows, FLOW_COLUMNS, "flows")
    periods = flows["period"].unique().to_list()
    if len(periods) > 1:
        raise ValueError(f"flows hold {len(periods)} periods ({', '.join(map(str, periods[:4]))}); reconcile one")
    optional = [pl.lit(None, pl.Float64).alias("uncertainty"), pl.lit(None, pl.String).alias("data_quality")]
    return flows.with_columns(c for c in optional if c.meta.output_name() not in flows.columns).select(
        pl.col("period", "source", "target", "material"),
        pl.col("quantity_t").cast(pl.Float64).fill_nan(None),
        pl.col("uncertainty").cast(pl.Float64).fill_nan(None),
        pl.col("data_quality").cast(pl.String),
    )


def sigma_of(frame: pl.DataFrame, defaults: Mapping[str | None, float]) -> pl.Series:
    """Standard deviation of each reported flow: its relative uncertainty, else the default of its data
    quality, times |quantity|."""
    named = {k: float(v) for k, v in defaults.items() if k is not None}
    strange = set(frame["data_quality"].drop_nulls().unique().to_list()) - set(named)
    if strange:
        raise ValueError(f"no default uncertainty for data quality {sorted(strange)}; expected {sorted(named)}")
    if any(v < 0 for v in defaults.values()) or (frame["uncertainty"] < 0).any():
        raise ValueError("uncertainties must be >= 0")
    quality = pl.col("data_quality").replace_strict(named, default=None, return_dtype=pl.Float64)
    relative = pl.coalesce(pl.col("uncertainty"), quality, pl.lit(float(defaults[None])))
    return frame.select((relative * pl.col("quantity_t").abs()).alias("sigma"))["sigma"]


def stock_frame(stock_change: Mapping[str, float] | pl.DataFrame | None) -> pl.DataFrame:
    schema = {"facility": pl.String, "quantity_t": pl.Float64, "sigma": pl.Float64}
    if stock_change is None:
        return pl.DataFrame(schema=schema)
    if isinstance(stock_change, pl.DataFrame):
        require_columns(stock_change, ["facility", "quantity_t"], "stock_change")
        frame = stock_change.select(
            pl.col("facility").cast(pl.String),
            pl.col("quantity_t").cast(pl.Float64),
            (pl.col("sigma") if "sigma" in stock_change.columns else pl.lit(None)).cast(pl.Float64).alias("sigma"),
        )
    else:
        frame = pl.DataFrame(
            {"facility": list(stock_change), "quantity_t": list(stock_change.values()), "sigma": None}, schema=schema
        )
    if frame["facility"].is_duplicated().any() or frame["quantity_t"].is_null().any():
        raise ValueError("stock_change needs one known quantity_t per facility")
    if (frame["sigma"] < 0).any():
        raise ValueError("stock change sigma must be >= 0")
    return frame.with_columns(pl.col("sigma").fill_null(0.0))
