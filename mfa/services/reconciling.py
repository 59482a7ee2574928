"""Reconciling a year of stored flows: links summed over the year, balances from the stocks, results saved beside
the reported values. The statistics are mfa.domain.reconciliation.model's; this module only prepares and stores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine

from mfa.domain.balance import mass_balance
from mfa.domain.flowframe import Scope, select_flows
from mfa.domain.reconciliation import DEFAULT_UNCERTAINTY, Reconciliation, default_balanced, reconcile
from mfa.domain.roles import Actor, local_operator, require_admin
from mfa.services import loading
from mfa.storage import reads, writes
from mfa.storage.engine import write_transaction

KEY = ["source", "target", "material"]


@dataclass(frozen=True)
class YearReconciliation:
    """A year's reconciliation: the result per link (period = the year) and the stored flows it covers."""

    year: int
    scope: Scope
    result: Reconciliation
    rows: pl.DataFrame
    """The stored flow rows of the year (period, source, target, material, quantity_t) that were reconciled."""

    def to_json(self) -> dict[str, Any]:
        """`{"flows": [...], "chi2", "dof", "p_value", ...}` with the year and scope."""
        return {"year": self.year, "scope": {"level": self.scope.level, "code": self.scope.code or "province"}} | (
            self.result.to_json()
        )


def _links(rows: pl.DataFrame, year: int) -> pl.DataFrame:
    """Months and a yearly flow of a link summed; σ of the sum from the rows' σ (independent reports); a link is
    unknown when any of its rows is."""
    default = pl.col("data_quality").replace_strict(dict(DEFAULT_UNCERTAINTY), default=DEFAULT_UNCERTAINTY[None])
    relative = pl.coalesce(pl.col("uncertainty"), default.cast(pl.Float64))
    return (
        rows.with_columns((relative * pl.col("quantity_t")).alias("sigma_t"))
        .group_by(KEY, maintain_order=True)
        .agg(
            pl.when(pl.col("quantity_t").is_null().any()).then(None).otherwise(pl.col("quantity_t").sum()).alias("q"),
            (pl.col("sigma_t") ** 2).sum().sqrt().alias("sigma_t"),
        )
        .select(
            pl.lit(str(year)).alias("period"),
            *KEY,
            pl.col("q").alias("quantity_t"),
            pl.when(pl.col("q") > 0).then(pl.col("sigma_t") / pl.col("q")).alias("uncertainty"),
            pl.lit(None, dtype=pl.String).alias("data_quality"),
        )
    )


def reconcile_year(
    engine: Engine, *, year: int, park: str | None = None, alpha: float = 0.05, sidak: bool = True
) -> YearReconciliation:
    """Reconcile the flows of `year` (with either end in `park`, if given) so that the facilities that should
    balance (default rule of mfa.domain.reconciliation.model; in a park, those of the park) balance over the year."""
    data = loading.load(engine, [year])
    scope = Scope("park", park) if park else Scope("province", None)
    rows = select_flows(data.flows, data.parents, year=year, scope=scope if park else None).collect()
    links = _links(rows, year)
    balanced = default_balanced(links, data.facilities)
    if park:
        in_park = set(data.facilities.filter(pl.col("park") == park)["code"].to_list())
        balanced = [f for f in balanced if f in in_park]
    with engine.connect() as conn:
        stocks = reads.stock_table(conn)
    changes = mass_balance(data.flows, stocks, data.facilities, year=year)
    stock_change = {
        f: c for f, c in changes.select("facility", "stock_change_t").iter_rows() if f in set(balanced) and c
    }
    result = reconcile(links, balanced, stock_change=stock_change, alpha=alpha, sidak=sidak)
    return YearReconciliation(year, scope, result, rows.select("period", *KEY, "quantity_t"))


def save(engine: Engine, reconciled: YearReconciliation, actor: Actor | None = None) -> int:
    """Store each stored flow's share of its link's reconciled value (pro rata to what was reported; equal
    shares for an unknown link) beside the reported value; returns how many flows got one. Admins only."""
    require_admin(actor or local_operator(), "save reconciled values")
    links = reconciled.result.flows.select(
        *KEY, "reported", "reconciled", "reconciled_sigma", "normalized_residual", pl.col("flag").cast(pl.String)
    )
    rows = reconciled.rows.join(links, on=KEY, how="inner")
    share = (
        pl.when(pl.col("reported") > 0)
        .then(pl.col("quantity_t") / pl.col("reported"))
        .otherwise(1.0 / pl.len().over(KEY))
    )
    values = rows.select(
        "period",
        *KEY,
        (pl.col("reconciled") * share).alias("reconciled_t"),
        (pl.col("reconciled_sigma") * share).alias("sigma_t"),
        "normalized_residual",
        "flag",
    )
    with write_transaction(engine) as conn:
        return writes.save_reconciled(conn, values)
