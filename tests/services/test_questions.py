"""The questions over a real database (mfa.services.loading, progress): the snapshot follows every write, a
first question is answered from the database while the snapshot is made, the targets get their actuals."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from mfa.domain.flowframe import PROVINCE, Scope
from mfa.services import loading, progress
from mfa.services.writing import import_files
from mfa.storage import snapshot
from tests.factories import flow, flows_file, world, write_csv

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
