"""Hand-overs: two declarations kept apart, combined into the agreed quantity (inverse-variance weighted mean),
compared (status by the tolerance), and the side a declaration is written for when it does not say."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mfa.domain.handovers import DEFAULT_UNCERTAINTY, combine, default_side

KEY = {"period": "2024-03", "source": "A1", "target": "B1", "material": "fly_ash"}


def declared(*rows: tuple[str, float | None, float | None, str | None]) -> pl.DataFrame:
    """Declarations of the one hand-over KEY: (side, tonnes, uncertainty, data quality)."""
    return pl.DataFrame(
        [KEY | {"side": s, "quantity_t": q, "uncertainty": u, "data_quality": dq} for s, q, u, dq in rows],
        schema={**dict.fromkeys(KEY, pl.String), "side": pl.String, "quantity_t": pl.Float64}
        | {"uncertainty": pl.Float64, "data_quality": pl.String},
    )


def one(frame: pl.DataFrame, tolerance: float = 0.10) -> dict[str, object]:
    return combine(frame, tolerance=tolerance).collect().row(0, named=True)


def test_one_declaration_is_the_agreed_quantity() -> None:
    row = one(declared(("sender", 100.0, 0.02, "measured")))
    assert (row["quantity_t"], row["uncertainty"], row["data_quality"]) == (100.0, 0.02, "measured")
    assert (row["sender_t"], row["receiver_t"], row["status"]) == (100.0, None, "sender_only")
    assert row["difference_t"] is None and row["disagreement_chi2"] is None
    assert one(declared(("receiver", 92.0, None, None)))["status"] == "receiver_only"


def test_two_declarations_give_their_inverse_variance_weighted_mean() -> None:
    # sender 100 t, no uncertainty, no quality: σ = 0.25 × 100 = 25; receiver weighed 92 t: σ = 0.05 × 92 = 4.6
    row = one(declared(("sender", 100.0, None, None), ("receiver", 92.0, None, "measured")))
    w_s, w_r = 1 / 25.0**2, 1 / 4.6**2
    agreed = (100 * w_s + 92 * w_r) / (w_s + w_r)
    assert row["quantity_t"] == pytest.approx(agreed, rel=1e-12)
    assert row["uncertainty"] == pytest.approx(math.sqrt(1 / (w_s + w_r)) / agreed, rel=1e-12)
    assert row["data_quality"] == "measured"  # the declaration that weighs most
    assert (row["difference_t"], row["relative_difference"]) == (-8.0, pytest.approx(-0.08))
    assert row["status"] == "agreed"  # |−8| <= 10 % of 100
    assert row["disagreement_chi2"] == pytest.approx(64 / (25.0**2 + 4.6**2), rel=1e-12)


def test_the_status_follows_the_tolerance_of_the_larger_figure() -> None:
    pair = declared(("sender", 100.0, 0.05, None), ("receiver", 110.0, 0.05, None))
    assert one(pair)["status"] == "agreed"  # |10| <= 0.10 × 110
    assert one(pair, tolerance=0.05)["status"] == "disputed"
    slip = one(declared(("sender", 9000.0, 0.05, None), ("receiver", 9.0, 0.05, None)))  # t for kt
    assert slip["status"] == "disputed" and slip["relative_difference"] == pytest.approx(-0.999)
    with pytest.raises(ValueError, match="tolerance"):
        combine(pair, tolerance=-0.1)


def test_an_exact_declaration_wins_and_unknown_quantities_are_left_out() -> None:
    exact = one(declared(("sender", 100.0, 0.0, None), ("receiver", 92.0, 0.05, None)))
    assert (exact["quantity_t"], exact["uncertainty"]) == (100.0, 0.0)
    both_exact = one(declared(("sender", 100.0, 0.0, None), ("receiver", 90.0, 0.0, None)))
    assert both_exact["quantity_t"] == 95.0
    unknown = one(declared(("sender", None, None, "unknown"), ("receiver", 92.0, None, None)))
    assert (unknown["quantity_t"], unknown["status"]) == (92.0, "receiver_only")


def test_hand_overs_are_kept_apart_by_their_key() -> None:
    frame = pl.concat([declared(("sender", 1.0, None, None)), declared(("sender", 2.0, None, None))])
    frame = frame.with_columns(pl.Series("period", ["2024-03", "2024-04"]))
    assert combine(frame).collect()["quantity_t"].to_list() == [1.0, 2.0]


@settings(max_examples=200, deadline=None)
@given(
    s=st.floats(0.001, 1e7),
    r=st.floats(0.001, 1e7),
    us=st.one_of(st.none(), st.floats(0.001, 1.0)),
    ur=st.one_of(st.none(), st.floats(0.001, 1.0)),
    quality=st.sampled_from([None, "measured", "calculated", "estimated"]),
)
def test_the_agreed_quantity_lies_between_the_two_and_is_the_weighted_mean(
    s: float, r: float, us: float | None, ur: float | None, quality: str | None
) -> None:
    row = one(declared(("sender", s, us, quality), ("receiver", r, ur, None)))
    σs = (us if us is not None else DEFAULT_UNCERTAINTY[quality]) * s
    σr = (ur if ur is not None else DEFAULT_UNCERTAINTY[None]) * r
    expected = (s / σs**2 + r / σr**2) / (1 / σs**2 + 1 / σr**2)
    assert row["quantity_t"] == pytest.approx(expected, rel=1e-9)
    assert min(s, r) * (1 - 1e-12) <= row["quantity_t"] <= max(s, r) * (1 + 1e-12)
    assert (row["status"] == "agreed") == (abs(r - s) <= 0.10 * max(s, r))


def test_the_side_written_without_one() -> None:
    frame = pl.DataFrame(
        {
            "source": ["A1", "OUT", "B1", "C1"],
            "target": ["B1", "A1", "A1", "B1"],
            "source_kind": ["source", "boundary", "recycling", "collection"],
        }
    )
    parks = {"A1": "PA", "B1": "PB", "C1": "PC", "OUT": None}
    admin = frame.select(default_side(parks, None))["literal"].to_list()
    assert admin == ["sender", "receiver", "sender", "sender"]  # boundary sources: the receiver declares
    manager = frame.select(default_side(parks, frozenset({"PA"})))["literal"].to_list()
    assert manager == ["sender", "receiver", "receiver", None]  # their park's side; None: not theirs at all
