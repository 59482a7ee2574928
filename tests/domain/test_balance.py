"""Mass balance per facility: statuses over a period, stock changes from yearly and monthly records."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from mfa.domain.balance import mass_balance
from tests.factories import make_facilities, make_flows, make_stocks

BALANCE_FLOWS = make_flows(
    ("2024-01", "src_a", "col_a", "scrap_steel", 60.0),
    ("2024", "src_a", "col_a", "scrap_steel", 40.0),  # a yearly flow adds to the months
    ("2024", "col_a", "rec_b", "scrap_steel", 98.0),  # 2 % short: within the 5 % tolerance
    ("2024", "rec_b", "outside", "recycled_steel", 70.0),  # 28 of 98 unaccounted: imbalanced
    ("2024", "src_a", "landfill_a", "fly_ash", 10.0),
    ("2024", "src_c", "store_c", "fly_ash", 50.0),
    ("2024", "store_c", "rec_c", "fly_ash", 30.0),
    ("2024", "rec_c", "outside", "building_material", 30.0),
    ("2024", "energy_c", "outside", "fly_ash", 5.0),
    ("2023", "src_a", "col_a", "scrap_steel", 999.0),
)


def test_mass_balance_statuses_over_a_year() -> None:
    stocks = make_stocks(
        ("2023", "store_c", "fly_ash", 100.0),
        ("2024-06", "store_c", "fly_ash", 500.0),  # mid-year: not an end
        ("2024-12", "store_c", "fly_ash", 120.0),  # no yearly record: December is the year's end
        ("2024", "rec_c", "fly_ash", 3.0),  # no record at the end of 2023: change unknown
    )
    got = mass_balance(BALANCE_FLOWS, stocks, make_facilities(), year=2024)
    expected = pl.DataFrame(
        {
            "facility": [
                "col_a",
                "energy_c",
                "landfill_a",
                "loose",
                "outside",
                "rec_a",
                "rec_b",
                "rec_c",
                "src_a",
                "src_c",
                "store_c",
            ],
            "kind": [
                "collection",
                "energy_recovery",
                "disposal",
                "collection",
                "boundary",
                "recycling",
                "recycling",
                "recycling",
                "source",
                "source",
                "storage",
            ],
            "inflow_t": [100.0, 0.0, 10.0, 0.0, 105.0, 0.0, 98.0, 30.0, 0.0, 0.0, 50.0],
            "outflow_t": [98.0, 5.0, 0.0, 0.0, 0.0, 0.0, 70.0, 30.0, 110.0, 50.0, 30.0],
            "stock_change_t": [0.0] * 10 + [20.0],
            "stock_known": [False] * 10 + [True],
            "imbalance_t": [2.0, -5.0, 10.0, 0.0, 105.0, 0.0, 28.0, 0.0, -110.0, -50.0, 0.0],
            "relative_imbalance": [0.02, -1.0, 1.0, None, 1.0, None, 28.0 / 98.0, 0.0, -1.0, -1.0, 0.0],
            "observed_coefficient": [0.98, None, 0.0, None, None, None, 70.0 / 98.0, 1.0, None, None, 1.0],
            "declared_coefficient": [None] * 11,
            "declared_tolerance": [None] * 11,
            "status": [
                "balanced",
                "no_input",
                "sink",
                "inactive",
                "boundary",
                "inactive",
                "imbalanced",
                "balanced",
                "source",
                "source",
                "balanced",
            ],
        },
        schema_overrides={"declared_coefficient": pl.Float64, "declared_tolerance": pl.Float64},
    )
    assert_frame_equal(got, expected)


def test_stock_change_prefers_the_yearly_record_and_months_look_back_to_december() -> None:
    flows = make_flows(("2024-01", "src_c", "store_c", "fly_ash", 10.0), ("2024", "src_c", "store_c", "fly_ash", 40.0))
    stocks = make_stocks(
        ("2023-12", "store_c", "fly_ash", 100.0),
        ("2024-01", "store_c", "fly_ash", 110.0),
        ("2024-12", "store_c", "fly_ash", 999.0),
        ("2024", "store_c", "fly_ash", 150.0),
    )
    year = mass_balance(flows, stocks, make_facilities("src_c", "store_c"), year=2024).row(1, named=True)
    assert (year["stock_change_t"], year["stock_known"], year["status"]) == (50.0, True, "balanced")
    january = mass_balance(flows, stocks, make_facilities("src_c", "store_c"), year=2024, month=1).row(1, named=True)
    assert (january["inflow_t"], january["stock_change_t"], january["status"]) == (10.0, 10.0, "balanced")
    february = mass_balance(flows, stocks, make_facilities("src_c", "store_c"), year=2024, month=2).row(1, named=True)
    assert (february["stock_change_t"], february["stock_known"], february["status"]) == (0.0, False, "inactive")


def _coefficients(*rows: tuple[str, str, float, float]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["scope_level", "scope", "coefficient", "tolerance"], orient="row")


DECLARED_FLOWS = make_flows(
    ("2024", "src_c", "energy_c", "waste_plastic", 100.0),
    ("2024", "energy_c", "landfill_a", "furnace_slag", 31.0),  # 31 % passed on
    ("2024", "src_a", "rec_a", "scrap_steel", 100.0),
    ("2024", "rec_a", "outside", "recycled_steel", 80.0),  # 80 % passed on
    ("2024", "src_a", "rec_b", "scrap_steel", 50.0),
    ("2024", "rec_b", "outside", "recycled_steel", 25.0),  # 50 % passed on
    ("2024", "src_c", "rec_c", "fly_ash", 40.0),  # nothing passed on
)


def test_declared_coefficients_replace_the_plain_balance_where_declared() -> None:
    declared = _coefficients(
        ("kind", "energy_recovery", 0.2, 0.05),  # energy_c: 31 % is outside 15–25 %
        ("kind", "recycling", 0.8, 0.05),  # rec_a: 80 % inside; rec_c: 0 % outside
        ("facility", "rec_b", 0.45, 0.05),  # the facility's own wins over its kind's: 50 % inside 40–50 %
        ("kind", "source", 0.5, 0.1),  # sources are never checked
    )
    got = mass_balance(DECLARED_FLOWS, make_stocks(), make_facilities(), year=2024, coefficients=declared)
    rows = {r["facility"]: r for r in got.to_dicts()}
    assert {f: rows[f]["status"] for f in ("energy_c", "rec_a", "rec_b", "rec_c", "src_a", "landfill_a")} == {
        "energy_c": "off_declared",
        "rec_a": "as_declared",
        "rec_b": "as_declared",
        "rec_c": "off_declared",
        "src_a": "source",
        "landfill_a": "sink",
    }
    assert (rows["energy_c"]["observed_coefficient"], rows["energy_c"]["declared_coefficient"]) == (0.31, 0.2)
    assert (rows["rec_b"]["declared_coefficient"], rows["rec_b"]["declared_tolerance"]) == (0.45, 0.05)
    assert rows["rec_c"]["observed_coefficient"] == 0.0
    assert rows["src_a"]["declared_coefficient"] is None
    assert rows["energy_c"]["imbalance_t"] == 69.0  # the balance itself is unchanged: 69 t left unrecorded
    # without declarations: a plain 5 % balance
    plain = {
        r["facility"]: r["status"]
        for r in mass_balance(DECLARED_FLOWS, make_stocks(), make_facilities(), year=2024).to_dicts()
    }
    assert (plain["energy_c"], plain["rec_a"], plain["rec_b"], plain["rec_c"]) == (
        "imbalanced",
        "imbalanced",
        "imbalanced",
        "sink",
    )


def test_the_ends_of_a_declared_range_are_inside_and_stock_growth_counts_as_passed_on() -> None:
    flows = make_flows(
        ("2024", "src_c", "store_c", "fly_ash", 100.0),
        ("2024", "store_c", "rec_c", "fly_ash", 60.0),
        ("2024", "src_a", "rec_a", "scrap_steel", 100.0),
        ("2024", "rec_a", "outside", "recycled_steel", 15.0),
    )
    stocks = make_stocks(("2023", "store_c", "fly_ash", 0.0), ("2024", "store_c", "fly_ash", 10.0))
    declared = _coefficients(("facility", "store_c", 0.8, 0.1), ("facility", "rec_a", 0.2, 0.05))
    got = {
        r["facility"]: r
        for r in mass_balance(flows, stocks, make_facilities(), year=2024, coefficients=declared).to_dicts()
    }
    assert (got["store_c"]["observed_coefficient"], got["store_c"]["status"]) == (0.7, "as_declared")  # (60 + 10) / 100
    assert (got["rec_a"]["observed_coefficient"], got["rec_a"]["status"]) == (0.15, "as_declared")  # 0.2 − 0.05
    tighter = _coefficients(("facility", "store_c", 0.8, 0.099))
    again = mass_balance(flows, stocks, make_facilities(), year=2024, coefficients=tighter)
    assert again.filter(pl.col("facility") == "store_c")["status"].item() == "off_declared"


def test_a_declared_facility_without_inflow_is_still_no_input_and_warnings_are_named_once() -> None:
    from mfa.domain.balance import WARNING_STATUSES

    flows = make_flows(("2024", "energy_c", "outside", "furnace_slag", 5.0))
    declared = _coefficients(("kind", "energy_recovery", 0.2, 0.05))
    got = mass_balance(flows, make_stocks(), make_facilities(), year=2024, coefficients=declared)
    assert got.filter(pl.col("facility") == "energy_c")["status"].item() == "no_input"
    assert WARNING_STATUSES == ("imbalanced", "no_input", "off_declared")
