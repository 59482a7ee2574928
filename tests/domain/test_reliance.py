"""How much of an indicator rests on disputed or one-sided hand-overs: shares computed with the indicator's own
definition, on a hand-built flow frame."""

from __future__ import annotations

import polars as pl
import pytest

from mfa.domain.flowframe import Scope
from mfa.domain.reliance import reliance
from tests.factories import GRAPH_PARENTS, make_flows

FLOWS = make_flows(
    ("2024-01", "src_a", "col_a", "scrap_steel", 60.0),  # inside park A: nobody else to declare
    ("2024-01", "src_c", "rec_b", "scrap_steel", 30.0),  # park C to park B, one side only
    ("2024-02", "src_c", "rec_c", "scrap_steel", 10.0),  # inside C
    ("2024-02", "col_a", "rec_b", "fly_ash", 5.0),  # not renewable's entry into recovery
).with_columns(pl.Series("status", ["sender_only", "sender_only", "disputed", "agreed"]))


def test_shares_follow_the_indicators_definition() -> None:
    found = {r["indicator"]: r for r in reliance(FLOWS, GRAPH_PARENTS, year=2024).iter_rows(named=True)}
    recycled = found["renewable_recycled_t"]  # 60 + 30 + 10 enter recovery
    assert recycled["value"] == 100.0
    assert (recycled["disputed_t"], recycled["disputed_share"]) == (10.0, pytest.approx(0.10))
    assert (recycled["one_sided_t"], recycled["one_sided_share"]) == (30.0, pytest.approx(0.30))
    assert found["battery_retired_t"]["disputed_share"] is None  # nothing to rest on: no share
    in_c = {
        r["indicator"]: r
        for r in reliance(FLOWS, GRAPH_PARENTS, year=2024, scope=Scope("park", "B")).iter_rows(named=True)
    }
    assert in_c["renewable_recycled_t"]["one_sided_share"] == pytest.approx(1.0)  # all of B's comes from C
