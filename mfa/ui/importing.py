"""Import page: upload CSV/XLSX files, see what mfa understood of them (header row, unit, period, what each column
is read as, rows not imported, the first records in tonnes) and correct a column's reading, validate (dry run) or
import, download rejected rows and blank templates. The same importer as `mfa import`."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from mfa.domain.labels.reasons import translate
from mfa.intake.layouts import Layout
from mfa.intake.readers import Choices, ReadResult, read_bytes, upload_limit_bytes
from mfa.intake.tables import BY_NAME, TABLES
from mfa.services import layouts
from mfa.services.writing import ImportReport, import_tables
from mfa.ui import login, navigation, state, templates, understanding
from mfa.ui.i18n import labels, language, t
from mfa.ui.widgets import CSV_MIME, XLSX_MIME, csv_bytes, header

PREVIEW_ROWS = 10
MODES = ("all_or_nothing", "accept_valid")


def read_uploads(files: list[Any], choices: Choices | None = None) -> ReadResult:
    """Every uploaded file read into tables (problems with whole files become error rows), with the column
    mappings chosen (by table label)."""
    result = ReadResult()
    for upload in files:
        read_bytes(result, upload.name, upload.getvalue(), limit=upload_limit_bytes(), choices=choices)
    return result


def read_with_mappings(files: list[Any]) -> ReadResult:
    """The uploads read with the mappings the user chose here, else those remembered for their park."""
    chosen = understanding.choices()
    read = read_uploads(files, chosen)
    proposals = {k: v for k, v in layouts.remembered(state.engine(), read, login.actor()).items() if k not in chosen}
    if proposals:
        read = read_uploads(files, {**layouts.choices_of(proposals), **chosen})
        layouts.mark_remembered(read, proposals)
    return read


def tables_section(expanded: bool) -> None:
    """What the importer reads: each table's required and other columns, and a blank template of each."""
    with st.expander(t("templates_title"), icon=":material/description:", expanded=expanded):
        st.caption(t("templates_caption"))
        rows = [
            {
                t("table"): f"{spec.name_zh} · {spec.name}",
                t("required_columns"): ", ".join(spec.required),
                t("other_columns"): ", ".join(c for c in spec.columns if c not in spec.required),
            }
            for spec in TABLES
        ]
        st.dataframe(pl.DataFrame(rows), hide_index=True)
        items = [(f"{spec.name_zh if language() == 'zh' else spec.name} .csv", spec.name) for spec in TABLES]
        for start in range(0, len(items) + 1, 4):
            columns = st.columns(4)
            for col, (label, name) in zip(columns, items[start : start + 4], strict=False):
                col.download_button(
                    label,
                    templates.template_csv(name),
                    file_name=f"{name}.csv",
                    mime=CSV_MIME,
                    key=f"template_{name}",
                    on_click="ignore",
                    icon=":material/download:",
                    width="stretch",
                )
            if start + 4 > len(items):
                columns[len(items) - start].download_button(
                    t("template_workbook"),
                    templates.template_workbook(),
                    file_name="mfa-template.xlsx",
                    mime=XLSX_MIME,
                    key="template_xlsx",
                    on_click="ignore",
                    type="primary",
                    icon=":material/download:",
                    width="stretch",
                )


def preview(read: ReadResult) -> None:
    """What each file holds: the table it was recognised as, its rows, the first of them."""
    for table in read.tables:
        label = table.spec.name_zh if language() == "zh" else table.spec.name
        title = "preview_title_one" if table.frame.height == 1 else "preview_title"
        with st.expander(t(title, file=table.file, table=label, n=f"{table.frame.height:,}")):
            st.dataframe(table.original.drop("_file", "_row").head(PREVIEW_ROWS), hide_index=True)
    for warning in read.warnings:
        st.warning(translate(warning, language()), icon=":material/info:")


def headed_as_written(errors: pl.DataFrame, layouts: list[Layout]) -> pl.DataFrame:
    """The errors with each column named as the file heads it (数量 rather than quantity) and every reason in the
    user's language."""
    headers = {
        (layout.file, canonical): header
        for layout in layouts
        for header, canonical in zip(layout.headers, layout.mapping, strict=False)
        if canonical and header
    }
    named = [headers.get((file, column), column) for file, column in errors.select("file", "column").iter_rows()]
    chosen = language()  # read here: polars may call the function below on a thread without the session
    return errors.with_columns(
        pl.Series("column", named, dtype=pl.String),
        pl.col("reason").map_elements(lambda r: translate(r, chosen), return_dtype=pl.String),
    )


def report_section(report: ImportReport, layouts: list[Layout]) -> None:
    """The outcome: what was written or would be, every bad cell (named as the file heads it, in the user's
    language), the rejected rows to fix and import again."""
    bad = int(report.errors.height)
    if report.dry_run:
        (st.success if report.ok else st.warning)(t("dry_run_result", n=bad), icon=":material/fact_check:")
    elif report.committed:
        written = ", ".join(f"{n:,} {name}" for name, n in report.written.items())
        st.success(t("import_done", written=written or "0"), icon=":material/check_circle:")
        if bad:
            st.warning(t("import_partial", n=bad))
    else:
        st.error(t("import_refused", n=bad), icon=":material/block:")
    counts = [
        {
            t("table"): BY_NAME[name].name_zh if language() == "zh" else name,
            t("rows_read"): n,
            t("rows_written"): report.written.get(name, 0),
            t("rows_rejected"): report.rejected.get(name, 0),
        }
        for name, n in report.read.items()
    ]
    if counts:
        st.dataframe(pl.DataFrame(counts), hide_index=True)
    if bad:
        st.markdown(f"**{t('errors_title', n=bad)}**")
        errors = headed_as_written(report.errors, layouts)
        st.dataframe(
            errors,
            hide_index=True,
            height=min(400, 40 + 35 * bad),
            column_config={
                "file": t("file"),
                "row": t("row"),
                "column": t("column"),
                "value": t("value"),
                "reason": t("reason"),
            },
        )
        st.download_button(
            t("download_errors"),
            csv_bytes(errors),
            file_name="errors.csv",
            mime=CSV_MIME,
            key="import_errors_csv",
            on_click="ignore",
            icon=":material/download:",
        )
    for i, (file, rows) in enumerate(report.rejected_rows.items()):
        name = f"{Path(file.split('[')[0]).stem}.rejected.csv"
        st.download_button(
            t("download_rejected", file=file, n=rows.height),
            csv_bytes(rows),
            file_name=name,
            mime=CSV_MIME,
            key=f"import_rejected_{i}",
            on_click="ignore",
            icon=":material/download:",
        )


def render() -> None:
    """The Import page."""
    header("import_title", "import_caption")
    if navigation.reads_only(login.actor()):
        return
    upload_mb = max(1, upload_limit_bytes() // 2**20)
    files = st.file_uploader(
        t("upload_label"),
        type=["csv", "xlsx"],
        accept_multiple_files=True,
        key="import_files",
        help=t("upload_help", mb=upload_mb),
        max_upload_size=upload_mb,
    )
    tables_section(expanded=not files)
    if not files:
        st.session_state.pop("import_report", None)
        understanding.reset_choices()
        return
    signature = [(f.name, f.size, hashlib.sha256(f.getvalue()).hexdigest()[:16]) for f in files]
    if st.session_state.get("import_signature") != signature:
        st.session_state["import_signature"] = signature
        understanding.reset_choices()
    read = read_with_mappings(files)
    preview(read)
    understanding.understanding(read.layouts, layouts.preview(state.engine(), read))
    c_mode, c_dry = st.columns([2, 1], vertical_alignment="bottom")
    mode = c_mode.radio(
        t("import_mode"), MODES, key="import_mode", format_func=labels(MODES, lambda m: t(f"mode_{m}")), horizontal=True
    )
    dry_run = c_dry.checkbox(t("dry_run"), key="import_dry_run", help=t("dry_run_help"))
    label = t("validate") if dry_run else t("import_button")
    if st.button(label, key="import_run", type="primary", icon=":material/upload:"):
        with st.spinner(t("importing")):
            report = import_tables(
                state.engine(), read, accept_valid=mode == "accept_valid", dry_run=dry_run, actor=login.actor()
            )
            if report.committed and layouts.remember(state.engine(), login.actor(), read.layouts):
                st.toast(t("mapping_remembered"), icon=":material/bookmark:")
        st.session_state["import_report"] = (signature, report)
    stored = st.session_state.get("import_report")
    if stored and stored[0] == signature:
        report_section(stored[1], read.layouts)


if __name__ == "__main__":
    render()
