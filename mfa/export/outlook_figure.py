"""An outlook as a plotly figure: retirements stacked by product (chemistry), the recorded retirements as points
over them, the capacity that can take them as a line, and the band of the low and high lifetimes. Returned, never
shown; written to files with sankey_figure.export_figure (HTML, SVG, PNG, PDF through Chromium)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl

from mfa.export.sankey_figure import FONTS

AREA_COLOURS = ("#009e73", "#0072b2", "#e69f00", "#cc79a7", "#56b4e9", "#d55e00", "#8c8c8c", "#f0e442")
RECORDED_COLOUR = "#000000"
CAPACITY_COLOUR = "#d55e00"
BAND_COLOUR = "rgba(90, 90, 90, 0.18)"
BAND_LINE = "rgba(60, 60, 60, 0.6)"
WORDS_EN: dict[str, str] = {
    "retired": "Retirements",
    "recorded": "Recorded retirements",
    "capacity": "Capacity that can take them",
    "band": "Range (low and high lifetimes)",
    "axis": "t per year",
    "title": "{product} · {scope}",
}


def outlook_figure(
    rows: pl.DataFrame,
    capacity: pl.DataFrame,
    stacked: list[str],
    product: str,
    scope: str,
    *,
    names: Mapping[str, str] | None = None,
    words: Mapping[str, str] | None = None,
    divisor: float = 1.0,
    language: str = "en",
    height: int = 480,
) -> go.Figure:
    """The figure of `product` in `scope` from an outlook's rows and capacity comparison, retirements stacked by the
    `stacked` products; `names` labels products and scopes, `words` the legend and axis (WORDS_EN by default),
    `divisor` scales tonnes to the axis unit."""
    say = {**WORDS_EN, **(words or {})}
    label = dict(names or {})
    mine = rows.filter(pl.col("scope") == scope).sort("year")
    fig = go.Figure()
    total = mine.filter(pl.col("product") == product)
    for i, part in enumerate(stacked):
        series = mine.filter(pl.col("product") == part)
        fig.add_scatter(
            x=series["year"].to_list(),
            y=[v / divisor for v in series["outflow_t"].to_list()],
            name=f"{say['retired']} · {label.get(part, part)}",
            mode="lines",
            stackgroup="retired",
            line={"width": 0.5, "color": AREA_COLOURS[i % len(AREA_COLOURS)]},
            hovertemplate="%{y:,.1f}",
        )
    if "outflow_low_t" in total.columns and total.height:
        # the band over the stack: from the low to the high retirements, drawn on top and see-through
        years = total["year"].to_list()
        fig.add_scatter(
            x=years,
            y=[v / divisor for v in total["outflow_low_t"].to_list()],
            mode="lines",
            line={"width": 1, "color": BAND_LINE, "dash": "dot"},
            showlegend=False,
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=years,
            y=[v / divisor for v in total["outflow_high_t"].to_list()],
            mode="lines",
            fill="tonexty",
            fillcolor=BAND_COLOUR,
            line={"width": 1, "color": BAND_LINE, "dash": "dot"},
            name=say["band"],
            hoverinfo="skip",
        )
    recorded = total.filter(pl.col("recorded_t").is_not_null())
    if recorded.height:
        fig.add_scatter(
            x=recorded["year"].to_list(),
            y=[v / divisor for v in recorded["recorded_t"].to_list()],
            name=say["recorded"],
            mode="markers",
            marker={"color": RECORDED_COLOUR, "size": 9, "symbol": "circle"},
            hovertemplate="%{y:,.1f}",
        )
    line = capacity.filter(pl.col("scope") == scope).sort("year")
    if line.height and (line["capacity_t"] > 0).any():
        fig.add_scatter(
            x=line["year"].to_list(),
            y=[v / divisor for v in line["capacity_t"].to_list()],
            name=say["capacity"],
            mode="lines",
            line={"color": CAPACITY_COLOUR, "width": 3, "dash": "dash", "shape": "hv"},
            hovertemplate="%{y:,.1f}",
        )
    title = say["title"].format(product=label.get(product, product), scope=label.get(scope, scope))
    fig.update_layout(_layout(title, say["axis"], language, height))
    return fig


def _layout(title: str, axis: str, language: str, height: int) -> dict[str, Any]:
    return {
        "title": {"text": title, "x": 0.01},
        "height": height,
        "margin": {"t": 50, "b": 40, "l": 60, "r": 20},
        "font": {"family": FONTS.get(language, FONTS["en"]), "size": 13},
        "legend": {"orientation": "h", "y": -0.15},
        "hovermode": "x unified",
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "xaxis": {"dtick": 1, "showgrid": False, "tickangle": -45},
        "yaxis": {"title": {"text": axis}, "gridcolor": "#eeeeee", "rangemode": "tozero", "tickformat": ",.0f"},
    }
