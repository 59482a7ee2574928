"""The app in a real browser: `streamlit run` on a small world, driven by Debian's Chromium through Playwright.

Signs in (and stays signed in across a reload and a link to another page), enters a flow through the form, sees
the indicator change on the Overview, sees the Sankey diagram drawn, downloads it as SVG, saves a screenshot of
every page (both languages) to test-artifacts/, and logs out.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from mfa.storage import accounts
from mfa.storage.engine import write_transaction
from tests.ui.support import APP, load_world

pytestmark = pytest.mark.slow

ROOT = Path(APP).parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
USER = ("browser-admin", "a long password")


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(base: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    """Wait until the server answers its health check."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {base} within {timeout:.0f} s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`streamlit run app.py` on a temp database holding the small world; its base URL. Killed afterwards."""
    if not CHROMIUM.is_file():
        reason = f"Debian's Chromium is not at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI must run the browser test")
        pytest.skip(reason)
    url, engine = load_world(tmp_path)
    with write_transaction(engine) as conn:
        accounts.add_user(conn, *USER, "admin")
    engine.dispose()
    port = free_port()
    env = {**os.environ, "MFA_DATABASE_URL": url, "MFA_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port)]
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


def test_enter_a_flow_see_it_counted_and_export_the_sankey(server: str, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            console: list[str] = []
            page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: console.append(str(error)))
            page.set_default_timeout(60_000)
            expect.set_options(timeout=30_000)

            page.goto(f"{server}/flows?language=English")
            expect(page.get_by_text("Sign in to mfa")).to_be_visible()
            screenshot(page, "login-en")
            page.get_by_label("User name").fill(USER[0])
            page.get_by_role("textbox", name="Password").fill(USER[1])
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_text(f"Signed in as {USER[0]}")).to_be_visible()
            page.wait_for_function("document.cookie.includes('mfa_session=')")
            page.reload()  # Streamlit forgets its state on reload: the cookie keeps the session
            expect(page.get_by_text(f"Signed in as {USER[0]}")).to_be_visible()

            page.goto(f"{server}/?language=English")
            renewable = metric(page, "Renewable resources recycled")
            expect(renewable).to_have_text("240 t")

            page.goto(f"{server}/enter?language=English")
            settle(page)
            choose(page, "Month", "Month 3")
            choose(page, "From", "Steel plant")
            choose(page, "To", "Collector")
            choose(page, "Material", "Scrap steel")
            page.locator('[data-testid="stTextInput"]').filter(has_text="Quantity").locator("input").fill("60")
            page.get_by_role("button", name="Save flow").click()
            expect(page.get_by_text("Flow saved.")).to_be_visible()
            screenshot(page, "enter-en")

            page.goto(f"{server}/?language=English")
            expect(metric(page, "Renewable resources recycled")).to_have_text("300 t")
            screenshot(page, "overview-en")

            page.goto(f"{server}/flows?language=English")
            expect(page.locator(".js-plotly-plot g.trace.scatter").first).to_be_attached()
            expect(page.locator(".js-plotly-plot .gtitle").first).to_have_attribute(
                "data-unformatted", re.compile("by facility kind")
            )
            page.wait_for_function(  # the figure laid out again for the width the page reported
                "(() => { const g = document.querySelector('.js-plotly-plot');"
                " return g && g._fullLayout && g._fullLayout.width <= g.getBoundingClientRect().width + 1; })()"
            )
            settle(page)
            band = page.locator(".js-plotly-plot g.trace path.point").first  # each band's point, to click
            band.scroll_into_view_if_needed()
            settle(page)
            box = band.bounding_box()
            assert box is not None
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)  # plotly clicks what the pointer hovers
            page.wait_for_timeout(300)
            page.mouse.click(x, y)
            expect(page.get_by_text("facility to facility, by month")).to_be_visible()  # the flows behind it
            screenshot(page, "flows-en")
            assert not [m for m in console if "NaN" in m], console  # plotly's translate(NaN...) errors are gone

            page.goto(f"{server}/export?language=English")
            settle(page)
            with page.expect_download() as download:
                page.locator('[data-testid="stDownloadButton"]').filter(has_text="SVG").locator("button").click()
            svg = ARTIFACTS / "sankey.svg"
            download.value.save_as(svg)
            assert svg.read_bytes().lstrip().startswith(b"<svg")
            assert download.value.suggested_filename == "mfa-2025-sankey-kind.svg"

            for name in ("overview", "flows", "enter", "export"):
                page.goto(f"{server}/{'' if name == 'overview' else name}")
                settle(page)
                screenshot(page, f"{name}-zh")
            expect(page.get_by_text("桑基图").first).to_be_visible()

            page.goto(f"{server}/import")
            settle(page)
            screenshot(page, "import-zh")
            upload = tmp_path / "六月流量.csv"
            upload.write_text(
                "期间,来源,去向,物料,数量,单位\n2025-06,SRC-1,COL-1,scrap_steel,1.2,万吨\n2025-06,SRC-1,NOWHERE,fly_ash,5,吨\n",
                encoding="utf-8",
            )
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
            expect(page.get_by_text("六月流量.csv → 流量 · 2 行")).to_be_visible()
            page.locator('[data-testid="stCheckbox"]').filter(has_text="仅校验").locator("label").first.click()
            page.get_by_role("button", name="校验", exact=True).click()
            expect(page.get_by_text("校验完成：发现 1 处问题；未写入任何数据。")).to_be_visible()
            screenshot(page, "import-report-zh")

            page.goto(f"{server}/history?language=English")
            settle(page)
            expect(page.get_by_text("Latest changes")).to_be_visible()
            screenshot(page, "history-en")
            page.get_by_role("button", name="Log out").click()
            expect(page.get_by_text("Sign in to mfa")).to_be_visible()
            page.goto(f"{server}/flows?language=English")
            expect(page.get_by_text("Sign in to mfa")).to_be_visible()
        finally:
            browser.close()


def metric(page: Page, label: str) -> Locator:
    """The value of the metric with this label."""
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]')


def settle(page: Page) -> None:
    """Wait until the script has finished and the page has painted."""
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(500)


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of a selectbox by typing (as a user searches a long list) and clicking the match."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text(label, exact=True))
    box.locator("input").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.click()


def screenshot(page: Page, name: str) -> None:
    """The whole page (Streamlit scrolls inside its main block, so the viewport is grown to fit it)."""
    settle(page)
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stMainBlockContainer]')]"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": 1400, "height": int(height) + 40})
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})
