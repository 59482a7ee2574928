"""History page: changes said in the reader's language (channel, summary, status, no "None"), records by their
names with their codes beside, differences in tonnes, records found by facility, material and period, restoring."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from mfa.domain.roles import Actor
from mfa.services.editing import import_records
from mfa.storage import history
from tests.ui.support import open_page

KEY = {"period": "2024-01", "source": "SRC-1", "target": "COL-1", "material": "scrap_steel"}
KEY_TEXT = "2024-01 | SRC-1 | COL-1 | scrap_steel | sender"
NAME = "2024-01 · Steel plant → Collector · Scrap steel (sender)"


def _edit(engine: Engine, *quantities: str) -> None:
    for n, quantity in enumerate(quantities, start=2):
        record = dict(KEY, quantity=quantity, unit="t", note=f"edit {n}")
        report = import_records(engine, "flows", [record], replace=KEY, actor=Actor("pm", "admin", via="app"))
        assert report.committed


def _shown(frame: pd.DataFrame) -> set[str]:
    """Every cell and header a reader sees in a table, as text."""
    return {str(v) for v in frame.to_numpy().ravel()} | {str(c) for c in frame.columns}


def _find(at: AppTest, record: str = "flow") -> AppTest:
    at.selectbox(key="history_kind").set_value(record).run()
    at.selectbox(key="history_find_facility").set_value("SRC-1").run()
    at.selectbox(key="history_find_material").set_value("scrap_steel").run()
    at.text_input(key="history_find_period").input("2024-01").run()
    return at


def test_changes_are_said_in_english_by_names_with_the_difference_in_tonnes(
    app: Callable[..., AppTest], world_db: Engine
) -> None:
    _edit(world_db, "1234.5", "2000")
    at = open_page(app(), "history")
    latest = at.dataframe[0].value
    assert list(latest.columns) == ["No.", "When", "Who", "What", "Through"]
    assert latest["Through"].to_list()[:2] == ["App · entry form", "App · entry form"]
    assert latest["What"].to_list()[0] == "Flows: 1 written"
    assert latest["Through"].to_list()[-1].startswith("Command line · import of ")
    assert latest["Through"].to_list()[-1].endswith(" more files")
    records = at.dataframe[1].value
    assert records.values.tolist() == [["Flow", NAME, "written", KEY_TEXT]]
    versions = _find(at).dataframe[2].value
    assert list(versions.columns) == ["Version", "Status", "What changed", "When", "Who", "Through"]
    assert versions["Status"].to_list() == ["created", "updated", "updated"]
    changes = versions["What changed"].to_list()
    assert changes[1] == "quantity 110 t → 1,234.5 t; note (empty) → edit 2"
    assert changes[2] == "quantity 1,234.5 t → 2,000 t; note edit 2 → edit 3"
    assert changes[0].startswith("period 2024-01; from Steel plant; to Collector; material Scrap steel; declared by")
    for table in at.dataframe:
        assert not {"None", "nan", "∅", "change_id", "via", "app form"} & _shown(table.value)


def test_changes_are_said_in_chinese(app: Callable[..., AppTest], world_db: Engine) -> None:
    _edit(world_db, "400")
    at = open_page(app(language="zh"), "history")
    latest = at.dataframe[0].value
    assert list(latest.columns) == ["编号", "时间", "修改人", "内容", "途径"]
    assert latest["途径"].to_list()[0] == "网页应用 · 填报表单"
    assert latest["内容"].to_list()[0] == "流量：写入 1 条"
    name = "2024-01 · 钢厂 → 回收站 · 废钢铁（移出方）"
    assert at.dataframe[1].value.values.tolist() == [["流量", name, "写入", KEY_TEXT]]
    versions = _find(at).dataframe[2].value
    assert versions["状态"].to_list() == ["新建", "修改"]
    assert versions["修改内容"].to_list()[1] == "数量 110 吨 → 400 吨；备注 （空） → edit 2"
    for table in at.dataframe:
        assert not {"None", "created", "updated", "written"} & _shown(table.value)


def test_every_kind_of_record_with_history_can_be_looked_up(app: Callable[..., AppTest]) -> None:
    at = open_page(app(), "history")
    kinds = at.selectbox(key="history_kind").options
    assert kinds == ["Flow", "Facility", "Park", "Stock", "Target", "Material alias", "Transfer coefficient"]


def test_a_flow_found_by_facility_material_and_period_is_rolled_back(
    app: Callable[..., AppTest], world_db: Engine
) -> None:
    _edit(world_db, "111", "112", "113")
    at = _find(open_page(app(), "history"))
    assert at.selectbox(key="history_match").value == KEY_TEXT
    assert at.selectbox(key="history_match").options == [
        f"{NAME}  (2024-01 | SRC-1 | COL-1 | scrap_steel)"
    ]  # side in words
    assert at.dataframe[2].value["Version"].to_list() == [1, 2, 3, 4]
    at.selectbox(key="history_version").set_value(2).run()
    at.button(key="history_restore").click().run()
    assert not at.exception
    assert at.success[0].value == "Version 2 restored as the newest version."
    versions = at.dataframe[2].value
    assert versions["Status"].to_list()[-1] == "restored"
    assert versions["Who"].to_list()[-1] == "tester"
    assert versions["Through"].to_list()[-1] == "App · restore of version 2"
    with world_db.connect() as conn:
        now = history.record_history(conn, "flow", KEY).row(-1, named=True)
    assert (now["version"], now["value"], now["note"]) == (5, 111.0, "edit 2")


def test_a_deleted_flow_is_found_through_its_change_and_restored(app: Callable[..., AppTest], world_db: Engine) -> None:
    at = open_page(app(), "enter")
    at.selectbox(key="enter_find_facility").set_value("SRC-1").run()
    at.selectbox(key="enter_find_year").set_value(2024).run()
    at.selectbox(key="enter_pick").set_value("2024-01|SRC-1|COL-1|scrap_steel|sender").run()
    at.button(key="enter_delete").click().run()
    at.button(key="enter_delete_confirm").click().run()
    open_page(at, "history")
    assert at.dataframe[0].value["What"].to_list()[0] == f"Flow deleted: {NAME}"
    assert at.dataframe[1].value.values.tolist() == [["Flow", NAME, "deleted", KEY_TEXT]]
    at.selectbox(key="history_pick").set_value(f"flow · {KEY_TEXT}").run()
    versions = at.dataframe[2].value
    assert versions["Status"].to_list() == ["created", "deleted"]
    at.button(key="history_restore").click().run()
    with world_db.connect() as conn:
        assert history.record_history(conn, "flow", KEY)["status"].to_list() == ["created", "deleted", "restored"]


def test_a_link_naming_a_record_opens_its_history(app: Callable[..., AppTest], world_db: Engine) -> None:
    """The flows behind a Sankey link link here: /history?record=flow&key=<its key>."""
    _edit(world_db, "111", "112", "113")
    at = app()
    at.query_params["record"] = "flow"
    at.query_params["key"] = KEY_TEXT
    open_page(at, "history")
    assert at.selectbox(key="history_match").value == KEY_TEXT
    assert at.selectbox(key="history_find_facility").value == "SRC-1"  # the search that finds it, filled in
    assert at.text_input(key="history_find_period").value == "2024-01"
    assert at.selectbox(key="history_match").label == "Record (1 found)"
    assert at.dataframe[2].value["Version"].to_list() == [1, 2, 3, 4]
    assert "record" not in at.query_params  # once: the user may then look up another record


def test_only_earlier_versions_are_offered_for_restoring(app: Callable[..., AppTest], world_db: Engine) -> None:
    _edit(world_db, "400")
    at = _find(open_page(app(language="zh"), "history"))
    assert at.selectbox(key="history_version").options == ["1"]  # 2 is the current version
    at.selectbox(key="history_kind").set_value("park").run()
    assert not [b for b in at.button if b.key == "history_restore"]  # a park never changed: one version
