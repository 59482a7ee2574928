"""Every validation rule, each with a failing input, through the importer as a user meets it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, text

from mfa.intake.validate import credit_code_problem, looks_like_credit_code
from mfa.services.database import open_database
from mfa.services.writing import import_files
from tests.factories import VALID_USCC, flow, flows_file, world, write_csv

TODAY = date(2026, 11, 25)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Engine:
    eng = open_database(f"sqlite:///{tmp_path / 'v.db'}")
    report = import_files(eng, world(tmp_path))
    assert report.ok and report.committed
    return eng


def _errors(engine: Engine, path: Path) -> pl.DataFrame:
    report = import_files(engine, [path], today=TODAY)
    assert not report.committed
    return report.errors


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (flow(quantity="-5"), "quantity", "negative quantity"),
        (flow(quantity="0"), "quantity", "zero quantity"),
        (flow(quantity=""), "quantity", "quantity is required"),
        (flow(quantity="NaN"), "quantity", "not a finite number"),
        (flow(quantity="inf"), "quantity", "not a finite number"),
        (flow(quantity="1e400"), "quantity", "not a finite number"),
        (flow(quantity="12 tonnes"), "quantity", "not a number"),
        (flow(unit="pounds"), "unit", "unknown unit 'pounds'"),
        (flow(unit="MT"), "unit", "ambiguous unit"),
        (flow(material="unobtainium"), "material", "unknown material 'unobtainium'"),
        (flow(source="NOPE"), "source", "unknown facility 'NOPE'"),
        (flow(target="NOPE"), "target", "unknown facility 'NOPE'"),
        (flow(target="SRC-1"), "target", "from a facility to itself"),
        (flow(period="2024-13"), "period", "not a valid period"),
        (flow(period="24"), "period", "not a valid period"),
        (flow(period="2024-03-15"), "period", "not a valid period"),
        (flow(period="soon"), "period", "not a valid period"),
        (flow(period=""), "period", "period is required"),
        (flow(period="2026-12"), "period", "lies in the future"),
        (flow(period="2027"), "period", "lies in the future"),
        (flow(uncertainty="1.5"), "uncertainty", "between 0 and 1"),
        (flow(uncertainty="-0.1"), "uncertainty", "between 0 and 1"),
        (flow(uncertainty="high"), "uncertainty", "not a number"),
        (flow(data_quality="guessed"), "data_quality", "measured, calculated, estimated or unknown"),
        (flow(quantity="", data_quality="measured"), "quantity", "quantity is required"),
        (flow(quantity="5", data_quality="unknown"), "quantity", "has no quantity"),
    ],
)
def test_a_bad_flow_is_refused_with_row_column_and_reason(
    sqlite_engine: Engine, tmp_path: Path, row: list[object], column: str, reason: str
) -> None:
    path = flows_file(tmp_path, [flow(period="2024-02"), row])
    errors = _errors(sqlite_engine, path)
    match = errors.filter((pl.col("row") == 3) & (pl.col("column") == column))
    assert match.height >= 1, errors
    assert reason in " | ".join(match["reason"].to_list())
    assert errors.filter(pl.col("row") == 2).height == 0
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM flow")).scalar() == 0


@pytest.mark.parametrize(
    ("unit", "tonnes"),
    [
        ("t", 3.0),
        ("吨", 3.0),
        ("kg", 0.003),
        ("千克", 0.003),
        ("公斤", 0.003),
        ("kt", 3000.0),
        ("千吨", 3000.0),
        ("Mt", 3e6),
        ("万吨", 3e4),
        ("亿吨", 3e8),
        ("", 3.0),
    ],
)
def test_units_are_stored_as_tonnes_with_the_value_as_entered(
    sqlite_engine: Engine, tmp_path: Path, unit: str, tonnes: float
) -> None:
    report = import_files(sqlite_engine, [flows_file(tmp_path, [flow(quantity="3", unit=unit)])], today=TODAY)
    assert report.ok, report.errors
    with sqlite_engine.connect() as conn:
        q, value, stored_unit = conn.execute(text("SELECT quantity_t, value, unit FROM flow")).one()
    assert q == pytest.approx(tonnes)
    assert value == 3.0
    assert stored_unit == (unit or "t")


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2024", "2024"),
        ("2024-3", "2024-03"),
        ("2024/03", "2024-03"),
        ("2024年3月", "2024-03"),
        ("202403", "2024-03"),
        ("2024.0", "2024"),
        ("2024-03-01 00:00:00", "2024-03"),
        ("2026-11", "2026-11"),
    ],
)
def test_period_spellings_are_normalised(sqlite_engine: Engine, tmp_path: Path, written: str, stored: str) -> None:
    report = import_files(sqlite_engine, [flows_file(tmp_path, [flow(period=written)])], today=TODAY)
    assert report.ok, report.errors
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT period FROM flow")).scalar() == stored


def test_duplicate_keys_in_one_import_are_refused(sqlite_engine: Engine, tmp_path: Path) -> None:
    a = flows_file(tmp_path, [flow(quantity="1")], name="a.csv")
    b = flows_file(tmp_path, [flow(period="2024-1", quantity="2")], name="b.csv")
    report = import_files(sqlite_engine, [a, b], today=TODAY)
    assert not report.committed
    assert report.errors.row(0, named=True) | {"value": None} == {
        "file": "b.csv",
        "row": 2,
        "column": "period",
        "value": None,
        "reason": "the same key as a.csv row 2: a key may appear once",
    }


def test_yearly_and_monthly_flows_of_one_link_cannot_mix(sqlite_engine: Engine, tmp_path: Path) -> None:
    in_file = flows_file(tmp_path, [flow(period="2024"), flow(period="2024-05")], name="mixed.csv")
    errors = _errors(sqlite_engine, in_file)
    assert sorted(errors["row"].to_list()) == [2, 3]
    assert import_files(sqlite_engine, [flows_file(tmp_path, [flow(period="2024-05")], name="m.csv")]).ok
    errors = _errors(sqlite_engine, flows_file(tmp_path, [flow(period="2024")], name="y.csv"))
    assert "database has monthly flows" in errors["reason"][0]
    other_year = import_files(sqlite_engine, [flows_file(tmp_path, [flow(period="2023")], name="y23.csv")])
    assert other_year.ok


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["F9", "x", "", "MILUO", "teleporter"], "kind", "unknown kind 'teleporter'"),
        (["F9", "x", "", "", "recycling"], "park", "park is required"),
        (["F9", "x", "", "NOWHERE", "recycling"], "park", "unknown park 'NOWHERE'"),
        (["F9", "", "", "MILUO", "recycling"], "name", "a name or a Chinese name"),
        (["91430100MA4L0XXX0C", "x", "", "MILUO", "recycling"], "code", "check digit should be K"),
        (["91430100MA4L0XXI0K", "x", "", "MILUO", "recycling"], "code", "I cannot appear"),
        (["F 9", "x", "", "MILUO", "recycling"], "code", "without spaces"),
    ],
)
def test_a_bad_facility_is_refused(
    sqlite_engine: Engine, tmp_path: Path, row: list[str], column: str, reason: str
) -> None:
    path = write_csv(tmp_path / "fac.csv", ["code", "name", "name_zh", "park", "kind"], [row])
    errors = _errors(sqlite_engine, path)
    assert errors.filter(pl.col("column") == column)["reason"].str.contains(reason, literal=True).any(), errors


def test_credit_codes_are_checked_but_internal_codes_are_free(sqlite_engine: Engine, tmp_path: Path) -> None:
    assert looks_like_credit_code(VALID_USCC) and credit_code_problem(VALID_USCC) is None
    assert not looks_like_credit_code("MILUO-CU-01")
    rows = [
        [VALID_USCC, "Brunp", "邦普", "NINGXIANG", "recycling"],
        ["MILUO-CU-01", "Cu", "", "MILUO", "再生利用/综合利用"],
    ]
    report = import_files(
        sqlite_engine, [write_csv(tmp_path / "f.csv", ["code", "name", "name_zh", "park", "kind"], rows)]
    )
    assert report.ok, report.errors


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["P9", "x", "", "Wuhan", "national"], "city", "not one of Hunan's 14"),
        (["P9", "x", "", "长沙", "galactic"], "level", "national, provincial or other"),
        (["P9", "x", "", "", "national"], "city", "city is required"),
    ],
)
def test_a_bad_park_is_refused(sqlite_engine: Engine, tmp_path: Path, row: list[str], column: str, reason: str) -> None:
    errors = _errors(sqlite_engine, write_csv(tmp_path / "p.csv", ["code", "name", "name_zh", "city", "level"], [row]))
    assert errors.filter(pl.col("column") == column)["reason"].str.contains(reason, literal=True).any(), errors


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["Recycled T", "province", "", "", "2025", "1", "at_least", ""], "indicator", "lower-case letters"),
        (["recycled_t", "Mars", "", "", "2025", "1", "at_least", ""], "scope", "unknown scope 'Mars'"),
        (["recycled_t", "province", "2020", "", "2025", "1", "at_least", ""], "baseline_value", "or neither"),
        (["recycled_t", "province", "", "", "2025.5", "1", "at_least", ""], "target_year", "a year"),
        (["recycled_t", "province", "", "", "2025", "lots", "at_least", ""], "target_value", "finite number"),
        (["recycled_t", "province", "", "", "2025", "1", "sideways", ""], "direction", "at_least or at_most"),
    ],
)
def test_a_bad_target_is_refused(
    sqlite_engine: Engine, tmp_path: Path, row: list[str], column: str, reason: str
) -> None:
    header = [
        "indicator",
        "scope",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_value",
        "direction",
        "source",
    ]
    errors = _errors(sqlite_engine, write_csv(tmp_path / "t.csv", header, [row]))
    assert errors.filter(pl.col("column") == column)["reason"].str.contains(reason, literal=True).any(), errors


def test_targets_accept_city_and_park_scopes(sqlite_engine: Engine, tmp_path: Path) -> None:
    header = ["指标", "范围", "基准年", "基准值", "目标年", "目标值", "方向", "来源"]
    rows = [
        ["renewable_recycled_t", "长沙市", "2020", "1e6", "2025", "2e6", "不低于", "city plan"],
        ["renewable_recycled_t", "MILUO", "", "", "2025", "5e5", "≥", ""],
    ]
    report = import_files(sqlite_engine, [write_csv(tmp_path / "t.csv", header, rows)])
    assert report.ok, report.errors
    with sqlite_engine.connect() as conn:
        got = conn.execute(
            text("SELECT scope_level, scope, direction FROM target WHERE scope_level <> 'province' ORDER BY scope")
        ).all()
    assert [tuple(r) for r in got] == [("city", "Changsha", "at_least"), ("park", "MILUO", "at_least")]


def test_stocks_allow_zero_but_not_negative(sqlite_engine: Engine, tmp_path: Path) -> None:
    header = ["period", "facility", "material", "quantity", "unit"]
    ok = write_csv(tmp_path / "s.csv", header, [["2024-12", "YARD-1", "fly_ash", "0", "t"]])
    assert import_files(sqlite_engine, [ok]).ok
    bad = write_csv(tmp_path / "s2.csv", header, [["2024-11", "YARD-1", "fly_ash", "-1", "万吨"]])
    assert _errors(sqlite_engine, bad)["reason"].to_list() == ["negative quantity"]


def test_materials_can_be_added_below_the_taxonomy(sqlite_engine: Engine, tmp_path: Path) -> None:
    header = ["code", "name", "name_zh", "parent", "is_product"]
    rows = [
        ["power_battery_sodium", "Used sodium-ion batteries", "废旧钠离子电池", "power_battery", "true"],
        ["Bad Code", "x", "", "renewable", "false"],
        ["loop", "x", "", "loop", "no"],
    ]
    report = import_files(sqlite_engine, [write_csv(tmp_path / "m.csv", header, rows)], accept_valid=True)
    assert sorted(report.errors["column"].to_list()) == ["code", "parent"]
    assert report.written["materials"] == 1


def test_reported_values_are_checked_and_stored(sqlite_engine: Engine, tmp_path: Path) -> None:
    header = ["indicator", "scope", "year", "value", "source"]
    rows = [
        ["green_factories_added", "province", "2023", "212", "MIIT list"],
        ["water_intensity_reduction", "湘潭", "2024", "0.12", ""],
        ["water_intensity_reduction", "湘潭", "2024", "0.13", ""],
        ["green_parks_added", "Atlantis", "2024.5", "x", ""],
    ]
    report = import_files(sqlite_engine, [write_csv(tmp_path / "r.csv", header, rows)], accept_valid=True)
    assert report.errors.select("row", "column").rows() == [(4, "indicator"), (5, "scope"), (5, "year"), (5, "value")]
    with sqlite_engine.connect() as conn:
        got = conn.execute(text("SELECT indicator, scope_level, scope, year, value FROM reported ORDER BY id")).all()
    assert [tuple(r) for r in got] == [
        ("green_factories_added", "province", "province", 2023, 212.0),
        ("water_intensity_reduction", "city", "Xiangtan", 2024, 0.12),
    ]
