"""mfa.domain.sankey.data (and aggregate): nodes and links at every level and view, Other nodes, labels, stability."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mfa.domain.labels import format_tonnes
from mfa.domain.sankey import SankeyOptions, sankey_data
from mfa.domain.sankey.data import link_rows
from mfa.domain.sankey.order import OUTSIDE_TO
from mfa.domain.vocabulary import OTHER_SOURCES, OTHER_TARGETS, OUTSIDE
from mfa.reference import bundled_materials
from tests.domain.sankey_world import PARENTS, ROWS, TOTAL_T, facility_frame, make_flows, random_world


def link_tonnes(links: pl.DataFrame) -> dict[tuple[str, str, str], float]:
    return {(s, t, g): v for s, t, g, v in links.select("source", "target", "material_group", "tonnes").rows()}


EXPECTED: dict[str, tuple[dict[tuple[str, str, str], float], float]] = {
    "park": (
        {
            ("CS", "XT", "renewable"): 12000,
            ("XT", "CS", "bulk_solid_waste"): 3400,
            ("XT", "YY", "bulk_solid_waste"): 1200,
            (OUTSIDE, "CS", "renewable"): 4000,
            ("CS", OUTSIDE_TO, "secondary"): 2500,
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
            ("Changsha", OUTSIDE_TO, "secondary"): 2500,
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
            ("recycling", OUTSIDE_TO, "secondary"): 2500,
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
            ("brick", OUTSIDE_TO, "secondary"): 2500,
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
    data = sankey_data(flows, facilities, PARENTS, SankeyOptions(level=level, view="network"))  # type: ignore[arg-type]
    links, internal_t = EXPECTED[level]
    assert link_tonnes(data.links) == links
    assert data.internal_t == internal_t
    assert data.total_t + data.internal_t == TOTAL_T  # nothing is lost: drawn or reported as inside a node
    assert set(data.nodes["id"]) == {end for s, t, _ in links for end in (s, t)}


@pytest.mark.parametrize("level", ["facility", "park", "city", "kind"])
def test_origin_destination_puts_every_place_on_both_sides_without_returns(
    flows: pl.DataFrame, facilities: pl.DataFrame, level: str
) -> None:
    network = sankey_data(flows, facilities, PARENTS, SankeyOptions(level=level, view="network"))  # type: ignore[arg-type]
    od = sankey_data(flows, facilities, PARENTS, SankeyOptions(level=level, view="od"))  # type: ignore[arg-type]
    assert od.view == "od" and not od.links["loop"].any()
    assert od.total_t == network.total_t and od.internal_t == network.internal_t
    columns = dict(od.nodes.select("id", "column").rows())
    assert all(columns[s] == 0 and columns[t] == 1 for s, t in od.links.select("source", "target").rows())
    assert all(v.startswith("from:") for v in od.nodes.filter(column=0)["id"])
    assert all(v.startswith("to:") for v in od.nodes.filter(column=1)["id"])
    places = {(p if p != OUTSIDE_TO else OUTSIDE) for p in network.nodes["id"]}
    assert set(od.nodes["place"]) == places


def test_city_and_park_levels_default_to_origin_destination_and_kind_to_stages(
    flows: pl.DataFrame, facilities: pl.DataFrame
) -> None:
    views = {
        level: sankey_data(flows, facilities, PARENTS, SankeyOptions(level=level)).view  # type: ignore[arg-type]
        for level in ("facility", "park", "city", "kind")
    }
    assert views == {"facility": "stages", "park": "od", "city": "od", "kind": "stages"}


def test_park_link_carries_its_material_breakdown(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    names = {str(m["code"]): str(m["name"]) for m in bundled_materials()}  # what the service passes
    data = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="park", view="network"), labels=names)
    link = data.links.filter(source="XT", target="CS").row(0, named=True)
    assert link["breakdown"] == [
        {"material": "smelting_slag", "tonnes": 3000.0},
        {"material": "fly_ash", "tonnes": 400.0},
    ]
    assert link["materials"] == "Smelting slag 3.00 kt; Fly ash 400 t"
    assert link["group_label"] == "Bulk industrial solid waste"


def test_flows_inside_a_park_are_reported_per_node_not_drawn(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    data = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="park", view="network"))
    assert data.links.filter(pl.col("source") == pl.col("target")).is_empty()
    internal = dict(data.nodes.select("id", "internal_t").rows())
    assert internal == {"XT": 5800.0, "CS": 30.0, "YY": 0.0, OUTSIDE: 0.0, OUTSIDE_TO: 0.0, "outside any park": 0.0}


def test_node_tonnes_are_the_larger_of_inflow_and_outflow(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    nodes = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="facility")).nodes
    col = nodes.filter(id="col").row(0, named=True)
    assert (col["inflow_t"], col["outflow_t"], col["tonnes"]) == (4600.0, 12030.0, 12030.0)


def test_min_share_merges_small_places_into_the_other_pair_and_keeps_every_tonne(
    flows: pl.DataFrame, facilities: pl.DataFrame
) -> None:
    options = SankeyOptions(level="park", view="network")
    full = sankey_data(flows, facilities, PARENTS, options)
    data = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="park", view="network", min_share=0.1))
    assert data.total_t + data.internal_t == full.total_t + full.internal_t == TOTAL_T
    assert set(data.nodes["id"]) == set(full.nodes["id"]) - {"YY", "outside any park"} | {OTHER_SOURCES, OTHER_TARGETS}
    assert link_tonnes(data.links)[("XT", OTHER_TARGETS, "bulk_solid_waste")] == 1200
    assert link_tonnes(data.links)[(OTHER_SOURCES, "CS", "renewable")] == 600
    kept = ["id", "inflow_t", "outflow_t", "tonnes"]
    assert_frame_equal(  # every node that stays keeps its true inflow and outflow
        data.nodes.filter(pl.col("merged") == 0).select(kept).sort("id"),
        full.nodes.filter(pl.col("id").is_in(data.nodes["id"].to_list())).select(kept).sort("id"),
    )
    other = data.nodes.filter(pl.col("id").is_in([OTHER_SOURCES, OTHER_TARGETS]))
    assert other["label"].to_list() == ["Other (2)", "Other (2)"]
    assert set(data.members[OTHER_SOURCES]) == {"YY", "outside any park"}


def test_at_facility_level_small_facilities_merge_into_an_other_node_of_their_kind(
    flows: pl.DataFrame, facilities: pl.DataFrame
) -> None:
    data = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="facility", min_share=0.05))  # < 1,476.5 t
    assert {"other disposal", "other collection"} <= set(data.nodes["id"])
    assert "land" not in data.nodes["id"] and "loose" not in data.nodes["id"]
    other = dict(data.nodes.select("id", "label").rows())
    assert other["other collection"] == "Other Collection (1)"
    assert dict(data.nodes.select("id", "kind").rows())["other disposal"] == "disposal"  # it keeps its stage
    assert data.total_t + data.internal_t == TOTAL_T


def test_a_crowded_column_merges_its_smallest_nodes_until_it_can_be_labelled(facilities: pl.DataFrame) -> None:
    world, rows = random_world(seed=3, n=120, links=400)
    flows = make_flows(rows, world)
    full = sankey_data(flows, facility_frame(world), PARENTS, SankeyOptions(level="facility"), max_column_nodes=10**6)
    capped = sankey_data(flows, facility_frame(world), PARENTS, SankeyOptions(level="facility"), max_column_nodes=12)
    assert full.nodes.group_by("column").len()["len"].max() > 12  # type: ignore[operator]
    assert capped.nodes.group_by("column").len()["len"].max() <= 12  # type: ignore[operator]
    assert capped.total_t + capped.internal_t == pytest.approx(full.total_t + full.internal_t)
    merged = {p for node in capped.members.values() for p in node}
    assert merged and merged.isdisjoint(set(capped.nodes["place"]))  # a merged place is no node of its own


def test_node_and_link_order_is_stable_when_rows_are_shuffled_or_split(facilities: pl.DataFrame) -> None:
    first = sankey_data(make_flows(ROWS), facilities, PARENTS, SankeyOptions(level="facility"))
    halves = [(s, t, m, q / 2) for s, t, m, q in ROWS for _ in range(2)]  # the same tonnes as monthly pieces
    for seed in range(5):
        shuffled = make_flows(halves).sample(fraction=1.0, shuffle=True, seed=seed)
        again = sankey_data(shuffled, facilities, PARENTS, SankeyOptions(level="facility"))
        assert_frame_equal(again.nodes, first.nodes)
        assert_frame_equal(again.links, first.links)


def test_labels_follow_language_and_the_label_map(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    city = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="city"), language="zh")
    assert set(city.nodes["label"]) == {"长沙", "湘潭", "岳阳", "省外"}
    kind = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="kind"), language="zh")
    assert {"回收网点/分拣中心", "省外流入", "流出省外"} <= set(kind.nodes["label"])
    english = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="kind"))
    assert {"From outside the province", "To outside the province"} <= set(english.nodes["label"])
    labels = {"XT": "湘潭九华", "renewable": "再生"}
    park = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="park"), labels=labels)
    assert "湘潭九华" in park.nodes["label"].to_list()
    assert "再生" in park.links["group_label"].to_list()


def test_sankey_data_does_not_mutate_its_input(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    before = flows.clone()
    sankey_data(flows.lazy(), facilities, PARENTS, SankeyOptions(level="park", min_share=0.1))
    assert_frame_equal(flows, before)


def test_no_flows_give_an_empty_diagram(facilities: pl.DataFrame) -> None:
    data = sankey_data(make_flows([]), facilities, PARENTS)
    assert data.nodes.is_empty() and data.links.is_empty() and data.total_t == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": "province"}, "unknown level"),
        ({"view": "circle"}, "unknown view"),
        ({"order": "size"}, "unknown order"),
        ({"min_share": 1.0}, "min_share"),
        ({"scale_t": 0}, "scale_t"),
        ({"level": "park", "view": "stages"}, "stages view needs"),
    ],
)
def test_bad_options_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SankeyOptions(**kwargs)


def test_an_unknown_language_is_refused(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="unknown language"):
        sankey_data(flows, facilities, PARENTS, language="fr")  # type: ignore[arg-type]


def test_missing_columns_are_named(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="source_park"):
        sankey_data(flows.drop("source_park"), facilities, PARENTS, SankeyOptions(level="park"))


def test_link_rows_list_the_links_largest_first_with_their_ends(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    data = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="facility"))
    rows = link_rows(data)
    assert [r["tonnes"] for r in rows] == sorted(data.links["tonnes"], reverse=True)
    assert rows[0]["source_label"] == "Scrap collector" and rows[0]["target_label"] == "Steel mill"
    assert data.links.row(rows[0]["link"], named=True)["tonnes"] == 12000


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
