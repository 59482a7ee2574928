"""Export: the importer's columns in tonnes, formulas made inert, and a lossless round trip."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from mfa.domain.flowframe import Scope, Selection
from mfa.export.writers import neutralise, write_table, write_workbook
from mfa.services.database import open_database
from mfa.services.writing import import_files
from mfa.storage.reads import flow_table, reference_tables
from tests.factories import flow, flows_file, world

ROWS = [
    flow("2024-01", quantity="1.5", unit="万吨", uncertainty="0.05", data_quality="measured", note="=1+1"),
    flow("2024-01", "COL-1", "REC-1", quantity="12000", note="@SUM(A1)", reference="+cmd|' /C calc'!A0"),
    flow("2024-02", quantity="1234567.891", unit="kg", note="-2 负数开头", reference="台账"),
    flow("2023", "SRC-1", "YARD-1", "fly_ash", quantity="0.3", unit="亿吨", data_quality="estimated"),
    flow("2023", "YARD-1", "REC-1", "fly_ash", quantity="3", unit="Mt"),
    flow("2024-03", "OUT", "REC-1", "power_battery_lfp", quantity="800", note='He said "hi", then left\nnew line'),
    flow("2024-04", "COL-1", "REC-1", "elv", quantity="", data_quality="unknown"),
]


def _export(engine: Engine, out: Path) -> None:
    with engine.connect() as conn:
        flows = flow_table(conn)
        if out.suffix == ".xlsx":
            write_workbook({**reference_tables(conn), "flows": flows}, out)
        else:
            write_table(flows, out)


def _loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert import_files(engine, [*world(tmp_path), flows_file(tmp_path, ROWS)]).ok
    return engine


def test_export_is_in_tonnes_and_formulas_are_inert(engine: Engine, tmp_path: Path) -> None:
    _export(_loaded(engine, tmp_path), tmp_path / "out.csv")
    text = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert "'=1+1" in text and "'@SUM(A1)" in text and "'+cmd" in text and "'-2 负数开头" in text
    frame = pl.read_csv(tmp_path / "out.csv", infer_schema=False)
    assert set(frame["unit"].to_list()) == {"t"}
    assert frame.filter(pl.col("period") == "2023", pl.col("source") == "SRC-1")["quantity"].to_list() == ["30000000.0"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_export_import_export_gives_identical_files(engine: Engine, tmp_path: Path, suffix: str) -> None:
    first = tmp_path / f"first{suffix}"
    _export(_loaded(engine, tmp_path), first)
    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.db'}")
    files = [first] if suffix == ".xlsx" else [*world(tmp_path), first]
    if suffix == ".parquet":
        pl.read_parquet(first).write_csv(tmp_path / "via.csv")  # the importer reads CSV/XLSX
        files = [*world(tmp_path), tmp_path / "via.csv"]
    report = import_files(fresh, files)
    assert report.ok, report.errors
    second = tmp_path / f"second{suffix}"
    _export(fresh, second)
    assert first.read_bytes() == second.read_bytes()
    with engine.connect() as a, fresh.connect() as b:
        assert_frame_equal(flow_table(a), flow_table(b))


def test_filters_select_year_city_park_and_material_group(engine: Engine, tmp_path: Path) -> None:
    _loaded(engine, tmp_path)
    with engine.connect() as conn:
        assert flow_table(conn, Selection(2023)).height == 2
        assert flow_table(conn, Selection(material="bulk_solid_waste")).height == 2
        assert flow_table(conn, Selection(material="renewable")).height == 5
        assert flow_table(conn, Selection(material="power_battery")).height == 1
        assert flow_table(conn, Selection(scope=Scope("park", "NINGXIANG"))).height == 4
        assert flow_table(conn, Selection(scope=Scope.of("city", "长沙"))).height == 4
        assert flow_table(conn, Selection(2024, scope=Scope("city", "Yueyang"))).height == 4


def test_neutralise_leaves_ordinary_text_and_numbers_alone() -> None:
    frame = pl.DataFrame({"a": ["plain", "=x", None, "\tx"], "n": [-1.0, 2.0, 3.0, 4.0]})
    out = neutralise(frame)
    assert out["a"].to_list() == ["plain", "'=x", None, "'\tx"]
    assert out["n"].to_list() == [-1.0, 2.0, 3.0, 4.0]
