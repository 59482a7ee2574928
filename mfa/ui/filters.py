"""The filter bar and the Sankey options that the Flows and Export pages share: what is exported is what is shown.

Each page draws its own widgets (keys `flows_year`, `export_year` ...); their values live under a page-free
key (`shared_year` ...) in st.session_state, so a choice made on one page is there on the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import streamlit as st

from mfa.domain.flowframe import PROVINCE, Scope, Selection
from mfa.domain.network import GraphLevel
from mfa.domain.sankey import SankeyData, SankeyOptions
from mfa.domain.sankey.options import STAGE_LEVELS, OrderRule, View
from mfa.domain.vocabulary import CITIES, FACILITY_KINDS
from mfa.ui import login, state
from mfa.ui.i18n import city_label, coded, kind_name, labels, name_of, pick, t

LEVELS: tuple[GraphLevel, ...] = ("kind", "city", "park", "facility")
ALL = ""
"""The option meaning "no filter" (a selectbox shows None as an empty choice, so it cannot be an option)."""
WHOLE_YEAR = 0
MONTHS: list[int] = [WHOLE_YEAR, *range(1, 13)]


def _shared(page: str, name: str, default: Any, options: Sequence[Any] | None = None) -> str:
    """The widget key of `name` on `page`, primed with the shared value when the widget is new on this page."""
    key = f"{page}_{name}"
    if key not in st.session_state or (options is not None and st.session_state[key] not in options):
        value = st.session_state.get(f"shared_{name}", default)
        st.session_state[key] = value if options is None or value in options else default
    return key


def _keep(name: str, value: Any) -> Any:
    """Store a widget's value under its page-free key and return it."""
    st.session_state[f"shared_{name}"] = value
    return value


def home_park() -> str | None:
    """The park a signed-in park manager works in (the first of theirs), where their pages open; None for others."""
    actor = st.session_state.get(login.ACTOR_KEY)
    if actor is None or actor.role != "park_manager" or not actor.parks:
        return None
    return str(sorted(actor.parks)[0])


def _select(
    page: str, name: str, label: str, options: Sequence[Any], fmt: Callable[[Any], str], default: Any = None
) -> Any:
    key = _shared(page, name, default if default in options else options[0], options)
    return _keep(name, st.selectbox(label, options, key=key, format_func=labels(options, fmt)))


def material_options(url: str, version: int) -> tuple[list[str], Callable[[str], str]]:
    """Materials in tree order (groups first, children indented) and how to show them."""
    materials = state.reference(url, version)["materials"]
    parents = dict(materials.select("code", "parent").iter_rows())
    names = state.names(url, version, "materials")

    def depth(code: str) -> int:
        level, seen = 0, set()
        while (parent := parents.get(code)) is not None and code not in seen:
            seen.add(code)
            level, code = level + 1, parent
        return level

    def walk(parent: str | None) -> list[str]:
        children = [c for c, p in parents.items() if p == parent]
        return [item for child in children for item in (child, *walk(child))]

    def fmt(code: str) -> str:
        if code == ALL:
            return t("all_materials")
        return "\u2003" * depth(code) + coded(name_of(names, code), code)

    return [ALL, *walk(None)], fmt


def month_label(month: int) -> str:
    """A month for a selectbox: 3月 / Month 3; 0 is the whole year."""
    return t("whole_year") if month == WHOLE_YEAR else t("month_n", n=month)


def year_label(url: str, version: int) -> Callable[[int], str]:
    """How a year reads in a year picker: 2026 (partial) for a year not complete yet (mfa.domain.coverage)."""
    partial = state.partial_years(url, version)
    return lambda year: t("year_partial", year=year) if year in partial else str(year)


def year_picker(where: Any, key: str, years: list[int]) -> int:
    """A year selectbox in `where` (newest first) that opens on the default year, the latest complete one
    (state.default_year), a partial year marked as such."""
    url, version = state.url(), state.version()
    options = years[::-1]
    default = state.default_year(url, version)
    return int(
        where.selectbox(
            t("year"),
            options,
            index=options.index(default) if default in options else 0,
            key=key,
            format_func=labels(options, year_label(url, version)),
        )
    )


def flow_filters(page: str, years: list[int]) -> Selection:
    """Draw the filter bar (period, city, park, material, facility kinds) and return the filters."""
    url, version = state.url(), state.version()
    parks = state.reference(url, version)["parks"]
    park_names = state.names(url, version, "parks")
    home = home_park()
    home_city = next(iter(parks.filter(parks["code"] == home)["city"]), ALL) if home else ALL
    with st.container(border=True):
        c_year, c_month, c_city, c_park, c_material = st.columns([1, 1.2, 1.3, 2, 2])
        with c_year:
            default = state.default_year(url, version) or years[-1]
            year = _select(page, "year", t("year"), years[::-1], year_label(url, version), default)
        with c_month:
            month = _select(page, "month", t("month"), MONTHS, month_label)
        with c_city:
            cities = [ALL, *CITIES]
            city_fmt: Callable[[str], str] = lambda c: city_label(c) if c else t("all_cities")  # noqa: E731
            city = _select(page, "city", t("city"), cities, city_fmt, home_city)
        with c_park:
            in_city = parks if city == ALL else parks.filter(parks["city"] == city)
            park = _select(
                page,
                "park",
                t("park"),
                [ALL, *in_city["code"].to_list()],
                lambda p: coded(name_of(park_names, p), p) if p else t("all_parks"),
                home,
            )
        with c_material:
            options, fmt = material_options(url, version)
            material = _select(page, "material", t("material"), options, fmt)
        key = _shared(page, "kinds", [])
        kinds = st.multiselect(
            t("facility_kinds"),
            list(FACILITY_KINDS),
            key=key,
            format_func=labels(FACILITY_KINDS, kind_name),
            placeholder=t("all_kinds"),
        )
        _keep("kinds", kinds)
        key = _shared(page, "reconciled", False)
        reconciled = _keep("reconciled", st.toggle(t("reconciled_values"), key=key, help=t("reconciled_help")))
    scope = Scope("park", park) if park else Scope("city", city) if city else PROVINCE
    return Selection(year, month or None, scope, material or None, tuple(kinds), bool(reconciled))


def sankey_options(page: str, diagram: Callable[[SankeyOptions], SankeyData]) -> SankeyOptions:
    """Draw the diagram options (level, view, node order, collapse below share, fixed scale) and return them;
    `diagram` draws the data of some options: its fullest column starts a new fixed scale, its nodes are what can
    be put first."""
    # the level's four buttons need the room of about half the row ("Facility kinds" ... are long in English)
    c_level, c_view, c_order = st.columns([4, 1.6, 1.6], vertical_alignment="bottom")
    with c_level:
        key = _shared(page, "level", "kind", LEVELS)
        level = st.segmented_control(
            t("level"), LEVELS, key=key, format_func=labels(LEVELS, lambda lv: t(f"level_{lv}")), required=True
        )
        _keep("level", level)
    level = level or "kind"
    views: list[View] = ["auto", "od", "network"]
    if level in STAGE_LEVELS:
        views.append("stages")
    with c_view:
        view = _select(page, "sankey_view", t("sankey_view"), views, lambda v: t(f"sankey_view_{v}"), "auto")
    with c_order:
        rules: list[OrderRule] = ["auto", "tonnes", "name"]
        rule = _select(page, "sankey_order", t("sankey_order"), rules, lambda r: t(f"sankey_order_{r}"), "auto")
    c_share, c_first, c_fixed, c_scale = st.columns([3, 3, 1.6, 1.6], vertical_alignment="bottom")
    with c_share:
        key = _shared(page, "min_share", 1.0)
        share = _keep("min_share", st.slider(t("collapse_below"), 0.0, 10.0, key=key, step=0.5, format="%.1f %%"))
    options = SankeyOptions(level, view, rule, share / 100)
    drawn = diagram(options)
    with c_first:
        nodes = dict(drawn.nodes.select("place", "label").unique("place", maintain_order=True).iter_rows())
        key = _shared(page, "first", [])
        st.session_state[key] = [n for n in st.session_state[key] if n in nodes]
        first = _keep(
            "first",
            st.multiselect(
                t("sankey_order_list"),
                list(nodes),
                key=key,
                format_func=labels(list(nodes), lambda p: nodes[p]),
                help=t("sankey_order_help"),
                placeholder="—",
            ),
        )
    if first:
        options = replace(options, order=tuple(first))
    with c_fixed:
        fixed = _keep(
            "fixed", st.toggle(t("fixed_scale"), key=_shared(page, "fixed", False), help=t("fixed_scale_help"))
        )
    if not fixed:
        return options
    with c_scale:
        if st.session_state.get("shared_scale_t") is None:
            st.session_state["shared_scale_t"] = float(max(round(drawn.span_t, -3), 1000.0))
        key = _shared(page, "scale_t", st.session_state["shared_scale_t"])
        scale = _keep("scale_t", st.number_input(t("scale_t"), min_value=1.0, step=1000.0, key=key, format="%.0f"))
    return replace(options, scale_t=float(scale))


def describe(f: Selection, url: str, version: int) -> str:
    """The filters in words, for captions and figure titles: 长沙 · 2024-03 · 废钢铁."""
    parts = [scope_label(f, url, version), f.period or ""]
    if f.material:
        parts.append(name_of(state.names(url, version, "materials"), f.material))
    if f.kinds:
        parts.append(" / ".join(kind_name(k) for k in f.kinds))
    return " · ".join(parts)


def scope_label(f: Selection, url: str, version: int) -> str:
    """The scope of the filters in words: the province, a city or a park."""
    if f.scope.park:
        return name_of(state.names(url, version, "parks"), f.scope.park)
    return city_label(f.scope.city) if f.scope.city else pick("Hunan province", "湖南省")
