"""The records of a table, in its columns, as text: a tidy table as it is, month columns as one record per month
cell, a year and a month column as one period; the unit and period of the title block or header filled in where a
row has no cell of its own (a cell always wins)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from mfa.intake.body import NO_FLOW, fmt, numbers
from mfa.intake.headings import MONTH, YEAR, YEAR_TOTAL, month_of, token_month
from mfa.intake.tables import TableSpec

MAX_WARNINGS = 50
"""Year-total mismatches listed per table (the rest are counted)."""


def blank_as_null(column: str) -> pl.Expr:
    """A text cell, null when empty or blank."""
    c = pl.col(column)
    return pl.when(c.str.strip_chars() == "").then(None).otherwise(c)


def _month_number(text: str | None) -> int | None:
    """A month cell (`3`, `3.0`, `03`, `3月`, `三月`, `Mar`) as 1-12, else None."""
    if text is None:
        return None
    s = "".join(str(text).split())
    found = re.fullmatch(r"(\d{1,2})(?:\.0+)?", s)
    if found:
        month = int(found[1])
        return month if 1 <= month <= 12 else None
    named = month_of(s)
    return named[1] if named and named[0] is None else None


def _year(column: str) -> pl.Expr:
    """The year a year cell gives (`2024`, `2024年`, `2024.0`), as text; null otherwise."""
    return pl.col(column).str.extract(r"^\s*((?:19|20|21)\d{2})(?:\.0+)?\s*(?:年度?)?\s*$", 1)


def _months(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A month column as two-digit text (`03`), mapped through its few distinct spellings."""
    distinct = frame.get_column(column).unique().to_list()
    mapping = {v: f"{m:02d}" for v in distinct if v is not None and (m := _month_number(v)) is not None}
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=pl.String)


def tidy(
    frame: pl.DataFrame,
    spec: TableSpec,
    mapping: Sequence[str],
    unit: str | None,
    period: str | None,
) -> pl.DataFrame:
    """The records of a table with one record per row (`frame`: the data rows' grid columns and `_row`)."""
    columns = frame.columns
    picked = [pl.col(columns[j]).alias(t) for j, t in enumerate(mapping) if t in spec.columns]
    out = frame.select(*picked, "_row")
    if "period" in spec.columns:
        derived = _derived_period(frame, mapping, period)
        if derived is not None:
            periods = frame.with_columns(derived.alias("__period")).get_column("__period")
            if "period" in out.columns:
                out = out.with_columns(pl.coalesce(blank_as_null("period"), periods).alias("period"))
            else:
                out = out.with_columns(periods.alias("period"))
    return with_unit(out, spec, unit)


def _derived_period(frame: pl.DataFrame, mapping: Sequence[str], period: str | None) -> pl.Expr | None:
    """The period of rows without a period cell: their year (and month) cells, else the title's period."""
    columns = frame.columns
    context = pl.lit(period, dtype=pl.String)
    if YEAR not in mapping:
        return context if period is not None else None
    year = pl.coalesce(_year(columns[mapping.index(YEAR)]), pl.lit(period[:4] if period else None, dtype=pl.String))
    if MONTH not in mapping:
        return year
    month = _months(frame, columns[mapping.index(MONTH)])
    return pl.when(month.is_not_null()).then(pl.concat_str(year, pl.lit("-"), month)).otherwise(None)


def with_unit(frame: pl.DataFrame, spec: TableSpec, unit: str | None) -> pl.DataFrame:
    """Rows without a unit cell take `unit` (the header's or the title's)."""
    if unit is None or "unit" not in spec.columns:
        return frame
    if "unit" in frame.columns:
        return frame.with_columns(pl.coalesce(blank_as_null("unit"), pl.lit(unit)).alias("unit"))
    return frame.with_columns(pl.lit(unit).alias("unit"))


def no_flow(column: str, zero: bool = True) -> pl.Expr:
    """A month cell that holds no record: empty, blank, a dash, or (`zero`: for flows, not stocks) zero."""
    c = pl.col(column)
    text = c.str.strip_chars()
    empty = c.is_null() | (text == "") | text.is_in(sorted(NO_FLOW))
    if not zero:
        return empty
    is_zero = text.str.replace_all(",", "", literal=True).cast(pl.Float64, strict=False) == 0
    return empty | is_zero.fill_null(False)


def wide(
    frame: pl.DataFrame,
    spec: TableSpec,
    mapping: Sequence[str],
    headers: Sequence[str],
    unit: str | None,
    period: str | None,
) -> tuple[pl.DataFrame, int, list[str]]:
    """Month columns as one record per month cell that holds a flow (or a stock: 0 included); (records, empty
    month cells, warnings). A row without any month figure but with a year total gives the yearly record; with
    both, the year total is only checked against the months."""
    columns = frame.columns
    carried = [pl.col(columns[j]).alias(t) for j, t in enumerate(mapping) if t in spec.columns]
    year_cell = _year(columns[mapping.index(YEAR)]) if YEAR in mapping else None
    context = pl.lit(period[:4] if period else None, dtype=pl.String)
    row_year = pl.coalesce(year_cell, context) if year_cell is not None else context
    months = [(j, token_month(t)) for j, t in enumerate(mapping) if token_month(t) is not None]
    zero = spec.name != "stocks"  # a stock of 0 is a record (an empty yard); a flow of 0 is no flow
    parts, empty = [], 0
    for j, found in months:
        assert found is not None
        year, month = found
        y = pl.lit(str(year)) if year else row_year
        part = frame.filter(~no_flow(columns[j], zero)).select(
            *carried,
            pl.col(columns[j]).alias("quantity"),
            pl.concat_str(y, pl.lit(f"-{month:02d}")).alias("period"),
            "_row",
            pl.lit(headers[j]).alias("_col"),
        )
        empty += frame.height - part.height
        parts.append(part)
    warnings: list[str] = []
    if YEAR_TOTAL in mapping:
        j = mapping.index(YEAR_TOTAL)
        none = pl.all_horizontal([no_flow(columns[k], zero) for k, _m in months])
        only = frame.filter(none & ~no_flow(columns[j], zero)).select(
            *carried,
            pl.col(columns[j]).alias("quantity"),
            row_year.alias("period"),
            "_row",
            pl.lit(headers[j]).alias("_col"),
        )
        parts.append(only)
        warnings = _year_totals(frame, [columns[k] for k, _m in months], columns[j], headers[j], none)
    out = pl.concat(parts, how="vertical") if parts else pl.DataFrame()
    out = out.sort("_row", maintain_order=True) if out.height else out
    return with_unit(out, spec, unit), empty, warnings


def _year_totals(frame: pl.DataFrame, months: list[str], total: str, header: str, none: pl.Expr) -> list[str]:
    """Warnings for rows whose year total differs from the sum of their months (beyond its rounding)."""
    from mfa.domain.labels.reasons import reason

    places = pl.col(total).str.strip_chars().str.extract(r"\.(\d+)$", 1).str.len_chars().fill_null(0).cast(pl.Float64)
    summed = pl.sum_horizontal([numbers_expr(c) for c in months])
    value = numbers_expr(total)
    tolerance = pl.max_horizontal(0.5 * pl.lit(10.0).pow(-places), 1e-9 * pl.max_horizontal(summed.abs(), 1.0))
    bad = frame.filter(value.is_not_null() & ~none & ((value - summed).abs() > tolerance)).select(
        "_row", value.alias("total"), summed.alias("sum")
    )
    out = [
        reason("year_total_mismatch", row=row, column=header, total=fmt(t), sum=fmt(s))
        for row, t, s in bad.head(MAX_WARNINGS).iter_rows()
    ]
    if bad.height > MAX_WARNINGS:
        out.append(reason("more_warnings", n=bad.height - MAX_WARNINGS))
    return out


def numbers_expr(column: str) -> pl.Expr:
    """A text column as numbers, null where not a finite number (thousands separators and blanks allowed)."""
    s = pl.col(column).str.strip_chars().str.strip_prefix("'").str.replace_all(",", "", literal=True)
    value = s.str.replace_all(" ", "", literal=True).cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value).otherwise(None)


__all__ = ["blank_as_null", "no_flow", "numbers", "tidy", "wide", "with_unit"]
