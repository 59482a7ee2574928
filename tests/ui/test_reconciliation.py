"""The Reconciliation page: reconcile a year, see the flagged flows, save, and switch the Flows page to them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from mfa.services.writing import import_files
from tests.factories import flow, flows_file


def test_reconcile_flag_save_and_show_reconciled_values(app: Callable[..., AppTest], world_db: Engine) -> None:
    at = app("reconciliation")
    assert not at.metric  # nothing runs until asked
    at.selectbox(key="rec_year").set_value(2025)
    at.button(key="rec_run").click().run()
    assert not at.exception, at.exception
    labels = {m.label: m.value for m in at.metric}
    assert int(labels["Links"]) == 6 and int(labels["Balanced facilities"]) >= 2
    at.button(key="rec_save").click().run()
    assert not at.exception, at.exception
    with world_db.connect() as conn:
        saved = conn.execute(text("SELECT COUNT(*) FROM reconciled")).scalar()
    assert saved == 12  # every monthly flow of 2025 got its share
    at.switch_page("mfa/ui/flows.py").run()
    before = _drawn(at)
    at.toggle(key="flows_reconciled").set_value(True).run()
    assert not at.exception, at.exception
    assert _drawn(at) != before


def _drawn(at: AppTest) -> float:
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "flows_sankey" in (c.key or ""))
    return round(sum(link["value"] for link in spec["layout"]["meta"]["mfa_sankey"]["links"]), 3)


def test_the_page_opens_on_the_last_complete_year(
    app: Callable[..., AppTest], world_db: Engine, tmp_path: Path
) -> None:
    """One 10 t report for 2026-12 leaves the page on 2025, as the other pages; 2026 is offered, marked partial."""
    report = import_files(world_db, [flows_file(tmp_path, [flow("2026-12", "SRC-1", "COL-1", "scrap_steel", "10")])])
    assert report.ok, report.errors
    at = app("reconciliation", language="zh")
    year = at.selectbox(key="rec_year")
    assert year.value == 2025
    assert year.options[:2] == ["2026（不完整）", "2025"]


def test_the_diagrams_note_names_the_values_drawn(app: Callable[..., AppTest]) -> None:
    """Until the year's reconciled values are saved the diagram draws the reported ones, and says so everywhere;
    once saved, it draws and names the reconciled values."""
    at = app("reconciliation", language="zh")
    at.selectbox(key="rec_year").set_value(2025)
    at.button(key="rec_run").click().run()
    assert "本年度尚未保存校核结果" in at.info[0].value
    assert "填报值桑基图" in [s.value for s in at.subheader]
    note = json.dumps(_spec(at), ensure_ascii=False)
    assert "填报值" in note and "校核值（已保存的）" not in note
    at.button(key="rec_save").click().run()
    assert not at.info
    assert "校核值（已保存的）" in json.dumps(_spec(at), ensure_ascii=False)


def _spec(at: AppTest) -> dict[str, object]:
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "rec_sankey" in (c.key or ""))
