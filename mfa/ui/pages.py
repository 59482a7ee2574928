"""The pages of the app and the navigation between them."""

from __future__ import annotations

import streamlit as st

from mfa import taxonomy
from mfa.ui import state


def flows_page() -> None:
    """Browse the recorded flows by year, city, park and material."""
    st.title("Flows · 物质流")
    version = state.data_version()
    url = state.database_url()
    counts = state.counts(url, version)
    cols = st.columns(4)
    for col, (label, key) in zip(
        cols,
        [
            ("Parks 园区", "parks"),
            ("Facilities 设施", "facilities"),
            ("Materials 物料", "materials"),
            ("Flows 流量", "flows"),
        ],
        strict=True,
    ):
        col.metric(label, f"{counts[key]:,}")
    f1, f2, f3, f4 = st.columns(4)
    year = f1.selectbox("Year 年份", [None, *range(2025, 2015, -1)], index=1, key="flows_year")
    city = f2.selectbox(
        "City 城市",
        [None, *taxonomy.CITIES],
        key="flows_city",
        format_func=lambda c: "All 全部" if c is None else f"{c} {taxonomy.CITIES[c]}",
    )
    park = f3.text_input("Park code 园区代码", key="flows_park") or None
    material = f4.selectbox(
        "Material 物料",
        [None, *(str(m["code"]) for m in taxonomy.bundled_materials())],
        key="flows_material",
        format_func=lambda m: "All 全部" if m is None else str(m),
    )
    frame = state.flows(url, version, year, city, park, material)
    st.caption(f"{frame.height:,} flows · quantity in tonnes (t)")
    st.dataframe(frame, width="stretch", hide_index=True)


def all_pages() -> list[st.Page]:
    """Every page, in the order of the sidebar."""
    return [st.Page(flows_page, title="Flows 物质流", icon="🔀", url_path="flows", default=True)]
