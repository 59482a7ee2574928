"""Validation of what the outlook reads: inflows of products into use, their lifetimes, and the capacities of the
facilities that take them back. Quantities in tonnes, or for batteries in GWh, MWh or kWh (pack mass per kWh of the
chemistry, mfa/reference/batteries.csv)."""

from __future__ import annotations

from functools import cache

import polars as pl

from mfa.domain import vocabulary
from mfa.domain.outlook import DISTRIBUTIONS, ENERGY_UNITS, TAKING_KINDS, tonnes_per_unit
from mfa.domain.units import AMBIGUOUS_UNITS, UNIT_HINT, UNITS
from mfa.intake.validate.checks import (
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
from mfa.reference import battery_chemistries

PROVINCE_WORDS = ("province", "全省", "湖南", "湖南省", "hunan")
DISTRIBUTION_NAMES = {d: d for d in DISTRIBUTIONS} | {
    "威布尔": "weibull",
    "韦布尔": "weibull",
    "正态": "normal",
    "log-normal": "lognormal",
    "log_normal": "lognormal",
    "对数正态": "lognormal",
    "foldednormal": "folded_normal",
    "folded-normal": "folded_normal",
    "折叠正态": "folded_normal",
    "固定": "fixed",
}
PARAMETERS = ("shape", "scale", "mean", "std")
YEARS = (1900, 2100)
ENERGY_HINT = "or for batteries GWh, MWh, kWh"


@cache
def _chemistries() -> pl.DataFrame:
    return pl.DataFrame(list(battery_chemistries()))


def _year(checks: Checks, column: str) -> pl.Expr:
    """A whole year from 1900 to 2100 (null if missing or bad, which is reported)."""
    y = cell_number(column)
    bad = y.is_null() | (y != y.round(0)) | ~y.is_between(*YEARS)
    checks.add(~cell_missing(column) & bad, column, "a year from 1900 to 2100")
    return pl.when(bad).then(None).otherwise(y).cast(pl.Int32, strict=False)


def _product(checks: Checks, refs: Refs, column: str, *, leaf: bool) -> pl.Expr:
    """A known material flagged as a product (and, with `leaf`, with no product below it)."""
    code = cell_text(column)
    known = sorted(refs.materials)
    checks.add(code.is_not_null() & ~code.is_in(known), column, pl.format("unknown material '{}'", code))
    not_product = sorted(set(refs.materials) - set(refs.products))
    checks.add(
        code.is_in(not_product),
        column,
        pl.format("{} is a material, not a product (is_product): the outlook models products in use", code),
    )
    if leaf:
        groups = {p for c, p in refs.materials.items() if p is not None and c in refs.products}
        below = {g: sorted(c for c, p in refs.materials.items() if p == g and c in refs.products) for g in groups}
        reason = {
            g: f"{g} has products below it ({', '.join(kids)}): give inflows for each of them"
            for g, kids in below.items()
        }
        checks.add(
            code.is_in(sorted(groups) or [""]),
            column,
            code.replace_strict(reason, default=None, return_dtype=pl.String),
        )
    return code


def _tonnes(checks: Checks, f: pl.DataFrame, refs: Refs, value: str, material: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Check a quantity column and its unit (mass, or energy for battery chemistries); (tonnes, unit as stored)."""
    q = cell_number(value)
    checks.add(~cell_missing(value) & q.is_null(), value, "not a number")
    checks.add(q.is_nan() | q.is_infinite(), value, "not a finite number (NaN or infinity)")
    checks.add(q < 0, value, f"negative {value}")
    unit = cell_text("unit")
    pairs = f.select(material.alias("m"), unit.alias("u")).unique().rows()
    energy = {
        (m, u): tonnes_per_unit(_chemistries(), refs.materials, m, u)
        for m, u in pairs
        if m is not None and u in ENERGY_UNITS
    }
    factors = {(m, u): v for (m, u), v in energy.items() if v is not None}
    keyed = pl.concat_str([material.fill_null(""), pl.lit("\x1f"), unit.fill_null("")])
    energy_factor = keyed.replace_strict(
        {f"{m}\x1f{u}": v for (m, u), v in factors.items()}, default=None, return_dtype=pl.Float64
    )
    mass_factor = unit.fill_null("t").replace_strict(UNITS, default=None, return_dtype=pl.Float64)
    is_energy = unit.is_in(sorted(ENERGY_UNITS))
    checks.add(
        unit.is_in(sorted(AMBIGUOUS_UNITS)), "unit", "ambiguous unit: write t for tonnes or Mt for million tonnes"
    )
    checks.add(
        unit.is_not_null() & ~is_energy & mass_factor.is_null() & ~unit.is_in(sorted(AMBIGUOUS_UNITS)),
        "unit",
        pl.format("unknown unit '{}' ({} {})", unit, pl.lit(UNIT_HINT), pl.lit(ENERGY_HINT)),
    )
    checks.add(
        is_energy & material.is_not_null() & energy_factor.is_null(),
        "unit",
        pl.format(
            "{} is energy: only a battery chemistry with a pack mass per kWh (power_battery_lfp, power_battery_ncm) "
            "can be given in it, not {}; give tonnes",
            unit,
            material,
        ),
    )
    factor = pl.when(is_energy).then(energy_factor).otherwise(mass_factor)
    tonnes = q * factor
    checks.add(q.is_finite() & tonnes.is_infinite(), value, "too large: in tonnes it exceeds what can be stored")
    return tonnes, unit.fill_null("t")


def validate_inflows(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check inflow rows: a year, the province or a city, a product with nothing below it, a quantity of zero or
    more in tonnes or (batteries) energy; a product's year is given for the province or by city, not both."""
    f = with_columns(frame, ("year", "scope", "product", "quantity", "unit", "source"))
    checks = Checks(f)
    checks.required(("year", "scope", "product", "quantity"))
    year = _year(checks, "year")
    text = cell_text("scope")
    city = text.str.to_lowercase().replace_strict(dict(vocabulary.city_aliases()), default=None, return_dtype=pl.String)
    is_province = text.str.to_lowercase().is_in(list(PROVINCE_WORDS))
    checks.add(
        text.is_not_null() & ~is_province & city.is_null(),
        "scope",
        pl.format("unknown scope '{}' (province or a Hunan city; inflows are not given by park)", text),
    )
    scope = pl.when(is_province).then(pl.lit("province")).otherwise(city)
    product = _product(checks, refs, "product", leaf=True)
    tonnes, unit = _tonnes(checks, f, refs, "quantity", product)
    checks.frame = f = checks.frame.with_columns(
        year.alias("__year"), scope.alias("__scope"), product.alias("__product"), tonnes.alias("__t")
    )
    check_duplicates(checks, f, ["__year", "__scope", "__product"], "year")
    _check_levels(checks, f, refs)
    typed = f.select(
        "_file",
        "_row",
        pl.col("__year").alias("year"),
        pl.when(pl.col("__scope") == "province")
        .then(pl.lit("province"))
        .otherwise(pl.lit("city"))
        .alias("scope_level"),
        pl.col("__scope").alias("scope"),
        pl.col("__product").alias("product"),
        pl.col("__t").alias("quantity_t"),
        cell_number("quantity").alias("value"),
        unit.alias("unit"),
        cell_text("source").alias("source"),
    )
    return checks.run("inflows", typed, present_columns(frame, ("source",)))


def _check_levels(checks: Checks, f: pl.DataFrame, refs: Refs) -> None:
    """A product's inflows of a year are given for the province or by city, never both (a province row counts
    what no city row does, so giving both would likely count the same products twice)."""
    key = ["year", "scope", "product"]
    new = f.select(
        pl.col("__year").alias("year"), pl.col("__scope").alias("scope"), pl.col("__product").alias("product"), "__t"
    )
    everything = new.drop_nulls(key)
    if refs.inflows is not None and refs.inflows.height:
        old = refs.inflows.select(
            pl.col("year").cast(pl.Int32), "scope", "product", pl.col("quantity_t").alias("__t")
        ).join(everything, on=key, how="anti")
        everything = pl.concat([everything, old])
    positive = everything.filter(pl.col("__t") > 0)
    levels = positive.group_by("product", "year").agg(
        (pl.col("scope") == "province").any().alias("__has_province"),
        (pl.col("scope") != "province").any().alias("__has_city"),
    )
    marked = new.join(levels, on=["product", "year"], how="left")
    clash = (
        (marked["__t"] > 0) & marked["__has_province"].fill_null(False) & marked["__has_city"].fill_null(False)
    ).fill_null(False)
    reason = pl.format(
        "{} in {} has both a province inflow and city inflows: give a product's year for the province or by city, "
        "not both (set the other to 0)",
        pl.col("__product"),
        pl.col("__year"),
    )
    checks.add(clash, "scope", reason)


def _check_parameters(checks: Checks, distribution: pl.Expr) -> None:
    """Each distribution's parameters are given and positive, the others empty; low ≤ central ≤ high."""
    for name in PARAMETERS:
        takes = [d for d, names in DISTRIBUTIONS.items() if name in names]
        applies = distribution.is_in(takes)
        value = cell_number(name)
        takes_of = distribution.replace_strict(
            {d: ", ".join(n) for d, n in DISTRIBUTIONS.items()}, default="", return_dtype=pl.String
        )
        for column in (name, f"{name}_low", f"{name}_high"):
            v = cell_number(column)
            checks.add(~cell_missing(column) & (v.is_null() | ~v.is_finite()), column, "not a finite number")
            checks.add(
                distribution.is_not_null() & ~applies & ~cell_missing(column),
                column,
                pl.format("{} does not apply to {} (it takes {})", pl.lit(column), distribution, takes_of),
            )
            checks.add(applies & (v <= 0), column, f"{column} must be positive")
        checks.add(applies & cell_missing(name), name, pl.format("{} needs {}", distribution, pl.lit(name)))
        low, high = cell_number(f"{name}_low"), cell_number(f"{name}_high")
        checks.add(applies & (low > value), f"{name}_low", f"{name}_low is above {name}")
        checks.add(applies & (high < value), f"{name}_high", f"{name}_high is below {name}")


def _overlaps(f: pl.DataFrame) -> pl.Series:
    """Per row, why its cohorts overlap an earlier row of the same product (None if they do not)."""
    rows = f.select("__product", "__first", "__last", "_file", "_row").rows()
    seen: dict[str, list[tuple[float, float, str, int]]] = {}
    out: list[str | None] = []
    for product, first, last, file, row in rows:
        lo = -float("inf") if first is None else first
        hi = float("inf") if last is None else last
        clash = (
            next(((fl, r) for a, b, fl, r in seen.get(product, []) if lo <= b and a <= hi), None) if product else None
        )
        out.append(None if clash is None else f"its cohorts overlap those of {clash[0]} row {clash[1]} for {product}")
        if product:
            seen.setdefault(product, []).append((lo, hi, file, row))
    return pl.Series(out, dtype=pl.String)


def validate_lifetimes(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check lifetime rows: a product, a distribution with its parameters (and optional low/high values), cohort
    ranges that do not overlap within a product. A product's rows replace all its stored rows."""
    range_columns = tuple(f"{p}_{end}" for p in PARAMETERS for end in ("low", "high"))
    columns = ("product", "distribution", *PARAMETERS, *range_columns, "first_cohort", "last_cohort", "source")
    f = with_columns(frame, columns)
    checks = Checks(f)
    checks.required(("product", "distribution"))
    product = _product(checks, refs, "product", leaf=False)
    distribution = cell_lookup("distribution", DISTRIBUTION_NAMES)
    checks.add(
        ~cell_missing("distribution") & distribution.is_null(),
        "distribution",
        pl.format("unknown distribution '{}' (one of {})", cell_text("distribution"), pl.lit(", ".join(DISTRIBUTIONS))),
    )
    _check_parameters(checks, distribution)
    first, last = _year(checks, "first_cohort"), _year(checks, "last_cohort")
    checks.add(first > last, "last_cohort", "last_cohort is before first_cohort")
    checks.frame = f = checks.frame.with_columns(
        product.alias("__product"), first.alias("__first"), last.alias("__last")
    )
    overlap = _overlaps(f)
    checks.add(overlap.is_not_null(), "first_cohort", overlap)
    typed = f.select(
        "_file",
        "_row",
        product.alias("product"),
        distribution.alias("distribution"),
        *[cell_number(c).alias(c) for c in (*PARAMETERS, *range_columns)],
        first.alias("first_cohort"),
        last.alias("last_cohort"),
        cell_text("source").alias("source"),
    )
    return checks.run("lifetimes", typed, columns[2:])


def validate_capacities(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check capacity rows: a recycling, reuse or remanufacturing facility, a material, the first year, a capacity
    of zero or more per year (tonnes, or for battery chemistries energy)."""
    f = with_columns(frame, ("facility", "material", "year_from", "capacity", "unit", "source"))
    checks = Checks(f)
    checks.required(("facility", "material", "year_from", "capacity"))
    facility = cell_text("facility")
    checks.add(
        facility.is_not_null() & ~facility.is_in(sorted(refs.facilities)),
        "facility",
        pl.format("unknown facility '{}'", facility),
    )
    kind = facility.replace_strict(dict(refs.facilities), default=None, return_dtype=pl.String)
    checks.add(
        kind.is_not_null() & ~kind.is_in(list(TAKING_KINDS)),
        "facility",
        pl.format("{} is a {} facility: capacities are for recycling, reuse and remanufacturing ones", facility, kind),
    )
    material = cell_text("material")
    checks.add(
        material.is_not_null() & ~material.is_in(sorted(refs.materials)),
        "material",
        pl.format("unknown material '{}'", material),
    )
    year = _year(checks, "year_from")
    tonnes, unit = _tonnes(checks, f, refs, "capacity", material)
    checks.frame = f = checks.frame.with_columns(
        facility.alias("__facility"), material.alias("__material"), year.alias("__year")
    )
    check_duplicates(checks, f, ["__facility", "__material", "__year"], "year_from")
    typed = f.select(
        "_file",
        "_row",
        facility.alias("facility"),
        material.alias("material"),
        year.alias("year_from"),
        tonnes.alias("capacity_t"),
        cell_number("capacity").alias("value"),
        unit.alias("unit"),
        cell_text("source").alias("source"),
    )
    return checks.run("capacities", typed, present_columns(frame, ("source",)))
