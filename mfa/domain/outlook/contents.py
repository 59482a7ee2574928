"""What retired batteries hold: pack mass per energy (GWh → tonnes) and lithium, nickel, cobalt and manganese per
tonne of pack, by chemistry, and how much of it white-listed recyclers must recover.

A chemistries frame (mfa/reference/batteries.csv) has per material code: chemistry, pack_kg_per_kwh and the metal
contents in kg per kWh of pack (Argonne BatPaC). A battery material without a row of its own uses the row of the
nearest material above it that has one; `power_battery` itself has none (its chemistry is not known).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

METALS: dict[str, str] = {"li": "lithium", "ni": "nickel", "co": "cobalt", "mn": "manganese"}
RECOVERY_RATES: dict[str, float] = {"li": 0.90, "ni": 0.98, "co": 0.98, "mn": 0.98}
RECOVERY_SOURCE = (
    "MIIT, industry standard conditions for the comprehensive utilization of used power batteries (2024 edition): "
    "lithium ≥ 90 %, nickel, cobalt and manganese ≥ 98 % recovered"
)
ENERGY_UNITS: dict[str, float] = {
    "GWh": 1e6,
    "gwh": 1e6,
    "MWh": 1e3,
    "mwh": 1e3,
    "kWh": 1.0,
    "kwh": 1.0,
    "吉瓦时": 1e6,
    "兆瓦时": 1e3,
    "千瓦时": 1.0,
    "度": 1.0,
}
"""Every accepted spelling of an energy unit -> kWh per unit."""
METAL_SCHEMA = {
    "year": pl.Int32,
    "scope": pl.String,
    "product": pl.String,
    "metal": pl.String,
    "content_kg_per_t": pl.Float64,
    "contained_t": pl.Float64,
    "recovery_rate": pl.Float64,
    "recoverable_t": pl.Float64,
}


def chemistry_row(
    chemistries: pl.DataFrame, parents: Mapping[str, str | None], material: str
) -> dict[str, object] | None:
    """The chemistry row that applies to `material`: its own, else the nearest above it; None if none applies."""
    rows = {r["material"]: r for r in chemistries.to_dicts()}
    code: str | None = material
    seen: set[str] = set()
    while code is not None and code not in seen:
        if code in rows:
            return rows[code]
        seen.add(code)
        code = parents.get(code)
    return None


def tonnes_per_unit(
    chemistries: pl.DataFrame, parents: Mapping[str, str | None], material: str, unit: str
) -> float | None:
    """Tonnes of pack per `unit` of energy (GWh, MWh, kWh) for `material`; None if it has no chemistry."""
    row = chemistry_row(chemistries, parents, material)
    if row is None or unit not in ENERGY_UNITS:
        return None
    return ENERGY_UNITS[unit] * float(row["pack_kg_per_kwh"]) / 1000.0  # type: ignore[arg-type]


def contents_per_tonne(chemistries: pl.DataFrame) -> pl.DataFrame:
    """kg of each metal per tonne of pack, per material: (kg per kWh) ÷ (kg of pack per kWh) × 1000."""
    return chemistries.select(
        "material",
        "chemistry",
        *[(pl.col(f"{m}_kg_per_kwh") / pl.col("pack_kg_per_kwh") * 1000).alias(f"{m}_kg_per_t") for m in METALS],
        "source",
    )


def metal_contents(
    rows: pl.DataFrame, chemistries: pl.DataFrame, parents: Mapping[str, str | None], products: list[str]
) -> pl.DataFrame:
    """Lithium, nickel, cobalt and manganese contained in and recoverable from the retirements (`outflow_t` of
    `rows`) of each of `products` that has a chemistry, per year and scope."""
    per_t = contents_per_tonne(chemistries)
    table = []
    for product in products:
        row = chemistry_row(chemistries, parents, product)
        if row is None:
            continue
        contents = per_t.filter(pl.col("material") == row["material"]).row(0, named=True)
        for metal in METALS:
            table.append((product, metal, contents[f"{metal}_kg_per_t"], RECOVERY_RATES[metal]))
    if not table:
        return pl.DataFrame(schema=METAL_SCHEMA)
    schema = {"product": pl.String, "metal": pl.String, "content_kg_per_t": pl.Float64, "recovery_rate": pl.Float64}
    factors = pl.DataFrame(table, schema=schema, orient="row")
    return (
        rows.select("year", "scope", "product", "outflow_t")
        .join(factors, on="product", how="inner")
        .with_columns((pl.col("outflow_t") * pl.col("content_kg_per_t") / 1000).alias("contained_t"))
        .with_columns((pl.col("contained_t") * pl.col("recovery_rate")).alias("recoverable_t"))
        .select(list(METAL_SCHEMA))
        .cast(METAL_SCHEMA)  # type: ignore[arg-type]
        .sort("scope", "product", "year", "metal")
    )
