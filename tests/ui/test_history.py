"""History page: a flow edited three times shows four versions, and an earlier one is restored from the app."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from mfa.domain.roles import Actor
from mfa.services.editing import import_records
from mfa.storage import history
from tests.ui.support import open_page

KEY = {"period": "2024-01", "source": "SRC-1", "target": "COL-1", "material": "scrap_steel"}
KEY_TEXT = "2024-01 | SRC-1 | COL-1 | scrap_steel | sender"


def _edit_three_times(engine: Engine) -> None:
    for n, quantity in enumerate(("111", "112", "113"), start=2):
        record = dict(KEY, quantity=quantity, unit="t", note=f"edit {n}")
        report = import_records(engine, "flows", [record], replace=KEY, actor=Actor("pm", "admin", via="app"))
        assert report.committed


def test_a_flow_edited_three_times_is_shown_and_rolled_back(app: Callable[..., AppTest], world_db: Engine) -> None:
    _edit_three_times(world_db)
    at = open_page(app(), "history")
    latest = at.dataframe[0].value
    assert latest["changed_by"].to_list()[:3] == ["pm", "pm", "pm"]
    at.selectbox(key="history_kind").set_value("flow")
    at.text_input(key="history_key").input(KEY_TEXT).run()
    versions = at.dataframe[2].value
    assert versions["version"].to_list() == [1, 2, 3, 4]
    assert versions["value"].to_list() == [110.0, 111.0, 112.0, 113.0]
    at.selectbox(key="history_version").set_value(2).run()
    at.button(key="history_restore").click().run()
    assert not at.exception
    assert at.success[0].value == "Version 2 restored as the newest version."
    versions = at.dataframe[2].value
    assert versions["status"].to_list()[-1] == "restored"
    assert versions["changed_by"].to_list()[-1] == "tester"
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
    records = at.dataframe[1].value
    assert records.values.tolist() == [["flow", KEY_TEXT, "deleted"]]
    at.selectbox(key="history_pick").set_value(f"flow · {KEY_TEXT}").run()
    versions = at.dataframe[2].value
    assert versions["status"].to_list() == ["created", "deleted"]
    at.button(key="history_restore").click().run()
    with world_db.connect() as conn:
        assert history.record_history(conn, "flow", KEY)["status"].to_list() == ["created", "deleted", "restored"]


def test_a_link_naming_a_record_opens_its_history(app: Callable[..., AppTest], world_db: Engine) -> None:
    """The flows behind a Sankey link link here: /history?record=flow&key=<its key>."""
    _edit_three_times(world_db)
    at = app()
    at.query_params["record"] = "flow"
    at.query_params["key"] = KEY_TEXT
    open_page(at, "history")
    assert at.text_input(key="history_key").value == KEY_TEXT
    assert at.dataframe[2].value["version"].to_list() == [1, 2, 3, 4]
    assert "record" not in at.query_params  # once: the user may then look up another record
