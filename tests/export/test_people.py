"""Workbooks for people: the rounding rule, and text that stays text."""

from __future__ import annotations

import io

import openpyxl
import polars as pl

from mfa.export.people import rounded, unit_of, workbook_bytes


def test_figures_are_rounded_to_the_precision_they_have() -> None:
    assert rounded(12.345678901, "t") == 12.3
    assert rounded(0.573456, "%") == 57.3
    assert rounded(4.6, "count") == 5.0
    assert rounded(None, "t") is None
    assert [unit_of(i) for i in ("renewable_recycled_t", "bulk_waste_utilization_rate", "green_parks_added")] == [
        "t",
        "%",
        "count",
    ]
    assert unit_of("water_intensity_reduction") == "%"


def test_a_workbook_for_people_keeps_text_as_text_and_freezes_the_header() -> None:
    frame = pl.DataFrame({"名称": ["=1+1", "钢厂"], "数量（吨）": [1.5, None]})
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"流量": frame})))
    sheet = book["流量"]
    assert [c.value for c in sheet[1]] == ["名称", "数量（吨）"] and sheet.freeze_panes == "A2"
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B3"].value is None
