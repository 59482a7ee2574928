"""One validation for every way data comes in (import files, forms, CLI): whole columns at a time.

Each `validate_*` takes a frame of text cells with the canonical column names of its table plus `_file`
and `_row` (where the row came from), and returns the typed valid rows and one error row per bad cell:
file, row, column, value, reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from mfa import taxonomy
from mfa.periods import (
    PERIOD_HINT,
    is_future_period,
    is_valid_period,
    normalize_period,
    period_month,
    period_year,
)
from mfa.units import AMBIGUOUS_UNITS, UNIT_HINT, UNITS

ERROR_SCHEMA = {
    "file": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "reason": pl.String,
}
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
}
LEVELS = {"national": "national", "provincial": "provincial", "other": "other", "国家级": "national"}
LEVELS |= {"省级": "provincial", "其他": "other", "其它": "other"}
DIRECTIONS = {"at_least": "at_least", "at_most": "at_most", ">=": "at_least", "≥": "at_least"}
DIRECTIONS |= {"<=": "at_most", "≤": "at_most", "不低于": "at_least", "不高于": "at_most", "至少": "at_least"}
DIRECTIONS |= {"至多": "at_most", "min": "at_least", "max": "at_most"}
PROVINCE_SCOPES = {"province", "全省", "湖南", "湖南省", "hunan"}
KINDS = {k: k for k in taxonomy.FACILITY_KINDS}
KINDS |= {en.lower(): k for k, (en, _zh) in taxonomy.FACILITY_KINDS.items()}
KINDS |= {zh: k for k, (_en, zh) in taxonomy.FACILITY_KINDS.items()}
TRUE_WORDS = {"true", "1", "yes", "y", "是", "产品", "product"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "", "material", "物料"}
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CODE_PATTERN = r"^\S{1,64}$"
IDENT_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
FORMULA_PREFIX = r"^'([=+\-@\t\r].*)$"


@dataclass(frozen=True)
class Refs:
    """What already exists (in the database and in earlier tables of the same import) to check against."""

    parks: frozenset[str] = frozenset()
    facilities: dict[str, str] = field(default_factory=dict)
    materials: dict[str, str | None] = field(default_factory=dict)
    flow_granularity: pl.DataFrame | None = None
    """Existing (source, target, material, year, has_year, has_month) for the years being written."""


@dataclass(frozen=True)
class Checked:
    """The outcome of validating one table: typed valid rows and one error row per bad cell."""

    table: str
    valid: pl.DataFrame
    errors: pl.DataFrame
    columns: tuple[str, ...]
    """The optional columns the input really had: a missing one leaves stored values as they are."""


def credit_code_problem(code: str) -> str | None:
    """Why `code`, which looks like a unified social credit code, is malformed; None if it is fine."""
    bad = sorted({c for c in code[:17] if c not in USCC_CHARS})
    if bad:
        return f"malformed unified social credit code: {''.join(bad)} cannot appear in one"
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    expected = USCC_CHARS[(31 - total % 31) % 31]
    if code[17] != expected:
        return f"malformed unified social credit code: check digit should be {expected}, not {code[17]}"
    return None


def looks_like_credit_code(code: str) -> bool:
    """An 18-character upper-case alphanumeric code with a 6-digit division code at positions 3-8."""
    return len(code) == 18 and code.isascii() and code.isalnum() and code == code.upper() and code[2:8].isdigit()


def _text(name: str) -> pl.Expr:
    """A text cell trimmed, empty as null, with the apostrophe our exports put before formulas removed."""
    s = pl.col(name).str.strip_chars()
    s = pl.when(s == "").then(None).otherwise(s)
    return s.str.replace(FORMULA_PREFIX, "$1")


def _number(name: str) -> pl.Expr:
    return _text(name).str.replace_all(r"[,\s]", "").cast(pl.Float64, strict=False)


def _fraction(name: str) -> pl.Expr:
    """A number, or a percentage such as `5%` read as 0.05."""
    text = _text(name).str.replace_all(r"[,\s]", "")
    percent = text.str.strip_suffix("%").str.strip_suffix("％").cast(pl.Float64, strict=False) / 100
    return pl.when(text.str.ends_with("%") | text.str.ends_with("％")).then(percent).otherwise(_number(name))


def _missing(name: str) -> pl.Expr:
    return _text(name).is_null()


def _lookup(name: str, mapping: dict[str, str], lower: bool = True) -> pl.Expr:
    s = _text(name)
    if lower:
        s = s.str.to_lowercase()
    return s.replace_strict(mapping, default=None, return_dtype=pl.String)


class _Checks:
    """Collects (failed-mask, column, reason) checks and turns them into an error frame."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame
        self.masks: list[pl.Expr] = []
        self.parts: list[tuple[pl.Expr, str, pl.Expr]] = []

    def add(self, failed: pl.Expr, column: str, reason: str | pl.Expr) -> None:
        reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
        self.parts.append((failed.fill_null(False), column, reason_expr))

    def required(self, columns: tuple[str, ...]) -> None:
        for col in columns:
            self.add(_missing(col), col, f"{col} is required")

    def run(self, table: str, typed: pl.DataFrame, columns: tuple[str, ...]) -> Checked:
        """Split `typed` (same rows as the input) into valid rows and errors."""
        if not self.parts:
            errors = pl.DataFrame(schema=ERROR_SCHEMA)
            return Checked(table, typed, errors, columns)
        flags = self.frame.select(
            [pl.col("_file"), pl.col("_row")]
            + [
                pl.when(failed).then(reason).otherwise(None).alias(f"__e{i}")
                for i, (failed, _c, reason) in enumerate(self.parts)
            ]
        )
        pieces = []
        for i, (_failed, column, _r) in enumerate(self.parts):
            bad = flags.filter(pl.col(f"__e{i}").is_not_null())
            if bad.height:
                values = self.frame.filter(flags[f"__e{i}"].is_not_null())
                value = values[column] if column in values.columns else pl.Series([None] * bad.height)
                pieces.append(
                    pl.DataFrame(
                        {
                            "file": bad["_file"],
                            "row": bad["_row"],
                            "column": [column] * bad.height,
                            "value": value.cast(pl.String),
                            "reason": bad[f"__e{i}"],
                        },
                        schema=ERROR_SCHEMA,
                    )
                )
        errors = pl.concat(pieces) if pieces else pl.DataFrame(schema=ERROR_SCHEMA)
        errors = errors.sort(["file", "row"], maintain_order=True)
        any_bad = pl.any_horizontal([f.is_not_null() for f in (pl.col(f"__e{i}") for i in range(len(self.parts)))])
        ok = ~flags.select(any_bad).to_series()
        return Checked(table, typed.filter(ok), errors, columns)


def _with_columns(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    return frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in missing])


def _present(frame: pl.DataFrame, columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in columns if c in frame.columns)


def _normalized_periods(frame: pl.DataFrame) -> pl.Series:
    """Each row's period normalised, working on the few distinct spellings only (fast on a million rows)."""
    raw = frame["period"] if "period" in frame.columns else pl.Series([None] * frame.height, dtype=pl.String)
    distinct = raw.unique().to_frame("period")
    mapped = distinct.with_columns(normalize_period(_text("period")).alias("__period"))
    return raw.to_frame("period").join(mapped, on="period", how="left", maintain_order="left", nulls_equal=True)[
        "__period"
    ]


def _prepare(frame: pl.DataFrame, columns: tuple[str, ...], *, period: bool) -> pl.DataFrame:
    """Add `__name` columns: trimmed text, period, year and month, quantity and unit, computed once."""
    f = _with_columns(frame, columns)
    f = f.with_columns([_text(c).alias(f"__{c}") for c in columns if c not in ("period", "quantity", "unit")])
    if period:
        f = f.with_columns(_normalized_periods(f).alias("__period"))
        f = f.with_columns(
            period_year(pl.col("__period")).alias("__year"), period_month(pl.col("__period")).alias("__month")
        )
    if "quantity" in columns:
        unit = _text("unit")
        f = f.with_columns(
            _number("quantity").alias("__quantity"),
            unit.alias("__unit"),
            unit.fill_null("t").replace_strict(UNITS, default=None, return_dtype=pl.Float64).alias("__factor"),
        )
    return f


def _check_period(checks: _Checks, today: date) -> None:
    period = pl.col("__period")
    valid = is_valid_period(period)
    checks.add(~_missing("period") & ~valid, "period", f"not a valid period: use {PERIOD_HINT}")
    checks.add(valid & is_future_period(period, today), "period", f"lies in the future (after {today:%Y-%m})")


def _check_quantity(checks: _Checks, allow_zero: bool) -> None:
    q = pl.col("__quantity")
    checks.add(~_missing("quantity") & q.is_null(), "quantity", "not a number")
    checks.add(q.is_nan() | q.is_infinite(), "quantity", "not a finite number (NaN or infinity)")
    checks.add(q < 0, "quantity", "negative quantity")
    if not allow_zero:
        checks.add(q == 0, "quantity", "zero quantity: a flow must carry a positive quantity")
    unit = pl.col("__unit")
    ambiguous = unit.is_in(sorted(AMBIGUOUS_UNITS))
    checks.add(ambiguous, "unit", "ambiguous unit: write t for tonnes or Mt for million tonnes")
    checks.add(
        unit.is_not_null() & pl.col("__factor").is_null() & ~ambiguous,
        "unit",
        pl.format("unknown unit '{}' ({})", unit, pl.lit(UNIT_HINT)),
    )


def _typed_quantity() -> list[pl.Expr]:
    q = pl.col("__quantity")
    return [
        (q * pl.col("__factor")).alias("quantity_t"),
        q.alias("value"),
        pl.col("__unit").fill_null("t").alias("unit"),
    ]


def _typed_period() -> list[pl.Expr]:
    return [pl.col("__period").alias("period"), pl.col("__year").alias("year"), pl.col("__month").alias("month")]


def _check_known(checks: _Checks, column: str, known: list[str], what: str) -> None:
    s = pl.col(f"__{column}")
    checks.add(s.is_not_null() & ~s.is_in(known), column, pl.format("unknown {} '{}'", pl.lit(what), s))


def _check_duplicates(checks: _Checks, frame: pl.DataFrame, key: list[str], column: str) -> None:
    """Rows whose key already appeared earlier in the import (in any of its files)."""
    complete = pl.all_horizontal([pl.col(k).is_not_null() for k in key])
    dup = frame.select(pl.struct(key).is_duplicated() & complete).to_series()
    if not dup.any():
        return
    seen = frame.filter(dup).select(
        *key,
        "_row",
        "_file",
        pl.struct(key).is_first_distinct().alias("__first"),
        pl.col("_row").first().over(key).alias("__first_row"),
        pl.col("_file").first().over(key).alias("__first_file"),
    )
    later = seen.filter(~pl.col("__first")).select(
        "_file", "_row", pl.format("the same key as {} row {}: a key may appear once", "__first_file", "__first_row")
    )
    reasons = frame.select("_file", "_row").join(later, on=["_file", "_row"], how="left", maintain_order="left")
    reason = reasons.to_series(2)
    checks.add(pl.lit(reason).is_not_null(), column, pl.lit(reason))


def validate_flows(frame: pl.DataFrame, refs: Refs, *, today: date | None = None) -> Checked:
    """Check flow rows: period, known facilities and material, positive tonnage, unit, quality, uniqueness."""
    today = today or date.today()
    columns = ("period", "source", "target", "material", "quantity", "unit", "uncertainty", "data_quality")
    f = _prepare(frame, (*columns, "note", "reference"), period=True)
    f = f.with_columns(_fraction("uncertainty").alias("__u"), _lookup("data_quality", DATA_QUALITY).alias("__dq"))
    checks = _Checks(f)
    checks.required(("period", "source", "target", "material", "quantity"))
    _check_period(checks, today)
    facilities = list(refs.facilities)
    _check_known(checks, "source", facilities, "facility")
    _check_known(checks, "target", facilities, "facility")
    _check_known(checks, "material", list(refs.materials), "material")
    checks.add(pl.col("__source") == pl.col("__target"), "target", "a flow cannot go from a facility to itself")
    _check_quantity(checks, allow_zero=False)
    u = pl.col("__u")
    checks.add(
        ~_missing("uncertainty") & u.is_null(), "uncertainty", "not a number (a relative uncertainty from 0 to 1)"
    )
    checks.add(u.is_not_null() & ~u.is_between(0, 1), "uncertainty", "uncertainty must be between 0 and 1 (e.g. 0.05)")
    checks.add(
        ~_missing("data_quality") & pl.col("__dq").is_null(),
        "data_quality",
        "data_quality must be measured, calculated or estimated",
    )
    _check_duplicates(checks, f, ["__period", "__source", "__target", "__material"], "period")
    _check_granularity(checks, f, refs)
    typed = f.select(
        "_file",
        "_row",
        *_typed_period(),
        pl.col("__source").alias("source"),
        pl.col("__target").alias("target"),
        pl.col("__material").alias("material"),
        *_typed_quantity(),
        u.alias("uncertainty"),
        pl.col("__dq").alias("data_quality"),
        pl.col("__note").alias("note"),
        pl.col("__reference").alias("reference"),
    )
    optional = _present(frame, ("uncertainty", "data_quality", "note", "reference"))
    return checks.run("flows", typed, optional)


def _check_granularity(checks: _Checks, f: pl.DataFrame, refs: Refs) -> None:
    """A (source, target, material) is reported by year or by month within a year, never both."""
    link = ["__source", "__target", "__material", "__year"]
    monthly = pl.col("__month").is_not_null()
    valid_year = pl.col("__year").is_not_null()
    kinds = f.select((monthly & valid_year).any().alias("m"), (~monthly & valid_year).any().alias("y")).row(0)
    if kinds[0] and kinds[1]:
        clash = monthly.any().over(link) & (~monthly).any().over(link) & valid_year
        what = "the same file has"
        checks.add(clash & ~monthly, "period", f"a yearly flow while {what} monthly flows of that year for this link")
        checks.add(clash & monthly, "period", f"a monthly flow while {what} a yearly flow of that year for this link")
    existing = refs.flow_granularity
    if existing is None or existing.height == 0:
        return
    keyed = f.select(
        *[pl.col(c).alias(c.strip("_")) for c in link],
        monthly.alias("__monthly"),
    ).join(existing, on=["source", "target", "material", "year"], how="left", maintain_order="left")
    clash_db = ((keyed["__monthly"] & keyed["has_year"]) | (~keyed["__monthly"] & keyed["has_month"])).fill_null(False)
    what = "the database has"
    checks.add(
        pl.lit(clash_db) & ~monthly, "period", f"a yearly flow while {what} monthly flows of that year for this link"
    )
    checks.add(
        pl.lit(clash_db) & monthly, "period", f"a monthly flow while {what} a yearly flow of that year for this link"
    )


def validate_stocks(frame: pl.DataFrame, refs: Refs, *, today: date | None = None) -> Checked:
    """Check stock rows: period, known facility and material, a tonnage of zero or more."""
    today = today or date.today()
    f = _prepare(frame, ("period", "facility", "material", "quantity", "unit"), period=True)
    checks = _Checks(f)
    checks.required(("period", "facility", "material", "quantity"))
    _check_period(checks, today)
    _check_known(checks, "facility", list(refs.facilities), "facility")
    _check_known(checks, "material", list(refs.materials), "material")
    _check_quantity(checks, allow_zero=True)
    _check_duplicates(checks, f, ["__facility", "__material", "__period"], "period")
    typed = f.select(
        "_file",
        "_row",
        *_typed_period(),
        pl.col("__facility").alias("facility"),
        pl.col("__material").alias("material"),
        *_typed_quantity(),
    )
    return checks.run("stocks", typed, ())


def _python_check(frame: pl.DataFrame, column: str, problem: object) -> pl.Series:
    """Per-row reasons from a Python function over one column (for small tables only)."""
    values = frame[column].to_list() if column in frame.columns else [None] * frame.height
    return pl.Series([problem(v) if v is not None else None for v in values], dtype=pl.String)  # type: ignore[operator]


def _code_problem(code: str | None) -> str | None:
    code = (code or "").strip()
    if not code:
        return None
    if len(code) > 64 or any(c.isspace() for c in code):
        return "a code is 1 to 64 characters without spaces"
    if looks_like_credit_code(code):
        return credit_code_problem(code)
    return None


def _check_names(checks: _Checks) -> None:
    checks.add(_missing("name") & _missing("name_zh"), "name", "a name or a Chinese name (name_zh) is required")


def validate_parks(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check park rows: a code, a name, a Hunan city, a level."""
    f = _with_columns(frame, ("code", "name", "name_zh", "city", "level")).with_columns(_text("code").alias("__code"))
    checks = _Checks(f)
    checks.required(("code", "city"))
    _check_names(checks)
    code_problem = _python_check(f, "code", _code_problem)
    checks.add(pl.lit(code_problem).is_not_null(), "code", pl.lit(code_problem))
    aliases = dict(taxonomy.city_aliases())
    city = _text("city").str.to_lowercase().replace_strict(aliases, default=None, return_dtype=pl.String)
    checks.add(
        ~_missing("city") & city.is_null(),
        "city",
        pl.format("'{}' is not one of Hunan's 14 prefecture-level cities", _text("city")),
    )
    level = _lookup("level", LEVELS)
    checks.add(~_missing("level") & level.is_null(), "level", "level must be national, provincial or other")
    _check_duplicates(checks, f, ["__code"], "code")
    typed = f.select(
        "_file",
        "_row",
        _text("code").alias("code"),
        _text("name").fill_null("").alias("name"),
        _text("name_zh").fill_null("").alias("name_zh"),
        city.alias("city"),
        level.fill_null("other").alias("level"),
    )
    return checks.run("parks", typed, _present(frame, ("name", "name_zh", "level")))


def validate_facilities(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check facility rows: a code (credit codes by their check digit), a name, a kind, a known park."""
    f = _with_columns(frame, ("code", "name", "name_zh", "park", "kind"))
    f = f.with_columns(_text("code").alias("__code"), _text("park").alias("__park"))
    checks = _Checks(f)
    checks.required(("code", "kind"))
    _check_names(checks)
    code_problem = _python_check(f, "code", _code_problem)
    checks.add(pl.lit(code_problem).is_not_null(), "code", pl.lit(code_problem))
    kind = _lookup("kind", KINDS)
    checks.add(
        ~_missing("kind") & kind.is_null(),
        "kind",
        pl.format("unknown kind '{}' (one of {})", _text("kind"), pl.lit(", ".join(taxonomy.FACILITY_KINDS))),
    )
    checks.add(
        _missing("park") & kind.is_not_null() & (kind != "boundary"),
        "park",
        "park is required (only a boundary facility lies outside the parks)",
    )
    _check_known(checks, "park", list(refs.parks), "park")
    _check_duplicates(checks, f, ["__code"], "code")
    typed = f.select(
        "_file",
        "_row",
        _text("code").alias("code"),
        _text("name").fill_null("").alias("name"),
        _text("name_zh").fill_null("").alias("name_zh"),
        _text("park").alias("park"),
        kind.alias("kind"),
    )
    return checks.run("facilities", typed, _present(frame, ("name", "name_zh", "park")))


def validate_materials(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check material rows: a lower-case code, a known parent (a new group has none), no cycle."""
    f = _with_columns(frame, ("code", "name", "name_zh", "parent", "is_product")).with_columns(
        _text("code").alias("__code")
    )
    checks = _Checks(f)
    checks.required(("code",))
    _check_names(checks)
    code = _text("code")
    checks.add(
        code.is_not_null() & ~code.str.contains(IDENT_PATTERN),
        "code",
        "a material code is lower-case letters, digits and _ (e.g. scrap_steel)",
    )
    known = set(refs.materials) | set(f["code"].drop_nulls().str.strip_chars().to_list())
    parent = _text("parent")
    checks.add(
        parent.is_not_null() & ~parent.is_in(sorted(known)),
        "parent",
        pl.format("unknown material '{}'", parent),
    )
    parents = dict(refs.materials)
    rows = f.select(code.alias("c"), parent.alias("p")).rows()
    parents.update({c: p for c, p in rows if c})
    cyc = [
        "a material cannot be below itself" if c and p and c in taxonomy.ancestors(parents, p) else None
        for c, p in rows
    ]
    checks.add(
        pl.lit(pl.Series(cyc, dtype=pl.String)).is_not_null(),
        "parent",
        pl.lit(pl.Series(cyc, dtype=pl.String)),
    )
    flag = _text("is_product").str.to_lowercase()
    checks.add(
        flag.is_not_null() & ~flag.is_in(sorted(TRUE_WORDS | FALSE_WORDS)),
        "is_product",
        "is_product must be true or false",
    )
    _check_duplicates(checks, f, ["__code"], "code")
    typed = f.select(
        "_file",
        "_row",
        code.alias("code"),
        _text("name").fill_null("").alias("name"),
        _text("name_zh").fill_null("").alias("name_zh"),
        parent.alias("parent"),
        flag.is_in(sorted(TRUE_WORDS)).fill_null(False).alias("is_product"),
    )
    return checks.run("materials", typed, _present(frame, ("name", "name_zh", "is_product")))


def validate_targets(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check target rows: an indicator name, a scope (province, city or park), years, values, direction."""
    cols = ("indicator", "scope", "baseline_year", "baseline_value", "target_year", "target_value")
    f = _with_columns(frame, (*cols, "direction", "source"))
    checks = _Checks(f)
    checks.required(("indicator", "scope", "target_year", "target_value", "direction"))
    ind = _text("indicator")
    checks.add(
        ind.is_not_null() & ~ind.str.contains(IDENT_PATTERN),
        "indicator",
        "an indicator name is lower-case letters, digits and _ (e.g. renewable_recycled_t)",
    )
    scope_text = _text("scope")
    city = scope_text.str.to_lowercase().replace_strict(
        dict(taxonomy.city_aliases()), default=None, return_dtype=pl.String
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
    for col in ("baseline_year", "target_year"):
        y = _number(col)
        checks.add(
            ~_missing(col) & (y.is_null() | (y != y.round(0)) | ~y.is_between(1900, 2100)),
            col,
            "a year from 1900 to 2100",
        )
    for col in ("baseline_value", "target_value"):
        v = _number(col)
        checks.add(~_missing(col) & (v.is_null() | v.is_nan() | v.is_infinite()), col, "not a finite number")
    checks.add(
        _missing("baseline_year") != _missing("baseline_value"),
        "baseline_value",
        "give both baseline_year and baseline_value, or neither",
    )
    direction = _lookup("direction", DIRECTIONS)
    checks.add(~_missing("direction") & direction.is_null(), "direction", "direction must be at_least or at_most")
    scope: pl.Expr = (
        pl.when(level == "province").then(pl.lit("province")).when(level == "city").then(city).otherwise(scope_text)
    )
    checks.frame = f = f.with_columns(
        ind.alias("__indicator"), scope.alias("__scope"), _number("target_year").alias("__target_year")
    )
    _check_duplicates(checks, f, ["__indicator", "__scope", "__target_year"], "indicator")
    typed = f.select(
        "_file",
        "_row",
        ind.alias("indicator"),
        level.alias("scope_level"),
        scope.alias("scope"),
        _number("baseline_year").cast(pl.Int32, strict=False).alias("baseline_year"),
        _number("baseline_value").alias("baseline_value"),
        _number("target_year").cast(pl.Int32, strict=False).alias("target_year"),
        _number("target_value").alias("target_value"),
        direction.alias("direction"),
        _text("source").alias("source"),
    )
    return checks.run("targets", typed, _present(frame, ("baseline_year", "baseline_value", "source")))


VALIDATORS = {
    "parks": validate_parks,
    "facilities": validate_facilities,
    "materials": validate_materials,
    "targets": validate_targets,
}
