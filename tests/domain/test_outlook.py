"""mfa.domain.outlook: the stock model against hand computation and against flodym itself, mass balance, lifetimes by
cohort, groups and scopes that add up, calibration, capacity, contents, recorded retirements, refusals."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mfa.domain import indicators
from mfa.domain.outlook import (
    OutlookError,
    OutlookInputs,
    aggregate,
    balance_residual,
    calibrate,
    capacity_by_year,
    compare_capacity,
    forecast,
    metal_contents,
    recorded_retirements,
    run_stock_model,
    runs_out,
    tonnes_per_unit,
)
from mfa.reference import battery_chemistries
from tests.factories import BATTERY_PARENTS, FLOW_SCHEMA, inflows_frame, lifetimes_frame

PARENTS = BATTERY_PARENTS
LFP, NCM = "power_battery_lfp", "power_battery_ncm"
CHEMISTRIES = pl.DataFrame(list(battery_chemistries()))


def weibull_sf(x: float, shape: float, scale: float) -> float:
    return math.exp(-((max(x, 0.0) / scale) ** shape))


def normal_sf(x: float, mean: float, std: float) -> float:
    return 0.5 * math.erfc((x - mean) / (std * math.sqrt(2)))


def lognormal_sf(x: float, mean: float, std: float) -> float:
    """The lognormal with this mean and std of its own (not of the underlying normal), as flodym defines it."""
    sigma2 = math.log(1 + std**2 / mean**2)
    mu = math.log(mean) - sigma2 / 2
    return 1.0 if x <= 0 else 0.5 * math.erfc((math.log(x) - mu) / math.sqrt(2 * sigma2))


def model(inflows: list[float], first: int, until: int, lifetime: dict[str, object], inflow_at: str = "middle"):
    """run_stock_model of one product in one city: (stock, outflow) as lists."""
    frame = inflows_frame([(first + i, "Changsha", LFP, v) for i, v in enumerate(inflows)])
    rows = run_stock_model(frame, lifetimes_frame(lifetime), PARENTS, until=until, inflow_at=inflow_at)  # type: ignore[arg-type]
    rows = rows.sort("year")
    return rows["stock_t"].to_list(), rows["outflow_t"].to_list()


# ---------------------------------------------------------------- hand computation, three cohorts

THREE = [10.0, 20.0, 30.0]


@pytest.mark.parametrize(
    ("distribution", "params", "sf"),
    [
        ("weibull", {"shape": 2.0, "scale": 3.0}, lambda x: weibull_sf(x, 2.0, 3.0)),
        ("normal", {"mean": 3.0, "std": 1.0}, lambda x: normal_sf(x, 3.0, 1.0)),
        ("lognormal", {"mean": 3.0, "std": 1.5}, lambda x: lognormal_sf(x, 3.0, 1.5)),
    ],
)
@pytest.mark.parametrize(("inflow_at", "offset"), [("middle", 0.5), ("start", 1.0), ("end", 0.0)])
def test_three_cohorts_by_hand(distribution: str, params: dict[str, float], sf, inflow_at: str, offset: float) -> None:  # type: ignore[no-untyped-def]
    stock, outflow = model(THREE, 2000, 2005, {"product": LFP, "distribution": distribution, **params}, inflow_at)
    by_hand = [sum(THREE[c] * sf(y - c + offset) for c in range(min(y + 1, 3))) for y in range(6)]
    assert stock == pytest.approx(by_hand, rel=1e-12)
    # outflow: what leaves a cohort between the end of one year and the next; in its own year 1 − S(first age)
    leaving = [
        sum(THREE[c] * ((1.0 if y == c else sf(y - 1 - c + offset)) - sf(y - c + offset)) for c in range(min(y + 1, 3)))
        for y in range(6)
    ]
    assert outflow == pytest.approx(leaving, rel=1e-9, abs=1e-12)


def test_fixed_lifetime_in_whole_tonnes_and_the_conventions_differ() -> None:
    fixed = {"product": LFP, "distribution": "fixed", "mean": 2.0}
    stock, outflow = model(THREE, 2000, 2004, fixed)  # ages 0.5 and 1.5 survive, 2.5 does not
    assert stock == [10, 30, 50, 30, 0]
    assert outflow == [0, 0, 10, 20, 30]
    stock, outflow = model(THREE, 2000, 2004, fixed, "start")  # ages 1 survive, 2 does not
    assert stock == [10, 20, 30, 0, 0]
    assert outflow == [0, 10, 20, 30, 0]
    half = {**fixed, "mean": 2.5}
    assert model(THREE, 2000, 2004, half, "middle")[1] == [0, 0, 10, 20, 30]  # age 2.5 is not below 2.5
    assert model(THREE, 2000, 2005, half, "end")[1] == [0, 0, 0, 10, 20, 30]  # ages 0, 1, 2 survive


# ---------------------------------------------------------------- against flodym itself

SERIES = np.random.default_rng(15).uniform(50, 500, size=(25, 2)).round(3)
FLODYM_CASES = [
    ("weibull", {"shape": 3.5, "scale": 8.0}, "WeibullLifetime", {"weibull_shape": 3.5, "weibull_scale": 8.0}),
    ("normal", {"mean": 8.0, "std": 3.0}, "NormalLifetime", {"mean": 8.0, "std": 3.0}),
    ("lognormal", {"mean": 8.0, "std": 3.0}, "LogNormalLifetime", {"mean": 8.0, "std": 3.0}),
    ("folded_normal", {"mean": 6.0, "std": 4.0}, "FoldedNormalLifetime", {"mean": 6.0, "std": 4.0}),
    ("fixed", {"mean": 7.5}, "FixedLifetime", {"mean": 7.5}),
]


def flodym_run(inflow: np.ndarray, first: int, lifetime: str, params: dict[str, object], inflow_at: str):
    """flodym's InflowDrivenDSM over (time, region), as its documentation builds it."""
    import flodym
    from flodym import lifetime_models

    years = list(range(first, first + inflow.shape[0]))
    dims = flodym.DimensionSet(
        dim_list=[
            flodym.Dimension(name="Time", letter="t", items=years),
            flodym.Dimension(name="Region", letter="r", items=["a", "b"][: inflow.shape[1]]),
        ]
    )
    lt = getattr(lifetime_models, lifetime)(dims=dims, inflow_at=inflow_at, **params)
    dsm = flodym.InflowDrivenDSM(dims=dims, lifetime_model=lt, inflow=flodym.StockArray(dims=dims, values=inflow))
    dsm.compute()
    return dsm.stock.values, dsm.outflow.values  # type: ignore[union-attr]


def ours(inflow: np.ndarray, first: int, lifetimes: pl.DataFrame, inflow_at: str) -> tuple[np.ndarray, np.ndarray]:
    rows = [
        (first + t, city, LFP, float(inflow[t, i])) for t in range(inflow.shape[0]) for i, city in enumerate(["A", "B"])
    ]
    until = first + inflow.shape[0] - 1
    out = run_stock_model(inflows_frame(rows), lifetimes, PARENTS, until=until, inflow_at=inflow_at).sort(
        "year", "scope"
    )  # type: ignore[arg-type]
    return out["stock_t"].to_numpy().reshape(-1, 2), out["outflow_t"].to_numpy().reshape(-1, 2)


@pytest.mark.parametrize("inflow_at", ["middle", "start", "end"])
@pytest.mark.parametrize(("distribution", "params", "lifetime", "flodym_params"), FLODYM_CASES)
def test_equals_flodym_on_25_years(distribution, params, lifetime, flodym_params, inflow_at: str) -> None:  # type: ignore[no-untyped-def]
    stock, outflow = ours(
        SERIES, 2000, lifetimes_frame({"product": LFP, "distribution": distribution, **params}), inflow_at
    )
    ref_stock, ref_outflow = flodym_run(SERIES, 2000, lifetime, flodym_params, inflow_at)
    np.testing.assert_allclose(stock, ref_stock, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(outflow, ref_outflow, rtol=1e-9, atol=1e-9)


def test_cohort_rows_equal_flodym_with_parameters_by_cohort() -> None:
    rows = lifetimes_frame(
        {"product": LFP, "distribution": "weibull", "shape": 3.5, "scale": 6.0, "last_cohort": 2010},
        {"product": LFP, "distribution": "weibull", "shape": 3.5, "scale": 10.0, "first_cohort": 2011},
    )
    scale = np.where(np.arange(2000, 2025) <= 2010, 6.0, 10.0)[:, np.newaxis]
    stock, outflow = ours(SERIES, 2000, rows, "middle")
    ref = flodym_run(SERIES, 2000, "WeibullLifetime", {"weibull_shape": 3.5, "weibull_scale": scale}, "middle")
    np.testing.assert_allclose(stock, ref[0], rtol=1e-9)
    np.testing.assert_allclose(outflow, ref[1], rtol=1e-9)


def test_cohorts_of_different_distributions_add_up() -> None:
    rows = lifetimes_frame(
        {"product": LFP, "distribution": "weibull", "shape": 3.5, "scale": 6.0, "last_cohort": 2010},
        {"product": LFP, "distribution": "lognormal", "mean": 9.0, "std": 2.0, "first_cohort": 2011},
    )
    early = np.where((np.arange(2000, 2025) <= 2010)[:, np.newaxis], SERIES, 0.0)
    weibull = flodym_run(early, 2000, "WeibullLifetime", {"weibull_shape": 3.5, "weibull_scale": 6.0}, "middle")
    lognormal = flodym_run(SERIES - early, 2000, "LogNormalLifetime", {"mean": 9.0, "std": 2.0}, "middle")
    stock, outflow = ours(SERIES, 2000, rows, "middle")
    np.testing.assert_allclose(stock, weibull[0] + lognormal[0], rtol=1e-9)
    np.testing.assert_allclose(outflow, weibull[1] + lognormal[1], rtol=1e-9)


def test_rows_for_cohorts_before_the_first_inflow_are_not_used() -> None:
    rows = lifetimes_frame(
        {"product": LFP, "distribution": "weibull", "shape": 3.5, "scale": 6.0, "last_cohort": 2010},
        {"product": LFP, "distribution": "lognormal", "mean": 9.0, "std": 2.0, "first_cohort": 2011},
    )
    late = SERIES[12:]
    stock, outflow = ours(late, 2012, rows, "middle")
    ref = flodym_run(late, 2012, "LogNormalLifetime", {"mean": 9.0, "std": 2.0}, "middle")
    np.testing.assert_allclose(stock, ref[0], rtol=1e-9)
    np.testing.assert_allclose(outflow, ref[1], rtol=1e-9)


# ---------------------------------------------------------------- balance, cohorts, groups, scopes

BOTH = lifetimes_frame(
    {"product": LFP, "distribution": "weibull", "shape": 3.5, "scale": 6.0, "scale_low": 5.0, "scale_high": 8.0},
    {"product": NCM, "distribution": "lognormal", "mean": 9.0, "std": 3.0},
)


def city_inflows() -> pl.DataFrame:
    rng = np.random.default_rng(3)
    rows = [
        (year, city, product, float(rng.uniform(10, 100)))
        for year in range(2012, 2026)
        for city in ("Changsha", "Xiangtan", "Hengyang")
        for product in (LFP, NCM)
        if not (city == "Hengyang" and product == NCM)
    ]
    return inflows_frame(rows)


def test_mass_balance_every_year_for_products_groups_and_scopes() -> None:
    rows = aggregate(run_stock_model(city_inflows(), BOTH, PARENTS, until=2040), PARENTS, "waste_battery")
    residual = balance_residual(rows)["residual_t"].abs().max()
    assert residual < 1e-9 * rows["inflow_t"].max()  # type: ignore[operator]
    assert set(rows["product"]) == {LFP, NCM, "power_battery", "waste_battery"}


def test_newer_cohorts_live_longer() -> None:
    rows = lifetimes_frame(
        {"product": LFP, "distribution": "weibull", "shape": 3.5, "scale": 6.0, "last_cohort": 2017},
        {"product": LFP, "distribution": "weibull", "shape": 3.5, "scale": 10.0, "first_cohort": 2018},
    )
    only_2018 = inflows_frame([(2018, "Changsha", LFP, 100.0)])
    with_rows = run_stock_model(only_2018, rows, PARENTS, until=2040)
    alone = run_stock_model(
        only_2018, lifetimes_frame({**rows.row(1, named=True), "first_cohort": None}), PARENTS, until=2040
    )
    assert_frame_equal(with_rows, alone)
    old = run_stock_model(inflows_frame([(2017, "Changsha", LFP, 100.0)]), rows, PARENTS, until=2040)
    mean_age = lambda f: (f["outflow_t"] * (f["year"] - f["year"].min())).sum() / f["outflow_t"].sum()  # noqa: E731
    assert mean_age(old) < mean_age(with_rows) - 3


def test_a_group_sums_its_products_each_with_its_own_lifetime_and_cities_add_up_to_the_province() -> None:
    inflows = city_inflows()
    rows = aggregate(run_stock_model(inflows, BOTH, PARENTS, until=2035), PARENTS, "power_battery")
    lfp_alone = run_stock_model(inflows.filter(pl.col("product") == LFP), BOTH.head(1), PARENTS, until=2035)
    ncm_alone = run_stock_model(inflows.filter(pl.col("product") == NCM), BOTH.tail(1), PARENTS, until=2035)
    values = ["inflow_t", "stock_t", "outflow_t"]
    summed = pl.concat([lfp_alone, ncm_alone]).group_by("year", "scope").agg(pl.col(values).sum())
    group = rows.filter(pl.col("product") == "power_battery", pl.col("scope") != "province")
    joined = group.join(summed, on=["year", "scope"], suffix="_sum")
    for v in values:
        assert (joined[v] - joined[f"{v}_sum"]).abs().max() < 1e-9  # type: ignore[operator]
    for product in (LFP, NCM, "power_battery"):
        mine = rows.filter(pl.col("product") == product)
        cities = mine.filter(pl.col("scope") != "province").group_by("year").agg(pl.col(values).sum()).sort("year")
        province = mine.filter(pl.col("scope") == "province").sort("year").select("year", *values)
        assert_frame_equal(cities, province, check_exact=False, rel_tol=1e-12)


def test_inflows_given_for_the_province_count_in_the_province_only() -> None:
    inflows = pl.concat([city_inflows(), inflows_frame([(2015, "province", LFP, 500.0)])])
    rows = aggregate(run_stock_model(inflows, BOTH, PARENTS, until=2030), PARENTS, LFP)
    province = rows.filter(pl.col("scope") == "province", pl.col("year") == 2015)["inflow_t"].item()
    cities = rows.filter(pl.col("scope") != "province", pl.col("year") == 2015)["inflow_t"].sum()
    assert province == pytest.approx(cities + 500.0)
    assert "province" not in rows.filter(pl.col("scope") != "province")["scope"].to_list()


# ---------------------------------------------------------------- calibration


@pytest.mark.parametrize(
    ("given", "truth", "parameter"),
    [
        ({"distribution": "weibull", "shape": 3.0, "scale": 9.0}, {"scale": 7.3}, "scale"),
        ({"distribution": "lognormal", "mean": 6.0, "std": 2.0}, {"mean": 8.4}, "mean"),
    ],
)
def test_calibration_recovers_a_known_lifetime(
    given: dict[str, object], truth: dict[str, float], parameter: str
) -> None:
    inflows = inflows_frame([(y, "Changsha", LFP, 100.0 * 1.25 ** (y - 2005)) for y in range(2005, 2026)])
    true_rows = lifetimes_frame({"product": LFP, **given, **truth})
    recorded = (
        run_stock_model(inflows, true_rows, PARENTS, until=2035)
        .filter(pl.col("year").is_between(2015, 2025))
        .select("year", pl.col("outflow_t").alias("recorded_t"))
    )
    fit = calibrate(inflows, lifetimes_frame({"product": LFP, **given}), PARENTS, recorded, until=2035)
    assert fit.fitted.row(0, named=True)["parameter"] == parameter
    assert fit.fitted.row(0, named=True)["after"] == pytest.approx(truth[parameter], rel=1e-6)
    assert fit.rmse_t < 1e-3
    assert fit.residuals["year"].to_list() == list(range(2015, 2026))


def test_calibration_keeps_the_ratios_of_cohort_rows_and_refuses_without_records() -> None:
    rows = lifetimes_frame(
        {"product": LFP, "distribution": "weibull", "shape": 3.5, "scale": 6.0, "scale_low": 5.0, "last_cohort": 2014},
        {"product": LFP, "distribution": "weibull", "shape": 3.5, "scale": 9.0, "first_cohort": 2015},
    )
    inflows = inflows_frame([(y, "Changsha", LFP, 100.0 + 10 * (y - 2005)) for y in range(2005, 2026)])
    truth = run_stock_model(inflows, rows.with_columns(pl.col("scale") * 1.2), PARENTS, until=2030)
    recorded = truth.filter(pl.col("year") >= 2018).select("year", pl.col("outflow_t").alias("recorded_t"))
    fit = calibrate(inflows, rows, PARENTS, recorded, until=2030)
    assert fit.factor == pytest.approx(1.2, rel=1e-6)
    assert fit.fitted["after"].to_list() == pytest.approx([7.2, 10.8], rel=1e-6)
    assert fit.lifetimes["scale_low"][0] == pytest.approx(6.0, rel=1e-6)  # the range moves with the row
    with pytest.raises(OutlookError, match="no retirements were recorded"):
        calibrate(inflows, rows, PARENTS, recorded.with_columns(pl.lit(0.0).alias("recorded_t")), until=2030)


# ---------------------------------------------------------------- capacity

FACILITIES = pl.DataFrame(
    {
        "code": ["REC-A", "REC-B", "ECH", "COL"],
        "kind": ["recycling", "recycling", "reuse", "collection"],
        "city": ["Changsha", "Xiangtan", "Changsha", "Changsha"],
    }
)
CAPACITIES = pl.DataFrame(
    [
        ("REC-A", "power_battery", 2018, 100.0),
        ("REC-A", "power_battery", 2021, 300.0),
        ("REC-B", NCM, 2019, 50.0),
        ("ECH", LFP, 2020, 40.0),
        ("COL", "power_battery", 2018, 999.0),  # collection: takes nothing for good
        ("REC-B", "elv", 2018, 777.0),  # another product
        ("REC-A", "renewable", 2018, 10.0),  # a top-level group says nothing about batteries
        ("REC-A", "waste_battery", 2018, 5.0),  # a group above the product: counts
    ],
    schema={"facility": pl.String, "material": pl.String, "year_from": pl.Int32, "capacity_t": pl.Float64},
    orient="row",
)


def test_capacity_by_hand() -> None:
    years = range(2017, 2023)
    lfp = capacity_by_year(CAPACITIES, FACILITIES, PARENTS, LFP, years, ["province", "Changsha", "Xiangtan"])
    by = {(r["scope"], r["year"]): r["capacity_t"] for r in lfp.to_dicts()}
    assert [by[("province", y)] for y in years] == [0, 105, 105, 145, 345, 345]
    assert [by[("Xiangtan", y)] for y in years] == [0] * 6  # REC-B's NCM line takes no LFP
    group = capacity_by_year(CAPACITIES, FACILITIES, PARENTS, "power_battery", years, ["province", "Changsha"])
    by = {(r["scope"], r["year"]): r["capacity_t"] for r in group.to_dicts()}
    assert [by[("province", y)] for y in years] == [0, 105, 155, 195, 395, 395]
    assert [by[("Changsha", y)] for y in years] == [0, 105, 105, 145, 345, 345]


def test_shortfall_and_the_first_year_capacity_runs_out_by_hand() -> None:
    years = list(range(2017, 2023))
    capacity = capacity_by_year(CAPACITIES, FACILITIES, PARENTS, "power_battery", years, ["province"])
    outflow = [10.0, 50.0, 150.0, 200.0, 400.0, 300.0]
    rows = pl.DataFrame(
        {
            "year": years,
            "scope": ["province"] * 6,
            "outflow_t": outflow,
            "outflow_low_t": [o * 0.5 for o in outflow],
            "outflow_high_t": [o * 1.5 for o in outflow],
        },
        schema_overrides={"year": pl.Int32},
    )
    comparison = compare_capacity(rows, capacity)
    assert comparison["shortfall_t"].to_list() == [10, -55, -5, 5, 5, -95]
    assert comparison["shortfall_high_t"].to_list() == [15, -30, 70, 105, 205, 55]
    ends = runs_out(comparison).row(0, named=True)
    assert ends == {"scope": "province", "central": 2020, "low": None, "high": 2019}  # 2017 had no capacity at all


# ---------------------------------------------------------------- contents, GWh


def test_energy_converts_with_the_chemistrys_pack_mass() -> None:
    parents = {**PARENTS, "power_battery_lfp_blade": LFP}
    assert tonnes_per_unit(CHEMISTRIES, parents, LFP, "GWh") == pytest.approx(6660.0)  # BatPaC: 666 kg / 100 kWh
    assert tonnes_per_unit(CHEMISTRIES, parents, LFP, "MWh") == pytest.approx(6.66)
    assert tonnes_per_unit(CHEMISTRIES, parents, NCM, "kWh") == pytest.approx(0.00523)
    assert tonnes_per_unit(CHEMISTRIES, parents, "power_battery_lfp_blade", "GWh") == pytest.approx(6660.0)
    assert tonnes_per_unit(CHEMISTRIES, parents, "power_battery", "GWh") is None  # no chemistry: no pack mass
    assert tonnes_per_unit(CHEMISTRIES, parents, "elv", "GWh") is None


def test_metals_in_retired_packs() -> None:
    rows = pl.DataFrame(
        {"year": [2030, 2030], "scope": ["province"] * 2, "product": [LFP, NCM], "outflow_t": [1000.0, 1000.0]}
    )
    metals = metal_contents(rows.cast({"year": pl.Int32}), CHEMISTRIES, PARENTS, [LFP, NCM])
    got = {(r["product"], r["metal"]): (r["contained_t"], r["recoverable_t"]) for r in metals.to_dicts()}
    assert got[(LFP, "li")] == pytest.approx((0.092 / 6.66 * 1000, 0.9 * 0.092 / 6.66 * 1000))  # 13.8 kg/t
    assert got[(LFP, "ni")] == (0.0, 0.0)
    assert got[(NCM, "ni")] == pytest.approx((0.546 / 5.23 * 1000, 0.98 * 0.546 / 5.23 * 1000))
    assert got[(NCM, "co")][0] == pytest.approx(0.183 / 5.23 * 1000)


# ---------------------------------------------------------------- recorded retirements


def analysis_flows() -> pl.DataFrame:
    rows = [
        (2024, 1, LFP, 100.0, "source", "collection", "CS", "CS", "Changsha", "Changsha"),
        (2024, 2, NCM, 40.0, "source", "recycling", "XT", "CS", "Xiangtan", "Changsha"),
        (2024, 3, LFP, 30.0, "collection", "recycling", "CS", "CS", "Changsha", "Changsha"),
        (2025, 1, "power_battery", 7.0, "source", "collection", "XT", "XT", "Xiangtan", "Xiangtan"),
        (2025, 1, "elv", 900.0, "source", "recycling", "XT", "XT", "Xiangtan", "Xiangtan"),
    ]
    columns = ["year", "month", "material", "quantity_t", "source_kind", "target_kind", "source_park", "target_park"]
    columns += ["source_city", "target_city"]
    frame = pl.DataFrame(rows, schema=columns, orient="row")
    return frame.with_columns(
        pl.lit("2024").alias("period"), pl.lit("a").alias("source"), pl.lit("b").alias("target")
    ).cast({c: FLOW_SCHEMA[c] for c in FLOW_SCHEMA if c in frame.columns or c in ("period", "source", "target")})


def test_recorded_retirements_of_batteries_are_the_battery_retired_indicator() -> None:
    flows = analysis_flows()
    recorded = recorded_retirements(flows, PARENTS, ["power_battery", LFP, "elv"], [2023, 2024, 2025])
    for level in ("province", "city"):
        found = indicators.indicators_by_scope(flows, PARENTS, years=[2024, 2025], level=level)  # type: ignore[arg-type]
        retired = found.filter(pl.col("indicator") == "battery_retired_t").select("year", "scope", "value")
        ours_ = recorded.filter(pl.col("product") == "power_battery", pl.col("year") >= 2024)
        ours_ = ours_.filter((pl.col("scope") == "province") == (level == "province"))
        joined = ours_.join(retired, on=["year", "scope"], how="left").with_columns(pl.col("value").fill_null(0.0))
        assert (joined["recorded_t"] == joined["value"]).all()
    got = {(r["year"], r["scope"], r["product"]): r["recorded_t"] for r in recorded.to_dicts()}
    assert got[(2024, "province", "power_battery")] == 140.0
    assert got[(2024, "province", LFP)] == 100.0  # the collector's hand-over is not a retirement
    assert got[(2023, "province", LFP)] == 0.0  # a recorded year without any
    assert got[(2025, "Xiangtan", "elv")] == 900.0
    covered = recorded_retirements(flows, PARENTS, ["renewable"], [2024, 2025], modelled=[LFP])
    got = {(r["year"], r["scope"]): r["recorded_t"] for r in covered.to_dicts()}
    assert got[(2024, "province")] == 100.0  # neither NCM (not modelled) nor the collector's hand-over
    assert got[(2025, "province")] == 7.0  # recorded under power_battery, a group above LFP; elv is not modelled


# ---------------------------------------------------------------- the whole forecast, and refusals


def inputs(**changes: object) -> OutlookInputs:
    base = {
        "inflows": city_inflows(),
        "lifetimes": BOTH,
        "capacities": CAPACITIES,
        "facilities": FACILITIES,
        "parents": PARENTS,
        "recorded_flows": analysis_flows(),
        "recorded_years": [2023, 2024, 2025],
        "chemistries": CHEMISTRIES,
    }
    return OutlookInputs(**(base | changes))  # type: ignore[arg-type]


def test_forecast_rows_recorded_range_capacity_and_metals() -> None:
    result = forecast(inputs(), "power_battery", until=2030)
    rows = result.rows
    assert rows.columns[:8] == ["year", "scope", "product", "inflow_t", "outflow_t", "stock_t", "recorded_t", "ratio"]
    assert rows.row(0, named=True)["scope"] == "province" and rows.row(0, named=True)["product"] == "power_battery"
    past = rows.filter(pl.col("year").is_between(2023, 2025))
    assert past["recorded_t"].null_count() == 0
    assert rows.filter(~pl.col("year").is_between(2023, 2025))["recorded_t"].null_count() == rows.height - past.height
    check = rows.filter(pl.col("outflow_t") > 0)
    assert (check["outflow_low_t"] <= check["outflow_t"] + 1e-9).all()
    assert (check["outflow_high_t"] >= check["outflow_t"] - 1e-9).all()
    assert set(result.capacity.columns) >= {"year", "scope", "capacity_t", "outflow_t", "shortfall_t"}
    assert set(result.metals["product"]) == {LFP, NCM, "power_battery"}
    assert result.stacked == [LFP, NCM]
    assert result.to_json()["convention"]["inflow_at"] == "middle"
    only = forecast(inputs(), "power_battery", scope="Xiangtan", until=2030)
    assert set(only.rows["scope"]) == {"Xiangtan"}


def test_refusals_name_the_product_and_cohort() -> None:
    with pytest.raises(OutlookError, match="no lifetime for power_battery_ncm"):
        forecast(inputs(lifetimes=BOTH.head(1)), "power_battery")
    covered = lifetimes_frame(
        {"product": LFP, "distribution": "weibull", "shape": 3.5, "scale": 6.0, "first_cohort": 2013},
    )
    with pytest.raises(OutlookError, match="no lifetime row of power_battery_lfp covers cohort 2012"):
        forecast(inputs(lifetimes=pl.concat([covered, BOTH.tail(1)])), "power_battery")
    with pytest.raises(OutlookError, match="unknown distribution 'gamma'"):
        forecast(inputs(lifetimes=BOTH.with_columns(pl.lit("gamma").alias("distribution"))), LFP)
    with pytest.raises(OutlookError, match="weibull needs scale"):
        forecast(inputs(lifetimes=BOTH.with_columns(pl.lit(None, dtype=pl.Float64).alias("scale"))), LFP)
    with pytest.raises(OutlookError, match="no inflows of elv"):
        forecast(inputs(), "elv")
    with pytest.raises(OutlookError, match="unknown product 'plutonium'"):
        forecast(inputs(), "plutonium")
    with pytest.raises(OutlookError, match="horizon 2000 lies before the first inflow of power_battery"):
        forecast(inputs(), "power_battery", until=2000)
    with pytest.raises(OutlookError, match="unknown time convention 'noon'"):
        forecast(inputs(), "power_battery", inflow_at="noon")  # type: ignore[arg-type]
    with pytest.raises(OutlookError, match="no inflows of power_battery in Yiyang"):
        forecast(inputs(), "power_battery", scope="Yiyang")
