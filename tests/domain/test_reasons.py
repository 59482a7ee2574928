"""Reasons: every refusal the validators and the write permissions give reads in Chinese too."""

from __future__ import annotations

import string
from datetime import date

import polars as pl

from mfa.domain.labels.reasons import REASONS, reason, translate
from mfa.domain.roles import Actor
from mfa.intake.validate import Checked, Refs, validate_flows
from mfa.services.authorize import forbidden


def test_every_template_translates_what_it_builds() -> None:
    for key, (english, chinese) in REASONS.items():
        fields = {
            name: f"<{name}{i}>" for i, (_t, name, _s, _c) in enumerate(string.Formatter().parse(english)) if name
        }
        built = reason(key, **fields)
        assert translate(built, "zh") != built, key
        assert all(value in translate(built, "zh") or name == "column" for name, value in fields.items()), key
        assert translate(built, "en") == built
        assert chinese


def test_validation_and_permission_refusals_are_reasons_with_chinese() -> None:
    rows = pl.DataFrame(
        {
            "period": ["2025-03", "2025-03"],
            "source": ["A", "A"],
            "target": ["A", "B"],
            "material": ["scrap_steel", "scrap_steel"],
            "quantity": ["", "5"],
            "_file": ["f.csv", "f.csv"],
            "_row": [2, 3],
        }
    )
    refs = Refs(facilities={"A": "source", "B": "recycling"}, materials={"scrap_steel": None})
    checked = validate_flows(rows, refs, today=date(2026, 1, 1))
    zh = {translate(r, "zh") for r in checked.errors["reason"]}
    assert zh == {"流量的来源和去向不能是同一设施", "请填写数量（只有数据质量为“未知”时才可留空）"}
    manager = Actor("miluo", "park_manager", frozenset({"MILUO"}), "test")
    refused = forbidden(manager, Checked("flows", checked.valid, checked.errors, ()), {"A": "P", "B": "Q"})
    assert [translate(r, "zh") for r in refused["reason"]] == ["miluo 只能写入来源或去向在本人所管园区的流量"]
