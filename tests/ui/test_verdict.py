"""The Reconciliation page says first, in plain words, which reports are probably wrong; the Flows page's balance
checks a facility with a declared transfer coefficient against it and shows the declarations (admins edit them)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from mfa.services.editing import import_records
from mfa.services.writing import import_files
from tests.factories import flow, flows_file


def _slip(world_db: Engine, tmp_path: Path) -> None:
    """March 2025: the collector's 108 t to the recycler written as 108 000 t (kilograms as tonnes)."""
    rows = [flow("2025-03", "COL-1", "REC-1", "scrap_steel", "108000", uncertainty="0.02")]
    assert import_files(world_db, [flows_file(tmp_path, rows, name="march.csv")]).committed


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_verdict_comes_first_in_plain_words(app: Callable[..., AppTest], world_db: Engine, tmp_path: Path) -> None:
    _slip(world_db, tmp_path)
    at = app("reconciliation")
    at.selectbox(key="rec_year").set_value(2025)
    at.button(key="rec_run").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.subheader][:2] == ["Verdict", "Statistics"]
    [headline] = at.error
    assert "probably wrong" in headline.value
    assert "**1. Collector · COL-1 → Recycler · REC-1, Scrap steel: reported 108.2 kt, reconciled" in _markdown(at)
    helps = {m.label: m.help for m in at.metric}
    # a short label (a long one is cut off in its narrow column); the degrees of freedom are in the help
    assert "measured in their own uncertainty" in helps["Chi-square"]
    assert re.search(r"degrees of freedom, here [\d,]+ \(", helps["Chi-square"])
    assert "ordinary measurement noise" in helps["p-value"]
    zh = app("reconciliation", language="zh")
    zh.selectbox(key="rec_year").set_value(2025)
    zh.button(key="rec_run").click().run()
    assert not zh.exception, zh.exception
    assert [s.value for s in zh.subheader][:2] == ["结论", "统计检验"]
    assert "可能有误" in zh.error[0].value
    assert "卡方" in [m.label for m in zh.metric]
    assert "**1. 回收站 · COL-1 → 再生厂 · REC-1，废钢铁：填报 10.8 万吨，校核值 187 吨" in _markdown(zh)


def test_balance_warnings_leave_out_a_facility_within_its_declared_coefficient(
    app: Callable[..., AppTest], world_db: Engine
) -> None:
    at = app("flows")
    warnings = lambda a: int(next(m.value for m in a.metric if m.label == "Balance warnings"))  # noqa: E731
    assert warnings(at) == 3  # the collector, the recycler (it passes on 59 % of its input) and the yard
    report = import_records(
        world_db, "transfer_coefficients", [{"facility": "REC-1", "coefficient": "60%", "tolerance": "5%"}]
    )
    assert report.committed, report.errors
    at = app("flows")
    assert warnings(at) == 2
    at.segmented_control(key="flows_view").set_value("balance").run()
    at.toggle(key="flows_only_warnings").set_value(False).run()
    assert not at.exception, at.exception
    table = next(d for d in at.dataframe if "finding" in d.value.columns).value
    row = table[table["facility"].str.contains("REC-1")].iloc[0]
    assert (row["status"], row["declared"]) == ("within its declared transfer coefficient", "55 %–65 %")
    assert row["observed_coefficient"] == 192 / 328  # the recycled steel out of the scrap and fly ash in


def test_admins_declare_and_withdraw_a_coefficient_in_the_balance_view(
    app: Callable[..., AppTest], world_db: Engine
) -> None:
    at = app("flows")
    at.segmented_control(key="flows_view").set_value("balance").run()
    at.selectbox(key="coefficient_for").set_value("facility:REC-1")
    at.number_input(key="coefficient_value").set_value(60.0)
    at.number_input(key="coefficient_tol").set_value(5.0)
    at.text_input(key="coefficient_source").set_value("weighed residues")
    at.button(key="FormSubmitter:coefficient_form-Save").click().run()
    assert not at.exception, at.exception
    with world_db.connect() as conn:
        stored = conn.execute(text("SELECT scope, coefficient, tolerance, source FROM transfer_coefficient")).all()
    assert [tuple(r) for r in stored] == [("REC-1", 0.6, 0.05, "weighed residues")]
    at.selectbox(key="coefficient_for").set_value("facility:REC-1")
    at.button(key="FormSubmitter:coefficient_form-Delete").click().run()
    with world_db.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM transfer_coefficient")).scalar() == 0
    analyst = app("flows", user=("ana", "analyst", []))
    analyst.segmented_control(key="flows_view").set_value("balance").run()
    assert not analyst.exception and "coefficient_for" not in [s.key for s in analyst.selectbox]
