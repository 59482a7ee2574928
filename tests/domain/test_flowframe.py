"""Scope and Selection: where a question is asked and which flows it looks at, on a hand-built flow frame."""

from __future__ import annotations

import pytest

from mfa.domain.flowframe import PROVINCE, Scope, Selection, selected
from tests.factories import GRAPH_PARENTS, make_flows

FLOWS = make_flows(
    ("2024-01", "src_a", "col_a", "scrap_steel", 60.0),
    ("2024-02", "col_a", "rec_b", "scrap_copper", 40.0),
    ("2024", "outside", "rec_c", "fly_ash", 5.0),
    ("2023", "src_c", "store_c", "fly_ash", 7.0),
)


def keys(selection: Selection) -> list[tuple[str, str, str]]:
    return sorted(selected(FLOWS, GRAPH_PARENTS, selection).select("period", "source", "target").rows())


def test_a_scope_reads_its_spellings_and_says_its_level() -> None:
    assert Scope.parse("city:长沙") == Scope("city", "Changsha") and Scope.parse("province") == PROVINCE
    assert (Scope("park", "A").park, Scope("park", "A").city, Scope("city", "Yueyang").city) == ("A", None, "Yueyang")
    assert Scope("city", "Yueyang").key == "Yueyang" and PROVINCE.key == "province"
    with pytest.raises(ValueError, match="a park scope needs a code"):
        Scope("park")
    with pytest.raises(ValueError, match="unknown scope level"):
        Scope("county", "x")  # type: ignore[arg-type]


def test_a_selection_keeps_flows_by_period_scope_material_and_kind() -> None:
    assert len(keys(Selection())) == 4
    assert keys(Selection(2024, 2)) == [("2024-02", "col_a", "rec_b")]
    assert [k[0] for k in keys(Selection(2024))] == ["2024", "2024-01", "2024-02"]  # a year holds its months
    assert keys(Selection(scope=Scope("park", "B"))) == [("2024-02", "col_a", "rec_b")]  # either end in the park
    assert keys(Selection(scope=Scope("city", "Yueyang"))) == [
        ("2023", "src_c", "store_c"),
        ("2024", "outside", "rec_c"),
    ]
    assert keys(Selection(material="scrap_nonferrous")) == [("2024-02", "col_a", "rec_b")]  # and below it
    assert keys(Selection(kinds=("storage", "boundary"))) == [
        ("2023", "src_c", "store_c"),
        ("2024", "outside", "rec_c"),
    ]
    assert Selection(2024, 3).period == "2024-03" and Selection(2024).period == "2024" and Selection().period is None


def test_a_month_needs_a_year_and_months_run_from_1_to_12() -> None:
    with pytest.raises(ValueError, match="a month needs a year"):
        Selection(month=3)
    with pytest.raises(ValueError, match=r"month must be in 1\.\.12"):
        Selection(2024, 13)
