"""The Hand-overs page: a park manager confirms the counterpart's figure in one click; analysts see disputes per park
and city."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from mfa.domain.roles import Actor
from mfa.services.writing import import_files
from tests.factories import flow, flows_file

KEY = ("2024-05", "COL-1", "REC-1", "fly_ash")


@pytest.fixture
def declared(world_db: Engine, tmp_path: Path) -> Engine:
    miluo = Actor("max", "park_manager", frozenset({"MILUO"}))
    rows = [flow(*KEY, "100"), flow("2024-06", "COL-1", "REC-1", "fly_ash", "100")]
    assert import_files(world_db, [flows_file(tmp_path, rows, name="m.csv")], actor=miluo).ok
    rows = [flow("2024-06", "COL-1", "REC-1", "fly_ash", "70", side="receiver")]
    assert import_files(world_db, [flows_file(tmp_path, rows, name="n.csv")]).ok
    return world_db


def test_the_receivers_park_manager_confirms_the_senders_figure(app: Callable[..., AppTest], declared: Engine) -> None:
    at = app("handovers", user=("ningxiang-manager", "park_manager", ["NINGXIANG"]), language="en")
    at.selectbox(key="handovers_year").set_value(2024).run()
    assert not at.exception
    # the world's six hand-overs from Miluo to Ningxiang in 2024 and ours of May, declared by Miluo only
    assert [tab.label for tab in at.tabs] == ["To confirm (7)", "Awaiting the counterpart (0)", "Disputed (1)"]
    assert at.button(key="handovers_confirm_confirm").disabled  # nothing chosen yet
    at.selectbox(key="handovers_pick_confirm").set_value("|".join(KEY)).run()
    at.button(key="handovers_confirm_confirm").click().run()
    assert at.success[0].value.startswith("Confirmed: 2024-05")
    with declared.connect() as conn:
        sides = conn.execute(text("SELECT side, quantity_t FROM flow WHERE period = '2024-05' ORDER BY side")).all()
    assert [tuple(r) for r in sides] == [("receiver", 100.0), ("sender", 100.0)]
    assert at.tabs[0].label == "To confirm (6)"


def test_analysts_see_disputes_per_park_and_city(app: Callable[..., AppTest], declared: Engine) -> None:
    at = app("handovers", user=("an-analyst", "analyst", []), language="zh")
    at.selectbox(key="handovers_year").set_value(2024).run()
    assert not at.exception
    assert [m.label for m in at.metric] == ["一致", "有争议", "仅移出方", "仅接收方"]
    assert [m.value for m in at.metric] == ["0", "1", "13", "0"]  # the world's 12 of 2024 and our May
    by_park = at.dataframe[0].value
    # Miluo: 10 of the world's 2024 hand-overs and our two; 6 + May await Ningxiang; June is disputed, agreed at
    # the weighted mean of 100 t and 70 t (no uncertainty given: σ = 25 % of each)
    agreed = (100 / 25**2 + 70 / 17.5**2) / (1 / 25**2 + 1 / 17.5**2)
    assert by_park.iloc[0].tolist() == ["汨罗循环经济产业园 · MILUO", 0, 1, pytest.approx(agreed), 7, 12]
    assert [b.key for b in at.button] == ["logout"]  # analysts confirm nothing


def test_the_overview_says_how_much_of_a_figure_rests_on_doubtful_hand_overs(
    app: Callable[..., AppTest], declared: Engine
) -> None:
    at = app(language="en")
    at.selectbox(key="overview_year").set_value(2024).run()
    notes = [c.value for c in at.caption if "hand-overs" in c.value or "one side" in c.value]
    # June's fly ash (100 t declared, 70 t received) is utilized bulk waste: part of it is disputed; the world's
    # scrap steel from Miluo to Ningxiang has been declared by Miluo only
    assert any("on disputed hand-overs" in n for n in notes), notes
    assert any("declared by one side only" in n for n in notes), notes


def test_the_page_opens_on_the_last_complete_year(
    app: Callable[..., AppTest], world_db: Engine, tmp_path: Path
) -> None:
    """One 10 t report for 2026-12 leaves the page on 2025, as the other pages; 2026 is offered, marked partial."""
    report = import_files(world_db, [flows_file(tmp_path, [flow("2026-12", "SRC-1", "COL-1", "scrap_steel", "10")])])
    assert report.ok, report.errors
    at = app("handovers", language="en")
    year = at.selectbox(key="handovers_year")
    assert year.value == 2025
    assert year.options[:2] == ["2026 (partial)", "2025"]


def test_places_are_named_in_the_users_language_whatever_thread_polars_uses(
    app: Callable[..., AppTest], declared: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Polars may run a Python function on a thread without the Streamlit session (which reads as Chinese): every
    function it is given runs on such a thread here, and the English page still names parks and cities in English."""

    def elsewhere(self: pl.Expr, function: Callable[[Any], Any], *args: Any, **kwargs: Any) -> pl.Expr:
        def run(value: Any) -> Any:
            with ThreadPoolExecutor(1) as pool:
                return pool.submit(function, value).result()

        return map_elements(self, run, *args, **kwargs)

    map_elements = pl.Expr.map_elements
    monkeypatch.setattr(pl.Expr, "map_elements", elsewhere)
    at = app("handovers", user=("an-analyst", "analyst", []), language="en")
    at.selectbox(key="handovers_year").set_value(2024).run()
    assert not at.exception
    assert at.dataframe[0].value.iloc[0, 0] == "Miluo Circular Economy Industrial Park · MILUO"
    assert set(at.dataframe[1].value.iloc[:, 0]) == {"Changsha", "Yueyang"}
