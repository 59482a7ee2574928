"""The likely causes of a flagged report (mfa.domain.reconciliation.causes), each on figures worked by hand."""

from __future__ import annotations

import math

import pytest

from mfa.domain.reconciliation.causes import (
    Cause,
    End,
    Evidence,
    agrees,
    dispute_cause,
    likely_cause,
    missing_flow,
    month_missing,
    month_shift,
    month_unit_slip,
    slip_factor,
    swapped_direction,
    unit_slip,
)

Z = 1.959963984540054


def months(
    year: int, values: dict[int, float], before: float | None = None, after: float | None = None
) -> dict[str, float]:
    out = {f"{year}-{m:02d}": v for m, v in values.items()}
    if before is not None:
        out[f"{year - 1}-12"] = before
    if after is not None:
        out[f"{year + 1}-01"] = after
    return out


def evidence(reported: float, figure: float | None, figure_sigma: float, link: dict[str, float]) -> Evidence:
    return Evidence(reported, 0.01 * reported, figure, figure_sigma, link, 2024, Z)


@pytest.mark.parametrize(
    ("ratio", "factor"),
    [
        (1000.0, 1000.0),
        (500.0, 1000.0),  # within a factor 2 of 1000 (the end included)
        (2000.0, 1000.0),
        (499.0, None),  # between 100 and 1000: neither
        (7.0, 10.0),
        (3.2, None),
        (0.001, 0.001),
        (0.12, 0.1),
        (10_500.0, 10_000.0),
        (50_000.0, None),  # 10^5 is not a slip mfa recognises
        (1.5, None),
        (0.0, None),
        (math.inf, None),
    ],
)
def test_a_slip_is_a_power_of_ten_within_a_factor_two(ratio: float, factor: float | None) -> None:
    assert slip_factor(ratio) == factor


def test_agreement_is_the_measurement_test_on_the_corrected_report() -> None:
    e = evidence(1000.0, 100.0, 3.0, {})
    # |x' - 100| <= 1.96 * sqrt((0.01 x')^2 + 3^2): 106 passes (6 <= 1.96 * 3.18 = 6.24), 107 does not
    assert agrees(e, 106.0) and not agrees(e, 107.0)
    assert not agrees(e, -1.0)  # a flow is never negative
    assert not agrees(evidence(1000.0, None, 3.0, {}), 100.0)


def test_one_month_written_in_kilograms() -> None:
    link = months(2024, {m: 100.0 for m in range(1, 13)} | {3: 100_000.0})
    found = month_unit_slip(evidence(101_100.0, 1_200.0, 5.0, link))
    assert found == Cause("month_unit_slip", 1000.0, "2024-03", 1_200.0, 100_000.0, 100.0)
    # the same month, but the network says the year is fine as reported: not the cause
    assert month_unit_slip(evidence(101_100.0, 101_100.0, 5.0, link)) is None


def test_a_decimal_slip_in_a_month_is_judged_against_the_neighbouring_months_too() -> None:
    link = months(2024, {1: 100.0, 2: 1_000.0}, before=100.0)  # only January and the December before are usual
    found = month_unit_slip(evidence(1_100.0, 200.0, 5.0, link))
    assert found is not None and (found.period, found.factor, found.corrected_t) == ("2024-02", 10.0, 200.0)
    assert month_unit_slip(evidence(1_100.0, 200.0, 5.0, months(2024, {1: 100.0, 2: 1_000.0}))) is None  # 1 other


def test_the_whole_year_in_the_wrong_unit_and_only_one_power_fits() -> None:
    found = unit_slip(evidence(12_000.0, 12.0, 0.5, {}))
    assert found == Cause("unit_slip", 1000.0, None, 12.0)
    assert unit_slip(evidence(1_000.0, 0.1, 0.05, {})) == Cause("unit_slip", 10_000.0, None, 0.1)
    assert unit_slip(evidence(100.0, 1_000.0, 20.0, {})) == Cause("unit_slip", 0.1, None, 1_000.0)  # 10 times small
    # a figure known so roughly that ×10 and ×100 both fit recognises neither
    assert unit_slip(evidence(12_000.0, 1_000.0, 900.0, {})) is None
    assert unit_slip(evidence(3_000.0, 1_000.0, 5.0, {})) is None  # ×3 is no slip


def test_a_month_booked_in_the_neighbouring_year() -> None:
    usual = {m: 100.0 for m in range(2, 13)}
    extra = months(2024, usual | {1: 200.0})  # January holds December's too; the December before is empty
    assert month_shift(evidence(1_300.0, 1_200.0, 5.0, extra)) == Cause(
        "month_shift", None, "2024-01", 1_200.0, 200.0, 100.0
    )
    short = months(2024, {m: 100.0 for m in range(1, 12)}, after=200.0)  # December booked in the next January
    assert month_shift(evidence(1_100.0, 1_200.0, 5.0, short)) == Cause(
        "month_shift", None, "2025-01", 1_200.0, 200.0, 100.0
    )
    assert month_shift(evidence(1_300.0, 1_200.0, 5.0, months(2024, usual | {1: 200.0}, before=100.0))) is None


def test_a_month_not_reported() -> None:
    link = months(2024, {m: 100.0 for m in range(1, 13) if m != 7})
    assert month_missing(evidence(1_100.0, 1_200.0, 5.0, link)) == Cause(
        "month_missing", None, "2024-07", 1_200.0, None, 100.0
    )
    assert month_missing(evidence(1_000.0, 1_200.0, 5.0, months(2024, {m: 100.0 for m in range(1, 11)}))) is None


def test_a_hand_over_declared_the_wrong_way_round_needs_both_ends() -> None:
    e = evidence(40.0, 0.0, 0.0, {})
    sender, receiver = End("B", True, -80.0, 1.0), End("A", False, 80.0, 1.0)
    assert swapped_direction(e, [sender, receiver]) == Cause("swapped_direction", None, None, 40.0)
    assert swapped_direction(e, [receiver]) is None  # one balance alone: any inflow of half a surplus would do
    assert swapped_direction(e, [End("B", True, -60.0, 1.0), receiver]) is None
    assert likely_cause(e, [sender, receiver]) == Cause("swapped_direction", None, None, 40.0)


def test_a_flow_nobody_reported_balances_two_facilities() -> None:
    plastic = frozenset({"plastic"})
    surplus = End("F", True, 30.0, 1.0, 1.0, plastic, plastic)
    short = End("G", True, -6.0, 0.3, 0.2, plastic, frozenset({"slag"}))  # passes on 20 %: short of 30 t input
    found = missing_flow([surplus], [surplus, short], Z)
    assert found == Cause("missing_flow", None, None, 30.0, source="F", target="G")
    # from the other end: G is short of 6 / 0.2 = 30 t of input, F has 30 t to spare
    assert missing_flow([short], [surplus, short], Z) == Cause("missing_flow", None, None, 30.0, source="F", target="G")
    steel = End("G", True, -6.0, 0.3, 0.2, frozenset({"steel"}), frozenset({"slag"}))
    assert missing_flow([surplus], [surplus, steel], Z) is None  # G takes nothing F sends
    twin = End("H", True, -30.0, 1.0, 1.0, plastic, plastic)
    assert missing_flow([surplus], [surplus, short, twin], Z) is None  # two could take it: neither is named


def test_a_disputed_hand_over_names_the_side_its_months_disown() -> None:
    link = {f"2024-{m:02d}": 100.0 for m in range(1, 13)}
    assert dispute_cause(100_000.0, 100.0, link, "2024-05") == (1000.0, "sender")
    assert dispute_cause(100.0, 100_000.0, link, "2024-05") == (1000.0, "receiver")
    assert dispute_cause(100.0, 0.1, link, "2024-05") == (0.001, "receiver")  # the receiver's t written as kg
    assert dispute_cause(100_000.0, 100.0, {}, "2024-05") == (1000.0, None)  # no months to tell
    assert dispute_cause(100.0, 85.0, link, "2024-05") == (None, None)  # a weighbridge: no slip
