"""The title block above a table's header: the unit (`单位：万吨`, `Unit: kt`) and the period (`2024年3月`,
`2024-03`, `2024年`) it gives, and the period of a sheet name (`2024年3月`, `202403`, `3月`). Dates (填报日期,
`2024年4月5日`) and ranges (`2021-2025年`, `1-3月`) are not periods."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import polars as pl

from mfa.domain.labels.reasons import reason
from mfa.domain.units import AMBIGUOUS_UNITS
from mfa.intake.headings import UNIT_PATTERN, month_of


class LayoutError(ValueError):
    """A table that cannot be read: one line in the user's terms, and the row it concerns."""

    def __init__(self, message: str, row: int = 1, column: str = "") -> None:
        super().__init__(message)
        self.row = row
        self.column = column


def cells_of(grid: pl.DataFrame, index: int) -> tuple[str, ...]:
    """The cells of a grid row as text, blanks collapsed, trailing empty cells dropped."""
    cells = ["" if c is None else " ".join(str(c).split()) for c in grid.row(index)]
    while cells and cells[-1] == "":
        cells.pop()
    return tuple(cells)


_DATES = re.compile(
    r"(?:填报|报送|制表|填表|打印|报告|统计)?(?:日期|时间)\s*:?\s*\S*"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{4}\s*[-~至到—–]\s*\d{4}\s*年?|\d{4}\s*年\s*\d{1,2}\s*月?\s*[-~至到—–]\s*\d{1,2}\s*月"
)
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})\s*(?:年\s*(\d{1,2})\s*月|[-/.]\s*(\d{1,2})(?!\d))")
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
_UNIT = re.compile(rf"(?:计量单位|单位|(?i:units?))\s*:?\s*({UNIT_PATTERN})(?![A-Za-z])")


def periods_in(text: str) -> list[str]:
    """The periods a line of a title names (`2024年3月` -> 2024-03, `2024年` -> 2024), dates and ranges aside."""
    text = _DATES.sub(" ", unicodedata.normalize("NFKC", text))
    found: list[str] = []
    for m in _YEAR_MONTH.finditer(text):
        year, month = int(m[1]), int(m[2] or m[3])
        if 1900 <= year <= 2200 and 1 <= month <= 12:
            found.append(f"{year}-{month:02d}")
    for m in _YEAR.finditer(_YEAR_MONTH.sub(" ", text)):
        if 1900 <= int(m[1]) <= 2200:
            found.append(m[1])
    return list(dict.fromkeys(found))


def sheet_period(name: str | None) -> tuple[str | None, int | None]:
    """The period a sheet name gives (`2024年3月`, `2024-03`, `202403`, `2024`), or the month alone (`3月`, `Mar`)."""
    if not name:
        return None, None
    text = unicodedata.normalize("NFKC", name).strip()
    if re.fullmatch(r"(19|20|21)\d{2}", text):
        return text, None
    found = re.fullmatch(r"((?:19|20|21)\d{2})(0[1-9]|1[0-2])", text)
    if found:
        return f"{found[1]}-{found[2]}", None
    listed = periods_in(text)
    if len(listed) == 1:
        return listed[0], None
    month = month_of(" ".join(text.split()).replace(" ", ""))
    if month is not None:
        return (f"{month[0]}-{month[1]:02d}" if month[0] else None), (None if month[0] else month[1])
    return None, None


@dataclass(frozen=True)
class Title:
    """What the title block says: its lines, its unit (and row), its period."""

    lines: tuple[str, ...] = ()
    unit: str | None = None
    unit_row: int = 0
    period: str | None = None


def read_title(grid: pl.DataFrame, header: int, first_row: int = 1) -> Title:
    """The title block above the header (grid rows before `header`); LayoutError when it is contradictory."""
    lines: list[str] = []
    units: dict[str, int] = {}
    periods: list[str] = []
    for index in range(header):
        line = " ".join(" ".join(c.split()) for c in cells_of(grid, index) if c)
        if not line:
            continue
        lines.append(line)
        for m in _UNIT.finditer(unicodedata.normalize("NFKC", line)):
            units.setdefault(m[1], first_row + index)
        periods += periods_in(line)
    if len(units) > 1:
        raise LayoutError(reason("title_units", units=", ".join(units)), min(units.values()))
    unit = next(iter(units), None)
    if unit in AMBIGUOUS_UNITS:
        raise LayoutError(reason("ambiguous_unit_title", unit=unit, row=units[unit]), units[unit])
    periods = list(dict.fromkeys(periods))
    months = [p for p in periods if len(p) == 7]
    years = [p for p in periods if len(p) == 4 and not any(m.startswith(p) for m in months)]
    if len(months) + len(years) > 1:
        raise LayoutError(reason("title_periods", periods=", ".join(months + years)), first_row)
    period = (months + years)[0] if months or years else None
    return Title(tuple(lines), unit, units.get(unit or "", 0), period)
