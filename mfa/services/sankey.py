"""The one Sankey builder: the CLI (`mfa sankey`), the app's Flows, Reconciliation and Export pages all ask it, so
the same selection and options give the same diagram, the same figure and the same JSON everywhere; and the flows
behind one link of it (the drill-down)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from sqlalchemy import Engine

from mfa.domain.flowframe import Selection, selected
from mfa.domain.labels import Language, city_label, format_tonnes, kind_label, text
from mfa.domain.sankey import SankeyData, SankeyOptions, sankey_data
from mfa.domain.sankey.drill import link_flows as flows_of_link
from mfa.export.sankey_figure import sankey_figure
from mfa.services.history import KINDS, key_text
from mfa.services.loading import Data
from mfa.storage import reads


@dataclass(frozen=True)
class SankeyFigure:
    """A diagram drawn: its data, the plotly figure (title, values, legend, source note), and whether the fixed
    scale asked for could be kept."""

    data: SankeyData
    figure: go.Figure
    fits: bool


def names(engine: Engine, language: Language) -> dict[str, str]:
    """Park and material code -> its name in `language` (the other language's name, else the code, when empty)."""
    with engine.connect() as conn:
        tables = reads.reference_tables(conn)
    first, second = ("name_zh", "name") if language == "zh" else ("name", "name_zh")
    return {
        code: (a or b or code)
        for table in ("parks", "materials")
        for code, a, b in tables[table].select("code", first, second).iter_rows()
    }


def sankey_for(
    engine: Engine,
    data: Data,
    selection: Selection,
    options: SankeyOptions | None = None,
    *,
    language: Language = "en",
) -> SankeyData:
    """The Sankey data of the flows `selection` keeps, drawn as `options` say, parks and materials named in
    `language`."""
    return sankey_data(
        selected(data.flows, data.parents, selection),
        data.facilities,
        data.parents,
        options or SankeyOptions(),
        language=language,
        labels=names(engine, language),
    )


def scope_name(engine: Engine, selection: Selection, language: Language) -> str:
    """The selection's scope in words: the province, a city or a park's name."""
    scope = selection.scope
    if scope.park:
        return names(engine, language).get(scope.park, scope.park)
    return city_label(scope.city, language) if scope.city else text("sankey_province", language)


def sankey_title(engine: Engine, selection: Selection, options: SankeyOptions, language: Language) -> str:
    """The diagram's title: what, where, when, at which level (and material and facility kinds when filtered)."""
    by = text(f"sankey_by_{options.level}", language)
    if options.drawn_view == "od":
        by += " · " + text("sankey_od", language)
    key = "sankey_title" if selection.month is None else "sankey_title_month"
    title = text(key, language, scope=scope_name(engine, selection, language), period=selection.period or "", by=by)
    if selection.material:
        title += " · " + names(engine, language).get(selection.material, selection.material)
    if selection.kinds:
        title += " · " + " / ".join(kind_label(k, language) for k in selection.kinds)
    return title


def database_name(engine: Engine) -> str:
    """The database as a printed diagram names it: the SQLite file's name, or the PostgreSQL database's."""
    url = engine.url
    return Path(url.database or "").name if url.get_backend_name() == "sqlite" else str(url.database or "")


def source_note(
    engine: Engine, selection: Selection, diagram: SankeyData, language: Language, today: date | None = None
) -> str:
    """The one-line source note of a diagram: database, period, scope, reported or reconciled values, the date it
    was drawn, and the tonnes of flows inside one node (not drawn)."""
    values = text("sankey_reconciled" if selection.reconciled else "sankey_reported", language)
    note = text(
        "sankey_note",
        language,
        db=database_name(engine),
        period=selection.period or "",
        scope=scope_name(engine, selection, language),
        values=values,
        date=(today or date.today()).isoformat(),
    )
    if diagram.internal_t > 0:
        tonnes = format_tonnes(diagram.internal_t, language)
        note += " · " + text(f"sankey_not_drawn_{diagram.level}", language, tonnes=tonnes)
    return note


def draw(
    engine: Engine,
    selection: Selection,
    diagram: SankeyData,
    options: SankeyOptions | None = None,
    *,
    title: str | None = None,
    width: float | None = None,
    height: float | None = None,
    today: date | None = None,
) -> SankeyFigure:
    """The figure of a diagram made by sankey_for, with its title (default: sankey_title) and source note."""
    import warnings

    options = options or SankeyOptions()
    language = diagram.language
    caption = sankey_title(engine, selection, options, language) if title is None else title
    note = source_note(engine, selection, diagram, language, today)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        figure = sankey_figure(
            diagram, title=caption, note=note, scale_t=options.scale_t, language=language, width=width, height=height
        )
    fits = not any(issubclass(w.category, RuntimeWarning) for w in caught)
    return SankeyFigure(diagram, figure, fits)


def sankey_figure_for(
    engine: Engine,
    data: Data,
    selection: Selection,
    options: SankeyOptions | None = None,
    *,
    language: Language = "en",
    title: str | None = None,
    width: float | None = None,
    height: float | None = None,
    today: date | None = None,
) -> SankeyFigure:
    """The diagram of the selection (sankey_for) drawn (draw): what `mfa sankey` writes and the app shows."""
    diagram = sankey_for(engine, data, selection, options, language=language)
    return draw(engine, selection, diagram, options, title=title, width=width, height=height, today=today)


LINK_COLUMNS = [
    "period",
    "source",
    "source_name",
    "target",
    "target_name",
    "material",
    "material_name",
    "quantity_t",
    "status",
    "history_key",
]
"""The drill-down table: one row per hand-over behind a link (its agreed quantity and status: agreed, disputed,
sender_only, receiver_only), with the key of a declaration the History page opens it by: the receiver's when only the
receiver declared it, else the sender's."""


def link_flows(
    engine: Engine, data: Data, selection: Selection, diagram: SankeyData, link: int, *, language: Language = "en"
) -> pl.DataFrame:
    """The flows behind link number `link` of `diagram` (drawn from the same data and selection): facility to
    facility by month, largest first, with the facilities' and material's names in `language` and each flow's
    history key (mfa.services.history.record_history)."""
    found = flows_of_link(selected(data.flows, data.parents, selection), diagram, link, data.parents)
    facility_names = {
        code: (zh if language == "zh" and zh else name) or code
        for code, name, zh in data.facilities.select("code", "name", "name_zh").iter_rows()
    }
    material_names = names(engine, language)
    found = found.with_columns(
        side=pl.when(pl.col("status") == "receiver_only").then(pl.lit("receiver")).otherwise(pl.lit("sender"))
    )
    key = KINDS["flow"].key
    keys = [key_text("flow", dict(zip(key, row, strict=True))) for row in found.select(key).iter_rows()]
    return found.with_columns(
        source_name=pl.col("source").replace_strict(facility_names, default=pl.col("source"), return_dtype=pl.String),
        target_name=pl.col("target").replace_strict(facility_names, default=pl.col("target"), return_dtype=pl.String),
        material_name=pl.col("material").replace_strict(
            material_names, default=pl.col("material"), return_dtype=pl.String
        ),
        history_key=pl.Series(keys, dtype=pl.String),
    ).select(LINK_COLUMNS)
