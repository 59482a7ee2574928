"""Files in, tables of text cells out: decoding, header recognition, row numbers as the user sees them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from mfa.tables import BY_NAME, TableSpec, recognise
from mfa.validate import ERROR_SCHEMA

MAX_COLUMNS = 200


@dataclass
class RawTable:
    """One table read from a file or sheet: canonical columns of text plus `_file` and `_row`."""

    file: str
    spec: TableSpec
    frame: pl.DataFrame
    original: pl.DataFrame
    """The same rows with the headers as written, for returning rejected rows to the user."""


@dataclass
class ReadResult:
    """Everything read from a set of files, and what could not be read (as error rows)."""

    tables: list[RawTable] = field(default_factory=list)
    errors: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ERROR_SCHEMA))
    warnings: list[str] = field(default_factory=list)

    def problem(self, file: str, row: int, column: str, value: str | None, reason: str) -> None:
        """Record a problem with a whole file or header."""
        one = pl.DataFrame([(file, row, column, value, reason)], schema=ERROR_SCHEMA, orient="row")
        self.errors = pl.concat([self.errors, one])


def decode(data: bytes) -> str:
    """Text from UTF-8 (with or without BOM) or GBK/GB18030 bytes, as Chinese Excel saves CSV."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _from_grid(result: ReadResult, label: str, grid: pl.DataFrame, hint: str | None, first_row: int) -> None:
    """A grid of text cells whose first row is the header -> a RawTable (or a problem)."""
    if grid.height == 0:
        result.problem(label, 1, "", None, "the file is empty: expected a header row")
        return
    headers = [("" if h is None else str(h)).strip() for h in grid.row(0)]
    while headers and headers[-1] == "":
        headers.pop()
    body = grid.slice(1).select(grid.columns[: len(headers)])
    spec = BY_NAME.get(hint or "") or recognise(headers, hint)
    if spec is None:
        result.problem(
            label,
            first_row,
            "",
            ", ".join(headers)[:200],
            "cannot tell which table this is: the header lacks the required columns of parks, facilities, "
            "materials, flows, stocks or targets",
        )
        return
    canonical = [spec.canonical(h) for h in headers]
    missing = [c for c in spec.required if c not in canonical]
    for col in missing:
        result.problem(label, first_row, col, None, f"required column {col} is missing from the header")
    seen: dict[str, str] = {}
    for header, canon in zip(headers, canonical, strict=True):
        if canon is None:
            if header and header not in ("row", "error"):
                result.warnings.append(f"{label}: column '{header}' is not used")
            continue
        if canon in seen:
            result.problem(
                label,
                first_row,
                canon,
                header,
                f"column {canon} appears twice ('{seen[canon]}' and '{header}')",
            )
        seen[canon] = header
    if missing or len(seen) < sum(c is not None for c in canonical):
        return
    body = body.with_columns(pl.all().cast(pl.String))
    original = body.rename(dict(zip(body.columns, _unique_names(headers), strict=True)))
    keep = {col: canon for col, canon in zip(body.columns, canonical, strict=True) if canon is not None}
    frame = body.select([pl.col(c).alias(n) for c, n in keep.items()])
    rows = pl.int_range(pl.len(), dtype=pl.Int64) + first_row + 1
    frame = frame.with_columns(pl.lit(label).alias("_file"), rows.alias("_row"))
    original = original.with_columns(pl.lit(label).alias("_file"), rows.alias("_row"))
    blank = pl.all_horizontal([pl.col(c).is_null() for c in keep.values()])  # ",,,," rows; polars skips empty lines
    keep_rows = ~frame.select(blank).to_series()
    result.tables.append(RawTable(label, spec, frame.filter(keep_rows), original.filter(keep_rows)))


def _unique_names(headers: list[str]) -> list[str]:
    out: list[str] = []
    for i, h in enumerate(headers):
        name = h or f"column_{i + 1}"
        while name in out:
            name += "_"
        out.append(name)
    return out


def read_csv_bytes(result: ReadResult, label: str, data: bytes, hint: str | None = None) -> None:
    """Read one CSV given as bytes (UTF-8, UTF-8 with BOM or GBK)."""
    try:
        text = decode(data)
    except UnicodeDecodeError:
        result.problem(label, 1, "", None, "cannot read the file as UTF-8 or GBK text")
        return
    if not text.strip():
        result.problem(label, 1, "", None, "the file is empty: expected a header row")
        return
    try:
        grid = pl.read_csv(
            text.encode("utf-8"),
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=True,
        )
    except pl.exceptions.PolarsError as exc:
        result.problem(label, 1, "", None, f"not a readable CSV file: {str(exc).splitlines()[0]}")
        return
    if grid.width > MAX_COLUMNS:
        result.problem(label, 1, "", None, f"too many columns ({grid.width}; at most {MAX_COLUMNS})")
        return
    _from_grid(result, label, grid, hint, 1)


def read_xlsx_bytes(result: ReadResult, label: str, data: bytes) -> None:
    """Read every sheet of a workbook; sheets are named after their table (parks, flows, 流量 ...)."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
    except Exception as exc:  # fastexcel raises its own error types for broken files
        result.problem(label, 1, "", None, f"not a readable XLSX workbook: {exc}")
        return
    for name in reader.sheet_names:
        # skip_rows=0 keeps leading blank rows, so grid row i is the sheet's row i + 1 as Excel numbers it
        grid = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
        filled = grid.select(~pl.all_horizontal(pl.all().is_null())).to_series().arg_true()
        if filled.len() == 0:
            continue
        header_at = int(filled[0])
        grid, first = grid.slice(header_at), header_at + 1
        hint = name.strip().lower() if name.strip().lower() in BY_NAME or name.strip() in BY_NAME else None
        sub = ReadResult()
        _from_grid(sub, f"{label}[{name}]", grid, hint or name.strip(), first)
        if hint is None and not sub.tables:
            result.warnings.append(f"{label}: sheet '{name}' is not a table mfa reads; skipped")
            continue
        result.tables.extend(sub.tables)
        result.errors = pl.concat([result.errors, sub.errors])
        result.warnings.extend(sub.warnings)


def read_files(paths: list[Path]) -> ReadResult:
    """Read CSV and XLSX files into tables; problems with whole files become error rows."""
    result = ReadResult()
    for path in paths:
        read_path(result, path)
    return result


def read_path(result: ReadResult, path: Path, label: str | None = None) -> None:
    """Read one file by its extension."""
    label = label or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.problem(label, 0, "", None, f"cannot open the file: {exc.strerror}")
        return
    read_bytes(result, label, data)


def upload_limit_bytes() -> int:
    """The largest file the app accepts: $MFA_MAX_UPLOAD_MB megabytes (default 100)."""
    return int(float(os.environ.get("MFA_MAX_UPLOAD_MB", "100")) * 1024 * 1024)


def read_bytes(result: ReadResult, label: str, data: bytes, limit: int | None = None) -> None:
    """Read an uploaded file's bytes, by the name's extension; a file over `limit` bytes is refused whole."""
    if limit is not None and len(data) > limit:
        size, most = len(data) / 1024 / 1024, limit / 1024 / 1024
        result.problem(
            label, 0, "", None, f"the file is {size:.1f} MB; uploads may be {most:.0f} MB at most (use mfa import)"
        )
        return
    suffix = Path(label).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        read_xlsx_bytes(result, label, data)
    elif suffix in (".csv", ".txt", ""):
        read_csv_bytes(result, label, data, hint=Path(label).stem)
    else:
        result.problem(label, 0, "", None, f"unsupported file type {suffix} (use .csv or .xlsx)")
