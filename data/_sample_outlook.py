"""The sample's outlook tables: inflows of EV batteries per city and chemistry (2012-2035) and of vehicles for the
province (1995-2035), their lifetimes, and the capacities of the recyclers, echelon-use plants and ELV dismantlers.

The inflows are calibrated here so that the dynamic stock model (flodym's convention: a year's inflow enters at
mid-year, stock(y) = Σ_c I_c · S(y − c + 0.5)) retires about what the sample's flows record in 2020-2025. The
shape over time is China's (installed power-battery GWh by chemistry; vehicle sales); a Hunan share that changes
exponentially with time is fitted by least squares to the recorded retirements, and cities split the province's
inflows in proportion to what they recorded. Only numpy and polars are needed.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import polars as pl

BATTERIES_FILE = Path(__file__).resolve().parent.parent / "mfa" / "reference" / "batteries.csv"
RECORDED_YEARS = tuple(range(2020, 2026))
HORIZON = 2035

CHINA_GWH: dict[int, float] = {
    2012: 0.4, 2013: 0.7, 2014: 3.7, 2015: 15.7, 2016: 28.0, 2017: 36.4, 2018: 56.9, 2019: 62.2, 2020: 63.6,
    2021: 154.5, 2022: 294.6, 2023: 387.7, 2024: 548.4, 2025: 680.0,
    2026: 760.0, 2027: 850.0, 2028: 930.0, 2029: 1000.0, 2030: 1050.0,
    2031: 1100.0, 2032: 1140.0, 2033: 1170.0, 2034: 1200.0, 2035: 1220.0,
}  # fmt: skip
"""Power batteries installed in vehicles in China, GWh (CABIA/China Automotive Battery Innovation Alliance, rounded;
2012-2014 and 2025 approximate; 2026-2035 a scenario of this sample: growth slowing to a plateau)."""
LFP_SHARE: dict[int, float] = {
    2012: 0.70, 2013: 0.70, 2014: 0.70, 2015: 0.72, 2016: 0.73, 2017: 0.53, 2018: 0.40, 2019: 0.33, 2020: 0.38,
    2021: 0.52, 2022: 0.62, 2023: 0.67, 2024: 0.75, 2025: 0.80,
}  # fmt: skip
"""LFP's share of installed GWh (CABIA: 2017 49 % LFP and 43 % NCM, 2018 22.2 and 33.1 GWh, 2019 32.5 %, 2022 H1
58.5 %; earlier years bus-dominated, later ones rounded); the rest is NCM; 80 % from 2025 on."""
CHINA_VEHICLES_M: dict[int, float] = {
    1995: 1.45, 1996: 1.47, 1997: 1.58, 1998: 1.63, 1999: 1.83, 2000: 2.09, 2001: 2.37, 2002: 3.25, 2003: 4.39,
    2004: 5.07, 2005: 5.76, 2006: 7.22, 2007: 8.79, 2008: 9.38, 2009: 13.64, 2010: 18.06, 2011: 18.51,
    2012: 19.31, 2013: 21.98, 2014: 23.49, 2015: 24.60, 2016: 28.03, 2017: 28.88, 2018: 28.08, 2019: 25.77,
    2020: 25.31, 2021: 26.28, 2022: 26.86, 2023: 30.09, 2024: 31.44, 2025: 32.0,
    2026: 32.0, 2027: 32.0, 2028: 32.0, 2029: 32.0, 2030: 32.0, 2031: 32.0, 2032: 32.0, 2033: 32.0, 2034: 32.0,
    2035: 32.0,
}  # fmt: skip
"""Vehicle sales in China, millions (CAAM, rounded; 2025 approximate; later years a flat scenario)."""
VEHICLE_T = 1.5
"""Average mass of a vehicle put into use, tonnes (cars about 1.3 t, trucks and buses far more)."""

LIFETIMES: tuple[dict[str, object], ...] = (
    {
        "product": "power_battery_lfp", "distribution": "weibull", "shape": 3.5, "scale": 9.0,
        "scale_low": 8.0, "scale_high": 10.5, "first_cohort": None, "last_cohort": None,
        "source": "Weibull shape 3.5 and scale 8-10.5 years for private cars by chemistry, as in city-level models "
        "of China's EV batteries; mean 8.1 years, near the 5-8 years of field life reported by CATARC and MIIT",
    },
    {
        "product": "power_battery_ncm", "distribution": "weibull", "shape": 3.5, "scale": 8.0,
        "scale_low": 7.0, "scale_high": 9.0, "first_cohort": None, "last_cohort": 2017,
        "source": "early NCM cohorts: Weibull shape 3.5, scale 8 (7-9) years, mean 7.2 years (field life 5-8 "
        "years, CATARC/MIIT)",
    },
    {
        "product": "power_battery_ncm", "distribution": "weibull", "shape": 3.5, "scale": 10.0,
        "scale_low": 8.5, "scale_high": 11.0, "first_cohort": 2018, "last_cohort": None,
        "source": "NCM cohorts from 2018 (longer-lived cells, mostly private cars): Weibull shape 3.5, scale 10 "
        "(8.5-11) years, the upper end of the 8-10.5 years used for private cars",
    },
    {
        "product": "elv", "distribution": "weibull", "shape": 4.0, "scale": 15.0,
        "scale_low": 13.0, "scale_high": 16.5, "first_cohort": None, "last_cohort": None,
        "source": "Hao et al. 2011, Vehicle survival patterns in China (Sci China Tech Sci 54:625): Weibull survival, "
        "average life spans 8-14.5 years by class (private cars 14.5); here shape 4, scale 15 (mean 13.6 years)",
    },
)  # fmt: skip
CAPACITIES: tuple[tuple[str, str, int, float, str], ...] = (
    ("NX-BRUNP-01", "power_battery", 2016, 10_000, "assumed first line of Brunp's Ningxiang base"),
    ("NX-BRUNP-01", "power_battery", 2019, 30_000, "Brunp Ningxiang > 30 000 t/yr dismantling (SMM site visit); "
     "start year assumed"),
    ("XT-HONGLI-01", "power_battery", 2020, 20_000, "Hunan Hongli, Xiangtan, 20 000 t/yr (phase 1); start year "
     "assumed"),
    ("XT-YUNENG-01", "power_battery", 2021, 20_000, "Yuneng, Xiangxiang, 20 000 t/yr dismantling; start year "
     "assumed"),
    ("CS-ECH-01", "power_battery_lfp", 2019, 5_000, "invented for the sample (echelon use takes LFP packs)"),
    ("ZZ-ECH-01", "power_battery_lfp", 2020, 3_000, "invented for the sample (echelon use takes LFP packs)"),
    ("MILUO-ELV-01", "elv", 2015, 400_000, "invented for the sample"),
    ("MILUO-ELV-01", "elv", 2022, 550_000, "invented for the sample (expansion)"),
    ("CS-ELV-01", "elv", 2015, 250_000, "invented for the sample"),
    ("HY-ELV-01", "elv", 2015, 220_000, "invented for the sample"),
    ("CZ-ELV-01", "elv", 2015, 130_000, "invented for the sample"),
)  # fmt: skip


def weibull_survival(age: np.ndarray, shape: float, scale: float | np.ndarray) -> np.ndarray:
    """S(age) = exp(−(age/scale)^shape) for age ≥ 0, 1 below (scipy's weibull_min.sf, as flodym uses it)."""
    return np.exp(-((np.maximum(age, 0.0) / scale) ** shape))


def retirements(inflow: np.ndarray, shape: float, scales: np.ndarray) -> np.ndarray:
    """Outflow per year of inflows per year (flodym's middle convention: stock(y) = Σ_c I_c · S(y − c + 0.5)),
    with a Weibull scale per cohort."""
    n = len(inflow)
    age = np.arange(n)[:, None] - np.arange(n)[None, :] + 0.5
    survival = np.tril(weibull_survival(age, shape, scales[None, :]))
    stock = survival @ inflow
    return inflow - np.diff(stock, prepend=0.0)


def _fit_share(
    national: np.ndarray, years: np.ndarray, shape: float, scales: np.ndarray, recorded: np.ndarray
) -> np.ndarray:
    """Province inflows = a · national · exp(b (year − 2018)) (the share frozen after the recorded years): b on a
    grid, a by least squares, so that the modelled retirements of the recorded years fit `recorded`."""
    at = np.searchsorted(years, RECORDED_YEARS)
    best: tuple[float, np.ndarray] | None = None
    for b in np.round(np.arange(-0.5, 0.5001, 0.005), 3):
        trend = np.exp(b * (np.minimum(years, RECORDED_YEARS[-1]) - 2018))
        model = retirements(national * trend, shape, scales)[at]
        a = float(model @ recorded / (model @ model))
        error = float(np.sum((a * model - recorded) ** 2))
        if best is None or error < best[0]:
            best = (error, a * national * trend)
    assert best is not None
    return best[1]


def _recorded(
    flows: pl.DataFrame, facilities: pl.DataFrame, parks: pl.DataFrame, sources: str, material: str
) -> pl.DataFrame:
    """Tonnes per city and year recorded out of the sources matching `sources` (a regex), of `material`."""
    units = {"t": 1.0, "吨": 1.0, "kg": 1e-3, "kt": 1e3, "万吨": 1e4, "Mt": 1e6}
    city = facilities.select(pl.col("code").alias("source"), "park").join(
        parks.select(pl.col("code").alias("park"), "city"), on="park"
    )
    return (
        flows.filter(pl.col("source").str.contains(sources), pl.col("material") == material)
        .with_columns(
            (pl.col("quantity").cast(pl.Float64) * pl.col("unit").replace_strict(units, return_dtype=pl.Float64)).alias(
                "t"
            ),
            pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("year"),
        )
        .join(city, on="source")
        .group_by("city", "year")
        .agg(pl.col("t").sum())
        .sort("city", "year")
    )


def _pack_kg_per_kwh() -> dict[str, float]:
    with BATTERIES_FILE.open(encoding="utf-8") as fh:
        return {r["material"]: float(r["pack_kg_per_kwh"]) for r in csv.DictReader(fh)}


def _scales(product: str, years: np.ndarray) -> tuple[float, np.ndarray]:
    rows = [r for r in LIFETIMES if r["product"] == product]
    scales = np.zeros(len(years))
    for r in rows:
        lo = r["first_cohort"] if r["first_cohort"] is not None else -9999
        hi = r["last_cohort"] if r["last_cohort"] is not None else 9999
        scales[(years >= lo) & (years <= hi)] = float(r["scale"])  # type: ignore[arg-type]
    return float(rows[0]["shape"]), scales  # type: ignore[arg-type]


def outlook_tables(flows: pl.DataFrame, facilities: pl.DataFrame, parks: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """inflows, lifetimes and capacities of the sample, as frames of text columns."""
    pack = _pack_kg_per_kwh()
    rows: list[tuple[str, str, str, str, str, str]] = []
    years = np.arange(2012, HORIZON + 1)
    national_gwh = np.array([CHINA_GWH[int(y)] for y in years])
    for product in ("power_battery_lfp", "power_battery_ncm"):
        share = np.array([LFP_SHARE[min(int(y), 2025)] for y in years])
        national_t = national_gwh * (share if product.endswith("lfp") else 1 - share) * pack[product] * 1e3
        recorded = _recorded(flows, facilities, parks, r"-EV-01$", product)
        total = recorded.group_by("year").agg(pl.col("t").sum()).sort("year")["t"].to_numpy()
        shape, scales = _scales(product, years)
        province_t = _fit_share(national_t, years, shape, scales, total)
        weights = recorded.group_by("city").agg(pl.col("t").sum()).sort("city")
        for city, weight in weights.iter_rows():
            for year, tonnes in zip(years, province_t * weight / total.sum(), strict=True):
                mwh = tonnes / pack[product]  # t ÷ (kg per kWh) = MWh
                source = "scenario" if year > RECORDED_YEARS[-1] else "installed GWh of China × fitted Hunan share"
                rows.append(
                    (
                        str(year),
                        city,
                        product,
                        f"{mwh:.3f}",
                        "MWh",
                        f"{source}; city share of recorded retirements 2020-2025",
                    )
                )
    vehicle_years = np.arange(1995, HORIZON + 1)
    national_t = np.array([CHINA_VEHICLES_M[int(y)] for y in vehicle_years]) * 1e6 * VEHICLE_T
    recorded = _recorded(flows, facilities, parks, r"-VEH-01$", "elv")
    total = recorded.group_by("year").agg(pl.col("t").sum()).sort("year")["t"].to_numpy()
    shape, scales = _scales("elv", vehicle_years)
    for year, tonnes in zip(vehicle_years, _fit_share(national_t, vehicle_years, shape, scales, total), strict=True):
        source = (
            "scenario" if year > RECORDED_YEARS[-1] else "vehicle sales of China (CAAM) × 1.5 t × fitted Hunan share"
        )
        rows.append((str(year), "province", "elv", f"{tonnes:.1f}", "t", source))
    inflows = pl.DataFrame(
        rows, schema=dict.fromkeys(("year", "scope", "product", "quantity", "unit", "source"), pl.String), orient="row"
    ).sort("product", "scope", pl.col("year").cast(pl.Int32))
    columns = ("product", "distribution", "shape", "scale", "scale_low", "scale_high", "first_cohort", "last_cohort")
    lifetimes = pl.DataFrame(
        [
            [
                None if r[c] is None else f"{r[c]:g}" if isinstance(r[c], float) else str(r[c])
                for c in (*columns, "source")
            ]
            for r in LIFETIMES
        ],
        schema=dict.fromkeys((*columns, "source"), pl.String),
        orient="row",
    )
    capacities = pl.DataFrame(
        [(f, m, str(y), f"{c:g}", "t", s) for f, m, y, c, s in CAPACITIES],
        schema=dict.fromkeys(("facility", "material", "year_from", "capacity", "unit", "source"), pl.String),
        orient="row",
    )
    return {"inflows": inflows, "lifetimes": lifetimes, "capacities": capacities}
