"""History page: the latest changes (who, when, through which path, what), the records each wrote or deleted,
every version of one record, and restoring an earlier version (mfa.services.history, mfa.services.editing)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from mfa.services import editing, history
from mfa.ui import login, state
from mfa.ui.i18n import labels, t
from mfa.ui.widgets import header

KINDS = ("flow", "facility", "park", "stock", "target", "material_alias")
LIMITS = (20, 100, 500)


def _latest() -> pl.DataFrame:
    limit = st.session_state.get("history_limit", LIMITS[0])
    return history.latest_changes(state.engine(), limit)


def _records(change_id: int) -> pl.DataFrame:
    return history.change_records(state.engine(), change_id)


def _versions(record: str, key: dict[str, object]) -> pl.DataFrame:
    return history.record_history(state.engine(), record, key)


def _key(record: str, text: str) -> dict[str, object]:
    """A record's key from 'a | b | c' in the order of its key columns."""
    parts = [p.strip() for p in text.split("|")]
    columns = history.KINDS[record].key
    key: dict[str, object] = dict(zip(columns, parts, strict=False))
    if record == "target" and "target_year" in key and str(key["target_year"]).isdigit():
        key["target_year"] = int(str(key["target_year"]))
    return key


def _restore(record: str, key: dict[str, object], version: int) -> None:
    report = editing.restore_version(state.engine(), record, key, version, actor=login.actor())
    if report.committed:
        st.session_state["history_message"] = ("success", t("history_restored", version=version))
    else:
        st.session_state["history_message"] = ("error", "; ".join(report.errors["reason"].unique().to_list()))


def latest_section() -> None:
    """The latest changes; pick one to see the records it wrote or deleted."""
    st.subheader(t("history_latest"))
    st.segmented_control(t("history_limit"), LIMITS, default=LIMITS[0], key="history_limit", required=True)
    latest = _latest()
    if latest.height == 0:
        st.info(t("history_none"))
        return
    st.dataframe(latest, hide_index=True, key="history_latest_table")
    ids = latest["change_id"].to_list()
    summary = dict(zip(ids, latest["summary"].fill_null("").to_list(), strict=True))
    by = dict(zip(ids, latest["changed_by"].to_list(), strict=True))
    change = st.selectbox(
        t("history_change"),
        ids,
        key="history_change",
        format_func=labels(ids, lambda i: f"#{i} · {by[i]} · {summary[i]}"),
    )
    records = _records(int(change))
    st.dataframe(records, hide_index=True, key="history_records_table")
    if records.height:
        options = [f"{r} · {k}" for r, k in records.select("record", "key").iter_rows()]
        st.selectbox(t("history_open_record"), [None, *options], key="history_pick", on_change=_open_picked)


def _open_picked() -> None:
    picked = st.session_state.get("history_pick")
    if picked:
        record, key = picked.split(" · ", 1)
        st.session_state.update(history_kind=record, history_key=key)


def record_section() -> None:
    """Every version of one record, and restoring one of them."""
    st.subheader(t("history_record"))
    c_kind, c_key = st.columns([1, 3])
    record = c_kind.selectbox(t("history_kind"), KINDS, key="history_kind")
    columns = " | ".join(history.KINDS[record].key)
    text = c_key.text_input(t("history_key", columns=columns), key="history_key", placeholder=columns)
    kind, message = st.session_state.pop("history_message", (None, None))
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "error":
        st.error(message, icon=":material/error:")
    if not text.strip():
        return
    key = _key(record, text)
    if len(key) < len(history.KINDS[record].key):
        st.warning(t("history_key_incomplete", columns=columns))
        return
    versions = _versions(record, key)
    if versions.height == 0:
        st.info(t("history_no_record"))
        return
    st.dataframe(versions, hide_index=True, key="history_versions_table")
    if login.actor().role == "analyst":
        return
    numbers = versions["version"].drop_nulls().unique(maintain_order=True).to_list()
    c_version, c_button = st.columns([1, 2], vertical_alignment="bottom")
    chosen = c_version.selectbox(t("history_version"), numbers[::-1], key="history_version")
    c_button.button(
        t("history_restore", version=chosen),
        key="history_restore",
        icon=":material/restore:",
        on_click=_restore,
        args=(record, key, int(chosen)),
    )


def opened_by_link() -> None:
    """Open the record a link names, /history?record=flow&key=2025-03 | A | B | m (e.g. a flow behind a link of
    the Sankey diagram): its versions are shown, once, as if typed in."""
    record, key = st.query_params.get("record"), st.query_params.get("key")
    if record in KINDS and key:
        st.session_state.update(history_kind=record, history_key=key)
        del st.query_params["record"]
        del st.query_params["key"]


def render() -> None:
    """The History page."""
    opened_by_link()
    header("page_history", "history_caption")
    latest_section()
    st.divider()
    record_section()


if __name__ == "__main__":
    render()
