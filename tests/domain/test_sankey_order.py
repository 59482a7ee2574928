"""mfa.domain.sankey.order: the lightest edges point back, stages left to right, columns, order in a column."""

from __future__ import annotations

import itertools

import networkx as nx
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mfa.domain.sankey import SankeyOptions, sankey_data
from mfa.domain.sankey.order import (
    OUTSIDE_TO,
    _exact,
    _greedy,
    feedback_order,
    network_columns,
    ranked,
    returns,
    stage_columns,
    stage_of,
    stage_order,
)
from mfa.domain.vocabulary import OTHER_SOURCES, OUTSIDE
from tests.domain.sankey_world import PARENTS, ROWS, facility_frame, make_flows


def back_t(order: list[str], weights: dict[tuple[str, str], float]) -> float:
    """Tonnes of the edges pointing back in `order`."""
    index = {v: i for i, v in enumerate(order)}
    return sum(t for (u, v), t in weights.items() if index[v] < index[u])


graphs = st.integers(3, 6).flatmap(
    lambda n: st.dictionaries(
        st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1]),
        st.integers(1, 1000).map(float),
        min_size=n,
        max_size=n * (n - 1),
    ).map(lambda edges: (n, edges))
)


@settings(max_examples=60, deadline=None)
@given(graphs)
def test_the_exact_order_points_back_the_fewest_tonnes_of_all_orders(graph: tuple[int, dict]) -> None:
    n, edges = graph
    nodes = [f"n{i}" for i in range(n)]
    weights = {(f"n{u}", f"n{v}"): t for (u, v), t in edges.items()}
    key = {v: (v,) for v in nodes}
    best = min(back_t(list(p), weights) for p in itertools.permutations(nodes))
    assert back_t(_exact(nodes, weights, key), weights) == pytest.approx(best)
    assert back_t(feedback_order(nodes, weights, key), weights) == pytest.approx(best)
    assert sorted(_greedy(nodes, weights, key)) == sorted(nodes)  # the large-graph fallback is an order too


def test_the_lightest_edge_of_a_cycle_points_back_not_the_heaviest() -> None:
    """Miluo: collection -> recycling carries 1.32 Mt, recycling -> collection 0.55 Mt; only the lighter is a loop."""
    weights = {("collection", "recycling"): 1.32e6, ("recycling", "collection"): 0.55e6, ("source", "collection"): 2e6}
    key = {v: (v,) for v in ("recycling", "collection", "source")}  # the names alone would put recycling later
    order = feedback_order(list(key), weights, key)
    assert returns(order, list(weights)) == {("recycling", "collection")}


def test_a_greedy_order_of_an_acyclic_graph_points_nothing_back() -> None:
    graph = nx.gn_graph(40, seed=5).reverse()  # a random tree growing downstream
    weights = {(f"v{u}", f"v{v}"): float(1 + (u * 7 + v) % 13) for u, v in graph.edges}
    nodes = [f"v{v}" for v in graph.nodes]
    assert back_t(_greedy(nodes, weights, {v: (v,) for v in nodes}), weights) == 0


def test_stages_go_left_to_right_whatever_the_tonnes(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    """At kind level the 12,000 t of scrap collected and sent to the mill (a source) is a return band: sources
    come first even when recycled material flows back to them."""
    data = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="kind"))
    column = dict(data.nodes.select("id", "column").rows())
    assert column[OUTSIDE] == column["source"] == 0
    assert column["source"] < column["collection"] < column["recycling"] < column["disposal"] == column[OUTSIDE_TO]
    loops = set(data.links.filter("loop").select("source", "target").rows())
    assert loops == {("collection", "source"), ("recycling", "source")}
    for source, target, loop in data.links.select("source", "target", "loop").rows():
        assert (column[source] < column[target]) != loop  # returns point to an earlier (or the same) column


def test_stage_columns_put_every_stage_right_of_the_one_before() -> None:
    stage = {"s": 0, "c1": 1, "c2": 1, "r": 2, "d": 3}
    weights = {("s", "c1"): 5.0, ("c1", "c2"): 3.0, ("c2", "r"): 3.0, ("s", "r"): 1.0, ("r", "d"): 1.0}
    order = stage_order(stage, weights, {v: (v,) for v in stage})
    column = stage_columns(order, stage, list(weights))
    assert column == {"s": 0, "c1": 1, "c2": 2, "r": 3, "d": 4}  # a chain inside a stage takes columns


def test_network_columns_send_sinks_to_the_last_column() -> None:
    column = network_columns(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("a", "d")])
    assert column == {"a": 0, "b": 1, "c": 2, "d": 2}


def test_the_stage_of_a_node() -> None:
    assert [stage_of(OUTSIDE, "boundary"), stage_of(OUTSIDE_TO, "boundary"), stage_of(OTHER_SOURCES, "other")] == [
        0,
        3,
        0,
    ]
    assert [stage_of("x", k) for k in ("source", "collection", "storage", "recycling", "disposal")] == [0, 1, 2, 2, 3]


NODES = {"a": 0, "b": 0, "c": 0, "other sources": 0}
TONNES = {"a": 5.0, "b": 50.0, "c": 20.0, "other sources": 90.0}
LABELS = {"a": "Zhuzhou", "b": "Changsha", "c": "Anhua", "other sources": "Other (3)"}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("tonnes", ["b", "c", "a", "other sources"]),
        ("name", ["c", "b", "a", "other sources"]),
        (("Zhuzhou", "c"), ["a", "c", "b", "other sources"]),  # labels or ids put first, in that order
    ],
)
def test_the_order_rules_and_other_always_last(rule: str | tuple[str, ...], expected: list[str]) -> None:
    ranks = ranked(
        NODES,
        rule,
        tonnes=TONNES,
        label=LABELS,
        kind=dict.fromkeys(NODES, "source"),
        links={},
        bottom=frozenset(),
        auto="tonnes",
    )
    assert sorted(NODES, key=ranks.__getitem__) == expected


def test_the_given_order_reaches_the_diagram(flows: pl.DataFrame, facilities: pl.DataFrame) -> None:
    default = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="city"))
    assert default.nodes.filter(column=0)["place"].to_list()[:2] == ["Changsha", "Xiangtan"]  # by tonnes
    given_ = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="city", order=("Xiangtan",)))
    assert given_.nodes.filter(column=0)["place"].to_list()[0] == "Xiangtan"
    assert given_.nodes.filter(column=1)["place"].to_list()[0] == "Xiangtan"  # the same order on both sides
    by_name = sankey_data(flows, facilities, PARENTS, SankeyOptions(level="city", order="name"))
    assert by_name.nodes.filter(column=1)["label"].to_list() == sorted(by_name.nodes.filter(column=1)["label"])


def test_nodes_sending_or_receiving_returns_sit_at_the_bottom_of_their_column() -> None:
    """So that a return band drops from, or rises into, a node without crossing its neighbours' labels."""
    rows = [*ROWS, ("land", "slag", "smelting_slag", 100)]  # a second return, from the last column
    data = sankey_data(make_flows(rows), facility_frame(), PARENTS, SankeyOptions(level="facility"))
    loops = data.links.filter("loop")
    touched = set(loops["source"]) | set(loops["target"])
    assert {"mill", "slag", "land"} <= touched
    for _, stack in data.nodes.sort("column", "rank").group_by("column", maintain_order=True):
        flags = [v in touched for v in stack["id"]]
        assert flags == sorted(flags), stack["id"].to_list()  # untouched nodes first, then the touched ones
