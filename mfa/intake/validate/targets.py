"""Validation of targets and reported values: indicator names, scopes (province, city, park), years."""

from __future__ import annotations

import polars as pl

from mfa.domain import vocabulary
from mfa.domain.labels.reasons import reason
from mfa.intake.validate.aliases import validate_material_aliases
from mfa.intake.validate.checks import (
    IDENT_PATTERN,
    Checked,
    Checks,
    Refs,
    cell_lookup,
    cell_missing,
    cell_number,
    cell_text,
    check_duplicates,
    present_columns,
    with_columns,
)
from mfa.intake.validate.registry import validate_facilities, validate_materials, validate_parks

DIRECTIONS = {"at_least": "at_least", "at_most": "at_most", ">=": "at_least", "≥": "at_least"}


DIRECTIONS |= {"<=": "at_most", "≤": "at_most", "不低于": "at_least", "不高于": "at_most", "至少": "at_least"}


DIRECTIONS |= {"至多": "at_most", "min": "at_least", "max": "at_most"}


PROVINCE_SCOPES = {"province", "全省", "湖南", "湖南省", "hunan"}


def _check_indicator_and_scope(checks: Checks, refs: Refs) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Check `indicator` and `scope`; return expressions for the indicator, scope level and stored scope."""
    ind = cell_text("indicator")
    checks.add(
        ind.is_not_null() & ~ind.str.contains(IDENT_PATTERN),
        "indicator",
        reason("indicator_form"),
    )
    scope_text = cell_text("scope")
    city = scope_text.str.to_lowercase().replace_strict(
        dict(vocabulary.city_aliases()), default=None, return_dtype=pl.String
    )
    is_province = scope_text.str.to_lowercase().is_in(sorted(PROVINCE_SCOPES))
    is_park = scope_text.is_in(sorted(refs.parks))
    level: pl.Expr = (
        pl.when(is_province)
        .then(pl.lit("province"))
        .when(city.is_not_null())
        .then(pl.lit("city"))
        .when(is_park)
        .then(pl.lit("park"))
        .otherwise(None)
    )
    checks.add(
        scope_text.is_not_null() & level.is_null(),
        "scope",
        pl.format("unknown scope '{}' (province, a Hunan city or a park code)", scope_text),
    )
    scope: pl.Expr = (
        pl.when(level == "province").then(pl.lit("province")).when(level == "city").then(city).otherwise(scope_text)
    )
    return ind, level, scope


def _check_year(checks: Checks, column: str) -> None:
    y = cell_number(column)
    checks.add(
        ~cell_missing(column) & (y.is_null() | (y != y.round(0)) | ~y.is_between(1900, 2100)),
        column,
        reason("bad_year"),
    )


def _check_finite(checks: Checks, column: str) -> None:
    v = cell_number(column)
    checks.add(~cell_missing(column) & (v.is_null() | v.is_nan() | v.is_infinite()), column, reason("not_finite"))


def validate_targets(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check target rows: an indicator name, a scope (province, city or park), years, values, direction."""
    cols = ("indicator", "scope", "baseline_year", "baseline_value", "target_year", "target_value")
    f = with_columns(frame, (*cols, "direction", "source"))
    checks = Checks(f)
    checks.required(("indicator", "scope", "target_year", "target_value", "direction"))
    ind, level, scope = _check_indicator_and_scope(checks, refs)
    for col in ("baseline_year", "target_year"):
        _check_year(checks, col)
    for col in ("baseline_value", "target_value"):
        _check_finite(checks, col)
    checks.add(
        cell_missing("baseline_year") != cell_missing("baseline_value"),
        "baseline_value",
        reason("baseline_pair"),
    )
    direction = cell_lookup("direction", DIRECTIONS)
    checks.add(~cell_missing("direction") & direction.is_null(), "direction", reason("bad_direction"))
    checks.frame = f = f.with_columns(
        ind.alias("__indicator"), scope.alias("__scope"), cell_number("target_year").alias("__target_year")
    )
    check_duplicates(checks, f, ["__indicator", "__scope", "__target_year"], "indicator")
    typed = f.select(
        "_file",
        "_row",
        ind.alias("indicator"),
        level.alias("scope_level"),
        scope.alias("scope"),
        cell_number("baseline_year").cast(pl.Int32, strict=False).alias("baseline_year"),
        cell_number("baseline_value").alias("baseline_value"),
        cell_number("target_year").cast(pl.Int32, strict=False).alias("target_year"),
        cell_number("target_value").alias("target_value"),
        direction.alias("direction"),
        cell_text("source").alias("source"),
    )
    return checks.run("targets", typed, present_columns(frame, ("baseline_year", "baseline_value", "source")))


def validate_reported(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check reported values: an indicator name, a scope, a year and a finite value (with its source)."""
    f = with_columns(frame, ("indicator", "scope", "year", "value", "source"))
    checks = Checks(f)
    checks.required(("indicator", "scope", "year", "value"))
    ind, level, scope = _check_indicator_and_scope(checks, refs)
    _check_year(checks, "year")
    _check_finite(checks, "value")
    checks.frame = f = f.with_columns(
        ind.alias("__indicator"), scope.alias("__scope"), cell_number("year").alias("__year")
    )
    check_duplicates(checks, f, ["__indicator", "__scope", "__year"], "indicator")
    typed = f.select(
        "_file",
        "_row",
        ind.alias("indicator"),
        level.alias("scope_level"),
        scope.alias("scope"),
        cell_number("year").cast(pl.Int32, strict=False).alias("year"),
        cell_number("value").alias("value"),
        cell_text("source").alias("source"),
    )
    return checks.run("reported", typed, present_columns(frame, ("source",)))


VALIDATORS = {
    "parks": validate_parks,
    "facilities": validate_facilities,
    "materials": validate_materials,
    "material_aliases": validate_material_aliases,
    "targets": validate_targets,
    "reported": validate_reported,
}
