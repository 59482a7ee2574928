"""Outlook page: retirements of a product forecast with the dynamic stock model, stacked by chemistry, the recorded
retirements over them, the capacity line and the band of the low and high lifetimes; the year-by-year table, the
metals in the retirements, calibration of the lifetime, and downloads (mfa.services.forecasting does the work)."""

from __future__ import annotations

import tempfile
from datetime import date
from functools import partial
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from mfa.domain.outlook import METALS, Outlook, OutlookError, OutlookInputs
from mfa.export.outlook_figure import outlook_figure, scope_label
from mfa.export.sankey_files import export_figure
from mfa.services import forecasting
from mfa.ui import login, navigation, state
from mfa.ui.export import buttons
from mfa.ui.i18n import format_tonnes, labels, language, name_of, t
from mfa.ui.widgets import (
    CSV_MIME,
    XLSX_MIME,
    as_text,
    csv_bytes,
    header,
    percent_text,
    text_number_column,
    tonnes_text,
    xlsx_bytes,
)

PROVINCE = "province"
CONVENTIONS = ("middle", "start", "end")
DEFAULT_PRODUCT = "power_battery"
FIGURE_FORMATS = {".png": ("PNG", "image/png"), ".svg": ("SVG", "image/svg+xml"), ".html": ("HTML", "text/html")}
COLUMNS = {
    "year": "col_year",
    "inflow_t": "col_inflow",
    "stock_t": "col_stock",
    "outflow_t": "col_outflow",
    "outflow_low_t": "col_outflow_low",
    "outflow_high_t": "col_outflow_high",
    "recorded_t": "col_recorded",
    "ratio": "col_ratio",
    "capacity_t": "col_capacity",
    "shortfall_t": "col_shortfall",
}


@st.cache_resource(max_entries=4, show_spinner=False)
def inputs(url: str, version: int) -> OutlookInputs:
    """The outlook's inputs of the database at this data version (shared, never copied)."""
    return forecasting.load_inputs(state.engine())


@st.cache_data(max_entries=16, show_spinner=False)
def forecast(url: str, version: int, product: str, until: int, convention: str) -> Outlook:
    """The outlook of a product for every scope (cached per data version)."""
    return forecasting.forecast(None, product, until=until, inflow_at=convention, inputs=inputs(url, version))


def scope_name(scope: str) -> str:
    """湖南省 / Hunan province, or the city's name, in the current language."""
    return scope_label(scope, language())


def figure_bytes(fig: go.Figure, suffix: str) -> bytes:
    """The chart as PNG or SVG (through Chromium) or interactive HTML."""
    with tempfile.TemporaryDirectory(prefix="mfa-ui-") as folder:
        return export_figure(fig, Path(folder) / f"outlook{suffix}").read_bytes()


def _controls(products: list[str], materials: dict[str, tuple[str | None, str | None]]) -> tuple[str, int, str]:
    c1, c2, c3 = st.columns([2, 1, 2], vertical_alignment="bottom")
    first = products.index(DEFAULT_PRODUCT) if DEFAULT_PRODUCT in products else 0
    product = c1.selectbox(
        t("outlook_product"),
        products,
        index=first,
        key="outlook_product",
        format_func=labels(products, lambda p: f"{name_of(materials, p)} · {p}"),
    )
    until = int(c2.number_input(t("outlook_until"), 2000, 2100, 2035, step=1, key="outlook_until"))
    convention = c3.segmented_control(
        t("outlook_convention"),
        list(CONVENTIONS),
        default="middle",
        key="outlook_convention",
        format_func=labels(CONVENTIONS, lambda c: t(f"convention_{c}")),
        required=True,
    )
    return product, until, str(convention or "middle")


def _metrics(result: Outlook, scope: str, until: int) -> None:
    mine = result.rows.filter(pl.col("scope") == scope, pl.col("product") == result.product)
    capacity = result.capacity.filter(pl.col("scope") == scope)
    years = mine["year"].to_list()
    recorded = mine.filter(pl.col("recorded_t").is_not_null())["year"]
    now = int(recorded.max()) if recorded.len() else date.today().year  # type: ignore[arg-type]
    shown = sorted({y for y in (now, 2030, until) if y in years})
    columns = st.columns(len(shown) + 2)
    for col, year in zip(columns, shown, strict=False):
        value = mine.filter(pl.col("year") == year)["outflow_t"].item()
        col.metric(t("outlook_retired_in", year=year), format_tonnes(value), border=True)
    last = capacity.filter(pl.col("year") == max(years))["capacity_t"] if years else pl.Series([])
    columns[len(shown)].metric(
        t("outlook_capacity_in", year=max(years) if years else until),
        format_tonnes(last.item() if last.len() else 0.0),
        border=True,
    )
    ends = result.runs_out.filter(pl.col("scope") == scope)
    central = ends["central"].item() if ends.height else None
    if not (capacity["capacity_t"] > 0).any():
        value = t("outlook_runs_out_none")
    elif central is None:
        value = t("outlook_runs_out_never", year=until)
    else:
        value = t("outlook_runs_out_value", year=central)
    help_text = None
    if ends.height and "low" in ends.columns:
        low, high = ends["low"].item(), ends["high"].item()
        help_text = t("outlook_runs_out_range", low=high or "—", high=low or "—")
    columns[-1].metric(t("outlook_runs_out"), value, help=help_text, border=True)


def _table(result: Outlook, scope: str) -> pl.DataFrame:
    mine = result.rows.filter(pl.col("scope") == scope, pl.col("product") == result.product)
    joined = mine.join(
        result.capacity.select("year", "scope", "capacity_t", "shortfall_t"), on=["year", "scope"], how="left"
    )
    return joined.select([c for c in COLUMNS if c in joined.columns])


def _metals(result: Outlook, scope: str) -> pl.DataFrame:
    mine = result.metals.filter(pl.col("scope") == scope, pl.col("product") == result.product)
    if mine.height == 0:
        return mine
    wide = mine.pivot(on="metal", index="year", values="recoverable_t").sort("year")
    return wide.select("year", *[m for m in METALS if m in wide.columns])


def _calibration(url: str, version: int, product: str, scope: str, until: int, convention: str) -> None:
    with st.expander(t("outlook_calibrate"), icon=":material/tune:"):
        st.caption(t("outlook_calibrate_caption"))
        key = (product, scope, until, convention)
        if st.button(t("outlook_calibrate_run"), key="outlook_calibrate_run"):
            st.session_state["outlook_calibrated"] = key
        if st.session_state.get("outlook_calibrated") != key:
            return
        try:
            report = forecasting.calibrate(
                state.engine(), product, scope=scope, until=until, inflow_at=convention, actor=login.actor()
            )
        except OutlookError as exc:
            st.error(t("outlook_cannot", reason=str(exc)))
            return
        result = report.result
        fitted_config = {c: st.column_config.Column(t(f"col_{c}")) for c in result.fitted.columns}
        fitted_config |= {
            c: st.column_config.NumberColumn(t(f"col_{c}"), format="%d") for c in ("first_cohort", "last_cohort")
        }
        fitted_config |= {c: st.column_config.NumberColumn(t(f"col_{c}"), format="%.4g") for c in ("before", "after")}
        st.markdown(f"**{t('outlook_fitted', factor=f'{result.factor:.4f}')}**")
        st.dataframe(result.fitted, hide_index=True, column_config=fitted_config, key="outlook_fitted")
        st.markdown(f"**{t('outlook_residuals', rmse=format_tonnes(result.rmse_t))}**")
        residual_config = {
            "year": st.column_config.NumberColumn(t("col_year"), format="%d"),
            "recorded_t": text_number_column(t("col_recorded")),
            "modelled_t": text_number_column(t("col_modelled")),
            "residual_t": text_number_column(t("col_residual")),
        }
        residuals = as_text(result.residuals, dict.fromkeys(("recorded_t", "modelled_t", "residual_t"), tonnes_text))
        st.dataframe(residuals, hide_index=True, column_config=residual_config, key="outlook_residuals")
        if result.at_bound:
            st.warning(t("outlook_at_bound"))
        if login.actor().role == "admin" and st.button(t("outlook_save"), key="outlook_save", type="primary"):
            try:
                saved = forecasting.calibrate(
                    state.engine(),
                    product,
                    scope=scope,
                    until=until,
                    inflow_at=convention,
                    save=True,
                    actor=login.actor(),
                )
            except (OutlookError, forecasting.NotAllowed) as exc:
                st.error(t("outlook_cannot", reason=str(exc)))
                return
            st.toast(t("outlook_saved", products=", ".join(saved.saved)))
            st.session_state.pop("outlook_calibrated", None)


def render() -> None:
    """Draw the page."""
    header("outlook_title", "outlook_caption")
    url, version = state.url(), state.version()
    loaded = inputs(url, version)
    products = forecasting.outlook_products(loaded)
    if not products:
        st.info(t("outlook_no_inflows"))
        st.page_link(navigation.page_path("import"), label=t("go_import"), icon=":material/upload_file:")
        return
    materials = state.names(url, version, "materials")
    product, until, convention = _controls(products, materials)
    try:
        result = forecast(url, version, product, until, convention)
    except OutlookError as exc:
        st.error(t("outlook_cannot", reason=str(exc)))
        return
    scopes = result.rows["scope"].unique(maintain_order=True).to_list()
    scope = st.selectbox(t("outlook_scope"), scopes, key="outlook_scope", format_func=labels(scopes, scope_name))
    st.caption(t(f"convention_caption_{convention}"))
    _metrics(result, scope, until)
    names = {code: name_of(materials, code) for code in result.rows["product"].unique().to_list()}
    fig = outlook_figure(result.rows, result.capacity, result.stacked, product, scope, names=names, language=language())
    st.plotly_chart(fig, key="outlook_chart", theme=None, config={"displaylogo": False})
    for note in result.notes:
        values = dict(note) | {"product": names.get(note["product"], note["product"])}
        if note["kind"] == "gap":
            values["years"] = ", ".join(map(str, note["years"]))
        else:
            values["first"] = note["last"] + 1
        st.caption(t(f"outlook_note_{note['kind']}", **values))
    tonnes = {c: tonnes_text for c in COLUMNS if c.endswith("_t")}
    table = as_text(_table(result, scope), tonnes | {"ratio": percent_text})
    st.subheader(t("outlook_table"))
    config = {c: text_number_column(t(COLUMNS[c])) for c in tonnes}
    config |= {
        "year": st.column_config.NumberColumn(t("col_year"), format="%d"),
        "ratio": text_number_column(t("col_ratio"), help=t("outlook_ratio_help")),
    }
    st.dataframe(table, hide_index=True, column_config=config, key="outlook_table")
    metals = _metals(result, scope)
    if metals.height:
        st.subheader(t("outlook_metals"))
        st.caption(t("outlook_metals_caption"))
        metal_config = {m: text_number_column(t(f"metal_{m}")) for m in METALS}
        metal_config |= {"year": st.column_config.NumberColumn(t("col_year"), format="%d")}
        metals = as_text(metals, dict.fromkeys(METALS, tonnes_text))
        st.dataframe(metals, hide_index=True, column_config=metal_config, key="outlook_metals")
    st.subheader(t("outlook_downloads"))
    stem = f"mfa-outlook-{product}-{scope}-{until}"
    sheets = result.tables()
    buttons(
        [
            ("CSV", f"{stem}.csv", partial(csv_bytes, result.rows), CSV_MIME),
            ("XLSX", f"{stem}.xlsx", partial(xlsx_bytes, sheets), XLSX_MIME),
            *[
                (label, f"{stem}{ext}", partial(figure_bytes, fig, ext), mime)
                for ext, (label, mime) in FIGURE_FORMATS.items()
            ],
        ],
        "outlook_download",
    )
    _calibration(url, version, product, scope, until, convention)


if __name__ == "__main__":
    render()
