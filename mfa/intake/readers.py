"""Files in, tables of text cells out: decoding, header recognition, row numbers as the user sees them."""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import polars as pl

from mfa.intake.tables import BY_NAME, TableSpec, recognise
from mfa.intake.validate import ERROR_SCHEMA

MAX_COLUMNS = 200
MARK_SCHEMA = {"_row": pl.Int64, "_col": pl.Int64, "value": pl.String, "reason": pl.String}
"""Cells known to be bad before validation (merged, Excel errors): sheet row, grid column, value, reason."""
NUL_REASON = "contains a NUL character (\\x00), which cannot be stored: is it really a text file?"


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
    first_row: int,
    marks: pl.DataFrame | None = None,
) -> bool:
    """A grid of text cells whose first row is the header -> a RawTable (or problems); False if the header names
    no table. `marks` (MARK_SCHEMA) are cells known to be bad: in the header, a problem if their column has data;
    below, the row is rejected."""
    if grid.height == 0:
        result.problem(label, 1, "", None, "the file is empty: expected a header row")
        return False
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
        return False
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
    marks = pl.DataFrame(schema=MARK_SCHEMA) if marks is None else marks
    spoiled = False
    for value, reason, cols in (
        marks.filter(pl.col("_row") == first_row).group_by("value", "reason", maintain_order=True).agg("_col").rows()
    ):
        if any(c < grid.width and grid.to_series(c).slice(1).is_not_null().any() for c in cols):
            result.problem(label, first_row, "", value, reason)
            spoiled = True
    if missing or spoiled or len(seen) < sum(c is not None for c in canonical):
        return True
    body = body.with_columns(pl.all().cast(pl.String))
    original = body.rename(dict(zip(body.columns, _unique_names(headers), strict=True)))
    keep = {col: canon for col, canon in zip(body.columns, canonical, strict=True) if canon is not None}
    frame = body.select([pl.col(c).alias(n) for c, n in keep.items()])
    rows = pl.int_range(pl.len(), dtype=pl.Int64) + first_row + 1
    frame = frame.with_columns(pl.lit(label).alias("_file"), rows.alias("_row"))
    original = original.with_columns(pl.lit(label).alias("_file"), rows.alias("_row"))
    blank = pl.all_horizontal([pl.col(c).is_null() for c in keep.values()])  # ",,,," rows; polars skips empty lines
    keep_rows = ~frame.select(blank).to_series()
    frame, original = frame.filter(keep_rows), original.filter(keep_rows)
    used = {grid.columns.index(col): canon for col, canon in keep.items()}
    bad = _bad_cells(label, frame, used, marks)
    if bad.height:
        result.errors = pl.concat([result.errors, bad])
        frame = frame.filter(~pl.col("_row").is_in(bad["row"].implode()))  # `original` keeps them for the user
    result.tables.append(RawTable(label, spec, frame, original))
    return True


def _bad_cells(label: str, frame: pl.DataFrame, used: dict[int, str], marks: pl.DataFrame) -> pl.DataFrame:
    """Error rows for the marked cells of the rows read and for cells holding NUL (which PostgreSQL cannot store)."""
    nul = {j: pl.col(col).str.contains("\x00", literal=True) for j, col in used.items()}
    parts = [marks.filter(pl.col("_col").is_in(list(used)))]
    if nul and frame.select(pl.any_horizontal(*nul.values()).any()).item():  # one quick pass first: a million rows
        parts += [
            frame.filter(has).select(
                "_row",
                pl.lit(j, dtype=pl.Int64).alias("_col"),
                pl.col(used[j]).str.replace_all("\x00", "\\x00", literal=True).alias("value"),
                pl.lit(NUL_REASON).alias("reason"),
            )
            for j, has in nul.items()
        ]
    cells = pl.concat(parts)
    if cells.height:
        cells = cells.join(frame.select("_row"), on="_row", how="semi").sort("_row", "_col")
    return cells.select(
        pl.lit(label).alias("file"),
        pl.col("_row").alias("row"),
        pl.col("_col").replace_strict(used, return_dtype=pl.String).alias("column"),
        "value",
        "reason",
    )


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
    except UnicodeDecodeError as exc:
        line, reason = _undecodable(data, exc)
        result.problem(label, line, "", None, reason)
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
    merged = _merged_cells(data)
    any_filled = False
    for name in reader.sheet_names:
        # skip_rows=0 keeps leading blank rows, so grid row i is the sheet's row i + 1 as Excel numbers it;
        # columns start at the first one used (absolute_index)
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        batch, cell_errors = sheet.to_arrow_with_errors()
        grid = pl.DataFrame(pl.from_arrow(batch))
        filled = grid.select(~pl.all_horizontal(pl.all().is_null())).to_series().arg_true() if grid.width else None
        if filled is None or filled.len() == 0:
            continue
        any_filled = True
        header_at = int(filled[0])
        first_col = sheet.selected_columns[0].absolute_index + 1
        marks = _marks(merged.get(name, []), cell_errors, header_at + 1, first_col, grid.height, grid.width)
        grid, first = grid.slice(header_at), header_at + 1
        hint = name.strip().lower() if name.strip().lower() in BY_NAME or name.strip() in BY_NAME else None
        sub = ReadResult()
        if not _from_grid(sub, f"{label}[{name}]", grid, hint or name.strip(), first, marks) and hint is None:
            result.warnings.append(f"{label}: sheet '{name}' is not a table mfa reads; skipped")
            continue
        result.tables.extend(sub.tables)
        result.errors = pl.concat([result.errors, sub.errors])
        result.warnings.extend(sub.warnings)
    if not any_filled:
        result.problem(label, 1, "", None, "the workbook is empty: expected a sheet with a header row")


_EXCEL_ERRORS = {
    "Div0": "#DIV/0!",
    "NA": "#N/A",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "Ref": "#REF!",
    "Value": "#VALUE!",
    "GettingData": "#GETTING_DATA",
}
_MERGE = re.compile(rb'mergeCell\b[^>]*?\bref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"')


def _letters(col: int) -> str:
    """Excel's letters for a 1-based column number."""
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _number(letters: bytes) -> int:
    out = 0
    for ch in letters:
        out = out * 26 + ch - 64
    return out


def _marks(
    merged: list[tuple[int, int, int, int]], cell_errors: object, header: int, first_col: int, height: int, width: int
) -> pl.DataFrame:
    """The sheet's bad cells in MARK_SCHEMA: Excel error values, and cells hidden under a merge (fastexcel reads
    them as empty, so a merged unit would silently become tonnes and a merged period look missing)."""
    rows: list[tuple[int, int, str | None, str]] = []
    for err in getattr(cell_errors, "errors", []):
        row, col = err.position
        found = re.search(r"Error\((\w+)\)", err.detail)
        code = _EXCEL_ERRORS.get(found.group(1), found.group(1)) if found else err.detail
        where = f"{_letters(first_col + col)}{row + 1}"
        what = "header cell" if row + 1 == header else "cell"
        rows.append(
            (row + 1, col, code, f"the {what} {where} shows the Excel error {code}: correct it or type a value")
        )
    spans: list[tuple[int, int, int, str | None, str]] = []
    for r1, c1, r2, c2 in merged:
        ref = f"{_letters(c1)}{r1}:{_letters(c2)}{r2}"
        for c in range(max(c1, first_col), min(c2, first_col + width - 1) + 1):
            lo, hi = (r1 + 1 if c == c1 else r1), min(r2, height)
            if header in range(lo, hi + 1):
                reason = f"the header cells of {ref} are merged: unmerge them and give every column its own header"
                spans.append((header, header, c - first_col, ref, reason))
            reason = f"part of the merged cells {ref}, whose value only {_letters(c1)}{r1} holds: unmerge the cells "
            spans.append((max(lo, header + 1), hi, c - first_col, None, reason + "and fill the value into every row"))
    frame = pl.DataFrame(rows, schema=MARK_SCHEMA, orient="row")
    if not spans:
        return frame
    covered = (
        pl.DataFrame(spans, schema=["lo", "hi", "_col", "value", "reason"], orient="row")
        .filter(pl.col("lo") <= pl.col("hi"))
        .select(pl.int_ranges("lo", pl.col("hi") + 1).alias("_row"), "_col", "value", "reason")
        .explode("_row")
    )
    return pl.concat([frame, covered.cast(MARK_SCHEMA)])  # type: ignore[arg-type]


def _merged_cells(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges per sheet name as (first row, first column, last row, last column), 1-based; fastexcel does
    not report them. A package this cannot follow gives none (fastexcel reports broken files)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if max(zf.getinfo(n).file_size for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")) > 1 << 24:
                return {}
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.iter() if r.tag.endswith("Relationship")}
            out = {}
            for sheet in ElementTree.fromstring(zf.read("xl/workbook.xml")).iter():
                rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
                if not sheet.tag.endswith("}sheet") or rid not in targets:
                    continue
                target = targets[rid]
                part = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
                out[sheet.get("name", "")] = _scan_merges(zf, part)
            return out
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError, EOFError):
        return {}


def _scan_merges(zf: zipfile.ZipFile, part: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of one worksheet part, read in chunks (a sheet's XML can be far larger than the file)."""
    found: list[tuple[int, int, int, int]] = []
    tail = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(1 << 22)
            buf = tail + chunk
            cut = len(buf) - 256 if chunk else len(buf)  # a match starting at `cut` or later is found again next time
            for m in _MERGE.finditer(buf):
                if m.start() < cut:
                    found.append((int(m[2]), _number(m[1]), int(m[4] or m[2]), _number(m[3] or m[1])))
            if not chunk:
                return found
            tail = buf[max(cut, 0) :]


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
