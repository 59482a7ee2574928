"""Sankey readability benchmark: the sample's diagrams as SVG, measured in Chromium the way a reader sees them.

Loads the bundled sample (`mfa demo`) into a temp database unless --db is given, exports the 2025 diagrams a report
uses (province at kind, city and park level, Miluo park YY-MLCE at kind and facility level, the province at facility
level) as SVG with the installed mfa, opens each SVG in Chromium (Playwright), reads the boxes of the drawn elements
and prints per diagram: nodes, links (loops), node labels overlapping another label, node labels over another node,
the share of the figure's height the visible nodes span, the numbers written on the diagram, and how many of the
links carrying at least 2 % of the tonnes show their value. Goals (issue 13): no overlapping labels at kind and city
level, at most 5 % at park level and for one park's facilities; the visible nodes span at least 60 % of the height;
every link of >= 2 % carries its value. With --sweep it also exports every level for the province, every city and
every park in every format and counts failures.

Runs against whatever `mfa` is importable, so the code before issue 13 can be measured too:

    python bench/sankey_readability.py [--db FILE] [--out DIR] [--sweep]
    PYTHONPATH=/tmp/sankey-before python bench/sankey_readability.py      # a checkout of the code before
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
YEAR = 2025
LABEL_GOALS = {"kind": 0.0, "city": 0.0, "park": 0.05, "facility": 0.05}
HEIGHT_GOAL = 0.6
UNIT = r"(?:Mt|kt|t|万吨|亿吨|吨)"
NUMBER = re.compile(rf"\d[\d,.]*\s*{UNIT}(?![A-Za-z])")


@dataclass(frozen=True)
class Case:
    """One diagram: a name, the level, and the scope (None: the province; ("park", code) ...)."""

    name: str
    level: str
    scope: tuple[str, str] | None = None


CASES = [
    Case("province · kind", "kind"),
    Case("province · city", "city"),
    Case("province · park", "park"),
    Case("Miluo YY-MLCE · kind", "kind", ("park", "YY-MLCE")),
    Case("Miluo YY-MLCE · facility", "facility", ("park", "YY-MLCE")),
    Case("province · facility", "facility"),
]


def sample_db(folder: Path) -> str:
    """Load the bundled sample into a new SQLite file; its URL."""
    db = folder / "sample.db"
    subprocess.run([sys.executable, "-m", "mfa", "demo", "--db", str(db)], check=True, stdout=subprocess.DEVNULL)
    return f"sqlite:///{db}"


def build(engine: Any, data: Any, case: Case, language: str = "en") -> tuple[Any, Any]:
    """(SankeyData, plotly figure) of one case, made as `mfa sankey` makes them (with its defaults)."""
    from mfa.domain.flowframe import PROVINCE, Scope, Selection
    from mfa.services import sankey as service

    scope = Scope(*case.scope) if case.scope else PROVINCE
    selection = Selection(YEAR, None, scope)
    if hasattr(service, "sankey_figure_for"):  # issue 13: one call makes the data and the figure
        from mfa.domain.sankey import SankeyOptions

        made = service.sankey_figure_for(engine, data, selection, SankeyOptions(level=case.level), language=language)
        return made.data, made.figure
    from mfa.export.sankey_figure import sankey_figure  # the code before issue 13, as its CLI drew it

    diagram = service.sankey_for(engine, data, selection, level=case.level, min_share=0.0, language=language)
    caption = f"{YEAR} · {scope.code or scope.level} · {case.level}"
    return diagram, sankey_figure(diagram, title=caption, language=language)


MEASURE = """
(elements) => {
  const svg = document.querySelector('svg.main-svg');
  const view = svg.viewBox.baseVal;
  const k = svg.getBoundingClientRect().height / view.height;  // CSS px per figure px
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x0: r.left / k, y0: r.top / k, x1: r.right / k, y1: r.bottom / k}; };
  const visible = (el) => { const s = getComputedStyle(el);
    const fill = s.fill || ''; const alpha = fill.startsWith('rgba') ? parseFloat(fill.split(',')[3]) : 1;
    return alpha > 0 && parseFloat(s.fillOpacity || '1') > 0 && parseFloat(s.opacity || '1') > 0; };
  let nodes = [], labels = [], values = [];
  if (document.querySelector('.sankey-node')) {  // plotly's own Sankey trace (before issue 13)
    for (const g of document.querySelectorAll('.sankey-node')) {
      const rect = g.querySelector('.node-rect'); const text = g.querySelector('.node-label');
      const b = box(rect);
      if (!visible(rect) || b.y1 - b.y0 <= 0 || b.y0 > view.height) continue;
      const i = nodes.length; nodes.push(b);
      if (text && text.textContent.trim()) labels.push({node: i, text: text.textContent, ...box(text)});
    }
  } else {  // issue 13: nodes are traces tagged mfa-node-<i>, labels and values are annotations listed in meta
    const byIndex = {};
    for (const g of document.querySelectorAll('g.trace')) {
      const m = g.getAttribute('class').match(/tracemfa-node-(\\d+)/);
      if (m) { const path = g.querySelector('path.js-fill') || g.querySelector('path');
               byIndex[m[1]] = box(path); }
    }
    const order = Object.keys(byIndex).map(Number).sort((a, b) => a - b);
    const position = {}; order.forEach((n, i) => { position[n] = i; nodes.push(byIndex[n]); });
    const annotation = (i) => document.querySelector(`g.annotation[data-index="${i}"]`);
    for (const [node, i] of elements.node_labels) {
      const g = annotation(i); if (!g) continue;
      const t = g.querySelector('.annotation-text');
      labels.push({node: position[node], text: t.textContent, ...box(t)});
    }
    for (const [link, i] of elements.link_values) {
      const g = annotation(i); if (!g) continue;
      const t = g.querySelector('.annotation-text');
      values.push({link: link, text: t.textContent, ...box(t)});
    }
  }
  const cut = (a, b) => Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 1
                     && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 1;
  const overLabel = labels.filter((a, i) => labels.some((b, j) => i !== j && cut(a, b))).length;
  const overNode = labels.filter((a) => nodes.some((n, j) => j !== a.node && cut(a, n))).length;
  const valuesOver = values.filter((v) => labels.some((l) => cut(v, l)) || values.some((o) => o !== v && cut(v, o)));
  const top = Math.min(...nodes.map((n) => n.y0)), bottom = Math.max(...nodes.map((n) => n.y1));
  const texts = [...svg.querySelectorAll('text')].map((t) => t.textContent);
  return {nodes: nodes.length, labels: labels.length, over_label: overLabel, over_node: overNode, label_boxes: labels,
          values_over: valuesOver.length,
          span: nodes.length ? (bottom - top) / view.height : 0, height: view.height,
          numbers: texts.filter((t) => /NUMBER/.test(t)).length, texts: texts, values: values};
}
""".replace("NUMBER", NUMBER.pattern)


def measure(page: Any, svg: Path, figure: Any) -> dict[str, Any]:
    """Open one SVG in the browser and read its elements' boxes."""
    meta = (figure.layout.meta or {}).get("mfa_elements", {"node_labels": [], "link_values": []})
    page.goto(svg.resolve().as_uri())
    return dict(page.evaluate(MEASURE, meta))


def values_shown(diagram: Any, found: dict[str, Any], language: str = "en") -> tuple[int, int]:
    """(links carrying >= 2 % of the tonnes, how many of them show their tonnes on the diagram)."""
    from mfa.domain.labels import format_tonnes

    links = diagram.links
    total = float(links["tonnes"].sum()) if links.height else 0.0
    big = [i for i, t in enumerate(links["tonnes"]) if total and t >= 0.02 * total]
    if found["values"]:  # issue 13: the value annotation of each link is known
        shown = {v["link"]: v["text"] for v in found["values"]}
        ok = [i for i in big if format_tonnes(links["tonnes"][i], language) in shown.get(i, "")]
    else:
        texts = " ".join(found["texts"])
        ok = [i for i in big if format_tonnes(links["tonnes"][i], language) in texts]
    return len(big), len(ok)


def readability(url: str, out: Path) -> list[dict[str, Any]]:
    """Measure every case; one row per case."""
    from playwright.sync_api import sync_playwright

    try:
        from mfa.export.sankey_files import export_figure
    except ImportError:  # the code before issue 13
        from mfa.export.sankey_files import export_figure  # type: ignore[no-redef]
    from mfa.services import loading
    from mfa.services.database import open_database

    engine = open_database(url)
    data = loading.load(engine, [YEAR])
    rows: list[dict[str, Any]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for case in CASES:
            row: dict[str, Any] = {"diagram": case.name, "level": case.level}
            start = time.perf_counter()
            try:
                diagram, figure = build(engine, data, case)
                svg = export_figure(figure, out / f"{re.sub(r'[^a-z0-9]+', '-', case.name.lower())}.svg")
            except Exception as exc:  # the table shows what failed
                rows.append(row | {"error": f"{type(exc).__name__}: {exc}"})
                continue
            found = measure(page, svg, figure)
            big, shown = values_shown(diagram, found)
            loops = int(diagram.links["loop"].sum()) if "loop" in diagram.links.columns else 0
            row |= {
                "nodes": found["nodes"],
                "links": diagram.links.height,
                "loops": loops,
                "labels": found["labels"],
                "over_label": found["over_label"],
                "over_node": found["over_node"],
                "span": round(found["span"], 3),
                "numbers": found["numbers"],
                "links_2pct": big,
                "links_2pct_valued": shown,
                "values_over_text": found.get("values_over", 0),
                "seconds": round(time.perf_counter() - start, 2),
            }
            rows.append(row)
        browser.close()
    return rows


def sweep(url: str, out: Path) -> list[str]:
    """Export every level for the province, every city and every park in every format; the failures."""
    import kaleido

    from mfa.domain.flowframe import PROVINCE, Scope
    from mfa.export.sankey_files import chromium_path, export_figure
    from mfa.services import loading, tables
    from mfa.services.database import open_database

    engine = open_database(url)
    data = loading.load(engine, [YEAR])
    scopes = [PROVINCE] + [Scope("city", c) for c in sorted(set(tables.registry(engine)["parks"]["city"]))]
    scopes += [Scope("park", p) for p in tables.registry(engine)["parks"]["code"]]
    kaleido.start_sync_server(path=chromium_path(), mathjax=False, silence_warnings=True)
    failures: list[str] = []
    done = 0
    start = time.perf_counter()
    for scope in scopes:
        for level in ("kind", "city", "park", "facility"):
            case = Case(str(scope), level, None if scope.level == "province" else (scope.level, scope.key))
            for suffix in (".json", ".html", ".svg", ".png", ".pdf"):
                try:
                    diagram, figure = build(engine, data, case)
                    export_figure(figure, out / f"sweep{suffix}", data=diagram)
                    done += 1
                except Exception as exc:
                    failures.append(f"{scope} {level} {suffix}: {type(exc).__name__}: {exc}")
    kaleido.stop_sync_server(silence_warnings=True)
    print(f"sweep: {done} exports, {len(failures)} failures in {time.perf_counter() - start:.0f} s")
    return failures


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a markdown table."""
    head = "| diagram | nodes | links (loops) | labels overlapping another | labels over another node | "
    head += "height the nodes span | numbers on the diagram | links >= 2 % with their value | values over text |\n"
    head += "|---|---|---|---|---|---|---|---|---|\n"
    lines = []
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['diagram']} | fails: {r['error'][:80]} | | | | | | | |")
            continue
        lines.append(
            f"| {r['diagram']} | {r['nodes']} | {r['links']} ({r['loops']}) | {r['over_label']} of {r['labels']} | "
            f"{r['over_node']} | {r['span']:.2f} | {r['numbers']} | {r['links_2pct_valued']} of {r['links_2pct']} | "
            f"{r['values_over_text']} |"
        )
    return head + "\n".join(lines)


def goals(rows: list[dict[str, Any]]) -> list[str]:
    """The goals a row misses."""
    missed = []
    for r in rows:
        if "error" in r:
            missed.append(f"{r['diagram']}: does not export")
            continue
        share = r["over_label"] / max(r["labels"], 1)
        if share > LABEL_GOALS[r["level"]] and "province · facility" not in r["diagram"]:
            missed.append(f"{r['diagram']}: {r['over_label']} overlapping labels")
        if r["span"] < HEIGHT_GOAL:
            missed.append(f"{r['diagram']}: nodes span {r['span']:.2f} of the height")
        if r["links_2pct_valued"] < r["links_2pct"]:
            missed.append(f"{r['diagram']}: {r['links_2pct'] - r['links_2pct_valued']} big links without a value")
    return missed


def main() -> None:
    """Measure, print the table and the goals missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL or SQLite file (default: the sample in a temp folder)")
    parser.add_argument("--out", type=Path, help="keep the SVGs here (default: a temp folder)")
    parser.add_argument("--sweep", action="store_true", help="also export every level and scope in every format")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mfa-sankey-bench-") as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        url = args.db if args.db and "://" in args.db else f"sqlite:///{args.db}" if args.db else sample_db(Path(tmp))
        import mfa

        print(f"mfa from {Path(mfa.__file__).parent}")
        rows = readability(url, out)
        print(table(rows))
        (out / "readability.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
        missed = goals(rows)
        print("goals: all met" if not missed else "goals missed:\n  " + "\n  ".join(missed))
        if args.sweep:
            failures = sweep(url, out)
            for failure in failures[:30]:
                print("  " + failure)


if __name__ == "__main__":
    main()
