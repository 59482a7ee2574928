"""Facilities and materials named by code, name, Chinese name or alias; unknown and ambiguous names refused with
the closest matches. Pure: indexes built inline, no database."""

from __future__ import annotations

from datetime import date

import polars as pl

from mfa.domain.labels.reasons import translate
from mfa.intake.names import facility_index, material_index, name_key
from mfa.intake.validate import Refs, validate_flows, validate_material_aliases

FACILITIES = [
    ("SRC-1", "Steel plant", "湘钢炼钢厂"),
    ("COL-1", "Collector", "回收站"),
    ("COL-2", "Collector", "城东回收站"),
    ("REC-1", "Recycler", "再生厂"),
]
MATERIALS = [
    ("scrap_steel", "Scrap steel", "废钢铁"),
    ("tailings", "Tailings", "尾矿"),
    ("fly_ash", "Fly ash", "粉煤灰"),
]
ALIASES = {"废钢": "scrap_steel", "S05": "tailings", "S02": "fly_ash"}


def test_names_are_compared_without_case_width_or_blanks() -> None:
    assert name_key(" 湘钢 炼钢厂 ") == "湘钢炼钢厂"
    assert name_key("ＳＲＣ－１") == name_key("src-1") == "src-1"


def test_a_facility_is_found_by_code_name_or_chinese_name() -> None:
    index = facility_index(FACILITIES)
    assert index.lookup("SRC-1") == ("SRC-1", None)
    assert index.lookup("src-1") == ("SRC-1", None)
    assert index.lookup("湘钢 炼钢厂") == ("SRC-1", None)
    assert index.lookup("Recycler") == ("REC-1", None)


def test_a_name_of_two_facilities_is_refused_with_both() -> None:
    index = facility_index(FACILITIES)
    code, why = index.lookup("collector")
    assert code is None
    assert why == "'collector' names 2 facilities: COL-1 Collector, COL-2 Collector: write the code"
    assert translate(why, "zh") == "“collector”对应 2 个设施：COL-1 Collector, COL-2 Collector：请填写代码"
    assert translate("unknown material 'ash'", "zh") == "未知的物料“ash”"


def test_a_material_is_found_by_alias_and_by_the_catalogues_category_code() -> None:
    index = material_index(MATERIALS, ALIASES)
    assert index.lookup("废钢") == ("scrap_steel", None)
    assert index.lookup("Scrap Steel") == ("scrap_steel", None)
    assert index.lookup("s05") == ("tailings", None)
    assert index.lookup("091-001-S05") == ("tailings", None)  # a full waste code names its category
    assert index.lookup("091001S02") == ("fly_ash", None)
    assert index.lookup("091-001-S09") == (None, None)


def test_a_column_is_resolved_and_unknown_names_get_the_closest_matches() -> None:
    index = facility_index(FACILITIES)
    column = pl.Series("source", ["SRC-1", "再生厂", None, "城东回收", "zzz"])
    codes, why = index.resolve(column)
    assert codes.to_list() == ["SRC-1", "REC-1", None, "城东回收", "zzz"]
    assert why.to_list()[:3] == [None, None, None]
    assert why[3] == "unknown facility '城东回收' (closest: COL-2 Collector; COL-1 Collector)"
    assert why[4] == "unknown facility 'zzz'"


def test_codes_only_are_checked_fast_and_left_alone() -> None:
    index = facility_index(FACILITIES)
    column = pl.Series("source", ["SRC-1", "COL-1"] * 1000)
    codes, why = index.resolve(column)
    assert codes is column and why is None


def refs() -> Refs:
    return Refs(
        parks=frozenset({"MILUO"}),
        facilities={code: "source" for code, _n, _z in FACILITIES},
        materials={code: None for code, _n, _z in MATERIALS},
        facility_names=facility_index(FACILITIES),
        material_names=material_index(MATERIALS, ALIASES),
    )


def flows(*rows: tuple[str, str, str, str]) -> pl.DataFrame:
    frame = pl.DataFrame(
        [("2024-01", s, t, m, q) for s, t, m, q in rows],
        schema=["period", "source", "target", "material", "quantity"],
        orient="row",
    )
    return frame.with_columns(pl.lit("f.csv").alias("_file"), (pl.int_range(pl.len()) + 2).alias("_row"))


def test_validated_flows_carry_codes_for_names() -> None:
    checked = validate_flows(flows(("湘钢炼钢厂", "再生厂", "废钢", "1"), ("SRC-1", "COL-1", "S05", "2")), refs())
    assert checked.errors.height == 0
    assert checked.valid.select("source", "target", "material").rows() == [
        ("SRC-1", "REC-1", "scrap_steel"),
        ("SRC-1", "COL-1", "tailings"),
    ]


def test_a_flow_between_two_names_of_one_facility_is_refused() -> None:
    checked = validate_flows(flows(("SRC-1", "湘钢炼钢厂", "废钢", "1")), refs(), today=date(2025, 1, 1))
    assert checked.errors["reason"].to_list() == ["a flow cannot go from a facility to itself"]


def test_unknown_and_ambiguous_names_are_refused_by_row() -> None:
    checked = validate_flows(flows(("Collector", "REC-1", "废钢铁", "1"), ("SRC-1", "再生场", "废钢", "1")), refs())
    assert checked.errors.select("row", "column", "reason").rows() == [
        (2, "source", "'Collector' names 2 facilities: COL-1 Collector, COL-2 Collector: write the code"),
        (3, "target", "unknown facility '再生场' (closest: REC-1 Recycler)"),
    ]


def aliases(*rows: tuple[str, str]) -> pl.DataFrame:
    frame = pl.DataFrame(list(rows), schema=["alias", "material"], orient="row")
    return frame.with_columns(pl.lit("a.csv").alias("_file"), (pl.int_range(pl.len()) + 2).alias("_row"))


def test_an_alias_names_one_known_material_and_nothing_else() -> None:
    checked = validate_material_aliases(
        aliases(
            ("废钢边角料", "scrap_steel"),
            ("tailings", "fly_ash"),
            ("尾矿", "fly_ash"),
            ("废钢", "scrap_steel"),
            ("灰", "ash"),
            ("废钢边角料", "tailings"),
            ("x" * 101, "fly_ash"),
        ),
        refs(),
    )
    assert checked.valid["alias"].to_list() == ["废钢边角料", "废钢"]  # an alias already there imports again
    assert checked.errors.select("row", "column", "reason").rows() == [
        (3, "alias", "'tailings' is a material code already"),
        (4, "alias", "'尾矿' is already the name of material tailings"),
        (6, "material", "unknown material 'ash'"),
        (7, "alias", "the same key as a.csv row 2: a key may appear once"),
        (8, "alias", "an alias is at most 100 characters"),
    ]
