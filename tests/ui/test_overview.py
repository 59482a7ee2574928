"""The Overview page: key figures with the change on the year before, targets, trajectory and gap attribution."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from mfa.services.writing import import_files
from tests.factories import flow, flows_file
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


def test_one_report_in_a_new_year_leaves_the_pages_on_the_last_complete_year(
    app: Callable[..., AppTest], world_db: Engine, tmp_path: Path
) -> None:
    """A park manager's 10 t for 2026-12 makes 2026 a year with flows; the pages still open on 2025, with its
    figures and targets, and 2026 stays selectable, marked partial (in both languages)."""
    report = import_files(world_db, [flows_file(tmp_path, [flow("2026-12", "SRC-1", "COL-1", "scrap_steel", "10")])])
    assert report.ok, report.errors
    at = app()
    year = at.selectbox(key="overview_year")
    assert year.value == 2025
    assert year.options[:2] == ["2026 (partial)", "2025"]
    assert metrics(at)["Renewable resources recycled"] == ("240 t", "+9.1 %")
    assert "Actual 2025" in [m.label for m in at.metric]
    assert not at.warning
    year.set_value(2026).run()
    assert "2026 is not complete yet" in at.warning[0].value
    open_page(at, "flows")
    assert at.selectbox(key="flows_year").value == 2025
    open_page(at, "export")
    assert at.selectbox(key="export_year").value == 2025
    zh = app(language="zh")
    assert zh.selectbox(key="overview_year").options[0] == "2026（不完整）"


def settled(at: AppTest, checking: str = "checking against the reconciliation") -> AppTest:
    """Run the page again until the year's reconciliation, started in the background, has answered."""
    for _ in range(60):
        if not any(checking in c.value for c in at.caption):
            return at
        time.sleep(0.5)
        at.run()
    raise AssertionError("the reconciliation never answered")


def test_figures_and_target_cards_say_what_share_rests_on_doubtful_flows_and_which(
    app: Callable[..., AppTest], world_db: Engine, tmp_path: Path
) -> None:
    """60 t of the 300 t of scrap steel recycled in 2025 are estimated, and they unbalance the collector: the
    reconciliation of 2025 flags them, and the fly ash SRC-1 → YARD-1. Key figures and target cards say so; 'Which
    flows' names the flows, with a link to the reconciliation."""
    estimated = flow("2025-03", "SRC-1", "COL-1", "scrap_steel", "60", data_quality="estimated")
    assert import_files(world_db, [flows_file(tmp_path, [estimated])]).ok
    at = settled(app())
    assert not [m.value for m in at.markdown if "CONCERNS" in m.value or "Shares below" in m.value]  # no stray text
    notes = [c.value for c in at.caption if ":material/report:" in c.value]
    recycled = [n for n in notes if "20 % estimated" in n]
    assert len(recycled) == 2, notes  # the target card and the key figure
    assert all("on flows the reconciliation flags" in n for n in recycled), notes
    popovers = at.get("popover")
    listed = [p.children[1].value for p in popovers]
    generated = next(
        (p, frame)
        for p, frame in zip(popovers, listed, strict=True)
        if "Bulk solid waste generated" in p.children[0].value
    )
    rows = generated[1].to_dict("records")
    assert any("flagged by reconciliation" in r["concerns"] and r["target"] == "YARD-1" for r in rows), rows
    links = [c for c in generated[0].children.values() if c.type == "page_link"]
    assert any("Reconciliation" in link.proto.label for link in links)
    zh = settled(app(language="zh"), "正在与数据协调结果核对")
    assert any("来自数据协调标记为可疑的流量" in c.value for c in zh.caption)


def test_targets_without_data_are_headed_and_sourced_in_the_users_language(app: Callable[..., AppTest]) -> None:
    at = app(language="zh")
    table = next(d.value for d in at.dataframe if "依据" in d.value.columns)
    assert "去向" not in table.columns and "目标值" in table.columns
    assert all(not source.startswith("Hunan") for source in table["依据"])
    assert "《湖南省“十四五”工业绿色发展规划》" in set(table["依据"])
