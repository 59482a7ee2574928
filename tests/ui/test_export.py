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
