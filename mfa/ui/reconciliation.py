"""Reconciliation page: reconcile a year's flows under the mass balances, see the flagged reports, save the
reconciled values beside the reported ones and draw the reconciled Sankey diagram (mfa.services.reconciling works)."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from mfa.domain.flowframe import PROVINCE, Scope, Selection
from mfa.domain.sankey import SankeyOptions
from mfa.services import reconciling
from mfa.ui import login, navigation, state
from mfa.ui.i18n import coded, labels, language, name_of, t
from mfa.ui.sankey import container_width
from mfa.ui.widgets import header, tonnes_column

FLAGGED = ("gross_error_suspect", "clipped_at_zero", "not_determinable")


@st.cache_data(max_entries=8, show_spinner=False)
def reconciled(url: str, version: int, year: int, park: str | None) -> dict[str, Any]:
    """The year's reconciliation (cached per data version): its JSON form and the result table."""
    done = reconciling.reconcile_year(state.engine(), year=year, park=park)
    return {
        "summary": done.to_json() | {"flows": None},
        "flows": done.result.flows.with_columns(pl.col("flag").cast(pl.String)),
    }


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _saved(url: str, version: int, year: int) -> bool:
    loaded = state.data(url, version, (year,))
    return loaded.flows.select(pl.col("reconciled_t").is_not_null().any()).collect().item()


def render() -> None:
    """Draw the page."""
    header("rec_title", "rec_caption")
    url, version = state.url(), state.version()
    years = state.years(url, version)
    if not years:
        st.info(t("no_flows"))
        st.page_link(navigation.page("import"), label=t("go_import"), icon=":material/upload_file:")
        return
    parks = state.names(url, version, "parks")
    c_year, c_park, c_run = st.columns([1, 2, 1], vertical_alignment="bottom")
    year = c_year.selectbox(t("year"), years[::-1], key="rec_year")
    park = c_park.selectbox(
        t("rec_park"),
        ["", *parks],
        key="rec_park",
        format_func=labels(["", *parks], lambda p: coded(name_of(parks, p), p) if p else t("all_parks")),
    )
    if c_run.button(t("rec_run"), key="rec_run", type="primary"):
        st.session_state["rec_for"] = (year, park)
    if st.session_state.get("rec_for") != (year, park):
        return
    result = reconciled(url, version, year, park or None)
    summary, flows = result["summary"], result["flows"]
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric(t("rec_links"), f"{flows.height:,}", border=True)
    m2.metric(t("rec_balanced"), f"{len(summary['balanced']):,}", border=True)
    m3.metric(t("rec_chi2"), f"{summary['chi2'] or 0:,.0f} ({summary['dof']})", border=True)
    m4.metric(t("rec_p"), _p(summary["p_value"]), border=True)
    m5.metric(t("rec_p_after"), _p(summary["p_value_after"]), border=True)
    facilities = state.names(url, version, "facilities")
    materials = state.names(url, version, "materials")
    columns = {
        "source": st.column_config.TextColumn(t("source")),
        "target": st.column_config.TextColumn(t("target")),
        "material": st.column_config.TextColumn(t("material")),
        "reported": tonnes_column(t("reported")),
        "reconciled": tonnes_column(t("reconciled")),
        "normalized_residual": st.column_config.NumberColumn(t("normalized_residual"), format="%.2f"),
        "flag": st.column_config.TextColumn(t("rec_flag")),
    }
    shown = (
        flows.with_columns(
            pl.col(c).replace_strict(
                {code: coded(name_of(facilities, code), code) for code in flows[c].unique().drop_nulls().to_list()},
                default=pl.col(c),
                return_dtype=pl.String,
            )
            for c in ("source", "target")
        )
        .with_columns(
            pl.col("material").replace_strict(
                {code: name_of(materials, code) for code in flows["material"].unique().to_list()},
                default=pl.col("material"),
                return_dtype=pl.String,
            )
        )
        .select("source", "target", "material", "reported", "reconciled", "normalized_residual", "flag")
    )
    st.subheader(t("rec_flagged"))
    flagged = shown.filter(pl.col("flag").is_in(FLAGGED)).sort(pl.col("normalized_residual").abs(), descending=True)
    if flagged.height:
        st.dataframe(flagged, hide_index=True, column_config=columns, key="rec_flagged_table")
    else:
        st.success(t("rec_none_flagged"))
    with st.expander(t("rec_all")):
        st.dataframe(shown, hide_index=True, column_config=columns)
    if summary["warnings"]:
        with st.expander(t("rec_warnings")):
            for warning in summary["warnings"]:
                st.write(warning)
    if login.actor().role == "admin" and st.button(t("rec_save"), key="rec_save"):
        done = reconciling.reconcile_year(state.engine(), year=year, park=park or None)
        n = reconciling.save(state.engine(), done, login.actor())
        st.session_state["rec_for"] = (year, park)
        st.toast(t("rec_saved", n=f"{n:,}"))
        version = state.version()
    st.subheader(t("rec_sankey"))
    if not _saved(url, version, year):
        st.info(t("rec_not_saved"))
    f = Selection(year, scope=Scope("park", park) if park else PROVINCE, reconciled=True)
    options = SankeyOptions(level="kind", min_share=0.01)
    made = state.sankey_figure(url, version, f, options, language(), width=container_width("rec_width"))
    if made.data.links.is_empty():
        st.info(t("sankey_empty"))
        return
    st.plotly_chart(made.figure, key="rec_sankey", theme=None, width="content", config={"displaylogo": False})


if __name__ == "__main__":
    render()
