"""The command line's language: English unless asked (--language zh or MFA_LANGUAGE=zh); exit codes never change."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import mfa, world

BAD = "期间,来源,去向,物料,数量\n2025-03,SRC-1,SRC-1,scrap_steel,-3\n"


def test_reasons_print_in_chinese_when_asked_and_the_exit_code_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # the report's table unwrapped
    db = f"sqlite:///{tmp_path / 'mfa.db'}"
    assert mfa("import", "--db", db, *world(tmp_path)).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    english = mfa("import", "--db", db, str(bad))
    chinese = mfa("--language", "zh", "import", "--db", db, str(bad))
    assert english.returncode == chinese.returncode == 1
    assert "a flow cannot go from a facility to itself" in english.stdout and "negative quantity" in english.stdout
    assert "流量的来源和去向不能是同一设施" in chinese.stdout and "数量为负数" in chinese.stdout
    assert "未写入" in chinese.stdout
    assert "数量为负数" in (tmp_path / "bad.errors.csv").read_text(encoding="utf-8")


def test_the_environment_variable_asks_for_chinese_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFA_LANGUAGE", "zh")
    missing = mfa("import", "--db", f"sqlite:///{tmp_path / 'mfa.db'}", str(tmp_path / "nowhere.csv"))
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: 文件不存在")
