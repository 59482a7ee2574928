"""The tables people see and export: a Selection read in SQL from the database keeps exactly the flows that the same
Selection keeps from the flow frame (the exports show what the diagrams and indicators count), on both databases."""

from __future__ import annotations

from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine

from mfa.domain.flowframe import PROVINCE, Scope, Selection, selected
from mfa.domain.vocabulary import FACILITY_KINDS
from mfa.services import loading, tables
from mfa.services.writing import import_files
from tests.factories import flow, flows_file, world

ROWS = [
    flow("2023", "SRC-1", "COL-1", "scrap_steel", "5"),
    flow("2024-01", "SRC-1", "COL-1", "scrap_steel", "100"),
    flow("2024-01", "COL-1", "REC-1", "scrap_copper", "9"),
    flow("2024-02", "OUT", "REC-1", "fly_ash", "3"),
    flow("2024-02", "REC-1", "OUT", "recycled_steel", "80"),
    flow("2024-03", "COL-1", "YARD-1", "fly_ash", "7"),
    flow("2024", "YARD-1", "REC-1", "fly_ash", "2"),
]
CITY_SCOPES = [Scope("city", "Yueyang"), Scope("city", "Changsha")]
SELECTIONS = st.builds(
    Selection,
    year=st.sampled_from([None, 2023, 2024]),
    scope=st.sampled_from(
        [
            PROVINCE,
            Scope("park", "MILUO"),
            Scope("park", "NINGXIANG"),
            Scope("city", "Yueyang"),
            Scope("city", "Changsha"),
        ]
    ),
    material=st.sampled_from([None, "renewable", "scrap_nonferrous", "bulk_solid_waste", "secondary", "fly_ash"]),
    kinds=st.lists(st.sampled_from(FACILITY_KINDS), max_size=2, unique=True).map(tuple),
)


def test_sql_and_the_flow_frame_keep_the_same_flows(engine: Engine, tmp_path: Path) -> None:
    assert import_files(engine, [*world(tmp_path), flows_file(tmp_path, ROWS)]).committed
    data = loading.load(engine)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(selection=SELECTIONS, month=st.sampled_from([None, 1, 2]))
    def agree(selection: Selection, month: int | None) -> None:
        if month is not None and selection.year is not None:
            selection = Selection(selection.year, month, selection.scope, selection.material, selection.kinds)
        columns = ["period", "source", "target", "material"]
        in_sql = sorted(tables.flows(engine, selection).select(columns).rows())
        in_frame = sorted(selected(data.flows, data.parents, selection).collect().select(columns).rows())
        assert in_sql == in_frame

    agree()
    assert tables.counts(engine)["flows"] == len(ROWS)
    assert set(tables.workbook(engine, Selection(2023))) == {
        "parks",
        "facilities",
        "materials",
        "material_aliases",
        "stocks",
        "targets",
        "lifetimes",
        "inflows",
        "capacities",
        "transfer_coefficients",
        "flows",
    }
