"""The outlook of a product: the stock model over its products and scopes, the recorded retirements beside it, the
capacity that can take them, and what retired batteries hold. Frames in, frames out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from mfa.domain.outlook.capacity import capacity_by_year, compare_capacity, runs_out
from mfa.domain.outlook.contents import RECOVERY_SOURCE, metal_contents
from mfa.domain.outlook.lifetimes import INFLOW_AT, InflowAt, OutlookError
from mfa.domain.outlook.recorded import beside_recorded, recorded_retirements
from mfa.domain.outlook.stock_model import PROVINCE, aggregate, ranged_products, run_stock_model
from mfa.domain.vocabulary import descendants

DEFAULT_HORIZON = 2035
CONVENTIONS: dict[str, str] = {
    "middle": "a year's inflow enters at mid-year and the stock is counted at the year's end: "
    "stock(y) = Σ_c inflow(c) · S(y − c + 0.5) (flodym's default)",
    "start": "a year's inflow enters at the start of the year: stock(y) = Σ_c inflow(c) · S(y − c + 1)",
    "end": "a year's inflow enters at the end of the year: stock(y) = Σ_c inflow(c) · S(y − c) "
    "(the older ODYM convention)",
}


@dataclass(frozen=True)
class OutlookInputs:
    """Everything a forecast reads: inflows (year, scope, product, inflow_t), lifetimes (LIFETIME_SCHEMA),
    capacities (facility, material, year_from, capacity_t), facilities (code, kind, city), the material tree,
    recorded retirement flows (year, material, quantity_t, source_kind, source_city) and the years they cover,
    and the battery chemistries."""

    inflows: pl.DataFrame
    lifetimes: pl.DataFrame
    capacities: pl.DataFrame
    facilities: pl.DataFrame
    parents: Mapping[str, str | None]
    recorded_flows: pl.DataFrame
    recorded_years: list[int]
    chemistries: pl.DataFrame


@dataclass(frozen=True)
class Outlook:
    """A forecast: rows per year, scope and product; capacity against retirements of `product`; the first year
    capacity runs out; metals in the retirements; the time convention; notes for the reader."""

    product: str
    until: int
    inflow_at: str
    rows: pl.DataFrame
    capacity: pl.DataFrame
    runs_out: pl.DataFrame
    metals: pl.DataFrame
    stacked: list[str] = field(default_factory=list)
    """The products right below `product` that have rows (what a chart stacks), else `product` itself."""
    notes: list[dict[str, Any]] = field(default_factory=list)
    """What a reader should know (see note_text), as {kind, product, ...}."""

    @property
    def has_range(self) -> bool:
        """True when some lifetime gives low and high values, so rows have outflow_low_t and outflow_high_t."""
        return "outflow_low_t" in self.rows.columns

    def convention(self) -> dict[str, Any]:
        """The time convention, stated with its formula and the alternatives."""
        return {
            "inflow_at": self.inflow_at,
            "stock": "end of year",
            "outflow": "during the year",
            "formula": CONVENTIONS[self.inflow_at],
            "alternatives": {k: v for k, v in CONVENTIONS.items() if k != self.inflow_at},
            "model": "flodym InflowDrivenDSM",
        }

    def tables(self) -> dict[str, pl.DataFrame]:
        """The forecast as tables for a workbook: rows, capacity, the first year capacity runs out, metals."""
        return {"forecast": self.rows, "capacity": self.capacity, "runs_out": self.runs_out, "metals": self.metals}

    def to_json(self) -> dict[str, Any]:
        """The forecast as one JSON-ready object (rows, capacity, runs_out, metals, convention, notes)."""
        return {
            "product": self.product,
            "until": self.until,
            "rows": self.rows.to_dicts(),
            "capacity": self.capacity.to_dicts(),
            "runs_out": self.runs_out.to_dicts(),
            "metals": self.metals.to_dicts(),
            "recovery_rates_source": RECOVERY_SOURCE,
            "convention": self.convention(),
            "notes": [note_text(n) for n in self.notes],
        }


def products_below(inputs: OutlookInputs, product: str) -> list[str]:
    """The products with inflows at or below `product`."""
    below = descendants(inputs.parents, [product])
    return sorted(p for p in inputs.inflows["product"].unique().to_list() if p in below)


def _notes(inflows: pl.DataFrame, until: int) -> list[dict[str, Any]]:
    """What a reader should know about the inflows: years without inflow inside a product's span (`gap`) and a last
    inflow year before the horizon (`ends`); both count as nothing put into use."""
    notes: list[dict[str, Any]] = []
    for (product,), rows in inflows.group_by("product", maintain_order=True):
        years = set(rows["year"].to_list())
        first, last = min(years), max(years)
        gaps = sorted(set(range(first, last + 1)) - years)
        if gaps:
            notes.append({"kind": "gap", "product": product, "years": gaps})
        if last < until:
            notes.append({"kind": "ends", "product": product, "last": last, "until": until})
    return sorted(notes, key=lambda n: (n["product"], n["kind"]))


def note_text(note: Mapping[str, Any]) -> str:
    """A note in English (the app says it in the reader's language)."""
    if note["kind"] == "gap":
        years = ", ".join(map(str, note["years"]))
        return f"{note['product']}: no inflows in {years} (counted as none put into use)"
    return (
        f"{note['product']}: inflows end in {note['last']}; {note['last'] + 1}–{note['until']} count no new products "
        "put into use (import projected inflows to see them)"
    )


def forecast(
    inputs: OutlookInputs,
    product: str,
    *,
    scope: str | None = None,
    until: int = DEFAULT_HORIZON,
    inflow_at: InflowAt = "middle",
) -> Outlook:
    """The outlook of `product` and every product with inflows below it, for every city with inflows and the
    province (or only `scope`: `province` or a city), from the first inflow year to `until`."""
    if inflow_at not in INFLOW_AT:
        raise OutlookError(f"unknown time convention {inflow_at!r}: use {', '.join(INFLOW_AT)}")
    if product not in inputs.parents:
        raise OutlookError(f"unknown product {product!r}")
    products = products_below(inputs, product)
    if not products:
        raise OutlookError(f"no inflows of {product} or of any product below it: import an inflows table first")
    inflows = inputs.inflows.filter(pl.col("product").is_in(products))
    first = int(inflows["year"].min())  # type: ignore[arg-type]
    if until < first:
        raise OutlookError(f"the horizon {until} lies before the first inflow of {product} ({first})")
    central = run_stock_model(inflows, inputs.lifetimes, inputs.parents, until=until, inflow_at=inflow_at)
    rows = aggregate(central, inputs.parents, product)
    if ranged_products(inputs.lifetimes, inputs.parents, products):
        for variant in ("low", "high"):
            other = aggregate(
                run_stock_model(
                    inflows, inputs.lifetimes, inputs.parents, until=until, inflow_at=inflow_at, variant=variant
                ),
                inputs.parents,
                product,
            ).select("year", "scope", "product", pl.col("outflow_t").alias(f"outflow_{variant}_t"))
            rows = rows.join(other, on=["year", "scope", "product"], how="left")
        # the band: the lowest and highest retirements of the low, central and high lifetimes in each year
        ends = pl.col("outflow_t", "outflow_low_t", "outflow_high_t")
        rows = rows.with_columns(
            pl.min_horizontal(ends).alias("outflow_low_t"), pl.max_horizontal(ends).alias("outflow_high_t")
        )
    if scope is not None:
        if scope not in rows["scope"].unique().to_list():
            raise OutlookError(f"no inflows of {product} in {scope}")
        rows = rows.filter(pl.col("scope") == scope)
    groups = rows["product"].unique().to_list()
    recorded = recorded_retirements(inputs.recorded_flows, inputs.parents, groups, inputs.recorded_years, products)
    rows = beside_recorded(rows, recorded, inputs.recorded_years)
    rows = _order(rows, product)
    mine = rows.filter(pl.col("product") == product)
    capacity = capacity_by_year(
        inputs.capacities,
        inputs.facilities,
        inputs.parents,
        product,
        mine["year"].to_list(),
        mine["scope"].unique(maintain_order=True).to_list(),
    )
    comparison = compare_capacity(mine, capacity)
    metals = metal_contents(
        rows.filter(pl.col("product").is_in(products)), inputs.chemistries, inputs.parents, products
    )
    if metals.height and product not in products:
        totals = (
            metals.group_by("year", "scope", "metal")
            .agg(pl.col("contained_t", "recoverable_t").sum())
            .with_columns(pl.lit(product).alias("product"))
        )
        metals = pl.concat([metals, totals], how="diagonal_relaxed").select(metals.columns)
    return Outlook(
        product=product,
        until=until,
        inflow_at=inflow_at,
        rows=rows,
        capacity=comparison,
        runs_out=runs_out(comparison),
        metals=metals.sort("scope", "product", "year", "metal"),
        stacked=sorted(p for p in groups if inputs.parents.get(p) == product) or [product],
        notes=_notes(inflows, until),
    )


def _order(rows: pl.DataFrame, product: str) -> pl.DataFrame:
    """The province first, then the cities by name; `product` first, then the others by code; years ascending."""
    columns = ["year", "scope", "product", "inflow_t", "outflow_t", "stock_t", "recorded_t", "ratio"]
    columns += [c for c in ("outflow_low_t", "outflow_high_t") if c in rows.columns]
    return rows.sort(pl.col("scope") != PROVINCE, "scope", pl.col("product") != product, "product", "year").select(
        columns
    )
