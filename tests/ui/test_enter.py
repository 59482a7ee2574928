"""The Enter data page: a flow, a facility or a park goes through the importer's validation; edit and delete."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from mfa.domain.flowframe import Selection
from mfa.services import editing
from mfa.services.writing import import_files
from mfa.storage import declarations, meta, reads
from tests.factories import flow, flows_file

KEY_COLUMNS = ("period", "source", "target", "material", "side")


def flows(engine: Engine, period: str | None = None) -> pl.DataFrame:
    """The flows in the database (of one period)."""
    with engine.connect() as conn:
        table = declarations.flow_table(conn, Selection())
    return table if period is None else table.filter(pl.col("period") == period)


def fill_flow(at: AppTest, source: str, target: str, quantity: str | None, unit: str = "t", month: int = 3) -> None:
    """Fill the flow form (not yet submitted)."""
    at.selectbox(key="enter_year").set_value(2025)
    at.selectbox(key="enter_month").set_value(month)
    at.selectbox(key="enter_source").set_value(source)
    at.selectbox(key="enter_target").set_value(target)
    at.selectbox(key="enter_material").set_value("scrap_steel")
    at.text_input(key="enter_quantity").set_value(quantity)
    at.selectbox(key="enter_unit").set_value(unit)


def test_a_valid_flow_is_written(app: Callable[..., AppTest], world_db: Engine) -> None:
    at = app("enter")
    fill_flow(at, "SRC-1", "COL-1", "1.5", unit="万吨")
    at.text_input(key="enter_uncertainty").set_value("5")
    at.selectbox(key="enter_quality").set_value("measured")
    at.text_input(key="enter_note").set_value("weighbridge")
    at.button(key="enter_submit").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Flow saved."]
    row = flows(world_db, "2025-03").row(0, named=True)
    assert (row["source"], row["target"], row["material"], row["quantity"]) == ("SRC-1", "COL-1", "scrap_steel", 15000)
    assert (row["uncertainty"], row["data_quality"], row["note"]) == (0.05, "measured", "weighbridge")


def test_an_invalid_flow_shows_the_error_under_its_field_and_writes_nothing(
    app: Callable[..., AppTest], world_db: Engine
) -> None:
    before = flows(world_db).height
    with world_db.connect() as conn:
        version = meta.data_version(conn)
    at = app("enter")
    fill_flow(at, "COL-1", "COL-1", "10.0")
    at.button(key="enter_submit").click().run()
    assert not at.exception
    assert at.error[0].value == "Not saved: 1 problem(s), shown under the fields."
    assert any("a flow cannot go from a facility to itself" in m.value for m in at.markdown)
    assert flows(world_db).height == before
    with world_db.connect() as conn:
        assert meta.data_version(conn) == version


def test_missing_fields_are_reported_by_the_same_validation(app: Callable[..., AppTest], world_db: Engine) -> None:
    at = app("enter")
    at.button(key="enter_submit").click().run()
    problems = " ".join(m.value for m in at.markdown)
    assert problems.count("required") >= 4  # source, target, material, quantity
    at = app("enter")
    fill_flow(at, "SRC-1", "COL-1", "10.0", month=1)
    at.selectbox(key="enter_month").set_value(0)  # a yearly flow where monthly flows of the link exist
    at.button(key="enter_submit").click().run()
    assert any("monthly flows of that year" in m.value for m in at.markdown)
    assert flows(world_db, "2025").is_empty()


def test_a_flow_is_edited_and_deleted_after_confirmation(app: Callable[..., AppTest], world_db: Engine) -> None:
    at = app("enter")
    at.selectbox(key="enter_find_facility").set_value("YARD-1").run()
    at.selectbox(key="enter_find_year").set_value(2024).run()
    key = "2024-01|YARD-1|REC-1|fly_ash|sender"
    at.selectbox(key="enter_pick").set_value(key).run()
    at.button(key="enter_edit").click().run()
    assert at.selectbox(key="enter_source").value == "YARD-1"
    assert at.text_input(key="enter_quantity").value == "20"
    at.text_input(key="enter_quantity").set_value("25")
    at.selectbox(key="enter_month").set_value(3)  # the key changes: the old flow is replaced
    at.button(key="enter_submit").click().run()
    assert [s.value for s in at.success] == ["Flow saved."]
    assert flows(world_db, "2024-01").filter(pl.col("source") == "YARD-1", pl.col("target") == "REC-1").is_empty()
    edited = flows(world_db, "2024-03")
    assert edited.select("source", "target", "quantity").rows() == [("YARD-1", "REC-1", 25.0)]

    at.selectbox(key="enter_pick").set_value("2024-03|YARD-1|REC-1|fly_ash|sender").run()
    at.button(key="enter_delete").click().run()
    assert "can be restored" in at.warning[0].value
    assert not flows(world_db, "2024-03").is_empty()  # not before the confirmation
    at.button(key="enter_delete_confirm").click().run()
    assert [s.value for s in at.success] == ["Flow deleted."]
    assert flows(world_db, "2024-03").is_empty()


def test_facilities_and_parks_are_added_and_edited(app: Callable[..., AppTest], world_db: Engine) -> None:
    at = app("enter")
    at.text_input(key="parkform_code").set_value("YUHU")
    at.text_input(key="parkform_name").set_value("Yuhu District")
    at.text_input(key="parkform_name_zh").set_value("雨湖区")
    at.selectbox(key="parkform_city").set_value("Xiangtan")
    at.button(key="parkform_submit").click().run()
    assert "Park saved." in [s.value for s in at.success]
    at.text_input(key="facility_code").set_value("914301")
    at.selectbox(key="facility_park").set_value("YUHU")
    at.selectbox(key="facility_kind").set_value("recycling")
    at.text_input(key="facility_name_zh").set_value("宏力电池回收")
    at.button(key="facility_submit").click().run()
    assert "Facility saved." in [s.value for s in at.success]
    facilities = reads.reference_tables(world_db.connect())["facilities"]
    assert facilities.filter(pl.col("code") == "914301").select("park", "kind").row(0) == ("YUHU", "recycling")

    at.selectbox(key="facility_existing").set_value("REC-1").run()
    assert at.text_input(key="facility_name").value == "Recycler"
    at.text_input(key="facility_code").set_value("BAD CODE")
    at.button(key="facility_submit").click().run()
    assert at.error and not at.success


def test_a_refused_quantity_is_said_under_its_field_and_what_was_typed_stays(
    app: Callable[..., AppTest], world_db: Engine
) -> None:
    before = flows(world_db).height
    at = app("enter", language="zh")
    fill_flow(at, "SRC-1", "COL-1", "-5")
    at.button(key="enter_submit").click().run()
    assert not at.exception
    assert at.error[0].value == "未保存：1 处问题，见各字段下方。"
    assert any("数量为负数" in m.value for m in at.markdown)
    assert at.text_input(key="enter_quantity").value == "-5"
    fill_flow(at, "SRC-1", "COL-1", "12 吨多")
    at.button(key="enter_submit").click().run()
    assert any("不是数字" in m.value for m in at.markdown)
    assert at.text_input(key="enter_quantity").value == "12 吨多"
    assert flows(world_db).height == before


def test_an_empty_quantity_offers_the_quality_the_form_has(app: Callable[..., AppTest], world_db: Engine) -> None:
    at = app("enter")
    fill_flow(at, "SRC-1", "COL-1", None)
    at.button(key="enter_submit").click().run()
    assert any("leave it empty only with data_quality unknown" in m.value for m in at.markdown)
    assert "unknown" in at.selectbox(key="enter_quality").options[-1]
    at.selectbox(key="enter_quality").set_value("unknown")
    at.button(key="enter_submit").click().run()
    assert [s.value for s in at.success] == ["Flow saved."]
    assert flows(world_db, "2025-03").row(0, named=True)["data_quality"] == "unknown"


def test_the_flow_picker_shows_the_edited_quantity(app: Callable[..., AppTest], world_db: Engine) -> None:
    at = app("enter")
    at.selectbox(key="enter_find_facility").set_value("YARD-1").run()
    at.selectbox(key="enter_find_year").set_value(2024).run()
    key = "2024-01|YARD-1|REC-1|fly_ash|sender"
    at.selectbox(key="enter_pick").set_value(key).run()
    at.button(key="enter_edit").click().run()
    at.text_input(key="enter_quantity").set_value("400")
    at.button(key="enter_submit").click().run()
    picker = at.selectbox(key="enter_pick")
    assert picker.value == key
    assert "400" in picker.options[picker.index]
    # the browser is told the new label of the picked flow (it keeps the old one otherwise)
    assert picker.proto.set_value and "400" in picker.proto.raw_value


def test_a_stale_edit_and_a_vanished_flow_are_refused_in_chinese(
    app: Callable[..., AppTest], world_db: Engine, tmp_path: Path
) -> None:
    """Someone else changes the flow being edited, then deletes the flow about to be deleted: both refusals are
    said in the user's language."""
    at = app("enter", language="zh")
    at.selectbox(key="enter_find_facility").set_value("YARD-1").run()
    at.selectbox(key="enter_find_year").set_value(2024).run()
    key = "2024-01|YARD-1|REC-1|fly_ash|sender"
    at.selectbox(key="enter_pick").set_value(key).run()
    at.button(key="enter_edit").click().run()
    time.sleep(1.1)  # the change below is a later second than the one the form opened
    report = import_files(world_db, [flows_file(tmp_path, [flow("2024-01", "YARD-1", "REC-1", "fly_ash", "21")])])
    assert report.ok, report.errors
    at.text_input(key="enter_quantity").set_value("25")
    at.button(key="enter_submit").click().run()
    refusals = [m.value for m in at.markdown if ":material/error:" in m.value]
    assert any("在您打开之后" in r and "已于" in r for r in refusals), refusals
    assert not any("since you opened it" in r for r in refusals)

    at.selectbox(key="enter_pick").set_value(key).run()
    at.button(key="enter_delete").click().run()
    assert editing.delete_record(world_db, "flow", dict(zip(KEY_COLUMNS, key.split("|"), strict=True))).committed
    at.button(key="enter_delete_confirm").click().run()
    refusals = [m.value for m in at.markdown if ":material/error:" in m.value]
    assert any("该流量不存在" in r for r in refusals), refusals
