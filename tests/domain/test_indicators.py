"""Indicators from flow frames: the definitions of docs/indicators.md on small hand-made networks."""

from __future__ import annotations

import math

import hypothesis.strategies as st
import polars as pl
import pytest
from hypothesis import given, settings
from polars.testing import assert_frame_equal

from mfa.domain.flowframe import PROVINCE, Scope, select_flows
from mfa.domain.indicators import (
    INDICATORS,
    RATE_INDICATORS,
    TONNAGE_INDICATORS,
    compute_indicators,
    indicators_by_material,
    indicators_by_scope,
)
from mfa.reference import bundled_materials
from tests.factories import FLOW_SCHEMA

PARENTS: dict[str, str | None] = {
    "renewable": None,
    "scrap_steel": "renewable",
    "scrap_nonferrous": "renewable",
    "scrap_copper": "scrap_nonferrous",
    "waste_paper": "renewable",
    "waste_battery": "renewable",
    "power_battery": "waste_battery",
    "power_battery_lfp": "power_battery",
    "bulk_solid_waste": None,
    "fly_ash": "bulk_solid_waste",
    "byproduct_gypsum": "bulk_solid_waste",
    "phosphogypsum": "byproduct_gypsum",
    "secondary": None,
    "recycled_steel": "secondary",
}

# code -> (kind, park, city); parks A and B are in Changsha, C in Yueyang.
FACILITIES: dict[str, tuple[str, str | None, str | None]] = {
    "src_a": ("source", "A", "Changsha"),
    "src_b": ("source", "B", "Changsha"),
    "src_c": ("source", "C", "Yueyang"),
    "col_a": ("collection", "A", "Changsha"),
    "col_b": ("collection", "B", "Changsha"),
    "rec_a": ("recycling", "A", "Changsha"),
    "rec_b": ("recycling", "B", "Changsha"),
    "rec_c": ("recycling", "C", "Yueyang"),
    "reuse_b": ("reuse", "B", "Changsha"),
    "energy_c": ("energy_recovery", "C", "Yueyang"),
    "store_a": ("storage", "A", "Changsha"),
    "store_c": ("storage", "C", "Yueyang"),
    "landfill_a": ("disposal", "A", "Changsha"),
    "outside": ("boundary", None, None),
}


def make_flows(*rows: tuple[str, str, str, str, float]) -> pl.DataFrame:
    """The store's flow frame from (period, source, target, material, tonnes) rows over FACILITIES."""
    records = []
    for period, source, target, material, tonnes in rows:
        year, _, month = period.partition("-")
        s_kind, s_park, s_city = FACILITIES[source]
        t_kind, t_park, t_city = FACILITIES[target]
        records.append(
            (
                period,
                int(year),
                int(month) if month else None,
                source,
                target,
                material,
                tonnes,
                s_kind,
                t_kind,
                s_park,
                t_park,
                s_city,
                t_city,
            )
        )
    return pl.DataFrame(records, schema=FLOW_SCHEMA, orient="row")


def test_names_are_the_contract() -> None:
    assert INDICATORS[0] == "renewable_recycled_t"
    assert RATE_INDICATORS == ("bulk_waste_utilization_rate",)
    assert set(TONNAGE_INDICATORS) | set(RATE_INDICATORS) == set(INDICATORS)


def test_collector_to_recycler_chain_counts_once_where_it_enters_recovery() -> None:
    flows = make_flows(
        ("2024", "src_a", "col_a", "scrap_steel", 100.0),
        ("2024", "col_a", "rec_b", "scrap_steel", 100.0),
        ("2024", "rec_b", "outside", "recycled_steel", 95.0),
        ("2024", "outside", "col_b", "scrap_copper", 20.0),  # imported: enters recovery at col_b
        ("2024", "col_b", "rec_b", "scrap_copper", 20.0),
    )
    assert compute_indicators(flows, PARENTS, year=2024)["renewable_recycled_t"] == 120.0
    by_park = {p: compute_indicators(flows, PARENTS, year=2024, scope=Scope("park", p)) for p in "AB"}
    assert by_park["A"]["renewable_recycled_t"] == 100.0
    assert by_park["B"]["renewable_recycled_t"] == 20.0


def test_utilization_from_storage_is_in_numerator_and_denominator() -> None:
    flows = make_flows(
        ("2024", "src_c", "store_c", "fly_ash", 50.0),
        ("2024", "store_c", "rec_c", "fly_ash", 30.0),
        ("2024", "src_c", "rec_c", "fly_ash", 40.0),
        ("2024", "src_c", "energy_c", "phosphogypsum", 5.0),
        ("2024", "rec_c", "energy_c", "fly_ash", 7.0),  # utilizer to utilizer: not counted again
        ("2024", "src_a", "landfill_a", "fly_ash", 5.0),
    )
    got = compute_indicators(flows, PARENTS, year=2024)
    assert got["bulk_waste_generated_t"] == 100.0
    assert got["bulk_waste_utilized_t"] == 75.0
    assert got["bulk_waste_utilized_from_stock_t"] == 30.0
    assert got["bulk_waste_utilization_rate"] == pytest.approx(75.0 / 130.0)


@pytest.mark.parametrize(
    ("generated", "utilized", "from_stock", "published"),
    [(3.5e8, 1.9e8, 380.8e4, 0.537), (5.3e8, 4.0e8, 320.5e4, 0.749)],
    ids=["coal_gangue", "fly_ash"],
)
def test_rate_reproduces_the_mee_2018_check_figures(
    generated: float, utilized: float, from_stock: float, published: float
) -> None:
    flows = make_flows(
        ("2018", "src_c", "rec_c", "fly_ash", utilized - from_stock),
        ("2018", "src_c", "store_c", "fly_ash", generated - (utilized - from_stock)),
        ("2018", "store_c", "rec_c", "fly_ash", from_stock),
    )
    rate = compute_indicators(flows, PARENTS, year=2018)["bulk_waste_utilization_rate"]
    assert rate == pytest.approx(published, abs=0.002)  # the published tonnages are rounded to 0.1 亿t


def test_rate_is_not_clipped_when_stock_and_imports_are_utilized() -> None:
    flows = make_flows(
        ("2024", "src_c", "store_c", "fly_ash", 10.0),
        ("2024", "store_c", "rec_c", "fly_ash", 50.0),  # from old stockpiles
        ("2024", "outside", "rec_c", "fly_ash", 30.0),  # imported waste
    )
    got = compute_indicators(flows, PARENTS, year=2024)
    assert got["bulk_waste_utilization_rate"] == pytest.approx(80.0 / 60.0)


def test_year_adds_months_and_yearly_flows_of_another_key() -> None:
    flows = make_flows(
        ("2024-01", "src_a", "col_a", "scrap_steel", 10.0),
        ("2024-02", "src_a", "col_a", "scrap_steel", 5.0),
        ("2024", "src_b", "col_b", "waste_paper", 100.0),
        ("2023-12", "src_a", "col_a", "scrap_steel", 7.0),
        ("2025", "src_a", "col_a", "scrap_steel", 9.0),
    )

    def recycled(**period: int) -> float | None:
        return compute_indicators(flows, PARENTS, **period)["renewable_recycled_t"]  # type: ignore[arg-type]

    assert recycled(year=2024) == 115.0
    assert recycled(year=2024, month=1) == 10.0
    assert recycled(year=2024, month=2) == 5.0
    assert recycled(year=2024, month=3) == 0.0
    assert recycled(year=2023) == 7.0


def test_park_crossing_generation_at_source_utilization_at_target() -> None:
    flows = make_flows(("2024", "src_a", "rec_b", "fly_ash", 80.0))
    park_a = compute_indicators(flows, PARENTS, year=2024, scope=Scope("park", "A"))
    park_b = compute_indicators(flows, PARENTS, year=2024, scope=Scope("park", "B"))
    assert (park_a["bulk_waste_generated_t"], park_a["bulk_waste_utilized_t"]) == (80.0, 0.0)
    assert (park_b["bulk_waste_generated_t"], park_b["bulk_waste_utilized_t"]) == (0.0, 80.0)
    assert park_a["bulk_waste_utilization_rate"] == 0.0
    assert park_b["bulk_waste_utilization_rate"] is None
    assert compute_indicators(flows, PARENTS, year=2024)["bulk_waste_utilization_rate"] == 1.0


def test_empty_scope_gives_zero_tonnes_and_no_rate() -> None:
    flows = make_flows(("2024", "src_a", "rec_b", "fly_ash", 80.0))
    got = compute_indicators(flows, PARENTS, year=2024, scope=Scope("park", "nowhere"))
    assert got == {name: (None if name in RATE_INDICATORS else 0.0) for name in INDICATORS}
    assert list(got) == list(INDICATORS)
    empty = compute_indicators(flows.clear(), PARENTS, year=2024)
    assert empty["bulk_waste_generated_t"] == 0.0
    assert empty["bulk_waste_utilization_rate"] is None


def test_power_batteries_retired_reused_recycled_and_in_renewable() -> None:
    flows = make_flows(
        ("2024", "src_a", "col_a", "power_battery_lfp", 10.0),
        ("2024", "col_a", "reuse_b", "power_battery_lfp", 6.0),
        ("2024", "col_a", "rec_b", "power_battery", 4.0),
        ("2024", "reuse_b", "rec_b", "power_battery_lfp", 1.0),  # after second life: recycled too
        ("2024", "outside", "rec_a", "power_battery", 2.0),
    )
    got = compute_indicators(flows, PARENTS, year=2024)
    assert got["battery_retired_t"] == 10.0
    assert got["battery_reused_t"] == 6.0
    assert got["battery_recycled_t"] == 7.0
    assert got["renewable_recycled_t"] == 12.0  # src_a -> col_a and outside -> rec_a
    park_b = compute_indicators(flows, PARENTS, year=2024, scope=Scope("park", "B"))
    assert (park_b["battery_retired_t"], park_b["battery_recycled_t"]) == (0.0, 5.0)


def test_bundled_taxonomy_puts_power_batteries_under_renewable() -> None:
    parents = {m["code"]: m["parent"] for m in bundled_materials()}
    flows = make_flows(("2024", "src_a", "col_a", "power_battery_lfp", 3.0))
    assert compute_indicators(flows, parents, year=2024)["renewable_recycled_t"] == 3.0  # type: ignore[arg-type]


def test_city_scope_and_lazy_input() -> None:
    flows = make_flows(
        ("2024", "src_a", "col_a", "scrap_steel", 1.0),
        ("2024", "src_c", "rec_c", "scrap_steel", 2.0),
    )
    got = compute_indicators(flows.lazy(), PARENTS, year=2024, scope=Scope.parse("city:长沙"))
    assert got["renewable_recycled_t"] == 1.0


def test_scope_parsing_and_errors() -> None:
    assert Scope.parse("province") == PROVINCE
    assert Scope.parse(" park:A ") == Scope("park", "A")
    assert Scope.of("province", "province").key == "province"
    assert Scope.of("city", "长沙市") == Scope("city", "Changsha")
    assert str(Scope("park", "A")) == "park:A"
    with pytest.raises(ValueError, match="needs a code"):
        Scope.parse("park")
    with pytest.raises(ValueError, match="unknown scope level"):
        Scope.parse("county:x")
    with pytest.raises(ValueError, match="takes no code"):
        Scope("province", "A")


def test_select_flows_by_period_material_tree_and_either_end() -> None:
    flows = make_flows(
        ("2024-03", "src_a", "col_a", "scrap_copper", 1.0),
        ("2024", "col_a", "rec_b", "scrap_nonferrous", 2.0),
        ("2024", "src_c", "rec_c", "scrap_steel", 3.0),
        ("2023", "src_a", "col_a", "scrap_copper", 4.0),
    )
    picked = select_flows(flows, PARENTS, year=2024, material="scrap_nonferrous", scope=Scope("park", "B"))
    assert picked["quantity_t"].to_list() == [2.0]
    assert select_flows(flows, PARENTS, year=2024, month=3)["quantity_t"].to_list() == [1.0]
    assert select_flows(flows.lazy(), PARENTS, material=["scrap_steel"]).collect().height == 1
    with pytest.raises(ValueError, match="needs a year"):
        select_flows(flows, PARENTS, month=3)
    with pytest.raises(ValueError, match=r"1\.\.12"):
        select_flows(flows, PARENTS, year=2024, month=13)


def test_by_material_composition_adds_up_to_totals() -> None:
    flows = make_flows(
        ("2024", "src_a", "col_a", "scrap_copper", 4.0),
        ("2024", "src_a", "col_a", "scrap_nonferrous", 1.0),
        ("2024", "src_b", "col_b", "scrap_steel", 10.0),
        ("2024", "src_c", "rec_c", "fly_ash", 8.0),
        ("2024", "src_c", "rec_c", "phosphogypsum", 2.0),
    )
    got = indicators_by_material(flows, PARENTS, year=2024)
    expected = pl.DataFrame(
        {
            "indicator": ["renewable_recycled_t"] * 3 + ["bulk_waste_generated_t"] * 2 + ["bulk_waste_utilized_t"] * 2,
            "material": ["scrap_steel", "scrap_copper", "scrap_nonferrous"] + ["fly_ash", "phosphogypsum"] * 2,
            "group": ["renewable"] * 3 + ["bulk_solid_waste"] * 4,
            "value": [10.0, 4.0, 1.0, 8.0, 2.0, 8.0, 2.0],
        }
    )
    assert_frame_equal(got, expected)
    by_category = indicators_by_material(flows, PARENTS, year=2024, level="category")
    nonferrous = by_category.filter(pl.col("material") == "scrap_nonferrous")["value"].to_list()
    assert nonferrous == [5.0]
    assert by_category.filter(pl.col("material") == "byproduct_gypsum")["value"].to_list() == [2.0, 2.0]
    by_group = indicators_by_material(flows, PARENTS, year=2024, level="group")
    totals = compute_indicators(flows, PARENTS, year=2024)
    for indicator, value in by_group.group_by("indicator").agg(pl.col("value").sum()).iter_rows():
        assert value == totals[indicator]
    assert set(by_group["material"]) == {"renewable", "bulk_solid_waste"}


def test_by_scope_long_frame_per_city_with_zeros_and_rate() -> None:
    flows = make_flows(
        ("2024-05", "src_a", "rec_c", "fly_ash", 80.0),
        ("2024", "store_c", "rec_c", "fly_ash", 20.0),
        ("2023", "outside", "col_b", "scrap_steel", 5.0),
    )
    got = indicators_by_scope(flows, PARENTS, years=[2023, 2024], level="city")
    expected = pl.DataFrame(
        {
            "year": [2023] * 8 + [2024] * 16,
            "scope_level": ["city"] * 24,
            "scope": ["Changsha"] * 16 + ["Yueyang"] * 8,
            "indicator": list(INDICATORS) * 3,
            "value": [
                *(5.0, 0, 0, 0, None, 0, 0, 0),  # 2023 Changsha: imported scrap, no bulk waste
                *(0, 80.0, 0, 0, 0.0, 0, 0, 0),  # 2024 Changsha: generates, utilizes nothing
                *(0, 0, 100.0, 20.0, 100.0 / 20.0, 0, 0, 0),  # 2024 Yueyang: utilizes, 20 from stock
            ],
        },
        schema_overrides={"year": pl.Int32},
    )
    assert_frame_equal(got, expected)


FACILITY_CODES = sorted(FACILITIES)
MATERIALS = sorted(PARENTS)
PERIODS = ["2023", "2024", "2024-01", "2024-07", "2024-12"]
flow_rows = st.lists(
    st.tuples(
        st.sampled_from(PERIODS),
        st.sampled_from(FACILITY_CODES),
        st.sampled_from(FACILITY_CODES),
        st.sampled_from(MATERIALS),
        st.floats(0.0, 1000.0, allow_nan=False),
    ),
    max_size=40,
)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, abs_tol=1e-6)


@settings(max_examples=60, deadline=None)
@given(rows=flow_rows)
def test_by_scope_agrees_with_compute_indicators(rows: list[tuple[str, str, str, str, float]]) -> None:
    flows = make_flows(*rows)
    for level, codes in (("province", [None]), ("park", ["A", "B", "C"]), ("city", ["Changsha", "Yueyang"])):
        table = indicators_by_scope(flows, PARENTS, years=[2023, 2024], level=level)  # type: ignore[arg-type]
        for year in (2023, 2024):
            for code in codes:
                scope = Scope(level, code)  # type: ignore[arg-type]
                one = compute_indicators(flows, PARENTS, year=year, scope=scope)
                rows_here = table.filter(pl.col("year") == year, pl.col("scope") == scope.key)
                if rows_here.height == 0:  # no flow counts here: all tonnages are zero
                    assert all(one[name] == 0.0 for name in TONNAGE_INDICATORS)
                    continue
                got = dict(rows_here.select("indicator", "value").iter_rows())
                assert all(_close(got[name], one[name]) for name in INDICATORS), (got, one)


@settings(max_examples=60, deadline=None)
@given(rows=flow_rows)
def test_tonnages_are_additive_over_parks_and_cities(rows: list[tuple[str, str, str, str, float]]) -> None:
    flows = make_flows(*rows)
    province = indicators_by_scope(flows, PARENTS, years=[2024], level="province")
    for level in ("park", "city"):
        parts = indicators_by_scope(flows, PARENTS, years=[2024], level=level)
        summed = dict(parts.group_by("indicator").agg(pl.col("value").sum()).iter_rows())
        for indicator, value in province.select("indicator", "value").iter_rows():
            if indicator in TONNAGE_INDICATORS:
                assert math.isclose(summed[indicator], value, abs_tol=1e-6)


@settings(max_examples=40, deadline=None)
@given(rows=flow_rows)
def test_material_composition_sums_to_each_total(rows: list[tuple[str, str, str, str, float]]) -> None:
    flows = make_flows(*rows)
    totals = compute_indicators(flows, PARENTS, year=2024, scope=Scope("park", "B"))
    parts = indicators_by_material(flows, PARENTS, year=2024, scope=Scope("park", "B"), level="category")
    summed = dict(parts.group_by("indicator").agg(pl.col("value").sum()).iter_rows())
    for name in TONNAGE_INDICATORS:
        assert math.isclose(summed.get(name, 0.0), totals[name] or 0.0, abs_tol=1e-6)


def test_presummed_flows_give_the_same_answers() -> None:
    """Summing first (one pass) changes no indicator and no composition, for any scope."""
    from mfa.domain.indicators import presummed

    flows = make_flows(
        ("2024-01", "src_a", "col_a", "scrap_steel", 10.0),
        ("2024-02", "src_a", "col_a", "scrap_steel", 5.0),
        ("2024", "src_b", "rec_c", "fly_ash", 7.0),
        ("2024-03", "store_c", "rec_c", "fly_ash", 2.0),
        ("2024-03", "src_c", "store_c", "fly_ash", 4.0),
        ("2023-03", "src_c", "store_c", "fly_ash", 100.0),
    )
    for scope in (PROVINCE, Scope("park", "C"), Scope("city", "Changsha")):
        for month in (None, 3):
            small = presummed(flows, year=2024, month=month, scope=scope)
            assert small.height < flows.height
            direct = compute_indicators(flows, PARENTS, year=2024, month=month, scope=scope)
            assert compute_indicators(small, PARENTS, year=2024, month=month, scope=scope) == pytest.approx(direct)
            assert_frame_equal(
                indicators_by_material(small, PARENTS, year=2024, month=month, scope=scope),
                indicators_by_material(flows, PARENTS, year=2024, month=month, scope=scope),
            )
