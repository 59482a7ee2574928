"""One label table: every word in English and Chinese, names of the closed vocabularies, tonnes for people."""

from __future__ import annotations

import re

import pytest

from mfa.domain import labels
from mfa.domain.indicators import INDICATORS
from mfa.domain.vocabulary import CITIES, FACILITY_KINDS, NO_CITY, NO_PARK, OUTSIDE

HAN = re.compile("[\u4e00-\u9fff]")


def test_every_message_has_both_languages_with_the_same_fields() -> None:
    for key, (en, zh) in labels.MESSAGES.items():
        assert en.strip() and zh.strip(), key
        assert set(re.findall(r"\{(\w+)", en)) == set(re.findall(r"\{(\w+)", zh)), key
        assert not HAN.search(en), key


def test_the_vocabularies_are_named_in_both_languages() -> None:
    assert set(labels.KIND_LABELS) == set(FACILITY_KINDS)
    assert [labels.kind_label(k, "zh") for k in ("recycling", "boundary")] == ["再生利用/综合利用", "省外"]
    assert labels.city_label("Changsha", "zh") == "长沙" and labels.city_label("Changsha", "en") == "Changsha"
    assert all(HAN.search(labels.city_label(c, "zh")) for c in CITIES)
    assert all(labels.indicator_label(i, "en") != i and HAN.search(labels.indicator_label(i, "zh")) for i in INDICATORS)
    assert [labels.node_label(n, "zh") for n in (OUTSIDE, NO_PARK, NO_CITY)] == ["省外", "园区外", "城市不详"]
    assert labels.node_label("YY-MLCE", "en") is None  # a park is named from the database, not here
    assert labels.text("sankey_in", "zh", tonnes="3 吨") == "流入 3 吨"


@pytest.mark.parametrize(
    ("value", "language", "written"),
    [
        (98, "en", "98.0 t"),
        (12_300, "en", "12.3 kt"),
        (1_234_567, "en", "1.23 Mt"),
        (30e6, "en", "30.0 Mt"),
        (-500, "en", "-500 t"),
        (9_800, "zh", "9,800 吨"),
        (12_300, "zh", "1.23 万吨"),
        (30e6, "zh", "3,000 万吨"),
        (123_456_789, "zh", "1.23 亿吨"),
    ],
)
def test_tonnes_are_written_as_the_app_writes_them(value: float, language: labels.Language, written: str) -> None:
    assert labels.format_tonnes(value, language) == written


def test_an_axis_takes_the_unit_of_its_largest_value() -> None:
    assert labels.tonnage_scale(5e8, "zh") == (1e8, "亿吨") and labels.tonnage_scale(5e4, "en") == (1e3, "kt")
    assert labels.tonnage_scale(50, "zh") == (1.0, "吨")
