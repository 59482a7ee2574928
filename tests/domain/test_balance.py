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
        }
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
