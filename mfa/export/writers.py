"""Writing tables to CSV, XLSX and Parquet in the importer's columns, with spreadsheet formulas made inert."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

FORMULA_START = r"^[=+\-@\t\r]"
FORMATS = (".csv", ".xlsx", ".parquet")
_FIXED_TIME = datetime(2000, 1, 1)


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Put an apostrophe before text cells a spreadsheet would run as a formula (=, +, -, @, tab, CR)."""
    text_cols = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        [
            pl.when(pl.col(c).str.contains(FORMULA_START)).then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c)
            for c in text_cols
        ]
    )


def write_table(frame: pl.DataFrame, path: Path) -> None:
    """One table to a file whose extension names the format."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        neutralise(frame).write_csv(path)
    elif suffix == ".parquet":
        frame.write_parquet(path)
    elif suffix == ".xlsx":
        write_workbook({"flows": frame}, path)
    else:
        raise ValueError(f"unsupported export format {suffix!r} (use {', '.join(FORMATS)})")


def write_cells(sheet: Any, frame: pl.DataFrame) -> None:
    """Write a frame's rows under its header row (row 0), each cell with its own type; nulls stay empty."""
    for r, row in enumerate(frame.iter_rows(), start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, col, value)
            elif isinstance(value, bool):
                sheet.write_boolean(r, col, value)
            else:
                sheet.write_number(r, col, value)


def write_workbook(sheets: dict[str, pl.DataFrame], path: Path) -> None:
    """Several tables as sheets of one workbook, strings written as strings (never as formulas)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    workbook.set_properties({"created": _FIXED_TIME})
    try:
        for name, frame in sheets.items():
            sheet = workbook.add_worksheet(name)
            safe = neutralise(frame)
            for col, header in enumerate(safe.columns):
                sheet.write_string(0, col, header)
            write_cells(sheet, safe)
    finally:
        workbook.close()
