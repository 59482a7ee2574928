"""`mfa reconcile` says first, in plain words, which reports are probably wrong and why; `mfa balance` checks a
facility that declares its transfer coefficient against it, not against the plain balance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import PARKS, flow, flows_file, mfa, write_csv

pytestmark = pytest.mark.slow  # the mfa command in new processes

FACILITIES = [
    ("SRC-1", "Steel plant", "钢厂", "MILUO", "source"),
    ("COL-1", "Collector", "回收站", "MILUO", "collection"),
    ("REC-1", "Recycler", "再生厂", "NINGXIANG", "recycling"),
    ("WTE-1", "Incinerator", "焚烧厂", "MILUO", "energy_recovery"),
    ("LF-1", "Landfill", "填埋场", "MILUO", "disposal"),
    ("OUT", "Outside the province", "省外", "", "boundary"),
]


def _world(tmp_path: Path) -> list[Path]:
    rows = []
    for m in range(1, 13):
        period = f"2024-{m:02d}"
        rows += [
            flow(period, "SRC-1", "COL-1", "scrap_steel", "100", uncertainty="0.02"),
            flow(period, "COL-1", "REC-1", "scrap_steel", "100000" if m == 3 else "100", uncertainty="0.02"),
            flow(period, "REC-1", "OUT", "recycled_steel", "100", uncertainty="0.02"),
            flow(period, "SRC-1", "WTE-1", "waste_plastic", "50", uncertainty="0.02"),
            flow(period, "WTE-1", "LF-1", "furnace_slag", "10", uncertainty="0.02"),
        ]
    return [
        write_csv(tmp_path / "parks.csv", ["code", "name", "name_zh", "city", "level"], PARKS),
        write_csv(tmp_path / "facilities.csv", ["code", "name", "name_zh", "park", "kind"], FACILITIES),
        flows_file(tmp_path, rows),
    ]


def test_reconcile_prints_the_verdict_first_in_either_language(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert mfa("import", *_world(tmp_path), "--db", db).returncode == 0
    run = mfa("reconcile", "--year", "2024", "--db", db)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "1 report of 2024 is probably wrong: likely a unit slip (×1000: kilograms and tonnes). Check it."
    assert lines[1].startswith("1. COL-1 → REC-1, scrap_steel: reported 101.1 kt, reconciled 1.20 kt")
    assert "2024-03 reads 100.0 kt, 1,000× the link's usual month (100 t): kilograms written as tonnes" in run.stdout
    zh = mfa("reconcile", "--year", "2024", "--db", db, "--language", "zh")
    assert (
        zh.stdout.splitlines()[0]
        == "2024 年有 1 条报告可能有误，可能原因：单位错误（相差 1000 倍：千克与吨）。请核查。"
    )
    verdict = json.loads(mfa("reconcile", "--year", "2024", "--db", db, "--json").stdout)["verdict"]
    assert verdict["status"] == "suspects" and verdict["common_cause"] == ["unit_slip", 1000.0]
    assert mfa("reconcile", "--year", "2024", "--db", db, "--language", "fr").stderr.startswith(
        "error: unknown language"
    )


def test_balance_checks_a_declared_incinerator_against_its_coefficient(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # the table's cells whole
    db = str(tmp_path / "a.db")
    assert mfa("import", *_world(tmp_path), "--db", db).returncode == 0
    before = json.loads(mfa("balance", "--year", "2024", "--db", db, "--json").stdout)
    assert {r["facility"]: r["status"] for r in before}["WTE-1"] == "imbalanced"  # 80 % of its input "missing"
    declared = write_csv(
        tmp_path / "coefficients.csv",
        ["facility", "kind", "coefficient", "tolerance", "source"],
        [("", "energy_recovery", "20%", "5%", "bottom ash")],
    )
    assert mfa("import", declared, "--db", db).returncode == 0
    after = {r["facility"]: r for r in json.loads(mfa("balance", "--year", "2024", "--db", db, "--json").stdout)}
    assert (after["WTE-1"]["status"], after["WTE-1"]["observed_coefficient"]) == ("as_declared", 0.2)
    table = mfa("balance", "--year", "2024", "--db", db).stdout
    assert "WTE-1" not in table and "as_declared: 1" in table
    narrow = write_csv(tmp_path / "narrow.csv", ["facility", "coefficient", "tolerance"], [("WTE-1", "0.3", "0.05")])
    assert mfa("import", narrow, "--db", db).returncode == 0
    flagged = mfa("balance", "--year", "2024", "--db", db).stdout
    assert "WTE-1" in flagged and "25–35 %" in flagged and "off_declared: 1" in flagged
