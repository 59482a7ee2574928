"""The walk's language check (tests/ui/language.py): strict on words in the wrong language, silent on data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from mfa.domain.labels import text
from mfa.domain.labels.messages import MESSAGES
from tests.ui.language import Finding, data_names, visible_texts, wrong_language
from tests.ui.support import load_world
from tests.ui.test_browser import CHROMIUM, LAUNCH_ARGS

DATA_ZH = {"SRC-1", "钢厂", "scrap_steel", "废钢铁", "Yueyang"}
DATA_EN = {"SRC-1", "Steel plant", "scrap_steel", "Scrap steel", "长沙"}


def test_an_english_message_on_a_chinese_page_is_found_word_by_word() -> None:
    found = wrong_language(["数量：quantity is required"], "zh", DATA_ZH)
    assert [f.word for f in found] == ["quantity", "is", "required"]
    assert str(found[0]) == "'quantity' in '数量：quantity is required'"


def test_a_chinese_word_on_an_english_page_is_found() -> None:
    assert wrong_language(["Flows by 去向 and material"], "en", DATA_EN) == [
        Finding("去向", "Flows by 去向 and material")
    ]
    assert [f.word for f in wrong_language(["Unit: t · 吨"], "en")] == ["吨"]
    assert [f.word for f in wrong_language(["Total（2025）"], "en")] == ["（", "）"]  # fullwidth punctuation


def test_data_units_and_numbers_are_not_flagged() -> None:
    assert not wrong_language(
        ["钢厂 · SRC-1 → 废钢铁 2,860 万吨（+7.9 %）", "scrap_steel 12 kt, 3 t", "mfa"], "zh", DATA_ZH
    )
    assert not wrong_language(["Steel plant · SRC-1 sends Scrap steel to 长沙: 2,860 t (+7.9 %)"], "en", DATA_EN)
    assert not wrong_language(["导出为 CSV、XLSX 或 PNG；锂 Li、镍 Ni；可供 d3-sankey 读取；flodym 默认"], "zh")


def test_data_is_taken_out_whole_so_a_word_of_a_name_is_not_allowed_elsewhere() -> None:
    """'Steel plant' is data; 'plant' alone in a label is not."""
    assert [f.word for f in wrong_language(["钢厂 plant"], "zh", {"Steel plant", "钢厂"})] == ["plant"]
    assert [f.word for f in wrong_language(["the plant"], "en", {"钢厂"})] == []


def test_an_english_name_counts_as_data_on_a_chinese_page_only_where_the_record_has_no_chinese_name(
    tmp_path: Path,
) -> None:
    _, engine = load_world(tmp_path)
    try:
        zh, en = data_names(engine, "zh"), data_names(engine, "en")
    finally:
        engine.dispose()
    assert {"SRC-1", "MILUO", "钢厂", "汨罗循环经济产业园", "scrap_steel", "废钢铁", "app.db"} <= zh
    assert "Steel plant" not in zh and "Miluo Circular Economy Industrial Park" not in zh
    assert {"SRC-1", "Steel plant", "Scrap steel", "Miluo Circular Economy Industrial Park"} <= en
    assert "钢厂" not in en
    assert [f.word for f in wrong_language(["Steel plant"], "zh", zh)] == ["Steel", "plant"]
    assert not wrong_language([text("flows_title", "zh"), "钢厂 → 再生厂"], "zh", zh)


def test_real_messages_pass_in_their_own_language_and_fail_in_the_other() -> None:
    for key in ("flows_title", "balance_warnings", "login_title"):
        assert not wrong_language([text(key, "zh")], "zh"), key
        assert not wrong_language([text(key, "en")], "en"), key
        assert wrong_language([text(key, "en")], "zh"), key
        assert wrong_language([text(key, "zh")], "en"), key


PAGE = """<div data-testid="stApp">
<h1>物质流</h1>
<span data-testid="stIconMaterial">warning</span><span role="img" translate="no">handshake</span>
<p>仅一方申报 <code>mfa user add</code></p><pre>Traceback in code</pre>
<div class="st-key-language"><p>中文</p><p>English</p></div>
<div data-testid="stSelectbox"><input role="combobox" value="Province"></div>
<div data-testid="stSelectbox"><input role="combobox" value="" placeholder="Choose an option"></div>
<div data-testid="stTextInput"><input value="typed by a user"><input value="" placeholder="Search here"></div>
<div data-testid="stDataFrame"><table><thead><tr><th role="columnheader">sender_only</th></tr></thead>
<tbody><tr><td>cell data</td></tr></tbody></table></div>
<p>Hidden but there</p>
</div>"""


def test_visible_texts_reads_labels_options_placeholders_and_headers_not_values_cells_code_or_icons() -> None:
    if not CHROMIUM.is_file():
        pytest.skip(f"Debian's Chromium is not at {CHROMIUM}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            page.set_content(PAGE)
            texts = visible_texts(page)
        finally:
            browser.close()
    assert texts == [
        "物质流",
        "仅一方申报",
        "sender_only",
        "Hidden but there",
        "Province",
        "Choose an option",
        "Search here",
    ]


KNOWN_MESSAGES: set[str] = set()
"""Messages known to mix languages, to be fixed (none left)."""


def test_every_message_is_in_its_own_language_but_for_placeholders_and_code() -> None:
    def plain(message: str) -> str:
        return re.sub(r"`[^`]*`", " ", re.sub(r"\{[^}]*\}", " ", message))

    wrong = {
        key: [f.word for f in wrong_language([plain(zh)], "zh") + wrong_language([plain(en)], "en")]
        for key, (en, zh) in MESSAGES.items()
    }
    assert {key: words for key, words in wrong.items() if words and key not in KNOWN_MESSAGES} == {}
    assert all(wrong[key] for key in KNOWN_MESSAGES), "fixed: remove it from KNOWN_MESSAGES"
