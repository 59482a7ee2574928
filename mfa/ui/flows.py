"""Flows page: filter the flows, see them as a Sankey diagram and a table, check mass balance, loops and fate."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from mfa.domain.balance import WARNING_STATUSES
from mfa.domain.flowframe import Selection
from mfa.domain.network import GraphLevel
from mfa.domain.reconciliation.wording import share_text
from mfa.domain.vocabulary import FACILITY_KINDS
from mfa.export.sankey_figure import KIND_COLOURS
from mfa.services.network import LOOP_MAX_CYCLES, LOOP_MAX_LENGTH
from mfa.ui import filters, navigation, state
from mfa.ui.coefficients import coefficients_view, range_ends, range_text
from mfa.ui.i18n import coded, format_percent, format_tonnes, kind_name, labels, name_of, t
from mfa.ui.sankey import sankey_view
from mfa.ui.widgets import header, tonnes_column

VIEWS = ("sankey", "table", "balance", "loops", "trace")
TRACE_WHAT = ("facility", "park", "material")
TABLE_ROWS = 20_000  # the table shows at most this many flows (the largest); the export holds them all
WARN_STATUSES = WARNING_STATUSES
DEFAULT_TOLERANCE = 5.0


def labelled(frame: pl.DataFrame, column: str, names: dict[str, tuple[str | None, str | None]]) -> pl.Expr:
    """A code column shown as "name · code"."""
    codes = frame[column].unique().drop_nulls().to_list()
    mapping = {code: coded(name_of(names, code), code) for code in codes}
    return pl.col(column).replace_strict(mapping, default=pl.col(column), return_dtype=pl.String)


def table_view(url: str, version: int, f: Selection) -> None:
    """The filtered flows with names, largest first; the columns sort on click."""
    rows = state.flow_rows(url, version, f)
    fac, mats = state.names(url, version, "facilities"), state.names(url, version, "materials")
    shown = rows.sort("quantity", descending=True).head(TABLE_ROWS)
    shown = shown.with_columns(
        labelled(shown, "source", fac), labelled(shown, "target", fac), labelled(shown, "material", mats)
    ).drop("unit")
    if rows.height > TABLE_ROWS:
        st.caption(t("table_capped", shown=f"{TABLE_ROWS:,}", n=f"{rows.height:,}"))
    st.dataframe(
        shown,
        key="flows_table",
        hide_index=True,
        height=560,
        column_config={
            "period": t("period"),
            "source": t("source"),
            "target": t("target"),
            "material": t("material"),
            "quantity": tonnes_column(t("quantity_t")),
            "uncertainty": st.column_config.NumberColumn(t("uncertainty"), format="percent"),
            "data_quality": t("data_quality"),
            "note": t("note"),
            "reference": t("reference"),
        },
    )


def balance_warnings(url: str, version: int, f: Selection, tolerance: float) -> pl.DataFrame:
    """The facilities shown whose inflow, outflow and stock change do not add up within the tolerance."""
    _, facilities = state.shown(url, version, f)
    frame = state.balance(url, version, state.year_of(f), f.month, tolerance / 100)
    return frame.filter(pl.col("facility").is_in(facilities), pl.col("status").is_in(WARN_STATUSES))


def balance_view(url: str, version: int, f: Selection) -> None:
    """Mass balance of the facilities shown: inflow − outflow − stock change, and a status."""
    tolerance = st.slider(
        t("tolerance"), 1.0, 50.0, value=DEFAULT_TOLERANCE, step=1.0, format="%.0f %%", key="flows_tolerance"
    )
    _, facilities = state.shown(url, version, f)
    frame = state.balance(url, version, state.year_of(f), f.month, tolerance / 100).filter(
        pl.col("facility").is_in(facilities)
    )
    only = st.toggle(t("only_warnings"), value=True, key="flows_only_warnings")
    if only:
        frame = frame.filter(pl.col("status").is_in(WARN_STATUSES))
    if frame.is_empty():
        st.success(t("all_balanced"))
        coefficients_view(url, version)
        return
    fac = state.names(url, version, "facilities")
    statuses = frame["status"].unique().to_list()
    ordered = frame.sort(pl.col("relative_imbalance").abs(), descending=True, nulls_last=True)
    declared = ordered.select("observed_coefficient", "declared_coefficient", "declared_tolerance").rows()
    ranges = [range_text(k, tol) for _o, k, tol in declared]
    findings = [
        t("balance_off_declared", observed=share_text(o), low=ends[0], high=ends[1])
        if (ends := range_ends(k, tol)) is not None and o is not None and status == "off_declared"
        else None
        for (o, k, tol), status in zip(declared, ordered["status"].to_list(), strict=True)
    ]
    shown = ordered.with_columns(
        labelled(ordered, "facility", fac),
        pl.col("kind").replace_strict({k: kind_name(k) for k in FACILITY_KINDS}, default=pl.col("kind")),
        pl.col("status").replace_strict({s: t(f"status_{s}") for s in statuses}, default=pl.col("status")),
        pl.Series("declared", ranges, dtype=pl.String).fill_null(""),
        pl.Series("finding", findings, dtype=pl.String).fill_null(""),
    ).select(
        "facility", "status", "finding", "relative_imbalance", "observed_coefficient", "declared", "kind",
        "inflow_t", "outflow_t", "stock_change_t", "imbalance_t",
    )  # fmt: skip
    st.dataframe(
        shown,
        hide_index=True,
        height=min(480, 35 * (shown.height + 1) + 3),
        key="flows_balance_table",
        column_config={
            "facility": st.column_config.TextColumn(t("facility"), width="medium"),
            "kind": t("kind"),
            "inflow_t": tonnes_column(t("inflow_t")),
            "outflow_t": tonnes_column(t("outflow_t")),
            "stock_change_t": tonnes_column(t("stock_change_t")),
            "imbalance_t": tonnes_column(t("imbalance_t")),
            "relative_imbalance": st.column_config.NumberColumn(t("relative_imbalance"), format="percent"),
            "observed_coefficient": st.column_config.NumberColumn(t("observed_coefficient"), format="percent"),
            "declared": t("declared_coefficient"),
            "status": t("status"),
            "finding": st.column_config.TextColumn(t("balance_finding"), width="medium"),
        },
    )
    st.caption(t("balance_caption"))
    coefficients_view(url, version)


def node_name(url: str, version: int, node: object, level: GraphLevel) -> str:
    """A graph node's name at its level."""
    code = str(node)
    if level == "facility":
        return name_of(state.names(url, version, "facilities"), code)
    if level == "park":
        return name_of(state.names(url, version, "parks"), code)
    return kind_name(code) if level == "kind" else code


def loops_view(url: str, version: int, f: Selection) -> None:
    """The loops carrying the most tonnes: material that comes back to where it was."""
    levels: tuple[GraphLevel, ...] = ("facility", "park", "city")
    fallback: GraphLevel = "facility" if f.scope.park else "park"  # facility loops of a whole province take seconds
    chosen = st.segmented_control(
        t("level"),
        levels,
        default=fallback,
        key="flows_loop_level",
        format_func=labels(levels, lambda v: t(f"level_{v}")),
        required=True,
    )
    level: GraphLevel = chosen or fallback
    found = state.loops(url, version, f, level)
    if not found:
        st.success(t("no_loops"))
        return
    rows = [
        {
            t("loop"): " → ".join(node_name(url, version, n, level) for n in [*loop["nodes"], loop["nodes"][0]]),
            t("loop_length"): loop["length"],
            t("loop_tonnes"): format_tonnes(loop["tonnes"]),
        }
        for loop in found
    ]
    st.dataframe(pl.DataFrame(rows), hide_index=True)
    st.caption(t("loops_caption", n=LOOP_MAX_CYCLES, length=LOOP_MAX_LENGTH))


def trace_view(url: str, version: int, f: Selection) -> None:
    """Where the material of a facility, a park or a material ends up (or, backward, comes from)."""
    what = st.segmented_control(
        t("trace_what"),
        TRACE_WHAT,
        default="park" if f.scope.park else "material" if f.material else "facility",
        key="flows_trace_what",
        format_func=labels(TRACE_WHAT, lambda v: t(f"trace_{v}")),
        required=True,
    )
    facility = park = material = None
    if what == "facility":
        _, codes = state.shown(url, version, f)
        fac = state.names(url, version, "facilities")
        facility = st.selectbox(
            t("facility"),
            codes,
            key="flows_trace_facility",
            format_func=labels(codes, lambda c: coded(name_of(fac, c), c)),
        )
    elif what == "park":
        parks = state.names(url, version, "parks")
        codes = list(parks)
        park = st.selectbox(
            t("park"),
            codes,
            index=codes.index(f.scope.park) if f.scope.park in codes else 0,
            key="flows_trace_park",
            format_func=labels(codes, lambda c: coded(name_of(parks, c), c)),
        )
    else:
        options, fmt = filters.material_options(url, version)
        material = st.selectbox(
            t("material"), options[1:], key="flows_trace_material", format_func=labels(options, fmt)
        )
    forward = True
    if what != "material":
        forward = not st.toggle(t("trace_backward"), key="flows_trace_backward")
    if facility is None and park is None and material is None:
        st.info(t("trace_nothing"))
        return
    try:
        fate, by_kind = state.trace(url, version, state.year_of(f), facility, park, material, forward)
    except ValueError as exc:
        st.warning(t("trace_failed", reason=str(exc)))
        return
    if fate.is_empty():
        st.info(t("trace_empty"))
        return
    left, right = st.columns([2, 3])
    bars = by_kind.sort("share")
    fig = go.Figure(
        go.Bar(
            x=(bars["share"] * 100).to_list(),
            y=[kind_name(k) for k in bars["kind"]],
            orientation="h",
            marker_color=[KIND_COLOURS.get(k or "other", "#c8c8c8") for k in bars["kind"]],
            hovertext=[format_tonnes(v) for v in bars["tonnes"]],
        )
    )
    fig.update_layout(height=80 + 36 * bars.height, margin={"t": 10, "b": 10, "l": 10, "r": 10}, xaxis_title="%")
    left.markdown(f"**{t('trace_by_kind')}**")
    left.plotly_chart(fig, key="flows_trace_chart", config={"displaylogo": False})
    fac = state.names(url, version, "facilities")
    shown = fate.head(200).with_columns(
        labelled(fate.head(200), "facility", fac),
        pl.col("kind").replace_strict({k: kind_name(k) for k in FACILITY_KINDS}, default=pl.col("kind")),
    )
    right.markdown(f"**{t('trace_where')}**")
    right.dataframe(
        shown,
        hide_index=True,
        height=360,
        column_config={
            "facility": t("facility"),
            "kind": t("kind"),
            "share": st.column_config.NumberColumn(t("share"), format="percent"),
            "tonnes": tonnes_column(t("quantity_t")),
        },
    )


def render() -> None:
    """The Flows page."""
    url, version = state.url(), state.version()
    years = state.years(url, version)
    header("flows_title", "flows_caption")
    if not years:
        st.info(t("no_flows"))
        st.page_link(navigation.page("import"), label=t("go_import"), icon=":material/upload_file:")
        return
    f = filters.flow_filters("flows", years)
    n_flows, facilities = state.shown(url, version, f)
    tolerance = float(st.session_state.get("flows_tolerance", DEFAULT_TOLERANCE))
    warnings = balance_warnings(url, version, f, tolerance)
    c1, c2, c3 = st.columns(3)
    c1.metric(t("flows_shown"), f"{n_flows:,}", border=True)
    c2.metric(t("facilities_shown"), f"{len(facilities):,}", border=True)
    declared = bool(warnings["declared_coefficient"].is_not_null().any()) if warnings.height else False
    help_key = "balance_warnings_declared_help" if declared else "balance_warnings_help"
    c3.metric(t("balance_warnings"), f"{warnings.height:,}", border=True, help=t(help_key, tol=tolerance))
    if warnings.height:
        text_key = "balance_warning_declared" if declared else "balance_warning_text"
        st.warning(t(text_key, n=warnings.height, tol=format_percent(tolerance / 100, 0)))
    view = st.segmented_control(
        t("view"),
        VIEWS,
        default="sankey",
        key="flows_view",
        format_func=labels(VIEWS, lambda v: t(f"view_{v}")),
        required=True,
    )
    {"sankey": sankey_view, "table": table_view, "balance": balance_view, "loops": loops_view, "trace": trace_view}[
        view or "sankey"
    ](url, version, f)


if __name__ == "__main__":
    render()
