"""The Overview's charts: the gap bars red behind and green ahead, the furthest behind and ahead both shown, one
unit that keeps gaps apart; the projection drawn from the last actual to the year the card names."""

from __future__ import annotations

import polars as pl
import pytest

from mfa.domain.targets import TARGET_SCHEMA, evaluate_targets
from mfa.ui import charts, i18n


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "language", lambda: "en")


def parts(gaps: list[float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "part": [f"P{i}" for i in range(len(gaps))],
            "actual": [1000.0] * len(gaps),
            "expected": [1000.0 + g for g in gaps],
            "gap": gaps,
            "share_of_gap": [g / sum(gaps) for g in gaps],
        }
    )


def test_behind_is_red_ahead_is_green_and_a_cut_keeps_both_ends() -> None:
    gaps = [9000.0, 5000.0, 3000.0, *(100.0 * i for i in range(1, 15)), -200.0, -4000.0]  # 19 parts
    fig = charts.gap_figure(parts(gaps), {}, top=8)
    bar = fig.data[0]
    shown = dict(zip(bar.y, bar.marker.color, strict=True))
    assert shown["P0"] == charts.BEHIND_COLOUR == "#d62728"  # the furthest behind, red
    assert shown["P18"] == charts.AHEAD_COLOUR == "#2ca02c"  # the furthest ahead, green, although 8 are cut
    assert shown["P17"] == charts.AHEAD_COLOUR
    assert len(shown) == 8
    drawn, left_out = charts.gap_rows(parts(gaps), top=8)
    assert left_out == 11 and drawn["gap"].to_list()[:2] == [9000.0, 5000.0]


def test_one_unit_with_enough_decimals_keeps_gaps_apart() -> None:
    # gaps of a few hundred tonnes beside one of 2 kt: kt, and 0.21 / 0.24 / 0.26 kt do not all read "0.2"
    div, unit, digits = charts.gap_scale(parts([2000.0, 210.0, 240.0, 260.0]))
    assert (div, unit, digits) == (1000.0, "kt", 2)
    assert charts.gap_scale(parts([5_000_000.0, 3_000_000.0]))[2] == 1


def target_row(actuals: dict[int, float], year: int) -> dict:
    target = {
        "indicator": "renewable_recycled_t",
        "scope_level": "province",
        "scope": "province",
        "baseline_year": 2020,
        "baseline_value": 20e6,
        "target_year": 2025,
        "target_value": 30e6,
        "direction": "at_least",
        "source": "14th FYP",
    }
    found = pl.DataFrame(
        [("renewable_recycled_t", "province", "province", y, v, False) for y, v in actuals.items()],
        schema={"indicator": pl.String, "scope_level": pl.String, "scope": pl.String, "year": pl.Int32}
        | {"value": pl.Float64, "reported": pl.Boolean},
        orient="row",
    )
    return evaluate_targets(pl.DataFrame([target], schema=TARGET_SCHEMA), found, year=year).row(0, named=True)


def test_the_projection_starts_at_the_last_actual_and_reaches_the_target_in_the_year_the_card_says() -> None:
    """The sample's case: 2025 is the target year, the actual (28.6 Mt) above the fitted line, the trend 2 Mt a
    year; the card says "reached in 2026", and the drawn projection reaches 30 Mt in 2026, not one dot below 2025."""
    actuals = {2021: 21.5e6, 2022: 22.9e6, 2023: 24.6e6, 2024: 26.5e6, 2025: 28.6e6}
    row = target_row(actuals, 2025)
    assert row["projected_year_reached"] == 2026
    history = pl.DataFrame({"year": list(actuals), "value": list(actuals.values())})
    fig = charts.trajectory_figure("renewable_recycled_t", history, row, 2025)
    line = next(trace for trace in fig.data if trace.line.dash == "dash")
    actual = next(trace for trace in fig.data if trace.line.width == 3)
    assert (line.x[0], line.y[0]) == (2025, pytest.approx(actual.y[-1]))  # starts from the last actual
    assert line.x[-1] == row["projected_year_reached"]
    target = next(trace for trace in fig.data if trace.marker.symbol == "star").y[0]
    assert line.y[-2] < target <= line.y[-1]  # crosses the target in the year the card names
