"""What every page shares: the engine (one per process) and reads cached per (database URL, data version, inputs).

Every cached function takes the URL and the data version first: a write bumps the version, so the next read
misses the cache and sees the write at once, while an unchanged database never recomputes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st
from sqlalchemy import Engine

from mfa.domain.indicators import PROVINCE, Scope, select_flows
from mfa.domain.network import GraphLevel
from mfa.domain.sankey.data import Language, SankeyData, sankey_data
from mfa.domain.targets import PROJECTION_WINDOW, resolve_actuals
from mfa.services import analysis
from mfa.services.analysis import Data
from mfa.services.database import open_database
from mfa.storage import meta, reads, snapshot
from mfa.storage.reads import FlowFilter
from mfa.storage.settings import database_url

LOOP_LIMIT = 15
LOOP_MAX_CYCLES = 20_000
"""find_loops looks at no more cycles than this, so a dense province graph answers in well under a second."""
LOOP_MAX_LENGTH = 5


@dataclass(frozen=True)
class Filters:
    """The flows a user looks at: a year or one month of it, a city or a park, a material and all below it,
    facility kinds (a flow is kept when either end is of one of them)."""

    year: int
    month: int | None = None
    city: str | None = None
    park: str | None = None
    material: str | None = None
    kinds: tuple[str, ...] = ()
    reconciled: bool = False
    """Quantities as reconciled (mfa reconcile --save) where saved, else as reported."""

    @property
    def scope(self) -> Scope:
        """The park if one is chosen, else the city, else the province."""
        if self.park:
            return Scope("park", self.park)
        return Scope("city", self.city) if self.city else PROVINCE

    @property
    def period(self) -> str:
        """The period as stored: 2024 or 2024-03."""
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return open_database(url)


def url() -> str:
    """The database URL: MFA_DATABASE_URL, else the embedded SQLite file."""
    return database_url()


def engine() -> Engine:
    """The database engine (migrated if needed); one per process and URL."""
    return _engine(url())


def version() -> int:
    """The data version: changes with every write, so cached reads refresh at once."""
    with engine().connect() as conn:
        return meta.data_version(conn)


@st.cache_resource(max_entries=4, show_spinner=False)
def data(url: str, version: int, years: tuple[int, ...] | None = None, reconciled: bool = False) -> Data:
    """Flows of `years` (default all), the material tree and the facilities; shared, never copied. With
    `reconciled`, quantities are the saved reconciled values where there are any."""
    return analysis.load(_engine(url), years, reconciled=reconciled)


@st.cache_data(max_entries=4, show_spinner=False)
def years(url: str, version: int) -> list[int]:
    """Every year from the first to the last with flows."""
    return snapshot.year_span(_engine(url))


@st.cache_data(max_entries=4, show_spinner=False)
def counts(url: str, version: int) -> dict[str, int]:
    """Records per table."""
    with _engine(url).connect() as conn:
        return reads.counts(conn)


@st.cache_data(max_entries=4, show_spinner=False)
def reference(url: str, version: int) -> dict[str, pl.DataFrame]:
    """Parks, materials (import columns) and facilities (with kind, park and city)."""
    with _engine(url).connect() as conn:
        tables = reads.reference_tables(conn)
        return {"parks": tables["parks"], "materials": tables["materials"], "facilities": reads.facility_table(conn)}


def names(url: str, version: int, table: str) -> dict[str, tuple[str | None, str | None]]:
    """code -> (name, name_zh) of the parks, facilities or materials."""
    frame = reference(url, version)[table]
    return {code: (name, name_zh) for code, name, name_zh in frame.select("code", "name", "name_zh").iter_rows()}


@st.cache_data(max_entries=4, show_spinner=False)
def target_years(url: str, version: int, year: int) -> tuple[int, ...]:
    """The years a question about the targets in `year` reads: from the earliest target baseline (or the first
    year of the projection window) to the last year with flows. Earlier years change no answer about `year`
    (targets.evaluate_targets fits its projection to the last PROJECTION_WINDOW years; a gap is shared out by the
    baseline year), and leaving them out spares reading them after every write."""
    baselines = analysis.targets_frame(_engine(url))["baseline_year"].drop_nulls().to_list()
    first = min([*baselines, year - PROJECTION_WINDOW + 1])
    return tuple(y for y in years(url, version) if y >= first)


def target_data(url: str, version: int, year: int) -> Data:
    """The loaded years of target_years."""
    return data(url, version, target_years(url, version, year))


@st.cache_data(max_entries=16, show_spinner=False)
def target_report(url: str, version: int, year: int, level: str, code: str | None) -> pl.DataFrame:
    """analysis.target_report of one scope and year."""
    loaded = target_data(url, version, year)
    return analysis.target_report(_engine(url), loaded, year=year, scope=Scope.of(level, code))


@st.cache_data(max_entries=16, show_spinner=False)
def actuals(url: str, version: int, year: int, level: str) -> pl.DataFrame:
    """Every indicator of the target years up to `year` at one scope level, reported values winning (as the
    targets see them)."""
    loaded = target_data(url, version, year)
    if not loaded.years:
        return pl.DataFrame(schema=analysis.ACTUAL_SCHEMA)
    found = analysis.actuals(loaded, analysis.reported_frame(_engine(url)), {level}, year)
    return resolve_actuals(found).collect()


@st.cache_data(max_entries=16, show_spinner=False)
def gap_report(url: str, version: int, year: int, indicator: str) -> dict[str, pl.DataFrame]:
    """analysis.gap_report of one province target: which cities, parks and materials are behind."""
    targets = target_report(url, version, year, "province", None).filter(pl.col("indicator") == indicator)
    if targets.is_empty():
        return {}
    return analysis.gap_report(target_data(url, version, year), targets.row(0, named=True), year=year)


@st.cache_data(max_entries=16, show_spinner=False)
def indicator_report(url: str, version: int, year: int, month: int | None, level: str, code: str | None) -> dict:
    """analysis.indicator_report of a period and scope (the export's summary)."""
    scope = Scope.of(level, code)
    loaded = target_data(url, version, year)
    return analysis.indicator_report(_engine(url), loaded, year=year, month=month, scope=scope)


def selected(url: str, version: int, f: Filters) -> pl.DataFrame:
    """The analysis rows of the filtered flows (select_flows, then the facility kinds)."""
    loaded = data(url, version, (f.year,), f.reconciled)
    lf = select_flows(loaded.flows, loaded.parents, year=f.year, month=f.month, scope=f.scope, material=f.material)
    if f.kinds:
        kinds = list(f.kinds)
        lf = lf.filter(pl.col("source_kind").is_in(kinds) | pl.col("target_kind").is_in(kinds))
    return lf.collect()


@st.cache_data(max_entries=16, show_spinner=False)
def shown(url: str, version: int, f: Filters) -> tuple[int, list[str]]:
    """How many flows the filters keep, and the facilities at their ends."""
    rows = selected(url, version, f)
    ends = pl.concat([rows["source"], rows["target"]]).unique().sort()
    return rows.height, ends.to_list()


@st.cache_data(max_entries=16, show_spinner=False)
def flow_rows(url: str, version: int, f: Filters) -> pl.DataFrame:
    """The filtered flows in the import/export columns (quantity in t): what the table shows and the export holds."""
    city = None if f.park else f.city
    with _engine(url).connect() as conn:
        rows = reads.flow_table(conn, FlowFilter(year=f.year, city=city, park=f.park, material=f.material))
    if f.month is not None:
        rows = rows.filter(pl.col("period") == f.period)
    if f.kinds:
        facilities = reference(url, version)["facilities"]
        codes = facilities.filter(pl.col("kind").is_in(list(f.kinds)))["code"].to_list()
        rows = rows.filter(pl.col("source").is_in(codes) | pl.col("target").is_in(codes))
    return rows


@st.cache_data(max_entries=16, show_spinner=False)
def sankey(url: str, version: int, f: Filters, level: GraphLevel, min_share: float, language: Language) -> SankeyData:
    """The Sankey diagram data of the filtered flows; parks and materials named in `language`."""
    loaded = data(url, version, (f.year,), f.reconciled)
    zh = language == "zh"
    labels = {
        code: (name_zh if zh and name_zh else name) or code
        for table in ("parks", "materials")
        for code, (name, name_zh) in names(url, version, table).items()
    }
    return sankey_data(
        selected(url, version, f),
        loaded.facilities,
        loaded.parents,
        level=level,
        min_share=min_share,
        language=language,
        labels=labels,
    )


@st.cache_data(max_entries=16, show_spinner=False)
def sankey_figure(
    url: str,
    version: int,
    f: Filters,
    level: GraphLevel,
    min_share: float,
    language: Language,
    scale_t: float | None,
    title: str,
) -> tuple[go.Figure, bool]:
    """The plotly figure of the diagram, and whether the fixed scale could be kept."""
    from mfa.export.sankey_figure import sankey_figure as figure

    diagram = sankey(url, version, f, level, min_share, language)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        fig = figure(diagram, title=title, scale_t=scale_t, language=language, height=620)
    return fig, not any(issubclass(w.category, RuntimeWarning) for w in caught)


@st.cache_data(max_entries=16, show_spinner=False)
def balance(url: str, version: int, year: int, month: int | None, tolerance: float) -> pl.DataFrame:
    """analysis.balance_report: every facility's inflow, outflow, stock change and status for the period."""
    loaded = data(url, version, (year,))
    return analysis.balance_report(_engine(url), loaded, year=year, month=month, tolerance=tolerance)


@st.cache_data(max_entries=16, show_spinner=False)
def loops(url: str, version: int, f: Filters, level: GraphLevel) -> list[dict[str, Any]]:
    """The loops carrying the most tonnes in the filtered flows (graph.find_loops), at `level`."""
    from mfa.domain.network import build_graph, find_loops

    graph = build_graph(selected(url, version, f), data(url, version, (f.year,)).facilities, level=level)
    found = find_loops(graph, limit=LOOP_LIMIT, max_length=LOOP_MAX_LENGTH, max_cycles=LOOP_MAX_CYCLES)
    return [loop for loop in found if level == "facility" or loop["length"] > 1]  # self-loops: flows inside a node


@st.cache_data(max_entries=16, show_spinner=False)
def trace(
    url: str,
    version: int,
    year: int,
    facility: str | None,
    park: str | None,
    material: str | None,
    forward: bool,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """analysis.trace_report: where the material of a facility, park or material ends (or comes from)."""
    loaded = data(url, version, (year,))
    return analysis.trace_report(loaded, year=year, facility=facility, park=park, material=material, forward=forward)
