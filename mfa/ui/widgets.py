"""Small pieces the pages share: page headers, inline field errors, file bytes for download buttons."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import polars as pl
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from mfa.domain.labels.reasons import translate
from mfa.export.writers import neutralise, write_table, write_workbook
from mfa.ui.i18n import language, t

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PARQUET_MIME = "application/vnd.apache.parquet"


def header(title: str, caption: str, **values: object) -> None:
    """The page title and a one-line caption saying what the page is for."""
    st.title(t(title))
    st.caption(t(caption, **values))


def field_errors(errors: dict[str, list[str]], column: str) -> None:
    """The validation errors of one form field, right under it, in the user's language."""
    for reason in errors.get(column, []):
        st.markdown(f":red[:material/error: {translate(reason, language())}]")


def errors_by_column(errors: pl.DataFrame) -> dict[str, list[str]]:
    """An import report's errors (file, row, column, value, reason) grouped by column, for a form."""
    out: dict[str, list[str]] = {}
    for column, reason in errors.select("column", "reason").iter_rows():
        out.setdefault(column or "", []).append(reason)
    return out


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """A frame as CSV (UTF-8 with BOM, so Excel shows Chinese), formula-like cells made inert."""
    return b"\xef\xbb\xbf" + neutralise(frame).write_csv().encode("utf-8")


def _via_file(suffix: str, write: Callable[[Path], object]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="mfa-ui-") as folder:
        path = Path(folder) / f"export{suffix}"
        write(path)
        return path.read_bytes()


def xlsx_bytes(sheets: dict[str, pl.DataFrame]) -> bytes:
    """Several frames as the sheets of one workbook."""
    return _via_file(".xlsx", lambda path: write_workbook(sheets, path))


def table_bytes(frame: pl.DataFrame, suffix: str) -> bytes:
    """One table as .csv, .xlsx or .parquet, as `mfa export` writes it (CSV with a BOM for Excel)."""
    if suffix == ".csv":
        return csv_bytes(frame)
    return _via_file(suffix, lambda path: write_table(frame, path))


def tonnes_column(label: str) -> ColumnConfig:
    """A column config for quantities in tonnes: thousands separators, one decimal."""
    return st.column_config.NumberColumn(label, format="%,.1f")


def tonnes_text(value: float | None) -> str:
    """Tonnes as a table cell shows them (as tonnes_column), empty where there is no figure."""
    return "" if value is None else f"{value:,.1f}"


def percent_text(value: float | None) -> str:
    """A ratio as a table cell shows it in the app's style (1.0442 -> 104 %), empty where there is none."""
    return "" if value is None else f"{value * 100:,.0f} %"


def as_text(frame: pl.DataFrame, shown: Mapping[str, Callable[[float | None], str]]) -> pl.DataFrame:
    """The frame with the `shown` columns as the text of their cells: a missing figure is an empty cell, not
    "None" (st.dataframe cannot show a missing number as nothing)."""
    return frame.with_columns(
        pl.Series(c, [shown[c](v) for v in frame[c].to_list()], dtype=pl.String) for c in shown if c in frame.columns
    )


def text_number_column(label: str, help: str | None = None) -> ColumnConfig:
    """A column config for numbers shown as text (as_text): aligned right as numbers are."""
    return st.column_config.TextColumn(label, help=help, alignment="right")
