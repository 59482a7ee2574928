"""The history in words: paths, summaries and record names in English and Chinese (stored text stays as it is)."""

from __future__ import annotations

from pathlib import Path

from mfa.services.database import open_database
from mfa.services.history import record_history_for, record_name, summary_words, via_words
from mfa.services.writing import import_files
from tests.factories import flow, flows_file, world

NAMES = {
    "facility": {"SRC-1": ("Steel plant", "钢厂"), "COL-1": ("Collector", None)},
    "material": {"scrap_steel": ("Scrap steel", "废钢铁")},
    "park": {},
}
FLOW = {"period": "2024-01", "source": "SRC-1", "target": "COL-1", "material": "scrap_steel", "side": "receiver"}


def test_paths_are_said_in_words() -> None:
    assert via_words("app form", "en") == "App · entry form"
    assert via_words("app form", "zh") == "网页应用 · 填报表单"
    assert via_words("cli import a.csv, b.csv", "en") == "Command line · import of a.csv, b.csv"
    assert via_words("cli import a.csv, b.csv, c.csv", "zh") == "命令行 · 导入 a.csv 及另外 2 个文件"
    assert via_words("app restore flow version 2", "zh") == "网页应用 · 恢复版本 2"
    assert via_words("app confirm 2024-01 | A | B | m", "en") == "App · hand-over confirmed"
    assert via_words(None, "zh") == "（空）"
    assert via_words("something else", "en") == "something else"


def test_summaries_are_said_in_words() -> None:
    assert (
        summary_words("1 flows written; 1,200 stocks written", NAMES, "en") == "Flows: 1 written; Stocks: 1,200 written"
    )
    assert summary_words("1 flows written", NAMES, "zh") == "流量：写入 1 条"
    assert summary_words("nothing written", NAMES, "zh") == "未写入任何记录"
    deleted = "1 flows deleted: 2024-01 | SRC-1 | COL-1 | scrap_steel | receiver"
    assert summary_words(deleted, NAMES, "zh") == "已删除流量：2024-01 · 钢厂 → Collector · 废钢铁（接收方）"
    assert summary_words(None, NAMES, "en") == "(empty)"


def test_records_are_named_by_their_names() -> None:
    assert record_name("flow", FLOW, NAMES, "en") == "2024-01 · Steel plant → Collector · Scrap steel (receiver)"
    assert record_name("facility", {"code": "GONE"}, NAMES, "en") == "GONE"  # an unknown code as it is
    target = {
        "indicator": "bulk_waste_utilization_rate",
        "scope_level": "city",
        "scope": "Changsha",
        "target_year": 2025,
    }
    assert record_name("target", target, NAMES, "zh") == "大宗工业固废综合利用率 · 长沙 · 2025"


def test_a_first_version_says_its_values_in_words(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    import_files(engine, [*world(tmp_path), flows_file(tmp_path, [flow(quantity="100")])])
    key = {"period": "2024-01", "source": "SRC-1", "target": "COL-1", "material": "scrap_steel"}
    first = record_history_for(engine, "flow", key, "zh")["changes"][0]
    assert "数量 100 吨" in first and "来源 钢厂" in first and "填报值" not in first  # entered in t: said once
