"""The flow graph: building it, mass balance, loops and fate tracing (mfa.domain.network and mfa.domain.fate)."""

from __future__ import annotations

import math

import hypothesis.strategies as st
import networkx as nx
import polars as pl
import pytest
from hypothesis import given, settings
from polars.testing import assert_frame_equal

from mfa.domain.balance import mass_balance
from mfa.domain.fate import fate_by_kind, material_origins, park_origins, trace_fate, trace_material
from mfa.domain.network import build_graph, find_loops
from mfa.domain.vocabulary import NO_PARK, OUTSIDE
from tests.factories import FLOW_SCHEMA

PARENTS: dict[str, str | None] = {
    "renewable": None,
    "scrap_steel": "renewable",
    "scrap_nonferrous": "renewable",
    "scrap_copper": "scrap_nonferrous",
    "bulk_solid_waste": None,
    "fly_ash": "bulk_solid_waste",
    "secondary": None,
    "recycled_steel": "secondary",
    "building_material": "secondary",
}

# code -> (kind, park, city)
FACILITIES: dict[str, tuple[str, str | None, str | None]] = {
    "src_a": ("source", "A", "Changsha"),
    "col_a": ("collection", "A", "Changsha"),
    "rec_a": ("recycling", "A", "Changsha"),
    "landfill_a": ("disposal", "A", "Changsha"),
    "rec_b": ("recycling", "B", "Changsha"),
    "src_c": ("source", "C", "Yueyang"),
    "store_c": ("storage", "C", "Yueyang"),
    "rec_c": ("recycling", "C", "Yueyang"),
    "energy_c": ("energy_recovery", "C", "Yueyang"),
    "loose": ("collection", None, "Yueyang"),
    "outside": ("boundary", None, None),
}


def _period(period: str) -> tuple[str, int, int | None]:
    year, _, month = period.partition("-")
    return period, int(year), int(month) if month else None


def make_flows(*rows: tuple[str, str, str, str, float]) -> pl.DataFrame:
    """The store's flow frame from (period, source, target, material, tonnes) rows over FACILITIES."""
    records = []
    for period, source, target, material, tonnes in rows:
        s_kind, s_park, s_city = FACILITIES[source]
        t_kind, t_park, t_city = FACILITIES[target]
        records.append(
            (*_period(period), source, target, material, tonnes, s_kind, t_kind, s_park, t_park, s_city, t_city)
        )
    return pl.DataFrame(records, schema=FLOW_SCHEMA, orient="row")


def make_facilities(*codes: str) -> pl.DataFrame:
    """The store's facilities frame for `codes` (all of FACILITIES by default)."""
    rows = [(c, f"Facility {c}", None, *FACILITIES[c]) for c in codes or FACILITIES]
    return pl.DataFrame(rows, schema=["code", "name", "name_zh", "kind", "park", "city"], orient="row").with_columns(
        pl.col("name_zh").cast(pl.String)
    )


def make_stocks(*rows: tuple[str, str, str, float]) -> pl.DataFrame:
    """The store's stocks frame from (period, facility, material, tonnes at the end of the period)."""
    records = [(*_period(period), facility, material, tonnes) for period, facility, material, tonnes in rows]
    schema = {"period": pl.String, "year": pl.Int32, "month": pl.Int8, "facility": pl.String}
    return pl.DataFrame(records, schema=schema | {"material": pl.String, "quantity_t": pl.Float64}, orient="row")


def hand_graph(edges: list[tuple[str, str, float]], kinds: dict[str, str]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from((node, {"kind": kind}) for node, kind in kinds.items())
    graph.add_edges_from((u, v, {"tonnes": t}) for u, v, t in edges)
    return graph


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


BALANCE_FLOWS = make_flows(
    ("2024-01", "src_a", "col_a", "scrap_steel", 60.0),
    ("2024", "src_a", "col_a", "scrap_steel", 40.0),  # a yearly flow adds to the months
    ("2024", "col_a", "rec_b", "scrap_steel", 98.0),  # 2 % short: within the 5 % tolerance
    ("2024", "rec_b", "outside", "recycled_steel", 70.0),  # 28 of 98 unaccounted: imbalanced
    ("2024", "src_a", "landfill_a", "fly_ash", 10.0),
    ("2024", "src_c", "store_c", "fly_ash", 50.0),
    ("2024", "store_c", "rec_c", "fly_ash", 30.0),
    ("2024", "rec_c", "outside", "building_material", 30.0),
    ("2024", "energy_c", "outside", "fly_ash", 5.0),
    ("2023", "src_a", "col_a", "scrap_steel", 999.0),
)


def test_mass_balance_statuses_over_a_year() -> None:
    stocks = make_stocks(
        ("2023", "store_c", "fly_ash", 100.0),
        ("2024-06", "store_c", "fly_ash", 500.0),  # mid-year: not an end
        ("2024-12", "store_c", "fly_ash", 120.0),  # no yearly record: December is the year's end
        ("2024", "rec_c", "fly_ash", 3.0),  # no record at the end of 2023: change unknown
    )
    got = mass_balance(BALANCE_FLOWS, stocks, make_facilities(), year=2024)
    expected = pl.DataFrame(
        {
            "facility": [
                "col_a",
                "energy_c",
                "landfill_a",
                "loose",
                "outside",
                "rec_a",
                "rec_b",
                "rec_c",
                "src_a",
                "src_c",
                "store_c",
            ],
            "kind": [
                "collection",
                "energy_recovery",
                "disposal",
                "collection",
                "boundary",
                "recycling",
                "recycling",
                "recycling",
                "source",
                "source",
                "storage",
            ],
            "inflow_t": [100.0, 0.0, 10.0, 0.0, 105.0, 0.0, 98.0, 30.0, 0.0, 0.0, 50.0],
            "outflow_t": [98.0, 5.0, 0.0, 0.0, 0.0, 0.0, 70.0, 30.0, 110.0, 50.0, 30.0],
            "stock_change_t": [0.0] * 10 + [20.0],
            "stock_known": [False] * 10 + [True],
            "imbalance_t": [2.0, -5.0, 10.0, 0.0, 105.0, 0.0, 28.0, 0.0, -110.0, -50.0, 0.0],
            "relative_imbalance": [0.02, -1.0, 1.0, None, 1.0, None, 28.0 / 98.0, 0.0, -1.0, -1.0, 0.0],
            "status": [
                "balanced",
                "no_input",
                "sink",
                "inactive",
                "boundary",
                "inactive",
                "imbalanced",
                "balanced",
                "source",
                "source",
                "balanced",
            ],
        }
    )
    assert_frame_equal(got, expected)


def test_stock_change_prefers_the_yearly_record_and_months_look_back_to_december() -> None:
    flows = make_flows(("2024-01", "src_c", "store_c", "fly_ash", 10.0), ("2024", "src_c", "store_c", "fly_ash", 40.0))
    stocks = make_stocks(
        ("2023-12", "store_c", "fly_ash", 100.0),
        ("2024-01", "store_c", "fly_ash", 110.0),
        ("2024-12", "store_c", "fly_ash", 999.0),
        ("2024", "store_c", "fly_ash", 150.0),
    )
    year = mass_balance(flows, stocks, make_facilities("src_c", "store_c"), year=2024).row(1, named=True)
    assert (year["stock_change_t"], year["stock_known"], year["status"]) == (50.0, True, "balanced")
    january = mass_balance(flows, stocks, make_facilities("src_c", "store_c"), year=2024, month=1).row(1, named=True)
    assert (january["inflow_t"], january["stock_change_t"], january["status"]) == (10.0, 10.0, "balanced")
    february = mass_balance(flows, stocks, make_facilities("src_c", "store_c"), year=2024, month=2).row(1, named=True)
    assert (february["stock_change_t"], february["stock_known"], february["status"]) == (0.0, False, "inactive")


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
