"""data/generate.py: the bundled sample is reproducible, well-formed and calibrated; synthetic sets are exact."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from mfa.domain import vocabulary
from mfa.reference import bundled_materials

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "data" / "generate.py"
SAMPLE = ROOT / "data" / "sample"
FILES = ("parks", "facilities", "flows", "stocks")
OUTLOOK_FILES = ("inflows", "lifetimes", "capacities")
R = ("collection", "recycling", "remanufacturing", "reuse")
U = ("recycling", "remanufacturing", "reuse", "energy_recovery")
TONNES = {"t": 1.0, "吨": 1.0, "kg": 1e-3, "kt": 1e3, "Mt": 1e6, "万吨": 1e4}
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
IMBALANCED = {"SY-SS-01", "MILUO-PL-02", "ZZ-ECH-01", "SM-PGY-01"}
GROSS_ERRORS = (
    ("2021-03", "CS-SC-01", "CS-PAPER-01", "waste_paper", 10),
    ("2022-08", "XT-HONGLI-01", "NX-BRUNP-01", "black_mass", 1000),
    ("2023-11", "LD-EAF-01", "EXT-HB", "recycled_steel", 10),
    ("2025-02", "CS-BAT-C01", "NX-BRUNP-01", "power_battery_ncm", 1000),
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], check=True, capture_output=True, text=True)


def read(folder: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(folder / f"{name}.csv", infer_schema=False)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    run("sample", "--out", str(out), "--quiet")
    return out


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    return {name: read(SAMPLE, name) for name in FILES}


KEY = ["period", "source", "target", "material"]


@pytest.fixture(scope="module")
def declared(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Every declaration in tonnes."""
    factor = pl.col("unit").replace_strict(TONNES, return_dtype=pl.Float64)
    return tables["flows"].with_columns((pl.col("quantity").cast(pl.Float64) * factor).alias("t"))


@pytest.fixture(scope="module")
def flows(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Flows in tonnes (the reporter's declaration of each hand-over: the sender's where both declared) with year
    and the kinds of both ends."""
    kinds = tables["facilities"].select("code", "kind")
    factor = pl.col("unit").replace_strict(TONNES, return_dtype=pl.Float64)
    first = tables["flows"].sort(*KEY, pl.col("side") == "receiver").unique(subset=KEY, keep="first")
    return (
        first.sort(KEY)
        .with_columns(
            (pl.col("quantity").cast(pl.Float64) * factor).alias("t"),
            pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("year"),
        )
        .join(kinds.rename({"code": "source", "kind": "source_kind"}), on="source", how="left")
        .join(kinds.rename({"code": "target", "kind": "target_kind"}), on="target", how="left")
    )


def value(x: Any) -> Any:
    """A polars scalar, untyped (the stubs allow None and many types)."""
    return x


def group(root: str) -> list[str]:
    parents = {str(m["code"]): str(m["parent"]) if m["parent"] else None for m in bundled_materials()}
    return sorted(vocabulary.descendants(parents, [root]))


def credit_code_ok(code: str) -> bool:
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    return code[17] == USCC_CHARS[(31 - total % 31) % 31]


def test_regenerated_sample_is_byte_identical(regenerated: Path) -> None:
    for name in FILES:
        assert (regenerated / f"{name}.csv").read_bytes() == (SAMPLE / f"{name}.csv").read_bytes(), name


def test_regenerated_outlook_tables_are_byte_identical(regenerated: Path) -> None:
    for name in OUTLOOK_FILES:
        assert (regenerated / f"{name}.csv").read_bytes() == (SAMPLE / f"{name}.csv").read_bytes(), name
    inflows = read(SAMPLE, "inflows")
    batteries = inflows.filter(pl.col("product").str.starts_with("power_battery"))
    assert set(batteries["unit"]) == {"MWh"} and batteries["year"].min() == "2012"
    assert batteries["scope"].n_unique() == 14


def test_the_energy_recovery_plants_declare_what_they_pass_on(regenerated: Path) -> None:
    declared = read(SAMPLE, "transfer_coefficients")
    assert (regenerated / "transfer_coefficients.csv").read_bytes() == (
        SAMPLE / "transfer_coefficients.csv"
    ).read_bytes()
    codes = dict(read(SAMPLE, "facilities").select("name", "code").iter_rows())
    rows = {(r["facility"] or r["kind"]): (r["coefficient"], r["tolerance"]) for r in declared.iter_rows(named=True)}
    assert rows == {
        "energy_recovery": ("0.2", "0.03"),  # the waste-to-energy plants: bottom ash
        codes["Loudi tyre pyrolysis plant"]: ("0.42", "0.05"),  # steel wire and char
        "LD-GPP-01": ("0.45", "0.05"),  # coal gangue power plants: ash and slag
        "CZ-GPP-01": ("0.45", "0.05"),
    }


def test_sample_size() -> None:
    total = sum((SAMPLE / f"{name}.csv").stat().st_size for name in FILES)
    assert total < 8_000_000
    assert 30_000 <= read(SAMPLE, "flows").height <= 80_000


def test_csv_format(tables: dict[str, pl.DataFrame]) -> None:
    head = (SAMPLE / "flows.csv").read_bytes()[:200]
    assert head.startswith(
        b"period,source,target,material,quantity,unit,uncertainty,data_quality,note,reference,side\n"
    )
    assert b"\r\n" not in (SAMPLE / "flows.csv").read_bytes()
    assert tables["parks"].columns == ["code", "name", "name_zh", "city", "level"]
    assert tables["facilities"].columns == ["code", "name", "name_zh", "park", "kind"]
    assert tables["stocks"].columns == ["period", "facility", "material", "quantity", "unit"]


def test_flow_keys_unique_sorted_and_periods(tables: dict[str, pl.DataFrame]) -> None:
    f = tables["flows"]
    key = [*KEY, "side"]
    assert f.select(key).is_unique().all()
    assert f.select(key).equals(f.select(key).sort(key))
    assert set(f["side"]) == {"sender", "receiver"}
    assert (f["source"] != f["target"]).all()
    assert f["period"].str.contains(r"^\d{4}-(0[1-9]|1[0-2])$").all()
    assert f["period"].min() == "2020-01"
    assert f["period"].max() == "2025-12"
    s = tables["stocks"]
    assert s.select("period", "facility", "material").is_unique().all()
    assert value(s["period"].max()) <= "2025-12"


def test_values_units_and_quality(tables: dict[str, pl.DataFrame]) -> None:
    f = tables["flows"]
    assert f["quantity"].str.contains(r"^\d+(\.\d+)?$").all()
    assert (f["quantity"].cast(pl.Float64) > 0).all()
    assert set(f["unit"]) <= set(TONNES)
    assert value((f["unit"] == "t").mean()) > 0.5
    assert {"万吨", "kg"} <= set(f["unit"])
    unc = f["uncertainty"].drop_nulls().cast(pl.Float64)
    assert unc.len() > 0
    assert ((unc >= 0) & (unc <= 1)).all()
    assert set(f["data_quality"].drop_nulls()) == {"measured", "calculated", "estimated"}
    assert f["note"].null_count() > f.height / 2
    assert f["note"].str.contains(r"[\u4e00-\u9fff]").any()
    assert (tables["stocks"]["quantity"].cast(pl.Float64) >= 0).all()


def test_references_exist(tables: dict[str, pl.DataFrame]) -> None:
    parks, fac, f, s = (tables[n] for n in FILES)
    codes = set(fac["code"])
    assert fac["code"].is_unique().all()
    assert parks["code"].is_unique().all()
    assert set(f["source"]) | set(f["target"]) <= codes
    assert set(s["facility"]) <= codes
    assert set(fac["park"].drop_nulls()) <= set(parks["code"])
    assert fac.filter(pl.col("park").is_null())["kind"].unique().to_list() == ["boundary"]
    assert (
        fac.filter(pl.col("kind") == "boundary")["park"].null_count() == fac.filter(pl.col("kind") == "boundary").height
    )
    leaves = {m["code"] for m in bundled_materials()} - set(vocabulary.GROUPS)
    assert set(f["material"]) <= leaves
    assert set(s["material"]) <= leaves


def test_every_kind_city_and_level(tables: dict[str, pl.DataFrame]) -> None:
    parks, fac = tables["parks"], tables["facilities"]
    assert set(fac["kind"]) == set(vocabulary.FACILITY_KINDS)
    assert set(parks["city"]) == set(vocabulary.CITIES)
    assert set(parks["level"]) <= set(vocabulary.PARK_LEVELS)
    assert 20 <= parks.height <= 60
    assert 200 <= fac.height <= 500
    assert 3 <= fac.filter(pl.col("kind") == "boundary").height <= 10
    named = {"Miluo Circular Economy Industrial Park", "Ningxiang High-tech Industrial Park"}
    assert named <= set(parks["name"])


def test_credit_codes(tables: dict[str, pl.DataFrame]) -> None:
    codes = tables["facilities"]["code"].to_list()
    looks = [c for c in codes if len(c) == 18 and c.isalnum() and c[2:8].isdigit()]
    assert len(looks) >= 1
    assert 0.05 <= len(looks) / len(codes) <= 0.15
    for code in looks:
        assert credit_code_ok(code), code
        assert code.startswith("914")
        assert code[2:4] == "43"
    assert not credit_code_ok(looks[0][:17] + USCC_CHARS[(USCC_CHARS.index(looks[0][17]) + 1) % 31])


def test_renewable_calibration(flows: pl.DataFrame) -> None:
    into_r = pl.col("target_kind").is_in(R) & ~pl.col("source_kind").is_in(R)
    per_year = (
        flows.filter(pl.col("material").is_in(group("renewable")) & into_r)
        .group_by("year")
        .agg(
            pl.col("t").sum().alias("total"),
            pl.col("t").filter(pl.col("material") == "scrap_steel").sum().alias("steel"),
        )
        .sort("year")
    )
    total = dict(zip(per_year["year"], per_year["total"], strict=True))
    assert 19e6 <= total[2020] <= 21e6
    assert 27e6 <= total[2025] <= 29.5e6
    assert all(total[y] < total[y + 1] for y in range(2020, 2025))
    assert (per_year["steel"] / per_year["total"] > 0.6).all()
    assert flows.filter(pl.col("material").is_in(["power_battery_lfp", "power_battery_ncm"]) & into_r).height > 0


def test_bulk_waste_calibration(flows: pl.DataFrame) -> None:
    bulk = pl.col("material").is_in(group("bulk_solid_waste"))
    utilized = bulk & pl.col("target_kind").is_in(U) & ~pl.col("source_kind").is_in(U)
    per_year = (
        flows.group_by("year")
        .agg(
            pl.col("t").filter(bulk & (pl.col("source_kind") == "source")).sum().alias("generated"),
            pl.col("t").filter(utilized).sum().alias("utilized"),
            pl.col("t").filter(utilized & (pl.col("source_kind") == "storage")).sum().alias("from_stock"),
        )
        .with_columns((pl.col("utilized") / (pl.col("generated") + pl.col("from_stock"))).alias("rate"))
        .sort("year")
    )
    assert per_year["year"].to_list() == list(range(2020, 2026))
    assert per_year["rate"].is_between(0.50, 0.60).all()
    assert per_year["rate"][-1] > per_year["rate"][0]
    assert per_year["generated"].is_between(40e6, 80e6).all()
    assert (per_year["from_stock"] > 0).all()


def test_park_trends_differ(tables: dict[str, pl.DataFrame], flows: pl.DataFrame) -> None:
    parks = tables["facilities"].select(pl.col("code").alias("source"), "park")
    by_park = (
        flows.join(parks, on="source")
        .filter(pl.col("park").is_not_null() & pl.col("year").is_in([2020, 2025]))
        .group_by("park")
        .agg(
            (pl.col("t").filter(pl.col("year") == 2025).sum() / pl.col("t").filter(pl.col("year") == 2020).sum()).alias(
                "r"
            )
        )
    )
    assert value(by_park["r"].max()) > 1.5
    assert value(by_park["r"].min()) < 0.9


def test_required_chains(flows: pl.DataFrame) -> None:
    edges = set(flows.select("source", "target", "material").unique().iter_rows())
    assert ("XT-EAF-01", "XT-SLAG-01", "smelting_slag") in edges
    assert ("XT-SLAG-01", "XT-EAF-01", "scrap_steel") in edges
    assert ("CS-BAT-SORT", "CS-ECH-01", "power_battery_lfp") in edges
    assert ("CS-ECH-01", "CS-BAT-SORT", "power_battery_lfp") in edges
    materials = set(flows["material"])
    required = {"scrap_steel", "scrap_copper", "scrap_aluminium", "waste_paper", "waste_plastic", "waste_tire"}
    required |= {"weee", "elv", "waste_textile", "waste_glass", "power_battery_lfp", "power_battery_ncm"}
    required |= {"black_mass", "lithium_carbonate", "nickel", "cobalt", "manganese", "echelon_battery_system"}
    required |= {"recycled_steel", "recycled_nonferrous", "building_material", "remanufactured_product"}
    required |= {"fly_ash", "desulfurization_gypsum", "tailings", "coal_gangue", "smelting_slag", "red_mud"}
    required |= {"phosphogypsum", "furnace_slag"}
    assert required <= materials
    kinds = set(flows.select("source_kind", "target_kind").unique().iter_rows())
    for pair in [
        ("boundary", "recycling"),
        ("source", "recycling"),
        ("collection", "collection"),
        ("storage", "recycling"),
    ]:
        assert pair in kinds
    assert ("recycling", "disposal") in kinds
    assert ("recycling", "energy_recovery") in kinds


def balances(tables: dict[str, pl.DataFrame], flows: pl.DataFrame) -> pl.DataFrame:
    inflow = flows.group_by(pl.col("target").alias("facility"), "period").agg(pl.col("t").sum().alias("i"))
    outflow = flows.group_by(pl.col("source").alias("facility"), "period").agg(pl.col("t").sum().alias("o"))
    factor = pl.col("unit").replace_strict(TONNES, return_dtype=pl.Float64)
    stocks = (
        tables["stocks"]
        .group_by("facility", "period")
        .agg((pl.col("quantity").cast(pl.Float64) * factor).sum().alias("s"))
        .sort("facility", "period")
        .with_columns(pl.col("s").diff().over("facility").alias("ds"))
    )
    kinds = tables["facilities"].select(pl.col("code").alias("facility"), "kind")
    return (
        inflow.join(outflow, on=["facility", "period"], how="full", coalesce=True)
        .join(stocks.select("facility", "period", "ds"), on=["facility", "period"], how="left")
        .join(kinds, on="facility")
        .filter(pl.col("kind").is_in([*R, "storage"]))
        .with_columns(pl.col("i", "o", "ds").fill_null(0.0))
        .with_columns(((pl.col("i") - pl.col("o") - pl.col("ds")) / pl.col("i")).abs().alias("off"))
    )


def test_deliberate_imbalances(tables: dict[str, pl.DataFrame], flows: pl.DataFrame) -> None:
    per_facility = balances(tables, flows).group_by("facility").agg(pl.col("off").median().alias("median"))
    assert set(per_facility.filter(pl.col("median") > 0.2)["facility"]) == IMBALANCED
    assert value(per_facility.filter(~pl.col("facility").is_in(IMBALANCED))["median"].max()) < 0.03


def test_gross_errors(flows: pl.DataFrame) -> None:
    for period, source, target, material, factor in GROSS_ERRORS:
        edge = flows.filter(
            (pl.col("source") == source) & (pl.col("target") == target) & (pl.col("material") == material)
        )
        bad = edge.filter(pl.col("period") == period)["t"].item()
        typical = edge.filter(pl.col("period") != period)["t"].median()
        assert isinstance(typical, float)
        assert 0.5 * factor < bad / typical < 2 * factor, (period, source, target)


def test_receivers_declare_from_2024_within_a_weighbridge_but_for_the_disputes(
    tables: dict[str, pl.DataFrame], declared: pl.DataFrame
) -> None:
    kinds = dict(tables["facilities"].select("code", "kind").iter_rows())
    both = declared.filter(pl.len().over(KEY) == 2)
    pairs = (
        both.filter(pl.col("side") == "sender")
        .select(*KEY, pl.col("t").alias("sender"))
        .join(both.filter(pl.col("side") == "receiver").select(*KEY, pl.col("t").alias("receiver")), on=KEY)
    )
    assert 2_000 < pairs.height < declared.height // 10 and pairs["period"].min() == "2024-01"
    ratio = pairs["receiver"] / pairs["sender"]
    disputes = pairs.filter((ratio - 1).abs() > 0.05).sort("period")
    assert disputes.select("period", "material").rows() == [
        ("2025-02", "power_battery_ncm"),  # the sender's gross error, disputed by the receiver's weighing
        ("2025-03", "power_battery_lfp"),  # 15 % less at the receiver's weighbridge
        ("2025-05", "scrap_steel"),  # the receiver's kilograms typed as tonnes
    ]
    assert (((ratio - 1).abs() <= 0.05) | (ratio > 2) | (ratio < 0.9)).all()
    only_received = declared.filter((pl.len().over(KEY) == 1) & (pl.col("side") == "receiver"))
    assert set(only_received["source"].replace_strict(kinds)) == {"boundary"}  # imports: the receiver reports


def test_generator_prints_summary(tmp_path: Path) -> None:
    out = run("sample", "--out", str(tmp_path)).stdout
    assert "renewable_Mt" in out
    assert re.search(r"^2025\s+2[78]\.\d\d", out, re.MULTILINE)


def synthetic(tmp_path: Path, n: int, seed: int = 3) -> Path:
    run("synthetic", "--flows", str(n), "--out", str(tmp_path), "--seed", str(seed))
    return tmp_path


def test_synthetic_exact_rows(tmp_path: Path) -> None:
    out = synthetic(tmp_path, 12345)
    f, fac, parks = read(out, "flows"), read(out, "facilities"), read(out, "parks")
    key = ["period", "source", "target", "material"]
    assert f.height == 12345
    assert f.select(key).is_unique().all()
    assert f.select(key).equals(f.select(key).sort(key))
    assert (f["source"] != f["target"]).all()
    assert (f["unit"] == "t").all()
    assert (f["quantity"].cast(pl.Float64) > 0).all()
    assert value(f["period"].max()) <= "2025-12"
    assert set(f["source"]) | set(f["target"]) <= set(fac["code"])
    assert set(fac["park"].drop_nulls()) <= set(parks["code"])
    assert set(fac["kind"]) == set(vocabulary.FACILITY_KINDS)
    assert set(parks["city"]) == set(vocabulary.CITIES)
    leaves = {m["code"] for m in bundled_materials()} - set(vocabulary.GROUPS)
    assert set(f["material"]) <= leaves


def test_synthetic_is_deterministic(tmp_path: Path) -> None:
    a, b = synthetic(tmp_path / "a", 5000), synthetic(tmp_path / "b", 5000)
    for name in ("parks", "facilities", "flows"):
        assert (a / f"{name}.csv").read_bytes() == (b / f"{name}.csv").read_bytes()
    assert (synthetic(tmp_path / "c", 5000, seed=4) / "flows.csv").read_bytes() != (a / "flows.csv").read_bytes()


def test_synthetic_tiny(tmp_path: Path) -> None:
    assert read(synthetic(tmp_path / "one", 1), "flows").height == 1
    assert read(synthetic(tmp_path / "none", 0), "flows").height == 0


@pytest.mark.slow
def test_synthetic_million_rows(tmp_path: Path) -> None:
    out = synthetic(tmp_path, 1_000_000)
    counts = (
        pl.scan_csv(out / "flows.csv", infer_schema=False)
        .select(pl.len().alias("n"), pl.struct("period", "source", "target", "material").n_unique().alias("keys"))
        .collect()
    )
    assert counts.row(0) == (1_000_000, 1_000_000)


def test_the_generators_stock_model_equals_flodyms() -> None:
    """The generator calibrates the sample with a small numpy model (it needs no flodym): it must equal mfa's."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "data"))
    try:
        from _sample_outlook import retirements
    finally:
        sys.path.remove(str(ROOT / "data"))
    from mfa.domain.outlook import run_stock_model
    from tests.factories import BATTERY_PARENTS, inflows_frame, lifetimes_frame

    years = np.arange(2005, 2030)
    inflow = np.random.default_rng(4).uniform(10, 1000, len(years))
    scales = np.where(years <= 2017, 8.0, 10.0)
    rows = lifetimes_frame(
        {"product": "elv", "distribution": "weibull", "shape": 3.5, "scale": 8.0, "last_cohort": 2017},
        {"product": "elv", "distribution": "weibull", "shape": 3.5, "scale": 10.0, "first_cohort": 2018},
    )
    frame = inflows_frame([(int(y), "province", "elv", float(v)) for y, v in zip(years, inflow, strict=True)])
    ours = run_stock_model(frame, rows, BATTERY_PARENTS, until=2029).sort("year")["outflow_t"].to_numpy()
    np.testing.assert_allclose(retirements(inflow, 3.5, scales), ours, rtol=1e-9, atol=1e-9)
