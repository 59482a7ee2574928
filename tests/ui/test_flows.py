"""The Flows page: filters change what is shown; the Sankey diagram, the table, balance, loops and fate."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from mfa.services.editing import import_records
from tests.ui.support import content


def shown(at: AppTest) -> int:
    """The "Flows shown" metric."""
    return int(next(m.value for m in at.metric if m.label == "Flows shown").replace(",", ""))


def sankey(at: AppTest) -> dict:
    """The diagram on the page as its figure records it (the JSON `mfa sankey` writes)."""
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "flows_sankey" in (c.key or ""))
    return spec["layout"]["meta"]["mfa_sankey"]


def labels_of(at: AppTest) -> set[str]:
    """The node labels of the diagram on the page."""
    return {node["label"] for node in sankey(at)["nodes"]}


def test_filters_change_what_is_shown(app: Callable[..., AppTest]) -> None:
    at = app("flows")
    assert at.selectbox(key="flows_year").value == 2025
    assert shown(at) == 12
    at.selectbox(key="flows_month").set_value(1).run()
    assert shown(at) == 6
    at.selectbox(key="flows_month").set_value(0).run()
    at.selectbox(key="flows_park").set_value("NINGXIANG").run()
    assert shown(at) == 8  # either end in the park
    at.selectbox(key="flows_park").set_value("").run()
    at.selectbox(key="flows_material").set_value("bulk_solid_waste").run()
    assert shown(at) == 6  # fly ash is below the group
    at.selectbox(key="flows_material").set_value("").run()
    at.multiselect(key="flows_kinds").set_value(["storage"]).run()
    assert shown(at) == 4
    at.multiselect(key="flows_kinds").set_value([]).run()
    at.selectbox(key="flows_city").set_value("Changsha").run()
    assert at.selectbox(key="flows_park").options == ["All parks", "Ningxiang High-tech Zone · NINGXIANG"]


def test_the_sankey_follows_the_level_and_the_filters(app: Callable[..., AppTest]) -> None:
    at = app("flows")
    assert {"Source", "Collection", "Recycling", "Storage"} <= labels_of(at)
    assert sankey(at)["view"] == "stages"
    at.segmented_control(key="flows_level").set_value("facility").run()
    assert {"Steel plant", "Collector", "Recycler"} <= labels_of(at)
    at.segmented_control(key="flows_level").set_value("park").run()
    assert {"Miluo Circular Economy Industrial Park", "Ningxiang High-tech Zone"} <= labels_of(at)
    assert sankey(at)["view"] == "od"  # parks on both sides: where material comes from, where it goes
    at.selectbox(key="flows_sankey_view").set_value("network").run()
    assert sankey(at)["view"] == "network"
    at.selectbox(key="flows_material").set_value("scrap_steel").run()
    assert {link["material"] for link in sankey(at)["links"]} == {"renewable"}


def test_the_diagram_options_reach_the_figure(app: Callable[..., AppTest]) -> None:
    at = app("flows")
    at.segmented_control(key="flows_level").set_value("facility").run()
    first = [n["id"] for n in sankey(at)["nodes"] if n["column"] == 0]
    at.multiselect(key="flows_first").set_value(["SRC-1"]).run()
    assert not at.exception, at.exception
    assert next(n["id"] for n in sankey(at)["nodes"] if n["column"] == 0) == "SRC-1"
    at.selectbox(key="flows_sankey_order").set_value("name").run()
    assert len(sankey(at)["nodes"]) >= len(first)
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "flows_sankey" in (c.key or ""))
    texts = [a["text"] for a in spec["layout"]["annotations"]]
    assert any(t.startswith("Source: mfa database app.db · 2025 · Hunan province · reported values") for t in texts)
    assert spec["layout"]["title"]["text"] == "Material flows, Hunan province, 2025, by facility"


def test_the_flows_behind_a_link_are_listed_with_history_links_and_exported(
    app: Callable[..., AppTest], downloads: dict
) -> None:
    at = app("flows")
    assert at.selectbox(key="flows_link").value is None
    options = at.selectbox(key="flows_link").options
    collector = next(o for o in options if o.startswith("Collection → Recycling"))
    at.selectbox(key="flows_link").select_index(options.index(collector)).run()
    assert not at.exception, at.exception
    table = next(frame.value for frame in at.dataframe if "history" in frame.value.columns)
    assert set(table["period"]) == {"2025-01", "2025-02"}
    assert set(table["source_name"]) == {"Collector"} and set(table["target_name"]) == {"Recycler"}
    assert table["history"][0].startswith("history?record=flow&key=2025-0")
    csv = content(downloads, next(name for name in downloads if name.endswith(".csv") and "link" in name))
    assert b"COL-1" in csv and b"REC-1" in csv


def test_a_clicked_band_opens_its_flows(app: Callable[..., AppTest]) -> None:
    """Streamlit reports a click on a band's point as a selection carrying the link number."""
    from mfa.ui.sankey import clicked

    class Event:
        selection = type("Selection", (), {"points": [{"curve_number": 3, "customdata": 2}]})()

    assert clicked(Event()) == 2
    assert clicked(type("Empty", (), {"selection": type("S", (), {"points": []})()})()) is None


def test_the_fixed_scale_keeps_tonnes_per_pixel(app: Callable[..., AppTest]) -> None:
    at = app("flows")
    at.toggle(key="flows_fixed").set_value(True).run()
    scale = at.number_input(key="flows_scale_t").value
    assert scale is not None and scale >= 1000
    first = json.loads(next(c.proto.spec for c in at.get("plotly_chart")))["layout"]["meta"]["per_t_px"]
    assert first == pytest.approx(400 / scale)  # scale_t tonnes are 400 px tall
    at.selectbox(key="flows_year").set_value(2023).run()
    again = json.loads(next(c.proto.spec for c in at.get("plotly_chart")))["layout"]["meta"]["per_t_px"]
    assert first == again
    assert at.number_input(key="flows_scale_t").value == scale


def test_the_table_lists_the_filtered_flows_with_units(app: Callable[..., AppTest]) -> None:
    at = app("flows")
    at.segmented_control(key="flows_view").set_value("table").run()
    table = at.dataframe[0].value
    assert len(table) == 12
    assert list(table["quantity"]) == sorted(table["quantity"], reverse=True)
    assert "Steel plant · SRC-1" in set(table["source"])
    at.selectbox(key="flows_month").set_value(2).run()
    assert set(at.dataframe[0].value["period"]) == {"2025-02"}


def test_mass_balance_warns_about_the_facilities_shown(app: Callable[..., AppTest]) -> None:
    at = app("flows")
    assert next(m.value for m in at.metric if m.label == "Balance warnings") == "3"  # collector 10 %, recycler, yard
    assert "out of balance" in at.warning[0].value
    at.segmented_control(key="flows_view").set_value("balance").run()
    table = at.dataframe[0].value
    assert set(table["facility"]) == {"Collector · COL-1", "Recycler · REC-1", "Slag yard · YARD-1"}
    at.slider(key="flows_tolerance").set_value(50.0).run()
    assert set(at.dataframe[0].value["facility"]) == {"Slag yard · YARD-1"}


def test_loops_are_listed(app: Callable[..., AppTest], world_db: Engine) -> None:
    at = app("flows")
    at.segmented_control(key="flows_view").set_value("loops").run()
    assert at.segmented_control(key="flows_loop_level").value == "park"  # facility loops of a province are slow
    at.segmented_control(key="flows_loop_level").set_value("facility").run()
    assert at.success[0].value == "No loops in these flows."
    record: dict[str, object] = {
        "period": "2025-01",
        "source": "REC-1",
        "target": "SRC-1",
        "material": "recycled_steel",
        "quantity": "10",
    }
    assert import_records(world_db, "flows", [record]).committed
    at.run()
    loops = at.dataframe[0].value
    assert set(loops["Loop"]) == {
        "Collector → Recycler → Steel plant → Collector",  # a loop starts at its smallest code
        "Recycler → Steel plant → Recycler",
        "Recycler → Steel plant → Slag yard → Recycler",
    }
    assert set(loops["Up to"]) == {"10.0 t"}  # the smallest link bounds what went round


def test_fate_of_a_facility_and_of_a_material(app: Callable[..., AppTest]) -> None:
    at = app("flows")
    at.segmented_control(key="flows_view").set_value("trace").run()
    at.selectbox(key="flows_trace_facility").set_value("COL-1").run()
    fate = at.dataframe[0].value
    assert abs(fate["share"].sum() - 1) < 1e-9
    assert "Outside the province · OUT" in set(fate["facility"])
    at.segmented_control(key="flows_trace_what").set_value("material").run()
    at.selectbox(key="flows_trace_material").set_value("fly_ash").run()
    assert not at.exception
    assert abs(at.dataframe[0].value["share"].sum() - 1) < 1e-9


def test_the_level_buttons_have_the_room_of_half_a_row(app: Callable[..., AppTest]) -> None:
    """The four "Show as" buttons ("Facility kinds" ... in English) are cut off in a narrower column."""
    at = app("flows")
    [column] = [c for c in at.columns if any(s.key == "flows_level" for s in c.get("segmented_control"))]
    assert column.weight >= 0.5
