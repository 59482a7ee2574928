"""Targets: the path, progress, on-track test, projection and the attribution of gaps to parts."""

from __future__ import annotations

import math
from typing import Any

import hypothesis.strategies as st
import polars as pl
import pytest
from hypothesis import given, settings
from polars.testing import assert_frame_equal

from mfa.domain.targets import evaluate_targets, gap_attribution, target_path

TARGET_SCHEMA = pl.Schema(
    {
        "indicator": pl.String,
        "scope_level": pl.String,
        "scope": pl.String,
        "baseline_year": pl.Int32,
        "baseline_value": pl.Float64,
        "target_year": pl.Int32,
        "target_value": pl.Float64,
        "direction": pl.String,
        "source": pl.String,
    }
)
ACTUAL_SCHEMA = pl.Schema(
    {
        "indicator": pl.String,
        "scope_level": pl.String,
        "scope": pl.String,
        "year": pl.Int32,
        "value": pl.Float64,
        "reported": pl.Boolean,
    }
)


def make_target(indicator: str = "renewable_recycled_t", **fields: Any) -> dict[str, Any]:
    """One target row; province scope, at_least, 2020 → 2025 unless overridden."""
    row = {
        "indicator": indicator,
        "scope_level": "province",
        "scope": "province",
        "baseline_year": 2020,
        "baseline_value": 20.0,
        "target_year": 2025,
        "target_value": 30.0,
        "direction": "at_least",
        "source": "14th FYP",
    }
    return row | fields


def make_targets(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=TARGET_SCHEMA)


def make_actuals(
    values: dict[int, float], indicator: str = "renewable_recycled_t", reported: bool = False, scope: str = "province"
) -> pl.DataFrame:
    level = "province" if scope == "province" else "city"
    rows = [(indicator, level, scope, year, value, reported) for year, value in values.items()]
    return pl.DataFrame(rows, schema=ACTUAL_SCHEMA, orient="row")


def evaluate_one(target: dict[str, Any], actuals: pl.DataFrame, year: int) -> dict[str, Any]:
    return evaluate_targets(make_targets(target), actuals, year=year).row(0, named=True)


def test_path_is_linear_between_baseline_and_target_and_held_outside() -> None:
    target = make_target()
    assert target_path(target, 2023) == pytest.approx(26.0)
    assert target_path(target, 2019) == 20.0
    assert target_path(target, 2027) == 30.0
    assert target_path(make_target(baseline_year=None, baseline_value=None), 2021) == 30.0


def test_evaluation_of_an_at_least_target() -> None:
    actuals = make_actuals({2018: 100.0, 2019: 20.0, 2020: 22.0, 2021: 24.0, 2022: 26.0, 2023: 28.0})
    got = evaluate_one(make_target(), actuals, 2023)
    assert got["actual"] == 28.0
    assert got["path_value"] == pytest.approx(26.0)
    assert got["progress"] == pytest.approx(28.0 / 30.0)
    assert got["on_track"] is True
    assert got["needed_growth_per_year"] == pytest.approx(1.0)
    assert got["needed_growth_rate"] == pytest.approx((30.0 / 28.0) ** 0.5 - 1.0)
    # the 2018 outlier is outside the 5-year window: the line is 20 + 2 (t − 2019)
    assert got["projected_value"] == pytest.approx(32.0)
    assert got["projected_year_reached"] == 2024
    assert got["reported"] is False
    assert got["year"] == 2023


def test_at_most_target_is_on_track_below_the_path() -> None:
    target = make_target("bulk_waste_stock_t", baseline_value=150.0, target_value=100.0, direction="at_most")
    below = evaluate_one(target, make_actuals({2023: 110.0}, "bulk_waste_stock_t"), 2023)
    assert below["path_value"] == pytest.approx(120.0)
    assert below["on_track"] is True
    assert below["progress"] == pytest.approx(100.0 / 110.0)
    assert below["needed_growth_per_year"] == pytest.approx(-5.0)
    above = evaluate_one(target, make_actuals({2023: 130.0}, "bulk_waste_stock_t"), 2023)
    assert above["on_track"] is False
    assert above["progress"] == pytest.approx(100.0 / 130.0)


def test_at_most_projection_needs_a_falling_line() -> None:
    target = make_target("x", baseline_value=150.0, target_value=100.0, direction="at_most")
    falling = evaluate_one(target, make_actuals({2021: 140.0, 2022: 130.0, 2023: 120.0}, "x"), 2023)
    assert falling["projected_value"] == pytest.approx(100.0)
    assert falling["projected_year_reached"] == 2025
    rising = evaluate_one(target, make_actuals({2022: 120.0, 2023: 125.0}, "x"), 2023)
    assert rising["projected_year_reached"] is None
    already = evaluate_one(target, make_actuals({2022: 90.0, 2023: 95.0}, "x"), 2023)
    assert already["projected_year_reached"] == 2023


def test_projection_needs_two_points_and_a_horizon() -> None:
    one_point = evaluate_one(make_target(), make_actuals({2023: 28.0}), 2023)
    assert one_point["projected_value"] is None
    assert one_point["projected_year_reached"] is None
    slow = evaluate_one(make_target(), make_actuals({2022: 28.0, 2023: 28.01}), 2023)
    assert slow["projected_year_reached"] is None  # 2.0 / 0.01 = 200 years: beyond 2100
    falling = evaluate_one(make_target(), make_actuals({2022: 29.0, 2023: 28.0}), 2023)
    assert falling["projected_year_reached"] is None


def test_growth_needed_is_null_from_the_target_year_on() -> None:
    got = evaluate_one(make_target(), make_actuals({2025: 25.0}), 2025)
    assert got["needed_growth_per_year"] is None
    assert got["needed_growth_rate"] is None
    assert got["on_track"] is False


def test_missing_actual_gives_nulls_not_errors() -> None:
    got = evaluate_one(make_target(), make_actuals({2021: 21.0}), 2023)
    assert got["actual"] is None
    assert got["progress"] is None
    assert got["on_track"] is None
    assert got["needed_growth_per_year"] is None
    assert got["reported"] is False


def test_reported_value_wins_over_computed_and_is_flagged() -> None:
    actuals = pl.concat([make_actuals({2023: 28.0}), make_actuals({2023: 27.0}, reported=True)])
    got = evaluate_one(make_target(), actuals, 2023)
    assert (got["actual"], got["reported"]) == (27.0, True)


def test_rows_keep_their_order_and_scopes_match_exactly() -> None:
    targets = make_targets(
        make_target(scope_level="city", scope="Yueyang", target_value=5.0),
        make_target(),
        make_target(scope_level="city", scope="Changsha", target_value=10.0),
    )
    actuals = pl.concat([make_actuals({2023: 8.0}, scope="Changsha"), make_actuals({2023: 28.0})])
    got = evaluate_targets(targets, actuals, year=2023)
    assert got["scope"].to_list() == ["Yueyang", "province", "Changsha"]
    assert got["actual"].to_list() == [None, 28.0, 8.0]
    assert got.columns[:9] == list(TARGET_SCHEMA)


def test_bad_targets_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown target direction"):
        evaluate_targets(make_targets(make_target(direction="more")), make_actuals({}), year=2023)
    with pytest.raises(ValueError, match="lacks column"):
        evaluate_targets(make_targets(make_target()).drop("direction"), make_actuals({}), year=2023)


def city_parts(values: dict[tuple[str, int], float], indicator: str = "renewable_recycled_t") -> pl.DataFrame:
    """indicators_by_scope-shaped rows: (city, year) -> value."""
    rows = [(year, "city", city, indicator, value) for (city, year), value in values.items()]
    return pl.DataFrame(
        rows,
        schema={
            "year": pl.Int32,
            "scope_level": pl.String,
            "scope": pl.String,
            "indicator": pl.String,
            "value": pl.Float64,
        },
        orient="row",
    )


def test_tonnage_gap_split_by_baseline_shares() -> None:
    parts = city_parts(
        {("Changsha", 2020): 15.0, ("Yueyang", 2020): 5.0, ("Changsha", 2023): 22.0, ("Yueyang", 2023): 3.0}
    )
    got = gap_attribution(make_target(), parts, year=2023)  # path 26: Changsha expects 19.5, Yueyang 6.5
    expected = pl.DataFrame(
        {
            "part_level": ["city", "city"],
            "part": ["Yueyang", "Changsha"],
            "actual": [3.0, 22.0],
            "expected": [6.5, 19.5],
            "gap": [3.5, -2.5],
            "share_of_gap": [3.5, -2.5],
        }
    )
    assert_frame_equal(got, expected)
    assert got["gap"].sum() == pytest.approx(26.0 - 25.0)


def test_reference_year_falls_back_to_the_earliest_with_data() -> None:
    parts = city_parts({("Changsha", 2021): 10.0, ("Yueyang", 2021): 30.0, ("Changsha", 2023): 12.0})
    got = gap_attribution("renewable_recycled_t", parts, year=2023, path_value=40.0, baseline_year=2020)
    assert dict(zip(got["part"], got["expected"], strict=True)) == {"Yueyang": 30.0, "Changsha": 10.0}
    assert dict(zip(got["part"], got["gap"], strict=True)) == {"Yueyang": 30.0, "Changsha": -2.0}


def test_rate_gap_is_tonnes_each_part_must_utilize_more() -> None:
    rows = {
        ("Changsha", 2024): (60.0, 100.0, 0.0),  # utilized, generated, from stock
        ("Yueyang", 2024): (10.0, 40.0, 20.0),
    }
    parts = pl.concat(
        city_parts({key: value}, name)
        for key, values in rows.items()
        for value, name in zip(
            values,
            ["bulk_waste_utilized_t", "bulk_waste_generated_t", "bulk_waste_utilized_from_stock_t"],
            strict=True,
        )
    )
    target = make_target("bulk_waste_utilization_rate", baseline_value=0.5, target_value=0.57, baseline_year=2020)
    path = target_path(target, 2024)
    got = gap_attribution(target, parts, year=2024)
    gaps = dict(zip(got["part"], got["gap"], strict=True))
    assert gaps["Yueyang"] == pytest.approx(path * 60.0 - 10.0)
    assert gaps["Changsha"] == pytest.approx(path * 100.0 - 60.0)
    assert got["gap"].sum() == pytest.approx(path * 160.0 - 70.0)
    assert got["part"].to_list() == ["Yueyang", "Changsha"]


def test_gap_attribution_refuses_non_additive_and_needs_a_path() -> None:
    parts = city_parts({("Changsha", 2024): 1.0}, "water_intensity_reduction")
    with pytest.raises(ValueError, match="not additive"):
        gap_attribution("water_intensity_reduction", parts, year=2024, path_value=0.1)
    assert gap_attribution("water_intensity_reduction", parts, year=2024, path_value=3.0, additive=True)[
        "gap"
    ].to_list() == [2.0]
    with pytest.raises(ValueError, match="needs path_value"):
        gap_attribution("renewable_recycled_t", parts, year=2024)


def test_at_most_gap_is_the_excess() -> None:
    parts = city_parts(
        {("Changsha", 2020): 50.0, ("Yueyang", 2020): 50.0, ("Changsha", 2023): 70.0, ("Yueyang", 2023): 40.0},
        "battery_retired_t",
    )
    got = gap_attribution(
        "battery_retired_t", parts, year=2023, path_value=90.0, direction="at_most", baseline_year=2020
    )
    assert dict(zip(got["part"], got["gap"], strict=True)) == {"Changsha": 25.0, "Yueyang": -5.0}
    assert got["share_of_gap"].to_list() == [1.25, -0.25]


values = st.floats(0.0, 1e6, allow_nan=False)


@settings(max_examples=80, deadline=None)
@given(
    reference=st.dictionaries(st.sampled_from("ABCDE"), values, max_size=5),
    current=st.dictionaries(st.sampled_from("ABCDEF"), values, max_size=6),
    path=values,
)
def test_tonnage_gaps_add_up_to_path_minus_actual(
    reference: dict[str, float], current: dict[str, float], path: float
) -> None:
    parts = city_parts({(p, 2020): v for p, v in reference.items()} | {(p, 2024): v for p, v in current.items()})
    got = gap_attribution(make_target(), parts, year=2024, path_value=path)
    if got.height:
        assert math.isclose(got["gap"].sum(), path - sum(current.values()), rel_tol=1e-9, abs_tol=1e-6)
        assert got["gap"].to_list() == sorted(got["gap"].to_list(), reverse=True)


def test_the_projection_starts_from_the_actual_and_reaches_the_target_where_it_says() -> None:
    """A last year above the fitted line: the projection goes on from the actual at the fitted slope, so the year
    it reaches the target is the one the drawn line reaches it in (the fitted line alone says 2027)."""
    actuals = make_actuals({2021: 20.0, 2022: 22.0, 2023: 28.0})  # slope 4; fitted value at 2023: 27.33
    got = evaluate_one(make_target(target_value=40.0), actuals, 2023)
    assert got["trend_per_year"] == pytest.approx(4.0)
    assert got["projected_value"] == pytest.approx(36.0)  # 28 + 2 × 4
    assert got["projected_year_reached"] == 2026  # 28 + 3 × 4 ≥ 40
