"""SankeyData -> plotly figure (explicit node positions, a fixed tonnes scale) -> html, svg, png, pdf, json.

How the scale is kept (docs/sankey.md): plotly.js sizes nodes itself (d3-sankey: the fullest column fills the
plot height; with loops d3-sankey-circular takes 0.3 of that and shrinks it for the loops' margins). We
take that rule over with invisible padding drawn below the plot: a chain of nodes, one per column, carrying
the tonnes that make the fullest column exactly the total we want, and, in diagrams with loops, two tiny
loops that put plotly on its predictable branch (loops both above and below: no stretching).
"""

from __future__ import annotations

import html
import json
import os
import warnings
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from mfa.domain.labels import Language, format_tonnes, kind_label, text
from mfa.domain.sankey.data import (
    D3_CIRCULAR_SCALE,
    D3_LOOP_MARGIN,
    DEFAULT_SCALE_FILL,
    SankeyData,
    vertical_layout,
)
from mfa.domain.vocabulary import FACILITY_KINDS

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
"""Node colour per facility kind (Okabe-Ito based); aggregated nodes take their dominant kind's colour."""
GROUP_COLOURS: dict[str, str] = {
    "renewable": "rgba(0, 158, 115, 0.40)",
    "bulk_solid_waste": "rgba(166, 118, 29, 0.40)",
    "secondary": "rgba(0, 114, 178, 0.40)",
}
"""Link colour per material group, semi-transparent so crossing links stay readable."""
OTHER_GROUP_COLOUR = "rgba(120, 120, 120, 0.35)"
TRANSPARENT = "rgba(0, 0, 0, 0)"
FONTS: dict[str, str] = {
    "en": "Open Sans, Noto Sans, Arial, sans-serif",
    "zh": (
        "WenQuanYi Micro Hei, Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, "
        "sans-serif"
    ),
}
CHROMIUM = Path("/usr/bin/chromium")
STATIC_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}


def _node_hover(row: dict[str, Any], language: Language, aggregated: bool) -> str:
    """The hover text of one node."""
    lines = [f"<b>{row['label']}</b>"]
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
    parts = row["materials"].split("; ")
    shown = parts[:8] + (["…"] if len(parts) > 8 else [])
    head = f"{labels[row['source']]} → {labels[row['target']]}"
    return "<br>".join([f"<b>{head}</b>", f"{row['group_label']}: {format_tonnes(row['tonnes'], language)}", *shown])


def _padding_t(data: SankeyData, per_t: float, plot_height: float) -> tuple[float, float]:
    """(padding tonnes per column, tonnes of each tiny loop) making plotly draw `per_t` px per tonne."""
    h, span, loops_t = plot_height, data.span_t, data.loops_t
    if loops_t <= 0:
        return max(h / per_t - span, 0.0), 0.0
    tiny = span * 1e-9
    loops_t += 2 * tiny
    unscaled = per_t * (h + 2 * D3_LOOP_MARGIN) / (h - per_t * loops_t)
    return max(D3_CIRCULAR_SCALE * h / unscaled - span, 0.0), tiny


def inert(text: str) -> str:
    """User text (facility names, titles) as plotly shows it literally: its labels read <b>, <a href> and the like
    as markup, so < > & are written as entities."""
    return html.escape(text or "", quote=False)


def sankey_figure(
    data: SankeyData,
    *,
    title: str = "",
    scale_t: float | None = None,
    language: Language | None = None,
    height: int = 600,
    scale_fill: float = DEFAULT_SCALE_FILL,
) -> go.Figure:
    """The diagram as a plotly Sankey with fixed node positions; with `scale_t`, node heights are
    scale_fill * plot height * tonnes / scale_t, the same in every figure drawn with that scale_t."""
    language = language or data.language
    if language not in FONTS:
        raise ValueError(f"unknown language {language!r}; expected one of {sorted(FONTS)}")
    if scale_t is not None and not scale_t > 0:
        raise ValueError(f"scale_t must be a positive number of tonnes, got {scale_t}")
    top, bottom = (60 if title else 20), 20
    plot_h = float(height - top - bottom)
    fig = go.Figure()
    if data.links.is_empty():
        fig.add_annotation(
            text=text("sankey_empty", language), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
        )
        fig.update_layout(
            title=title, height=height, font_family=FONTS[language], xaxis_visible=False, yaxis_visible=False
        )
        return fig
    layout = vertical_layout(data.nodes, data.loops_t, plot_height=plot_h, scale_t=scale_t, scale_fill=scale_fill)
    if not layout.fits:
        warnings.warn(
            f"scale_t {format_tonnes(scale_t or 0.0, 'en')} does not fit this diagram (fullest column "
            f"{format_tonnes(data.span_t, 'en')}, loops {format_tonnes(data.loops_t, 'en')}); drawn at the largest "
            "scale that fits",
            RuntimeWarning,
            stacklevel=2,
        )
    padding, tiny = _padding_t(data, layout.per_t, plot_h)
    xs = sorted(set(data.nodes["x"]))
    below = 1 + (bottom + 40 + padding * layout.per_t / 2) / plot_h  # padding hangs below the figure, unseen
    pad_nodes: list[float] = []  # x of each padding node
    pad_links: list[tuple[int, int, float]] = []
    if tiny:  # two tiny loops first: plotly types the first loop "bottom", the second "top"
        pad_nodes += [0.3, 0.4, 0.5, 0.6]
        pad_links += [(0, 1, tiny), (1, 0, tiny), (2, 3, tiny), (3, 2, tiny)]
    if padding > 0:
        first = len(pad_nodes)
        pad_nodes += xs
        pad_links += [(first + i, first + i + 1, padding) for i in range(len(xs) - 1)]
    n_pad = len(pad_nodes)
    nodes, links = data.nodes.with_columns(y=pl.Series(layout.y, dtype=pl.Float64)), data.links
    labels = {node: inert(label) for node, label in zip(nodes["id"], nodes["label"], strict=True)}
    index = {node: n_pad + i for i, node in enumerate(nodes["id"])}
    aggregated = data.level in ("park", "city")
    node_rows = [r | {"label": labels[r["id"]]} for r in nodes.to_dicts()]
    link_rows = [r | {c: inert(r[c]) for c in ("group_label", "materials")} for r in links.to_dicts()]
    trace = go.Sankey(
        arrangement="fixed",
        textfont={"family": FONTS[language], "size": 12},
        node={
            "label": [""] * n_pad + [r["label"] for r in node_rows],
            "x": pad_nodes + [r["x"] for r in node_rows],
            "y": [below] * n_pad + [r["y"] for r in node_rows],
            "color": [TRANSPARENT] * n_pad + [KIND_COLOURS.get(r["kind"], KIND_COLOURS["other"]) for r in node_rows],
            "line": {"width": [0.0] * n_pad + [0.5] * len(node_rows), "color": "white"},
            "pad": 0,
            "thickness": 18,
            "customdata": [""] * n_pad + [_node_hover(r, language, aggregated) for r in node_rows],
            "hovertemplate": "%{customdata}<extra></extra>",
        },
        link={
            "source": [u for u, _, _ in pad_links] + [index[r["source"]] for r in link_rows],
            "target": [v for _, v, _ in pad_links] + [index[r["target"]] for r in link_rows],
            "value": [t for _, _, t in pad_links] + [r["tonnes"] for r in link_rows],
            "label": [""] * len(pad_links) + [r["group_label"] for r in link_rows],
            "color": [TRANSPARENT] * len(pad_links)
            + [GROUP_COLOURS.get(r["material_group"], OTHER_GROUP_COLOUR) for r in link_rows],
            "customdata": [""] * len(pad_links) + [_link_hover(r, labels, language) for r in link_rows],
            "hovertemplate": "%{customdata}<extra></extra>",
        },
    )
    fig.add_trace(trace)
    side = 20 + (min(layout.per_t * data.loops_t + 40, 200) if data.loops_t > 0 else 0)
    fig.update_layout(
        title={"text": inert(title), "x": 0.5} if title else None,
        height=height,
        margin={"t": top, "b": bottom, "l": side, "r": side},
        font={"family": FONTS[language], "size": 12},
        meta={
            "mfa_sankey": sankey_json(data),
            "per_t_px": layout.per_t,
            "scale_t": scale_t,
            "padding": {"nodes": n_pad, "links": len(pad_links), "tonnes": padding, "tiny_loop_t": tiny},
        },
    )
    return fig


def sankey_json(data: SankeyData) -> dict[str, Any]:
    """The diagram as d3-sankey reads it: nodes (id, label, kind, column, x, y, tonnes) and links (source,
    target, material = group, tonnes, materials = code -> tonnes, loop), plus level, language, internal_t."""
    nodes = data.nodes.select("id", "label", "kind", "column", "x", "y", "tonnes").to_dicts()
    links = [
        {
            "source": row["source"],
            "target": row["target"],
            "material": row["material_group"],
            "tonnes": row["tonnes"],
            "materials": {part["material"]: part["tonnes"] for part in row["breakdown"]},
            "loop": row["loop"],
        }
        for row in data.links.iter_rows(named=True)
    ]
    return {
        "level": data.level,
        "language": data.language,
        "total_t": data.total_t,
        "internal_t": data.internal_t,
        "nodes": nodes,
        "links": links,
    }


def chromium_path() -> str | None:
    """The browser kaleido should drive: $BROWSER_PATH, else /usr/bin/chromium if present, else None (then
    choreographer looks for its own downloaded Chrome, then chrome/chromium/edge/brave on PATH)."""
    if env := os.environ.get("BROWSER_PATH"):
        return env
    return str(CHROMIUM) if CHROMIUM.is_file() else None


def _static_image(fig: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    """Render with kaleido (Chromium), offline: plotly.js from the installed plotly, no MathJax."""
    import kaleido
    from kaleido.errors import ChromeNotFoundError

    options: dict[str, Any] = {"mathjax": False}
    if browser := chromium_path():
        options["path"] = browser
    try:
        image = kaleido.calc_fig_sync(
            fig.to_dict(), opts={"format": fmt, "width": width, "height": height, "scale": scale}, kopts=options
        )
    except ChromeNotFoundError as exc:
        raise RuntimeError(
            f"static {fmt} export needs Chromium: apt-get install chromium fonts-noto-cjk (or set BROWSER_PATH)"
        ) from exc
    return image if isinstance(image, bytes) else bytes(image)


def export_figure(
    fig: go.Figure, path: Path, *, data: SankeyData | None = None, width: int | None = None, scale: float = 2.0
) -> Path:
    """Write the figure by extension: .html (interactive, plotly.js inside, works offline), .svg, .png
    (`scale` x pixels), .pdf, or .json (sankey_json of `data`, else the data the figure was drawn from)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".html":
        fig.write_html(path, include_plotlyjs=True, full_html=True, config={"displaylogo": False})
    elif suffix == ".json":
        payload = sankey_json(data) if data is not None else (fig.layout.meta or {}).get("mfa_sankey")
        if payload is None:
            raise ValueError("a .json export needs `data` or a figure made by sankey_figure")
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    elif suffix in STATIC_FORMATS:
        w, h = width or fig.layout.width or 1200, fig.layout.height or 600
        path.write_bytes(_static_image(fig, STATIC_FORMATS[suffix], int(w), int(h), scale))
    else:
        raise ValueError(
            f"cannot export a figure to {suffix or 'a file without extension'!r}; use .html, .svg, .png, .pdf or .json"
        )
    return path
