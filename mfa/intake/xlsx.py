"""XLSX workbooks as grids of text cells: every sheet with its merged ranges and its Excel error cells, which
fastexcel reads as empty or reports apart (a merged unit would silently become tonnes, a merged period look
missing)."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

import polars as pl

MARK_SCHEMA = {"_row": pl.Int64, "_col": pl.Int64, "value": pl.String, "reason": pl.String}
"""Cells known to be bad before validation (merged, Excel errors): sheet row, grid column, value, reason."""


class WorkbookError(ValueError):
    """The bytes are not a workbook fastexcel can read; the message says why."""


@dataclass(frozen=True)
class Sheet:
    """One non-empty sheet: grid row i is the sheet's row i + 1 as Excel numbers it; grid column j is the sheet's
    column `first_col` + j (1-based)."""

    name: str
    grid: pl.DataFrame
    first_col: int
    cell_errors: object = None
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def marks(self, header: int) -> pl.DataFrame:
        """The bad cells (MARK_SCHEMA) when the header is on sheet row `header`."""
        return marks(self.merged, self.cell_errors, header, self.first_col, self.grid.height, self.grid.width)


def read_sheets(data: bytes) -> list[Sheet]:
    """The workbook's non-empty sheets; WorkbookError if it cannot be read."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
    except Exception as exc:  # fastexcel raises its own error types for broken files
        raise WorkbookError(f"not a readable XLSX workbook: {exc}") from exc
    merged = merged_cells(data)
    sheets = []
    for name in reader.sheet_names:
        # skip_rows=0 keeps leading blank rows, so grid row i is the sheet's row i + 1 as Excel numbers it;
        # columns start at the first one used (absolute_index)
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        batch, cell_errors = sheet.to_arrow_with_errors()
        grid = pl.DataFrame(pl.from_arrow(batch))
        if grid.width == 0 or grid.select(pl.all_horizontal(pl.all().is_null()).all()).item():
            continue
        first_col = sheet.selected_columns[0].absolute_index + 1
        sheets.append(Sheet(name, grid, first_col, cell_errors, merged.get(name, [])))
    return sheets


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


def letters(col: int) -> str:
    """Excel's letters for a 1-based column number."""
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _number(text: bytes) -> int:
    out = 0
    for ch in text:
        out = out * 26 + ch - 64
    return out


def marks(
    merged: list[tuple[int, int, int, int]], cell_errors: object, header: int, first_col: int, height: int, width: int
) -> pl.DataFrame:
    """The sheet's bad cells in MARK_SCHEMA: Excel error values, and cells hidden under a merge (fastexcel reads
    them as empty, so a merged unit would silently become tonnes and a merged period look missing)."""
    rows: list[tuple[int, int, str | None, str]] = []
    for err in getattr(cell_errors, "errors", []):
        row, col = err.position
        found = re.search(r"Error\((\w+)\)", err.detail)
        code = _EXCEL_ERRORS.get(found.group(1), found.group(1)) if found else err.detail
        where = f"{letters(first_col + col)}{row + 1}"
        what = "header cell" if row + 1 == header else "cell"
        rows.append(
            (row + 1, col, code, f"the {what} {where} shows the Excel error {code}: correct it or type a value")
        )
    spans: list[tuple[int, int, int, str | None, str]] = []
    for r1, c1, r2, c2 in merged:
        ref = f"{letters(c1)}{r1}:{letters(c2)}{r2}"
        for c in range(max(c1, first_col), min(c2, first_col + width - 1) + 1):
            lo, hi = (r1 + 1 if c == c1 else r1), min(r2, height)
            if header in range(lo, hi + 1):
                reason = f"the header cells of {ref} are merged: unmerge them and give every column its own header"
                spans.append((header, header, c - first_col, ref, reason))
            reason = f"part of the merged cells {ref}, whose value only {letters(c1)}{r1} holds: unmerge the cells "
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


def merged_cells(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
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
