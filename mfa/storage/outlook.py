"""The outlook's inputs as stored: inflows of products into use, their lifetimes, the capacities of the facilities
that take them back, and the flows that are recorded retirements (the SQL of mfa.services.forecasting)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, text

from mfa.domain import records
from mfa.storage.declarations import hand_overs_sql
from mfa.storage.reads import Schema, query_frame


def product_codes(conn: Connection) -> frozenset[str]:
    """The codes of materials flagged as products."""
    return frozenset(conn.execute(text("SELECT code FROM material WHERE is_product")).scalars())


INFLOW_SCHEMA: Schema = {
    "year": pl.Int32,
    "scope": pl.String,
    "product": pl.String,
    "quantity_t": pl.Float64,
    "value": pl.Float64,
    "unit": pl.String,
    "source": pl.String,
}


def inflow_table(conn: Connection) -> pl.DataFrame:
    """Every inflow: year, scope (province or a city), product, quantity_t, value and unit as entered, source."""
    return query_frame(
        conn,
        "SELECT i.year, i.scope, m.code, i.quantity_t, i.value, i.unit, i.source FROM inflow i "
        "JOIN material m ON m.id = i.material_id ORDER BY m.code, i.scope, i.year",
        INFLOW_SCHEMA,
    )


_PARAMETER_COLUMNS = ["shape", "scale", "mean", "std"]
_PARAMETER_COLUMNS += [f"{p}_{end}" for p in ("shape", "scale", "mean", "std") for end in ("low", "high")]
LIFETIME_TABLE_SCHEMA: Schema = {
    "product": pl.String,
    "distribution": pl.String,
    **{c: pl.Float64 for c in _PARAMETER_COLUMNS},
    "first_cohort": pl.Int32,
    "last_cohort": pl.Int32,
    "source": pl.String,
}


def lifetime_table(conn: Connection) -> pl.DataFrame:
    """Every lifetime row: product, distribution, parameters (with low and high values), cohorts, source."""
    columns = ", ".join(f"l.{c}" for c in _PARAMETER_COLUMNS)
    return query_frame(
        conn,
        f"SELECT m.code, l.distribution, {columns}, l.first_cohort, l.last_cohort, l.source FROM lifetime l "
        "JOIN material m ON m.id = l.material_id ORDER BY m.code, l.first_cohort",
        LIFETIME_TABLE_SCHEMA,
    )


CAPACITY_TABLE_SCHEMA: Schema = {
    "facility": pl.String,
    "material": pl.String,
    "year_from": pl.Int32,
    "capacity_t": pl.Float64,
    "value": pl.Float64,
    "unit": pl.String,
    "source": pl.String,
}


def capacity_table(conn: Connection) -> pl.DataFrame:
    """Every capacity: facility, material, year_from, capacity_t, value and unit as entered, source."""
    return query_frame(
        conn,
        "SELECT f.code, m.code, c.year_from, c.capacity_t, c.value, c.unit, c.source FROM capacity c "
        "JOIN facility f ON f.id = c.facility_id JOIN material m ON m.id = c.material_id "
        "ORDER BY f.code, m.code, c.year_from",
        CAPACITY_TABLE_SCHEMA,
    )


def retirement_flows(conn: Connection, materials: Sequence[str] | None = None) -> pl.DataFrame:
    """Hand-overs out of source facilities (of `materials` only, if given; agreed quantities) summed per
    year, material and the source's city: the analysis frame's year, material, quantity_t, source_kind,
    source_city (what recorded retirements are made of)."""
    where, params = "s.kind = 'source'", dict[str, object]()
    if materials is not None:
        codes = sorted(set(materials)) or [""]
        names = [f"m{i}" for i in range(len(codes))]
        where += f" AND m.code IN ({', '.join(':' + n for n in names)})"
        params |= dict(zip(names, codes, strict=True))
    frame = query_frame(
        conn,
        f"SELECT f.year, m.code, p.city, SUM(f.quantity_t) FROM {hand_overs_sql('1 = 1')} f "
        "JOIN facility s ON s.id = f.source_id JOIN material m ON m.id = f.material_id "
        f"LEFT JOIN park p ON p.id = s.park_id WHERE {where} GROUP BY f.year, m.code, p.city",
        {"year": pl.Int32, "material": pl.String, "source_city": pl.String, "quantity_t": pl.Float64},
        params,
    )
    return frame.with_columns(pl.lit("source").alias("source_kind"))


def export_tables(conn: Connection) -> dict[str, pl.DataFrame]:
    """Lifetimes, inflows and capacities in their import columns (quantities in tonnes, unit t), for a workbook."""
    inflows = inflow_table(conn).with_columns(pl.col("quantity_t").alias("quantity"), pl.lit("t").alias("unit"))
    capacities = capacity_table(conn).with_columns(pl.col("capacity_t").alias("capacity"), pl.lit("t").alias("unit"))
    return {
        "lifetimes": lifetime_table(conn).select(list(records.LIFETIME)).cast(records.LIFETIME),
        "inflows": inflows.select(list(records.INFLOW)).cast(records.INFLOW),
        "capacities": capacities.select(list(records.CAPACITY)).cast(records.CAPACITY),
    }
