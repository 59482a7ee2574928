"""The closed vocabularies of mfa: facility kinds, material groups and the material tree's arithmetic, cities."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

GROUPS = ("renewable", "bulk_solid_waste", "secondary")

FACILITY_KINDS: tuple[str, ...] = (
    "source",
    "collection",
    "recycling",
    "remanufacturing",
    "reuse",
    "energy_recovery",
    "storage",
    "disposal",
    "boundary",
)
"""The facility kinds, upstream to downstream; the list is closed (names: mfa.domain.labels.KIND_LABELS)."""

RECOVERY_KINDS = frozenset({"collection", "recycling", "remanufacturing", "reuse"})
UTILIZATION_KINDS = frozenset({"recycling", "remanufacturing", "reuse", "energy_recovery"})

PARK_LEVELS = ("national", "provincial", "other")

OUTSIDE = "outside the province"
"""The node of every boundary facility in a graph or diagram above the facility level. Node ids that stand for
places hold spaces, so they cannot clash with facility, park or city codes."""
NO_PARK = "outside any park"
"""The node of facilities in the province but in no park, at park level."""
NO_CITY = "no city"
"""The node of facilities in the province whose park has no city, at city level."""
OTHER_SOURCES = "other sources"
OTHER_TARGETS = "other targets"
"""The pair of nodes that small nodes are merged into in a diagram: their outflows, their inflows."""

CITIES: dict[str, str] = {
    "Changsha": "长沙",
    "Zhuzhou": "株洲",
    "Xiangtan": "湘潭",
    "Hengyang": "衡阳",
    "Shaoyang": "邵阳",
    "Yueyang": "岳阳",
    "Changde": "常德",
    "Zhangjiajie": "张家界",
    "Yiyang": "益阳",
    "Chenzhou": "郴州",
    "Yongzhou": "永州",
    "Huaihua": "怀化",
    "Loudi": "娄底",
    "Xiangxi": "湘西",
}
"""Hunan's 14 prefecture-level divisions: English name (the stored form) -> Chinese name."""

_CITY_ALIASES: dict[str, str] = {
    **{en.casefold(): en for en in CITIES},
    **{zh: en for en, zh in CITIES.items()},
    **{zh + "市": en for en, zh in CITIES.items()},
    "湘西州": "Xiangxi",
    "湘西土家族苗族自治州": "Xiangxi",
}


def city_name(text: str) -> str | None:
    """The stored (English) name of a Hunan city given in English or Chinese, or None if unknown."""
    return _CITY_ALIASES.get(text.strip().casefold())


def city_aliases() -> Mapping[str, str]:
    """Every accepted spelling (casefolded) of a city -> its stored English name."""
    return _CITY_ALIASES


def descendants(parents: Mapping[str, str | None], codes: Iterable[str]) -> set[str]:
    """The given material codes and every code below them in the tree (`parents`: code -> parent)."""
    children: dict[str, list[str]] = {}
    for code, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(code)
    found: set[str] = set()
    todo = [c for c in codes]
    while todo:
        code = todo.pop()
        if code in found:
            continue
        found.add(code)
        todo.extend(children.get(code, ()))
    return found


def root_of(parents: Mapping[str, str | None], code: str) -> str:
    """The top-level group a material belongs to (itself if it is a group)."""
    seen: set[str] = set()
    while (parent := parents.get(code)) is not None and code not in seen:
        seen.add(code)
        code = parent
    return code


def ancestors(parents: Mapping[str, str | None], code: str) -> set[str]:
    """`code` and every material above it in the tree."""
    chain: set[str] = set()
    cur: str | None = code
    while cur is not None and cur not in chain:
        chain.add(cur)
        cur = parents.get(cur)
    return chain
