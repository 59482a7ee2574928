"""The Outlook page: on the small world with the outlook's tables (AppTest, both languages), and on the bundled sample
in a real browser (Chromium), with screenshots in test-artifacts/."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from mfa.services.writing import import_files
from mfa.storage import outlook as stored
from tests.factories import battery_flows, outlook_files
from tests.ui.support import content

LFP = "power_battery_lfp"


@pytest.fixture
def outlook(world_db: Engine, tmp_path: Path) -> Engine:
    """The small world with battery flows, inflows, a lifetime with a range and a capacity."""
    folder = tmp_path / "outlook"
    folder.mkdir()
    ranged = folder / "ranged.csv"
    ranged.write_text(
        f"product,distribution,shape,scale,scale_low,scale_high\n{LFP},weibull,3.5,7,6,9\n", encoding="utf-8"
    )
    report = import_files(world_db, [battery_flows(folder), *outlook_files(folder)[::2], ranged])
    assert report.ok, report.errors
    return world_db


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_page_shows_the_forecast_in_both_languages(
    outlook: Engine, app: Callable[..., AppTest], language: str
) -> None:
    at = app("outlook", language=language)
    zh = language == "zh"
    assert at.title[0].value == ("退役量预测" if zh else "What will come back")
    assert not at.error
    labels = [m.label for m in at.metric]
    assert labels[:3] == (
        ["2025年退役量", "2030年退役量", "2035年退役量"] if zh else [f"Retirements {y}" for y in (2025, 2030, 2035)]
    )
    assert labels[-1] == ("处理能力不足始于" if zh else "Capacity runs out")
    assert at.selectbox(key="outlook_product").value == "power_battery"
    assert at.selectbox(key="outlook_scope").format_func("province") == ("湖南省" if zh else "Hunan province")
    table = at.dataframe[0].value
    assert {"outflow_t", "outflow_low_t", "outflow_high_t", "recorded_t", "capacity_t", "shortfall_t"} <= set(
        table.columns
    )
    assert list(at.dataframe[1].value.columns) == ["year", "li", "ni", "co", "mn"]
    # a missing figure is an empty cell (not "None"), a ratio reads as the app writes percentages: 104 %
    for shown in (table, at.dataframe[1].value):
        assert not shown.isna().any().any()
    assert "" in set(table["recorded_t"]) and "" in set(table["ratio"])
    assert all(re.fullmatch(r"[\d,]+ %", r) for r in table["ratio"] if r), table["ratio"].tolist()
    assert all(re.fullmatch(r"-?[\d,]+\.\d", v) for v in table["outflow_t"]), table["outflow_t"].tolist()
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = {trace.get("name") for trace in chart["data"]}
    assert ("已记录退役量" if zh else "Recorded retirements") in names
    assert ("区间（寿命低值与高值）" if zh else "Range (low and high lifetimes)") in names
    assert ("可承接的处理能力" if zh else "Capacity that can take them") in names


def test_scope_product_and_convention_change_the_numbers(outlook: Engine, app: Callable[..., AppTest]) -> None:
    at = app("outlook")
    province = [m.value for m in at.metric]
    at.selectbox(key="outlook_scope").set_value("Yueyang").run()
    assert not at.exception and [m.value for m in at.metric] != province
    at.segmented_control(key="outlook_convention").set_value("end").run()
    assert not at.exception
    assert "older ODYM" in " ".join(c.value for c in at.caption)
    at.selectbox(key="outlook_product").set_value(LFP).run()
    assert not at.exception and at.selectbox(key="outlook_scope").value == "Yueyang"


def test_calibration_and_saving_it(outlook: Engine, app: Callable[..., AppTest]) -> None:
    at = app("outlook")
    at.button(key="outlook_calibrate_run").click().run()
    assert not at.exception and not at.error
    fitted = at.dataframe[2].value
    assert fitted.shape[0] == 1 and list(fitted["parameter"]) == ["scale"]
    assert at.dataframe[3].value.shape[0] == 3  # the years with flows: 2023-2025
    with outlook.connect() as conn:
        assert stored.lifetime_table(conn)["scale"].to_list() == [7.0]
    at.button(key="outlook_save").click().run()
    assert not at.exception
    with outlook.connect() as conn:
        assert stored.lifetime_table(conn)["scale"].to_list() != [7.0]


def test_downloads_of_tables_and_chart(outlook: Engine, app: Callable[..., AppTest], downloads: dict[str, Any]) -> None:
    app("outlook")
    stem = "mfa-outlook-power_battery-province-2035"
    assert {f"{stem}{ext}" for ext in (".csv", ".xlsx", ".png", ".svg", ".html")} <= set(downloads)
    assert content(downloads, f"{stem}.csv").decode("utf-8-sig").startswith("year,scope,product,inflow_t")
    assert content(downloads, f"{stem}.xlsx")[:2] == b"PK"
    assert b"plotly" in content(downloads, f"{stem}.html")


def test_without_inflows_the_page_says_what_to_import(app: Callable[..., AppTest]) -> None:
    at = app("outlook", language="zh")
    assert "尚无投入使用数据" in at.info[0].value


def test_a_forecast_that_cannot_be_made_says_why(world_db: Engine, app: Callable[..., AppTest], tmp_path: Path) -> None:
    folder = tmp_path / "late"
    folder.mkdir()
    files = outlook_files(folder, lifetimes=[[LFP, "weibull", 3.5, 7, "", "", 2020, ""]])
    assert import_files(world_db, files).ok
    at = app("outlook")
    assert "The forecast cannot be made: no lifetime row of power_battery_lfp covers cohort 2012" in at.error[0].value


# ---------------------------------------------------------------- the bundled sample in a real browser


@pytest.fixture
def sample_server(tmp_path: Path) -> Iterator[str]:
    """`streamlit run app.py` on the bundled sample, with an admin account; its base URL."""
    from tests.ui.test_browser import CHROMIUM, ROOT, USER, free_port, wait_healthy

    if not CHROMIUM.is_file():
        pytest.skip(f"Debian's Chromium is not at {CHROMIUM}")
    url = f"sqlite:///{tmp_path / 'sample.db'}"
    demo = subprocess.run(
        [sys.executable, "-m", "mfa", "demo", "--db", url], capture_output=True, text=True, timeout=300
    )
    assert demo.returncode == 0, demo.stderr
    from mfa.services.database import open_database
    from mfa.storage import accounts
    from mfa.storage.engine import write_transaction

    engine = open_database(url)
    with write_transaction(engine) as conn:
        accounts.add_user(conn, *USER, "admin")
    engine.dispose()
    port = free_port()
    env = {**os.environ, "MFA_DATABASE_URL": url, "MFA_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port)]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    log = (tmp_path / "streamlit.log").open("wb")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.mark.slow
def test_the_outlook_of_the_sample_in_chromium(sample_server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.ui.test_browser import ARTIFACTS, CHROMIUM, LAUNCH_ARGS, USER, metric, screenshot, settle

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.set_default_timeout(90_000)
            expect.set_options(timeout=60_000)
            page.goto(f"{sample_server}/outlook?language=English")
            page.get_by_label("User name").fill(USER[0])
            page.get_by_role("textbox", name="Password").fill(USER[1])
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_text(f"Signed in as {USER[0]}")).to_be_visible()
            page.wait_for_function("document.cookie.includes('mfa_session=')")
            page.goto(f"{sample_server}/outlook?language=English")
            expect(page.get_by_text("What will come back")).to_be_visible()
            settle(page)
            expect(metric(page, "Capacity runs out")).to_have_text("2026")
            expect(page.locator(".js-plotly-plot .scatterlayer .trace").first).to_be_attached()
            screenshot(page, "outlook-en")
            with page.expect_download() as download:
                page.locator('[data-testid="stDownloadButton"]').filter(has_text="PNG").locator("button").click()
            png = ARTIFACTS / "outlook-chart.png"
            download.value.save_as(png)
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            page.get_by_text("Calibrate the lifetime").click()
            page.get_by_role("button", name="Fit", exact=True).click()
            expect(page.get_by_text("Fitted lifetime (factor")).to_be_visible()
            screenshot(page, "outlook-calibrate-en")
            page.goto(f"{sample_server}/outlook?language=中文")
            settle(page)
            expect(page.get_by_text("退役量预测").first).to_be_visible()
            expect(metric(page, "处理能力不足始于")).to_have_text("2026年")
            screenshot(page, "outlook-zh")
        finally:
            browser.close()
