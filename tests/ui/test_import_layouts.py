"""The Import page with the spreadsheets people have: it shows what it understood before anything is written (header
row, unit, period, what each column is read as, rows not imported, the first records in tonnes), lets the user
correct a column's reading with a select box, remembers the confirmed mapping, and says in one line (in the user's
language) why a file cannot be read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from tests.layout_files import Grid, write_xlsx
from tests.ui.test_browser import ARTIFACTS, CHROMIUM, LAUNCH_ARGS, USER, screenshot, server
from tests.ui.test_import import flow_count, upload

__all__ = ["server"]  # the browser test's fixture: streamlit on the small world

REPORT: Grid = [
    ["2024年3月 一般工业固体废物流向统计表"],
    ["填报单位：汨罗循环经济产业园", None, None, "单位：万吨"],
    ["序号", "移出单位", "接收单位", "废物名称", "转运量"],
    [1, "钢厂", "回收站", "废钢", 1.5],
    [2, "SRC-1", "再生厂", "粉煤灰", 0.25],
    ["合计", None, None, None, 1.75],
    ["注：数据来源于企业月报。"],
]


def workbook(tmp_path: Path, rows: Grid = REPORT) -> tuple[str, bytes, str]:
    """An uploaded workbook as (file name, bytes, mime type)."""
    path = write_xlsx(tmp_path / "march.xlsx", rows, "报表", merges=["A1:E1"])
    return path.name, path.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stored(engine: Engine, period: str) -> list[tuple[str, str, str, float]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT s.code, t.code, m.code, f.quantity_t FROM flow f JOIN facility s ON s.id = f.source_id "
                "JOIN facility t ON t.id = f.target_id JOIN material m ON m.id = f.material_id "
                "WHERE f.period = :p ORDER BY 1, 2"
            ),
            {"p": period},
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def box(at: AppTest, label: str) -> object:
    """The select box of the column headed `label`."""
    found = [s for s in at.selectbox if s.label == label]
    assert len(found) == 1, [s.label for s in at.selectbox]
    return found[0]


def test_the_page_shows_what_it_understood_and_a_corrected_column_imports(
    app: Callable[..., AppTest], world_db: Engine, tmp_path: Path
) -> None:
    before = flow_count(world_db)
    at = app("import")
    report = workbook(tmp_path)
    at.file_uploader(key="import_files").set_value([report]).run()
    assert not at.exception, at.exception
    page = " ".join(m.value for m in at.markdown)
    assert "march.xlsx[报表]** → flows · header on row 3 · unit 万吨 (from the title block) · period 2024-03" in page
    assert [box(at, h).value for h in ("序号", "移出单位", "接收单位", "废物名称", "转运量")] == [
        "", "source", "target", "material", "",
    ]  # fmt: skip
    problems = [e.value for e in at.error]
    assert any(p.startswith("column quantity (数量) is missing") and "转移量 (for '转运量')" in p for p in problems)

    box(at, "转运量").set_value("quantity").run()  # type: ignore[attr-defined]
    assert not at.exception, at.exception
    assert not [e.value for e in at.error]
    skipped = at.dataframe[-2].value
    assert list(skipped.iloc[:, 0]) == [6, 7]  # the totals row and the note
    first = at.dataframe[-1].value
    assert list(first["quantity_t"]) == [15000.0, 2500.0] and list(first["source"]) == ["SRC-1", "SRC-1"]
    assert flow_count(world_db) == before  # nothing written yet

    upload(at, report)
    assert [s.value for s in at.success] == ["Imported: 2 flows."], (
        [e.value for e in at.error],
        [w.value for w in at.warning],
    )
    assert stored(world_db, "2024-03") == [
        ("SRC-1", "COL-1", "scrap_steel", 15000.0),
        ("SRC-1", "REC-1", "fly_ash", 2500.0),
    ]

    again = app("import")  # a new session: the confirmed mapping is proposed for the same headers
    again.file_uploader(key="import_files").set_value([report]).run()
    assert box(again, "转运量").value == "quantity"  # type: ignore[attr-defined]
    assert any("confirmed for these headers" in i.value for i in again.info)
    assert not [e.value for e in again.error]


def test_a_chinese_user_reads_the_refusal_in_chinese_and_nothing_is_written(
    app: Callable[..., AppTest], world_db: Engine, tmp_path: Path
) -> None:
    rows: Grid = [["来源", "去向", "物料", "1月", "2月"], ["钢厂", "回收站", "废钢", 1, 2]]
    before = flow_count(world_db)
    at = app("import", language="zh")
    path = write_xlsx(tmp_path / "m.xlsx", rows, "Sheet1")
    upload(at, (path.name, path.read_bytes(), "application/octet-stream"))
    assert "月份列（1月, 2月）缺少年份" in at.error[0].value
    assert any("月份列（1月, 2月）缺少年份" in e.value for e in at.error[1:]) or at.dataframe
    assert flow_count(world_db) == before


def test_an_unreadable_file_is_one_line_on_the_page(app: Callable[..., AppTest], world_db: Engine) -> None:
    before = flow_count(world_db)
    at = app("import")
    upload(at, ("memo.csv", b"just,a,memo\n1,2,3\n", "text/csv"))
    assert at.error[0].value.startswith("Nothing was written: 1 problem(s).")
    errors = at.dataframe[-1].value
    assert list(errors["reason"]) == [
        "cannot tell which table this is: no row has the columns of parks, facilities, materials, aliases, flows, "
        "stocks or targets (row 1 has: just, a, memo)"
    ]
    assert flow_count(world_db) == before


@pytest.mark.slow
def test_in_a_browser_a_report_is_understood_corrected_and_imported(server: str, tmp_path: Path) -> None:
    """Chromium: upload the title-block workbook, see the understanding, read its 转运量 column as quantity, import;
    screenshots in test-artifacts/ (import-layout-understood, -corrected, -imported)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = write_xlsx(tmp_path / "march.xlsx", REPORT, "报表", merges=["A1:E1"])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            expect.set_options(timeout=30_000)
            page.goto(f"{server}/import?language=English")
            page.get_by_label("User name").fill(USER[0])
            page.get_by_role("textbox", name="Password").fill(USER[1])
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_text(f"Signed in as {USER[0]}")).to_be_visible()
            page.wait_for_function("document.cookie.includes('mfa_session=')")
            page.goto(f"{server}/import?language=English")
            expect(page.get_by_text("Files to import").first).to_be_visible()
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
            expect(page.get_by_text("What mfa read in the files")).to_be_visible()
            expect(page.get_by_text("column quantity (数量) is missing").first).to_be_visible()
            screenshot(page, "import-layout-understood")
            box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text("转运量", exact=True))
            box.locator("input").click()
            page.get_by_role("option", name="quantity (数量)").first.click()
            expect(page.get_by_text("First records as they will be stored")).to_be_visible()
            expect(page.get_by_text("column quantity (数量) is missing")).to_have_count(0)
            screenshot(page, "import-layout-corrected")
            page.get_by_role("button", name="Import", exact=True).click()
            expect(page.get_by_text("Imported: 2 flows.")).to_be_visible()
            screenshot(page, "import-layout-imported")
        finally:
            browser.close()
