"""History page: the latest changes (who, when, through which path, what), the records each wrote or deleted,
every version of one record found by facility, material, park or period, and restoring an earlier version
(mfa.services.history, mfa.services.editing). Everything in the reader's language, records by their names."""

from __future__ import annotations

import polars as pl
import streamlit as st

from mfa.domain.labels.reasons import translate
from mfa.services import editing, history
from mfa.ui import login, state
from mfa.ui.i18n import coded, labels, language, t
from mfa.ui.widgets import header

KINDS = ("flow", "facility", "park", "stock", "target", "material_alias", "transfer_coefficient")
LIMITS = (20, 100, 500)
SEARCH_LIMIT = 200
LATEST_HEADERS = {"change_id": "history_col_change", "changed_at": "history_col_when", "changed_by": "history_col_who",
                  "summary": "history_col_what", "via": "history_col_via"}  # fmt: skip
RECORD_HEADERS = {"record": "history_col_record", "name": "history_col_name", "how": "history_col_how",
                  "key": "history_col_codes"}  # fmt: skip
VERSION_HEADERS = {"version": "history_col_version", "status": "history_col_status",
                   "changes": "history_col_changes", "changed_at": "history_col_when", "changed_by": "history_col_who",
                   "via": "history_col_via"}  # fmt: skip


def _headed(frame: pl.DataFrame, headers: dict[str, str]) -> pl.DataFrame:
    """The columns `headers` names, in its order, headed in the reader's language."""
    return frame.select([pl.col(c).alias(t(m)) for c, m in headers.items()])


def _restore(record: str, key: dict[str, object], version: int) -> None:
    report = editing.restore_version(state.engine(), record, key, version, actor=login.actor())
    if report.committed:
        st.session_state["history_message"] = ("success", t("history_restored", version=version))
    else:
        reasons = dict.fromkeys(translate(str(r), language()) for r in report.errors["reason"].to_list())
        st.session_state["history_message"] = ("error", "; ".join(reasons))


def codes_of(record: str, key: str) -> str:
    """A record's codes beside its name: the key without its side (the name says the side in words)."""
    parsed = history.parse_key(record, key)
    return " | ".join(str(value) for column, value in parsed.items() if column != "side")


def latest_section() -> None:
    """The latest changes; pick one to see the records it wrote or deleted."""
    st.subheader(t("history_latest"))
    st.segmented_control(t("history_limit"), LIMITS, default=LIMITS[0], key="history_limit", required=True)
    latest = history.latest_changes_for(state.engine(), language(), st.session_state.get("history_limit", LIMITS[0]))
    if latest.height == 0:
        st.info(t("history_none"))
        return
    st.dataframe(_headed(latest, LATEST_HEADERS), hide_index=True, key="history_latest_table")
    ids = latest["change_id"].to_list()
    said = {i: f"#{i} · {by} · {what}" for i, by, what in latest.select("change_id", "changed_by", "summary").rows()}
    change = st.selectbox(t("history_change"), ids, key="history_change", format_func=labels(ids, said.__getitem__))
    records = history.change_records_for(state.engine(), int(change), language())
    st.dataframe(
        _headed(records, RECORD_HEADERS),
        hide_index=True,
        key="history_records_table",
        column_config={t("history_col_codes"): st.column_config.TextColumn(help=t("history_col_codes_help"))},
    )
    if records.height:
        options = [f"{kind} · {key}" for kind, key in records.select("kind", "key").iter_rows()]
        said_records = dict(
            zip(options, (f"{r} · {n}" for r, n in records.select("record", "name").iter_rows()), strict=True)
        )
        st.selectbox(
            t("history_open_record"),
            [None, *options],
            key="history_pick",
            on_change=_open_picked,
            placeholder=t("history_pick_placeholder"),
            format_func=labels([None, *options], lambda o: "" if o is None else said_records[o]),
        )


def _open_picked() -> None:
    picked = st.session_state.get("history_pick")
    if picked:
        record, key = picked.split(" · ", 1)
        _open(record, key)


def _open(record: str, key: str) -> None:
    """Show the history of this record (its key as codes) in the record section, whatever its search says."""
    st.session_state.update(history_kind=record, history_match=key, history_opened=(record, key))
    search = history.search_for(record, history.parse_key(record, key))
    for name in ("facility", "material", "park", "period"):
        st.session_state.pop(f"history_find_{name}", None)
        if name in search:
            st.session_state[f"history_find_{name}"] = search[name]


def _filters(record: str) -> dict[str, str | None]:
    """The search widgets records of this kind can be found by; their values (None for any)."""
    url, version = state.url(), state.version()
    searchable = history.searchable(record)
    widgets = [f for f in ("facility", "material", "park", "period") if f in searchable]
    if not widgets:
        return {}
    chosen: dict[str, str | None] = {}
    for column, name in zip(st.columns(len(widgets)), widgets, strict=True):
        if name == "period":
            typed = column.text_input(t("history_find_period"), key="history_find_period", placeholder="2024-03")
            chosen["period"] = typed.strip() or None
            continue
        table = {"facility": "facilities", "material": "materials", "park": "parks"}[name]
        known = state.names(url, version, table)
        shown: dict[str | None, str] = {None: t("history_any")}
        shown |= dict(sorted(((c, coded(_pick_name(*known[c], c), c)) for c in known), key=lambda item: item[1]))
        if st.session_state.get(f"history_find_{name}") not in shown:  # e.g. a deleted facility's code
            st.session_state.pop(f"history_find_{name}", None)
        chosen[name] = column.selectbox(
            t(f"history_find_{name}"), list(shown), key=f"history_find_{name}", format_func=shown.__getitem__
        )
    return chosen


def _pick_name(en: str | None, zh: str | None, code: str) -> str:
    first, second = (zh, en) if language() == "zh" else (en, zh)
    return first or second or code


def record_section() -> None:
    """Every version of one record, found by a search, and restoring one of them."""
    st.subheader(t("history_record"))
    record = st.selectbox(
        t("history_kind"),
        KINDS,
        key="history_kind",
        format_func=labels(KINDS, lambda k: history.kind_name(k, language())),
    )
    st.caption(t("history_find"))
    filters = _filters(record)
    found = history.find_records(
        state.engine(),
        record,
        language(),
        facility=filters.get("facility"),
        material=filters.get("material"),
        park=filters.get("park"),
        period=filters.get("period"),
        limit=SEARCH_LIMIT,
    )
    opened = st.session_state.get("history_opened")
    options = found["key"].to_list()
    said = dict(zip(options, found["name"].to_list(), strict=True))
    if opened and opened[0] == record and opened[1] not in said:  # a link or a change named it; the search may not
        options.insert(0, opened[1])
        said[opened[1]] = history.record_name(
            record, history.parse_key(record, opened[1]), history.names(state.engine()), language()
        )
    kind, message = st.session_state.pop("history_message", (None, None))
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "error":
        st.error(message, icon=":material/error:")
    if not options:
        st.info(t("history_no_match"))
        return
    if st.session_state.get("history_match") not in options:
        st.session_state.pop("history_match", None)
    limited = found.height >= SEARCH_LIMIT
    chosen = st.selectbox(
        t("history_matches_first" if limited else "history_matches", n=f"{found.height:,}"),
        options,
        key="history_match",
        format_func=labels(options, lambda o: f"{said[o]}  ({codes_of(record, o)})"),
    )
    key = history.parse_key(record, chosen)
    versions = history.record_history_for(state.engine(), record, key, language())
    if versions.height == 0:
        st.info(t("history_no_record"))
        return
    st.dataframe(_headed(versions, VERSION_HEADERS), hide_index=True, key="history_versions_table")
    if login.actor().role == "analyst":
        return
    deleted = versions["status"][-1] == t("history_status_deleted")
    current = None if deleted else versions["version"][-1]
    numbers = [v for v in versions["version"].drop_nulls().unique(maintain_order=True).to_list() if v != current]
    if not numbers:  # one version, the current one: nothing to restore
        return
    c_version, c_button = st.columns([1, 2], vertical_alignment="bottom")
    picked = c_version.selectbox(t("history_version"), numbers[::-1], key="history_version")
    c_button.button(
        t("history_restore", version=picked),
        key="history_restore",
        icon=":material/restore:",
        on_click=_restore,
        args=(record, key, int(picked)),
    )


def opened_by_link() -> None:
    """Open the record a link names, /history?record=flow&key=2025-03 | A | B | m (e.g. a flow behind a link of
    the Sankey diagram): its versions are shown, once, as if found by a search."""
    record, key = st.query_params.get("record"), st.query_params.get("key")
    if record in KINDS and key:
        _open(record, key)
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
