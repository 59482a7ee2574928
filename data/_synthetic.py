"""A large synthetic province for benchmarks: exactly N flow rows, written in chunks of periods."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import polars as pl

MATERIALS_FILE = Path(__file__).resolve().parent.parent / "mfa" / "reference" / "materials.csv"

CITIES = (
    ("Changsha", "长沙", "CS"),
    ("Zhuzhou", "株洲", "ZZ"),
    ("Xiangtan", "湘潭", "XT"),
    ("Hengyang", "衡阳", "HY"),
    ("Shaoyang", "邵阳", "SY"),
    ("Yueyang", "岳阳", "YY"),
    ("Changde", "常德", "CD"),
    ("Zhangjiajie", "张家界", "ZJ"),
    ("Yiyang", "益阳", "YI"),
    ("Chenzhou", "郴州", "CZ"),
    ("Yongzhou", "永州", "YZ"),
    ("Huaihua", "怀化", "HH"),
    ("Loudi", "娄底", "LD"),
    ("Xiangxi", "湘西", "XX"),
)
PARKS_PER_CITY = 10
N_FACILITIES = 5000
KIND_SHARES = (
    ("source", 0.38),
    ("collection", 0.20),
    ("recycling", 0.15),
    ("remanufacturing", 0.03),
    ("reuse", 0.03),
    ("energy_recovery", 0.04),
    ("storage", 0.06),
    ("disposal", 0.102),
    ("boundary", 0.008),
)
TARGET_KINDS = {
    "source": ("collection", "recycling", "storage", "disposal", "energy_recovery", "remanufacturing"),
    "collection": ("collection", "recycling", "reuse", "remanufacturing", "boundary"),
    "recycling": ("boundary", "disposal", "energy_recovery", "source", "recycling"),
    "remanufacturing": ("boundary", "source", "disposal"),
    "reuse": ("collection", "boundary", "source"),
    "energy_recovery": ("disposal", "recycling"),
    "storage": ("recycling", "energy_recovery", "disposal"),
    "boundary": ("recycling", "collection"),
}
SOURCE_WEIGHT = {"source": 0.4, "collection": 0.25, "recycling": 0.2, "storage": 0.05, "boundary": 0.03}
UNCERTAINTY = ("0.02", "0.05", "0.1", "0.2")
QUALITY = ("measured", "calculated", "estimated")
FIRST_YEAR, LAST_YEAR = 2016, 2025
CHUNK_ROWS = 1_000_000


def _leaves() -> tuple[list[str], dict[str, str]]:
    """Leaf material codes in sorted order and the top-level group of each."""
    with MATERIALS_FILE.open(encoding="utf-8") as fh:
        parents = {r["code"]: r["parent"] or None for r in csv.DictReader(fh)}
    leaves = sorted(c for c in parents if c not in set(parents.values()))
    group = {}
    for code in leaves:
        root = code
        while parents[root] is not None:
            root = parents[root] or root
        group[code] = root
    return leaves, group


def _world(rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame, np.ndarray]:
    """Parks, facilities (codes sort in index order) and the kind index of every facility."""
    parks = [
        (
            f"SYN-{abbr}-P{k:02d}",
            f"{city} synthetic park {k}",
            f"{zh}合成园区{k}",
            city,
            ("national", "provincial", "other")[k % 3],
        )
        for city, zh, abbr in CITIES
        for k in range(1, PARKS_PER_CITY + 1)
    ]
    counts = [round(share * N_FACILITIES) for _k, share in KIND_SHARES]
    counts[0] += N_FACILITIES - sum(counts)
    kinds = rng.permutation(np.repeat(np.arange(len(KIND_SHARES)), counts))
    park_idx = rng.integers(0, len(parks), N_FACILITIES)
    boundary = [k for k, _s in KIND_SHARES].index("boundary")
    facilities = pl.DataFrame(
        {
            "code": [f"SYN-F{i:05d}" for i in range(N_FACILITIES)],
            "name": [f"Synthetic facility {i}" for i in range(N_FACILITIES)],
            "name_zh": [f"合成设施{i}" for i in range(N_FACILITIES)],
            "park": [None if k == boundary else parks[p][0] for k, p in zip(kinds, park_idx, strict=True)],
            "kind": [KIND_SHARES[k][0] for k in kinds],
        }
    )
    park_frame = pl.DataFrame(parks, schema=["code", "name", "name_zh", "city", "level"], orient="row")
    return park_frame, facilities, kinds


def _edge_pool(rng: np.random.Generator, kinds: np.ndarray, size: int) -> np.ndarray:
    """`size` distinct (source, target, material) keys encoded as sorted int64 (no self-flows)."""
    leaves, group = _leaves()
    n_mat = len(leaves)
    by_group = {g: np.array([i for i, c in enumerate(leaves) if group[c] == g]) for g in set(group.values())}
    waste = np.concatenate([by_group["renewable"], by_group["bulk_solid_waste"]])
    mats_of = {
        "source": waste,
        "collection": by_group["renewable"],
        "boundary": waste,
        "storage": by_group["bulk_solid_waste"],
    }
    names = [k for k, _s in KIND_SHARES]
    members = {k: np.flatnonzero(kinds == i) for i, k in enumerate(names)}
    keys = np.empty(0, dtype=np.int64)
    while keys.size < size:
        want = int((size - keys.size) * 1.3) + 64
        parts = []
        for kind, tkinds in TARGET_KINDS.items():
            n = int(want * SOURCE_WEIGHT.get(kind, 0.025) / sum(SOURCE_WEIGHT.get(k, 0.025) for k in TARGET_KINDS))
            src = rng.choice(members[kind], n)
            tk = rng.integers(0, len(tkinds), n)
            tgt = np.empty(n, dtype=np.int64)
            for j, t in enumerate(tkinds):
                sel = tk == j
                tgt[sel] = rng.choice(members[t], int(sel.sum()))
            pool = mats_of.get(kind, np.concatenate([by_group["secondary"], by_group["bulk_solid_waste"]]))
            mat = rng.choice(pool, n)
            ok = src != tgt
            parts.append((src[ok].astype(np.int64) * N_FACILITIES + tgt[ok]) * n_mat + mat[ok])
        keys = np.unique(np.concatenate([keys, *parts]))
    return np.sort(rng.choice(keys, size, replace=False))


def write_synthetic(n_rows: int, out: Path, seed: int) -> None:
    """parks.csv, facilities.csv and flows.csv with exactly `n_rows` flows, sorted and with unique keys."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    parks, facilities, kinds = _world(rng)
    parks.write_csv(out / "parks.csv")
    facilities.write_csv(out / "facilities.csv")
    leaves, _group = _leaves()
    periods = [f"{y}-{m:02d}" for y in range(FIRST_YEAR, LAST_YEAR + 1) for m in range(1, 13)]
    per_period = np.full(len(periods), n_rows // len(periods))
    per_period[: n_rows % len(periods)] += 1
    pool = _edge_pool(rng, kinds, max(64, int(per_period.max() * 1.25)))
    codes = pl.Enum(facilities["code"].to_list())
    enums = {
        "period": pl.Enum(periods),
        "material": pl.Enum(leaves),
        "uncertainty": pl.Enum(UNCERTAINTY),
        "data_quality": pl.Enum(QUALITY),
    }
    n_mat = len(leaves)
    with (out / "flows.csv").open("wb") as fh:
        fh.write(b"period,source,target,material,quantity,unit,uncertainty,data_quality,note,reference\n")
        start = 0
        while start < len(periods):
            stop = start
            while stop < len(periods) and (stop == start or per_period[start : stop + 1].sum() <= CHUNK_ROWS):
                stop += 1
            picks = [np.sort(rng.permutation(pool.size)[: per_period[p]]) for p in range(start, stop)]
            key = pool[np.concatenate(picks)] if picks else np.empty(0, dtype=np.int64)
            n = key.size
            period_idx = np.repeat(np.arange(start, stop), per_period[start:stop])
            unc = rng.integers(-len(UNCERTAINTY), len(UNCERTAINTY), n)
            dq = rng.integers(-1, len(QUALITY), n)
            qty = np.round(np.maximum(rng.lognormal(4.0, 1.6, n), 0.001), 3)
            has_unc, has_dq = pl.Series(unc >= 0), pl.Series(dq >= 0)
            frame = pl.DataFrame(
                {
                    "period": pl.Series(period_idx.astype(np.uint32)).cat.to(enums["period"]),
                    "source": pl.Series((key // n_mat // N_FACILITIES).astype(np.uint32)).cat.to(codes),
                    "target": pl.Series((key // n_mat % N_FACILITIES).astype(np.uint32)).cat.to(codes),
                    "material": pl.Series((key % n_mat).astype(np.uint32)).cat.to(enums["material"]),
                    "quantity": qty,
                    "unc": pl.Series(np.maximum(unc, 0).astype(np.uint32)).cat.to(enums["uncertainty"]),
                    "dq": pl.Series(np.maximum(dq, 0).astype(np.uint32)).cat.to(enums["data_quality"]),
                }
            ).select(
                "period",
                "source",
                "target",
                "material",
                "quantity",
                pl.lit("t").alias("unit"),
                pl.when(pl.lit(has_unc)).then(pl.col("unc")).alias("uncertainty"),
                pl.when(pl.lit(has_dq)).then(pl.col("dq")).alias("data_quality"),
                pl.lit(None, dtype=pl.String).alias("note"),
                pl.lit(None, dtype=pl.String).alias("reference"),
            )
            frame.write_csv(fh, include_header=False, float_precision=3)
            start = stop
