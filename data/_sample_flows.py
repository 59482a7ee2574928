"""Monthly simulation of the sample world: generation, calibration, the linear flow system, stocks."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from _sample_world import N_MONTHS, PROCESSING_KINDS, R_KINDS, U_KINDS, YEARS, World

MATERIALS_FILE = Path(__file__).resolve().parent.parent / "mfa" / "reference" / "materials.csv"

SEASONS: dict[str, tuple[float, ...]] = {
    "renew": (0.97, 0.80, 1.00, 1.02, 1.03, 1.01, 0.98, 0.99, 1.02, 1.04, 1.05, 1.09),
    "power": (1.10, 0.95, 0.95, 0.92, 0.96, 1.04, 1.12, 1.13, 1.00, 0.93, 0.93, 1.07),
    "mine": (1.00, 0.82, 1.02, 1.03, 1.03, 0.98, 0.97, 0.98, 1.03, 1.04, 1.04, 1.06),
    "battery": (0.95, 0.85, 1.00, 1.00, 1.00, 1.00, 1.00, 1.02, 1.02, 1.04, 1.05, 1.07),
    "build": (0.85, 0.60, 1.05, 1.12, 1.12, 1.00, 0.95, 0.98, 1.08, 1.12, 1.10, 1.03),
}
NOISE = {"renew": 0.07, "power": 0.05, "mine": 0.05, "battery": 0.10, "build": 0.10}

RENEWABLE_MT = (20.1, 21.5, 22.9, 24.6, 26.5, 28.6)
"""Province renewable resources recycled, Mt per year 2020-2025 (all categories, batteries included)."""
RENEWABLE_SHARE: dict[str, tuple[float, float]] = {
    "scrap_steel": (0.634, 0.630),
    "waste_paper": (0.140, 0.136),
    "scrap_copper": (0.016, 0.016),
    "scrap_aluminium": (0.026, 0.027),
    "scrap_lead": (0.008, 0.007),
    "scrap_zinc": (0.002, 0.002),
    "waste_plastic": (0.062, 0.066),
    "waste_tire": (0.020, 0.020),
    "weee": (0.014, 0.016),
    "elv": (0.030, 0.036),
    "waste_textile": (0.020, 0.021),
    "waste_glass": (0.026, 0.026),
}
BATTERY_T: dict[str, tuple[float, ...]] = {
    "power_battery_lfp": (9e3, 13e3, 21e3, 30e3, 40e3, 52e3),
    "power_battery_ncm": (7e3, 10e3, 15e3, 20e3, 24e3, 28e3),
}
BULK_MT: dict[str, tuple[float, ...]] = {
    "tailings": (21.0, 20.6, 20.1, 19.5, 19.0, 18.6),
    "coal_gangue": (5.2, 5.0, 4.9, 4.7, 4.6, 4.4),
    "fly_ash": (7.6, 7.9, 8.1, 8.4, 8.6, 8.9),
    "desulfurization_gypsum": (3.4, 3.5, 3.6, 3.7, 3.8, 3.9),
    "phosphogypsum": (1.2, 1.25, 1.3, 1.3, 1.35, 1.4),
    "smelting_slag": (9.2, 9.5, 9.7, 9.9, 10.1, 10.3),
    "furnace_slag": (7.3, 7.5, 7.6, 7.8, 7.9, 8.0),
    "red_mud": (0.5, 0.5, 0.52, 0.52, 0.54, 0.55),
}
"""Bulk industrial solid waste generated, Mt per year 2020-2025."""
UTILIZATION_RATE = (0.521, 0.534, 0.547, 0.558, 0.570, 0.582)
"""Province utilization rate of bulk industrial solid waste, 2020-2025 (reached by stockpile draws)."""

Key = tuple[str, str, str]


@dataclass
class Simulation:
    """Monthly tonnes per (source, target, material), stocks per (facility, material) and edge origins."""

    flows: dict[Key, np.ndarray] = field(default_factory=dict)
    origin: dict[Key, str] = field(default_factory=dict)
    stocks: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    """Opening stock (2019-12) followed by the 72 end-of-month stocks."""

    def add(self, key: Key, amounts: np.ndarray, origin: str) -> None:
        """Accumulate tonnes on an edge."""
        if key in self.flows:
            self.flows[key] = self.flows[key] + amounts
        else:
            self.flows[key] = amounts.astype(float).copy()
            self.origin[key] = origin


def material_parents() -> dict[str, str | None]:
    """code -> parent code from data/materials.csv."""
    with MATERIALS_FILE.open(encoding="utf-8") as fh:
        return {r["code"]: r["parent"] or None for r in csv.DictReader(fh)}


def below(parents: dict[str, str | None], root: str) -> set[str]:
    """`root` and every material under it."""
    found = {root}
    changed = True
    while changed:
        new = {c for c, p in parents.items() if p in found} - found
        found |= new
        changed = bool(new)
    return found


def _months() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year index (0-5), month index (0-11) and years since mid-2020 for each of the 72 months."""
    m = np.arange(N_MONTHS)
    return m // 12, m % 12, (m + 0.5) / 12 - 0.5


def _norm(targets: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Weights scaled to add up to one."""
    total = sum(w for _t, w in targets)
    return [(t, w / total) for t, w in targets]


def _renewable_targets() -> dict[str, np.ndarray]:
    """Tonnes per year of each renewable material, so that the total meets RENEWABLE_MT."""
    out: dict[str, np.ndarray] = {m: np.array(v) for m, v in BATTERY_T.items()}
    battery = sum(out.values())
    frac = np.arange(6) / 5
    shares = {m: a + (b - a) * frac for m, (a, b) in RENEWABLE_SHARE.items()}
    total_share = sum(shares.values())
    for m, s in shares.items():
        out[m] = (np.array(RENEWABLE_MT) * 1e6 - battery) * s / total_share
    return out


def simulate(w: World, rng: np.random.Generator) -> Simulation:
    """Run the 72 months: generation, calibration to the province figures, draws, the flow system."""
    parents = material_parents()
    renewable, bulk = below(parents, "renewable"), below(parents, "bulk_solid_waste")
    kind = {c: f.kind for c, f in w.facilities.items()}
    yi, mi, t = _months()
    frac = yi / 5

    amounts = []
    for g in w.gens:
        park = w.park_of(g.src)
        growth = (park.growth if park else 0.0) + g.growth
        season = np.array(SEASONS[g.season])[mi]
        noise = rng.lognormal(0.0, NOISE[g.season], N_MONTHS)
        trend = np.array([(1 + growth) ** years for years in t.tolist()])  # libm pow: same bits everywhere
        amounts.append(g.tpy / 12 * season * trend * noise)
    use_share = [g.share[0] + (g.share[1] - g.share[0]) * frac if g.rest else np.ones(N_MONTHS) for g in w.gens]

    # calibrate renewables on what enters R from outside R, bulk waste on what sources generate
    targets = _renewable_targets() | {m: np.array(v) * 1e6 for m, v in BULK_MT.items()}
    counted: dict[str, np.ndarray] = {m: np.zeros(6) for m in targets}
    for g, a, s in zip(w.gens, amounts, use_share, strict=True):
        if g.material in renewable and kind[g.src] not in R_KINDS:
            part = s * _share_in(g.use, R_KINDS, kind) + (1 - s) * _share_in(g.rest, R_KINDS, kind)
        elif g.material in bulk and kind[g.src] == "source":
            part = np.ones(N_MONTHS)
        else:
            continue
        counted[g.material] += np.bincount(yi, a * part, minlength=6)
    for g, a in zip(w.gens, amounts, strict=True):
        if g.material in counted and counted[g.material].sum() > 0:
            a *= (targets[g.material] / counted[g.material])[yi]

    sim = Simulation()
    generated, direct = np.zeros(6), np.zeros(6)
    for g, a, s in zip(w.gens, amounts, use_share, strict=True):
        for part, group in ((s, g.use), (1 - s, g.rest)):
            for tgt, wt in _norm(group) if group else []:
                flow = a * part * wt
                sim.add((g.src, tgt, g.material), flow, "gen")
                if g.material in bulk and kind[tgt] in U_KINDS:
                    direct += np.bincount(yi, flow, minlength=6)
        if g.material in bulk and kind[g.src] == "source":
            generated += np.bincount(yi, a, minlength=6)

    # stockpile draws to reach the utilization rate: rate = (direct + S) / (generated + S)
    rate = np.array(UTILIZATION_RATE)
    needed = (rate * generated - direct) / (1 - rate)
    if (needed <= 0).any():
        raise ValueError(f"no stockpile draws needed: {needed}")
    build = np.array(SEASONS["build"])[mi]
    raw = [d.weight * build * rng.lognormal(0.0, NOISE["build"], N_MONTHS) for d in w.draws]
    per_year = np.bincount(yi, np.sum(raw, axis=0), minlength=6)
    for d, r in zip(w.draws, raw, strict=True):
        drawn = r * (needed / per_year)[yi]
        for tgt, wt in _norm(d.targets):
            sim.add((d.storage, tgt, d.material), drawn * wt, "draw")

    _solve(w, sim, rng)
    _storage_stocks(w, sim)
    return sim


def _share_in(group: list[tuple[str, float]], kinds: frozenset[str], kind: dict[str, str]) -> float:
    """The weight share of targets whose kind is in `kinds`."""
    total = sum(wt for _t, wt in group)
    return sum(wt for t, wt in group if kind[t] in kinds) / total if total else 0.0


def _solve(w: World, sim: Simulation, rng: np.random.Generator) -> None:
    """Month by month: throughput x of every (facility, material) node from x = b + T x; recipe flows."""
    nodes = list(w.recipes)
    index = {k: i for i, k in enumerate(nodes)}
    n = len(nodes)
    in_use = {u.facility: u for u in w.in_use}
    for (src, tgt, mat), _a in sim.flows.items():
        if w.facilities[tgt].kind in PROCESSING_KINDS and tgt not in in_use and (tgt, mat) not in index:
            raise ValueError(f"no recipe for {mat} at {tgt} (from {src})")
    edges = [(i, o) for i, k in enumerate(nodes) for o in w.recipes[k]]
    for _i, o in edges:
        kind = w.facilities[o.target].kind
        if kind in PROCESSING_KINDS and o.target not in in_use and (o.target, o.material) not in index:
            raise ValueError(f"no recipe for {o.material} at {o.target}")
    src_node = np.array([i for i, _o in edges])
    dst_node = np.array([index.get((o.target, o.material), -1) for _i, o in edges])
    inner = dst_node >= 0
    fractions = [np.array([o.frac + (o.frac_end - o.frac) * y / 5 for _i, o in edges]) for y in range(len(YEARS))]
    fixed_in = np.zeros((n, N_MONTHS))
    for (_s, tgt, mat), a in sim.flows.items():
        if (tgt, mat) in index:
            fixed_in[index[(tgt, mat)]] += a
    flows = np.zeros((len(edges), N_MONTHS))
    stock = {u.facility: np.zeros(N_MONTHS + 1) for u in w.in_use}
    returns = {u.facility: np.zeros(N_MONTHS) for u in w.in_use}
    feeds = {u.facility: [k for k, (_i, o) in enumerate(edges) if o.target == u.facility] for u in w.in_use}
    for u in w.in_use:
        stock[u.facility][0] = u.opening
    for m in range(N_MONTHS):
        fr = fractions[m // 12]
        b = fixed_in[:, m].copy()
        for u in w.in_use:
            returns[u.facility][m] = u.rate * stock[u.facility][m]
            b[index[(u.target, u.out_material)]] += returns[u.facility][m]
        x = _propagate(b, src_node[inner], dst_node[inner], fr[inner])
        flows[:, m] = x[src_node] * fr
        for u in w.in_use:
            inflow = flows[feeds[u.facility], m].sum()
            stock[u.facility][m + 1] = stock[u.facility][m] + inflow - returns[u.facility][m]
    flows *= 1 + np.clip(rng.normal(0.0, 0.008, flows.shape), -0.02, 0.02)
    for k, (i, o) in enumerate(edges):
        sim.add((nodes[i][0], o.target, o.material), flows[k], "recipe")
    for u in w.in_use:
        sim.add((u.facility, u.target, u.out_material), returns[u.facility], "in_use")
        sim.stocks[(u.facility, u.material)] = stock[u.facility]


def _propagate(b: np.ndarray, src: np.ndarray, dst: np.ndarray, fr: np.ndarray) -> np.ndarray:
    """The x with x = b + T x, by passing material along until nothing changes.

    Element-wise products and `np.bincount` sums give the same bits on every machine, unlike a LAPACK solve,
    so the sample stays byte-identical wherever it is regenerated. Loops pass on well under 100 % a round.
    """
    x = b
    for _ in range(1000):
        new = b + np.bincount(dst, x[src] * fr, minlength=b.size)
        if np.array_equal(new, x):
            return x
        x = new
    raise ValueError("the flow system does not converge")


def _storage_stocks(w: World, sim: Simulation) -> None:
    """End-of-month stocks of every stockpile from its opening stock, inflows and draws."""
    net: dict[tuple[str, str], np.ndarray] = {}
    for (src, tgt, mat), a in sim.flows.items():
        if w.facilities[tgt].kind == "storage":
            net[(tgt, mat)] = net.get((tgt, mat), np.zeros(N_MONTHS)) + a
        if w.facilities[src].kind == "storage":
            net[(src, mat)] = net.get((src, mat), np.zeros(N_MONTHS)) - a
    for key in list(w.openings) + [k for k in net if k not in w.openings]:
        if w.facilities[key[0]].kind != "storage":
            continue
        opening = w.openings.get(key, 0.0)
        series = np.concatenate([[opening], opening + np.cumsum(net.get(key, np.zeros(N_MONTHS)))])
        if (series < 0).any():
            raise ValueError(f"stock of {key} goes negative")
        sim.stocks[key] = series
