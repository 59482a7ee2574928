"""The bundled sample as import tables: codes, units, quality columns, notes and the deliberate defects."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from _sample_bulk import build_bulk, finish
from _sample_chains import build_batteries, build_boundary, build_cities, build_recyclers
from _sample_flows import Simulation, simulate
from _sample_world import (
    COUNTY_DIVISIONS,
    DIVISIONS,
    OPENING_PERIOD,
    PARK_BY_CODE,
    PARKS,
    PERIODS,
    World,
    credit_code,
)

UNIT_FACTOR = {"t": 1.0, "吨": 1.0, "kg": 1e-3, "kt": 1e3, "万吨": 1e4, "Mt": 1e6}
DECIMALS = {"t": 3, "吨": 3, "kg": 1, "kt": 6, "万吨": 6, "Mt": 8}
CREDIT_CODE_SHARE = 0.10

IMBALANCED: dict[str, str] = {
    "SY-SS-01": "40 % of its scrap steel is sold out of province (EXT-GD) and never reported: outflow ≈ 60 % of inflow",
    "MILUO-PL-02": "its residues (30 % of the input, to YY-WTE-01) are not reported: outflow ≈ 70 % of inflow",
    "ZZ-ECH-01": "echelon systems sold to EXT-GD are over-reported 1.8×: outflow ≈ 132 % of inflow",
    "SM-PGY-01": "stockpile whose reported stock never changes although inflow exceeds draws by far",
}
"""Facilities whose monthly balance (inflow − outflow − stock change) is off by more than 20 %."""


@dataclass(frozen=True)
class GrossError:
    """One flow report with a gross error: `x10` (decimal slip) or `kg_as_t` (kilograms written as t)."""

    period: str
    source: str
    target: str
    material: str
    error: str


GROSS_ERRORS = (
    GrossError("2021-03", "CS-SC-01", "CS-PAPER-01", "waste_paper", "x10"),
    GrossError("2022-08", "XT-HONGLI-01", "NX-BRUNP-01", "black_mass", "kg_as_t"),
    GrossError("2023-11", "LD-EAF-01", "EXT-HB", "recycled_steel", "x10"),
    GrossError("2025-02", "CS-BAT-C01", "NX-BRUNP-01", "power_battery_ncm", "kg_as_t"),
)
OVER_REPORTED = (("ZZ-ECH-01", "EXT-GD", "echelon_battery_system", 1.8),)
UNREPORTED = (("SY-SS-01", "EXT-GD", "scrap_steel"), ("MILUO-PL-02", "YY-WTE-01", "waste_plastic"))
FROZEN_STOCKS = ("SM-PGY-01",)
RECEIVERS_FROM = "2024-01"
"""From this month on, receivers declare their side of some hand-overs too (weighed at their gate)."""
RECEIVER_SHARE = {"inter_park": 30, "battery": 60}
"""Percent of hand-over links whose receiver declares: between two parks; of power batteries inside the province."""
DISPUTES = (
    ("2025-03", "power_battery_lfp", 0.85, "地磅复核差异：到厂称重少 15 % weighbridge at the gate: 15 % less"),
    ("2025-05", "scrap_steel", 1000.0, None),
)
"""Receiver declarations that disagree with the sender's: (month, material of the first declared link of that
material in that month, factor on the true amount, note). 1000 with unit t: kilograms typed as tonnes."""
KIND_TOLERANCE = 0.03
"""± on the coefficient declared for a whole kind (energy recovery: the waste-to-energy plants' 20 % of bottom ash)."""
FACILITY_TOLERANCE = 0.05
"""± on a coefficient a facility declares for itself (coal gangue power plants, the tyre pyrolysis plant)."""
NAMED: tuple[str, ...] = (
    "XT-EAF-01",
    "XT-SLAG-01",
    "MILUO-ELV-01",
    "MILUO-CU-01",
    "MILUO-AL-01",
    "CS-MFG-01",
    "CS-REMAN-01",
)
NAMED += ("CS-REMAN-02", "CS-REMAN-03", "XT-STEEL-01", "LD-STEEL-01", "CS-ASHY-01", "CZ-TP-01", "CS-HW-01")
"""Facilities data/README.md names: they keep their readable codes."""


def build_world() -> World:
    """Every facility and rule of the sample."""
    w = World()
    build_boundary(w)
    build_cities(w)
    build_recyclers(w)
    build_batteries(w)
    build_bulk(w)
    finish(w)
    protected = set(IMBALANCED) | set(NAMED) | {c for g in GROSS_ERRORS for c in (g.source, g.target)}
    for code in sorted(protected):
        w.facilities[code].keep_code = True
    return w


def _credit_codes(w: World, rng: np.random.Generator) -> dict[str, str]:
    """Readable code -> final code: about 10 % of facilities get a unified social credit code."""
    eligible = [c for c, f in w.facilities.items() if not f.keep_code and f.park]
    k = round(CREDIT_CODE_SHARE * len(w.facilities))
    chosen = sorted(rng.choice(len(eligible), size=k, replace=False).tolist())
    mapping = {c: c for c in w.facilities}
    used: set[str] = set()
    for i in chosen:
        code = eligible[i]
        park = w.facilities[code].park or ""
        division = COUNTY_DIVISIONS.get(park, DIVISIONS[PARK_BY_CODE[park].city])
        while True:
            uscc = credit_code(division, "".join(str(d) for d in rng.integers(0, 10, 8)))
            if uscc not in used:
                break
        used.add(uscc)
        mapping[code] = uscc
    return mapping


def _fmt(value: float, unit: str) -> str:
    """A plain decimal in `unit`, without trailing zeros."""
    text = f"{value:.{DECIMALS[unit]}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _reporting(w: World, rng: np.random.Generator) -> dict[str, tuple[bool, bool, float]]:
    """Per facility: reports data quality?, reports uncertainty?, its measurement uncertainty."""
    out = {}
    for code in w.facilities:
        dq, unc = bool(rng.random() < 0.8), bool(rng.random() < 0.6)
        out[code] = (dq, unc, float(rng.choice([0.02, 0.03, 0.05])))
    return out


def _note(w: World, src: str, tgt: str, material: str, period: str) -> tuple[str | None, str | None]:
    """The note and reference of a flow row (mostly empty)."""
    year, month = int(period[:4]), int(period[5:])
    if material.startswith("power_battery"):
        upload = f"{year + month // 12}-{month % 12 + 1:02d}-{(hash_code(src + tgt) + month) % 20 + 5:02d}"
        return None, f"动力电池溯源平台上报 {upload}"
    if src.endswith("-RES-01") and month == 1:
        return "估算：按常住人口和人均产生量推算 (estimated from population)", None
    f = w.facilities[src]
    if f.kind == "source" and f.unit != "t" and month == 2:
        return "春节停产检修 Spring Festival maintenance", f"{year}年一般工业固体废物管理台账"
    if f.kind == "storage" and month in (3, 9):
        return "历史堆存综合利用 utilization of old stockpile", None
    if src.startswith("EXT-") and month == 6:
        return "省外调入 inflow from outside Hunan", None
    return None, None


def hash_code(text: str) -> int:
    """A small deterministic hash (Python's hash() is salted per process)."""
    return sum((i + 1) * ord(c) for i, c in enumerate(text))


def _defects(sim: Simulation) -> None:
    """Unreported and over-reported flows, frozen stocks (see IMBALANCED)."""
    for edge in UNREPORTED:
        del sim.flows[edge]
    for src, tgt, mat, factor in OVER_REPORTED:
        sim.flows[(src, tgt, mat)] = sim.flows[(src, tgt, mat)] * factor
    for fac in FROZEN_STOCKS:
        for key, series in sim.stocks.items():
            if key[0] == fac:
                sim.stocks[key] = np.full_like(series, series[0])


def _declares(w: World, src: str, tgt: str, mat: str) -> bool:
    """Whether the receiver of a link declares its side too (RECEIVER_SHARE, by a stable hash of the link)."""
    a, b = w.facilities[src], w.facilities[tgt]
    if not a.park or not b.park or a.kind == "boundary" or b.kind == "boundary":
        return False
    share = RECEIVER_SHARE["battery"] if mat.startswith("power_battery") else 0
    if a.park != b.park:
        share = max(share, RECEIVER_SHARE["inter_park"])
    return hash_code(src + "|" + tgt + "|" + mat) % 100 < share


def _receivers(w: World, sim: Simulation, codes: dict[str, str], seed: int) -> list[tuple[str | None, ...]]:
    """The receivers' own declarations of some hand-overs (see RECEIVER_SHARE): what they weighed at the gate,
    within about 1 % of what was sent, measured; and the DISPUTES."""
    rng = np.random.default_rng(seed + 1)  # a stream of its own: nothing else in the sample moves
    disputes = {(period, mat): (factor, note) for period, mat, factor, note in DISPUTES}
    rows: list[tuple[str | None, ...]] = []
    for (src, tgt, mat), amounts in sorted(sim.flows.items()):
        if not _declares(w, src, tgt, mat):
            continue
        unit = w.facilities[tgt].unit
        for m, period in enumerate(PERIODS):
            if period < RECEIVERS_FROM or amounts[m] <= 0:
                continue
            weighed, row_unit, note = amounts[m] * (1 + rng.normal(0.0, 0.01)), unit, None
            factor, dispute_note = disputes.pop((period, mat), (None, None))
            if factor == 1000.0:
                weighed, row_unit, note = amounts[m] * 1000.0, "t", None
            elif factor is not None:
                weighed, note = amounts[m] * factor, dispute_note
            text = _fmt(weighed / UNIT_FACTOR[row_unit], row_unit)
            if float(text) > 0:
                rows.append(
                    (period, codes[src], codes[tgt], mat, text, row_unit, "0.02", "measured", note, None, "receiver")
                )
    return rows


def _passed_on(w: World, facility: str) -> float:
    """The share of its input a facility passes on as recorded output (its recipes' fractions of 2020); one value,
    or ValueError when its recipes differ by input."""
    shares = {round(sum(o.frac for o in outs), 6) for (fac, _m), outs in w.recipes.items() if fac == facility}
    if len(shares) != 1:
        raise ValueError(f"{facility} passes on {sorted(shares)}: one transfer coefficient cannot describe it")
    return shares.pop()


def transfer_coefficients(w: World, codes: dict[str, str]) -> pl.DataFrame:
    """The transfer coefficients the sample declares (docs/indicators.md, section 4): energy-recovery plants pass on
    only part of their input as recorded ash and slag, the rest leaving as flue gas, steam and heat. The kind
    declares the most common share (waste-to-energy plants, KIND_TOLERANCE); a plant passing on another share
    declares its own (FACILITY_TOLERANCE)."""
    plants = [f for f in w.facilities.values() if f.kind == "energy_recovery"]
    shares = {f.code: _passed_on(w, f.code) for f in plants}
    common = max(sorted(set(shares.values())), key=list(shares.values()).count)
    rows: list[tuple[str | None, ...]] = [
        (
            None,
            "energy_recovery",
            f"{common:g}",
            f"{KIND_TOLERANCE:g}",
            f"waste-to-energy plants: bottom ash and slag about {common:.0%} of the waste burned, the rest leaves as "
            "flue gas and heat (sample convention)",
        )
    ]
    for f in plants:
        if shares[f.code] == common:
            continue
        outputs = sorted({o.material for (fac, _m), outs in w.recipes.items() if fac == f.code for o in outs})
        rows.append(
            (
                codes[f.code],
                None,
                f"{shares[f.code]:g}",
                f"{FACILITY_TOLERANCE:g}",
                f"{f.name}: {', '.join(outputs)} recorded, about {shares[f.code]:.0%} of its input; the rest leaves "
                "unrecorded, as gas, heat or fuel oil (sample convention)",
            )
        )
    columns = ["facility", "kind", "coefficient", "tolerance", "source"]
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String), orient="row")


def sample_tables(seed: int) -> dict[str, pl.DataFrame]:
    """parks, facilities, flows and stocks of the bundled sample as frames of text columns."""
    rng = np.random.default_rng(seed)
    w = build_world()
    sim = simulate(w, rng)
    _defects(sim)
    codes = _credit_codes(w, rng)
    reporting = _reporting(w, rng)
    gross = {(g.period, g.source, g.target, g.material): g.error for g in GROSS_ERRORS}
    rows: list[tuple[str | None, ...]] = []
    for (src, tgt, mat), amounts in sim.flows.items():
        reporter = tgt if w.facilities[src].kind == "boundary" else src
        unit = w.facilities[reporter].unit
        dq_on, unc_on, unc = reporting[reporter]
        quality = w.facilities[reporter].quality
        if sim.origin[(src, tgt, mat)] == "recipe" and w.facilities[tgt].kind in ("disposal", "energy_recovery"):
            quality, unc = "calculated", 0.1
        elif quality == "estimated":
            unc = 0.25
        for m, period in enumerate(PERIODS):
            value, row_unit = amounts[m] / UNIT_FACTOR[unit], unit
            error = gross.get((period, src, tgt, mat))
            if error == "x10":
                value *= 10
            elif error == "kg_as_t":
                value, row_unit = amounts[m] * 1000, "t"
            text = _fmt(value, row_unit)
            if float(text) <= 0:
                continue
            note, ref = _note(w, src, tgt, mat, period)
            uncertainty, dq = (f"{unc:g}" if unc_on else None), (quality if dq_on else None)
            side = "sender" if reporter == src else "receiver"
            rows.append((period, codes[src], codes[tgt], mat, text, row_unit, uncertainty, dq, note, ref, side))
    rows += _receivers(w, sim, codes, seed)
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3], r[10]))
    flow_cols = ["period", "source", "target", "material", "quantity", "unit"]
    flow_cols += ["uncertainty", "data_quality", "note", "reference", "side"]
    flows = pl.DataFrame(rows, schema=dict.fromkeys(flow_cols, pl.String), orient="row")
    stock_rows = []
    for (fac, mat), series in sim.stocks.items():
        unit = w.facilities[fac].unit
        for period, value in zip((OPENING_PERIOD, *PERIODS), series, strict=True):
            stock_rows.append((period, codes[fac], mat, _fmt(value / UNIT_FACTOR[unit], unit), unit))
    stock_rows.sort()
    stocks = pl.DataFrame(
        stock_rows,
        schema=dict.fromkeys(["period", "facility", "material", "quantity", "unit"], pl.String),
        orient="row",
    )
    parks = pl.DataFrame(
        [(p.code, p.name, p.name_zh, p.city, p.level) for p in PARKS],
        schema=dict.fromkeys(["code", "name", "name_zh", "city", "level"], pl.String),
        orient="row",
    )
    facilities = pl.DataFrame(
        [(codes[f.code], f.name, f.name_zh, f.park, f.kind) for f in w.facilities.values()],
        schema=dict.fromkeys(["code", "name", "name_zh", "park", "kind"], pl.String),
        orient="row",
    )
    coefficients = transfer_coefficients(w, codes)
    return {
        "parks": parks,
        "facilities": facilities,
        "flows": flows,
        "stocks": stocks,
        "transfer_coefficients": coefficients,
    }
