"""Validation of declared transfer coefficients: a known facility or a facility kind (not both), whose balance is
checked (not a source or boundary), a coefficient and a tolerance written as shares (0.2 or 20 %)."""

from __future__ import annotations

import polars as pl

from mfa.domain import vocabulary
from mfa.domain.balance import UNCHECKED_KINDS
from mfa.domain.labels.reasons import reason
from mfa.intake.validate.checks import (
    Checked,
    Checks,
    Refs,
    cell_fraction,
    cell_lookup,
    cell_missing,
    cell_text,
    check_duplicates,
    check_known,
    present_columns,
    with_columns,
)
from mfa.intake.validate.registry import KINDS

LARGEST = 10.0
"""A share above this (1000 %) is a percentage written without its % sign, not a coefficient."""


def _share_checks(checks: Checks, column: str) -> pl.Expr:
    """A share in `column`: required, a number (0.2 or 20 %), not negative, at most LARGEST; the value."""
    value = cell_fraction(column)
    checks.add(cell_missing(column), column, reason(f"{column}_required"))
    checks.add(
        ~cell_missing(column) & (value.is_null() | value.is_nan() | value.is_infinite()),
        column,
        reason("share_not_number"),
    )
    checks.add(value < 0, column, reason("share_negative"))
    checks.add(value > LARGEST, column, reason("share_too_large", largest=f"{LARGEST:g}"))
    return value


def validate_transfer_coefficients(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check declared transfer coefficients: a facility (by code) or a kind, a coefficient and a tolerance."""
    f = with_columns(frame, ("facility", "kind", "coefficient", "tolerance", "source"))
    kind = cell_lookup("kind", KINDS)
    f = f.with_columns(cell_text("facility").alias("__facility"), kind.alias("__kind"))
    checks = Checks(f)
    facility, given_kind = pl.col("__facility"), ~cell_missing("kind")
    checks.add(facility.is_null() & ~given_kind, "facility", reason("coefficient_scope_missing"))
    checks.add(facility.is_not_null() & given_kind, "kind", reason("coefficient_scope_both"))
    check_known(checks, "facility", list(refs.facilities), "facility")
    kinds = ", ".join(vocabulary.FACILITY_KINDS)
    checks.add(
        given_kind & kind.is_null(),
        "kind",
        pl.format(reason("coefficient_kind_unknown", value="{}", kinds=kinds), cell_text("kind")),
    )
    facility_kind = facility.replace_strict(dict(refs.facilities), default=None, return_dtype=pl.String)
    unchecked = sorted(UNCHECKED_KINDS)
    checks.add(
        facility_kind.is_in(unchecked),
        "facility",
        pl.format(reason("coefficient_unchecked_facility", facility="{}", kind="{}"), facility, facility_kind),
    )
    checks.add(
        facility.is_null() & kind.is_in(unchecked),
        "kind",
        pl.format(reason("coefficient_unchecked_kind", kind="{}"), kind),
    )
    coefficient = _share_checks(checks, "coefficient")
    tolerance = _share_checks(checks, "tolerance")
    typed = f.select(
        "_file",
        "_row",
        pl.when(facility.is_not_null()).then(pl.lit("facility")).otherwise(pl.lit("kind")).alias("scope_level"),
        pl.coalesce(facility, pl.col("__kind")).alias("scope"),
        coefficient.alias("coefficient"),
        tolerance.alias("tolerance"),
        cell_text("source").alias("source"),
    )
    checks.frame = checks.frame.with_columns(typed.select("scope_level", "scope"))
    check_duplicates(
        checks, checks.frame, ["scope_level", "scope"], "facility", reason("coefficient_duplicate", file="{}", row="{}")
    )
    return checks.run("transfer_coefficients", typed, present_columns(frame, ("source",)))
