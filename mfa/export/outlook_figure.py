"""An outlook as a plotly figure: retirements stacked by product (chemistry), the recorded retirements as points
over them, the capacity that can take them as a line, and the band of the low and high lifetimes, in English or
Chinese. Returned, never shown; written to files with sankey_figure.export_figure (HTML, SVG, PNG, PDF)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl

from mfa.domain import labels
from mfa.domain.labels import Language
from mfa.export.sankey_figure import FONTS

AREA_COLOURS = ("#009e73", "#0072b2", "#e69f00", "#cc79a7", "#56b4e9", "#d55e00", "#8c8c8c", "#f0e442")
RECORDED_COLOUR = "#000000"
CAPACITY_COLOUR = "#d55e00"
BAND_COLOUR = "rgba(90, 90, 90, 0.18)"
BAND_LINE = "rgba(60, 60, 60, 0.6)"
PROVINCE = "province"


def scope_label(scope: str, language: Language) -> str:
    """湖南省 / Hunan province, or the city's name."""
    return labels.text("province_name", language) if scope == PROVINCE else labels.city_label(scope, language)


def outlook_figure(
    rows: pl.DataFrame,
    capacity: pl.DataFrame,
    stacked: list[str],
    product: str,
    scope: str,
    *,
    names: Mapping[str, str] | None = None,
    language: Language = "en",
    height: int = 480,
) -> go.Figure:
    """The figure of `product` in `scope` from an outlook's rows and capacity comparison, retirements stacked by the
    `stacked` products (named by `names`, code -> name), in tonnes scaled to the largest value (kt or 万吨)."""
    label = dict(names or {})
    say = {k: labels.text(f"outlook_{k}", language) for k in ("retired", "recorded", "capacity", "band")}
    mine = rows.filter(pl.col("scope") == scope).sort("year")
    total = mine.filter(pl.col("product") == product)
    shown = [c for c in ("outflow_t", "outflow_high_t", "recorded_t") if c in total.columns]
    largest = total.select(pl.max_horizontal(pl.col(shown).fill_null(0.0)).max()).item() if total.height else 0.0
    divisor, unit = labels.tonnage_scale(float(largest or 0.0), language)
    fig = go.Figure()
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
    title = labels.text(
        "outlook_chart_title", language, product=label.get(product, product), scope=scope_label(scope, language)
    )
    fig.update_layout(_layout(title, labels.text("outlook_axis", language, unit=unit), language, height))
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
