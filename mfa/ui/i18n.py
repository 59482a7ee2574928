"""The app's two languages: message look-up, names of kinds, cities, materials and indicators, number formats."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import streamlit as st

from mfa.domain.indicators import RATE_INDICATORS
from mfa.domain.sankey.data import format_tonnes as _format_tonnes_zh
from mfa.domain.vocabulary import CITIES, FACILITY_KINDS
from mfa.ui.messages import INDICATOR_NAMES, MESSAGES

Language = Literal["en", "zh"]
LANGUAGES: dict[Language, str] = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE: Language = "zh"
LANGUAGE_KEY = "language"
"""The session-state key (and URL query parameter) of the language switch."""
SHARE_INDICATORS = ("water_intensity_reduction", "energy_intensity_reduction", "pollutant_intensity_reduction")
"""Non-flow targets that are fractions like the rates (0.16 = 16 %)."""


def language() -> Language:
    """The language chosen in the sidebar (Chinese until the user picks English)."""
    value = st.session_state.get(LANGUAGE_KEY)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def language_switch() -> Language:
    """The 中文 / English switch in the sidebar; the choice is kept in the URL (?language=English) for shared links."""
    st.sidebar.segmented_control(
        "语言 · Language",
        list(LANGUAGES),
        default=DEFAULT_LANGUAGE,
        format_func=LANGUAGES.__getitem__,
        key=LANGUAGE_KEY,
        required=True,
        bind="query-params",
    )
    return language()


def t(message: str, /, **values: object) -> str:
    """The message with this key in the current language, with `{name}` fields filled from `values`."""
    en, zh = MESSAGES[message]
    text = zh if language() == "zh" else en
    return text.format(**values) if values else text


def labels(options: Iterable[Any], fmt: Callable[[Any], str]) -> Callable[[Any], str]:
    """A widget's format_func with every label made now, in this run's language (AppTest formats values after
    the run, where the session and so the language are not known)."""
    table = {option: fmt(option) for option in options}
    return lambda option: table.get(option, str(option))


def pick(en: str | None, zh: str | None, fallback: str = "") -> str:
    """The Chinese or English name for the current language, falling back to the other one, then `fallback`."""
    first, second = (zh, en) if language() == "zh" else (en, zh)
    return first or second or fallback


def kind_name(kind: str | None) -> str:
    """A facility kind's name (source, recycling ...) in the current language."""
    if kind is None:
        return "—"
    en, zh = FACILITY_KINDS.get(kind, (kind, kind))
    return pick(en, zh, kind)


def city_label(city: str | None) -> str:
    """A city's name: 长沙 or Changsha."""
    if city is None:
        return "—"
    return CITIES.get(city, city) if language() == "zh" else city


def coded(name: str, code: str) -> str:
    """A name with its code, as selectboxes show them so typing either finds it."""
    return name if not code or name == code else f"{name} · {code}"


def name_of(names: Mapping[str, tuple[str | None, str | None]], code: str | None) -> str:
    """The name of a park, facility or material code from a code -> (name, name_zh) mapping; the code if unknown."""
    if code is None:
        return "—"
    en, zh = names.get(code, (None, None))
    return pick(en, zh, code)


def indicator_name(indicator: str) -> str:
    """An indicator's name in the current language (the code for an unknown one)."""
    en, zh = INDICATOR_NAMES.get(indicator, (indicator, indicator))
    return zh if language() == "zh" else en


def is_fraction(indicator: str) -> bool:
    """True for indicators stored as fractions (0.57 for 57 %)."""
    return (
        indicator in RATE_INDICATORS or indicator in SHARE_INDICATORS or indicator.endswith(("_rate", "_share_of_gdp"))
    )


def is_tonnage(indicator: str) -> bool:
    """True for indicators in tonnes."""
    return indicator.endswith("_t")


def format_tonnes(value: float | None) -> str:
    """Tonnes for people: 万吨 / 亿吨 in Chinese, t / kt / Mt in English."""
    if value is None:
        return "—"
    if language() == "zh":
        return _format_tonnes_zh(value, "zh")
    size = abs(value)
    for factor, unit in ((1e6, "Mt"), (1e3, "kt")):
        if size >= factor:
            return f"{value / factor:,.{2 if size < 10 * factor else 1}f} {unit}"
    return f"{value:,.{0 if size >= 100 else 1}f} t"


def tonnage_scale(largest: float) -> tuple[float, str]:
    """A (divisor, unit) for an axis whose values reach `largest` tonnes: 万吨 or 亿吨, kt or Mt."""
    if language() == "zh":
        steps = ((1e8, "亿吨"), (1e4, "万吨"))
        return next(((f, u) for f, u in steps if largest >= f), (1.0, "吨"))
    return next(((f, u) for f, u in ((1e6, "Mt"), (1e3, "kt")) if largest >= f), (1.0, "t"))


def format_percent(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: 0.573 -> 57.3 %."""
    return "—" if value is None else f"{value * 100:.{digits}f} %"


def format_value(indicator: str, value: float | None) -> str:
    """An indicator's value in its unit: tonnes, a percentage or a count."""
    if value is None:
        return "—"
    if is_fraction(indicator):
        return format_percent(value)
    if is_tonnage(indicator):
        return format_tonnes(value)
    return f"{value:,.0f}"


def format_change(indicator: str, now: float | None, before: float | None) -> str | None:
    """The change from `before` to `now`: percentage points for fractions, a relative change otherwise."""
    if now is None or before is None:
        return None
    if is_fraction(indicator):
        return t("delta_points", value=f"{(now - before) * 100:+.1f}")
    if before == 0:
        return None
    return f"{(now / before - 1) * 100:+.1f} %"


def format_difference(indicator: str, difference: float | None) -> str | None:
    """A signed difference in the indicator's unit: +1.2 pp for fractions, −140 万吨 for tonnes."""
    if difference is None:
        return None
    if is_fraction(indicator):
        return t("delta_points", value=f"{difference * 100:+.1f}")
    sign = "+" if difference > 0 else ""
    return sign + (format_tonnes(difference) if is_tonnage(indicator) else f"{difference:,.0f}")
