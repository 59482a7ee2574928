"""In Chromium, as a park manager of Miluo and as an analyst: select boxes follow the language switch at once,
a refused quantity is said under its field in the user's language, an import names the file's own column, and an
analyst's link to Enter data says why. Screenshots go to test-artifacts/14c/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from mfa.services.users import add_user
from tests.ui.support import APP, load_world
from tests.ui.test_browser import CHROMIUM, LAUNCH_ARGS, ROOT, choose, free_port, settle, wait_healthy

pytestmark = pytest.mark.slow

SHOTS = ROOT / "test-artifacts" / "14c"
MILUO = ("miluo-manager", "a long password")
ANALYST = ("ana-analyst", "a long password")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`streamlit run app.py` on the small world with a Miluo park manager and an analyst; its base URL."""
    if not CHROMIUM.is_file():
        pytest.skip(f"Debian's Chromium is not at {CHROMIUM}")
    url, engine = load_world(tmp_path)
    add_user(engine, MILUO[0], MILUO[1], "park_manager", ["MILUO"])
    add_user(engine, ANALYST[0], ANALYST[1], "analyst", [])
    engine.dispose()
    port = free_port()
    env = {**os.environ, "MFA_DATABASE_URL": url, "MFA_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port), "--server.headless", "true"]
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


def sign_in(page: Page, base: str, user: tuple[str, str]) -> None:
    page.goto(f"{base}/?language=English")
    page.get_by_label("User name").fill(user[0])
    page.get_by_role("textbox", name="Password").fill(user[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {user[0]}")).to_be_visible()
    page.wait_for_function("document.cookie.includes('mfa_session=')")


def shot(page: Page, name: str) -> None:
    """The whole page (Streamlit scrolls inside its main block, so the viewport is grown to fit it)."""
    settle(page)
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stMainBlockContainer]')]"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": 1400, "height": int(height) + 40})
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})


def switch_language(page: Page, to: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(to, exact=True).click()
    settle(page)


def test_widgets_follow_the_language_and_refusals_are_said_in_it(server: str, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            expect.set_options(timeout=30_000)
            sign_in(page, server, MILUO)
            scope = page.get_by_role("combobox", name="Province, city or park")
            expect(scope).to_have_value(re.compile("Miluo"))  # item 10: a park manager's Overview is their park

            page.goto(f"{server}/flows?language=中文")
            settle(page)
            choose(page, "月份", "3月")
            expect(page.get_by_role("combobox", name="月份")).to_have_value("3月")
            park = page.get_by_role("combobox", name="园区")
            expect(park).to_have_value(re.compile("汨罗"))  # item 10: Flows open on their park
            switch_language(page, "English")
            expect(page.get_by_role("combobox", name="Month")).to_have_value("Month 3")  # item 4: no 3月 left
            expect(page.get_by_role("combobox", name="Park")).to_have_value(re.compile("Miluo Circular"))

            for language, quantity_label, save, refused in (
                ("English", "Quantity", "Save flow", "negative quantity"),
                ("中文", "数量", "保存流量", "数量为负数"),
            ):
                page.goto(f"{server}/enter?language={language}")
                settle(page)
                quantity = page.locator('[data-testid="stTextInput"]').filter(has_text=quantity_label).locator("input")
                quantity.fill("-5")
                page.get_by_role("button", name=save).click()
                expect(page.get_by_text(refused)).to_be_visible()
                expect(quantity).to_have_value("-5")  # what was typed stays
                shot(page, f"enter-refused-{'en' if language == 'English' else 'zh'}")

            upload = tmp_path / "六月流量.csv"
            upload.write_text("期间,来源,去向,物料,数量\n2025-06,SRC-1,COL-1,scrap_steel,abc\n", encoding="utf-8")
            for language, run, column, refused in (
                ("English", "Import", "数量", "not a number"),
                ("中文", "导入", "数量", "不是数字"),
            ):
                page.goto(f"{server}/import?language={language}")
                settle(page)
                page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
                settle(page)
                page.get_by_role("button", name=run, exact=True).click()
                settle(page)
                grid = page.locator('[data-testid="stDataFrame"]').last
                expect(grid).to_contain_text(refused)
                expect(grid).to_contain_text(column)
                shot(page, f"import-refused-{'en' if language == 'English' else 'zh'}")

            page.get_by_role("button", name=re.compile("Log out|退出登录")).click()
            other = page
            sign_in(other, server, ANALYST)
            other.goto(f"{server}/enter?language=English")
            settle(other)
            expect(other.get_by_text("analysts read the data but do not enter or import it")).to_be_visible()
            shot(other, "enter-analyst-en")
        finally:
            browser.close()
