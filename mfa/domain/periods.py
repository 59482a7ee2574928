"""Periods: a year `2024` or a month `2024-03`, as polars expressions for whole columns."""

from __future__ import annotations

from datetime import date

import polars as pl

PERIOD_HINT = "a year (2024) or a month (2024-03)"
MIN_YEAR = 1900


def normalize_period(col: pl.Expr) -> pl.Expr:
    """Common spellings (2024/3, 2024年3月, 202403, 2024.0, Excel's 2024-03-01) -> `2024` or `2024-03`."""
    s = col.str.strip_chars()
    s = s.str.replace(r"^(\d{4})\.0$", "$1")
    s = s.str.replace(r"^(\d{4})-(\d{2})-01(?:[ T]00:00(?::00(?:\.0+)?)?)?$", "$1-$2")
    s = s.str.replace(r"^(\d{4})年$", "$1")
    s = s.str.replace(r"^(\d{4})\s*(?:年|/|\.|-)\s*(\d{1,2})\s*月?$", "$1-$2")
    s = s.str.replace(r"^(\d{4})(\d{2})$", "$1-$2")
    return s.str.replace(r"^(\d{4})-(\d)$", "$1-0$2")


def period_year(period: pl.Expr) -> pl.Expr:
    """The year of a normalised period (null if malformed)."""
    return period.str.extract(r"^(\d{4})(?:-\d{2})?$", 1).cast(pl.Int32, strict=False)


def period_month(period: pl.Expr) -> pl.Expr:
    """The month of a normalised monthly period, null for a year or a malformed period."""
    return period.str.extract(r"^\d{4}-(\d{2})$", 1).cast(pl.Int8, strict=False)


def is_valid_period(period: pl.Expr) -> pl.Expr:
    """True for `YYYY` (from 1900) or `YYYY-MM` with a month 01-12."""
    month = period_month(period)
    shape = period.str.contains(r"^\d{4}(?:-\d{2})?$")
    return (
        shape.fill_null(False)
        & (period_year(period) >= MIN_YEAR).fill_null(False)
        & (month.is_null() | month.is_between(1, 12)).fill_null(False)
    )


def is_future_period(period: pl.Expr, today: date) -> pl.Expr:
    """True for a period that starts after `today`."""
    year, month = period_year(period), period_month(period)
    return (year > today.year) | ((year == today.year) & month.is_not_null() & (month > today.month))
