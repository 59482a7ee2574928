"""Every word a user reads, in English and Chinese, in one table, and numbers written for people.

`text(key, language)` looks a message up (the app's messages are in `messages.py`); the names of the closed
vocabularies (facility kinds, cities, indicators, the nodes standing for places outside the parks) are looked up by
code. Codes and data (facility, park and material names) are never translated: they are shown as stored.
"""

from __future__ import annotations

from typing import Literal

from mfa.domain.labels.messages import INDICATOR_NAMES, MESSAGES
from mfa.domain.vocabulary import CITIES, NO_CITY, NO_PARK, OTHER_SOURCES, OTHER_TARGETS, OUTSIDE

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")

KIND_LABELS: dict[str, tuple[str, str]] = {
    "source": ("Source", "产生源"),
    "collection": ("Collection", "回收网点/分拣中心"),
    "recycling": ("Recycling", "再生利用/综合利用"),
    "remanufacturing": ("Remanufacturing", "再制造"),
    "reuse": ("Reuse", "再使用/梯次利用"),
    "energy_recovery": ("Energy recovery", "能量回收"),
    "storage": ("Storage", "贮存/堆场"),
    "disposal": ("Disposal", "处置/填埋"),
    "boundary": ("Boundary", "省外"),
}
"""Facility kind code -> (English, Chinese) name; also the spellings an import accepts for a kind."""

NODE_LABELS: dict[str, tuple[str, str]] = {
    OUTSIDE: ("Outside the province", "省外"),
    NO_PARK: ("Outside any park", "园区外"),
    NO_CITY: ("No city", "城市不详"),
    OTHER_SOURCES: ("Other", "其他"),
    OTHER_TARGETS: ("Other", "其他"),
}
"""The nodes of a diagram or graph that stand for places rather than facilities, parks or cities."""

INDICATOR_LABELS: dict[str, tuple[str, str]] = INDICATOR_NAMES
"""Indicator code -> (English, Chinese) name, for computed and reported indicators alike."""


def _pick(pair: tuple[str, str], language: Language) -> str:
    return pair[1] if language == "zh" else pair[0]


def text(key: str, language: Language, /, **values: object) -> str:
    """The message `key` in `language`, with `{name}` fields filled from `values`."""
    message = _pick(MESSAGES[key], language)
    return message.format(**values) if values else message


def kind_label(kind: str, language: Language) -> str:
    """A facility kind's name (the code for an unknown kind)."""
    return _pick(KIND_LABELS.get(kind, (kind, kind)), language)


def city_label(city: str, language: Language) -> str:
    """A city's name: 长沙 or Changsha (as stored for an unknown one)."""
    return CITIES.get(city, city) if language == "zh" else city


def indicator_label(indicator: str, language: Language) -> str:
    """An indicator's name (the code for an unknown one)."""
    return _pick(INDICATOR_LABELS.get(indicator, (indicator, indicator)), language)


def node_label(node: str, language: Language) -> str | None:
    """The name of a node standing for a place (outside the province, outside any park ...), else None."""
    pair = NODE_LABELS.get(node)
    return None if pair is None else _pick(pair, language)


def _number(x: float, decimals: int) -> str:
    written = f"{x:,.{decimals}f}"
    return written.rstrip("0").rstrip(".") if "." in written else written


def format_tonnes(value: float, language: Language) -> str:
    """Tonnes for people, as the whole app writes them: "98.0 t", "12.30 kt", "1.23 Mt", "30.0 Mt" in English;
    "98 吨", "1.23 万吨", "1.5 亿吨" in Chinese."""
    sign, size = ("-" if value < 0 else ""), abs(value)
    if language == "zh":
        for factor, unit in ((1e8, "亿吨"), (1e4, "万吨")):
            if size >= factor:
                x = size / factor
                return f"{sign}{_number(x, 2 if x < 10 else 1 if x < 100 else 0)} {unit}"
        return f"{sign}{_number(size, 0 if size >= 100 else 1)} 吨"
    for factor, unit in ((1e6, "Mt"), (1e3, "kt")):
        if size >= factor:
            return f"{value / factor:,.{2 if size < 10 * factor else 1}f} {unit}"
    return f"{value:,.{0 if size >= 100 else 1}f} t"


def tonnage_scale(largest: float, language: Language) -> tuple[float, str]:
    """A (divisor, unit) for an axis whose values reach `largest` tonnes: 万吨 or 亿吨, kt or Mt."""
    steps = ((1e8, "亿吨"), (1e4, "万吨")) if language == "zh" else ((1e6, "Mt"), (1e3, "kt"))
    return next(((f, u) for f, u in steps if largest >= f), (1.0, "吨" if language == "zh" else "t"))
