"""mfa.services.forecasting on SQLite and PostgreSQL: the outlook's tables imported from real files (GWh converted),
refused by row and field with nothing written, forecasts with recorded retirements and capacity, calibration saved
through the write path by admins only, permissions, backup and restore."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from mfa.domain import indicators
from mfa.domain.roles import Actor, NotAllowed
from mfa.services import forecasting, loading, tables
from mfa.services.database import open_database
from mfa.services.forecasting import OutlookError
from mfa.services.writing import ImportReport, import_files
from mfa.storage import backup, reads
from mfa.storage import outlook as stored
from tests.factories import battery_flows, outlook_files, world

LFP = "power_battery_lfp"


def imported(engine: Engine, folder: Path, **rows: list[list[object]]) -> ImportReport:
    folder.mkdir(exist_ok=True)
    return import_files(engine, [*world(folder), battery_flows(folder), *outlook_files(folder, **rows)])


def test_imports_the_tables_and_forecasts_with_recorded_and_capacity(engine: Engine, tmp_path: Path) -> None:
    report = imported(engine, tmp_path)
    assert report.ok, report.errors
    assert {k: report.written[k] for k in ("inflows", "lifetimes", "capacities")} == {
        "inflows": 26,
        "lifetimes": 1,
        "capacities": 1,
    }
    with engine.connect() as conn:
        inflows = stored.inflow_table(conn)
    first = inflows.filter(pl.col("scope") == "Yueyang", pl.col("year") == 2012).row(0, named=True)
    assert (first["value"], first["unit"]) == (20.0, "MWh")
    assert first["quantity_t"] == pytest.approx(20 * 6.66)  # BatPaC LFP: 666 kg per 100 kWh
    assert set(inflows["scope"]) == {"Yueyang", "Changsha"}

    result = forecasting.forecast(engine, "power_battery", until=2030)
    rows = result.rows
    assert set(rows["scope"]) == {"province", "Yueyang", "Changsha"}
    assert set(rows["product"]) == {LFP, "power_battery"}
    recorded = {(r["year"], r["scope"]): r["recorded_t"] for r in rows.filter(pl.col("product") == LFP).to_dicts()}
    assert recorded[(2023, "Yueyang")] == pytest.approx(40.0) and recorded[(2024, "province")] == pytest.approx(60.0)
    assert recorded[(2023, "Changsha")] == 0.0 and recorded[(2025, "province")] is None  # 2025 has no flows
    capacity = {(r["year"], r["scope"]): r["capacity_t"] for r in result.capacity.to_dicts()}
    assert capacity[(2019, "province")] == 0 and capacity[(2020, "province")] == 1000
    assert capacity[(2025, "Changsha")] == 1000 and capacity[(2025, "Yueyang")] == 0  # REC-1 is in Ningxiang
    province = rows.filter(pl.col("scope") == "province", pl.col("product") == LFP).sort("year")
    cities = (
        rows.filter(pl.col("scope") != "province", pl.col("product") == LFP)
        .group_by("year")
        .agg(pl.col("outflow_t").sum())
    )
    assert (
        province.join(cities, on="year", suffix="_c")
        .select((pl.col("outflow_t") - pl.col("outflow_t_c")).abs().max())
        .item()
        < 1e-9
    )
    only = forecasting.forecast(engine, LFP, scope="岳阳", until=2030)
    assert set(only.rows["scope"]) == {"Yueyang"}


def test_recorded_retirements_equal_the_indicator(engine: Engine, tmp_path: Path) -> None:
    assert imported(engine, tmp_path).ok
    result = forecasting.forecast(engine, "power_battery", scope="province", until=2026)
    data = loading.load(engine)
    for year in (2023, 2024):
        found = indicators.compute_indicators(data.flows, data.parents, year=year)
        row = result.rows.filter(pl.col("year") == year, pl.col("product") == "power_battery")
        assert row["recorded_t"].item() == pytest.approx(found["battery_retired_t"])


def test_bad_rows_are_refused_by_row_and_field_and_nothing_is_written(engine: Engine, tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    assert import_files(engine, world(tmp_path)).ok
    with engine.connect() as conn:
        before = reads.counts(conn)
    report = import_files(
        engine,
        outlook_files(
            tmp_path,
            inflows=[
                [2020, "Changsha", LFP, -5, "t"],  # row 2: negative
                [2020, "Changsha", "elv", 3, "GWh"],  # row 3: energy for a non-battery
                [2021, "MILUO", LFP, 3, "t"],  # row 4: a park
                [2021, "Changsha", "scrap_steel", 3, "t"],  # row 5: not a product
                [2022, "Changsha", "power_battery", 3, "t"],  # row 6: a group with products below it
                [2023, "Changsha", LFP, 3, "t"],  # rows 7 and 8: province and city in the same year
                [2023, "province", LFP, 4, "t"],
                [2024, "Changsha", LFP, 2, "t"],  # fine
            ],
            lifetimes=[
                ["weee", "gamma", 2, 3, "", "", "", ""],  # row 2: unknown distribution
                ["power_battery_ncm", "lognormal", "", "", 8, "", "", ""],  # row 3: missing std
                ["elv", "weibull", 3, 12, 10, "", "", ""],  # row 4: mean does not apply
                [LFP, "weibull", 3, 8, "", "", 2010, 2020],  # fine
                [LFP, "weibull", 3, 9, "", "", 2018, ""],  # row 6: overlaps row 5
                ["waste_tire", "fixed", "", "", 4, "", 2020, 2010],  # row 7: last before first
            ],
            capacities=[
                ["COL-1", "power_battery", 2020, 100, "t"],  # row 2: a collector
                ["REC-1", "power_battery", 2020, 100, "GWh"],  # row 3: a group has no pack mass
                ["REC-1", LFP, 2020, 0.5, "GWh"],  # fine: 3330 t
            ],
        ),
    )
    assert not report.committed
    errors = {(r["file"], r["row"], r["column"]): r["reason"] for r in report.errors.to_dicts()}
    expected = {
        ("inflows.csv", 2, "quantity"): "negative quantity",
        ("inflows.csv", 3, "unit"): "GWh is energy: only a battery chemistry",
        ("inflows.csv", 4, "scope"): "unknown scope 'MILUO'",
        ("inflows.csv", 5, "product"): "scrap_steel is a material, not a product",
        ("inflows.csv", 6, "product"): "power_battery has products below it",
        ("inflows.csv", 7, "scope"): "both a province inflow and city inflows",
        ("inflows.csv", 8, "scope"): "both a province inflow and city inflows",
        ("lifetimes.csv", 2, "distribution"): "unknown distribution 'gamma'",
        ("lifetimes.csv", 3, "std"): "lognormal needs std",
        ("lifetimes.csv", 4, "mean"): "mean does not apply to weibull",
        ("lifetimes.csv", 6, "first_cohort"): "overlap those of lifetimes.csv row 5",
        ("lifetimes.csv", 7, "last_cohort"): "last_cohort is before first_cohort",
        ("capacities.csv", 2, "facility"): "capacities are for recycling, reuse and remanufacturing",
        ("capacities.csv", 3, "unit"): "GWh is energy",
    }
    for key, reason in expected.items():
        assert reason in errors.get(key, ""), (key, errors.get(key))
    assert {k[:2] for k in errors} == {k[:2] for k in expected}
    with engine.connect() as conn:
        assert reads.counts(conn) == before


def test_a_products_lifetime_rows_are_replaced_together(engine: Engine, tmp_path: Path) -> None:
    two = [[LFP, "weibull", 3.5, 6, "", "", "", 2017], [LFP, "weibull", 3.5, 9, "", "", 2018, ""]]
    assert imported(engine, tmp_path / "a", lifetimes=two).ok
    assert imported(engine, tmp_path / "b", lifetimes=[[LFP, "lognormal", "", "", 8, 3, "", ""]]).ok
    with engine.connect() as conn:
        rows = stored.lifetime_table(conn)
    assert rows.select("product", "distribution", "mean", "std").rows() == [(LFP, "lognormal", 8.0, 3.0)]


def test_forecast_refuses_what_it_cannot_compute(engine: Engine, tmp_path: Path) -> None:
    late = [[LFP, "weibull", 3.5, 7, "", "", 2013, ""]]
    assert imported(engine, tmp_path, lifetimes=late).ok
    with pytest.raises(OutlookError, match="no lifetime row of power_battery_lfp covers cohort 2012"):
        forecasting.forecast(engine, "power_battery")
    with pytest.raises(OutlookError, match="unknown scope 'Paris'"):
        forecasting.forecast(engine, "power_battery", scope="Paris")
    (tmp_path / "elv").mkdir()
    elv = outlook_files(tmp_path / "elv", inflows=[[2015, "province", "elv", 1000, "t"]], lifetimes=[], capacities=[])
    assert import_files(engine, elv).ok
    with pytest.raises(OutlookError, match="no lifetime for elv"):
        forecasting.forecast(engine, "elv")


def test_calibration_is_saved_only_when_asked_and_only_by_admins(engine: Engine, tmp_path: Path) -> None:
    assert imported(engine, tmp_path).ok
    report = forecasting.calibrate(engine, LFP, until=2030)
    fitted = report.to_json()
    assert fitted["scale"] == fitted["parameters"]["scale"] and fitted["saved"] is False
    assert [r["year"] for r in fitted["residuals"]] == [2023, 2024]
    with engine.connect() as conn:
        assert stored.lifetime_table(conn)["scale"].to_list() == [7.0]  # not saved
    with pytest.raises(NotAllowed, match="admins only"):
        forecasting.calibrate(engine, LFP, save=True, actor=Actor("ana", "analyst"))
    saved = forecasting.calibrate(engine, LFP, until=2030, save=True)
    assert saved.saved == [LFP]
    with engine.connect() as conn:
        row = stored.lifetime_table(conn).row(0, named=True)
    assert row["scale"] == pytest.approx(fitted["scale"], rel=1e-12)
    assert "calibrated to the recorded retirements" in row["source"]


def test_park_managers_write_capacities_of_their_parks_but_no_inflows(engine: Engine, tmp_path: Path) -> None:
    assert import_files(engine, world(tmp_path)).ok
    manager = Actor("max", "park_manager", frozenset({"MILUO"}))
    files = outlook_files(tmp_path, inflows=[[2020, "Yueyang", LFP, 5, "t"]], lifetimes=[], capacities=[])
    refused = import_files(engine, files[:1], actor=manager)
    assert "may not write inflows" in refused.errors["reason"][0]
    capacities = outlook_files(tmp_path, capacities=[["REC-1", "power_battery", 2020, 100, "t"]])[2]
    refused = import_files(engine, [capacities], actor=manager)
    assert "may write capacities of facilities in their own parks only" in refused.errors["reason"][0]
    manager = Actor("nina", "park_manager", frozenset({"NINGXIANG"}))
    assert import_files(engine, [capacities], actor=manager).committed


def test_backup_and_restore_keep_the_outlook_tables(engine: Engine, tmp_path: Path) -> None:
    assert imported(engine, tmp_path).ok
    with engine.connect() as conn:
        tables = [stored.inflow_table(conn), stored.lifetime_table(conn), stored.capacity_table(conn)]
    counts = backup.backup(engine, tmp_path / "outlook.mfa")
    assert counts["inflow"] == 26 and counts["lifetime"] == 1 and counts["capacity"] == 1
    restored = open_database(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        backup.restore(restored, tmp_path / "outlook.mfa")
        with restored.connect() as conn:
            again = [stored.inflow_table(conn), stored.lifetime_table(conn), stored.capacity_table(conn)]
        assert all(a.equals(b) for a, b in zip(tables, again, strict=True))
    finally:
        restored.dispose()


def test_a_workbook_with_chinese_sheets_and_headers_imports(engine: Engine, tmp_path: Path) -> None:
    from mfa.export.writers import write_workbook

    assert import_files(engine, world(tmp_path)).ok
    book = tmp_path / "展望.xlsx"
    write_workbook(
        {
            "投入使用": pl.DataFrame(
                {"年份": ["2020", "2021"], "范围": ["长沙", "长沙"], "产品": [LFP, LFP]}
            ).with_columns(pl.lit("1.5").alias("数量"), pl.lit("GWh").alias("单位")),
            "使用寿命": pl.DataFrame(
                {"产品": [LFP], "分布": ["威布尔"], "形状参数": ["3.5"], "尺度参数": ["8"], "来源": ["文献"]}
            ),
            "处理能力": pl.DataFrame(
                {
                    "设施": ["REC-1"],
                    "物料": ["power_battery"],
                    "起始年份": ["2021"],
                    "处理能力": ["2"],
                    "单位": ["万吨"],
                }
            ),
        },
        book,
    )
    report = import_files(engine, [book])
    assert report.ok, report.errors
    assert {k: report.written[k] for k in ("inflows", "lifetimes", "capacities")} == {
        "inflows": 2,
        "lifetimes": 1,
        "capacities": 1,
    }
    with engine.connect() as conn:
        assert stored.inflow_table(conn)["quantity_t"].to_list() == pytest.approx([9990.0, 9990.0])  # 1.5 GWh of LFP
        assert stored.lifetime_table(conn)["distribution"].to_list() == ["weibull"]
        assert stored.capacity_table(conn)["capacity_t"].to_list() == [20_000.0]


def test_an_exported_workbook_brings_the_outlook_tables_into_an_empty_database(engine: Engine, tmp_path: Path) -> None:
    from mfa.export.writers import write_workbook

    assert imported(engine, tmp_path).ok
    book = tmp_path / "all.xlsx"
    write_workbook(tables.workbook(engine), book)
    with engine.connect() as conn:
        before = [stored.inflow_table(conn), stored.lifetime_table(conn), stored.capacity_table(conn)]
    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        report = import_files(fresh, [book])
        assert report.ok, report.errors
        with fresh.connect() as conn:
            after = [stored.inflow_table(conn), stored.lifetime_table(conn), stored.capacity_table(conn)]
    finally:
        fresh.dispose()
    same = {"check_exact": False, "rel_tol": 1e-12}  # a spreadsheet keeps 15 significant digits
    assert_frame_equal(after[0].drop("value", "unit"), before[0].drop("value", "unit"), **same)  # in tonnes
    assert_frame_equal(after[1], before[1])
    assert_frame_equal(after[2].drop("value", "unit"), before[2].drop("value", "unit"), **same)


def test_a_shared_lifetime_is_saved_for_the_fitted_product_only(engine: Engine, tmp_path: Path) -> None:
    inflows = [[y, "Yueyang", p, 100, "t"] for y in range(2012, 2026) for p in (LFP, "power_battery_ncm")]
    shared = [["power_battery", "weibull", 3.5, 7, "", "", "", ""]]
    assert imported(engine, tmp_path, inflows=inflows, lifetimes=shared).ok
    report = forecasting.calibrate(engine, LFP, until=2030, save=True)
    assert report.saved == [LFP] and report.result.fitted["owner"].to_list() == ["power_battery"]
    with engine.connect() as conn:
        rows = {r["product"]: r["scale"] for r in stored.lifetime_table(conn).to_dicts()}
    assert rows["power_battery"] == 7.0  # NCM keeps the group's lifetime
    assert rows[LFP] == pytest.approx(report.parameters()["scale"])
    group = forecasting.calibrate(engine, "power_battery", until=2030, save=True)
    assert set(group.saved) == {LFP, "power_battery"}  # each owner used only by fitted products
