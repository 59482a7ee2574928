"""The Export page: what is exported is what the Flows page shows: diagram, flows and indicator summary files."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import fastexcel
import polars as pl
import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from mfa.domain.flowframe import Scope, Selection
from mfa.export.sankey_files import chromium_path
from mfa.storage import declarations
from tests.ui.support import content, open_page


def test_flow_files_hold_the_filtered_flows(
    app: Callable[..., AppTest], world_db: Engine, downloads: dict[str, Any]
) -> None:
    at = app("flows")
    at.selectbox(key="flows_year").set_value(2024).run()
    at.selectbox(key="flows_park").set_value("NINGXIANG").run()
    open_page(at, "export")
    with world_db.connect() as conn:
        expected = declarations.flow_table(conn, Selection(2024, scope=Scope("park", "NINGXIANG")))
    assert expected.height == 8
    csv = pl.read_csv(content(downloads, "mfa-2024-NINGXIANG-flows.csv"), infer_schema=False)
    assert csv.height == 8 and set(csv["period"]) == {"2024-01", "2024-02"}
    parquet = pl.read_parquet(io.BytesIO(content(downloads, "mfa-2024-NINGXIANG-flows.parquet")))
    assert parquet.equals(expected)
    book = fastexcel.read_excel(content(downloads, "mfa-2024-NINGXIANG-flows.xlsx"))
    assert book.load_sheet("flows").to_polars().height == 8


def test_a_month_filter_reaches_the_export(app: Callable[..., AppTest], downloads: dict[str, Any]) -> None:
    at = app("export")
    at.selectbox(key="export_month").set_value(2).run()
    csv = pl.read_csv(content(downloads, "mfa-2025-02-flows.csv"), infer_schema=False)
    assert set(csv["period"]) == {"2025-02"} and csv.height == 6


def test_the_diagram_as_html_and_json(app: Callable[..., AppTest], downloads: dict[str, Any]) -> None:
    at = app("export")
    at.segmented_control(key="export_level").set_value("facility").run()
    html = content(downloads, "mfa-2025-sankey-facility.html").decode()
    assert "plotly" in html.lower() and "Steel plant" in html
    diagram = json.loads(content(downloads, "mfa-2025-sankey-facility.json"))
    assert diagram["level"] == "facility"
    assert {"SRC-1", "COL-1", "REC-1"} <= {node["id"] for node in diagram["nodes"]}


@pytest.mark.skipif(chromium_path() is None, reason="static images need Chromium (apt-get install chromium)")
def test_the_diagram_as_svg(app: Callable[..., AppTest], downloads: dict[str, Any]) -> None:
    app("export")
    svg = content(downloads, "mfa-2025-sankey-kind.svg")
    assert svg.lstrip().startswith(b"<svg") and b"Recycling" in svg


def test_the_indicator_summary(app: Callable[..., AppTest], downloads: dict[str, Any]) -> None:
    at = app("export")
    summary = pl.read_csv(content(downloads, "mfa-2025-indicators.csv"))
    value = summary.filter(pl.col("indicator") == "renewable_recycled_t")["value"].item()
    assert value == 240.0 and summary.height == 8
    book = fastexcel.read_excel(content(downloads, "mfa-2025-indicators.xlsx"))
    assert book.sheet_names == ["indicators", "by_material", "targets"]
    assert at.dataframe[0].value.iloc[0].tolist() == ["Renewable resources recycled", "240 t"]


def _workbook(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet of an XLSX file as its rows, opened as a spreadsheet program would (openpyxl)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_flows_workbook_to_read_has_names_beside_codes_and_chinese_headers(
    app: Callable[..., AppTest], downloads: dict[str, Any]
) -> None:
    at = app("export", language="zh")
    book = _workbook(content(downloads, "mfa-2025-flows-zh-to-read.xlsx"))
    assert list(book) == ["流量", "设施", "园区", "物料"]
    flows = book["流量"]
    assert flows[0][:8] == ("期间", "来源代码", "来源", "去向代码", "去向", "物料代码", "物料", "数量（吨）")
    assert len(flows) == 1 + 12
    row = next(r for r in flows[1:] if r[1] == "SRC-1" and r[3] == "COL-1")
    assert row[:8] == ("2025-01", "SRC-1", "钢厂", "COL-1", "回收站", "scrap_steel", "废钢铁", 120)
    assert row[10] == "移出方"
    assert book["设施"][0] == ("代码", "名称", "类型", "园区代码", "园区", "城市")
    assert next(r[:2] for r in book["设施"] if r[0] == "SRC-1") == ("SRC-1", "钢厂")
    assert book["物料"][0][:2] == ("代码", "名称")
    assert any("每张表一个工作表" in c.value for c in at.caption)  # the page says what the file is for
    machine = fastexcel.read_excel(content(downloads, "mfa-2025-flows.xlsx"))
    assert machine.sheet_names == ["flows"]
    assert machine.load_sheet("flows").to_polars().columns[:4] == ["period", "source", "target", "material"]


def test_the_flows_workbook_to_read_in_english(app: Callable[..., AppTest], downloads: dict[str, Any]) -> None:
    app("export")
    book = _workbook(content(downloads, "mfa-2025-flows-en-to-read.xlsx"))
    assert list(book) == ["Flows", "Facilities", "Parks", "Materials"]
    assert book["Flows"][0][:5] == ("Period", "From (code)", "From", "To (code)", "To")
    assert any(r[1:3] == ("SRC-1", "Steel plant") for r in book["Flows"][1:])


def test_indicator_figures_are_rounded_to_their_precision(
    app: Callable[..., AppTest], downloads: dict[str, Any]
) -> None:
    app("export")
    summary = pl.read_csv(content(downloads, "mfa-2025-indicators.csv"))
    rate = summary.filter(pl.col("indicator") == "bulk_waste_utilization_rate").row(0, named=True)
    assert rate["unit"] == "%" and 0 < rate["value"] <= 100
    for value in summary["value"].drop_nulls().to_list():
        assert value == round(value, 1)
    book = _workbook(content(downloads, "mfa-2025-indicators.xlsx"))
    figures = [v for sheet in book.values() for row in sheet[1:] for v in row if isinstance(v, float)]
    assert figures and all(v == round(v, 1) for v in figures)
