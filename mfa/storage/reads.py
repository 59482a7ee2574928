"""The one boundary from the database to polars: tidy frames of flows, stocks, facilities, parks, targets."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, text

from mfa.domain import records
from mfa.domain.balance import COEFFICIENT_SCHEMA
from mfa.domain.flowframe import Schema
from mfa.domain.targets import ACTUAL_SCHEMA, TARGET_SCHEMA


def query_frame(conn: Connection, sql: str, schema: Schema, params: dict[str, object] | None = None) -> pl.DataFrame:
    """The rows of a query as a frame with the given column names and types."""
    return pl.DataFrame(conn.execute(text(sql), params or {}).all(), schema=schema, orient="row")


def material_parents(conn: Connection) -> dict[str, str | None]:
    """code -> parent code for every material."""
    rows = conn.execute(text("SELECT m.code, p.code FROM material m LEFT JOIN material p ON p.id = m.parent_id"))
    return dict(rows.all())


def reference_tables(conn: Connection) -> dict[str, pl.DataFrame]:
    """Parks, facilities, materials, stocks, targets and reported values in their import/export columns."""

    def q(sql: str, schema: Schema) -> pl.DataFrame:
        return query_frame(conn, sql, schema)

    parks = q("SELECT code, name, name_zh, city, level FROM park ORDER BY code", records.PARK)
    facilities = q(
        "SELECT f.code, f.name, f.name_zh, p.code, f.kind FROM facility f LEFT JOIN park p ON p.id = f.park_id "
        "ORDER BY f.code",
        records.FACILITY,
    )
    materials = q(
        "SELECT m.code, m.name, m.name_zh, p.code, m.is_product FROM material m "
        "LEFT JOIN material p ON p.id = m.parent_id ORDER BY m.id",
        records.MATERIAL,
    )
    stocks = q(
        "SELECT st.period, f.code, m.code, st.quantity_t, 't' FROM stock st JOIN facility f ON f.id = st.facility_id "
        "JOIN material m ON m.id = st.material_id ORDER BY st.period, f.code, m.code",
        records.STOCK,
    )
    targets = q(
        f"SELECT {', '.join(records.TARGET)} FROM target ORDER BY indicator, scope_level, scope, target_year",
        records.TARGET,
    )
    aliases = q(
        "SELECT a.alias, m.code, a.source FROM material_alias a JOIN material m ON m.id = a.material_id "
        "ORDER BY m.code, a.alias",
        {"alias": pl.String, "material": pl.String, "source": pl.String},
    )
    return {
        "parks": parks,
        "facilities": facilities,
        "materials": materials,
        "material_aliases": aliases,
        "stocks": stocks,
        "targets": targets,
        "transfer_coefficients": transfer_coefficients(conn),
    }


def coefficient_table(conn: Connection) -> pl.DataFrame:
    """Every declared transfer coefficient as the balance reads it: scope_level, scope, coefficient, tolerance, and
    its source; facility rows first, then kinds, each by code."""
    return query_frame(
        conn,
        "SELECT scope_level, scope, coefficient, tolerance, source FROM transfer_coefficient "
        "ORDER BY scope_level, scope",
        dict(COEFFICIENT_SCHEMA) | {"source": pl.String},
    )


def transfer_coefficients(conn: Connection) -> pl.DataFrame:
    """Declared transfer coefficients in their import/export columns (facility or kind, coefficient, tolerance,
    source)."""
    stored = coefficient_table(conn)
    return stored.select(
        pl.when(pl.col("scope_level") == "facility").then(pl.col("scope")).alias("facility"),
        pl.when(pl.col("scope_level") == "kind").then(pl.col("scope")).alias("kind"),
        "coefficient",
        "tolerance",
        "source",
    ).cast(records.TRANSFER_COEFFICIENT)


def facility_table(conn: Connection) -> pl.DataFrame:
    """Every facility with its kind, park and city: code, name, name_zh, kind, park, city."""
    s = pl.String
    return query_frame(
        conn,
        "SELECT f.code, f.name, f.name_zh, f.kind, p.code, p.city FROM facility f "
        "LEFT JOIN park p ON p.id = f.park_id ORDER BY f.code",
        {"code": s, "name": s, "name_zh": s, "kind": s, "park": s, "city": s},
    )


def target_table(conn: Connection) -> pl.DataFrame:
    """Every target: indicator, scope_level, scope, baseline, target, direction, source."""
    return query_frame(conn, f"SELECT {', '.join(TARGET_SCHEMA)} FROM target ORDER BY id", dict(TARGET_SCHEMA))


def reported_table(conn: Connection) -> pl.DataFrame:
    """Reported values: indicator, scope_level, scope, year, value."""
    return query_frame(conn, "SELECT indicator, scope_level, scope, year, value FROM reported", dict(ACTUAL_SCHEMA))


def stock_table(conn: Connection) -> pl.DataFrame:
    """Stocks as balances read them: period, year, month, facility, material, quantity_t."""
    schema: Schema = {"period": pl.String, "year": pl.Int32, "month": pl.Int8, "facility": pl.String} | {
        "material": pl.String,
        "quantity_t": pl.Float64,
    }
    return query_frame(
        conn,
        "SELECT s.period, s.year, s.month, f.code, m.code, s.quantity_t FROM stock s "
        "JOIN facility f ON f.id = s.facility_id JOIN material m ON m.id = s.material_id",
        schema,
    )


def facility_parks(conn: Connection) -> dict[str, str | None]:
    """Facility code -> the code of its park (None outside the parks)."""
    rows = conn.execute(text("SELECT f.code, p.code FROM facility f LEFT JOIN park p ON p.id = f.park_id")).all()
    return {str(code): park for code, park in rows}


def id_map(conn: Connection, table: str) -> pl.DataFrame:
    """code -> id for parks, facilities or materials."""
    rows = conn.execute(text(f"SELECT code, id FROM {table}")).all()
    return pl.DataFrame(rows, schema={"code": pl.String, "id": pl.Int64}, orient="row")


def park_codes(conn: Connection) -> frozenset[str]:
    """Every park's code."""
    return frozenset(conn.execute(text("SELECT code FROM park")).scalars())


def facility_kinds(conn: Connection) -> dict[str, str]:
    """Facility code -> its kind."""
    return dict(conn.execute(text("SELECT code, kind FROM facility")).all())


def facility_names(conn: Connection) -> list[tuple[str, str | None, str | None]]:
    """(code, name, name_zh) of every facility."""
    return [(r[0], r[1], r[2]) for r in conn.execute(text("SELECT code, name, name_zh FROM facility")).all()]


def material_names(conn: Connection) -> list[tuple[str, str | None, str | None]]:
    """(code, name, name_zh) of every material."""
    return [(r[0], r[1], r[2]) for r in conn.execute(text("SELECT code, name, name_zh FROM material")).all()]


def material_aliases(conn: Connection) -> dict[str, str]:
    """alias -> material code."""
    rows = conn.execute(text("SELECT a.alias, m.code FROM material_alias a JOIN material m ON m.id = a.material_id"))
    return {str(a): str(c) for a, c in rows.all()}


def counts(conn: Connection) -> dict[str, int]:
    """How many records each table holds."""
    tables = {"parks": "park", "facilities": "facility", "materials": "material", "flows": "flow"}
    tables |= {"stocks": "stock", "targets": "target", "reported": "reported"}
    tables |= {"inflows": "inflow", "lifetimes": "lifetime", "capacities": "capacity"}
    tables |= {"material_aliases": "material_alias", "transfer_coefficients": "transfer_coefficient"}
    return {name: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() or 0) for name, t in tables.items()}
