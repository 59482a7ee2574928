"""mfa.export.sankey_figure and sankey_files: the figure drawn from the layout, its JSON for d3, and the files."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import networkx as nx
import polars as pl
import pytest

from mfa.domain.sankey import SankeyData, SankeyOptions, lay_out, sankey_data
from mfa.export.sankey_figure import GROUP_COLOURS, KIND_COLOURS, sankey_figure
from mfa.export.sankey_files import chromium_path, export_figure, sankey_json
from tests.domain.sankey_world import PARENTS, ROWS, facility_frame, make_flows, random_world

ROOT = Path(__file__).resolve().parents[2]
D3 = ROOT / "bench" / "d3"


def steel(level: str = "facility", language: str = "en", view: str = "auto") -> SankeyData:
    options = SankeyOptions(level=level, view=view)  # type: ignore[arg-type]
    return sankey_data(make_flows(ROWS), facility_frame(), PARENTS, options, language=language)  # type: ignore[arg-type]


def traces(fig: object, prefix: str) -> list:
    return [t for t in fig.data if (t.uid or "").startswith(prefix)]  # type: ignore[attr-defined]


def test_every_node_and_link_is_a_tagged_filled_shape_with_its_hover() -> None:
    data = steel()
    fig = sankey_figure(data, title="Steel loop", note="Source: test")
    nodes, links = traces(fig, "mfa-node-"), [t for t in traces(fig, "mfa-link-") if t.uid != "mfa-link-points"]
    assert len(nodes) == data.nodes.height and len(links) == data.links.height
    assert all(t.fill == "toself" and t.hoveron == "fills" for t in nodes + links)
    assert "Steel mill" in nodes[data.nodes["id"].to_list().index("mill")].name  # the hover text
    assert any("12.0 kt" in t.name for t in links)
    points = traces(fig, "mfa-link-points")[0]
    assert sorted(points.customdata) == list(range(data.links.height))  # a point per link to click


def test_labels_values_title_note_and_legend_are_on_the_figure() -> None:
    data = steel()
    fig = sankey_figure(data, title="Steel loop", note="Source: test")
    elements = fig.layout.meta["mfa_elements"]
    texts = [a.text for a in fig.layout.annotations]
    assert len(elements["node_labels"]) == data.nodes.height
    assert "Steel mill <b>12.8 kt</b>" in texts  # a node's tonnes: the larger of in (12.8 kt) and out (5.4 kt)
    big = [i for i, t in enumerate(data.links["tonnes"]) if t >= 0.02 * data.total_t]
    assert sorted(link for link, _ in elements["link_values"]) == big
    assert "Source: test" in texts
    assert fig.layout.title.text == "Steel loop"
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend[:3] == ["renewable", "bulk_solid_waste", "secondary"]  # groups (no label map: their codes)
    assert {"Source", "Collection", "Recycling", "Disposal"} <= set(legend)  # and the kinds, at facility level


def test_nodes_are_coloured_by_kind_and_bands_by_group() -> None:
    data = steel()
    fig = sankey_figure(data)
    colour = dict(zip(data.nodes["id"], [t.fillcolor for t in traces(fig, "mfa-node-")], strict=True))
    assert (
        colour["col"] == KIND_COLOURS["collection"] and colour["slag"] == colour["brick"] == KIND_COLOURS["recycling"]
    )
    links = [t for t in traces(fig, "mfa-link-") if t.uid != "mfa-link-points"]
    assert {t.fillcolor for t in links} == set(GROUP_COLOURS.values())


def test_chinese_figures_use_a_cjk_font_and_chinese_words() -> None:
    data = steel(language="zh")
    fig = sankey_figure(data, title="钢渣循环")
    assert "WenQuanYi Micro Hei" in fig.layout.font.family
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "湘潭钢厂" in texts and "万吨" in texts and "省外流入" in texts


def test_user_text_in_names_and_titles_is_shown_literally_not_as_markup() -> None:
    named = facility_frame().with_columns(
        pl.when(pl.col("code") == "mill")
        .then(pl.lit('<b>Big</b> <a href="javascript:alert(1)">x</a> & co'))
        .otherwise(pl.col("name"))
        .alias("name")
    )
    data = sankey_data(make_flows(ROWS), named, PARENTS, SankeyOptions(level="facility"))
    fig = sankey_figure(data, title="<script>alert(1)</script>", note="<i>n</i>")
    texts = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("&lt;b&gt;Big&lt;/b&gt; &lt;a href") for t in texts)
    assert not any("<b>Big" in t or "<a href" in t or "<i>" in t for t in texts)
    assert not any("<b>Big" in t.name for t in traces(fig, "mfa-"))
    assert fig.layout.title.text == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert any(n["label"].startswith("<b>Big") for n in sankey_json(data)["nodes"])  # the data keeps it verbatim


def test_a_fixed_scale_is_recorded_and_warns_when_it_cannot_be_kept() -> None:
    data = steel()
    fig = sankey_figure(data, scale_t=100_000)
    assert fig.layout.meta["fits"] and fig.layout.meta["per_t_px"] == pytest.approx(400 / 100_000)
    with pytest.warns(RuntimeWarning, match="does not fit"):
        small = sankey_figure(data, scale_t=1_000, height=500)
    assert not small.layout.meta["fits"]


def test_no_flows_give_a_figure_saying_so_in_the_users_language() -> None:
    empty = sankey_data(make_flows([]), facility_frame(), PARENTS, language="zh")
    fig = sankey_figure(empty, title="空")
    assert fig.layout.annotations[0].text == "所选范围内没有可绘制的流量"
    assert fig.layout.meta["mfa_sankey"]["links"] == []


def test_json_has_the_shape_d3_sankey_reads_and_marks_the_returns(tmp_path: Path) -> None:
    data = steel("kind")
    payload = sankey_json(data)
    assert set(payload) == {"level", "view", "language", "total_t", "internal_t", "nodes", "links"}
    assert set(payload["nodes"][0]) == {"id", "label", "kind", "column", "x", "y", "tonnes"}
    assert set(payload["links"][0]) == {"source", "target", "value", "tonnes", "material", "materials", "loop"}
    ids = {node["id"] for node in payload["nodes"]}
    assert all(link["source"] in ids and link["target"] in ids for link in payload["links"])
    assert all(sum(link["materials"].values()) == link["value"] for link in payload["links"])
    assert any(link["loop"] for link in payload["links"])
    acyclic = nx.DiGraph((link["source"], link["target"]) for link in payload["links"] if not link["loop"])
    assert nx.is_directed_acyclic_graph(acyclic)  # what d3-sankey needs once the loops are dropped
    written = export_figure(sankey_figure(data), tmp_path / "kind.json")  # the figure remembers its data
    assert json.loads(written.read_text(encoding="utf-8")) == json.loads(json.dumps(payload))


def test_html_export_works_offline(tmp_path: Path) -> None:
    text = export_figure(sankey_figure(steel("park")), tmp_path / "park.html").read_text(encoding="utf-8")
    assert "Plotly.newPlot" in text and "plotly.js v" in text  # plotly.js is inside the file
    assert not re.search(r"<script[^>]+src=", text)  # and nothing is fetched from the network


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"use \.html"):
        export_figure(sankey_figure(steel()), tmp_path / "park.gif")


# Static export and the checks in a browser drive Chromium; CI must have it (.ci/run installs it).


def _need(tool_ok: bool, reason: str) -> None:
    if tool_ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must run the static export tests)")
    pytest.skip(reason)


@pytest.fixture
def chromium() -> None:
    found = Path("/usr/bin/chromium").is_file() or bool(os.environ.get("BROWSER_PATH"))
    _need(found, "no Chromium at /usr/bin/chromium: apt-get install chromium fonts-noto-cjk")
    assert chromium_path() is not None


@pytest.mark.slow
@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<svg"), (".pdf", b"%PDF")])
def test_static_export_writes_the_file(chromium: None, tmp_path: Path, suffix: str, magic: bytes) -> None:
    content = export_figure(sankey_figure(steel(), title="Steel loop"), tmp_path / f"loop{suffix}").read_bytes()
    assert content.startswith(magic) if suffix != ".svg" else magic in content[:500]


@pytest.mark.slow
def test_pdf_with_chinese_labels_embeds_a_cjk_font(chromium: None, tmp_path: Path) -> None:
    """Chinese labels use WenQuanYi Micro Hei first, a TrueType font that Chromium embeds by name; the labels
    come back out as the right characters (text drawn as missing-glyph boxes could not be mapped back)."""
    _need(shutil.which("pdffonts") is not None, "pdffonts missing: apt-get install poppler-utils")
    pdf = str(export_figure(sankey_figure(steel(language="zh"), title="钢渣循环"), tmp_path / "loop.pdf"))
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYiMicroHei" in fonts, fonts
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    text = unicodedata.normalize("NFKC", text)  # a font may map 厂 and the radical ⼚ to one glyph
    for label in ("钢渣循环", "湘潭钢厂", "钢渣处理厂", "废钢回收站", "省外流入", "万吨"):
        assert label in text, text


def readability() -> ModuleType:
    """bench/sankey_readability.py, whose measure() reads the drawn boxes of an SVG in Chromium."""
    spec = importlib.util.spec_from_file_location("sankey_readability", ROOT / "bench" / "sankey_readability.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize(
    ("level", "view"), [("kind", "auto"), ("facility", "auto"), ("park", "od"), ("park", "network")]
)
def test_what_chromium_draws_has_no_overlapping_labels_fills_the_height_and_shows_values(
    chromium: None, tmp_path: Path, level: str, view: str
) -> None:
    """The real check of the text widths the layout estimates: the boxes Chromium draws."""
    from playwright.sync_api import sync_playwright

    bench = readability()
    world, rows = random_world(seed=7, n=40, links=110)
    options = SankeyOptions(level=level, view=view)  # type: ignore[arg-type]
    data = sankey_data(make_flows(rows, world), facility_frame(world), PARENTS, options)
    fig = sankey_figure(data, title="A random province", note="Source: random")
    svg = export_figure(fig, tmp_path / "random.svg")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        found = bench.measure(browser.new_page(), svg, fig)
        browser.close()
    assert found["nodes"] == data.nodes.height and found["labels"] == data.nodes.height
    assert found["over_label"] == 0 and found["over_node"] == 0
    drawn = lay_out(data)  # what the layout meant is what Chromium drew
    top, bottom = min(b.y0 for b in drawn.nodes.values()), max(b.y1 for b in drawn.nodes.values())
    assert found["span"] == pytest.approx((bottom - top) / drawn.height, abs=0.01)
    big, shown = bench.values_shown(data, found)
    assert big == shown > 0


@pytest.mark.slow
def test_the_json_loads_in_d3_sankey_circular_and_without_loops_in_d3_sankey(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (D3 / "node_modules" / "d3-sankey-circular").is_dir():
        pytest.skip("needs node and the d3 packages: npm ci --prefix bench/d3")
    files = []
    for level, view in (("kind", "auto"), ("facility", "auto"), ("park", "network"), ("city", "od")):
        world, rows = random_world(seed=4, n=40, links=120)
        options = SankeyOptions(level=level, view=view)  # type: ignore[arg-type]
        data = sankey_data(make_flows(rows, world), facility_frame(world), PARENTS, options)
        path = tmp_path / f"{level}-{view}.json"
        export_figure(sankey_figure(data), path)
        files.append(str(path))
    run = subprocess.run([node, str(D3 / "check.mjs"), *files], capture_output=True, text=True, cwd=D3)
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.returncode == 0, run.stdout + run.stderr
    assert [r["circular_ok"] and r["sankey_ok"] for r in results] == [True] * 4
    assert any(r["loops"] for r in results)
