"""Declared transfer coefficients end to end, on SQLite and PostgreSQL: imported from a file, used by the mass
balance and the reconciliation, exported and imported again unchanged, edited with history, refused to analysts."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, text

from mfa.domain.roles import Actor
from mfa.export.writers import write_workbook
from mfa.services import loading, network, reconciling, tables
from mfa.services.editing import delete_record, import_records, restore_version
from mfa.services.writing import import_files
from mfa.storage import history
from tests.factories import flow, flows_file, write_csv

PARKS = [("P", "Park", "园区", "Changsha", "provincial")]
FACILITIES = [
    ("S", "Households", "居民", "P", "source"),
    ("C", "Collector", "回收站", "P", "collection"),
    ("W", "Incinerator", "焚烧厂", "P", "energy_recovery"),
    ("W2", "Second incinerator", "焚烧厂二", "P", "energy_recovery"),
    ("L", "Landfill", "填埋场", "P", "disposal"),
]
COEFFICIENTS = ["facility", "kind", "coefficient", "tolerance", "source"]


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    """An incinerator passing on 20 % as ash, another 40 %; both declared as a kind at 20 % ± 5 %."""
    rows = [
        flow("2024", "S", "C", "waste_plastic", "1000"),
        flow("2024", "C", "W", "waste_plastic", "1000"),
        flow("2024", "W", "L", "furnace_slag", "200"),
        flow("2024", "S", "W2", "waste_plastic", "500"),
        flow("2024", "W2", "L", "furnace_slag", "200"),
    ]
    files = [
        write_csv(tmp_path / "parks.csv", ["code", "name", "name_zh", "city", "level"], PARKS),
        write_csv(tmp_path / "facilities.csv", ["code", "name", "name_zh", "park", "kind"], FACILITIES),
        flows_file(tmp_path, rows),
        write_csv(
            tmp_path / "传递系数.csv",
            ["设施", "设施类型", "传递系数", "容差", "依据"],
            [("", "能量回收", "20%", "5%", "bottom ash")],
        ),
    ]
    report = import_files(engine, files)
    assert report.ok, report.errors
    assert report.written["transfer_coefficients"] == 1
    return engine


def _statuses(engine: Engine) -> dict[str, str]:
    frame = network.balance_report(engine, loading.load(engine, [2024]), year=2024, month=None, tolerance=0.05)
    return dict(frame.select("facility", "status").iter_rows())


def test_the_balance_checks_a_declared_facility_against_its_range(loaded: Engine) -> None:
    assert {f: s for f, s in _statuses(loaded).items() if f in ("C", "W", "W2", "L")} == {
        "C": "balanced",
        "W": "as_declared",  # passes on 20 %
        "W2": "off_declared",  # passes on 40 %: outside 15-25 %
        "L": "sink",
    }
    report = import_records(
        loaded, "transfer_coefficients", [{"facility": "W2", "coefficient": "0.4", "tolerance": "0.05"}]
    )
    assert report.committed
    assert _statuses(loaded)["W2"] == "as_declared"  # its own declaration wins over its kind's


def test_reconciliation_balances_declared_facilities_with_their_coefficient(loaded: Engine) -> None:
    done = reconciling.reconcile_year(loaded, year=2024)
    assert done.result.balanced == ["C", "W", "W2"]
    assert done.result.coefficients.select("facility", "declared", "tolerance").rows() == [
        ("W", 0.2, 0.05),
        ("W2", 0.2, 0.05),
    ]
    assert done.result.coefficients["observed"].to_list() == pytest.approx([0.2, 0.4])
    assert done.to_json()["verdict"]["status"] in ("suspects", "consistent")


def test_the_workbook_exports_and_imports_the_declarations_again(loaded: Engine, tmp_path: Path) -> None:
    import_records(loaded, "transfer_coefficients", [{"facility": "W2", "coefficient": "40%", "tolerance": "5%"}])
    sheets = tables.workbook(loaded)
    expected = pl.DataFrame(
        [("W2", None, 0.4, 0.05, None), (None, "energy_recovery", 0.2, 0.05, "bottom ash")],
        schema={"facility": pl.String, "kind": pl.String, "coefficient": pl.Float64}
        | {"tolerance": pl.Float64, "source": pl.String},
        orient="row",
    )
    assert sheets["transfer_coefficients"].equals(expected)
    out = tmp_path / "all.xlsx"
    write_workbook(sheets, out)
    with loaded.begin() as conn:
        conn.execute(text("DELETE FROM transfer_coefficient"))
    assert import_files(loaded, [out]).ok
    assert tables.workbook(loaded)["transfer_coefficients"].equals(expected)


def test_declarations_keep_their_history_and_can_be_restored(loaded: Engine) -> None:
    key = {"scope_level": "kind", "scope": "energy_recovery"}
    changed = import_records(
        loaded, "transfer_coefficients", [{"kind": "energy_recovery", "coefficient": "0.25", "tolerance": "0.05"}]
    )
    assert changed.committed
    assert delete_record(loaded, "transfer_coefficient", key).committed
    with loaded.connect() as conn:
        past = history.record_history(conn, "transfer_coefficient", key)
    assert past.select("version", "status", "coefficient").rows() == [
        (1, "created", 0.2),
        (2, "updated", 0.25),
        (None, "deleted", None),
    ]
    assert restore_version(loaded, "transfer_coefficient", key, 1).committed
    with loaded.connect() as conn:
        row = conn.execute(text("SELECT coefficient, tolerance, source, version FROM transfer_coefficient")).one()
    assert tuple(row) == (0.2, 0.05, "bottom ash", 3)


def test_only_admins_declare_coefficients(loaded: Engine) -> None:
    analyst = Actor("ana", "analyst", frozenset())
    manager = Actor("pm", "park_manager", frozenset({"P"}))
    for actor in (analyst, manager):
        refused = import_records(
            loaded, "transfer_coefficients", [{"facility": "W", "coefficient": "0.3", "tolerance": "0.05"}], actor=actor
        )
        assert not refused.committed and refused.errors.height == 1
