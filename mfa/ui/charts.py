"""Plotly charts of the Overview: an indicator's trajectory against its target path, and the gap by part."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from mfa.domain.targets import target_path
from mfa.ui.i18n import format_percent, format_tonnes, format_value, is_fraction, is_tonnage, t, tonnage_scale

ACTUAL_COLOUR = "#0072b2"
PATH_COLOUR = "#8c8c8c"
PROJECTION_COLOUR = "#e69f00"
TARGET_COLOUR = "#404040"
BEHIND_COLOUR = "#d62728"
"""Red: a part behind its share of the path."""
AHEAD_COLOUR = "#2ca02c"
"""Green: a part ahead of its share of the path."""
PROJECTION_REACH = 10
"""How many years past the target year the projection is drawn to show the year it reaches the target."""
FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, Open Sans, sans-serif"


def _axis(indicator: str, values: list[float]) -> tuple[float, str]:
    """Divisor and axis unit for an indicator's values."""
    if is_fraction(indicator):
        return 0.01, "%"
    if is_tonnage(indicator):
        return tonnage_scale(max((abs(v) for v in values), default=0.0))
    return 1.0, ""


def _layout(fig: go.Figure, unit: str, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"t": 30, "b": 10, "l": 10, "r": 10},
        font={"family": FONT, "size": 13},
        legend={"orientation": "h", "y": -0.15},
        yaxis_title=unit,
        hovermode="x unified",
        plot_bgcolor="white",
    )
    fig.update_xaxes(dtick=1, showgrid=False)
    fig.update_yaxes(gridcolor="#eeeeee", rangemode="tozero")
    return fig


def projection(target: dict[str, Any], actual: float | None, year: int) -> list[tuple[int, float]]:
    """The projection as drawn: from the year's actual on at the target's trend (targets.evaluate_targets), year by
    year to the target year or, when later (within PROJECTION_REACH years), to the year it reaches the target;
    empty without an actual or a trend."""
    trend = target.get("trend_per_year")
    if actual is None or trend is None:
        return []
    end = int(target["target_year"])
    reached = target.get("projected_year_reached")
    if reached is not None and end < reached <= end + PROJECTION_REACH:
        end = int(reached)
    return [(y, actual + trend * (y - year)) for y in range(year, max(end, year) + 1)]


def trajectory_figure(indicator: str, actuals: pl.DataFrame, target: dict[str, Any] | None, year: int) -> go.Figure:
    """Actuals by year, the straight path from baseline to target, the target and the linear projection."""
    points = actuals.sort("year").select("year", "value").rows()
    path: list[tuple[int, float]] = []
    if target is not None:
        first = min([y for y, _ in points] + [target.get("baseline_year") or target["target_year"]])
        path = [(y, target_path(target, y)) for y in range(first, int(target["target_year"]) + 1)]
    values = [v for _, v in points] + [v for _, v in path]
    if target is not None:
        values += [v for _, v in projection(target, dict(points).get(year), year)]
    div, unit = _axis(indicator, values)
    fig = go.Figure()
    if path:
        fig.add_scatter(
            x=[y for y, _ in path],
            y=[v / div for _, v in path],
            name=t("chart_path"),
            mode="lines",
            line={"color": PATH_COLOUR, "dash": "dot"},
            hovertext=[format_value(indicator, v) for _, v in path],
            hoverinfo="text+name",
        )
    fig.add_scatter(
        x=[y for y, _ in points],
        y=[v / div for _, v in points],
        name=t("chart_actual"),
        mode="lines+markers",
        line={"color": ACTUAL_COLOUR, "width": 3},
        hovertext=[format_value(indicator, v) for _, v in points],
        hoverinfo="text+name",
    )
    if target is not None:
        line = projection(target, dict(points).get(year), year)
        if len(line) > 1:
            fig.add_scatter(
                x=[y for y, _ in line],
                y=[v / div for _, v in line],
                name=t("chart_projection"),
                mode="lines+markers",
                line={"color": PROJECTION_COLOUR, "dash": "dash"},
                marker={"size": [0] + [6] * (len(line) - 1)},
                hovertext=["", *(format_value(indicator, v) for _, v in line[1:])],
                hoverinfo="text+name",
            )
        fig.add_scatter(
            x=[target["target_year"]],
            y=[target["target_value"] / div],
            name=t("chart_target"),
            mode="markers",
            marker={"symbol": "star", "size": 16, "color": TARGET_COLOUR},
            hovertext=[format_value(indicator, target["target_value"])],
            hoverinfo="text+name",
        )
    return _layout(fig, unit, 380)


def gap_scale(parts: pl.DataFrame) -> tuple[float, str, int]:
    """One (divisor, unit, decimals) for a gap chart and its table, chosen from the gaps: the unit of the largest
    gap, and as many decimals (1 to 3) as keep different gaps from reading the same."""
    gaps = [g for g in parts["gap"].to_list() if g is not None]
    div, unit = tonnage_scale(max((abs(g) for g in gaps), default=0.0))
    distinct = {round(g / div, 6) for g in gaps}
    digits = next((d for d in (1, 2) if len({round(g, d) for g in distinct}) == len(distinct)), 3)
    return div, unit, digits


def gap_rows(parts: pl.DataFrame, top: int = 12) -> tuple[pl.DataFrame, int]:
    """The parts a gap chart shows, most behind first: all of them up to `top`, else the furthest behind and the
    furthest ahead (half each, the rest to the side that has more); and how many are left out."""
    rows = parts.filter(pl.col("gap").is_not_null()).sort("gap", descending=True)
    if rows.height <= top:
        return rows, 0
    behind, ahead = rows.filter(pl.col("gap") > 0), rows.filter(pl.col("gap") <= 0)
    n_ahead = min(ahead.height, max(top // 2, top - behind.height))
    shown = pl.concat([behind.head(top - n_ahead), ahead.tail(n_ahead)])
    return shown, rows.height - shown.height


def gap_figure(parts: pl.DataFrame, labels: dict[str, str], top: int = 12) -> go.Figure:
    """Horizontal bars of the gaps by part (gap_rows: the furthest behind and ahead when there are more than
    `top`), in the unit of gap_scale (a rate's gap is tonnes of utilization short of the path rate times the part's
    denominator); red behind, green ahead."""
    rows = gap_rows(parts, top)[0].reverse()
    gaps = rows["gap"].to_list()
    div, unit, digits = gap_scale(parts)
    fig = go.Figure(
        go.Bar(
            x=[g / div for g in gaps],
            y=[labels.get(p, p) for p in rows["part"]],
            orientation="h",
            marker_color=[BEHIND_COLOUR if g > 0 else AHEAD_COLOUR for g in gaps],
            hovertext=[
                t("gap_hover", gap=format_tonnes(g), share=format_percent(s))
                for g, s in zip(gaps, rows["share_of_gap"].to_list(), strict=True)
            ],
            hoverinfo="text+y",
        )
    )
    _layout(fig, "", 90 + 28 * max(rows.height, 1))
    fig.update_layout(xaxis_title=t("gap_axis", unit=unit), hovermode="closest", showlegend=False)
    fig.update_xaxes(dtick=None, showgrid=True, gridcolor="#eeeeee", tickformat=f",.{digits}~f")
    fig.update_yaxes(rangemode="normal", automargin=True, gridcolor=None)
    return fig
