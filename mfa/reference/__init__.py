"""Reference data shipped with mfa: the material tree and its aliases, the plan's province targets, battery
chemistries (pack mass and metal contents per kWh, BatPaC) and the bundled Hunan sample.

The material tree, the targets and the battery chemistries live here, as package data. The sample's home is
`data/sample/`, beside its generator; a normal install copies it into this package at build time (setup.py), and
`sample_dir` finds it in either place, so `mfa demo` works from a checkout and from an installed package alike.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
MATERIALS_FILE = HERE / "materials.csv"
TARGETS_FILE = HERE / "targets.csv"
BATTERIES_FILE = HERE / "batteries.csv"
ALIASES_FILE = HERE / "material_aliases.csv"
"""Other names of materials shipped with mfa (and the national catalogue's category codes), as an import table."""
INSTALLED_SAMPLE = HERE / "sample"
CHECKOUT_SAMPLE = HERE.parent.parent / "data" / "sample"


@cache
def bundled_materials() -> tuple[dict[str, str | bool | None], ...]:
    """The material taxonomy shipped with mfa (materials.csv), parents before children."""
    with MATERIALS_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(
        {
            "code": r["code"],
            "name": r["name"],
            "name_zh": r["name_zh"],
            "parent": r["parent"] or None,
            "is_product": r["is_product"].strip().lower() == "true",
        }
        for r in rows
    )


@cache
def battery_chemistries() -> tuple[dict[str, str | float], ...]:
    """Battery chemistries (batteries.csv): material code, chemistry, pack mass and Li, Ni, Co, Mn per kWh of
    pack (kg), and the source of the figures."""
    with BATTERIES_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    text = ("material", "chemistry", "source")
    return tuple({k: (v if k in text else float(v)) for k, v in r.items()} for r in rows)


def sample_dir() -> Path:
    """Where the bundled sample's CSV files are: inside the installed package, else in the checkout's data/."""
    if any(INSTALLED_SAMPLE.glob("*.csv")):
        return INSTALLED_SAMPLE
    return CHECKOUT_SAMPLE


def sample_files() -> list[Path]:
    """The sample's CSV files (parks, facilities, flows, stocks), in any order: an import orders them."""
    return sorted(sample_dir().glob("*.csv"))
