"""Reconciliation page: reconcile a year's flows under the mass balances; first the verdict in plain words (which
reports are probably wrong, by how much, the likely cause), then the statistics with what they mean, the flagged
reports, saving the reconciled values beside the reported ones and the reconciled Sankey diagram
(mfa.services.reconciling works, mfa.domain.reconciliation.wording words)."""

from __future__ import annotations

import re
from typing import Any

import polars as pl
import streamlit as st

from mfa.domain.flowframe import PROVINCE, Scope, Selection
from mfa.domain.reconciliation.model import FLAGS
from mfa.domain.reconciliation.wording import describe, share_text
from mfa.domain.sankey import SankeyOptions
from mfa.services import reconciling
from mfa.ui import filters, login, navigation, state
from mfa.ui.i18n import coded, labels, language, name_of, t
from mfa.ui.sankey import container_width
from mfa.ui.widgets import header, tonnes_column

FLAGGED = ("gross_error_suspect", "clipped_at_zero", "not_determinable")
TONES = {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+!|~$])")


@st.cache_data(max_entries=8, show_spinner=False)
def reconciled(url: str, version: int, year: int, park: str | None) -> dict[str, Any]:
    """The year's reconciliation (cached per data version): its JSON form, the result tables and the verdict."""
    done = reconciling.reconcile_year(state.engine(), year=year, park=park)
    return {
        "summary": done.to_json() | {"flows": None},
        "flows": done.result.flows.with_columns(pl.col("flag").cast(pl.String)),
        "coefficients": done.result.coefficients.with_columns(pl.col("flag").cast(pl.String)),
        "verdict": done.verdict,
        "balanced": done.result.balanced,
    }


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _saved(url: str, version: int, year: int) -> bool:
    loaded = state.data(url, version, (year,))
    return loaded.flows.select(pl.col("reconciled_t").is_not_null().any()).collect().item()


def _plain(text: str) -> str:
    """Text shown as written in markdown (names may hold *, _ or brackets)."""
    return _MARKDOWN.sub(r"\\\1", text)


def verdict_view(result: dict[str, Any], year: int, facilities: dict[str, Any], materials: dict[str, Any]) -> None:
    """The verdict first: a headline coloured by how bad it is, notes, then one bordered block per finding."""
    words = describe(
        result["verdict"],
        year,
        language(),
        balanced=set(result["balanced"]),
        facility=lambda code: coded(name_of(facilities, code), code),
        material=lambda code: name_of(materials, code),
    )
    st.subheader(t("rec_verdict"))
    TONES[words.tone](_plain(words.headline))
    for note in words.notes:
        st.caption(_plain(note))
    for number, block in enumerate(words.blocks, 1):
        with st.container(border=True, key=f"rec_finding_{number}"):
            st.markdown(f"**{number}. {_plain(block.title)}**")
            if block.lines:
                st.markdown("\n".join(f"- {_plain(line)}" for line in block.lines))


def statistics_view(summary: dict[str, Any], flows: pl.DataFrame) -> None:
    """The tests, each with what it means in plain words (the ? beside it)."""
    alpha = f"{summary['alpha']:g}"
    st.subheader(t("rec_stats"))
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric(t("rec_links"), f"{flows.height:,}", border=True)
    m2.metric(t("rec_balanced"), f"{len(summary['balanced']):,}", border=True)
    dof = f"{summary['dof']:,}"  # in the help: a label this narrow cuts it off
    chi2 = f"{summary['chi2'] or 0:,.0f}"
    m3.metric(t("rec_chi2_label"), chi2, border=True, help=t("rec_chi2_dof_help", dof=dof))
    m4.metric(t("rec_p"), _p(summary["p_value"]), border=True, help=t("rec_p_help", alpha=alpha))
    m5.metric(t("rec_p_without"), _p(summary["p_value_after"]), border=True, help=t("rec_p_after_help", alpha=alpha))


def _named(flows: pl.DataFrame, facilities: dict[str, Any], materials: dict[str, Any]) -> pl.DataFrame:
    """Flows with names beside codes, the flags in words and the ratio to the reconciled figure."""
    flag_words = {f: t(f"flag_{f}") for f in FLAGS}
    return (
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
            ),
            pl.when(pl.col("reconciled") > 0).then(pl.col("reported") / pl.col("reconciled")).alias("ratio"),
            pl.col("flag").replace_strict(flag_words, default=pl.col("flag"), return_dtype=pl.String).alias("shown"),
        )
        .select(
            "source", "target", "material", "reported", "reconciled", "ratio", "normalized_residual", "shown", "flag"
        )
    )


def tables_view(result: dict[str, Any], facilities: dict[str, Any], materials: dict[str, Any]) -> None:
    """The flagged reports, the declared transfer coefficients in the balances, every link, the solver's notes."""
    summary, flows = result["summary"], result["flows"]
    critical = f"{summary['critical_value']:.2f}"
    columns = {
        "source": st.column_config.TextColumn(t("source"), width="medium"),
        "target": st.column_config.TextColumn(t("target"), width="medium"),
        "material": st.column_config.TextColumn(t("material")),
        "reported": tonnes_column(t("reported")),
        "reconciled": tonnes_column(t("reconciled")),
        "ratio": st.column_config.NumberColumn(t("rec_ratio"), format="%.2f"),
        "normalized_residual": st.column_config.NumberColumn(
            t("normalized_residual"), format="%.2f", help=t("rec_residual_help", critical=critical)
        ),
        "shown": st.column_config.TextColumn(t("rec_flag"), help=t("rec_flag_help")),
        "flag": None,
    }
    shown = _named(flows, facilities, materials)
    st.markdown(f"**{t('rec_flagged')}**")
    flagged = shown.filter(pl.col("flag").is_in(FLAGGED)).sort(pl.col("normalized_residual").abs(), descending=True)
    if flagged.height:
        st.dataframe(flagged, hide_index=True, column_config=columns, key="rec_flagged_table")
    else:
        st.success(t("rec_none_flagged"))
    coefficients = result["coefficients"]
    if coefficients.height:
        with st.expander(t("rec_coefficients")):
            st.caption(t("rec_coefficients_caption"))
            declared = [
                f"{share_text(k)} ± {share_text(tol)}"
                for k, tol in coefficients.select("declared", "tolerance").iter_rows()
            ]
            table = coefficients.select(
                pl.col("facility").replace_strict(
                    {c: coded(name_of(facilities, c), c) for c in coefficients["facility"].to_list()},
                    return_dtype=pl.String,
                ),
                pl.Series("declared", declared, dtype=pl.String),
                "observed",
                "reconciled",
                "normalized_residual",
                pl.col("flag").replace_strict({f: t(f"flag_{f}") for f in FLAGS}, return_dtype=pl.String),
            )
            st.dataframe(
                table,
                hide_index=True,
                column_config={
                    "facility": t("facility"),
                    "declared": t("declared_coefficient"),
                    "observed": st.column_config.NumberColumn(t("observed_coefficient"), format="percent"),
                    "reconciled": st.column_config.NumberColumn(t("reconciled_values"), format="percent"),
                    "normalized_residual": st.column_config.NumberColumn(
                        t("normalized_residual"), format="%.2f", help=t("rec_residual_help", critical=critical)
                    ),
                    "flag": t("rec_flag"),
                },
            )
    with st.expander(t("rec_all")):
        st.dataframe(shown, hide_index=True, column_config=columns)
    if summary["warnings"]:
        with st.expander(t("rec_warnings")):
            for warning in summary["warnings"]:
                st.write(warning)


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
    year = filters.year_picker(c_year, "rec_year", years)
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
    facilities = state.names(url, version, "facilities")
    materials = state.names(url, version, "materials")
    verdict_view(result, year, facilities, materials)
    statistics_view(result["summary"], result["flows"])
    tables_view(result, facilities, materials)
    if login.actor().role == "admin" and st.button(t("rec_save"), key="rec_save"):
        done = reconciling.reconcile_year(state.engine(), year=year, park=park or None)
        n = reconciling.save(state.engine(), done, login.actor())
        st.session_state["rec_for"] = (year, park)
        st.toast(t("rec_saved", n=f"{n:,}"))
        version = state.version()
    saved = _saved(url, version, year)  # until saved the diagram draws, and its note names, the reported values
    st.subheader(t("rec_sankey" if saved else "rec_sankey_reported"))
    if not saved:
        st.info(t("rec_not_saved"))
    f = Selection(year, scope=Scope("park", park) if park else PROVINCE, reconciled=saved)
    options = SankeyOptions(level="kind", min_share=0.01)
    made = state.sankey_figure(url, version, f, options, language(), width=container_width("rec_width"))
    if made.data.links.is_empty():
        st.info(t("sankey_empty"))
        return
    st.plotly_chart(made.figure, key="rec_sankey", theme=None, width="content", config={"displaylogo": False})


if __name__ == "__main__":
    render()
