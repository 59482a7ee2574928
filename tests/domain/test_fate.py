"""Fate tracing: exact shares through loops, forward and backward, by park and by material, against simulation."""

from __future__ import annotations

import math

import hypothesis.strategies as st
import networkx as nx
import polars as pl
import pytest
from hypothesis import given, settings
from polars.testing import assert_frame_equal

from mfa.domain.fate import fate_by_kind, material_origins, park_origins, trace_fate, trace_material
from mfa.domain.network import build_graph
from tests.factories import GRAPH_PARENTS as PARENTS
from tests.factories import hand_graph, make_facilities, make_flows

# collection -> reuse -> collection -> recycling: the reuse centre keeps 30 and returns 10
LOOP = hand_graph(
    [("S", "C", 100.0), ("C", "U", 40.0), ("U", "C", 10.0), ("C", "R", 70.0)],
    {"S": "source", "C": "collection", "U": "reuse", "R": "recycling"},
)


def test_fate_through_a_loop_is_exact() -> None:
    fate = trace_fate(LOOP, ["S"])
    expected = pl.DataFrame(
        {"facility": ["R", "U"], "kind": ["recycling", "reuse"], "share": [0.7, 0.3], "tonnes": [70.0, 30.0]}
    )
    assert_frame_equal(fate, expected)
    assert_frame_equal(fate_by_kind(fate), expected.drop("facility"))


def test_backward_trace_finds_where_input_came_from() -> None:
    assert_frame_equal(
        trace_fate(LOOP, ["R"], forward=False),
        pl.DataFrame({"facility": ["S"], "kind": ["source"], "share": [1.0], "tonnes": [70.0]}),
    )
    # of what the reuse centre received, 10/110 had already been through it once
    back = trace_fate(LOOP, ["U"], forward=False)
    assert back["facility"].to_list() == ["S", "U"]
    assert back["share"].to_list() == pytest.approx([100 / 110, 10 / 110])


def test_a_node_keeps_what_it_does_not_pass_on_and_the_boundary_keeps_exports() -> None:
    graph = hand_graph(
        [("S", "C", 100.0), ("C", "OUT", 30.0), ("C", "R", 50.0), ("OUT", "R", 50.0)],
        {"S": "source", "C": "collection", "R": "recycling", "OUT": "boundary"},
    )
    fate = trace_fate(graph, ["S"])
    assert dict(zip(fate["facility"], fate["share"], strict=True)) == pytest.approx({"R": 0.5, "OUT": 0.3, "C": 0.2})


def test_park_trace_follows_what_leaves_the_park() -> None:
    flows = make_flows(
        ("2024", "src_a", "col_a", "scrap_steel", 100.0),  # inside park A: not traced
        ("2024", "col_a", "rec_b", "scrap_steel", 70.0),
        ("2024", "rec_b", "col_a", "scrap_steel", 10.0),  # comes back: kept at col_a
        ("2024", "col_a", "outside", "scrap_steel", 30.0),
    )
    graph = build_graph(flows, make_facilities())
    assert park_origins(graph, "A") == ["col_a", "src_a"]
    fate = trace_fate(graph, park_origins(graph, "A"))
    assert dict(zip(fate["facility"], fate["tonnes"], strict=True)) == pytest.approx(
        {"rec_b": 60.0, "outside": 30.0, "col_a": 10.0}
    )


def test_material_trace_starts_at_sources_and_imports() -> None:
    flows = make_flows(
        ("2024", "src_a", "outside", "scrap_copper", 50.0),  # exported straight away
        ("2024", "outside", "rec_a", "scrap_copper", 100.0),
        ("2024", "src_a", "col_a", "scrap_nonferrous", 50.0),
        ("2024", "col_a", "rec_a", "scrap_nonferrous", 50.0),
        ("2024", "src_a", "rec_b", "scrap_steel", 500.0),  # another material: not in this graph
    )
    fate = trace_material(flows, make_facilities(), PARENTS, "scrap_nonferrous", year=2024)
    assert dict(zip(fate["facility"], fate["tonnes"], strict=True)) == pytest.approx({"rec_a": 150.0, "outside": 50.0})
    assert fate["share"].sum() == pytest.approx(1.0)


def test_trace_errors_and_empty_results() -> None:
    with pytest.raises(ValueError, match="not in the graph"):
        trace_fate(LOOP, ["nowhere"])
    assert trace_fate(LOOP, ["R"]).height == 0  # R passes nothing on
    closed = hand_graph([("S", "A", 1e-14), ("A", "B", 1.0), ("B", "A", 1.0)], {"S": "source"})
    with pytest.raises(ValueError, match="closed loop"):
        trace_fate(closed, ["S"])
    assert material_origins(LOOP) == ["S"]


def _simulate(graph: nx.DiGraph, origins: set[str], steps: int = 20_000) -> dict[str, float]:
    """Push the origins' outflow through the graph step by step: an independent fate computation."""
    inflow = {n: sum(t for _, _, t in graph.in_edges(n, data="tonnes")) for n in graph}
    outflow = {n: sum(t for _, _, t in graph.out_edges(n, data="tonnes")) for n in graph}
    mass: dict[str, float] = {}
    for o in origins:
        for _, v, t in graph.out_edges(o, data="tonnes"):
            if v not in origins:
                mass[v] = mass.get(v, 0.0) + t
    ended: dict[str, float] = {}
    for _ in range(steps):
        moved: dict[str, float] = {}
        for node, m in mass.items():
            through = max(inflow[node], outflow[node])
            keep = (
                m if node in origins or graph.nodes[node]["kind"] == "boundary" else m * (1 - outflow[node] / through)
            )
            ended[node] = ended.get(node, 0.0) + keep
            if keep < m:
                for _, v, t in graph.out_edges(node, data="tonnes"):
                    moved[v] = moved.get(v, 0.0) + m * t / through
        mass = moved
        if sum(mass.values()) < 1e-12:
            break
    return ended


@st.composite
def graphs_with_loops(draw: st.DrawFn) -> tuple[nx.DiGraph, set[str]]:
    """Random graphs with loops, a sink fed by every node (so all mass can end) and random origins."""
    n = draw(st.integers(2, 7))
    nodes = [f"n{i}" for i in range(n)]
    kinds = {node: draw(st.sampled_from(["collection", "recycling", "reuse", "storage", "boundary"])) for node in nodes}
    tonnes = st.floats(1.0, 100.0, allow_nan=False)
    pairs = st.tuples(st.sampled_from(nodes), st.sampled_from(nodes))
    edges = [(u, v, draw(tonnes)) for u, v in draw(st.lists(pairs, min_size=1, max_size=20, unique=True))]
    edges += [(node, "sink", draw(tonnes)) for node in nodes] + [("source", node, draw(tonnes)) for node in nodes]
    graph = hand_graph(edges, kinds | {"sink": "disposal", "source": "source"})
    origins = set(draw(st.lists(st.sampled_from([*nodes, "source"]), min_size=1, max_size=3)))
    return graph, origins


@settings(max_examples=80, deadline=None)
@given(case=graphs_with_loops(), forward=st.booleans())
def test_fate_shares_sum_to_one_on_random_graphs_with_loops(case: tuple[nx.DiGraph, set[str]], forward: bool) -> None:
    graph, origins = case
    fate = trace_fate(graph, origins, forward=forward)
    g = graph if forward else graph.reverse()
    traced = sum(t for o in origins for _, v, t in g.out_edges(o, data="tonnes") if v not in origins)
    if traced == 0:  # e.g. tracing back the input of a node that has none
        assert fate.height == 0
        return
    assert math.isclose(fate["share"].sum(), 1.0, rel_tol=1e-9)
    assert math.isclose(fate["tonnes"].sum(), traced, rel_tol=1e-9)
    assert fate["share"].min() > 0  # type: ignore[operator]
    by_kind = fate_by_kind(fate)
    assert math.isclose(by_kind["share"].sum(), 1.0, rel_tol=1e-9)


@settings(max_examples=30, deadline=None)
@given(case=graphs_with_loops())
def test_fate_agrees_with_step_by_step_simulation(case: tuple[nx.DiGraph, set[str]]) -> None:
    graph, origins = case
    fate = dict(trace_fate(graph, origins).select("facility", "tonnes").iter_rows())
    simulated = _simulate(graph, origins)
    for node in fate.keys() | simulated.keys():
        assert math.isclose(fate.get(node, 0.0), simulated.get(node, 0.0), rel_tol=1e-6, abs_tol=1e-6)
