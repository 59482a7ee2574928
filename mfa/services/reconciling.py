"""Reconciling a year of stored flows: hand-overs summed per link over the year, balances from the stocks and the
declared transfer coefficients, the disagreement of two-sided hand-overs in the global test, the verdict in plain
words, results saved beside the reported values. The statistics are mfa.domain.reconciliation's; this module only
prepares and stores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine

from mfa.domain.balance import facility_coefficients, mass_balance
from mfa.domain.flowframe import Scope, Selection, select_flows
from mfa.domain.handovers import combine
from mfa.domain.reconciliation import DEFAULT_UNCERTAINTY, Reconciliation, default_balanced, reconcile
from mfa.domain.reconciliation.declarations import declaration_tests, with_disagreement
from mfa.domain.reconciliation.verdict import Verdict, diagnose
from mfa.domain.roles import Actor, local_operator, require_admin
from mfa.services import loading
from mfa.storage import declarations, reads, writes
from mfa.storage.engine import write_transaction

KEY = ["source", "target", "material"]


@dataclass(frozen=True)
class YearReconciliation:
    """A year's reconciliation: the result per link (period = the year) and the stored flows it covers."""

    year: int
    scope: Scope
    result: Reconciliation
    rows: pl.DataFrame
    """The hand-overs of the year (period, source, target, material, quantity_t agreed) that were reconciled."""
    declarations: pl.DataFrame
    """The two-sided hand-overs and how far apart their two figures are (declaration_tests)."""
    verdict: Verdict
    """What the reconciliation says in plain words (mfa.domain.reconciliation.verdict)."""

    def to_json(self) -> dict[str, Any]:
        """`{"flows": [...], "chi2", "dof", "p_value", ..., "declarations": [...], "verdict": {...}}` with the year
        and scope."""
        scope = {"level": self.scope.level, "code": self.scope.code or "province"}
        declared = [{k: (v if v == v else None) for k, v in row.items()} for row in self.declarations.to_dicts()]
        extra = {"declarations": declared, "verdict": self.verdict.to_json()}
        return {"year": self.year, "scope": scope} | self.result.to_json() | extra


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
    balance (default rule of mfa.domain.reconciliation.model, with the facilities that declare a transfer
    coefficient; in a park, those of the park) balance over the year, and say what it means."""
    data = loading.load(engine, [year])
    scope = Scope("park", park) if park else Scope("province", None)
    rows = select_flows(data.flows, data.parents, year=year, scope=scope if park else None).collect()
    links = _links(rows, year)
    with engine.connect() as conn:
        stocks = reads.stock_table(conn)
        declared_k = facility_coefficients(data.facilities, reads.coefficient_table(conn))
        neighbours = [declarations.link_totals(conn, year - 1, 12), declarations.link_totals(conn, year + 1, 1)]
    coefficients = {f: (k, tol) for f, k, tol in declared_k.select("facility", "coefficient", "tolerance").iter_rows()}
    balanced = default_balanced(links, data.facilities, coefficients)
    if park:
        in_park = set(data.facilities.filter(pl.col("park") == park)["code"].to_list())
        balanced = [f for f in balanced if f in in_park]
    changes = mass_balance(data.flows, stocks, data.facilities, year=year)
    stock_change = {
        f: c for f, c in changes.select("facility", "stock_change_t").iter_rows() if f in set(balanced) and c
    }
    result = reconcile(links, balanced, stock_change=stock_change, coefficients=coefficients, alpha=alpha, sidak=sidak)
    with engine.connect() as conn:
        declared = combine(
            declarations.flow_table(conn, Selection(year, scope=scope)).rename({"quantity": "quantity_t"})
        )
    result = with_disagreement(result, declared)
    tests = declaration_tests(declared, result.critical_value)
    reported = rows.select("period", *KEY, "quantity_t")
    months = pl.concat([reported, *(n.select("period", *KEY, "quantity_t") for n in neighbours)])
    verdict = diagnose(result, year, months, tests)
    return YearReconciliation(year, scope, result, reported, tests, verdict)


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
