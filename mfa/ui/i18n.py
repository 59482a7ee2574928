"""The app's two languages: message look-up, names of kinds, cities, materials and indicators, number formats."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import streamlit as st

from mfa.domain import labels as table
from mfa.domain.indicators import RATE_INDICATORS
from mfa.domain.labels import Language

LANGUAGES: dict[Language, str] = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE: Language = "zh"
LANGUAGE_KEY = "language"
"""The session-state key (and URL query parameter) of the language switch."""
SHOWN_LANGUAGE_KEY = "_language_shown"
"""The language of the previous run: when it differs, widgets get their values again in the new words."""
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
    chosen = language()
    if st.session_state.get(SHOWN_LANGUAGE_KEY, chosen) != chosen:
        resend_values()
    st.session_state[SHOWN_LANGUAGE_KEY] = chosen
    return chosen


def resend_values(keys: Iterable[str] | None = None) -> None:
    """Send the browser the current value of keyed widgets (all of them, or `keys`) again, so it shows them with
    the labels of this run: a select box keeps the label it was given until its value is set anew, so after a
    language switch or an edit of the data it would still show the old words or figures. Call before the widgets
    are drawn; buttons, uploads and tables (not settable) and the language switch are left alone."""
    ss = st.session_state
    for key in list(ss.keys()) if keys is None else keys:
        if key in ss and key != LANGUAGE_KEY and not str(key).startswith("_") and _settable(ss[key]):
            ss[key] = ss[key]


def _settable(value: object) -> bool:
    """A value a select box, multiselect, radio, text or number input holds (not a button's bool, an upload or
    an editor's dict), so setting it again is allowed."""
    if isinstance(value, list):
        return all(isinstance(item, str | int) and not isinstance(item, bool) for item in value)
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def t(message: str, /, **values: object) -> str:
    """The message with this key in the current language, with `{name}` fields filled from `values`."""
    return table.text(message, language(), **values)


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
    return table.kind_label(kind, language())


def city_label(city: str | None) -> str:
    """A city's name: 长沙 or Changsha."""
    if city is None:
        return "—"
    return table.city_label(city, language())


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
    return table.indicator_label(indicator, language())


def is_fraction(indicator: str) -> bool:
    """True for indicators stored as fractions (0.57 for 57 %)."""
    return (
        indicator in RATE_INDICATORS or indicator in SHARE_INDICATORS or indicator.endswith(("_rate", "_share_of_gdp"))
    )


def is_tonnage(indicator: str) -> bool:
    """True for indicators in tonnes."""
    return indicator.endswith("_t")


def format_tonnes(value: float | None) -> str:
    """Tonnes for people in the current language (mfa.domain.labels.format_tonnes); "—" for none."""
    return "—" if value is None else table.format_tonnes(value, language())


def tonnage_scale(largest: float) -> tuple[float, str]:
    """A (divisor, unit) for an axis whose values reach `largest` tonnes: 万吨 or 亿吨, kt or Mt."""
    return table.tonnage_scale(largest, language())


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
