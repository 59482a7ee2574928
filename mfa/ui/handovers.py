"""Hand-overs page: the sender's and the receiver's figures of each hand-over side by side. A park manager sees what
awaits the counterpart, what the counterpart declared that they have not (and confirms it in one click), and the
disputes; analysts and admins see the disputes and missing declarations per park and city (mfa.services.handovers)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from mfa.domain.handovers import DEFAULT_TOLERANCE, KEY
from mfa.services import handovers
from mfa.ui import filters, login, navigation, state
from mfa.ui.i18n import city_label, coded, format_tonnes, labels, name_of, t
from mfa.ui.widgets import header, tonnes_column

TASKS = ("confirm", "awaiting", "disputed")


def _named(url: str, version: int, frame: pl.DataFrame) -> pl.DataFrame:
    """Facility and material codes shown as "name · code"."""
    names = {table: state.names(url, version, table) for table in ("facilities", "materials")}

    def show(column: str, table: str) -> pl.Expr:
        mapping = {c: coded(name_of(names[table], c), c) for c in frame[column].unique().to_list()}
        return pl.col(column).replace_strict(mapping, default=pl.col(column), return_dtype=pl.String)

    return frame.with_columns(show("source", "facilities"), show("target", "facilities"), show("material", "materials"))


def _confirm(key: dict[str, str]) -> None:
    report = handovers.confirm(state.engine(), key, login.actor())
    if report.committed:
        st.session_state["handovers_message"] = ("success", t("handovers_confirmed", key=" · ".join(key.values())))
    else:
        st.session_state["handovers_message"] = ("error", "; ".join(report.errors["reason"].unique().to_list()))


def _task_table(url: str, version: int, rows: pl.DataFrame, task: str) -> None:
    """One task's hand-overs; a row chosen in the table can be confirmed (the counterpart's figure as ours)."""
    if rows.is_empty():
        st.success(t(f"handovers_none_{task}"), icon=":material/check_circle:")
        return
    figures = {  # what each list has: ours only, theirs only, or both and how far apart
        "confirm": [pl.col("counterpart_t").alias(t("handovers_counterpart_t"))],
        "awaiting": [pl.col("own_t").alias(t("handovers_own_t"))],
        "disputed": [
            pl.col("own_t").alias(t("handovers_own_t")),
            pl.col("counterpart_t").alias(t("handovers_counterpart_t")),
            (pl.col("relative_difference") * 100).alias(t("handovers_difference_pct")),
        ],
    }[task]
    shown = _named(url, version, rows).select(
        pl.col("period").alias(t("period")),
        pl.col("source").alias(t("source")),
        pl.col("target").alias(t("target")),
        pl.col("material").alias(t("material")),
        pl.col("own_side").replace_strict({s: t(f"side_{s}") for s in ("sender", "receiver")}).alias(t("side")),
        *figures,
    )
    columns = {
        t("handovers_own_t"): tonnes_column(t("handovers_own_t")),
        t("handovers_counterpart_t"): tonnes_column(t("handovers_counterpart_t")),
        t("handovers_difference_pct"): st.column_config.NumberColumn(format="%+.1f %%"),
    }
    st.dataframe(shown, hide_index=True, column_config=columns, key=f"handovers_table_{task}")
    if task == "awaiting":
        st.caption(t("handovers_awaiting_caption"))
        return
    options = ["|".join(str(v) for v in key) for key in rows.select(KEY).iter_rows()]
    named = _named(url, version, rows).select(*KEY, "counterpart_t").iter_rows()
    described = {
        o: f"{p} · {s} → {d} · {m} · {format_tonnes(q)}" for o, (p, s, d, m, q) in zip(options, named, strict=True)
    }
    c_pick, c_button = st.columns([3, 1.4], vertical_alignment="bottom")
    picked = c_pick.selectbox(
        t("handovers_pick"),
        options,
        index=None,
        key=f"handovers_pick_{task}",
        placeholder=t("type_to_search"),
        format_func=labels(options, described.__getitem__),
    )
    key = dict(zip(KEY, picked.split("|"), strict=True)) if picked else None
    c_button.button(
        t("handovers_confirm"),
        key=f"handovers_confirm_{task}",
        on_click=_confirm,
        args=(key,),
        disabled=key is None,
        type="primary",
        icon=":material/task_alt:",
        help=t("handovers_confirm_help"),
    )


def _manager_view(url: str, version: int, frame: pl.DataFrame) -> None:
    """A park manager's three lists: to confirm, awaiting the counterpart, disputed."""
    mine = handovers.from_parks(frame, login.actor().parks)
    tabs = st.tabs([t(f"handovers_tab_{task}", n=mine.filter(pl.col("task") == task).height) for task in TASKS])
    for tab, task in zip(tabs, TASKS, strict=True):
        with tab:
            _task_table(url, version, mine.filter(pl.col("task") == task), task)


def _province_view(url: str, version: int, frame: pl.DataFrame) -> None:
    """Disputes and missing declarations per park and city, and the disputed hand-overs with both figures."""
    counts = handovers.counts(frame)
    cols = st.columns(4)
    for col, status in zip(cols, counts, strict=True):
        col.metric(t(f"handovers_status_{status}"), f"{counts[status]:,}")
    parks = state.reference(url, version)["parks"]
    park_city = dict(parks.select("code", "city").iter_rows())
    park_names = state.names(url, version, "parks")
    for level in ("park", "city"):
        table = handovers.by_place(frame, park_city, level)
        name = (lambda p: coded(name_of(park_names, p), p)) if level == "park" else city_label
        # named here, in this run's language: polars may call a function on a thread without the session
        shown = {place: name(place) for place in table[level].to_list()}
        with st.container():
            st.markdown(f"**{t(f'handovers_by_{level}')}**")
            st.dataframe(
                table.with_columns(pl.col(level).replace_strict(shown, return_dtype=pl.String)).rename(
                    {
                        level: t(level),
                        "agreed": t("handovers_status_agreed"),
                        "disputed": t("handovers_status_disputed"),
                        "disputed_t": t("handovers_disputed_t"),
                        "awaiting": t("handovers_awaiting"),
                        "hand_overs": t("handovers_count"),
                    }
                ),
                hide_index=True,
                column_config={t("handovers_disputed_t"): tonnes_column(t("handovers_disputed_t"))},
                key=f"handovers_by_{level}",
            )
    disputed = frame.filter(pl.col("status") == "disputed")
    st.markdown(f"**{t('handovers_disputed_list')}**")
    if disputed.is_empty():
        st.success(t("handovers_none_disputed"), icon=":material/check_circle:")
        return
    st.dataframe(
        _named(url, version, disputed).select(
            pl.col("period").alias(t("period")),
            pl.col("source").alias(t("source")),
            pl.col("target").alias(t("target")),
            pl.col("material").alias(t("material")),
            pl.col("sender_t").alias(t("handovers_sender_t")),
            pl.col("receiver_t").alias(t("handovers_receiver_t")),
            pl.col("agreed_t").alias(t("handovers_agreed_t")),
            (pl.col("relative_difference") * 100).alias(t("handovers_difference_pct")),
        ),
        hide_index=True,
        column_config={
            t("handovers_sender_t"): tonnes_column(t("handovers_sender_t")),
            t("handovers_receiver_t"): tonnes_column(t("handovers_receiver_t")),
            t("handovers_agreed_t"): tonnes_column(t("handovers_agreed_t")),
            t("handovers_difference_pct"): st.column_config.NumberColumn(format="%+.1f %%"),
        },
        key="handovers_disputed",
    )


def render() -> None:
    """Draw the page."""
    header("handovers_title", "handovers_caption")
    url, version = state.url(), state.version()
    years = state.years(url, version)
    if not years:
        st.info(t("no_flows"))
        st.page_link(navigation.page("import"), label=t("go_import"), icon=":material/upload_file:")
        return
    c_year, c_tolerance, _ = st.columns([1, 2, 3])
    year = filters.year_picker(c_year, "handovers_year", years)
    tolerance = c_tolerance.slider(
        t("handovers_tolerance"), 0, 50, int(DEFAULT_TOLERANCE * 100), key="handovers_tolerance", format="%d %%"
    )
    kind, message = st.session_state.pop("handovers_message", (None, None))
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "error":
        st.error(message, icon=":material/error:")
    frame = state.hand_overs(url, version, int(year), tolerance / 100)
    if login.actor().role == "park_manager":
        _manager_view(url, version, frame)
    else:
        _province_view(url, version, frame)
    st.caption(t("handovers_rule", tolerance=tolerance))


if __name__ == "__main__":
    render()
