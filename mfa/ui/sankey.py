"""The Sankey view of the Flows page: the diagram laid out for the width the page gives it, and the flows behind a
link (clicked in the diagram, or chosen from the list beside it), shown with their history links and exported."""

from __future__ import annotations

from functools import partial
from urllib.parse import quote

import polars as pl
import streamlit as st

from mfa.domain.flowframe import Selection
from mfa.domain.sankey import SankeyData, SankeyOptions
from mfa.domain.sankey.data import link_rows
from mfa.ui import filters, state
from mfa.ui.i18n import format_tonnes, labels, language, t
from mfa.ui.widgets import table_bytes, tonnes_column

TABLE_ROWS = 20_000
WIDTH_STEP = 50
MIN_WIDTH = 640
_WIDTH_JS = """
export default function(component) {
    const { setStateValue, parentElement } = component;
    const probe = document.createElement("div");
    parentElement.appendChild(probe);
    let last = 0;
    const report = () => {
        const width = Math.floor(probe.getBoundingClientRect().width / STEP) * STEP;
        if (width > 0 && width !== last) {
            last = width;
            setStateValue("width", width);
        }
    };
    const observer = new ResizeObserver(report);
    observer.observe(probe);
    report();
    return () => observer.disconnect();
}
""".replace("STEP", str(WIDTH_STEP))
_width = st.components.v2.component("mfa_container_width", js=_WIDTH_JS)


def container_width(key: str) -> int | None:
    """The width of the page's main column in px (in steps of WIDTH_STEP, at least MIN_WIDTH), as the browser reports
    it; None until it has (a figure is then laid out at its own width)."""
    found = _width(key=key, default={"width": None}, on_width_change=lambda: None, height=0)
    width = getattr(found, "width", None)
    return max(int(width), MIN_WIDTH) if isinstance(width, int | float) and width > 0 else None


def sankey_view(url: str, version: int, f: Selection) -> None:
    """The diagram as `mfa sankey` draws it, and the flows behind a link (clicked, or chosen from the list)."""
    lang = language()
    opts = filters.sankey_options("flows", lambda o: state.sankey(url, version, f, o, lang))
    made = state.sankey_figure(url, version, f, opts, lang, width=container_width("flows_width"))
    diagram = made.data
    if diagram.links.is_empty():
        st.info(t("sankey_empty"))
        return
    if not made.fits:
        st.info(t("scale_not_kept", span=format_tonnes(diagram.span_t)))
    event = st.plotly_chart(
        made.figure,
        key="flows_sankey",
        theme=None,
        width="content",
        config={"displaylogo": False, "scrollZoom": False},
        on_select="rerun",
        selection_mode="points",
    )
    st.caption(
        t(
            "sankey_caption",
            total=format_tonnes(diagram.total_t),
            internal=format_tonnes(diagram.internal_t),
            loops=format_tonnes(diagram.loops_t),
        )
    )
    link_section(url, version, f, opts, diagram, clicked(event))


def clicked(event: object) -> int | None:
    """The link of the band point clicked in the diagram (Streamlit reports clicks on points), else None."""
    points = getattr(getattr(event, "selection", None), "points", None) or []
    for point in points:
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, int | float):
            return int(data)
        if isinstance(data, list) and data and isinstance(data[0], int | float):
            return int(data[0])
    return None


def link_section(
    url: str, version: int, f: Selection, opts: SankeyOptions, diagram: SankeyData, click: int | None
) -> None:
    """The flows behind one link: the one clicked, or chosen from the links largest first; shown and exported."""
    rows = link_rows(diagram)
    choices: list[int | None] = [None, *(row["link"] for row in rows)]
    written = {
        row["link"]: f"{row['source_label']} → {row['target_label']} · {row['group_label']} · "
        f"{format_tonnes(row['tonnes'])}"
        for row in rows
    }
    if click is not None and click != st.session_state.get("flows_link_clicked"):
        st.session_state["flows_link_clicked"] = click
        st.session_state["flows_link"] = click
    if st.session_state.get("flows_link") not in choices:
        st.session_state["flows_link"] = None
    link = st.selectbox(
        t("link_pick"),
        choices,
        key="flows_link",
        format_func=labels(choices, lambda c: t("link_none") if c is None else written[c]),
        help=t("link_pick_help"),
        placeholder=t("link_none"),
    )
    if link is None:
        return
    flows = state.link_flows(url, version, f, opts, language(), int(link))
    if flows.is_empty():
        st.info(t("link_none_found"))
        return
    st.caption(t("link_caption", n=f"{flows.height:,}", tonnes=format_tonnes(float(flows["quantity_t"].sum()))))
    statuses = {s: t(f"handovers_status_{s}") for s in ("agreed", "disputed", "sender_only", "receiver_only")}
    shown = flows.head(TABLE_ROWS).with_columns(
        history=pl.lit("history?record=flow&key=") + pl.col("history_key").map_elements(quote, return_dtype=pl.String),
        status=pl.col("status").replace_strict(statuses, default=None, return_dtype=pl.String),
    )
    if flows.height > TABLE_ROWS:
        st.caption(t("link_too_many", shown=f"{TABLE_ROWS:,}", n=f"{flows.height:,}"))
    st.dataframe(
        shown.drop("history_key"),
        key="flows_link_table",
        hide_index=True,
        height=360,
        column_config={
            "period": t("period"),
            "source": t("source"),
            "source_name": t("source_name"),
            "target": t("target"),
            "target_name": t("target_name"),
            "material": t("material"),
            "material_name": t("material_name"),
            "quantity_t": tonnes_column(t("quantity_t")),
            "status": t("status"),
            "history": st.column_config.LinkColumn(t("history_link"), display_text=t("history_open")),
        },
    )
    stem = f"mfa-{f.period}-link-{int(link) + 1}"
    for col, (ext, label) in zip(
        st.columns(3), ((".csv", "CSV"), (".xlsx", "XLSX"), (".parquet", "Parquet")), strict=True
    ):
        col.download_button(
            label,
            partial(table_bytes, flows, ext),
            file_name=f"{stem}{ext}",
            key=f"flows_link_{ext[1:]}",
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
        )
