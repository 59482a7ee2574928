"""Sheets as people lay them out, written as real files: XLSX (with merged cells), CSV in UTF-8 or GBK."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import xlsxwriter

Cell = object
Grid = list[list[Cell]]
KINDS = ("xlsx", "utf-8", "gbk")
"""How a grid is saved: a workbook, a CSV in UTF-8, a CSV in GBK (as Chinese Excel saves it)."""


def as_text_grid(rows: Grid) -> pl.DataFrame:
    """A grid as the readers hand it to layouts: text cells, None for empty ones, padded to one width."""
    width = max((len(r) for r in rows), default=1)
    cells = [[None if c is None or c == "" else str(c) for c in [*r, *[None] * (width - len(r))]] for r in rows]
    return pl.DataFrame(cells, schema=[f"column_{i}" for i in range(width)], orient="row")


def write_xlsx(path: Path, rows: Grid, sheet: str = "Sheet1", merges: Sequence[str] = ()) -> Path:
    """A workbook with one sheet holding `rows` (numbers as numbers); `merges` are ranges like A1:E1."""
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet(sheet)
    merged = {m.split(":")[0] for m in merges}
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is None or value == "":
                continue
            if xlsxwriter.utility.xl_rowcol_to_cell(i, j) in merged:
                continue
            ws.write(i, j, value)
    for ref in merges:
        first = ref.split(":")[0]
        r, c = xlsxwriter.utility.xl_cell_to_rowcol(first)
        value = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
        ws.merge_range(ref, "" if value is None else value)
    book.close()
    return path


def write_csv(path: Path, rows: Grid, encoding: str = "utf-8") -> Path:
    """A CSV of `rows` in `encoding` (gbk as Chinese Excel saves it; utf-8-sig with a BOM)."""
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        for row in rows:
            writer.writerow(["" if c is None else c for c in row])
    return path


def write_grid(
    folder: Path, stem: str, rows: Grid, kind: str, sheet: str = "Sheet1", merges: Sequence[str] = ()
) -> Path:
    """`rows` saved as `kind` (xlsx, utf-8 or gbk) in `folder`; merges only in a workbook."""
    if kind == "xlsx":
        return write_xlsx(folder / f"{stem}.xlsx", rows, sheet, merges)
    return write_csv(folder / f"{stem}.csv", rows, encoding=kind)
