"""`mfa history` as a table says what the app's History page says: channel, summary and differences in words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import flow, flows_file, mfa, world


def test_the_history_table_is_in_words_and_json_keeps_the_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # one line per row
    db = str(tmp_path / "a.db")
    key = ["--period", "2024-01", "--source", "SRC-1", "--target", "COL-1", "--material", "scrap_steel"]
    assert mfa("import", *map(str, world(tmp_path)), str(flows_file(tmp_path, [flow()])), "--db", db).returncode == 0
    edit = flows_file(tmp_path, [flow(quantity="400")], name="edit.csv")
    assert mfa("import", str(edit), "--db", db).returncode == 0
    table = mfa("history", *key, "--language", "zh", "--db", db).stdout
    assert "数量 100 吨 → 400 吨" in table and "命令行 · 导入 edit.csv" in table and "修改" in table
    latest = mfa("history", "--limit", "1", "--db", db).stdout
    assert "Command line · import of edit.csv" in latest and "Flows: 1 written" in latest
    stored = json.loads(mfa("history", "--limit", "1", "--json", "--db", db).stdout)
    assert stored[0]["via"] == "cli import edit.csv" and stored[0]["summary"] == "1 flows written"
