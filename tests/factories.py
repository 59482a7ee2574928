"""Test data in one place: small worlds of parks and facilities, and files in the importer's formats."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import networkx as nx
import polars as pl

from mfa.domain.flowframe import ANALYSIS_SCHEMA
from mfa.intake.tables import FLOWS

PARKS = [
    ("MILUO", "Miluo Circular Economy Industrial Park", "汨罗循环经济产业园", "Yueyang", "national"),
    ("NINGXIANG", "Ningxiang High-tech Zone", "宁乡高新区", "长沙", "provincial"),
]
FACILITIES = [
    ("SRC-1", "Steel plant", "钢厂", "MILUO", "source"),
    ("COL-1", "Collector", "回收站", "MILUO", "collection"),
    ("REC-1", "Recycler", "再生厂", "NINGXIANG", "recycling"),
    ("YARD-1", "Slag yard", "渣场", "MILUO", "storage"),
    ("OUT", "Outside the province", "省外", "", "boundary"),
]
FLOW_HEADER = list(FLOWS.columns)
VALID_USCC = "91430100MA4L0XXX0K"


def mfa(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the mfa command in a new process, as a user would (arguments as text, e.g. paths)."""
    command = [sys.executable, "-m", "mfa", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=300)


def write_csv(
    path: Path, header: list[str], rows: list[tuple[object, ...]] | list[list[object]], encoding: str = "utf-8"
) -> Path:
    """Write a CSV file as a user's spreadsheet would."""
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def world(tmp_path: Path) -> list[Path]:
    """parks.csv and facilities.csv of a small two-park world."""
    return [
        write_csv(tmp_path / "parks.csv", ["code", "name", "name_zh", "city", "level"], PARKS),
        write_csv(tmp_path / "facilities.csv", ["code", "name", "name_zh", "park", "kind"], FACILITIES),
    ]


def flow(
    period: str = "2024-01",
    source: str = "SRC-1",
    target: str = "COL-1",
    material: str = "scrap_steel",
    quantity: object = "100",
    unit: str = "t",
    uncertainty: str = "",
    data_quality: str = "",
    note: str = "",
    reference: str = "",
    side: str = "",
) -> list[object]:
    """One flow row in the importer's columns (an empty side: the writer's side)."""
    return [period, source, target, material, quantity, unit, uncertainty, data_quality, note, reference, side]


def flows_file(tmp_path: Path, rows: list[list[object]], name: str = "flows.csv", encoding: str = "utf-8") -> Path:
    """A flows CSV with the given rows."""
    return write_csv(tmp_path / name, FLOW_HEADER, rows, encoding=encoding)


FLOW_SCHEMA = pl.Schema(
    {
        c: ANALYSIS_SCHEMA[c]
        for c in ANALYSIS_SCHEMA
        if c not in ("uncertainty", "data_quality", "reconciled_t", "status")  # what the pure computations read
    }
)
"""The analysis frame's columns that hand-built frames in the tests of the pure modules have."""


# --- small networks for the pure computations: flows, facilities and stocks frames built by hand ---------------

GRAPH_PARENTS: dict[str, str | None] = {
    "renewable": None,
    "scrap_steel": "renewable",
    "scrap_nonferrous": "renewable",
    "scrap_copper": "scrap_nonferrous",
    "bulk_solid_waste": None,
    "fly_ash": "bulk_solid_waste",
    "secondary": None,
    "recycled_steel": "secondary",
    "building_material": "secondary",
}


# code -> (kind, park, city)
GRAPH_FACILITIES: dict[str, tuple[str, str | None, str | None]] = {
    "src_a": ("source", "A", "Changsha"),
    "col_a": ("collection", "A", "Changsha"),
    "rec_a": ("recycling", "A", "Changsha"),
    "landfill_a": ("disposal", "A", "Changsha"),
    "rec_b": ("recycling", "B", "Changsha"),
    "src_c": ("source", "C", "Yueyang"),
    "store_c": ("storage", "C", "Yueyang"),
    "rec_c": ("recycling", "C", "Yueyang"),
    "energy_c": ("energy_recovery", "C", "Yueyang"),
    "loose": ("collection", None, "Yueyang"),
    "outside": ("boundary", None, None),
}


def _period(period: str) -> tuple[str, int, int | None]:
    year, _, month = period.partition("-")
    return period, int(year), int(month) if month else None


def make_flows(*rows: tuple[str, str, str, str, float]) -> pl.DataFrame:
    """The store's flow frame from (period, source, target, material, tonnes) rows over GRAPH_FACILITIES."""
    records = []
    for period, source, target, material, tonnes in rows:
        s_kind, s_park, s_city = GRAPH_FACILITIES[source]
        t_kind, t_park, t_city = GRAPH_FACILITIES[target]
        records.append(
            (*_period(period), source, target, material, tonnes, s_kind, t_kind, s_park, t_park, s_city, t_city)
        )
    return pl.DataFrame(records, schema=FLOW_SCHEMA, orient="row")


def make_facilities(*codes: str) -> pl.DataFrame:
    """The store's facilities frame for `codes` (all of GRAPH_FACILITIES by default)."""
    rows = [(c, f"Facility {c}", None, *GRAPH_FACILITIES[c]) for c in codes or GRAPH_FACILITIES]
    return pl.DataFrame(rows, schema=["code", "name", "name_zh", "kind", "park", "city"], orient="row").with_columns(
        pl.col("name_zh").cast(pl.String)
    )


def make_stocks(*rows: tuple[str, str, str, float]) -> pl.DataFrame:
    """The store's stocks frame from (period, facility, material, tonnes at the end of the period)."""
    records = [(*_period(period), facility, material, tonnes) for period, facility, material, tonnes in rows]
    schema = {"period": pl.String, "year": pl.Int32, "month": pl.Int8, "facility": pl.String}
    return pl.DataFrame(records, schema=schema | {"material": pl.String, "quantity_t": pl.Float64}, orient="row")


def hand_graph(edges: list[tuple[str, str, float]], kinds: dict[str, str]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from((node, {"kind": kind}) for node, kind in kinds.items())
    graph.add_edges_from((u, v, {"tonnes": t}) for u, v, t in edges)
    return graph


# ---------------------------------------------------------------- the outlook's tables

BATTERY_PARENTS: dict[str, str | None] = {
    "renewable": None,
    "waste_battery": "renewable",
    "power_battery": "waste_battery",
    "power_battery_lfp": "power_battery",
    "power_battery_ncm": "power_battery",
    "elv": "renewable",
}
"""The part of the material tree the outlook's pure tests use."""
INFLOW_HEADER = ["year", "scope", "product", "quantity", "unit"]
LIFETIME_HEADER = ["product", "distribution", "shape", "scale", "mean", "std", "first_cohort", "last_cohort"]
CAPACITY_HEADER = ["facility", "material", "year_from", "capacity", "unit"]


def lifetimes_frame(*rows: dict[str, object]) -> pl.DataFrame:
    """A lifetimes frame (every column of LIFETIME_SCHEMA; the ones a row leaves out are null)."""
    from mfa.domain.outlook import LIFETIME_SCHEMA

    return pl.DataFrame(
        [{c: row.get(c) for c in LIFETIME_SCHEMA} for row in rows], schema=LIFETIME_SCHEMA, orient="row"
    )


def inflows_frame(rows: list[tuple[int, str, str, float]]) -> pl.DataFrame:
    """An inflows frame (year, scope, product, inflow_t)."""
    schema = {"year": pl.Int32, "scope": pl.String, "product": pl.String, "inflow_t": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def outlook_files(folder: Path, **rows: list[list[object]]) -> list[Path]:
    """inflows.csv, lifetimes.csv and capacities.csv with the given rows (default: a small consistent set)."""
    inflows = rows.get(
        "inflows",
        [[y, "Yueyang", "power_battery_lfp", 10 * (y - 2010), "MWh"] for y in range(2012, 2026)]
        + [[y, "长沙", "power_battery_lfp", 100, "t"] for y in range(2014, 2026)],
    )
    lifetimes = rows.get("lifetimes", [["power_battery_lfp", "weibull", 3.5, 7, "", "", "", ""]])
    capacities = rows.get("capacities", [["REC-1", "power_battery", 2020, 1000, "t"]])
    return [
        write_csv(folder / "inflows.csv", INFLOW_HEADER, inflows),  # type: ignore[arg-type]
        write_csv(folder / "lifetimes.csv", LIFETIME_HEADER, lifetimes),  # type: ignore[arg-type]
        write_csv(folder / "capacities.csv", CAPACITY_HEADER, capacities),  # type: ignore[arg-type]
    ]


def battery_flows(folder: Path) -> Path:
    """Recorded retirements: LFP packs out of the source SRC-1 (Miluo, Yueyang) in 2023 and 2024."""
    rows = [
        flow(f"{y}-0{m}", "SRC-1", "REC-1", "power_battery_lfp", str(q))
        for y, q in ((2023, 20), (2024, 30))
        for m in (1, 2)
    ]
    return flows_file(folder, rows, name="battery_flows.csv")
