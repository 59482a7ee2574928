"""How much of an indicator rests on disputed or one-sided hand-overs: shares computed with the indicator's own
definition, on a hand-built flow frame."""

from __future__ import annotations

import polars as pl
import pytest

from mfa.domain.flowframe import Scope
from mfa.domain.reliance import concerned_flows, reliance, with_flags
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


def test_flagged_estimated_and_unstated_quality_are_shares_too_and_the_flows_are_named() -> None:
    flows = FLOWS.with_columns(pl.Series("data_quality", ["measured", "estimated", None, "measured"]))
    flagged = pl.DataFrame({"source": ["src_c"], "target": ["rec_b"], "material": ["scrap_steel"]})
    marked = with_flags(flows, flagged)
    recycled = next(r for r in reliance(marked, GRAPH_PARENTS, year=2024).iter_rows(named=True))
    assert recycled["indicator"] == "renewable_recycled_t"
    assert recycled["flagged_share"] == pytest.approx(0.30)  # the flagged link: 30 of 100 t
    assert recycled["estimated_share"] == pytest.approx(0.30)
    assert recycled["unknown_quality_share"] == pytest.approx(0.10)
    named = concerned_flows(marked, GRAPH_PARENTS, "renewable_recycled_t", year=2024)
    assert named.select("source", "target", "quantity_t").rows() == [("src_c", "rec_b", 30.0), ("src_c", "rec_c", 10.0)]
    assert named["concerns"].to_list() == [["flagged", "one_sided", "estimated"], ["disputed", "unknown_quality"]]
    assert set(reliance(flows, GRAPH_PARENTS, year=2024)["flagged_share"].drop_nulls().to_list()) == {0.0}
    with pytest.raises(ValueError, match="unknown indicator"):
        concerned_flows(marked, GRAPH_PARENTS, "happiness", year=2024)
