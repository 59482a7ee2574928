"""The rows below a header: which are flows, which are totals (合计, 小计, Total), parts of the row above (其中)
or notes after the table (注, 说明, 备注, Note), and the checks of totals against the rows they total.

A row's kind is read from its first text cell (the first cell that is neither empty nor a number), or from a link
column (source, target, facility, material) that holds a totals word or starts with 其中. The first note ends the
table: every later row is a note too, and a later row that looks like a flow is refused.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from mfa.domain.labels.reasons import reason
from mfa.domain.units import UNITS

TOTAL_WORDS = {"合计": 2, "总计": 2, "共计": 2, "总合计": 2, "合计数": 2, "全部合计": 2, "总计数": 2, "本页合计": 2}
TOTAL_WORDS |= {"total": 2, "grand total": 2, "totals": 2, "sum": 2, "小计": 1, "subtotal": 1, "sub-total": 1}
"""Words that make a row a totals row -> level: a subtotal (1) totals the rows since the last totals row; a total
(2) the rows since the last total."""
SUBSET = re.compile(r"^其中")
NOTE = re.compile(
    r"^(?:注|说明|备注|附注|notes?|remarks?)(?:$|[\s:.、,，(0-9①-⑩])"
    r"|^(?:单位负责人|负责人|填表人|填报人|制表人|审核人|审核|联系人|联系电话|填报日期|制表日期|报送日期)",
    re.IGNORECASE,
)
NO_FLOW = frozenset({"-", "—", "–", "--", "——", "/", "\\", "－"})
"""What a month cell holds when there is no flow that month (like an empty cell, or 0)."""


@dataclass(frozen=True)
class Skipped:
    """A row that is not a flow: a totals row, a part of the row above (其中) or a note."""

    row: int
    kind: str
    """total, subtotal, subset or note."""
    text: str


@dataclass
class Rows:
    """The body of a table: which rows are data, and the rows skipped (with why)."""

    data: pl.Series
    """Boolean mask over the body rows: the rows that are records."""
    skipped: list[Skipped] = field(default_factory=list)
    totals: list[tuple[int, int]] = field(default_factory=list)
    """(body index, level) of every totals row, in order."""
    subsets: list[int] = field(default_factory=list)
    """Body indexes of the 其中 rows."""


def squash(text: str) -> str:
    """A cell as compared with the marker words: NFKC, no blanks, lower case, no trailing colon."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower().rstrip(":")


def number(text: str | None) -> float | None:
    """A cell as a number (thousands separators and blanks allowed), else None."""
    if text is None:
        return None
    s = str(text).strip().lstrip("'").replace(",", "").replace(" ", "")
    try:
        value = float(s)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def decimals(text: str | None) -> int:
    """How many decimals a number is written with (what it was rounded to)."""
    s = str(text or "").strip()
    return len(s.split(".", 1)[1]) if "." in s and "e" not in s.lower() else 0


def _kind(cells: Sequence[str | None], links: Sequence[int]) -> tuple[str, int] | None:
    """The kind of a row (and a totals row's level) from its first text cell or its link cells, else None."""
    first = next((c for c in cells if c is not None and c.strip() and number(c) is None), None)
    if first is not None:
        word = squash(first)
        if word in TOTAL_WORDS:
            level = TOTAL_WORDS[word]
            return ("total" if level == 2 else "subtotal"), level
        if SUBSET.match(word):
            return "subset", 0
        if NOTE.match(unicodedata.normalize("NFKC", first.strip())):
            return "note", 0
    for j in links:
        cell = cells[j] if j < len(cells) else None
        if cell is None:
            continue
        word = squash(cell)
        if word in TOTAL_WORDS:
            level = TOTAL_WORDS[word]
            return ("total" if level == 2 else "subtotal"), level
        if SUBSET.match(word):
            return "subset", 0
    return None


def _marked(column: pl.Series) -> list[str]:
    """The distinct values of a column that mark a row as totals, 其中 or note (few distinct values: fast)."""
    out = []
    for value in column.drop_nulls().unique().to_list():
        word = squash(value)
        if word in TOTAL_WORDS or SUBSET.match(word) or NOTE.match(unicodedata.normalize("NFKC", value.strip())):
            out.append(value)
    return out


def classify(body: pl.DataFrame, links: Sequence[int], values: Sequence[int], first_row: int) -> Rows:
    """Sort the body rows (grid rows after the header; body row 0 is the user's row `first_row`): blank rows are
    dropped, totals, 其中 and notes listed; `links` are the link columns, `values` the quantity or month columns.
    ValueError (one line) when a row after the notes looks like a flow."""
    columns = body.columns
    blank = (
        body.select(pl.all_horizontal(pl.all().is_null())).to_series() if columns else pl.Series([], dtype=pl.Boolean)
    )
    label_end = min(links) if links else len(columns) - 1
    candidates = pl.select(pl.repeat(False, body.height, dtype=pl.Boolean)).to_series()
    for j in sorted({*range(label_end + 1), *links}):
        marked = _marked(body.get_column(columns[j]))
        if marked:
            candidates = candidates | body.get_column(columns[j]).is_in(marked)
    if label_end >= 0 and columns:
        empty_labels = body.select(pl.all_horizontal([pl.col(c).is_null() for c in columns[: label_end + 1]]))
        candidates = candidates | (empty_labels.to_series() & ~blank)
    rows = Rows(data=~blank)
    special: dict[int, str] = {}
    end: int | None = None
    for i in candidates.arg_true().to_list():
        cells = body.row(i)
        found = _kind(cells, links)
        if found is None:
            continue
        kind, level = found
        if kind == "note":
            end = i
            break
        special[i] = kind
        text = " ".join(c.strip() for c in cells if c is not None and c.strip())[:120]
        rows.skipped.append(Skipped(first_row + i, kind, text))
        if kind == "subset":
            rows.subsets.append(i)
        else:
            rows.totals.append((i, level))
    if end is not None:
        _after_table(body, end, first_row, links, values, rows)
    data = rows.data.to_list() if special or end is not None else None
    if data is not None:
        for i in special:
            data[i] = False
        if end is not None:
            data[end:] = [False] * (len(data) - end)
        rows.data = pl.Series(data, dtype=pl.Boolean)
    return rows


def _after_table(
    body: pl.DataFrame, end: int, first_row: int, links: Sequence[int], values: Sequence[int], rows: Rows
) -> None:
    """Every row from the first note on is a note; a row that looks like a flow there is refused."""
    for i in range(end, body.height):
        cells = body.row(i)
        if all(c is None or not c.strip() for c in cells):
            continue
        has_value = any(number(cells[j]) is not None for j in values)
        has_link = bool(links) and all(cells[j] is not None and cells[j].strip() for j in links)
        if i > end and has_value and has_link and _kind(cells, links) is None:
            raise ValueError(reason("flow_after_notes", row=first_row + i, note=first_row + end))
        text = " ".join(c.strip() for c in cells if c is not None and c.strip())[:200]
        rows.skipped.append(Skipped(first_row + i, "note", text))


def fmt(value: float) -> str:
    """A figure in a message: up to 6 decimals, no trailing zeros, thousands grouped."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def factors(units: pl.Series | None, default: str | None, height: int) -> list[float | None]:
    """Tonnes per unit of each row (the unit cell, else the default unit, else tonnes); None where unknown."""
    base = UNITS.get(default or "t")
    if units is None:
        return [base] * height
    out: list[float | None] = []
    for u in units.to_list():
        u = (u or "").strip()
        out.append(UNITS.get(u) if u else base)
    return out


def numbers(column: pl.Series) -> pl.Series:
    """A column of cells as numbers (thousands separators and blanks allowed); null where not a finite number."""
    s = column.str.strip_chars().str.strip_prefix("'").str.replace_all(",", "", literal=True)
    values = s.str.replace_all(" ", "", literal=True).cast(pl.Float64, strict=False)
    return values.set(values.is_infinite() | values.is_nan(), None)


def check_totals(
    body: pl.DataFrame,
    rows: Rows,
    value_columns: Sequence[tuple[int, str]],
    row_factors: Sequence[float | None],
    first_row: int,
    unit_of: Sequence[str],
) -> list[str]:
    """Warnings for totals rows whose figures differ from the sum of the rows they total. `value_columns` are
    (grid column, header) of the quantities (one, or the months and year total); figures are compared in tonnes
    and shown in the totals row's unit (`unit_of`: each row's unit as shown)."""
    if not rows.totals:
        return []
    warnings: list[str] = []
    data = rows.data
    factor = pl.Series(row_factors, dtype=pl.Float64)
    data_rows = data.arg_true().cast(pl.Int64)
    starts = {1: -1, 2: -1}
    sums = {}
    for column, _header in value_columns:
        values = numbers(body.get_column(body.columns[column]))
        counted = data & values.is_not_null()
        tonnes = pl.select(pl.when(counted).then(values * factor).otherwise(0.0)).to_series()
        unknown = (counted & factor.is_null()).cast(pl.Int64)
        sums[column] = (tonnes.fill_null(0.0).cum_sum(), unknown.cum_sum(), values)
    for index, level in rows.totals:
        start = max(s for lv, s in starts.items() if lv >= level)
        for lv in starts:
            if lv <= level:
                starts[lv] = index
        members = data_rows.filter((data_rows > start) & (data_rows < index))
        if members.len() == 0 or row_factors[index] is None:
            continue
        lo, hi = int(members[0]), int(members[-1])
        span = f"{first_row + lo}–{first_row + hi}" if lo != hi else f"{first_row + lo}"
        label = next((c.strip() for c in body.row(index) if c is not None and c.strip() and number(c) is None), "")
        for column, header in value_columns:
            cum, unknown, values = sums[column]
            total = values[index]
            if total is None or unknown[index] - (unknown[start] if start >= 0 else 0) > 0:
                continue
            summed = cum[index] - (cum[start] if start >= 0 else 0.0)
            written = body.get_column(body.columns[column])[index]
            scale = row_factors[index] or 1.0
            tolerance = max(0.5 * 10 ** -decimals(written) * scale, 1e-9 * max(abs(summed), 1.0))
            if abs(total * scale - summed) <= tolerance:
                continue
            unit = unit_of[index]
            shown = dict(row=first_row + index, label=label, rows=span)
            shown |= dict(total=f"{fmt(total)} {unit}".strip(), sum=f"{fmt(summed / scale)} {unit}".strip())
            if len(value_columns) == 1:
                warnings.append(reason("total_mismatch", **shown))
            else:
                warnings.append(reason("total_mismatch_column", column=header, **shown))
    return warnings


def check_subsets(
    body: pl.DataFrame, rows: Rows, column: int, row_factors: Sequence[float | None], first_row: int
) -> list[str]:
    """Warnings for 其中 rows larger than the row they are part of (the nearest record above)."""
    warnings = []
    data = rows.data.to_list()
    cells = body.get_column(body.columns[column])
    for i in rows.subsets:
        parent = next((k for k in range(i - 1, -1, -1) if data[k]), None)
        if parent is None:
            continue
        part, whole = number(cells[i]), number(cells[parent])
        fp, fw = row_factors[i], row_factors[parent]
        if part is None or whole is None or fp is None or fw is None:
            continue
        if part * fp > whole * fw * (1 + 1e-9) + 1e-12:
            warnings.append(
                reason(
                    "subset_exceeds", row=first_row + i, part=cells[i], parent=first_row + parent, whole=cells[parent]
                )
            )
    return warnings
