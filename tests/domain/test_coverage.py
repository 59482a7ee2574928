"""Which year is complete enough to open on: a year just begun is partial, never the default."""

from __future__ import annotations

import polars as pl

from mfa.domain.coverage import coverage, default_year, partial_years
from tests.factories import make_flows

FULL = [
    ("2024-01", "src_a", "col_a", "scrap_steel", 60.0),
    ("2024-01", "src_c", "rec_b", "scrap_steel", 30.0),
    ("2024-02", "src_c", "rec_c", "scrap_steel", 10.0),
    ("2024-02", "col_a", "rec_b", "fly_ash", 5.0),
]


def grown(year: int, factor: float) -> list[tuple[str, str, str, str, float]]:
    return [(f"{year}{p[4:]}", s, t, m, q * factor) for p, s, t, m, q in FULL]


def test_one_report_in_a_new_year_leaves_the_last_full_year_the_default() -> None:
    flows = make_flows(*FULL, *grown(2025, 1.1), ("2026-12", "src_a", "col_a", "scrap_steel", 10.0))
    found = coverage(flows, [2024, 2025, 2026])
    assert found["complete"].to_list() == [True, True, False]
    assert found.filter(pl.col("year") == 2026).row(0, named=True)["facilities"] == 2
    assert default_year(found) == 2025
    assert partial_years(found) == [2026]


def test_a_year_is_complete_at_90_percent_of_reporters_and_80_percent_of_tonnes() -> None:
    less_tonnes = coverage(make_flows(*FULL, *grown(2025, 0.79)))  # every facility, 79 % of the tonnes
    assert less_tonnes["complete"].to_list() == [True, False]
    enough = coverage(make_flows(*FULL, *grown(2025, 0.81)))
    assert enough["complete"].to_list() == [True, True]
    fewer = coverage(make_flows(*FULL, *[r for r in grown(2025, 3.0) if "col_a" not in r]))  # 3 of 5 facilities
    assert fewer["complete"].to_list() == [True, False]


def test_a_year_without_flows_is_partial_and_later_years_compare_with_the_last_complete_one() -> None:
    found = coverage(make_flows(*FULL, *grown(2026, 1.0)), [2024, 2025, 2026])
    assert found["complete"].to_list() == [True, False, True]
    assert default_year(found) == 2026
    assert default_year(coverage(make_flows(), [])) is None
