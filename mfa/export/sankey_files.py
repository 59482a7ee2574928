"""The files of a Sankey diagram: its JSON (what d3-sankey and d3-sankey-circular read), and the figure as HTML, SVG,
PNG or PDF (static images rendered by kaleido in a headless Chromium, offline). docs/sankey.md, "Files"."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from mfa.domain.labels import Language
from mfa.domain.sankey.diagram import SankeyData

CHROMIUM = Path("/usr/bin/chromium")
STATIC_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}


def sankey_json_empty(language: Language) -> dict[str, Any]:
    """The JSON of a diagram without flows."""
    return {
        "level": None,
        "view": None,
        "language": language,
        "total_t": 0.0,
        "internal_t": 0.0,
        "nodes": [],
        "links": [],
    }


def sankey_json(data: SankeyData) -> dict[str, Any]:
    """The diagram as d3-sankey and d3-sankey-circular read it: nodes (id, label, kind, column, x, y, tonnes) and
    links (source, target, value = tonnes, material = group, materials = code -> tonnes, loop: a return link,
    which d3-sankey cannot draw and d3-sankey-circular draws as a loop), plus level, view, language, internal_t."""
    nodes = data.nodes.select("id", "label", "kind", "column", "x", "y", "tonnes").to_dicts()
    links = [
        {
            "source": row["source"],
            "target": row["target"],
            "value": row["tonnes"],
            "tonnes": row["tonnes"],
            "material": row["material_group"],
            "materials": {part["material"]: part["tonnes"] for part in row["breakdown"]},
            "loop": row["loop"],
        }
        for row in data.links.iter_rows(named=True)
    ]
    return {
        "level": data.level,
        "view": data.view,
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
