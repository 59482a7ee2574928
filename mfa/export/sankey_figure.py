"""SankeyData -> a plotly figure drawn from our own layout (the files are mfa.export.sankey_files).

plotly's Sankey trace decides node sizes and routes loops itself (over nodes, squeezing the nodes into a quarter of
the height when there are loops) and cannot write values on links. So the figure is drawn from
mfa.domain.sankey.layout in figure px: every node and every band is a filled scatter polygon (hover anywhere on
it; tagged `mfa-node-<i>` / `mfa-link-<i>` in the SVG), labels and values are annotations, the colours of the
material groups are the legend, a title above and a one-line source note below (docs/sankey.md, "Renderer").
"""

from __future__ import annotations

import html
import warnings
from typing import Any

import plotly.graph_objects as go

from mfa.domain.labels import Language, format_tonnes, kind_label, text
from mfa.domain.sankey.diagram import SankeyData
from mfa.domain.sankey.layout import Layout, lay_out
from mfa.domain.sankey.metrics import HEADER_H, LABEL_SIZE, VALUE_SIZE
from mfa.domain.vocabulary import FACILITY_KINDS, GROUPS
from mfa.export.sankey_files import sankey_json, sankey_json_empty

KIND_COLOURS: dict[str, str] = {
    "source": "#8c8c8c",
    "boundary": "#4e5d6c",
    "collection": "#e69f00",
    "recycling": "#009e73",
    "remanufacturing": "#0072b2",
    "reuse": "#56b4e9",
    "energy_recovery": "#d55e00",
    "storage": "#cc79a7",
    "disposal": "#3d3d3d",
    "other": "#c8c8c8",
}
"""Node colour per facility kind (Okabe-Ito based), at kind and facility level."""
PLACE_COLOUR = "#4e5d6c"
"""Node colour of parks and cities (a place is no kind)."""
GROUP_COLOURS: dict[str, str] = {
    "renewable": "rgba(0, 158, 115, 0.40)",
    "bulk_solid_waste": "rgba(166, 118, 29, 0.40)",
    "secondary": "rgba(0, 114, 178, 0.40)",
}
"""Link colour per material group, semi-transparent so crossing links stay readable."""
OTHER_GROUP_COLOUR = "rgba(120, 120, 120, 0.35)"
FONTS: dict[str, str] = {
    "en": "Arial, Liberation Sans, Helvetica, Noto Sans, sans-serif",
    "zh": (
        "WenQuanYi Micro Hei, Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, "
        "sans-serif"
    ),
}
LABEL_BACKGROUND = "rgba(255, 255, 255, 0.72)"
NOTE_COLOUR = "#555555"


def inert(value: str) -> str:
    """User text (facility names, titles) as plotly shows it literally: its labels read <b>, <a href> and the like
    as markup, so < > & are written as entities."""
    return html.escape(value or "", quote=False)


def solid(colour: str) -> str:
    """A group colour without its transparency (for the legend)."""
    return colour.rsplit(",", 1)[0] + ", 0.9)" if colour.startswith("rgba") else colour


def node_colour(kind: str, level: str) -> str:
    """A node's colour: its kind's at kind and facility level, one colour for places (parks, cities)."""
    if level in ("park", "city") and kind not in ("boundary", "other"):
        return PLACE_COLOUR
    return KIND_COLOURS.get(kind, KIND_COLOURS["other"])


def _node_hover(row: dict[str, Any], language: Language, aggregated: bool) -> str:
    """The hover text of one node."""
    lines = [f"<b>{inert(row['label'])}</b>"]
    if row["kind"] in FACILITY_KINDS:
        kind = kind_label(row["kind"], language)
        lines.append(text("sankey_mainly", language, kind=kind) if aggregated else kind)
    lines.append(text("sankey_in", language, tonnes=format_tonnes(row["inflow_t"], language)))
    lines.append(text("sankey_out", language, tonnes=format_tonnes(row["outflow_t"], language)))
    if row["internal_t"] > 0:
        lines.append(text("sankey_inside", language, tonnes=format_tonnes(row["internal_t"], language)))
    if row["merged"]:
        lines.append(text("sankey_merged", language, n=row["merged"]))
    return "<br>".join(lines)


def _link_hover(row: dict[str, Any], labels: dict[str, str], language: Language) -> str:
    """The hover text of one link: ends, group and tonnes, then the materials."""
    parts = inert(row["materials"]).split("; ")
    shown = parts[:8] + (["…"] if len(parts) > 8 else [])
    head = f"{inert(labels[row['source']])} → {inert(labels[row['target']])}"
    group = inert(row["group_label"])
    return "<br>".join([f"<b>{head}</b>", f"{group}: {format_tonnes(row['tonnes'], language)}", *shown])


def _polygon(points: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    xs = [round(x, 2) for x, _ in points]
    ys = [round(y, 2) for _, y in points]
    return [*xs, xs[0]], [*ys, ys[0]]


def _empty(title: str, language: Language, width: float, height: float) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=text("sankey_empty", language), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_layout(
        title={"text": inert(title), "x": 0.01} if title else None,
        width=width,
        height=height,
        font_family=FONTS[language],
        xaxis_visible=False,
        yaxis_visible=False,
        plot_bgcolor="white",
        meta={"mfa_sankey": sankey_json_empty(language), "mfa_elements": {"node_labels": [], "link_values": []}},
    )
    return fig


def sankey_figure(
    data: SankeyData,
    *,
    title: str = "",
    note: str = "",
    scale_t: float | None = None,
    language: Language | None = None,
    width: float | None = None,
    height: float | None = None,
) -> go.Figure:
    """The diagram as a plotly figure drawn from mfa.domain.sankey.layout: `width` and `height` None fit every
    label; with `scale_t`, scale_t tonnes are drawn SCALE_PX tall in every figure (a RuntimeWarning when that cannot
    fit). The title and the material-group legend go above, the one-line source `note` below."""
    language = language or data.language
    if language not in FONTS:
        raise ValueError(f"unknown language {language!r}; expected one of {sorted(FONTS)}")
    if scale_t is not None and not scale_t > 0:
        raise ValueError(f"scale_t must be a positive number of tonnes, got {scale_t}")
    if data.links.is_empty():
        return _empty(title, language, width or 1200, height or 420)
    kinds_row = data.level == "facility"
    drawn = lay_out(data, width=width, height=height, scale_t=scale_t)
    if not drawn.fits:
        warnings.warn(
            f"scale_t {format_tonnes(scale_t or 0.0, 'en')} does not fit this diagram (fullest column "
            f"{format_tonnes(data.span_t, 'en')}, returns {format_tonnes(data.loops_t, 'en')}); drawn at the "
            "largest scale that fits",
            RuntimeWarning,
            stacklevel=2,
        )
    labels = dict(data.nodes.select("id", "label").iter_rows())
    traces = [*_bands(data, drawn, labels, language), *_nodes(data, drawn, language), *_legend(data, language)]
    annotations, shapes, elements = _annotations(data, drawn)
    h, w = drawn.height, drawn.width
    if note:
        annotations.append(
            {
                "text": inert(note),
                "x": 8,
                "y": h - 6,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 10, "color": NOTE_COLOUR},
                "xref": "x",
                "yref": "y",
            }
        )
    layout: dict[str, Any] = {
        "width": w,
        "height": h,
        "margin": {"t": 0, "b": 0, "l": 0, "r": 0, "pad": 0},
        "xaxis": {"range": [0, w], "visible": False, "fixedrange": True},
        "yaxis": {"range": [h, 0], "visible": False, "fixedrange": True},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"family": FONTS[language], "size": LABEL_SIZE},
        "hovermode": "closest",
        "hoverlabel": {"namelength": -1, "font": {"family": FONTS[language]}},
        "dragmode": False,
        "showlegend": True,
        "legend": {
            "orientation": "h",
            "x": 8 / w if kinds_row else 1 - 8 / w,
            "xanchor": "left" if kinds_row else "right",
            "y": 1 - (HEADER_H - 2 if kinds_row else 6) / h,
            "yanchor": "top",
            "font": {"size": 11},
            "itemclick": "toggle",
            "traceorder": "grouped",
            "bgcolor": "rgba(255, 255, 255, 0)",
        },
        "annotations": annotations,
        "shapes": shapes,
        "meta": {
            "mfa_sankey": sankey_json(data),
            "mfa_elements": elements,
            "per_t_px": drawn.per_t,
            "scale_t": scale_t,
            "fits": drawn.fits,
        },
    }
    if title:
        layout["title"] = {
            "text": inert(title),
            "x": 8 / w,
            "xanchor": "left",
            "y": 1 - 8 / h,
            "yanchor": "top",
            "font": {"size": 16},
        }
    return go.Figure({"data": traces, "layout": layout}, _validate=False)  # built from checked parts: fast


def _fill(xs: list[float], ys: list[float], colour: str, hover: str, uid: str, **more: Any) -> dict[str, Any]:
    """A filled polygon trace whose hover shows `hover` anywhere inside it."""
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "fill": "toself",
        "fillcolor": colour,
        "hoveron": "fills",
        "hoverinfo": "name",
        "name": hover,
        "uid": uid,
        "showlegend": False,
        **more,
    }


def _bands(data: SankeyData, drawn: Layout, labels: dict[str, str], language: Language) -> list[dict[str, Any]]:
    """One filled polygon per link, coloured by material group, and a point on every band to click (Streamlit
    reports clicks on points, not on fills)."""
    rows = data.links.to_dicts()
    hover = [_link_hover(row, labels, language) for row in rows]
    traces = []
    for band in drawn.bands:
        row = rows[band.link]
        xs, ys = _polygon(band.outline)
        colour = GROUP_COLOURS.get(row["material_group"], OTHER_GROUP_COLOUR)
        traces.append(
            _fill(
                xs,
                ys,
                colour,
                hover[band.link],
                f"mfa-link-{band.link}",
                line={"width": 0},
                legendgroup=row["material_group"],
            )
        )
    traces.append(
        {
            "type": "scatter",
            "x": [round(b.anchor[0], 2) for b in drawn.bands],
            "y": [round(b.anchor[1], 2) for b in drawn.bands],
            "mode": "markers",
            "marker": {"size": 14, "opacity": 0},
            "customdata": [b.link for b in drawn.bands],
            "text": [hover[b.link] for b in drawn.bands],
            "hovertemplate": "%{text}<extra></extra>",
            "uid": "mfa-link-points",
            "showlegend": False,
            "name": "links",
        }
    )
    return traces


def _nodes(data: SankeyData, drawn: Layout, language: Language) -> list[dict[str, Any]]:
    """One filled rectangle per node, coloured by kind (at kind and facility level)."""
    aggregated = data.level in ("park", "city")
    traces = []
    for i, row in enumerate(data.nodes.to_dicts()):
        box = drawn.nodes[row["id"]]
        xs, ys = _polygon([(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)])
        colour = node_colour(row["kind"], data.level)
        traces.append(
            _fill(
                xs,
                ys,
                colour,
                _node_hover(row, language, aggregated),
                f"mfa-node-{i}",
                line={"width": 0.6, "color": "white"},
            )
        )
    return traces


def _annotations(data: SankeyData, drawn: Layout) -> tuple[list[dict], list[dict], dict[str, list[list[int]]]]:
    """Node labels and link values as annotations, leader lines as shapes, and which annotation is which."""
    index = {v: i for i, v in enumerate(data.nodes["id"])}
    annotations: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    node_labels: list[list[int]] = []
    link_values: list[list[int]] = []
    for label in drawn.labels:
        box, left = label.box, label.side == "left"
        node_labels.append([index[label.node], len(annotations)])
        joint = "<br>" if label.lines == 2 else " " if label.name else ""
        annotations.append(
            {
                "text": f"{inert(label.name)}{joint}<b>{label.value}</b>",
                "x": box.x1 if left else box.x0,
                "y": box.cy,
                "xanchor": "right" if left else "left",
                "yanchor": "middle",
                "showarrow": False,
                "align": "right" if left else "left",
                "font": {"size": LABEL_SIZE, "color": "#1a1a1a"},
                "bgcolor": LABEL_BACKGROUND,
                "borderpad": 1,
                "xref": "x",
                "yref": "y",
            }
        )
        if label.leader:
            x0, y0, x1, y1 = label.leader
            shapes.append(
                {
                    "type": "line",
                    "x0": x0,
                    "y0": y0,
                    "x1": x1,
                    "y1": y1,
                    "xref": "x",
                    "yref": "y",
                    "line": {"width": 0.6, "color": "#888888"},
                    "layer": "above",
                }
            )
    for band in drawn.bands:
        if band.value is None or band.value_box is None:
            continue
        box = band.value_box
        link_values.append([band.link, len(annotations)])
        annotations.append(
            {
                "text": band.value,
                "x": (box.x0 + box.x1) / 2,
                "y": box.cy,
                "xanchor": "center",
                "yanchor": "middle",
                "showarrow": False,
                "font": {"size": VALUE_SIZE, "color": "#222222"},
                "bgcolor": "rgba(255, 255, 255, 0.55)",
                "borderpad": 0,
                "xref": "x",
                "yref": "y",
            }
        )
    return annotations, shapes, {"node_labels": node_labels, "link_values": link_values}


def _legend(data: SankeyData, language: Language) -> list[dict[str, Any]]:
    """Legend entries: the material groups drawn (clicking one hides its bands), and at facility level the kinds."""
    found = dict(data.links.select("material_group", "group_label").unique().iter_rows())
    entries = []
    for group in sorted(found, key=lambda g: (GROUPS.index(g) if g in GROUPS else len(GROUPS), g)):
        colour = solid(GROUP_COLOURS.get(group, OTHER_GROUP_COLOUR))
        entries.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "name": inert(found[group]),
                "marker": {"symbol": "square", "size": 12, "color": colour},
                "legendgroup": group,
                "showlegend": True,
                "hoverinfo": "skip",
            }
        )
    if data.level == "facility":
        for kind in [k for k in (*FACILITY_KINDS, "other") if k in set(data.nodes["kind"])]:
            colour = KIND_COLOURS.get(kind, KIND_COLOURS["other"])
            entries.append(
                {
                    "type": "scatter",
                    "x": [None],
                    "y": [None],
                    "mode": "markers",
                    "name": kind_label(kind, language),
                    "marker": {"symbol": "square", "size": 10, "color": colour},
                    "legendgroup": f"kind {kind}",
                    "showlegend": True,
                    "hoverinfo": "skip",
                }
            )
    return entries
