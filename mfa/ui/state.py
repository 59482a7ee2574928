"""What every page shares: the engine (one per process) and reads cached per (database URL, data version, inputs).

Every cached function takes the URL and the data version first: a write bumps the version, so the next read
misses the cache and sees the write at once, while an unchanged database never recomputes.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import plotly.io
import polars as pl
import streamlit as st
from sqlalchemy import Engine

from mfa.domain import coverage
from mfa.domain.flowframe import Scope, Selection, selected
from mfa.domain.labels import Language
from mfa.domain.network import GraphLevel
from mfa.domain.sankey import SankeyData, SankeyOptions
from mfa.domain.targets import PROJECTION_WINDOW, resolve_actuals
from mfa.services import handovers as handover_service
from mfa.services import loading, network, progress, tables
from mfa.services import sankey as sankey_service
from mfa.services.database import database_url, open_database
from mfa.services.loading import Data
from mfa.services.sankey import SankeyFigure


def year_of(f: Selection) -> int:
    """The year a page's selection is about (the filter bar always chooses one)."""
    if f.year is None:
        raise ValueError("the selection has no year")
    return f.year


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
    return tables.data_version(engine())


@st.cache_resource(max_entries=4, show_spinner=False)
def data(url: str, version: int, years: tuple[int, ...] | None = None, reconciled: bool = False) -> Data:
    """Flows of `years` (default all), the material tree and the facilities; shared, never copied. With
    `reconciled`, quantities are the saved reconciled values where there are any."""
    return loading.load(_engine(url), years, reconciled=reconciled)


@st.cache_data(max_entries=4, show_spinner=False)
def years(url: str, version: int) -> list[int]:
    """Every year from the first to the last with flows."""
    return tables.years(_engine(url))


@st.cache_data(max_entries=4, show_spinner=False)
def year_coverage(url: str, version: int) -> pl.DataFrame:
    """Every year with whether it is complete (mfa.services.progress.year_coverage)."""
    return progress.year_coverage(_engine(url))


def default_year(url: str, version: int) -> int | None:
    """The year pages open on: the latest complete year (mfa.domain.coverage), not a year just begun."""
    return coverage.default_year(year_coverage(url, version))


def partial_years(url: str, version: int) -> set[int]:
    """The years shown as partial in the year pickers."""
    return set(coverage.partial_years(year_coverage(url, version)))


@st.cache_data(max_entries=4, show_spinner=False)
def counts(url: str, version: int) -> dict[str, int]:
    """Records per table."""
    return tables.counts(_engine(url))


@st.cache_data(max_entries=4, show_spinner=False)
def reference(url: str, version: int) -> dict[str, pl.DataFrame]:
    """Parks, materials (import columns) and facilities (with kind, park and city)."""
    return tables.registry(_engine(url))


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
    baselines = progress.targets_frame(_engine(url))["baseline_year"].drop_nulls().to_list()
    first = min([*baselines, year - PROJECTION_WINDOW + 1])
    return tuple(y for y in years(url, version) if y >= first)


def target_data(url: str, version: int, year: int) -> Data:
    """The loaded years of target_years."""
    return data(url, version, target_years(url, version, year))


@st.cache_data(max_entries=16, show_spinner=False)
def target_report(url: str, version: int, year: int, level: str, code: str | None) -> pl.DataFrame:
    """progress.target_report of one scope and year."""
    loaded = target_data(url, version, year)
    return progress.target_report(_engine(url), loaded, year=year, scope=Scope.of(level, code))


@st.cache_data(max_entries=16, show_spinner=False)
def actuals(url: str, version: int, year: int, level: str) -> pl.DataFrame:
    """Every indicator of the target years up to `year` at one scope level, reported values winning (as the
    targets see them)."""
    loaded = target_data(url, version, year)
    if not loaded.years:
        return pl.DataFrame(schema=progress.ACTUAL_SCHEMA)
    found = progress.actuals(loaded, progress.reported_frame(_engine(url)), {level}, year)
    return resolve_actuals(found).collect()


@st.cache_data(max_entries=16, show_spinner=False)
def gap_report(url: str, version: int, year: int, indicator: str) -> dict[str, pl.DataFrame]:
    """progress.gap_report of one province target: which cities, parks and materials are behind."""
    targets = target_report(url, version, year, "province", None).filter(pl.col("indicator") == indicator)
    if targets.is_empty():
        return {}
    return progress.gap_report(target_data(url, version, year), targets.row(0, named=True), year=year)


@st.cache_data(max_entries=16, show_spinner=False)
def indicator_report(url: str, version: int, year: int, month: int | None, level: str, code: str | None) -> dict:
    """progress.indicator_report of a period and scope (the export's summary)."""
    scope = Scope.of(level, code)
    loaded = target_data(url, version, year)
    return progress.indicator_report(_engine(url), loaded, year=year, month=month, scope=scope)


def selected_rows(url: str, version: int, f: Selection) -> pl.DataFrame:
    """The flow-frame rows the selection keeps (mfa.domain.flowframe.selected)."""
    loaded = data(url, version, (year_of(f),), f.reconciled)
    return selected(loaded.flows, loaded.parents, f).collect()


@st.cache_data(max_entries=16, show_spinner=False)
def shown(url: str, version: int, f: Selection) -> tuple[int, list[str]]:
    """How many flows the filters keep, and the facilities at their ends."""
    rows = selected_rows(url, version, f)
    ends = pl.concat([rows["source"], rows["target"]]).unique().sort()
    return rows.height, ends.to_list()


@st.cache_data(max_entries=16, show_spinner=False)
def flow_rows(url: str, version: int, f: Selection) -> pl.DataFrame:
    """The selected flows in the import/export columns (quantity in t): what the table shows and the export holds."""
    return tables.flows(_engine(url), f)


@st.cache_data(max_entries=16, show_spinner=False)
def sankey(url: str, version: int, f: Selection, options: SankeyOptions, language: Language) -> SankeyData:
    """The Sankey diagram data of the selected flows (mfa.services.sankey: the same builder as `mfa sankey`)."""
    loaded = data(url, version, (year_of(f),), f.reconciled)
    return sankey_service.sankey_for(_engine(url), loaded, f, options, language=language)


@st.cache_data(max_entries=16, show_spinner=False)
def _drawn(
    url: str,
    version: int,
    f: Selection,
    options: SankeyOptions,
    language: Language,
    title: str | None,
    width: int | None,
) -> tuple[SankeyData, str, bool]:
    diagram = sankey(url, version, f, options, language)
    made = sankey_service.draw(_engine(url), f, diagram, options, title=title, width=width)
    return made.data, made.figure.to_json(), made.fits


def sankey_figure(
    url: str,
    version: int,
    f: Selection,
    options: SankeyOptions,
    language: Language,
    title: str | None = None,
    width: int | None = None,
) -> SankeyFigure:
    """The diagram drawn as `mfa sankey` draws it (title, values, legend, source note), laid out for `width` px (the
    page's; None: its own width, as the files are), and whether the fixed scale could be kept. The figure is made
    from its cached JSON on every run, so that its spec is the same string each time: Streamlit keys a chart's
    selection (a clicked band) to its spec."""
    diagram, spec, fits = _drawn(url, version, f, options, language, title, width)
    return SankeyFigure(diagram, plotly.io.from_json(spec), fits)


@st.cache_data(max_entries=16, show_spinner=False)
def link_flows(
    url: str, version: int, f: Selection, options: SankeyOptions, language: Language, link: int
) -> pl.DataFrame:
    """The flows behind one link of the diagram (mfa.services.sankey.link_flows)."""
    loaded = data(url, version, (year_of(f),), f.reconciled)
    diagram = sankey(url, version, f, options, language)
    return sankey_service.link_flows(_engine(url), loaded, f, diagram, link, language=language)


@st.cache_data(max_entries=16, show_spinner=False)
def balance(url: str, version: int, year: int, month: int | None, tolerance: float) -> pl.DataFrame:
    """network.balance_report: every facility's inflow, outflow, stock change and status for the period."""
    loaded = data(url, version, (year,))
    return network.balance_report(_engine(url), loaded, year=year, month=month, tolerance=tolerance)


@st.cache_data(max_entries=16, show_spinner=False)
def loops(url: str, version: int, f: Selection, level: GraphLevel) -> list[dict[str, Any]]:
    """The loops carrying the most tonnes in the selected flows (mfa.services.network.loop_report), at `level`."""
    return network.loop_report(data(url, version, (year_of(f),)), f, level=level)


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
    """network.trace_report: where the material of a facility, park or material ends (or comes from)."""
    loaded = data(url, version, (year,))
    return network.trace_report(loaded, year=year, facility=facility, park=park, material=material, forward=forward)


@st.cache_data(max_entries=16, show_spinner=False)
def hand_overs(url: str, version: int, year: int, tolerance: float) -> pl.DataFrame:
    """The year's hand-overs with both figures, the agreed quantity and the status (mfa.services.handovers)."""
    return handover_service.hand_overs(_engine(url), Selection(year), tolerance=tolerance)


@st.cache_resource(max_entries=8, show_spinner=False)
def _flag_job(url: str, version: int, year: int) -> Future[pl.DataFrame]:
    """The year's reconciliation, started once per data version in a worker thread."""
    return _RECONCILING.submit(progress.flagged_links, _engine(url), year)


_RECONCILING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mfa-flags")


def flagged(url: str, version: int, year: int, wait: float = 2.0) -> pl.DataFrame | None:
    """The links the year's reconciliation flags (progress.flagged_links), run in the background: None while it
    is still running after `wait` seconds (ask again later), empty when it could not run."""
    job = _flag_job(url, version, year)
    try:
        return job.result(timeout=wait)
    except FutureTimeout:
        return None
    except Exception:  # a failed check flags nothing; the figures themselves stand
        return pl.DataFrame(schema={"source": pl.String, "target": pl.String, "material": pl.String})


@st.cache_data(max_entries=16, show_spinner=False)
def reliance(
    url: str, version: int, year: int, level: str, code: str | None, flagged: pl.DataFrame | None = None
) -> pl.DataFrame:
    """How much of each indicator of the year and scope rests on flagged, disputed, one-sided, estimated flows or
    flows of unstated quality (progress.reliance_report)."""
    scope = Scope.of(level, code)
    return progress.reliance_report(data(url, version, (year,)), year=year, scope=scope, flagged=flagged)


@st.cache_data(max_entries=16, show_spinner=False)
def concerned_flows(
    url: str, version: int, year: int, level: str, code: str | None, indicator: str, flagged: pl.DataFrame | None
) -> pl.DataFrame:
    """The flows behind one indicator's shares in reliance (progress.concerned_flows)."""
    loaded = data(url, version, (year,))
    return progress.concerned_flows(loaded, indicator, year=year, scope=Scope.of(level, code), flagged=flagged)
