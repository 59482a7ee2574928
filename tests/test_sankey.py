"""Sankey diagrams (mfa.domain.sankey, mfa.export.sankey_figure): aggregation, Other nodes, layout, scale, files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mfa.domain.labels import format_tonnes
from mfa.domain.sankey.data import OUTSIDE_TO, sankey_data
from mfa.domain.vocabulary import OTHER_SOURCES, OTHER_TARGETS, OUTSIDE
from mfa.export.sankey_figure import chromium_path, export_figure, sankey_figure, sankey_json
from mfa.reference import bundled_materials
from tests.factories import FLOW_SCHEMA

PARENTS: dict[str, str | None] = {
    "renewable": None,
    "scrap_steel": "renewable",
    "scrap_nonferrous": "renewable",
    "scrap_copper": "scrap_nonferrous",
    "bulk_solid_waste": None,
    "smelting_slag": "bulk_solid_waste",
    "fly_ash": "bulk_solid_waste",
    "secondary": None,
    "building_material": "secondary",
}

# code -> (kind, park, city, name, name_zh)
FACILITIES: dict[str, tuple[str, str | None, str | None, str, str]] = {
    "mill": ("source", "XT", "Xiangtan", "Steel mill", "湘潭钢厂"),
    "slag": ("recycling", "XT", "Xiangtan", "Slag processor", "钢渣处理厂"),
    "col": ("collection", "CS", "Changsha", "Scrap collector", "废钢回收站"),
    "brick": ("recycling", "CS", "Changsha", "Brick works", "砖厂"),
    "land": ("disposal", "YY", "Yueyang", "Landfill", "填埋场"),
    "loose": ("collection", None, "Changsha", "Street collector", "街道回收点"),
    "out": ("boundary", None, None, "Outside", "省外"),
}

# The steel loop: the mill's slag goes to the slag processor, which sends recovered scrap back to the mill.
ROWS: list[tuple[str, str, str, float]] = [
    ("col", "mill", "scrap_steel", 12000),
    ("mill", "slag", "smelting_slag", 5000),
    ("slag", "mill", "scrap_steel", 800),
    ("slag", "brick", "smelting_slag", 3000),
    ("slag", "land", "smelting_slag", 1200),
    ("out", "col", "scrap_steel", 4000),
    ("brick", "out", "building_material", 2500),
    ("col", "brick", "scrap_copper", 30),
    ("loose", "col", "scrap_steel", 600),
    ("mill", "brick", "fly_ash", 400),
]
TOTAL_T = sum(row[3] for row in ROWS)


def make_flows(rows: list[tuple[str, str, str, float]]) -> pl.DataFrame:
    """The analysis flow frame of `rows` (source, target, material, tonnes), all in 2024."""
    records = []
    for source, target, material, tonnes in rows:
        s_kind, s_park, s_city, *_ = FACILITIES[source]
        t_kind, t_park, t_city, *_ = FACILITIES[target]
        records.append(
            (
                "2024",
                2024,
                None,
                source,
                target,
                material,
                float(tonnes),
                s_kind,
                t_kind,
                s_park,
                t_park,
                s_city,
                t_city,
            )
        )
    return pl.DataFrame(records, schema=FLOW_SCHEMA, orient="row")


@pytest.fixture
def flows() -> pl.DataFrame:
    return make_flows(ROWS)


@pytest.fixture
def facilities() -> pl.DataFrame:
    rows = [(code, name, zh, kind, park, city) for code, (kind, park, city, name, zh) in FACILITIES.items()]
    schema = ["code", "name", "name_zh", "kind", "park", "city"]
    return pl.DataFrame(rows, schema=schema, orient="row")


def link_tonnes(links: pl.DataFrame) -> dict[tuple[str, str, str], float]:
    return {
        (s, t, g): tonnes for s, t, g, tonnes in links.select("source", "target", "material_group", "tonnes").rows()
    }


EXPECTED: dict[str, tuple[dict[tuple[str, str, str], float], float]] = {
    "park": (
        {
            ("CS", "XT", "renewable"): 12000,
            ("XT", "CS", "bulk_solid_waste"): 3400,
            ("XT", "YY", "bulk_solid_waste"): 1200,
            (OUTSIDE, "CS", "renewable"): 4000,
            ("CS", OUTSIDE, "secondary"): 2500,
            ("outside any park", "CS", "renewable"): 600,
        },
        5800 + 30,
    ),
    "city": (
        {
            ("Changsha", "Xiangtan", "renewable"): 12000,
            ("Xiangtan", "Changsha", "bulk_solid_waste"): 3400,
            ("Xiangtan", "Yueyang", "bulk_solid_waste"): 1200,
            (OUTSIDE, "Changsha", "renewable"): 4000,
            ("Changsha", OUTSIDE, "secondary"): 2500,
        },
        5800 + 30 + 600,
    ),
    "kind": (
        {
            ("collection", "source", "renewable"): 12000,
            ("source", "recycling", "bulk_solid_waste"): 5400,
            ("recycling", "source", "renewable"): 800,
            ("recycling", "disposal", "bulk_solid_waste"): 1200,
            (OUTSIDE, "collection", "renewable"): 4000,
            ("recycling", OUTSIDE, "secondary"): 2500,
            ("collection", "recycling", "renewable"): 30,
        },
        3000 + 600,
    ),
    "facility": (
        {
            ("col", "mill", "renewable"): 12000,
            ("mill", "slag", "bulk_solid_waste"): 5000,
            ("slag", "mill", "renewable"): 800,
            ("slag", "brick", "bulk_solid_waste"): 3000,
            ("slag", "land", "bulk_solid_waste"): 1200,
            (OUTSIDE, "col", "renewable"): 4000,
            ("brick", OUTSIDE, "secondary"): 2500,
            ("col", "brick", "renewable"): 30,
            ("loose", "col", "renewable"): 600,
            ("mill", "brick", "bulk_solid_waste"): 400,
        },
        0.0,
    ),
}


@pytest.mark.parametrize("level", ["facility", "park", "city", "kind"])
def test_links_per_material_group_with_exact_tonnes_at_each_level(
    flows: pl.DataFrame, facilities: pl.DataFrame, level: str
) -> None:
    data = sankey_data(flows, facilities, PARENTS, level=level)  # type: ignore[arg-type]
    links, internal_t = EXPECTED[level]
    assert link_tonnes(data.links) == links
    assert data.internal_t == internal_t
    assert data.total_t + data.internal_t == TOTAL_T  # nothing is lost: drawn or reported as internal
    assert set(data.nodes["id"]) == {end for s, t, _ in links for end in (s, t)}


def test_park_link_carries_its_material_breakdown(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    names = {str(m["code"]): str(m["name"]) for m in bundled_materials()}  # what the service passes
    data = sankey_data(flows, facilities, PARENTS, level="park", labels=names)
    link = data.links.filter(source="XT", target="CS").row(0, named=True)
    assert link["breakdown"] == [
        {"material": "smelting_slag", "tonnes": 3000.0},
        {"material": "fly_ash", "tonnes": 400.0},
    ]
    assert link["materials"] == "Smelting slag 3.00 kt; Fly ash 400 t"
    assert link["group_label"] == "Bulk industrial solid waste"


def test_flows_inside_a_park_are_reported_per_node_not_drawn(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    data = sankey_data(flows, facilities, PARENTS, level="park")
    assert data.links.filter(pl.col("source") == pl.col("target")).is_empty()
    internal = dict(data.nodes.select("id", "internal_t").rows())
    assert internal == {"XT": 5800.0, "CS": 30.0, "YY": 0.0, OUTSIDE: 0.0, "outside any park": 0.0}


def test_node_tonnes_are_the_larger_of_inflow_and_outflow(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    nodes = sankey_data(flows, facilities, PARENTS, level="facility").nodes
    col = nodes.filter(id="col").row(0, named=True)
    assert (col["inflow_t"], col["outflow_t"], col["tonnes"]) == (4600.0, 12030.0, 12030.0)


def test_min_share_merges_small_nodes_into_the_other_pair_and_keeps_every_tonne(
    flows: pl.DataFrame, facilities: pl.DataFrame
) -> None:
    full = sankey_data(flows, facilities, PARENTS, level="facility")
    data = sankey_data(flows, facilities, PARENTS, level="facility", min_share=0.05)  # below 1,476.5 t: land, loose
    assert data.total_t == full.total_t == TOTAL_T
    assert set(data.nodes["id"]) == set(full.nodes["id"]) - {"land", "loose"} | {OTHER_SOURCES, OTHER_TARGETS}
    assert link_tonnes(data.links)[("slag", OTHER_TARGETS, "bulk_solid_waste")] == 1200
    assert link_tonnes(data.links)[(OTHER_SOURCES, "col", "renewable")] == 600
    kept = ["id", "inflow_t", "outflow_t", "tonnes"]
    assert_frame_equal(  # every node that stays keeps its true inflow and outflow
        data.nodes.filter(pl.col("merged") == 0).select(kept).sort("id"),
        full.nodes.filter(pl.col("id").is_in(data.nodes["id"].to_list())).select(kept).sort("id"),
    )
    other = data.nodes.filter(pl.col("id").is_in([OTHER_SOURCES, OTHER_TARGETS]))
    assert other["label"].to_list() == ["Other", "Other"]
    assert other["merged"].to_list() == [2, 2]
    assert set(other["kind"]) == {"other"}


def test_min_share_zero_merges_nothing(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    data = sankey_data(flows, facilities, PARENTS, level="facility", min_share=0.0)
    assert data.nodes["merged"].sum() == 0
    assert OTHER_SOURCES not in data.nodes["id"]


def test_node_and_link_order_is_stable_when_rows_are_shuffled_or_split(facilities: pl.DataFrame) -> None:
    first = sankey_data(make_flows(ROWS), facilities, PARENTS, level="facility")
    halves = [(s, t, m, q / 2) for s, t, m, q in ROWS for _ in range(2)]  # the same tonnes as monthly pieces
    for seed in range(5):
        shuffled = make_flows(halves).sample(fraction=1.0, shuffle=True, seed=seed)
        again = sankey_data(shuffled, facilities, PARENTS, level="facility")
        assert_frame_equal(again.nodes, first.nodes)
        assert_frame_equal(again.links, first.links)


def test_steel_loop_gets_explicit_positions_and_both_links_in_the_figure(
    flows: pl.DataFrame, facilities: pl.DataFrame
) -> None:
    data = sankey_data(flows, facilities, PARENTS, level="facility")
    assert data.nodes["x"].is_between(0, 1, closed="none").all()
    assert data.nodes["y"].is_between(0, 1, closed="none").all()
    loops = data.links.filter("loop").select("source", "target").rows()
    assert ("slag", "mill") in loops  # the 800 t return is drawn as the loop, not the 12,000 t feed
    assert ("col", "mill") not in loops
    fig = sankey_figure(data)
    trace = fig.data[0]
    assert trace.arrangement == "fixed"
    assert all(0 < x < 1 for x in trace.node.x)
    pad = fig.layout.meta["padding"]["nodes"]
    assert all(0 < y < 1 for y in trace.node.y[pad:])
    assert all(y > 1 for y in trace.node.y[:pad])  # padding hangs below the plot, unseen
    ids = [None] * pad + data.nodes["id"].to_list()
    drawn = {
        (ids[s], ids[t]): v for s, t, v in zip(trace.link.source, trace.link.target, trace.link.value, strict=True)
    }
    assert drawn[("mill", "slag")] == 5000
    assert drawn[("slag", "mill")] == 800


def test_columns_put_sources_before_their_targets_except_along_loops(
    flows: pl.DataFrame, facilities: pl.DataFrame
) -> None:
    data = sankey_data(flows, facilities, PARENTS, level="facility")
    column = dict(data.nodes.select("id", "column").rows())
    for source, target, loop in data.links.select("source", "target", "loop").rows():
        assert (column[source] < column[target]) != loop
    assert column["land"] == max(column.values())  # sinks go to the last column


def test_nodes_of_a_column_are_ordered_by_kind_then_label(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    nodes = sankey_data(flows, facilities, PARENTS, level="facility").nodes
    last = nodes.filter(pl.col("column") == nodes["column"].max()).sort("y")
    assert last["id"].to_list() == [OUTSIDE, "land"]  # boundary before disposal, top to bottom


def test_scale_t_adds_invisible_padding_that_fixes_pixels_per_tonne(facilities: pl.DataFrame) -> None:
    acyclic = [row for row in ROWS if row[:2] not in {("slag", "mill"), ("out", "col")}]
    data = sankey_data(make_flows(acyclic), facilities, PARENTS, level="facility")
    assert data.loops_t == 0
    plot_h = 600 - 20 - 20
    for scale_t in (40_000.0, 80_000.0):
        fig = sankey_figure(data, scale_t=scale_t)
        meta, link = fig.layout.meta, fig.data[0].link
        assert meta["per_t_px"] == pytest.approx(0.2 * plot_h / scale_t)
        n = meta["padding"]["links"]
        assert n == data.nodes["column"].max()  # a chain through every column
        assert list(link.value[:n]) == pytest.approx([scale_t / 0.2 - data.span_t] * n)
        assert set(link.color[:n]) == {"rgba(0, 0, 0, 0)"}
        assert set(link.customdata[:n]) == {""}


def test_scale_t_with_loops_adds_two_tiny_loops_and_padding(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    data = sankey_data(flows, facilities, PARENTS, level="facility")
    fig = sankey_figure(data, scale_t=60_000)
    padding = fig.layout.meta["padding"]
    assert padding["tiny_loop_t"] > 0 and padding["tonnes"] > 0
    link = fig.data[0].link
    assert list(zip(link.source[:4], link.target[:4], strict=True)) == [(0, 1), (1, 0), (2, 3), (3, 2)]
    assert fig.layout.meta["per_t_px"] == pytest.approx(0.2 * 560 / 60_000)


def test_scale_t_too_small_for_the_diagram_warns(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    data = sankey_data(flows, facilities, PARENTS, level="facility")
    with pytest.warns(RuntimeWarning, match="does not fit"):
        fig = sankey_figure(data, scale_t=data.span_t / 10)
    assert fig.layout.meta["per_t_px"] == pytest.approx(sankey_figure(data).layout.meta["per_t_px"])


def test_figure_colours_nodes_by_kind_and_links_by_group(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    data = sankey_data(flows, facilities, PARENTS, level="facility", language="zh")
    fig = sankey_figure(data, title="钢渣循环")
    trace, pad = fig.data[0], fig.layout.meta["padding"]
    node_colour = dict(zip(data.nodes["id"], trace.node.color[pad["nodes"] :], strict=True))
    assert node_colour["col"] == "#e69f00" and node_colour["slag"] == node_colour["brick"] == "#009e73"
    link_colour = set(zip(data.links["material_group"], trace.link.color[pad["links"] :], strict=True))
    assert ("renewable", "rgba(0, 158, 115, 0.40)") in link_colour
    assert "湘潭钢厂" in trace.node.label
    assert any("1.2 万吨" in text for text in trace.link.customdata)
    assert "Noto Sans CJK SC" in fig.layout.font.family and "WenQuanYi Micro Hei" in fig.layout.font.family


def test_labels_follow_language_and_the_label_map(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    city = sankey_data(flows, facilities, PARENTS, level="city", language="zh")
    assert set(city.nodes["label"]) == {"长沙", "湘潭", "岳阳", "省外"}
    kind = sankey_data(flows, facilities, PARENTS, level="kind", language="zh")
    assert "回收网点/分拣中心" in kind.nodes["label"].to_list()
    park = sankey_data(flows, facilities, PARENTS, level="park", labels={"XT": "湘潭九华", "renewable": "再生"})
    assert "湘潭九华" in park.nodes["label"].to_list()
    assert "再生" in park.links["group_label"].to_list()


def test_split_outside_draws_imports_and_exports_apart(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    data = sankey_data(flows, facilities, PARENTS, level="park", split_outside=True)
    assert link_tonnes(data.links)[("CS", OUTSIDE_TO, "secondary")] == 2500
    column = dict(data.nodes.select("id", "column").rows())
    assert column[OUTSIDE] == 0 and column[OUTSIDE_TO] == max(column.values())


def test_sankey_data_does_not_mutate_its_input(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    before = flows.clone()
    sankey_data(flows.lazy(), facilities, PARENTS, level="park", min_share=0.1)
    assert_frame_equal(flows, before)


def test_no_flows_give_an_empty_diagram_and_a_figure_saying_so(facilities: pl.DataFrame) -> None:
    data = sankey_data(make_flows([]), facilities, PARENTS)
    assert data.nodes.is_empty() and data.links.is_empty() and data.total_t == 0
    fig = sankey_figure(data, language="zh")
    assert fig.layout.annotations[0].text == "没有流量"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": "province"}, "unknown level"),
        ({"min_share": 1.0}, "min_share"),
        ({"language": "fr"}, "unknown language"),
    ],
)
def test_bad_arguments_are_refused(flows: pl.DataFrame, facilities: pl.DataFrame, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sankey_data(flows, facilities, PARENTS, **kwargs)


def test_missing_columns_are_named(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="source_park"):
        sankey_data(flows.drop("source_park"), facilities, PARENTS, level="park")


@pytest.mark.parametrize(
    ("value", "language", "text"),
    [
        (12_300, "en", "12.3 kt"),
        (0.45, "en", "0.5 t"),
        (0, "en", "0.0 t"),
        (30, "en", "30.0 t"),
        (1_234_567, "en", "1.23 Mt"),
        (12_300, "zh", "1.23 万吨"),
        (9_800, "zh", "9,800 吨"),
        (123_456_789, "zh", "1.23 亿吨"),
        (30_000_000, "zh", "3,000 万吨"),
        (-500, "en", "-500 t"),
    ],
)
def test_format_tonnes_for_people(value: float, language: str, text: str) -> None:
    assert format_tonnes(value, language) == text  # type: ignore[arg-type]


def test_json_has_the_shape_d3_sankey_reads(flows: pl.DataFrame, facilities: pl.DataFrame, tmp_path: Path) -> None:
    data = sankey_data(flows, facilities, PARENTS, level="park")
    payload = sankey_json(data)
    assert set(payload) == {"level", "language", "total_t", "internal_t", "nodes", "links"}
    assert set(payload["nodes"][0]) == {"id", "label", "kind", "column", "x", "y", "tonnes"}
    assert set(payload["links"][0]) == {"source", "target", "material", "tonnes", "materials", "loop"}
    ids = {node["id"] for node in payload["nodes"]}
    assert all(link["source"] in ids and link["target"] in ids for link in payload["links"])
    assert all(sum(link["materials"].values()) == link["tonnes"] for link in payload["links"])
    written = export_figure(sankey_figure(data), tmp_path / "park.json")  # the figure remembers its data
    assert json.loads(written.read_text(encoding="utf-8")) == json.loads(json.dumps(payload))


def test_html_export_works_offline(flows: pl.DataFrame, facilities: pl.DataFrame, tmp_path: Path) -> None:
    fig = sankey_figure(sankey_data(flows, facilities, PARENTS, level="park"))
    text = export_figure(fig, tmp_path / "park.html").read_text(encoding="utf-8")
    assert "Plotly.newPlot" in text and "plotly.js v" in text  # plotly.js is inside the file
    assert not re.search(r"<script[^>]+src=", text)  # and nothing is fetched from the network


def test_unknown_extension_is_refused(flows: pl.DataFrame, facilities: pl.DataFrame, tmp_path: Path) -> None:
    fig = sankey_figure(sankey_data(flows, facilities, PARENTS))
    with pytest.raises(ValueError, match=r"use \.html"):
        export_figure(fig, tmp_path / "park.gif")


# Static export drives Chromium through kaleido; CI must have it (.ci/run installs it).


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


def node_heights(svg: str) -> list[float]:
    return [float(h) for h in re.findall(r'class="node-rect"[^>]*?height="([\d.]+)"', svg)]


@pytest.mark.slow
@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<svg"), (".pdf", b"%PDF")])
def test_static_export_writes_the_file(
    chromium: None, flows: pl.DataFrame, facilities: pl.DataFrame, tmp_path: Path, suffix: str, magic: bytes
) -> None:
    fig = sankey_figure(sankey_data(flows, facilities, PARENTS, level="facility"), title="Steel loop")
    content = export_figure(fig, tmp_path / f"loop{suffix}").read_bytes()
    assert content.startswith(magic) if suffix != ".svg" else magic in content[:500]


@pytest.mark.slow
def test_pdf_with_chinese_labels_embeds_a_cjk_font(
    chromium: None, flows: pl.DataFrame, facilities: pl.DataFrame, tmp_path: Path
) -> None:
    """Chinese labels use WenQuanYi Micro Hei first, a TrueType font that Chromium embeds by name (Noto Sans CJK,
    a CFF font, would come out as unnamed Type 3 glyphs); and the labels come back out as the right characters:
    text drawn as missing-glyph boxes could not be mapped back to Unicode."""
    _need(shutil.which("pdffonts") is not None, "pdffonts missing: apt-get install poppler-utils")
    fig = sankey_figure(sankey_data(flows, facilities, PARENTS, level="facility", language="zh"), title="钢渣循环")
    pdf = str(export_figure(fig, tmp_path / "loop.pdf"))
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYiMicroHei" in fonts, fonts
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    text = unicodedata.normalize("NFKC", text)  # a font may map 厂 and the radical ⼚ to one glyph
    for label in ("钢渣循环", "湘潭钢厂", "钢渣处理厂", "废钢回收站", "省外"):
        assert label in text, text


@pytest.mark.slow
def test_rendered_node_heights_follow_scale_t_with_and_without_loops(
    chromium: None, facilities: pl.DataFrame, tmp_path: Path
) -> None:
    """The real check of the padding: plotly.js draws every node at tonnes * the fixed px per tonne."""
    acyclic = [row for row in ROWS if row[:2] not in {("slag", "mill"), ("out", "col")}]
    for name, rows in (("loop", ROWS), ("acyclic", acyclic)):
        data = sankey_data(make_flows(rows), facilities, PARENTS, level="facility")
        fig = sankey_figure(data, scale_t=50_000)
        svg = export_figure(fig, tmp_path / f"{name}.svg").read_text(encoding="utf-8")
        heights = node_heights(svg)[fig.layout.meta["padding"]["nodes"] :]
        per_t = 0.2 * 560 / 50_000
        assert heights == pytest.approx([t * per_t for t in data.nodes["tonnes"]], rel=1e-3), name


def test_user_text_in_names_and_titles_is_shown_literally_not_as_markup(
    flows: pl.DataFrame, facilities: pl.DataFrame
) -> None:
    named = facilities.with_columns(
        pl.when(pl.row_index() == 0).then(pl.lit('<b>Big</b> <a href="javascript:alert(1)">x</a> & co'))
        .otherwise(pl.col("name")).alias("name")
    )  # fmt: skip
    data = sankey_data(flows, named, PARENTS, level="facility", language="en")
    figure = sankey_figure(data, title="<script>alert(1)</script>")
    labels = figure.data[0].node.label
    assert '&lt;b&gt;Big&lt;/b&gt; &lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt; &amp; co' in labels
    assert not any("<b>Big" in str(hover) for hover in figure.data[0].node.customdata)
    assert figure.layout.title.text == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert any(n["label"].startswith("<b>Big") for n in sankey_json(data)["nodes"])  # the data keeps it verbatim
