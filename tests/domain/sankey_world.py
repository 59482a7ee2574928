"""Hand-built flow frames for the Sankey tests: a steel loop between two parks, and generated graphs with loops."""

from __future__ import annotations

import random

import polars as pl

from tests.factories import FLOW_SCHEMA

PARENTS: dict[str, str | None] = {
    "renewable": None,
    "scrap_steel": "renewable",
    "scrap_nonferrous": "renewable",
    "scrap_copper": "scrap_nonferrous",
    "bulk_solid_waste": None,
    "smelting_slag": "bulk_solid_waste",
    "fly_ash": "bulk_solid_waste",
    "secondary": None,
    "building_material": "secondary",
}

FACILITIES: dict[str, tuple[str, str | None, str | None, str, str]] = {
    "mill": ("source", "XT", "Xiangtan", "Steel mill", "湘潭钢厂"),
    "slag": ("recycling", "XT", "Xiangtan", "Slag processor", "钢渣处理厂"),
    "col": ("collection", "CS", "Changsha", "Scrap collector", "废钢回收站"),
    "brick": ("recycling", "CS", "Changsha", "Brick works", "砖厂"),
    "land": ("disposal", "YY", "Yueyang", "Landfill", "填埋场"),
    "loose": ("collection", None, "Changsha", "Street collector", "街道回收点"),
    "out": ("boundary", None, None, "Outside", "省外"),
}
"""code -> (kind, park, city, name, name_zh)."""

ROWS: list[tuple[str, str, str, float]] = [
    ("col", "mill", "scrap_steel", 12000),
    ("mill", "slag", "smelting_slag", 5000),
    ("slag", "mill", "scrap_steel", 800),
    ("slag", "brick", "smelting_slag", 3000),
    ("slag", "land", "smelting_slag", 1200),
    ("out", "col", "scrap_steel", 4000),
    ("brick", "out", "building_material", 2500),
    ("col", "brick", "scrap_copper", 30),
    ("loose", "col", "scrap_steel", 600),
    ("mill", "brick", "fly_ash", 400),
]
"""The steel loop: the mill's slag goes to the slag processor, which sends recovered scrap back to the mill."""
TOTAL_T = sum(row[3] for row in ROWS)
KINDS = ("source", "collection", "recycling", "reuse", "storage", "energy_recovery", "disposal")
MATERIALS = ("scrap_steel", "fly_ash", "building_material")


def make_flows(rows: list[tuple[str, str, str, float]], facilities: dict | None = None) -> pl.DataFrame:
    """The analysis flow frame of `rows` (source, target, material, tonnes), all in 2024."""
    known = facilities or FACILITIES
    records = []
    for source, target, material, tonnes in rows:
        s_kind, s_park, s_city, *_ = known[source]
        t_kind, t_park, t_city, *_ = known[target]
        records.append(
            (
                "2024",
                2024,
                None,
                source,
                target,
                material,
                float(tonnes),
                s_kind,
                t_kind,
                s_park,
                t_park,
                s_city,
                t_city,
            )
        )
    return pl.DataFrame(records, schema=FLOW_SCHEMA, orient="row")


def facility_frame(facilities: dict | None = None) -> pl.DataFrame:
    """The facilities frame (code, name, name_zh, kind, park, city) of `facilities`."""
    rows = [
        (code, name, zh, kind, park, city) for code, (kind, park, city, name, zh) in (facilities or FACILITIES).items()
    ]
    return pl.DataFrame(rows, schema=["code", "name", "name_zh", "kind", "park", "city"], orient="row")


def random_world(seed: int, n: int, links: int, parks: int = 6) -> tuple[dict, list[tuple[str, str, str, float]]]:
    """A random province: `n` facilities of every kind in `parks` parks (and a boundary facility), `links` flows
    with tonnes spread over four orders of magnitude, many of them both ways (loops)."""
    rng = random.Random(seed)
    facilities = {"EXT": ("boundary", None, None, "Elsewhere", "省外")}
    for i in range(n):
        park = f"P{rng.randrange(parks):02d}"
        facilities[f"F{i:03d}"] = (KINDS[i % len(KINDS)], park, f"City{park[-1]}", f"Facility number {i}", f"设施{i}")
    codes = list(facilities)
    rows: dict[tuple[str, str, str], float] = {}
    while len(rows) < links:
        u, v = rng.sample(codes, 2)
        material = rng.choice(MATERIALS)
        rows[(u, v, material)] = round(10 ** rng.uniform(1, 5), 1)
        if rng.random() < 0.3 and "EXT" not in (u, v):
            rows[(v, u, material)] = round(10 ** rng.uniform(1, 4), 1)  # and back: a loop
    return facilities, [(u, v, m, t) for (u, v, m), t in rows.items()]
