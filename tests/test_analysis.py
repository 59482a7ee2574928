"""The analysis service over a real database: the snapshot follows every write; the CLI answers in JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mfa.domain.flowframe import PROVINCE, Scope
from mfa.services import loading, progress
from mfa.services.writing import import_files
from mfa.storage import snapshot
from tests.factories import flow, flows_file, world, write_csv
from tests.test_cli import mfa

ROWS = [
    flow("2024-01", "SRC-1", "COL-1", "scrap_steel", "1", "万吨"),  # enters recovery: counted
    flow("2024-01", "COL-1", "REC-1", "scrap_steel", "9000", "t"),  # collector -> recycler: not again
    flow("2024", "SRC-1", "REC-1", "fly_ash", "300", "t"),  # generated and utilized (another park)
    flow("2024", "SRC-1", "YARD-1", "fly_ash", "700", "t"),  # generated, stored
    flow("2024-06", "YARD-1", "REC-1", "fly_ash", "100", "t"),  # utilized from stock
    flow("2023-06", "SRC-1", "COL-1", "scrap_steel", "5000", "t"),
]


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("MFA_CACHE_DIR", str(tmp_path / "cache"))
    assert import_files(engine, [*world(tmp_path), flows_file(tmp_path, ROWS)]).ok
    return engine


def test_indicators_of_a_year_and_a_park(loaded: Engine) -> None:
    data = loading.load(loaded)
    report = progress.indicator_report(loaded, data, year=2024, month=None, scope=PROVINCE)
    values = report["indicators"]
    assert values["renewable_recycled_t"] == 10_000
    assert values["bulk_waste_generated_t"] == 1_000
    assert values["bulk_waste_utilized_t"] == 400
    assert values["bulk_waste_utilized_from_stock_t"] == 100
    assert values["bulk_waste_utilization_rate"] == pytest.approx(400 / 1100)
    miluo = progress.indicator_report(loaded, data, year=2024, month=None, scope=Scope("park", "MILUO"))
    assert miluo["indicators"]["bulk_waste_generated_t"] == 1_000  # by source park
    assert miluo["indicators"]["bulk_waste_utilized_t"] == 0  # the recycler lies in NINGXIANG
    targets = {t["indicator"]: t for t in report["targets"]}
    assert targets["renewable_recycled_t"]["actual"] == 10_000
    assert targets["renewable_recycled_t"]["on_track"] is False


def test_the_snapshot_follows_every_write(loaded: Engine, tmp_path: Path) -> None:
    first = snapshot.flows_frame(loaded).collect()
    assert first.height == len(ROWS)
    files = {p.name[-12:]: p for p in (tmp_path / "cache").rglob("*.parquet")}
    assert sorted(files) == ["2023.parquet", "2024.parquet"]  # one per year
    assert import_files(loaded, [flows_file(tmp_path, [flow("2024-02", quantity="5")], name="more.csv")]).ok
    second = snapshot.flows_frame(loaded).collect()
    assert second.height == len(ROWS) + 1
    after = {p.name[-12:]: p for p in (tmp_path / "cache").rglob("*.parquet")}
    assert after["2023.parquet"] == files["2023.parquet"]  # a year the write did not touch is kept
    assert after["2024.parquet"] != files["2024.parquet"] and not files["2024.parquet"].exists()
    assert snapshot.flows_frame(loaded, years=[2023]).collect().height == 1
    facilities = [["COL-1", "Collector", "回收站", "NINGXIANG", "collection"]]  # moved to another park
    assert import_files(
        loaded, [write_csv(tmp_path / "f.csv", ["code", "name", "name_zh", "park", "kind"], facilities)]
    ).ok
    moved = snapshot.flows_frame(loaded, years=[2023]).collect()
    assert moved["target_park"].to_list() == ["NINGXIANG"]  # the registry changed: every year is remade


def test_reported_values_show_beside_computed_ones(loaded: Engine, tmp_path: Path) -> None:
    header = ["indicator", "scope", "year", "value", "source"]
    path = write_csv(tmp_path / "rep.csv", header, [["green_factories_added", "province", "2024", "420", "list"]])
    assert import_files(loaded, [path]).ok
    report = progress.target_report(loaded, loading.load(loaded), year=2024)
    row = report.filter(report["indicator"] == "green_factories_added").row(0, named=True)
    assert row["actual"] == 420 and row["reported"] is True and row["on_track"] is True  # path 400 in 2024


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


@pytest.mark.parametrize("month", [None, 6])
def test_a_first_question_summed_in_the_database_equals_the_snapshot(loaded: Engine, month: int | None) -> None:
    assert not snapshot.is_current(loaded, 2024)
    first = loading.load_period(loaded, 2024, month)  # no snapshot yet: links summed in SQL
    cold = progress.indicator_report(loaded, first, year=2024, month=month, scope=PROVINCE)
    snapshot.flows_frame(loaded, [2024])
    assert snapshot.is_current(loaded, 2024)
    warm = progress.indicator_report(
        loaded, loading.load_period(loaded, 2024, month), year=2024, month=month, scope=PROVINCE
    )
    for name, value in warm["indicators"].items():
        assert cold["indicators"][name] == pytest.approx(value), name
    assert cold["by_material"].keys() == warm["by_material"].keys()
    assert [t["actual"] for t in cold["targets"]] == pytest.approx([t["actual"] for t in warm["targets"]])


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
