"""The flow network as a graph: facility, park, city and kind levels, the nodes outside, loops."""

from __future__ import annotations

import pytest

from mfa.domain.network import build_graph, find_loops
from mfa.domain.vocabulary import NO_PARK, OUTSIDE
from tests.factories import hand_graph, make_facilities, make_flows

CHAIN = make_flows(
    ("2024-01", "src_a", "col_a", "scrap_steel", 60.0),
    ("2024", "src_a", "col_a", "scrap_copper", 40.0),
    ("2024", "col_a", "rec_b", "scrap_steel", 60.0),
    ("2024", "outside", "rec_b", "fly_ash", 5.0),
    ("2024", "loose", "rec_c", "scrap_steel", 1.0),
)


def test_facility_graph_edges_carry_tonnes_and_materials() -> None:
    graph = build_graph(CHAIN, make_facilities("src_a", "col_a", "rec_b", "rec_c", "outside"))
    assert graph.edges["src_a", "col_a"] == {"tonnes": 100.0, "materials": {"scrap_copper": 40.0, "scrap_steel": 60.0}}
    assert graph.nodes["src_a"] == {
        "kind": "source",
        "park": "A",
        "city": "Changsha",
        "name": "Facility src_a",
        "name_zh": None,
    }
    assert graph.nodes["loose"]["kind"] == "collection"  # not in the facilities frame: from the flows
    assert graph.number_of_edges() == 4


def test_park_city_and_kind_graphs_aggregate_with_boundary_nodes() -> None:
    facilities = make_facilities()
    parks = build_graph(CHAIN, facilities, level="park")
    assert {(u, v): t for u, v, t in parks.edges(data="tonnes")} == {
        ("A", "A"): 100.0,
        ("A", "B"): 60.0,
        (OUTSIDE, "B"): 5.0,
        (NO_PARK, "C"): 1.0,
    }
    assert parks.nodes["A"] == {"kind": "park", "park": "A", "city": "Changsha", "name": "A"}
    assert parks.nodes[OUTSIDE] == {"kind": "boundary", "name": "Outside the province"}
    cities = build_graph(CHAIN, facilities, level="city")
    assert cities.edges["Changsha", "Changsha"]["tonnes"] == 160.0
    assert cities.edges[OUTSIDE, "Changsha"]["materials"] == {"fly_ash": 5.0}
    kinds = build_graph(CHAIN, facilities, level="kind")
    assert kinds.edges["collection", "recycling"]["tonnes"] == 61.0
    assert kinds.nodes["collection"]["name"] == "Collection"
    assert kinds.edges[OUTSIDE, "recycling"]["tonnes"] == 5.0  # one name for outside the province at every level
    with pytest.raises(ValueError, match="unknown graph level"):
        build_graph(CHAIN, facilities, level="county")  # type: ignore[arg-type]


def test_loops_carry_their_smallest_edge_sorted_and_bounded() -> None:
    graph = hand_graph([("A", "B", 10.0), ("B", "A", 4.0), ("B", "C", 7.0), ("C", "A", 3.0), ("D", "D", 1.0)], {})
    assert find_loops(graph) == [
        {"nodes": ["A", "B"], "length": 2, "tonnes": 4.0},
        {"nodes": ["A", "B", "C"], "length": 3, "tonnes": 3.0},
        {"nodes": ["D"], "length": 1, "tonnes": 1.0},
    ]
    assert [loop["nodes"] for loop in find_loops(graph, limit=1)] == [["A", "B"]]
    assert [loop["nodes"] for loop in find_loops(graph, max_length=2)] == [["A", "B"], ["D"]]
