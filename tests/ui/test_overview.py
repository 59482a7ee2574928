"""The Overview page: key figures with the change on the year before, targets, trajectory and gap attribution."""

from __future__ import annotations

import json
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from tests.ui.support import open_page


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    """Metric label -> (value, delta), the last of each label."""
    return {m.label: (m.value, m.delta) for m in at.metric}


def chart(at: AppTest, key: str) -> dict:
    """The plotly spec of a chart by its key."""
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if key in (c.key or ""))


def test_key_figures_show_the_year_and_its_change(app: Callable[..., AppTest]) -> None:
    at = app()
    found = metrics(at)
    assert found["Renewable resources recycled"] == ("240 t", "+9.1 %")  # 2 x 120 t against 2 x 110 t
    assert found["Bulk solid waste utilization rate"][0] == "52.8 %"  # 112 / (172 + 40)
    assert found["Bulk solid waste utilization rate"][1].endswith("pp")
    at.selectbox(key="overview_year").set_value(2024).run()
    assert metrics(at)["Renewable resources recycled"] == ("220 t", "+10.0 %")
    at.selectbox(key="overview_year").set_value(2023).run()
    assert metrics(at)["Renewable resources recycled"] == ("200 t", "")


def test_targets_show_progress_and_whether_on_track(app: Callable[..., AppTest]) -> None:
    at = app()
    assert "Actual 2025" in [m.label for m in at.metric]
    assert ("Target 2025", "30.0 Mt") in [(m.label, m.value) for m in at.metric]
    badges = " ".join(m.value for m in at.markdown)
    assert "Behind the path" in badges  # 240 t of 30 Mt
    assert "On track" not in badges or "Bulk" in badges
    assert at.get("progress")
    assert any("targets without data" in e.label for e in at.expander)


def test_the_trajectory_draws_actuals_path_and_target(app: Callable[..., AppTest]) -> None:
    at = app()
    spec = chart(at, "overview_trajectory")
    names = [trace["name"] for trace in spec["data"]]
    assert names[:2] == ["Path to the target", "Actual"]
    assert "Target" in names
    actual = next(trace for trace in spec["data"] if trace["name"] == "Actual")
    assert actual["x"] == [2023, 2024, 2025]


def test_gap_attribution_names_cities_parks_and_materials(app: Callable[..., AppTest]) -> None:
    at = app()
    assert [tab.label for tab in at.tabs] == ["Trajectory", "Where the gap is"]  # the gap runs when opened
    at.session_state["overview_section"] = "Where the gap is"
    at.run()
    assert [tab.label for tab in at.tabs] == ["Trajectory", "Where the gap is", "By city", "By park", "By material"]
    parts = at.dataframe[-3].value  # cities
    assert parts.iloc[0]["part"] == "Yueyang"  # the largest gap first: all renewables are collected there
    assert parts.iloc[0]["share_of_gap"] == 1.0
    materials = at.dataframe[-1].value
    assert "Scrap steel" in set(materials["part"])


def test_a_park_scope_shows_its_own_figures(app: Callable[..., AppTest]) -> None:
    at = app()
    at.selectbox(key="overview_scope").set_value("park:NINGXIANG").run()
    assert not at.exception
    assert metrics(at)["Renewable resources recycled"][0] == "0.0 t"  # recycled scrap is counted at the collector
    at.selectbox(key="overview_scope").set_value("park:MILUO").run()
    assert metrics(at)["Renewable resources recycled"][0] == "240 t"
    assert "Province targets (no targets are set for this scope)" in [s.value for s in at.subheader]


def test_a_write_is_visible_at_once(app: Callable[..., AppTest]) -> None:
    at = app("enter")
    at.selectbox(key="enter_year").set_value(2025)
    at.selectbox(key="enter_month").set_value(3)
    at.selectbox(key="enter_source").set_value("SRC-1")
    at.selectbox(key="enter_target").set_value("COL-1")
    at.selectbox(key="enter_material").set_value("scrap_steel")
    at.text_input(key="enter_quantity").set_value("60")
    at.button(key="enter_submit").click().run()
    assert not at.exception
    open_page(at, "overview")
    assert metrics(at)["Renewable resources recycled"][0] == "300 t"


def test_targets_without_data_are_headed_and_sourced_in_the_users_language(app: Callable[..., AppTest]) -> None:
    at = app(language="zh")
    table = next(d.value for d in at.dataframe if "依据" in d.value.columns)
    assert "去向" not in table.columns and "目标值" in table.columns
    assert all(not source.startswith("Hunan") for source in table["依据"])
    assert "《湖南省“十四五”工业绿色发展规划》" in set(table["依据"])
