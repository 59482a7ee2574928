"""The machinery of validation: text cells parsed as whole columns, failed checks collected as error rows.

A validator takes a frame of text cells with its table's canonical column names plus `_file` and `_row` (where
the row came from) and returns the typed valid rows and one error row per bad cell: file, row, column, value, reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from mfa.domain.labels.reasons import reason as why
from mfa.domain.periods import (
    is_future_period,
    is_valid_period,
    normalize_period,
    period_month,
    period_year,
)
from mfa.domain.units import AMBIGUOUS_UNITS, UNIT_HINT, UNITS
from mfa.intake.names import NameIndex

ERROR_SCHEMA = {
    "file": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "reason": pl.String,
}


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


IDENT_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"


CELL_COLUMNS = frozenset({"quantity", "period"})
"""Columns a record read from a month column takes from that column's cell and header: their errors name the
column as the sheet heads it (`3月`), from the record's `_col`."""


DUPLICATE_KEY = why("duplicate_key", file="{}", row="{}")
"""Why a row repeats an earlier key (pl.format fills the first one's file and row)."""


FORMULA_PREFIX = r"^'([=+\-@\t\r].*)$"


@dataclass(frozen=True)
class Refs:
    """What already exists (in the database and in earlier tables of the same import) to check against."""

    parks: frozenset[str] = frozenset()
    facilities: dict[str, str] = field(default_factory=dict)
    materials: dict[str, str | None] = field(default_factory=dict)
    flow_granularity: pl.DataFrame | None = None
    """Existing (source, target, material, year, has_year, has_month) for the years being written."""
    facility_parks: dict[str, str | None] = field(default_factory=dict)
    """Facility code -> its park (None outside the parks), for the side a park manager declares."""
    products: frozenset[str] = frozenset()
    """Materials flagged as products (is_product): what inflows and lifetimes are given for."""
    inflows: pl.DataFrame | None = None
    """Stored inflows (year, scope, product, quantity_t): a product's year is given for the province or by city."""
    facility_names: NameIndex | None = None
    """Facilities by code and name; without it, facilities are named by code only."""
    material_names: NameIndex | None = None
    """Materials by code, name and alias; without it, materials are named by code only."""


@dataclass(frozen=True)
class Checked:
    """The outcome of validating one table: typed valid rows and one error row per bad cell."""

    table: str
    valid: pl.DataFrame
    errors: pl.DataFrame
    columns: tuple[str, ...]
    """The optional columns the input really had: a missing one leaves stored values as they are."""


def cell_text(name: str, quoted: bool = True) -> pl.Expr:
    """A text cell trimmed, empty as null, with the apostrophe our exports put before formulas removed
    (`quoted=False` when the column is known to have none: faster)."""
    s = pl.col(name).str.strip_chars()
    s = pl.when(s == "").then(None).otherwise(s)
    return s.str.replace(FORMULA_PREFIX, "$1") if quoted else s


def cell_number(name: str) -> pl.Expr:
    """A number as people type it: spaces and thousands separators allowed, an export's apostrophe removed."""
    s = pl.col(name).str.strip_chars().str.strip_prefix("'")
    return (
        s.str.replace_all(",", "", literal=True).str.replace_all(" ", "", literal=True).cast(pl.Float64, strict=False)
    )


def cell_fraction(name: str) -> pl.Expr:
    """A number, or a percentage such as `5%` read as 0.05."""
    text = cell_text(name).str.replace_all(r"[,\s]", "")
    percent = text.str.strip_suffix("%").str.strip_suffix("％").cast(pl.Float64, strict=False) / 100
    return pl.when(text.str.ends_with("%") | text.str.ends_with("％")).then(percent).otherwise(cell_number(name))


def cell_missing(name: str) -> pl.Expr:
    """The cell is empty (or only blanks)."""
    return pl.col(name).is_null() | (pl.col(name).str.strip_chars().str.len_bytes() == 0)


def cell_lookup(name: str, mapping: dict[str, str], lower: bool = True) -> pl.Expr:
    s = cell_text(name)
    if lower:
        s = s.str.to_lowercase()
    return s.replace_strict(mapping, default=None, return_dtype=pl.String)


class Checks:
    """Collects (failed-mask, column, reason) checks and turns them into an error frame.

    Masks are evaluated on every row; reasons only on the rows that failed, so a clean million rows is cheap.
    A mask or reason may be a Series (computed outside polars expressions): it becomes a column of the frame.
    """

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame
        self.parts: list[tuple[pl.Expr, str, pl.Expr]] = []

    def _expr(self, value: pl.Expr | pl.Series | str) -> pl.Expr:
        if isinstance(value, str):
            return pl.lit(value)
        if isinstance(value, pl.Series):
            name = f"__series{len(self.frame.columns)}"
            self.frame = self.frame.with_columns(value.alias(name))
            return pl.col(name)
        return value

    def add(self, failed: pl.Expr | pl.Series, column: str, reason: str | pl.Expr | pl.Series) -> None:
        """Rows where `failed` is true get `reason` for `column`."""
        self.parts.append((self._expr(failed).fill_null(False), column, self._expr(reason)))

    def required(self, columns: tuple[str, ...]) -> None:
        """Each of `columns` must have a value."""
        for col in columns:
            self.add(cell_missing(col), col, why("required", column=col))

    def run(self, table: str, typed: pl.DataFrame, columns: tuple[str, ...]) -> Checked:
        """Split `typed` (same rows as the input) into valid rows and errors."""
        empty = pl.DataFrame(schema=ERROR_SCHEMA)
        if not self.parts:
            return Checked(table, typed, empty, columns)
        masks = self.frame.select([failed.alias(f"__m{i}") for i, (failed, _c, _r) in enumerate(self.parts)])
        bad = masks.select(pl.any_horizontal(pl.all())).to_series()
        if not bad.any():
            return Checked(table, typed, empty, columns)
        bad_rows, bad_masks = self.frame.filter(bad), masks.filter(bad)
        pieces = []
        for i, (_failed, column, reason) in enumerate(self.parts):
            mask = bad_masks[f"__m{i}"]
            if not mask.any():
                continue
            rows = bad_rows.filter(mask)
            value = pl.col(column).cast(pl.String) if column in rows.columns else pl.lit(None, dtype=pl.String)
            label = pl.lit(column)
            if "_col" in rows.columns and column in CELL_COLUMNS:  # a month column's cell: named by its header
                label = pl.coalesce(pl.col("_col"), label)
            pieces.append(
                rows.select(
                    pl.col("_file").alias("file"),
                    pl.col("_row").alias("row"),
                    label.alias("column"),
                    value.alias("value"),
                    reason.cast(pl.String).alias("reason"),
                )
            )
        errors = pl.concat(pieces).cast(ERROR_SCHEMA).sort(["file", "row"], maintain_order=True)  # type: ignore[arg-type]
        return Checked(table, typed.filter(~bad), errors, columns)


def with_columns(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    return frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in missing])


def present_columns(frame: pl.DataFrame, columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in columns if c in frame.columns)


def period_columns(frame: pl.DataFrame, today: date) -> pl.DataFrame:
    """`__period`, `__year`, `__month`, `__period_valid`, `__period_future` for each row, computed on the few
    distinct spellings only and joined back (fast on a million rows)."""
    raw = frame["period"] if "period" in frame.columns else pl.Series([None] * frame.height, dtype=pl.String)
    distinct = raw.unique().to_frame("period").with_columns(normalize_period(cell_text("period")).alias("__period"))
    p = pl.col("__period")
    mapped = distinct.with_columns(
        period_year(p).alias("__year"),
        period_month(p).alias("__month"),
        is_valid_period(p).alias("__period_valid"),
        (is_valid_period(p) & is_future_period(p, today)).fill_null(False).alias("__period_future"),
    )
    joined = raw.to_frame("period").join(mapped, on="period", how="left", maintain_order="left", nulls_equal=True)
    return joined.drop("period")


def by_distinct(column: pl.Series, expr: pl.Expr) -> pl.Series:
    """`expr` (over a column named "v") applied to each row of `column`, computed once per distinct value when
    they are few (codes, units, qualities repeat over a million rows), row by row otherwise."""
    distinct = column.unique()
    if distinct.len() * 4 > column.len():
        return column.to_frame("v").select(expr).to_series()
    mapped = distinct.to_frame("v").with_columns(expr.alias("__out"))
    joined = column.to_frame("v").join(mapped, on="v", how="left", nulls_equal=True, maintain_order="left")
    return joined["__out"]


def prepare(frame: pl.DataFrame, columns: tuple[str, ...], *, today: date | None = None) -> pl.DataFrame:
    """Add `__name` columns: trimmed text, period, year and month, quantity and unit, computed once (per distinct
    value where values repeat)."""
    f = with_columns(frame, columns)
    quoted = {c for c in columns if f[c].str.starts_with("'").any()}
    f = f.with_columns(
        by_distinct(f[c], cell_text("v", c in quoted)).alias(f"__{c}")
        for c in columns
        if c not in ("period", "quantity", "unit")
    )
    if today is not None:
        f = pl.concat([f, period_columns(f, today)], how="horizontal")
    if "quantity" in columns:
        unit = cell_text("v")
        f = f.with_columns(
            cell_number("quantity").alias("__quantity"),
            by_distinct(f["unit"], unit).alias("__unit"),
            by_distinct(
                f["unit"], unit.fill_null("t").replace_strict(UNITS, default=None, return_dtype=pl.Float64)
            ).alias("__factor"),
        )
    return f


def check_period(checks: Checks, today: date) -> None:
    """The period (prepared with `today`) is a valid year or month, not in the future."""
    valid = pl.col("__period_valid")
    checks.add(~cell_missing("period") & ~valid, "period", why("bad_period"))
    checks.add(pl.col("__period_future"), "period", why("future_period", month=f"{today:%Y-%m}"))


def check_quantity(checks: Checks, allow_zero: bool) -> None:
    q = pl.col("__quantity")
    checks.add(~cell_missing("quantity") & q.is_null(), "quantity", why("not_a_number"))
    checks.add(q.is_nan() | q.is_infinite(), "quantity", why("not_finite_nan"))
    checks.add(q < 0, "quantity", why("negative_quantity"))
    tonnes = q * pl.col("__factor")
    checks.add(
        q.is_finite() & tonnes.is_infinite(),
        "quantity",
        why("quantity_too_large"),
    )
    if not allow_zero:
        checks.add(q == 0, "quantity", why("zero_quantity"))
    unit = pl.col("__unit")
    ambiguous = unit.is_in(sorted(AMBIGUOUS_UNITS))
    checks.add(ambiguous, "unit", why("ambiguous_unit"))
    checks.add(
        unit.is_not_null() & pl.col("__factor").is_null() & ~ambiguous,
        "unit",
        pl.format("unknown unit '{}' ({})", unit, pl.lit(UNIT_HINT)),
    )


def typed_quantity() -> list[pl.Expr]:
    q = pl.col("__quantity")
    return [
        (q * pl.col("__factor")).alias("quantity_t"),
        q.alias("value"),
        pl.col("__unit").fill_null("t").alias("unit"),
    ]


def typed_period() -> list[pl.Expr]:
    return [pl.col("__period").alias("period"), pl.col("__year").alias("year"), pl.col("__month").alias("month")]


def check_known(checks: Checks, column: str, known: list[str], what: str) -> None:
    s = pl.col(f"__{column}")
    checks.add(s.is_not_null() & ~s.is_in(known), column, pl.format("unknown {} '{}'", pl.lit(what), s))


def resolve_names(
    frame: pl.DataFrame, indexes: dict[str, NameIndex | None]
) -> tuple[pl.DataFrame, dict[str, pl.Series | None]]:
    """The `__column` cells of `frame` turned from names into codes by each column's index, and per column why a
    cell names no single record (null where it does). Columns without an index are left to `check_known`."""
    problems: dict[str, pl.Series | None] = {}
    for column, index in indexes.items():
        if index is None:
            continue
        resolved, why = index.resolve(frame.get_column(f"__{column}"))
        if why is not None:
            frame = frame.with_columns(resolved.alias(f"__{column}"))
        problems[column] = why
    return frame, problems


def check_names(
    checks: Checks, column: str, problems: dict[str, pl.Series | None], known: list[str], what: str
) -> None:
    """A facility or material cell must name one known record: by code (check_known) or, with an index, by name
    (nothing to check when every cell is a code)."""
    if column not in problems:
        check_known(checks, column, known, what)
        return
    why = problems[column]
    if why is not None:
        checks.add(why.is_not_null(), column, why)


def check_duplicates(
    checks: Checks,
    frame: pl.DataFrame,
    key: list[str],
    column: str,
    reason: str = DUPLICATE_KEY,
) -> None:
    """Rows whose key already appeared earlier in the import (in any of its files); `reason` names the first one
    (its file and row fill the braces)."""
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
    later = seen.filter(~pl.col("__first")).select("_file", "_row", pl.format(reason, "__first_file", "__first_row"))
    found = frame.select("_file", "_row").join(later, on=["_file", "_row"], how="left", maintain_order="left")
    reasons = found.to_series(2)
    checks.add(reasons.is_not_null(), column, reasons)


def python_check(frame: pl.DataFrame, column: str, problem: Callable[[str], str | None]) -> pl.Series:
    """Per-row reasons from a Python function over one column (for small tables only)."""
    values = frame[column].to_list() if column in frame.columns else [None] * frame.height
    return pl.Series([problem(v) if v is not None else None for v in values], dtype=pl.String)
