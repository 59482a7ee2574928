"""mfa.domain.sankey.layout on hand-built graphs with loops: what issue 13 asks of a diagram a report can print.

Labels never overlap each other or another node, the nodes span at least 60 % of the figure's height, every link
carrying 2 % of the tonnes shows its tonnes, no band passes over a node (returns run under them, links spanning
several columns through waypoints), each node is drawn once."""

from __future__ import annotations

import itertools

import polars as pl
import pytest

from mfa.domain.labels import format_tonnes
from mfa.domain.sankey import Layout, SankeyData, SankeyOptions, lay_out, sankey_data
from mfa.domain.sankey.metrics import GAP, LABEL_H, MIN_NODE_AREA, NODE_SHARE, SCALE_PX, VALUE_SHARE
from mfa.domain.sankey.text import Box, spread
from tests.domain.sankey_world import FACILITIES, PARENTS, ROWS, facility_frame, make_flows, random_world

HEIGHT_GOAL = 0.6


def segment_enters(p: tuple[float, float], q: tuple[float, float], box: Box, inset: float = 0.5) -> bool:
    """True when the segment p-q passes through the inside of `box` (shrunk by `inset`): Liang-Barsky clipping."""
    x0, y0, x1, y1 = box.x0 + inset, box.y0 + inset, box.x1 - inset, box.y1 - inset
    if x0 >= x1 or y0 >= y1:
        return False
    dx, dy = q[0] - p[0], q[1] - p[1]
    low, high = 0.0, 1.0
    for edge_p, edge_q in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if edge_p == 0:
            if edge_q < 0:
                return False
            continue
        r = edge_q / edge_p
        if edge_p < 0:
            low = max(low, r)
        else:
            high = min(high, r)
        if low > high:
            return False
    return True


def check(data: SankeyData, drawn: Layout, *, height_goal: float | None = HEIGHT_GOAL) -> None:
    """Assert every property issue 13 asks of a printed diagram."""
    ids = data.nodes["id"].to_list()
    assert len(set(ids)) == len(ids) == len(drawn.nodes)  # each node drawn once
    assert sorted(label.node for label in drawn.labels) == sorted(ids)  # and labelled once
    boxes = [label.box for label in drawn.labels]
    for i, label in enumerate(drawn.labels):
        others = [b for j, b in enumerate(boxes) if j != i]
        assert not any(label.box.overlaps(b) for b in others), f"label of {label.node} overlaps another label"
        over = [v for v, b in drawn.nodes.items() if v != label.node and label.box.overlaps(b)]
        assert not over, f"label of {label.node} lies over {over}"
        assert label.box.x0 >= 0 and label.box.x1 <= drawn.width, f"label of {label.node} leaves the figure"
        assert label.value == format_tonnes(data.nodes.filter(id=label.node)["tonnes"][0], data.language)
    top = min(b.y0 for b in drawn.nodes.values())
    bottom = max(b.y1 for b in drawn.nodes.values())
    labels_top = min(label.box.y0 for label in drawn.labels)
    labels_bottom = max(label.box.y1 for label in drawn.labels)
    forward = [y for band in drawn.bands if not band.is_return for _, y in band.outline]
    filled = max(bottom, labels_bottom, *forward) - min(top, labels_top, *forward)
    assert filled + drawn.lanes + drawn.top + 30 >= drawn.plot.y1  # no empty band: nodes or their labels fill it
    if height_goal is not None and drawn.lanes < 0.6 * (bottom - top) and labels_bottom - labels_top <= bottom - top:
        assert (bottom - top) / drawn.height >= height_goal  # unless heavy returns or many labels need the height
    for v, t in data.nodes.select("id", "tonnes").rows():
        box = drawn.nodes[v]
        assert box.y1 - box.y0 == pytest.approx(max(t * drawn.per_t, 1.0))
        assert box.y0 >= 0 and box.y1 <= drawn.height
    total = data.total_t
    for band in drawn.bands:
        row = data.links.row(band.link, named=True)
        if row["tonnes"] >= VALUE_SHARE * total:
            assert band.value == format_tonnes(row["tonnes"], data.language) and band.value_box is not None
        else:
            assert band.value is None
        assert band.is_return == row["loop"]
        outline = band.outline + band.outline[:1]
        for box in drawn.nodes.values():  # returns run under the nodes, links spanning columns through waypoints
            assert not any(segment_enters(p, q, box) for p, q in itertools.pairwise(outline)), (
                f"{'return' if band.is_return else 'link'} {row['source']} -> {row['target']} passes over a node"
            )


def steel(level: str, view: str = "auto") -> SankeyData:
    options = SankeyOptions(level=level, view=view)  # type: ignore[arg-type]
    return sankey_data(make_flows(ROWS), facility_frame(), PARENTS, options)


@pytest.mark.parametrize(
    ("level", "view"),
    [
        ("kind", "auto"),
        ("facility", "auto"),
        ("park", "auto"),
        ("city", "auto"),
        ("park", "network"),
        ("kind", "network"),
        ("kind", "od"),
        ("facility", "network"),
    ],
)
def test_the_steel_loop_reads_at_every_level_and_view(level: str, view: str) -> None:
    data = steel(level, view)
    check(data, lay_out(data))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    ("level", "view"),
    [
        ("facility", "stages"),
        ("facility", "network"),
        ("kind", "stages"),
        ("park", "od"),
        ("city", "od"),
        ("park", "network"),
    ],
)
def test_random_provinces_with_loops_read_too(seed: int, level: str, view: str) -> None:
    world, rows = random_world(seed=seed, n=60, links=160)
    options = SankeyOptions(level=level, view=view)  # type: ignore[arg-type]
    data = sankey_data(
        make_flows(rows, world), facility_frame(world), PARENTS, options, language="zh" if seed else "en"
    )
    assert data.loops_t > 0 or view == "od"
    check(data, lay_out(data))


def test_a_big_return_gets_room_between_the_columns_instead_of_crossing_them() -> None:
    """Most of the recycler's output goes back to the mill: the return band is thicker than an ordinary gap."""
    rows = [
        ("col", "mill", "scrap_steel", 1000),
        ("mill", "slag", "smelting_slag", 9000),
        ("slag", "mill", "scrap_steel", 8000),
        ("slag", "land", "smelting_slag", 900),
        ("slag", "brick", "smelting_slag", 100),
    ]
    data = sankey_data(make_flows(rows), facility_frame(), PARENTS, SankeyOptions(level="kind"))
    drawn = lay_out(data, width=1200)
    check(data, drawn, height_goal=None)  # a figure of fixed width keeps its returns off the nodes by shrinking


def test_the_nodes_fill_the_height_of_a_figure_without_returns() -> None:
    data = steel("city")
    drawn = lay_out(data)
    top = min(b.y0 for b in drawn.nodes.values())
    bottom = max(b.y1 for b in drawn.nodes.values())
    assert bottom - top == pytest.approx(drawn.plot.y1 - drawn.plot.y0, abs=1.0)  # the fullest column spans it


def test_a_fixed_scale_draws_the_same_px_per_tonne_in_every_figure() -> None:
    small = sankey_data(make_flows(ROWS[:4]), facility_frame(), PARENTS, SankeyOptions(level="kind"))
    large = steel("kind")
    a, b = lay_out(small, scale_t=60_000), lay_out(large, scale_t=60_000)
    assert a.per_t == b.per_t == pytest.approx(SCALE_PX / 60_000)
    assert a.fits and b.fits
    squeezed = lay_out(large, height=400, scale_t=1_000)
    assert not squeezed.fits and squeezed.per_t < SCALE_PX / 1_000  # drawn at the largest scale that fits


def test_a_given_size_is_kept() -> None:
    drawn = lay_out(steel("facility"), width=900, height=700)
    assert (drawn.width, drawn.height) == (900, 700)
    assert all(b.x1 <= 900 and b.y1 <= 700 for b in drawn.nodes.values())


def test_labels_too_long_for_their_column_are_shortened_or_wrapped_never_dropped() -> None:
    long = {
        code: (kind, park, city, f"{name} of the Hunan Province Circular Economy Demonstration Base", zh)
        for code, (kind, park, city, name, zh) in FACILITIES.items()
    }
    data = sankey_data(make_flows(ROWS, long), facility_frame(long), PARENTS, SankeyOptions(level="facility"))
    drawn = lay_out(data)
    check(data, drawn)
    assert any(label.name.endswith("…") for label in drawn.labels)
    assert all(label.name for label in drawn.labels)


def test_spread_keeps_boxes_apart_and_as_near_their_wish_as_it_can() -> None:
    ys = spread([10, 12, 14, 100], [LABEL_H] * 4, 0, 200)
    assert all(b - a >= LABEL_H - 1e-9 for a, b in itertools.pairwise(ys))
    assert ys == pytest.approx([10, 10 + LABEL_H, 10 + 2 * LABEL_H, 100])  # pushed down only as far as needed
    assert spread([5, 5], [GAP, GAP], 0, 100) == [5, 15]


def test_layout_does_not_change_the_data() -> None:
    data = steel("facility")
    before = (data.nodes.clone(), data.links.clone())
    lay_out(data)
    assert data.nodes.equals(before[0]) and data.links.equals(before[1])
    assert isinstance(data.nodes, pl.DataFrame)


PROVINCE = {
    "out": ("boundary", None, None, "Outside", "省外"),
    "mine": ("source", "XT", "Xiangtan", "Mine", "矿山"),
    "col": ("collection", "CS", "Changsha", "Collector", "回收站"),
    "yard": ("storage", "CS", "Changsha", "Yard", "堆场"),
    "mill": ("recycling", "XT", "Xiangtan", "Mill", "钢厂"),
    "kiln": ("energy_recovery", "YY", "Yueyang", "Kiln", "焚烧厂"),
    "land": ("disposal", "YY", "Yueyang", "Landfill", "填埋场"),
}
PROVINCE_ROWS = [
    ("out", "col", "scrap_steel", 800_000),
    ("mine", "col", "scrap_steel", 22_000_000),
    ("mine", "yard", "smelting_slag", 21_000_000),
    ("mine", "mill", "smelting_slag", 40_000_000),
    ("col", "mill", "scrap_steel", 22_000_000),
    ("yard", "mill", "smelting_slag", 20_000_000),
    ("yard", "land", "smelting_slag", 2_800_000),
    ("mill", "kiln", "fly_ash", 2_900_000),
    ("mill", "out", "building_material", 21_000_000),
    ("mill", "mine", "scrap_steel", 39_000_000),
]
"""Like the sample province by kind: seven columns and a return of 39 Mt, half the heaviest column, back to sources."""


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("width", [700, 900, 1200])
def test_a_column_wide_figure_with_a_heavy_return_grows_taller_instead_of_crushing_the_scale(
    width: int, language: str
) -> None:
    """The Flows page lays the diagram out for its column's width: the wide return tracks thin the returns, never
    the nodes (before, the sample drew 125 px tall with overlapping labels)."""
    options = SankeyOptions(level="kind")
    data = sankey_data(
        make_flows(PROVINCE_ROWS, PROVINCE), facility_frame(PROVINCE), PARENTS, options, language=language
    )  # type: ignore[arg-type]
    drawn = lay_out(data, width=width)
    assert drawn.width == width
    check(data, drawn, height_goal=None)  # labels clear of each other and of the nodes, no band over a node
    top = min(b.y0 for b in drawn.nodes.values())
    bottom = max(b.y1 for b in drawn.nodes.values())
    assert drawn.height >= MIN_NODE_AREA
    assert bottom - top >= NODE_SHARE * drawn.height  # the nodes span their share of the figure
    heaviest = data.links.filter(~pl.col("loop"))["tonnes"].max()
    assert heaviest * drawn.per_t >= 100  # the tonnage scale is not crushed
    returns = [band for band in drawn.bands if band.is_return]
    assert drawn.lanes <= bottom - top  # the return is no blob out of proportion to the nodes
    assert returns and all(band.value_box is None or band.value for band in returns)
