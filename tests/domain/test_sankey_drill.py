"""mfa.domain.sankey.drill: every link of every diagram leads back to exactly the flows it sums."""

from __future__ import annotations

import polars as pl
import pytest

from mfa.domain.sankey import SankeyOptions, sankey_data
from mfa.domain.sankey.drill import link_filter, link_flows
from tests.domain.sankey_world import PARENTS, facility_frame, make_flows, random_world

CASES = [
    ("facility", "stages", 0.0),
    ("facility", "od", 0.0),
    ("facility", "stages", 0.02),  # small facilities merged into an Other node of their kind
    ("park", "od", 0.0),
    ("park", "network", 0.05),  # small parks merged into the Other pair
    ("city", "od", 0.0),
    ("kind", "stages", 0.0),
]


@pytest.mark.parametrize(("level", "view", "share"), CASES)
def test_the_flows_behind_each_link_add_up_to_it(level: str, view: str, share: float) -> None:
    world, rows = random_world(seed=11, n=50, links=140)
    flows = make_flows(rows, world)
    options = SankeyOptions(level=level, view=view, min_share=share)  # type: ignore[arg-type]
    data = sankey_data(flows, facility_frame(world), PARENTS, options)
    assert data.links.height > 5
    seen = pl.Series("row", [], dtype=pl.UInt32)
    indexed = flows.with_row_index("row")
    for link in range(data.links.height):
        found = indexed.filter(link_filter(data, link, PARENTS))
        assert float(found["quantity_t"].sum()) == pytest.approx(data.links["tonnes"][link])
        assert not found["row"].is_in(seen.implode()).any()  # a flow is behind one link only
        seen = pl.concat([seen, found["row"]])
    found_t = float(indexed.filter(pl.col("row").is_in(seen.implode()))["quantity_t"].sum())
    assert found_t == pytest.approx(data.total_t)  # the drawn tonnes, no more: flows inside a node are behind none


def test_link_flows_lists_them_largest_first() -> None:
    world, rows = random_world(seed=2, n=30, links=80)
    flows = make_flows(rows, world)
    data = sankey_data(flows, facility_frame(world), PARENTS, SankeyOptions(level="kind"))
    biggest = int(data.links["tonnes"].arg_max())  # type: ignore[arg-type]
    found = link_flows(flows, data, biggest, PARENTS)
    assert found.columns == ["period", "source", "target", "material", "quantity_t", "status"]
    assert found["quantity_t"].to_list() == sorted(found["quantity_t"], reverse=True)
    assert float(found["quantity_t"].sum()) == pytest.approx(data.links["tonnes"][biggest])


def test_an_unknown_link_is_refused() -> None:
    world, rows = random_world(seed=2, n=10, links=20)
    data = sankey_data(make_flows(rows, world), facility_frame(world), PARENTS)
    with pytest.raises(ValueError, match="no link"):
        link_filter(data, data.links.height, PARENTS)
