"""Validation of flows and stocks: periods, known facilities and materials, tonnages, units, one key once."""

from __future__ import annotations

from datetime import date

import polars as pl

from mfa.domain.handovers import default_side
from mfa.domain.labels.reasons import reason
from mfa.intake.validate.checks import (
    Checked,
    Checks,
    Refs,
    by_distinct,
    cell_fraction,
    cell_lookup,
    cell_missing,
    check_duplicates,
    check_names,
    check_period,
    check_quantity,
    prepare,
    present_columns,
    resolve_names,
    typed_period,
    typed_quantity,
)

DATA_QUALITY = {
    "measured": "measured",
    "calculated": "calculated",
    "estimated": "estimated",
    "实测": "measured",
    "测量": "measured",
    "计量": "measured",
    "计算": "calculated",
    "核算": "calculated",
    "估算": "estimated",
    "估计": "estimated",
    "unknown": "unknown",
    "未知": "unknown",
}
"""Accepted spellings -> stored data quality. `unknown` marks a flow known to exist whose quantity is not: it has
no quantity, counts as zero in indicators, and reconciliation estimates it."""
SIDES = {
    "sender": "sender",
    "receiver": "receiver",
    "移出方": "sender",
    "移出人": "sender",
    "接收方": "receiver",
    "接受方": "receiver",
    "接受人": "receiver",
}
"""Accepted spellings -> the side whose declaration a flow row is (the manifest's 移出人 and 接受人)."""


def validate_flows(
    frame: pl.DataFrame, refs: Refs, *, today: date | None = None, own_parks: frozenset[str] | None = None
) -> Checked:
    """Check flow rows: period, known facilities and material, positive tonnage, unit, quality, the side whose
    declaration each row is (empty: the writer's side, mfa.domain.handovers.default_side, for a park manager with
    `own_parks`), one declaration per side of a flow."""
    today = today or date.today()
    columns = ("period", "source", "target", "material", "quantity", "unit", "uncertainty", "data_quality")
    f = prepare(frame, (*columns, "note", "reference", "side"), today=today)
    names = {"source": refs.facility_names, "target": refs.facility_names, "material": refs.material_names}
    f, unnamed = resolve_names(f, names)  # facilities and materials named rather than coded: their codes
    f = f.with_columns(
        by_distinct(f["uncertainty"], cell_fraction("v")).alias("__u"),
        by_distinct(f["data_quality"], cell_lookup("v", DATA_QUALITY)).alias("__dq"),
        by_distinct(f["side"], cell_lookup("v", SIDES)).alias("__given_side"),
        by_distinct(
            f["__source"], pl.col("v").replace_strict(refs.facilities, default=None, return_dtype=pl.String)
        ).alias("__source_kind"),
    )
    written = default_side(
        refs.facility_parks, own_parks, source="__source", target="__target", source_kind="__source_kind"
    )
    f = f.with_columns(pl.when(cell_missing("side")).then(written).otherwise("__given_side").alias("__side"))
    checks = Checks(f)
    checks.required(("period", "source", "target", "material"))
    unknown = pl.col("__dq") == "unknown"
    checks.add(
        cell_missing("quantity") & ~unknown.fill_null(False),
        "quantity",
        reason("quantity_required"),
    )
    checks.add(
        ~cell_missing("quantity") & unknown.fill_null(False),
        "quantity",
        reason("quantity_with_unknown"),
    )
    check_period(checks, today)
    facilities = list(refs.facilities)
    check_names(checks, "source", unnamed, facilities, "facility")
    check_names(checks, "target", unnamed, facilities, "facility")
    check_names(checks, "material", unnamed, list(refs.materials), "material")
    checks.add(pl.col("__source") == pl.col("__target"), "target", reason("self_flow"))
    check_quantity(checks, allow_zero=False)
    u = pl.col("__u")
    checks.add(~cell_missing("uncertainty") & u.is_null(), "uncertainty", reason("uncertainty_not_number"))
    checks.add(u.is_not_null() & ~u.is_between(0, 1), "uncertainty", reason("uncertainty_range"))
    checks.add(
        ~cell_missing("data_quality") & pl.col("__dq").is_null(),
        "data_quality",
        reason("bad_data_quality"),
    )
    checks.add(
        ~cell_missing("side") & pl.col("__given_side").is_null(),
        "side",
        reason("bad_side"),
    )
    check_duplicates(
        checks,
        f,
        ["__period", "__source", "__target", "__material", "__side"],
        "side",
        reason("duplicate_side", file="{}", row="{}"),
    )
    check_granularity(checks, f, refs)
    typed = f.select(
        "_file",
        "_row",
        *typed_period(),
        pl.col("__source").alias("source"),
        pl.col("__target").alias("target"),
        pl.col("__material").alias("material"),
        *typed_quantity(),
        u.alias("uncertainty"),
        pl.col("__dq").alias("data_quality"),
        pl.col("__note").alias("note"),
        pl.col("__reference").alias("reference"),
        pl.col("__side").alias("side"),
    )
    optional = present_columns(frame, ("uncertainty", "data_quality", "note", "reference"))
    return checks.run("flows", typed, optional)


def check_granularity(checks: Checks, f: pl.DataFrame, refs: Refs) -> None:
    """A (source, target, material) is reported by year or by month within a year, never both."""
    link = ["__source", "__target", "__material", "__year"]
    monthly = pl.col("__month").is_not_null()
    valid_year = pl.col("__year").is_not_null()
    kinds = f.select((monthly & valid_year).any().alias("m"), (~monthly & valid_year).any().alias("y")).row(0)
    if kinds[0] and kinds[1]:
        clash = monthly.any().over(link) & (~monthly).any().over(link) & valid_year
        checks.add(clash & ~monthly, "period", reason("yearly_vs_monthly_file"))
        checks.add(clash & monthly, "period", reason("monthly_vs_yearly_file"))
    existing = refs.flow_granularity
    if existing is None or existing.height == 0:
        return
    keyed = f.select(
        *[pl.col(c).alias(c.strip("_")) for c in link],
        monthly.alias("__monthly"),
    ).join(existing, on=["source", "target", "material", "year"], how="left", maintain_order="left")
    clash_db = ((keyed["__monthly"] & keyed["has_year"]) | (~keyed["__monthly"] & keyed["has_month"])).fill_null(False)
    checks.add(clash_db & ~keyed["__monthly"], "period", reason("yearly_vs_monthly_database"))
    checks.add(clash_db & keyed["__monthly"], "period", reason("monthly_vs_yearly_database"))


def validate_stocks(frame: pl.DataFrame, refs: Refs, *, today: date | None = None) -> Checked:
    """Check stock rows: period, known facility and material, a tonnage of zero or more."""
    today = today or date.today()
    f = prepare(frame, ("period", "facility", "material", "quantity", "unit"), today=today)
    f, unnamed = resolve_names(f, {"facility": refs.facility_names, "material": refs.material_names})
    checks = Checks(f)
    checks.required(("period", "facility", "material", "quantity"))
    check_period(checks, today)
    check_names(checks, "facility", unnamed, list(refs.facilities), "facility")
    check_names(checks, "material", unnamed, list(refs.materials), "material")
    check_quantity(checks, allow_zero=True)
    check_duplicates(checks, f, ["__facility", "__material", "__period"], "period")
    typed = f.select(
        "_file",
        "_row",
        *typed_period(),
        pl.col("__facility").alias("facility"),
        pl.col("__material").alias("material"),
        *typed_quantity(),
    )
    return checks.run("stocks", typed, ())
