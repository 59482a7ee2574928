"""Every page of the app runs on a real database, in both languages; the language switch and the shared filters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mfa.services.database import open_database
from mfa.ui.navigation import PAGES
from tests.ui.support import APP, open_page, sign_in

TITLES = {
    "overview": ("Progress against the targets", "目标进展总览"),
    "reconciliation": ("Data reconciliation", "数据校核"),
    "outlook": ("What will come back", "退役量预测"),
    "flows": ("Material flows", "物质流分析"),
    "handovers": ("Hand-overs: both sides' figures", "交接核对：移出方与接收方的申报"),
    "enter": ("Enter data", "数据填报"),
    "import": ("Import files", "批量导入"),
    "export": ("Export", "导出"),
    "history": ("History", "修改记录"),
}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_in_both_languages(app: Callable[..., AppTest], page: str, language: str) -> None:
    at = app(page if page != "overview" else None, language=language)
    assert [t.value for t in at.title] == [TITLES[page][language == "zh"]]
    assert not at.error


def test_the_language_switch_changes_labels_and_names(app: Callable[..., AppTest]) -> None:
    at = app("flows", language="zh")
    assert at.title[0].value == "物质流分析"
    assert at.selectbox(key="flows_city").format_func("") == "全部市州"
    at.segmented_control(key="language").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Material flows"
    assert at.selectbox(key="flows_city").format_func("") == "All cities"
    assert at.selectbox(key="flows_city").format_func("Changsha") == "Changsha"
    at.segmented_control(key="language").set_value("zh").run()
    assert at.selectbox(key="flows_city").format_func("Changsha") == "长沙"


def test_the_default_page_is_the_overview_and_pages_have_their_own_url(app: Callable[..., AppTest]) -> None:
    at = app()
    assert at.title[0].value == TITLES["overview"][0]
    assert {path for path in PAGES} == {
        "overview",
        "flows",
        "handovers",
        "reconciliation",
        "outlook",
        "enter",
        "import",
        "export",
        "history",
    }
    for file, _, _ in PAGES.values():
        assert (Path(APP).parent / "mfa" / "ui" / file).is_file()
    assert not (Path(APP).parent / "pages").exists()  # Streamlit's old auto-discovery stays off


def test_flows_and_export_share_the_filters(app: Callable[..., AppTest]) -> None:
    at = app("flows")
    at.selectbox(key="flows_year").set_value(2024).run()
    at.selectbox(key="flows_park").set_value("MILUO").run()
    at.segmented_control(key="flows_level").set_value("facility").run()
    open_page(at, "export")
    assert at.selectbox(key="export_year").value == 2024
    assert at.selectbox(key="export_park").value == "MILUO"
    assert at.segmented_control(key="export_level").value == "facility"
    at.selectbox(key="export_year").set_value(2023).run()
    open_page(at, "flows")
    assert at.selectbox(key="flows_year").value == 2023
    assert at.selectbox(key="flows_park").value == "MILUO"


def test_an_empty_database_points_to_the_import_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, world_db: object
) -> None:
    monkeypatch.setenv("MFA_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["language"] = "en"
    sign_in(open_database(f"sqlite:///{tmp_path / 'empty.db'}"), at)
    at.run()
    assert not at.exception
    assert "No flows recorded yet." in [i.value for i in at.info]
    for page in ("flows", "export"):
        open_page(at, page)
        assert "No flows recorded yet." in [i.value for i in at.info]


def test_a_park_manager_starts_on_their_park(app: Callable[..., AppTest]) -> None:
    at = app(user=("ning", "park_manager", ["NINGXIANG"]))
    assert at.selectbox(key="overview_scope").value == "park:NINGXIANG"
    open_page(at, "flows")
    assert at.selectbox(key="flows_park").value == "NINGXIANG"
    open_page(at, "enter")
    assert at.selectbox(key="enter_source").options[0].endswith("REC-1")  # their park's facilities first
    assert at.selectbox(key="facility_park").value == "NINGXIANG"
    assert at.selectbox(key="enter_unit").value == "t"
    assert "吨" not in at.selectbox(key="enter_unit").options[0]  # the unit picker speaks the page's language
