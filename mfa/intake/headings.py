"""Header cells as people write them: a table's column (English, Chinese or a synonym of a real form), a unit in
the header (`数量（万吨）`, `quantity [t]`), a month (`3月`, `三月`, `Mar`, `2024-03`), a year, a month number or a
year total. A header row read this way is a tuple of tokens, one per column: a column of the table, a role below,
or "" for a column that is not used.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mfa.domain.units import AMBIGUOUS_UNITS, UNITS
from mfa.intake.tables import TableSpec, normalize_header

YEAR = "@year"
"""A column holding the year of each row (with month columns, or with a month column)."""
MONTH = "@month"
"""A column holding the month (1 to 12) of each row, with a year column or a year in the title."""
YEAR_TOTAL = "@total"
"""The year total of month columns: checked against the months, not imported."""

_UNIT_WORDS = sorted({*UNITS, *AMBIGUOUS_UNITS}, key=len, reverse=True)
UNIT_PATTERN = "|".join(re.escape(u) for u in _UNIT_WORDS)
_BRACKETED = re.compile(rf"^(?P<base>.*?)\s*[(\[【〔]\s*(?:单位:?\s*)?(?P<unit>{UNIT_PATTERN})\s*[)\]】〕]$")
_SLASHED = re.compile(rf"^(?P<base>.*?\S)\s*/\s*(?P<unit>{UNIT_PATTERN})$")
_CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN_NUMBERS |= {"十一": 11, "十二": 12}
_EN_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        )
    )
    for name in names
}
_MONTH_NUMBER = re.compile(r"^(\d{1,2})月份?$")
_MONTH_CHINESE = re.compile(r"^(十[一二]|[一二三四五六七八九十])月份?$")
_MONTH_DATED = re.compile(r"^(\d{4})(?:年|[-/.])(\d{1,2})(?:月份?)?$")
_MONTH_EXCEL = re.compile(r"^(\d{4})-(\d{2})-01(?: 00:00(?::00(?:\.0+)?)?)?$")
_MONTH_ENGLISH = re.compile(r"^([a-z]+)\.?(?:[ \-/']?(\d{4}))?$")
YEAR_WORDS = frozenset({"年份", "年度", "年", "year", "统计年度", "所属年份", "所属年度"})
MONTH_WORDS = frozenset({"月份", "月", "month", "所属月份"})
YEAR_TOTAL_WORDS = frozenset(
    {"全年", "全年合计", "年度合计", "年合计", "合计", "总计", "全年累计", "累计", "年累计", "小计", "全年总计"}
    | {"年度总计", "全年量", "total", "year total", "annual", "annual total", "sum", "ytd"}
)


@dataclass(frozen=True)
class Heading:
    """A header cell: as written (whitespace collapsed), without its unit, and the unit it names."""

    text: str
    base: str
    unit: str | None = None


def heading(cell: str | None) -> Heading:
    """Split a header cell into its name and the unit written with it (数量（万吨） -> 数量, 万吨)."""
    text = " ".join(str(cell or "").replace("\ufeff", "").split())
    norm = normalize_header(text)
    for pattern in (_BRACKETED, _SLASHED):
        found = pattern.match(norm)
        if found and found["base"].strip():
            return Heading(text, normalize_header(found["base"]), found["unit"])
    return Heading(text, norm, None)


def month_token(month: int, year: int | None = None) -> str:
    """The token of a month column: `@03`, or `@2024-03` when the header names the year."""
    return f"@{year:04d}-{month:02d}" if year else f"@{month:02d}"


def token_month(token: str) -> tuple[int | None, int] | None:
    """(year or None, month) of a month token, else None."""
    found = re.fullmatch(r"@(?:(\d{4})-)?(\d{2})", token)
    if not found:
        return None
    return (int(found[1]) if found[1] else None, int(found[2]))


def month_of(base: str) -> tuple[int | None, int] | None:
    """The (year, month) a header names (`3月`, `三月`, `Mar`, `2024-03`, `2024年3月`), else None."""
    found = _MONTH_NUMBER.match(base)
    if found:
        month = int(found[1])
        return (None, month) if 1 <= month <= 12 else None
    found = _MONTH_CHINESE.match(base)
    if found:
        return None, _CN_NUMBERS[found[1]]
    found = _MONTH_DATED.match(base) or _MONTH_EXCEL.match(base)
    if found:
        year, month = int(found[1]), int(found[2])
        return (year, month) if 1 <= month <= 12 and 1900 <= year <= 2200 else None
    found = _MONTH_ENGLISH.match(base.lower())
    if found and found[1] in _EN_MONTHS:
        return (int(found[2]) if found[2] else None), _EN_MONTHS[found[1]]
    return None


def has_layout(spec: TableSpec) -> bool:
    """Whether a table's rows may come from month columns, a year column or the title (it has period and quantity)."""
    return "period" in spec.columns and "quantity" in spec.columns


def roles(spec: TableSpec) -> tuple[str, ...]:
    """Every token a column of this table may be given: its columns, then the layout roles and the twelve months."""
    extra = (YEAR, MONTH, YEAR_TOTAL, *(month_token(m) for m in range(1, 13))) if has_layout(spec) else ()
    return ("", *spec.columns, *extra)


def guess(spec: TableSpec, cells: Sequence[str | None]) -> tuple[str, ...]:
    """The token of each header cell for this table ("" when a cell names nothing the table has)."""
    tokens = []
    layout = has_layout(spec)
    for cell in cells:
        head = heading(cell)
        token = (spec.canonical(head.base) or "") if head.base else ""
        if not token and layout:
            token = _role(head.base)
        tokens.append(token)
    if not any(is_month(t) for t in tokens):
        tokens = ["" if t == YEAR_TOTAL else t for t in tokens]
    return tuple(tokens)


def _role(base: str) -> str:
    lower = base.lower()
    found = month_of(base)
    if found:
        return month_token(found[1], found[0])
    if lower in YEAR_WORDS:
        return YEAR
    if lower in MONTH_WORDS:
        return MONTH
    if lower in YEAR_TOTAL_WORDS:
        return YEAR_TOTAL
    return ""


def is_month(token: str) -> bool:
    """A month column's token."""
    return token_month(token) is not None


def missing(spec: TableSpec, tokens: Sequence[str], period_known: bool = False) -> list[str]:
    """The table's required columns that neither a column nor the layout gives (a period may come from month
    columns, a year column or, when `period_known`, the title or sheet name)."""
    given = {t for t in tokens if t in spec.columns}
    if any(is_month(t) for t in tokens):
        given |= {"quantity", "period"}
    if YEAR in tokens or period_known:
        given.add("period")
    return [c for c in spec.required if c not in given]


def zh_name(spec: TableSpec, column: str) -> str | None:
    """A column's Chinese header (the first Chinese alias of the table), if it has one."""
    return next((a for a, c in spec.aliases.items() if c == column and re.search(r"[\u4e00-\u9fff]", a)), None)


def column_label(spec: TableSpec, column: str) -> str:
    """A column as messages name it: `quantity (数量)`."""
    zh = zh_name(spec, column)
    return f"{column} ({zh})" if zh else column


def spellings(spec: TableSpec, column: str) -> list[str]:
    """The headers accepted for a column: its name and its aliases."""
    return [column, *(a for a, c in spec.aliases.items() if c == column)]


def closest(spec: TableSpec, wanted: Sequence[str], unused: Sequence[str]) -> tuple[str, str, str] | None:
    """(header as written, known header, column) of the unused header most like a known header of a wanted
    column, if any is alike enough to suggest."""
    best: tuple[float, str, str, str] | None = None
    for header in unused:
        base = heading(header).base
        for column in wanted:
            for known in spellings(spec, column):
                score = difflib.SequenceMatcher(None, base.lower(), known.lower()).ratio()
                if score >= 0.5 and (best is None or score > best[0]):
                    best = (score, header, known, column)
    return None if best is None else best[1:]
