"""`mfa forecast` and `mfa forecast calibrate` as a user runs them: real processes, JSON, files, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from mfa.services.database import open_database
from mfa.services.writing import import_files
from mfa.storage import accounts
from tests.factories import battery_flows, outlook_files, world

LFP = "power_battery_lfp"


def mfa(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the mfa command in a new process."""
    return subprocess.run([sys.executable, "-m", "mfa", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small world with battery flows, inflows (Yueyang in MWh, Changsha in t), a lifetime with a range and a
    capacity; an analyst account."""
    folder = tmp_path_factory.mktemp("forecast")
    url = f"sqlite:///{folder / 'f.db'}"
    engine = open_database(url)
    ranged = [["product", "distribution", "shape", "scale", "scale_low", "scale_high"], [LFP, "weibull", 3.5, 7, 6, 9]]
    lifetimes = folder / "ranged.csv"
    lifetimes.write_text("\n".join(",".join(map(str, r)) for r in ranged) + "\n", encoding="utf-8")
    files = [*world(folder), battery_flows(folder), *outlook_files(folder)[::2], lifetimes]
    report = import_files(engine, files)
    assert report.ok, report.errors
    with engine.begin() as conn:
        accounts.add_user(conn, "ana", "a-long-password", "analyst")
    engine.dispose()
    return url


def test_forecast_json_has_rows_capacity_and_convention(db: str) -> None:
    run = mfa("forecast", "--product", "power_battery", "--until", "2030", "--db", db, "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert {"rows", "capacity", "convention", "runs_out", "metals", "notes"} <= set(out)
    assert out["convention"]["inflow_at"] == "middle"
    rows = pl.DataFrame(out["rows"])
    assert {"year", "scope", "product", "inflow_t", "outflow_t", "stock_t", "recorded_t"} <= set(rows.columns)
    assert {"outflow_low_t", "outflow_high_t"} <= set(rows.columns)  # the lifetime gives a range
    assert set(rows["scope"]) == {"province", "Yueyang", "Changsha"} and set(rows["product"]) == {LFP, "power_battery"}
    assert rows["year"].max() == 2030
    past = rows.filter(pl.col("year").is_in([2023, 2024]))
    assert past["recorded_t"].null_count() == 0 and rows.filter(pl.col("year") == 2030)["recorded_t"].is_null().all()
    capacity = pl.DataFrame(out["capacity"])
    assert {"year", "scope", "capacity_t", "outflow_t", "shortfall_t"} <= set(capacity.columns)
    row = capacity.filter(pl.col("year") == 2025, pl.col("scope") == "province").row(0, named=True)
    assert row["shortfall_t"] == pytest.approx(row["outflow_t"] - row["capacity_t"])
    assert any(m["metal"] == "li" for m in out["metals"])


@pytest.mark.slow
def test_forecast_of_one_scope_conventions_and_text(db: str) -> None:
    middle = json.loads(mfa("forecast", "--product", LFP, "--scope", "岳阳", "--db", db, "--json").stdout)
    end = json.loads(
        mfa("forecast", "--product", LFP, "--scope", "Yueyang", "--convention", "end", "--db", db, "--json").stdout
    )
    assert {r["scope"] for r in middle["rows"]} == {"Yueyang"}
    assert end["convention"]["inflow_at"] == "end"
    assert [r["outflow_t"] for r in end["rows"]] != [r["outflow_t"] for r in middle["rows"]]
    text = mfa("forecast", "--product", "power_battery", "--db", db)
    assert text.returncode == 0 and "power_battery · province" in text.stdout and "time convention" in text.stdout


@pytest.mark.slow
def test_forecast_writes_tables_and_charts(db: str, tmp_path: Path) -> None:
    for name in ("f.csv", "f.xlsx", "f.html"):
        run = mfa("forecast", "--product", "power_battery", "--db", db, "--out", str(tmp_path / name))
        assert run.returncode == 0, run.stderr
    assert pl.read_csv(tmp_path / "f.csv").height > 0
    assert set(pl.read_excel(tmp_path / "f.xlsx", sheet_id=0)) == {"forecast", "capacity", "runs_out", "metals"}
    assert "plotly" in (tmp_path / "f.html").read_text(encoding="utf-8")


def test_forecast_errors_are_one_line(db: str) -> None:
    for args, message in [
        (("--product", "plutonium"), "unknown product 'plutonium'"),
        (("--product", "elv"), "no inflows of elv or of any product below it"),
        (("--product", LFP, "--scope", "Paris"), "unknown scope 'Paris'"),
        (("--product", LFP, "--until", "1990"), "the horizon 1990 lies before the first inflow"),
        (("--product", LFP, "--convention", "noon"), "unknown time convention 'noon'"),
        ((), "give --product"),
    ]:
        run = mfa("forecast", *args, "--db", db)
        assert run.returncode == 1, (args, run.stderr)
        assert run.stderr.count("\n") == 1 and message in run.stderr, run.stderr


@pytest.mark.slow
def test_calibrate_prints_the_fit_and_saves_only_when_asked(db: str) -> None:
    run = mfa("forecast", "calibrate", "--product", LFP, "--db", db, "--json")
    assert run.returncode == 0, run.stderr
    fit = json.loads(run.stdout)
    assert isinstance(fit["scale"], float) and fit["parameters"] == {"scale": fit["scale"]}
    assert [r["year"] for r in fit["residuals"]] == [2023, 2024] and fit["saved"] is False
    refused = mfa("forecast", "calibrate", "--product", LFP, "--save", "--user", "ana", "--db", db)
    assert refused.returncode == 1 and "ana (analyst) may not save calibrated lifetimes: admins only" in refused.stderr
    saved = json.loads(mfa("forecast", "calibrate", "--product", LFP, "--save", "--db", db, "--json").stdout)
    assert saved["saved_for"] == [LFP]
    again = json.loads(mfa("forecast", "calibrate", "--product", LFP, "--db", db, "--json").stdout)
    assert again["factor"] == pytest.approx(1.0, abs=1e-6)  # the saved lifetime already fits best
    assert "not saved" in mfa("forecast", "calibrate", "--product", LFP, "--db", db).stdout
