"""Units of mass as people write them (t, kg, 万吨, 亿吨 ...) and their factor to tonnes."""

from __future__ import annotations

_BASE: dict[str, float] = {"t": 1.0, "tonne": 1.0, "tonnes": 1.0, "kg": 1e-3, "kt": 1e3}

UNITS: dict[str, float] = {
    **{v: f for k, f in _BASE.items() for v in (k, k.upper(), k.capitalize())},
    "kT": 1e3,
    "Mt": 1e6,
    "吨": 1.0,
    "千克": 1e-3,
    "公斤": 1e-3,
    "千吨": 1e3,
    "万吨": 1e4,
    "万t": 1e4,
    "万T": 1e4,
    "百万吨": 1e6,
    "亿吨": 1e8,
    "亿t": 1e8,
    "亿T": 1e8,
}
"""Every accepted spelling of a unit -> tonnes per unit. `mt`/`MT` are refused: metric ton or megatonne?"""

UNIT_HINT = "use t, kg, kt, Mt, 万吨 or 亿吨"
AMBIGUOUS_UNITS = frozenset({"mt", "MT", "mT"})
