"""Overview page: the province, a city or a park against each target: key figures, progress, trajectory, gap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
import streamlit as st

from mfa.domain.indicators import INDICATORS
from mfa.domain.labels import text as table_text
from mfa.domain.vocabulary import CITIES
from mfa.ui import charts, filters, navigation, state
from mfa.ui.i18n import (
    city_label,
    coded,
    format_change,
    format_difference,
    format_percent,
    format_tonnes,
    format_value,
    indicator_name,
    is_fraction,
    labels,
    language,
    name_of,
    pick,
    t,
)
from mfa.ui.widgets import header

PROVINCE_KEY = "province"


def scope_options(url: str, version: int) -> list[str]:
    """province, city:<name> for each city, park:<code> for each park."""
    parks = state.reference(url, version)["parks"]["code"].to_list()
    return [PROVINCE_KEY, *(f"city:{c}" for c in CITIES), *(f"park:{p}" for p in parks)]


def scope_label(option: str, park_names: dict[str, tuple[str | None, str | None]]) -> str:
    """How a scope option reads: 湖南省, 城市 · 长沙, 园区 · 汨罗循环经济产业园 · MILUO."""
    level, _, code = option.partition(":")
    if level == "city":
        return f"{t('city')} · {city_label(code)}"
    if level == "park":
        return f"{t('park')} · {coded(name_of(park_names, code), code)}"
    return pick("Hunan province", "湖南省")


def source_label(source: str | None) -> str:
    """Where a target comes from, in the user's language: the plan's name (its English note is shown in English
    only, as the reference file gives it)."""
    plan = table_text("source_green_plan", "en")
    if source and source.startswith(plan):
        return t("source_green_plan") + source[len(plan) :] if language() == "en" else t("source_green_plan")
    return source or "—"


# What a figure can rest on that deserves doubt (mfa.domain.reliance.CONCERNS), in the order they are named; shares
# below SHOWN_SHARE are not named; 'Which flows' lists the LISTED_FLOWS largest. (Comments, not docstrings: this
# module runs as a page, and Streamlit would show a bare string.)
CONCERNS = ("flagged", "disputed", "one_sided", "estimated", "unknown_quality")
SHOWN_SHARE = 0.005
LISTED_FLOWS = 100


@dataclass(frozen=True)
class Trust:
    """What the figures of one year and scope rest on (state.reliance), and the flags of the year's reconciliation
    (None while it still runs)."""

    year: int
    level: str
    code: str | None
    rows: dict[str, dict[str, Any]]
    flagged: pl.DataFrame | None


def trust_of(url: str, version: int, year: int, level: str, code: str | None) -> Trust:
    """The reliance of every indicator of the year and scope, with the reconciliation's flags when it has run."""
    flagged = state.flagged(url, version, year)
    frame = state.reliance(url, version, year, level, code, flagged)
    return Trust(year, level, code, {r["indicator"]: r for r in frame.iter_rows(named=True)}, flagged)


def trust_note(row: dict[str, Any] | None, checking: bool = False) -> str | None:
    """What a figure rests on that deserves doubt, in words: "2.0 % on flows the reconciliation flags · 12 % on
    disputed hand-overs · 30 % declared by one side only · 40 % estimated" (one decimal below 10 %); None when
    nothing does."""
    if row is None:
        return None
    shares = {c: row.get(f"{c}_share") or 0.0 for c in CONCERNS}
    parts = [
        t(f"rests_on_{concern}", pct=format_percent(share, 0 if share >= 0.1 else 1))
        for concern, share in shares.items()
        if share >= SHOWN_SHARE
    ]
    if parts and checking:
        parts.append(t("rests_on_checking"))
    return " · ".join(parts) or None


def trust_block(indicator: str, trust: Trust) -> None:
    """Under a figure: the shares it rests on, and 'Which flows', listing those flows with links to the pages that
    explain them."""
    note = trust_note(trust.rows.get(indicator), checking=trust.flagged is None)
    if not note:
        return
    st.caption(f":orange[:material/report:] {note}", help=t("rests_on_help"))
    with st.popover(t("concerned_flows"), icon=":material/search:"):
        url, version = state.url(), state.version()
        flows = state.concerned_flows(url, version, trust.year, trust.level, trust.code, indicator, trust.flagged)
        st.caption(t("concerned_flows_title", n=f"{flows.height:,}", indicator=indicator_name(indicator)))
        shown = flows.head(LISTED_FLOWS).with_columns(
            pl.col("concerns").list.eval(pl.element().replace_strict(concern_labels())).list.join(" · ")
        )
        st.dataframe(
            shown,
            hide_index=True,
            column_config={
                "period": st.column_config.TextColumn(t("period")),
                "source": st.column_config.TextColumn(t("source")),
                "target": st.column_config.TextColumn(t("target")),
                "material": st.column_config.TextColumn(t("material")),
                "quantity_t": st.column_config.NumberColumn(t("quantity_t"), format="%,.1f"),
                "concerns": st.column_config.TextColumn(t("concerns")),
            },
        )
        found = set(flows["concerns"].explode().drop_nulls().to_list())
        if found & {"disputed", "one_sided"}:
            st.page_link(navigation.page("handovers"), label=t("see_handovers"), icon=":material/handshake:")
        if "flagged" in found:
            st.page_link(navigation.page("reconciliation"), label=t("see_reconciliation"), icon=":material/balance:")


def concern_labels() -> dict[str, str]:
    """Each concern's short name in the current language."""
    return {concern: t(f"concern_{concern}") for concern in CONCERNS}


def key_figures(scope_actuals: pl.DataFrame, year: int, trust: Trust) -> None:
    """Every flow indicator of the year as a metric, with the change on the year before and a sparkline, and what
    share of it rests on flows that deserve doubt (trust_block)."""
    columns = st.columns(4)
    for i, indicator in enumerate(INDICATORS):
        series = scope_actuals.filter(pl.col("indicator") == indicator, pl.col("year") <= year).sort("year")
        values = dict(series.select("year", "value").iter_rows())
        now, before = values.get(year), values.get(year - 1)
        change = format_change(indicator, now, before)
        no_base = now is None and is_fraction(indicator)  # a rate whose base (e.g. waste generated) is zero here
        with columns[i % 4]:
            st.metric(
                indicator_name(indicator),
                t("rate_no_base") if no_base else format_value(indicator, now),
                help=t("rate_no_base_help") if no_base else None,
                delta=change,
                delta_description=t("vs_year", year=year - 1) if change is not None else None,
                chart_data=[v * (100 if is_fraction(indicator) else 1) for v in series["value"].to_list()] or None,
                border=True,
            )
            trust_block(indicator, trust)


def target_card(row: dict[str, Any], trust: Trust | None = None) -> None:
    """One target: actual against target, a progress bar, whether on track, what is still needed, and what share of
    the actual rests on flows that deserve doubt."""
    indicator = row["indicator"]
    with st.container(border=True):
        top, badge = st.columns([3, 2], vertical_alignment="center")
        top.markdown(f"**{indicator_name(indicator)}**")
        with badge:
            if row["on_track"]:
                st.badge(t("on_track"), icon=":material/check_circle:", color="green")
            else:
                st.badge(t("behind"), icon=":material/warning:", color="red")
        c1, c2 = st.columns(2)
        c1.metric(
            t("actual_in", year=row["year"]),
            format_value(indicator, row["actual"]),
            delta=format_difference(indicator, row["actual"] - row["path_value"]),
            delta_description=t("vs_path"),
            delta_color="normal" if row["direction"] == "at_least" else "inverse",
        )
        c2.metric(t("target_in", year=row["target_year"]), format_value(indicator, row["target_value"]))
        progress = row["progress"] or 0.0
        st.progress(min(max(progress, 0.0), 1.0), text=t("progress_text", pct=format_percent(progress, 0)))
        notes = [t("path_value", year=row["year"], value=format_value(indicator, row["path_value"]))]
        if row["needed_growth_per_year"] is not None and not row["on_track"]:
            notes.append(t("needed_per_year", value=format_value(indicator, row["needed_growth_per_year"])))
        reached = row.get("projected_year_reached")
        if reached is not None:
            notes.append(t("reached_already") if reached <= row["year"] else t("reached_in", year=reached))
        elif row.get("projected_value") is not None:
            notes.append(t("not_reached", value=format_value(indicator, row["projected_value"])))
        if row["reported"]:
            notes.append(t("reported_value"))
        st.caption(" · ".join(notes))
        if trust is not None and not row["reported"]:
            trust_block(indicator, trust)


def part_labels(url: str, version: int) -> dict[str, str]:
    """Names of cities, parks and materials for the gap charts."""
    out = {city: city_label(city) for city in CITIES}
    for table in ("parks", "materials"):
        names = state.names(url, version, table)
        out |= {code: name_of(names, code) for code in names}
    return out


def gap_section(url: str, version: int, year: int, indicator: str, scope: str) -> None:
    """Which cities, parks and materials are behind the province path (or this city's or park's part of it)."""
    gaps = state.gap_report(url, version, year, indicator)
    if not gaps:
        st.info(t("gap_unavailable"))
        return
    labels = part_labels(url, version)
    if scope != PROVINCE_KEY:
        level, _, code = scope.partition(":")
        mine = gaps[level].filter(pl.col("part") == code) if level in gaps else pl.DataFrame()
        if mine.is_empty():
            st.info(t("gap_no_part"))
            return
        row = mine.row(0, named=True)
        st.markdown(t("gap_part_text", expected=format_tonnes(row["expected"]), actual=format_tonnes(row["actual"])))
        cols = st.columns(3)
        cols[0].metric(t("expected_t"), format_tonnes(row["expected"]))
        cols[1].metric(t("actual_t"), format_tonnes(row["actual"]))
        cols[2].metric(
            t("gap_t"), format_tonnes(row["gap"]), delta=format_percent(row["share_of_gap"]), delta_color="off"
        )
        return
    tabs = st.tabs([t(f"gap_by_{level}") for level in gaps])
    for tab, (level, parts) in zip(tabs, gaps.items(), strict=True):
        with tab:
            gap_tab(parts, labels, level)


def gap_tab(parts: pl.DataFrame, labels: dict[str, str], level: str) -> None:
    """One level's gaps: the chart (furthest behind and ahead) and the table of every part, in one unit."""
    div, unit, digits = charts.gap_scale(parts)
    number = f"%,.{digits}f"
    table_config = {
        "part": st.column_config.TextColumn(t("part")),
        "actual": st.column_config.NumberColumn(f"{t('actual_t')} ({unit})", format=number),
        "expected": st.column_config.NumberColumn(f"{t('expected_t')} ({unit})", format=number),
        "gap": st.column_config.NumberColumn(f"{t('gap_t')} ({unit})", format=number),
        "share_of_gap": st.column_config.NumberColumn(t("share_of_gap"), format="percent"),
    }
    left, right = st.columns(2)
    left.plotly_chart(charts.gap_figure(parts, labels), key=f"gap_{level}", config={"displaylogo": False})
    drawn, left_out = charts.gap_rows(parts)
    if left_out:
        behind = drawn.filter(pl.col("gap") > 0).height
        left.caption(t("gap_left_out", behind=behind, ahead=drawn.height - behind, n=left_out))
    shown = parts.with_columns(
        pl.col("part").replace_strict(labels, default=pl.col("part")), pl.col("actual", "expected", "gap") / div
    )
    right.dataframe(
        shown.select("part", "actual", "expected", "gap", "share_of_gap"),
        hide_index=True,
        column_config=table_config,
        height=360,
    )


@st.fragment(run_every=3)
def recheck(url: str, version: int, year: int) -> None:
    """While the year's reconciliation runs in the background, look every 3 s and show the page again once done."""
    if state.flagged(url, version, year, wait=0.0) is not None:
        st.rerun()


def render() -> None:
    """The Overview page."""
    url, version = state.url(), state.version()
    years = state.years(url, version)
    header("overview_title", "overview_caption")
    if not years:
        st.info(t("no_flows"))
        st.page_link(navigation.page("import"), label=t("go_import"), icon=":material/upload_file:")
        return
    park_names = state.names(url, version, "parks")
    c_year, c_scope = st.columns([1, 3])
    year = filters.year_picker(c_year, "overview_year", years)
    scopes = scope_options(url, version)
    home = f"park:{filters.home_park()}"  # a park manager's Overview opens on their park
    st.session_state.setdefault("overview_scope", home if home in scopes else PROVINCE_KEY)
    scope = c_scope.selectbox(
        t("scope"), scopes, key="overview_scope", format_func=labels(scopes, lambda o: scope_label(o, park_names))
    )
    if year in state.partial_years(url, version):
        st.warning(t("year_partial_note", year=year), icon=":material/hourglass_top:")
    level, _, code = scope.partition(":")
    scope_value = code or PROVINCE_KEY
    found = state.actuals(url, version, year, level).filter(pl.col("scope") == scope_value)

    own = state.target_report(url, version, year, level, code or None)
    targets = own if not own.is_empty() else state.target_report(url, version, year, "province", None)
    st.subheader(t("targets_title") if not own.is_empty() else t("province_targets_title"))
    with_actual = targets.filter(pl.col("actual").is_not_null())
    trust = trust_of(url, version, year, level, code or None)
    card_trust = trust if not own.is_empty() else trust_of(url, version, year, "province", None)
    cards = st.columns(2)
    for i, row in enumerate(with_actual.iter_rows(named=True)):
        with cards[i % 2]:
            target_card(row, card_trust)
    missing = targets.filter(pl.col("actual").is_null())
    if missing.height:
        with st.expander(t("targets_without_data", n=missing.height)):
            rows = [
                {
                    t("indicator"): indicator_name(r["indicator"]),
                    t("target_value"): format_value(r["indicator"], r["target_value"]),
                    t("target_year"): r["target_year"],
                    t("target_source"): source_label(r["source"]),
                }
                for r in missing.iter_rows(named=True)
            ]
            st.dataframe(pl.DataFrame(rows), hide_index=True)

    st.subheader(t("key_figures", scope=scope_label(scope, park_names), year=year))
    key_figures(found, year, trust)
    if trust.flagged is None:
        recheck(url, version, year)

    flow_targets = [r for r in with_actual.iter_rows(named=True) if r["indicator"] in INDICATORS]
    if not flow_targets:
        return
    st.subheader(t("trajectory_title"))
    by_indicator = {r["indicator"]: r for r in flow_targets}
    indicator = st.selectbox(
        t("indicator"), list(by_indicator), key="overview_target", format_func=labels(by_indicator, indicator_name)
    )
    target = by_indicator[indicator] if not own.is_empty() else None
    trend, gap = st.tabs([t("trajectory_tab"), t("gap_title")], key="overview_section", on_change="rerun")
    if trend.open is not False:  # only the open tab runs: the gap attribution reads every part of every year
        with trend:
            history = found.filter(pl.col("indicator") == indicator)
            st.plotly_chart(
                charts.trajectory_figure(indicator, history, target, year),
                key="overview_trajectory",
                config={"displaylogo": False},
            )
    if gap.open:
        with gap:
            st.caption(t("gap_caption"))
            gap_section(url, version, year, indicator, scope)


if __name__ == "__main__":
    render()
