"""Finding the table in a sheet, and reading it the way its author meant.

The header row is the first row whose cells name a known table's required columns (in English, in Chinese or as the
synonyms of real forms; month columns stand for the quantity and the period). The rows above it are the title
block: a unit there (`单位：万吨`, `Unit: kt`) applies to every row without a unit cell, as does a unit in the
quantity header (`数量（万吨）`), which wins over the title's; a unit cell always wins. A year or month in the title
block, else in the sheet name, is the period of the rows without a period cell. Below the header, totals rows are
checked and skipped, 其中 rows and notes listed and skipped (mfa.intake.body). Month columns (`1月` … `12月`) are
read as one flow per non-empty cell.

`read_table` returns what it understood (`Layout`, which the CLI prints and the Import page shows) and the rows
in the table's columns, as text, with the user's row numbers; a table it cannot read gets one line saying why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl

from mfa.domain.labels.reasons import reason
from mfa.domain.units import AMBIGUOUS_UNITS, UNITS
from mfa.intake import body as rows_of
from mfa.intake.headings import (
    YEAR,
    YEAR_TOTAL,
    column_label,
    guess,
    heading,
    is_month,
    missing,
    spellings,
    token_month,
)
from mfa.intake.headings import closest as closest_header
from mfa.intake.tables import BY_NAME, TABLES, TableSpec
from mfa.intake.titles import LayoutError, Title, cells_of, read_title, sheet_period

HEADER_SEARCH_ROWS = 50
"""How far down a sheet the header row is looked for."""


@dataclass
class Layout:
    """What mfa understood of one table: where its header is, what each column holds, the unit and period it
    takes from the title block, header or sheet name, and the rows that are not records."""

    file: str
    table: str
    header_row: int
    headers: tuple[str, ...]
    guess: tuple[str, ...]
    mapping: tuple[str, ...]
    unit: str | None = None
    unit_from: str | None = None
    """title or header: where the unit of rows without a unit cell comes from."""
    period: str | None = None
    period_from: str | None = None
    """title or sheet: where the period of rows without a period cell comes from."""
    title: tuple[str, ...] = ()
    skipped: list[rows_of.Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    records: int = 0
    """Rows (cells, for month columns) read as records."""
    empty_cells: int = 0
    """Month cells that are empty, 0 or a dash: no flow that month."""
    remembered: bool = False
    """The mapping is one a user confirmed for files with these headers (see mfa.services.layouts)."""
    problem: str | None = None
    """Why the table cannot be read (then nothing of it is imported), on which row and column."""
    problem_row: int = 0
    problem_column: str = ""

    @property
    def signature(self) -> str:
        """Names the header (its table and its cells as written): files with the same header share it."""
        return header_signature(self.table, self.headers)

    @property
    def months(self) -> bool:
        """The quantities are in month columns."""
        return any(is_month(t) for t in self.mapping)

    @property
    def plain(self) -> bool:
        """A tidy table read as it is written: the header on the first row, every column named, nothing taken
        from a title, header unit or sheet name, and no row skipped."""
        return (
            self.header_row == 1
            and self.unit is None
            and self.period is None
            and self.mapping == self.guess
            and not self.skipped
            and not any(t.startswith("@") for t in self.mapping)
        )

    def to_json(self) -> dict[str, Any]:
        """The understanding as one JSON-ready object."""
        out = asdict(self)
        out["skipped"] = [asdict(s) for s in self.skipped]
        out["columns"] = [{"header": h, "field": m} for h, m in zip(self.headers, self.mapping, strict=True)]
        del out["headers"], out["mapping"]
        out["signature"] = self.signature
        return out


def header_signature(table: str, headers: Sequence[str]) -> str:
    """A short hash of a table name and its header cells (normalised), the key of a remembered mapping."""
    cells = [heading(h).text for h in headers]
    return hashlib.sha256("\x1f".join([table, *cells]).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Candidate:
    """A possible header row: the table, the grid row, its tokens, and whether they give every required column."""

    spec: TableSpec
    index: int
    cells: tuple[str, ...]
    tokens: tuple[str, ...]
    complete: bool


def find_header(grid: pl.DataFrame, hint: str | None = None) -> Candidate | None:
    """The header row: the first row whose cells give a table's required columns (a period may come from the
    title); failing that, the row that names most of a table's columns (at least two, or one of the hinted
    table's), marked incomplete; None when no row names anything."""
    hinted = BY_NAME.get(hint or "") or BY_NAME.get((hint or "").lower())
    specs = [hinted] if hinted else list(TABLES)
    best: tuple[tuple[int, int, int], Candidate] | None = None
    for index in range(min(grid.height, HEADER_SEARCH_ROWS)):
        cells = cells_of(grid, index)
        if not any(cells):
            continue
        found: list[tuple[tuple[int, int], Candidate]] = []
        for spec in specs:
            tokens = guess(spec, cells)
            named = {t for t in tokens if t}
            lacking = missing(spec, tokens, period_known=True)
            if not lacking:
                tie = int(hint is not None and spec.name in hint.lower())
                found.append(((len(named), tie), Candidate(spec, index, cells, tokens, True)))
            elif named:
                covered = len(spec.required) - len(lacking)
                score = (covered, len(named), -index)
                if best is None or score > best[0]:
                    best = (score, Candidate(spec, index, cells, tokens, False))
        if found:
            return max(found, key=lambda item: item[0])[1]
    if best is not None and (best[0][1] >= 2 or hinted is not None):
        return best[1]
    return None


# ---------------------------------------------------------------- reading a table


@dataclass
class Table:
    """One table read from a grid: what was understood, and its records (None when it cannot be read)."""

    layout: Layout
    spec: TableSpec
    frame: pl.DataFrame | None = None
    """The records in the table's columns (text), `_row` the user's row and `_col` the month column's header."""
    original: pl.DataFrame | None = None
    """The same records as the user wrote them (a plain table), or as read (unit and period filled in)."""
    header_index: int = 0
    width: int = 0


def read_table(
    grid: pl.DataFrame,
    *,
    file: str,
    sheet: str | None = None,
    hint: str | None = None,
    choice: Sequence[str] | None = None,
    first_row: int = 1,
) -> Table | None:
    """Find and read the table in a grid of text cells (grid row 0 is the user's row `first_row`); None when no
    row names a table's columns. `choice` is a column mapping chosen by the user (one token per header cell), used
    instead of the guess when it fits the header."""
    from mfa.intake.headings import roles

    candidate = find_header(grid, hint)
    if candidate is None:
        return None
    spec = candidate.spec
    headers = candidate.cells
    mapping = candidate.tokens
    if choice is not None and len(choice) == len(headers) and set(choice) <= set(roles(spec)):
        mapping = tuple(choice)
    layout = Layout(file, spec.name, first_row + candidate.index, headers, candidate.tokens, mapping)
    table = Table(layout, spec, header_index=candidate.index, width=len(headers))
    try:
        _read(grid, table, sheet, first_row)
    except LayoutError as exc:
        layout.problem, layout.problem_row, layout.problem_column = str(exc), exc.row, exc.column
        table.frame = table.original = None
    return table


def _read(grid: pl.DataFrame, table: Table, sheet: str | None, first_row: int) -> None:
    layout, spec = table.layout, table.spec
    mapping, headers = layout.mapping, layout.headers
    title = read_title(grid, table.header_index, first_row)
    layout.title = title.lines
    _check_columns(spec, mapping, headers, layout.header_row)
    _context(layout, title, sheet, spec)
    lacking = missing(spec, mapping, period_known=layout.period is not None)
    if lacking or ("period" in spec.columns and _months_lack_year(mapping, layout.period)):
        column = ", ".join(lacking) if lacking else "period"
        raise LayoutError(_missing_reason(spec, mapping, headers, layout, lacking), layout.header_row, column)
    start = table.header_index + 1
    columns = grid.columns[: table.width]
    body = grid.slice(start).select(columns)
    links = [j for j, t in enumerate(mapping) if t in spec.key and t != "period"]
    values = [j for j, t in enumerate(mapping) if t in ("quantity", YEAR_TOTAL) or is_month(t)]
    try:
        rows = rows_of.classify(body, links, values, first_row + start)
    except ValueError as exc:
        raise LayoutError(str(exc), first_row + start) from exc
    layout.skipped = rows.skipped
    if rows.totals or rows.subsets:
        layout.warnings += _checks(body, rows, spec, mapping, headers, layout, first_row + start)
    numbered = body.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + first_row + start).alias("_row"))
    data = numbered.filter(rows.data)
    from mfa.intake import records

    if layout.months:
        frame, layout.empty_cells, warnings = records.wide(data, spec, mapping, headers, layout.unit, layout.period)
        layout.warnings += warnings
    else:
        frame = records.tidy(data, spec, mapping, layout.unit, layout.period)
    layout.records = frame.height
    table.frame = frame
    if layout.plain:
        names = _unique_names(headers)
        table.original = data.select(*[pl.col(c).alias(n) for c, n in zip(columns, names, strict=True)], "_row")
    else:
        table.original = frame


def _unique_names(headers: Sequence[str]) -> list[str]:
    out: list[str] = []
    for i, h in enumerate(headers):
        name = h or f"column_{i + 1}"
        while name in out:
            name += "_"
        out.append(name)
    return out


def _check_columns(spec: TableSpec, mapping: Sequence[str], headers: Sequence[str], row: int) -> None:
    """One column per field, and not both a period column and month columns."""
    seen: dict[str, str] = {}
    for header, token in zip(headers, mapping, strict=True):
        if not token:
            continue
        if token in seen:
            shown = token if token in spec.columns else header
            raise LayoutError(reason("duplicate_column", column=shown, first=seen[token], second=header), row, shown)
        seen[token] = header
    months = [h for h, t in zip(headers, mapping, strict=True) if is_month(t)]
    if months and "period" in seen:
        raise LayoutError(reason("period_and_months", period=seen["period"], months=_few(months)), row, "period")
    if months and "quantity" in seen:
        raise LayoutError(
            reason("quantity_and_months", quantity=seen["quantity"], months=_few(months)), row, "quantity"
        )


def _few(items: Sequence[str]) -> str:
    return ", ".join(items) if len(items) <= 3 else f"{items[0]} … {items[-1]}"


def _context(layout: Layout, title: Title, sheet: str | None, spec: TableSpec) -> None:
    """The unit and period of the rows without their own cell: from the header, the title block, the sheet name."""
    quantity = [h for h, t in zip(layout.headers, layout.mapping, strict=True) if t == "quantity" or is_month(t)]
    units = {u for h in quantity if (u := heading(h).unit) is not None}
    if len(units) > 1:
        raise LayoutError(reason("header_units", units=", ".join(sorted(units))), layout.header_row)
    header_unit = next(iter(units), None)
    if header_unit in AMBIGUOUS_UNITS:
        written = next(h for h in quantity if heading(h).unit == header_unit)
        raise LayoutError(reason("ambiguous_unit_header", unit=header_unit, header=written), layout.header_row)
    if header_unit is not None:
        layout.unit, layout.unit_from = header_unit, "header"
        if title.unit is not None and UNITS.get(title.unit) != UNITS.get(header_unit):
            written = next(h for h in quantity if heading(h).unit == header_unit)
            layout.warnings.append(reason("title_header_units", title=title.unit, header=written, unit=header_unit))
    elif title.unit is not None and "unit" in spec.columns:
        layout.unit, layout.unit_from = title.unit, "title"
    if "period" not in spec.columns:
        return
    named, month = sheet_period(sheet)
    if title.period is not None:
        layout.period, layout.period_from = title.period, "title"
        if month is not None and len(title.period) == 4:
            layout.period, layout.period_from = f"{title.period}-{month:02d}", "sheet"
        elif named is not None and named != title.period:
            layout.warnings.append(reason("title_sheet_periods", title=title.period, sheet=named))
    elif named is not None:
        layout.period, layout.period_from = named, "sheet"


def _months_lack_year(mapping: Sequence[str], period: str | None) -> bool:
    """Month columns without a year of their own, no year column, and no year in the title or sheet name."""
    yearless = [t for t in mapping if (m := token_month(t)) is not None and m[0] is None]
    return bool(yearless) and YEAR not in mapping and period is None


def _missing_reason(
    spec: TableSpec, mapping: Sequence[str], headers: Sequence[str], layout: Layout, lacking: list[str]
) -> str:
    """One line: what is missing, what the header has, and the closest known header (or the known ones)."""
    months = [h for h, t in zip(headers, mapping, strict=True) if is_month(t)]
    if not lacking and months:
        return reason("months_need_year", months=_few(months))
    if lacking == ["period"] and "period" in spec.columns:
        return reason("period_missing")
    wanted = [c for c in lacking if c != "period"] or lacking
    columns = " and ".join(column_label(spec, c) for c in wanted)
    many = "s" if len(wanted) > 1 else ""
    found = ", ".join(h for h in headers if h) or "nothing"
    unused = [h for h, t in zip(headers, mapping, strict=True) if h and not t]
    near = closest_header(spec, wanted, unused)
    row = layout.header_row
    if near is not None:
        header, known, _column = near
        return reason(
            f"missing_column{many}_closest", columns=columns, row=row, found=found, known=known, header=header
        )
    known = "; ".join(f"{c}: {', '.join(spellings(spec, c)[:8])}" for c in wanted)
    return reason(f"missing_column{many}_known", columns=columns, row=row, found=found, known=known)


def _checks(
    body: pl.DataFrame,
    rows: rows_of.Rows,
    spec: TableSpec,
    mapping: Sequence[str],
    headers: Sequence[str],
    layout: Layout,
    first_row: int,
) -> list[str]:
    """Totals rows against the rows they total; 其中 rows against the row they are part of."""
    unit_column = body.get_column(body.columns[mapping.index("unit")]) if "unit" in mapping else None
    factors = rows_of.factors(unit_column, layout.unit, body.height)
    units = unit_column.to_list() if unit_column is not None else [None] * body.height
    shown = [(u or "").strip() or layout.unit or "" for u in units]
    values = [(j, h) for j, (h, t) in enumerate(zip(headers, mapping, strict=True)) if t == "quantity" or is_month(t)]
    values += [(j, h) for j, (h, t) in enumerate(zip(headers, mapping, strict=True)) if t == YEAR_TOTAL]
    warnings = rows_of.check_totals(body, rows, values, factors, first_row, shown)
    if "quantity" in mapping and rows.subsets:
        warnings += rows_of.check_subsets(body, rows, mapping.index("quantity"), factors, first_row)
    return warnings
