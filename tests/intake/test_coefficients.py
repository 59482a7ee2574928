"""Declared transfer coefficients as a user imports them: every refusal with its reason, in English and Chinese, and
the shares people write (0.2, 20 %, 20%)."""

from __future__ import annotations

import polars as pl
import pytest

from mfa.domain.labels.reasons import translate
from mfa.intake.tables import BY_NAME, recognise
from mfa.intake.validate import Refs, validate_transfer_coefficients

REFS = Refs(facilities={"WTE-1": "energy_recovery", "SRC-1": "source", "REC-1": "recycling"})
COLUMNS = ("facility", "kind", "coefficient", "tolerance", "source")


def frame(*rows: tuple[str | None, ...]) -> pl.DataFrame:
    data = pl.DataFrame(rows, schema=dict.fromkeys(COLUMNS, pl.String), orient="row")
    return data.with_columns(pl.lit("c.csv").alias("_file"), (pl.int_range(pl.len()) + 2).alias("_row"))


def test_the_shares_people_write_are_read() -> None:
    checked = validate_transfer_coefficients(
        frame(
            ("WTE-1", None, "20%", "3 %", "bottom ash"),
            (None, "Energy recovery", "0.45", "0.05", None),
            (None, "再生利用/综合利用", "0.9", "5％", None),
        ),
        REFS,
    )
    assert checked.errors.height == 0
    assert checked.valid.select("scope_level", "scope", "coefficient", "tolerance", "source").rows() == [
        ("facility", "WTE-1", 0.2, 0.03, "bottom ash"),
        ("kind", "energy_recovery", 0.45, 0.05, None),
        ("kind", "recycling", 0.9, 0.05, None),
    ]


@pytest.mark.parametrize(
    ("row", "column", "reason", "chinese"),
    [
        ((None, None, "0.2", "0.05", None), "facility", "give the facility or the kind", "请填写该传递系数适用的设施"),
        (("WTE-1", "recycling", "0.2", "0.05", None), "kind", "not both", "只能填一项"),
        (("NOPE", None, "0.2", "0.05", None), "facility", "unknown facility 'NOPE'", "未知的设施“NOPE”"),
        ((None, "furnace", "0.2", "0.05", None), "kind", "unknown kind 'furnace'", "未知的设施类型“furnace”"),
        (("SRC-1", None, "0.2", "0.05", None), "facility", "SRC-1 is a source facility", "SRC-1 的类型为 source"),
        ((None, "boundary", "0.2", "0.05", None), "kind", "boundary facilities are where matter enters", "不适用"),
        (("WTE-1", None, "", "0.05", None), "coefficient", "coefficient is required", "请填写传递系数"),
        (("WTE-1", None, "0.2", None, None), "tolerance", "tolerance is required", "请填写容差"),
        (("WTE-1", None, "a fifth", "0.05", None), "coefficient", "not a number", "不是数字"),
        (("WTE-1", None, "-0.2", "0.05", None), "coefficient", "cannot be negative", "不能为负数"),
        (("WTE-1", None, "20", "0.05", None), "coefficient", "more than 10 (that is 1000%)", "大于 10"),
        (("WTE-1", None, "0.2", "-5%", None), "tolerance", "cannot be negative", "不能为负数"),
    ],
)
def test_refusals_say_why_in_both_languages(
    row: tuple[str | None, ...], column: str, reason: str, chinese: str
) -> None:
    checked = validate_transfer_coefficients(frame(row), REFS)
    assert checked.valid.height == 0
    found = checked.errors.filter(pl.col("column") == column)["reason"].to_list()
    assert any(reason in r for r in found), found
    assert any(chinese in translate(r, "zh") for r in found), [translate(r, "zh") for r in found]


def test_a_facility_or_kind_is_declared_once_per_import() -> None:
    checked = validate_transfer_coefficients(
        frame(("WTE-1", None, "0.2", "0.05", None), ("WTE-1", None, "0.3", "0.05", None)), REFS
    )
    assert checked.errors.select("row", "reason").rows() == [(3, "declared twice: already in c.csv row 2")]
    assert translate(checked.errors["reason"][0], "zh") == "重复申报：已见于 c.csv 第 2 行"


def test_the_table_is_recognised_by_its_english_or_chinese_header() -> None:
    assert recognise(["facility", "kind", "coefficient", "tolerance", "source"]) is BY_NAME["transfer_coefficients"]
    assert recognise(["设施", "设施类型", "传递系数", "容差", "依据"]) is BY_NAME["传递系数"]
