"""Files in, tables of text cells out: decoding, finding the table in each file or sheet (mfa.intake.layouts), row
numbers as the user sees them."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from mfa.domain.labels.reasons import reason
from mfa.intake import xlsx
from mfa.intake.layouts import Layout, read_table
from mfa.intake.tables import BY_NAME, TableSpec
from mfa.intake.titles import cells_of
from mfa.intake.validate import ERROR_SCHEMA
from mfa.intake.xlsx import MARK_SCHEMA

MAX_COLUMNS = 200
NUL_REASON = "contains a NUL character (\\x00), which cannot be stored: is it really a text file?"
Choices = Mapping[str, Sequence[str]]
"""Column mappings chosen by the user, by table label (`file.csv`, `book.xlsx[sheet]`): one token per header cell."""


@dataclass
class RawTable:
    """One table read from a file or sheet: canonical columns of text plus `_file` and `_row` (and `_col`, the
    header of the month column a record comes from)."""

    file: str
    spec: TableSpec
    frame: pl.DataFrame
    original: pl.DataFrame
    """The same rows as written (a plain table) or as read (title unit and period filled in), for returning
    rejected rows to the user in a form that imports again as it is."""
    layout: Layout | None = None
    """What was understood of the file or sheet (header row, unit, period, columns, rows skipped)."""


@dataclass
class ReadResult:
    """Everything read from a set of files, and what could not be read (as error rows)."""

    tables: list[RawTable] = field(default_factory=list)
    errors: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ERROR_SCHEMA))
    warnings: list[str] = field(default_factory=list)
    layouts: list[Layout] = field(default_factory=list)
    """What was understood of every table found, including those that could not be read."""

    def problem(self, file: str, row: int, column: str, value: str | None, reason: str) -> None:
        """Record a problem with a whole file or header."""
        one = pl.DataFrame([(file, row, column, value, reason)], schema=ERROR_SCHEMA, orient="row")
        self.errors = pl.concat([self.errors, one])

    def absorb(self, other: ReadResult, warnings: bool = True) -> None:
        """Add what another read found."""
        self.tables += other.tables
        self.layouts += other.layouts
        self.errors = pl.concat([self.errors, other.errors])
        if warnings:
            self.warnings += other.warnings


def decode(data: bytes) -> str:
    """Text from UTF-8 (with or without BOM) or GBK/GB18030 bytes, as Chinese Excel saves CSV.

    UTF-8 with a few bad bytes (truncated, or one pasted GBK or Latin-1 cell) raises the UTF-8 error: read as GBK,
    every Chinese character of the file would turn into other, wrong characters."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        if _WIDE.subn("", text)[1] - bad >= 4 * bad:  # mostly valid CJK UTF-8: damaged, not GBK
            raise exc from None
    return data.decode("gb18030")


_WIDE = re.compile("[\u0800-\U0010ffff]")
_UTF16_32 = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _undecodable(data: bytes, exc: UnicodeDecodeError) -> tuple[int, str]:
    """The line of the first unreadable bytes and what to tell the user."""
    line = exc.object[: exc.start].count(b"\n") + 1
    for bom, name in _UTF16_32:
        if data.startswith(bom):
            return 1, f"the file is {name} text: save it as CSV UTF-8 and import that"
    if exc.encoding == "utf-8":
        bad = exc.object[exc.start : exc.end]
        return line, f"bytes that are not UTF-8 ({bad!r}) in a UTF-8 file: it is cut short or mixes encodings"
    return line, f"cannot read the file as UTF-8 or GBK text (unreadable bytes on line {line}): save it as CSV UTF-8"


def _from_grid(
    result: ReadResult,
    label: str,
    grid: pl.DataFrame,
    hint: str | None,
    *,
    sheet: str | None = None,
    sheet_marks: Callable[[int], pl.DataFrame] | None = None,
    choice: Sequence[str] | None = None,
) -> bool:
    """Find and read the table in a grid of text cells (grid row i is the user's row i + 1) -> a RawTable, or
    one problem saying why it cannot be read; False (and a problem) when no row names a table's columns.
    `sheet_marks(header row)` gives the cells known to be bad (MARK_SCHEMA): in the header, a problem if their
    column has data; below, the row is rejected."""
    if grid.height == 0:
        result.problem(label, 1, "", None, reason("empty_file"))
        return False
    table = read_table(grid, file=label, sheet=sheet, hint=hint, choice=choice)
    if table is None:
        first = next((i for i in range(min(grid.height, 50)) if any(cells_of(grid, i))), 0)
        found = ", ".join(h for h in cells_of(grid, first) if h)[:200]
        result.problem(label, first + 1, "", None, reason("no_table", row=first + 1, found=found or "nothing"))
        return False
    layout = table.layout
    result.layouts.append(layout)
    marks = sheet_marks(layout.header_row) if sheet_marks else pl.DataFrame(schema=MARK_SCHEMA)
    body = grid.slice(table.header_index + 1)
    spoiled = False
    for value, why, cols in (
        marks.filter(pl.col("_row") == layout.header_row)
        .group_by("value", "reason", maintain_order=True)
        .agg("_col")
        .rows()
    ):
        if any(c < body.width and body.to_series(c).is_not_null().any() for c in cols):
            result.problem(label, layout.header_row, "", value, why)
            spoiled = True
    if layout.problem is not None:
        result.problem(label, layout.problem_row, layout.problem_column, None, layout.problem)
        return True
    if spoiled or table.frame is None or table.original is None:
        return True
    for header, token in zip(layout.headers, layout.mapping, strict=True):
        if not token and header and header not in ("row", "error"):
            result.warnings.append(reason("unused_column", file=label, header=header))
    result.warnings.extend(f"{label}: {w}" for w in layout.warnings)
    frame = table.frame.with_columns(pl.lit(label).alias("_file"))
    original = table.original.with_columns(pl.lit(label).alias("_file"))
    used = {j: (t if t in table.spec.columns else layout.headers[j]) for j, t in enumerate(layout.mapping) if t}
    bad = _bad_cells(label, frame, used, marks.filter(pl.col("_row") > layout.header_row))
    if bad.height:
        result.errors = pl.concat([result.errors, bad])
        frame = frame.filter(~pl.col("_row").is_in(bad["row"].implode()))  # `original` keeps them for the user
    result.tables.append(RawTable(label, table.spec, frame, original, layout))
    return True


def _bad_cells(label: str, frame: pl.DataFrame, used: dict[int, str], marks: pl.DataFrame) -> pl.DataFrame:
    """Error rows for the marked cells of the rows read and for cells holding NUL (which PostgreSQL cannot store)."""
    text = [c for c in frame.columns if not c.startswith("_") and frame.schema[c] == pl.String]
    nul = {c: pl.col(c).str.contains("\x00", literal=True) for c in text}
    where = {name: j for j, name in used.items()}
    parts = [
        marks.filter(pl.col("_col").is_in(list(used))).select(
            "_row",
            "_col",
            pl.col("_col").replace_strict(used, return_dtype=pl.String).alias("column"),
            "value",
            "reason",
        )
    ]
    if nul and frame.select(pl.any_horizontal(*nul.values()).any()).item():  # one quick pass first: a million rows
        parts += [
            frame.filter(has).select(
                "_row",
                pl.lit(where.get(column, len(used)), dtype=pl.Int64).alias("_col"),
                pl.lit(column).alias("column"),
                pl.col(column).str.replace_all("\x00", "\\x00", literal=True).alias("value"),
                pl.lit(NUL_REASON).alias("reason"),
            )
            for column, has in nul.items()
        ]
    cells = pl.concat(parts)
    if cells.height:
        cells = cells.join(frame.select("_row").unique(), on="_row", how="semi").sort("_row", "_col")
    return cells.select(pl.lit(label).alias("file"), pl.col("_row").alias("row"), "column", "value", "reason")


def _csv_grid(text: str) -> pl.DataFrame:
    """A CSV text as a grid of text cells, as wide as its widest line among the first ones (a title line above
    the header has fewer cells than the header, and polars takes the width of the first line)."""
    end, lines = -1, 0
    while lines < 200:
        end = text.find("\n", end + 1)
        lines += 1
        if end == -1:
            break
    head = text if end == -1 else text[:end]
    widths = [len(r) for r in csv.reader(io.StringIO(head))] or [1]
    width = max(widths)
    pad = width > widths[0]
    data = ("," * (width - 1) + "\n" + text) if pad else text
    grid = pl.read_csv(data.encode("utf-8"), has_header=False, infer_schema=False, truncate_ragged_lines=True)
    return grid.slice(1) if pad else grid


def read_csv_bytes(
    result: ReadResult, label: str, data: bytes, hint: str | None = None, choice: Sequence[str] | None = None
) -> None:
    """Read one CSV given as bytes (UTF-8, UTF-8 with BOM or GBK)."""
    try:
        text = decode(data)
    except UnicodeDecodeError as exc:
        line, why = _undecodable(data, exc)
        result.problem(label, line, "", None, why)
        return
    if not text.strip():
        result.problem(label, 1, "", None, reason("empty_file"))
        return
    try:
        grid = _csv_grid(text)
    except (pl.exceptions.PolarsError, csv.Error) as exc:
        result.problem(label, 1, "", None, f"not a readable CSV file: {str(exc).splitlines()[0]}")
        return
    if grid.width > MAX_COLUMNS:
        result.problem(label, 1, "", None, f"too many columns ({grid.width}; at most {MAX_COLUMNS})")
        return
    _from_grid(result, label, grid, hint, choice=choice)


def read_xlsx_bytes(result: ReadResult, label: str, data: bytes, choices: Choices | None = None) -> None:
    """Read every sheet of a workbook; a sheet's table is found by its header (its name may say which table)."""
    try:
        sheets = xlsx.read_sheets(data)
    except xlsx.WorkbookError as exc:
        result.problem(label, 1, "", None, str(exc))
        return
    if not sheets:
        result.problem(label, 1, "", None, reason("empty_workbook"))
        return
    skipped: list[ReadResult] = []
    before = len(result.tables), result.errors.height
    for sheet in sheets:
        name = sheet.name.strip()
        hint = name.lower() if name.lower() in BY_NAME else name if name in BY_NAME else None
        sub = ReadResult()
        sheet_label = f"{label}[{sheet.name}]"
        choice = (choices or {}).get(sheet_label)
        if (
            not _from_grid(
                sub, sheet_label, sheet.grid, hint or name, sheet=sheet.name, sheet_marks=sheet.marks, choice=choice
            )
            and hint is None
        ):
            result.warnings.append(reason("sheet_skipped", file=label, sheet=sheet.name))
            skipped.append(sub)
            continue
        result.absorb(sub)
    if (len(result.tables), result.errors.height) == before and skipped:
        result.absorb(skipped[0], warnings=False)  # no sheet holds a table: say why for the first one


def read_files(paths: list[Path], choices: Choices | None = None) -> ReadResult:
    """Read CSV and XLSX files into tables; problems with whole files become error rows."""
    result = ReadResult()
    for path in paths:
        read_path(result, path, choices=choices)
    return result


def read_path(result: ReadResult, path: Path, label: str | None = None, choices: Choices | None = None) -> None:
    """Read one file by its extension."""
    label = label or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.problem(label, 0, "", None, f"cannot open the file: {exc.strerror}")
        return
    read_bytes(result, label, data, choices=choices)


def upload_limit_bytes() -> int:
    """The largest file the app accepts: $MFA_MAX_UPLOAD_MB megabytes (default 100)."""
    return int(float(os.environ.get("MFA_MAX_UPLOAD_MB", "100")) * 1024 * 1024)


def read_bytes(
    result: ReadResult, label: str, data: bytes, limit: int | None = None, choices: Choices | None = None
) -> None:
    """Read an uploaded file's bytes, by the name's extension; a file over `limit` bytes is refused whole.
    `choices` are column mappings the user chose, by table label."""
    if limit is not None and len(data) > limit:
        size, most = len(data) / 1024 / 1024, limit / 1024 / 1024
        result.problem(
            label, 0, "", None, f"the file is {size:.1f} MB; uploads may be {most:.0f} MB at most (use mfa import)"
        )
        return
    suffix = Path(label).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        read_xlsx_bytes(result, label, data, choices)
    elif suffix in (".csv", ".txt", ""):
        read_csv_bytes(result, label, data, hint=Path(label).stem, choice=(choices or {}).get(label))
    else:
        result.problem(label, 0, "", None, f"unsupported file type {suffix} (use .csv or .xlsx)")
