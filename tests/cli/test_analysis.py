"""The question commands as a user runs them: indicators, sankey, reconcile and snapshot answer in JSON and files,
and refuse what they cannot answer in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import flow, flows_file, mfa, world

pytestmark = pytest.mark.slow  # every test runs the mfa command in new processes

ROWS = [
    flow("2024-01", "SRC-1", "COL-1", "scrap_steel", "1", "万吨"),  # enters recovery: counted
    flow("2024-01", "COL-1", "REC-1", "scrap_steel", "9000", "t"),  # collector -> recycler: not again
    flow("2024", "SRC-1", "REC-1", "fly_ash", "300", "t"),  # generated and utilized (another park)
    flow("2024", "SRC-1", "YARD-1", "fly_ash", "700", "t"),  # generated, stored
    flow("2024-06", "YARD-1", "REC-1", "fly_ash", "100", "t"),  # utilized from stock
    flow("2023-06", "SRC-1", "COL-1", "scrap_steel", "5000", "t"),
]


def test_cli_indicators_json(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert mfa("import", *map(str, [*world(tmp_path), flows_file(tmp_path, ROWS)]), "--db", db).returncode == 0
    run = mfa("indicators", "--year", "2024", "--db", db, "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["period"] == "2024" and out["scope"] == {"level": "province", "code": "province"}
    assert out["indicators"]["renewable_recycled_t"] == 10_000
    assert out["by_material"]["bulk_waste_generated_t"] == {"fly_ash": 1000.0}
    assert {"indicator", "actual", "path_value", "progress", "on_track"} <= set(out["targets"][0])
    assert mfa("indicators", "--year", "2019", "--db", db).stderr.startswith("error: no flows in 2019")
    balance = json.loads(mfa("balance", "--year", "2024", "--db", db, "--json").stdout)
    assert {"facility", "kind", "inflow_t", "outflow_t", "stock_change_t", "imbalance_t", "status"} <= set(balance[0])
    fate = json.loads(mfa("trace", "--year", "2024", "--material", "fly_ash", "--db", db, "--json").stdout)
    assert sum(r["share"] for r in fate["by_kind"]) == pytest.approx(1.0)


def test_cli_sankey_json_and_svg(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert mfa("import", *map(str, [*world(tmp_path), flows_file(tmp_path, ROWS)]), "--db", db).returncode == 0
    out = tmp_path / "s.json"
    run = mfa("sankey", "--year", "2024", "--db", db, "--level", "park", "--out", str(out))
    assert run.returncode == 0, run.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {"id", "label", "kind"} <= set(doc["nodes"][0])
    assert {"source", "target", "material", "tonnes"} <= set(doc["links"][0])
    assert sum(link["tonnes"] for link in doc["links"]) == pytest.approx(9_000 + 300 + 100)  # MILUO -> NINGXIANG
    bad = mfa("sankey", "--year", "2024", "--db", db, "--level", "galaxy", "--out", str(out))
    assert bad.returncode == 1 and bad.stderr.startswith("error: unknown level")


def test_cli_reconcile_json_and_unknown_flows(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    rows = [
        flow("2024", "SRC-1", "COL-1", "scrap_steel", "100", uncertainty="0.05"),
        flow("2024", "COL-1", "REC-1", "scrap_steel", "", data_quality="unknown"),
        flow("2024", "OUT", "COL-1", "scrap_steel", "20", uncertainty="0.05"),
    ]
    assert mfa("import", *map(str, [*world(tmp_path), flows_file(tmp_path, rows)]), "--db", db).returncode == 0
    run = mfa("reconcile", "--year", "2024", "--db", db, "--json", "--save")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert {"flows", "chi2", "dof", "p_value", "balanced", "saved"} <= set(out)
    by_link = {(f["source"], f["target"]): f for f in out["flows"]}
    estimated = by_link[("COL-1", "REC-1")]
    assert estimated["reported"] is None and estimated["reconciled"] == pytest.approx(120.0)
    assert estimated["flag"] == "unknown_determined"
    assert {"period", "source", "target", "material", "sigma", "reconciled_sigma", "normalized_residual"} <= set(
        estimated
    )
    plain = json.loads(mfa("indicators", "--year", "2024", "--db", db, "--json").stdout)
    switched = json.loads(mfa("indicators", "--year", "2024", "--db", db, "--json", "--reconciled").stdout)
    assert plain["indicators"]["renewable_recycled_t"] == 120.0  # from the source and from outside the province
    assert switched["quantities"] == "reconciled where saved"


def test_cli_snapshot_makes_the_snapshot(tmp_path: Path) -> None:
    import os

    db = str(tmp_path / "a.db")
    assert mfa("import", *map(str, [*world(tmp_path), flows_file(tmp_path, ROWS)]), "--db", db).returncode == 0
    run = subprocess.run(
        [sys.executable, "-m", "mfa", "snapshot", "--db", db, "--year", "2024"],
        capture_output=True,
        text=True,
        env=dict(os.environ, MFA_CACHE_DIR=str(tmp_path / "c")),
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "snapshot of 5 flows" in run.stdout
    assert [p.name[-12:] for p in (tmp_path / "c").rglob("*.parquet")] == ["2024.parquet"]


def test_cli_default_year_is_the_latest_complete_one(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    rows = [*ROWS, flow("2025-12", "SRC-1", "COL-1", "scrap_steel", "10", "t")]  # 2025 has only just begun
    assert mfa("import", *map(str, [*world(tmp_path), flows_file(tmp_path, rows)]), "--db", db).returncode == 0
    assert json.loads(mfa("targets", "--db", db, "--json").stdout)["year"] == 2024
    assert json.loads(mfa("indicators", "--db", db, "--json").stdout)["period"] == "2024"
    assert json.loads(mfa("indicators", "--year", "2025", "--db", db, "--json").stdout)["period"] == "2025"
