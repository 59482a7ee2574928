"""Export page: the Sankey diagram (HTML, SVG, PNG, PDF, JSON), the filtered flows (CSV, XLSX, Parquet) and an
indicator summary (CSV, XLSX), all for the filters the Flows page shows. Files are made when a button is clicked."""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from mfa.domain.flowframe import Selection
from mfa.domain.indicators import INDICATORS
from mfa.domain.labels import Language
from mfa.export import people
from mfa.export.sankey_files import export_figure
from mfa.services import tables
from mfa.ui import filters, navigation, state
from mfa.ui.i18n import format_value, indicator_name, language, t
from mfa.ui.sankey import container_width
from mfa.ui.widgets import CSV_MIME, PARQUET_MIME, XLSX_MIME, csv_bytes, header, table_bytes

FIGURE_FORMATS: dict[str, tuple[str, str]] = {
    ".html": ("HTML", "text/html"),
    ".svg": ("SVG", "image/svg+xml"),
    ".png": ("PNG", "image/png"),
    ".pdf": ("PDF", "application/pdf"),
    ".json": ("JSON", "application/json"),
}
TABLE_FORMATS: dict[str, tuple[str, str]] = {
    ".csv": ("CSV", CSV_MIME),
    ".xlsx": ("XLSX", XLSX_MIME),
    ".parquet": ("Parquet", PARQUET_MIME),
}


def figure_bytes(fig: go.Figure, suffix: str) -> bytes:
    """The figure as a file of the given type (export_figure; static images through Chromium)."""
    with tempfile.TemporaryDirectory(prefix="mfa-ui-") as folder:
        return export_figure(fig, Path(folder) / f"sankey{suffix}").read_bytes()


def summary_tables(report: dict[str, Any]) -> dict[str, pl.DataFrame]:
    """indicator_report as tables for people (mfa.export.people.indicator_sheets): the indicators, their
    composition by material, the targets of the scope, figures rounded to their precision."""
    return people.indicator_sheets(report, language())


def people_bytes(f: Selection, lang: Language) -> bytes:
    """The selected flows as a workbook to read: names beside codes, headers in `lang`, a sheet per table."""
    return people.workbook_bytes(tables.flows_for_people(state.engine(), f, lang))


def buttons(items: list[tuple[str, str, Any, str]], prefix: str) -> None:
    """A row of download buttons: (label, file name, callable making the bytes, mime)."""
    for col, (label, name, make, mime) in zip(st.columns(len(items)), items, strict=True):
        col.download_button(
            label,
            make,
            file_name=name,
            mime=mime,
            key=f"{prefix}_{Path(name).suffix[1:]}" + ("_read" if name.endswith("-to-read.xlsx") else ""),
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
        )


def render() -> None:
    """The Export page."""
    url, version = state.url(), state.version()
    years = state.years(url, version)
    header("export_title", "export_caption")
    if not years:
        st.info(t("no_flows"))
        st.page_link(navigation.page("import"), label=t("go_import"), icon=":material/upload_file:")
        return
    f = filters.flow_filters("export", years)
    lang = language()
    stem = f"mfa-{f.period}" + (f"-{f.scope.code}" if f.scope.code else "")

    st.subheader(t("export_sankey"))
    opts = filters.sankey_options("export", lambda o: state.sankey(url, version, f, o, lang))
    made = state.sankey_figure(url, version, f, opts, lang)  # the files: laid out at their own width, for print
    fig = made.figure
    if made.data.links.is_empty():
        st.info(t("sankey_empty"))
    else:
        shown = state.sankey_figure(url, version, f, opts, lang, width=container_width("export_width")).figure
        st.plotly_chart(shown, key="export_sankey", theme=None, width="content", config={"displaylogo": False})
    buttons(
        [
            (label, f"{stem}-sankey-{opts.level}{ext}", partial(figure_bytes, fig, ext), mime)
            for ext, (label, mime) in FIGURE_FORMATS.items()
        ],
        "export_sankey",
    )
    st.caption(t("export_sankey_caption"))

    st.subheader(t("export_flows"))
    n_flows, _ = state.shown(url, version, f)
    st.caption(t("export_flows_caption", n=f"{n_flows:,}", what=filters.describe(f, url, version)))
    rows = state.flow_rows(url, version, f)
    buttons(
        [
            (label, f"{stem}-flows{ext}", partial(table_bytes, rows, ext), mime)
            for ext, (label, mime) in TABLE_FORMATS.items()
        ]
        + [(t("export_people"), f"{stem}-flows-{lang}-to-read.xlsx", partial(people_bytes, f, lang), XLSX_MIME)],
        "export_flows",
    )
    st.caption(t("export_people_caption"))

    st.subheader(t("export_indicators"))
    scope = f.scope
    report = state.indicator_report(url, version, state.year_of(f), f.month, scope.level, scope.code)
    sheets = summary_tables(report)
    st.caption(t("export_indicators_caption", scope=filters.scope_label(f, url, version), period=report["period"]))
    shown = [
        {t("indicator"): indicator_name(i), t("value"): format_value(i, report["indicators"].get(i))}
        for i in INDICATORS
    ]
    st.dataframe(pl.DataFrame(shown), hide_index=True)
    st.caption(t("export_indicators_rounding"))
    buttons(
        [
            ("CSV", f"{stem}-indicators.csv", partial(csv_bytes, sheets["indicators"]), CSV_MIME),
            ("XLSX", f"{stem}-indicators.xlsx", partial(people.workbook_bytes, sheets), XLSX_MIME),
        ],
        "export_indicators",
    )


if __name__ == "__main__":
    render()
