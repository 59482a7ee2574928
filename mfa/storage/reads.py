"""The one boundary from the database to polars: tidy frames of flows, stocks, facilities, parks, targets."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, text

from mfa.domain import vocabulary
from mfa.domain.flowframe import ANALYSIS_SCHEMA, Schema, Selection
from mfa.domain.targets import ACTUAL_SCHEMA, TARGET_SCHEMA


def query_frame(conn: Connection, sql: str, schema: Schema, params: dict[str, object] | None = None) -> pl.DataFrame:
    """The rows of a query as a frame with the given column names and types."""
    return pl.DataFrame(conn.execute(text(sql), params or {}).all(), schema=schema, orient="row")


def material_parents(conn: Connection) -> dict[str, str | None]:
    """code -> parent code for every material."""
    rows = conn.execute(text("SELECT m.code, p.code FROM material m LEFT JOIN material p ON p.id = m.parent_id"))
    return dict(rows.all())


def _where(conn: Connection, selection: Selection) -> tuple[str, dict[str, object]]:
    """The SQL conditions of a selection over the flow joins (f: flow, s/t: its ends, sp/tp: their parks)."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    if selection.year is not None:
        clauses.append("f.year = :year")
        params["year"] = selection.year
    if selection.month is not None:
        clauses.append("f.month = :month")
        params["month"] = selection.month
    scope = selection.scope
    if scope.city is not None:
        clauses.append("(sp.city = :city OR tp.city = :city)")
        params["city"] = scope.city
    if scope.park is not None:
        clauses.append("(sp.code = :park OR tp.code = :park)")
        params["park"] = scope.park
    if selection.material is not None:
        codes = sorted(vocabulary.descendants(material_parents(conn), [selection.material]))
        names = [f"m{i}" for i in range(len(codes))]
        clauses.append(f"m.code IN ({', '.join(':' + n for n in names)})" if codes else "1 = 0")
        params |= dict(zip(names, codes, strict=True))
    if selection.kinds:
        names = [f"k{i}" for i in range(len(selection.kinds))]
        listed = ", ".join(":" + n for n in names)
        clauses.append(f"(s.kind IN ({listed}) OR t.kind IN ({listed}))")
        params |= dict(zip(names, selection.kinds, strict=True))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_FLOW_JOINS = (
    "FROM flow f JOIN facility s ON s.id = f.source_id JOIN facility t ON t.id = f.target_id "
    "JOIN material m ON m.id = f.material_id LEFT JOIN park sp ON sp.id = s.park_id "
    "LEFT JOIN park tp ON tp.id = t.park_id"
)

FLOW_EXPORT_SCHEMA = {
    "period": pl.String,
    "source": pl.String,
    "target": pl.String,
    "material": pl.String,
    "quantity": pl.Float64,
    "unit": pl.String,
    "uncertainty": pl.Float64,
    "data_quality": pl.String,
    "note": pl.String,
    "reference": pl.String,
}


def flow_table(conn: Connection, selection: Selection | None = None) -> pl.DataFrame:
    """The flows `selection` keeps in the import/export columns (quantity in tonnes, unit t), sorted by their key."""
    where, params = _where(conn, selection or Selection())
    sql = (
        "SELECT f.period, s.code, t.code, m.code, f.quantity_t, 't', f.uncertainty, f.data_quality, "
        f"f.note, f.reference {_FLOW_JOINS}{where}"
    )
    rows = conn.execute(text(sql), params).all()
    frame = pl.DataFrame(rows, schema=FLOW_EXPORT_SCHEMA, orient="row")
    return frame.sort(["period", "source", "target", "material"])


def reference_tables(conn: Connection) -> dict[str, pl.DataFrame]:
    """Parks, facilities, materials, stocks, targets and reported values in their import/export columns."""

    def q(sql: str, schema: Schema) -> pl.DataFrame:
        return query_frame(conn, sql, schema)

    s = pl.String
    parks = q(
        "SELECT code, name, name_zh, city, level FROM park ORDER BY code",
        {"code": s, "name": s, "name_zh": s, "city": s, "level": s},
    )
    facilities = q(
        "SELECT f.code, f.name, f.name_zh, p.code, f.kind FROM facility f LEFT JOIN park p ON p.id = f.park_id "
        "ORDER BY f.code",
        {"code": s, "name": s, "name_zh": s, "park": s, "kind": s},
    )
    materials = q(
        "SELECT m.code, m.name, m.name_zh, p.code, m.is_product FROM material m "
        "LEFT JOIN material p ON p.id = m.parent_id ORDER BY m.id",
        {"code": s, "name": s, "name_zh": s, "parent": s, "is_product": pl.Boolean},
    )
    stocks = q(
        "SELECT st.period, f.code, m.code, st.quantity_t, 't' FROM stock st JOIN facility f ON f.id = st.facility_id "
        "JOIN material m ON m.id = st.material_id ORDER BY st.period, f.code, m.code",
        {"period": s, "facility": s, "material": s, "quantity": pl.Float64, "unit": s},
    )
    exported = {c: t for c, t in TARGET_SCHEMA.items() if c != "scope_level"}  # the scope says its level
    targets = q(
        f"SELECT {', '.join(exported)} FROM target ORDER BY indicator, scope_level, scope, target_year", exported
    )
    aliases = q(
        "SELECT a.alias, m.code, a.source FROM material_alias a JOIN material m ON m.id = a.material_id "
        "ORDER BY m.code, a.alias",
        {"alias": s, "material": s, "source": s},
    )
    return {
        "parks": parks,
        "facilities": facilities,
        "materials": materials,
        "material_aliases": aliases,
        "stocks": stocks,
        "targets": targets,
    }


def facility_table(conn: Connection) -> pl.DataFrame:
    """Every facility with its kind, park and city: code, name, name_zh, kind, park, city."""
    s = pl.String
    return query_frame(
        conn,
        "SELECT f.code, f.name, f.name_zh, f.kind, p.code, p.city FROM facility f "
        "LEFT JOIN park p ON p.id = f.park_id ORDER BY f.code",
        {"code": s, "name": s, "name_zh": s, "kind": s, "park": s, "city": s},
    )


_FLOW_COLUMNS: Schema = {
    "period": pl.String,
    "source_id": pl.Int64,
    "target_id": pl.Int64,
    "material_id": pl.Int64,
    "quantity_t": pl.Float64,
    "uncertainty": pl.Float64,
    "data_quality": pl.String,
    "reconciled_t": pl.Float64,
}


def _flow_rows(conn: Connection, year: int) -> pl.DataFrame:
    """The flow rows of a year: plain tuples from the SQLite driver (no row objects), COPY ... TO STDOUT (CSV)
    on PostgreSQL; year and month are derived from the period afterwards."""
    where = f"f.period >= '{year:04d}' AND f.period < '{year + 1:04d}'"
    columns = ", ".join(f"r.{c}" if c == "reconciled_t" else f"f.{c}" for c in _FLOW_COLUMNS)
    select = (
        f"SELECT {columns} FROM flow f LEFT JOIN reconciled r ON r.flow_id = f.id AND r.flow_version = f.version "
        f"WHERE {where}"
    )
    raw = conn.connection.driver_connection
    if conn.dialect.name == "sqlite":
        cursor = raw.cursor()  # type: ignore[union-attr]
        try:
            frame = pl.DataFrame(cursor.execute(select).fetchall(), schema=_FLOW_COLUMNS, orient="row")
        finally:
            cursor.close()
    else:
        buffer = bytearray()
        with raw.cursor() as cur, cur.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:  # type: ignore[union-attr]
            for chunk in copy:
                buffer += chunk
        frame = (
            pl.read_csv(bytes(buffer), has_header=False, new_columns=list(_FLOW_COLUMNS), schema=_FLOW_COLUMNS)
            if buffer
            else pl.DataFrame(schema=_FLOW_COLUMNS)
        )
    return frame.with_columns(
        pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("year"),
        pl.col("period").str.slice(5, 2).cast(pl.Int8, strict=False).alias("month"),
    )


def _with_facilities(conn: Connection, flows: pl.DataFrame) -> pl.DataFrame:
    """Flows with source_id, target_id, material_id -> the analysis frame (codes, kinds, parks, cities)."""
    i, s = pl.Int64, pl.String
    fac = query_frame(
        conn,
        "SELECT f.id, f.code, f.kind, p.code, p.city FROM facility f LEFT JOIN park p ON p.id = f.park_id",
        {"id": i, "code": s, "kind": s, "park": s, "city": s},
    )
    mat = query_frame(conn, "SELECT id, code FROM material", {"material_id": i, "material": s})

    def side(name: str) -> pl.DataFrame:
        return fac.rename(
            {"id": f"{name}_id", "code": name, "kind": f"{name}_kind", "park": f"{name}_park", "city": f"{name}_city"}
        )

    frame = flows.join(side("source"), on="source_id", how="left").join(side("target"), on="target_id", how="left")
    return frame.join(mat, on="material_id", how="left").select(list(ANALYSIS_SCHEMA))


def link_totals(conn: Connection, year: int, month: int | None = None, reconciled: bool = False) -> pl.DataFrame:
    """The flows of a year (or month) summed per link inside the database: the analysis frame's columns with one
    row per (source, target, material), the period being the year or month asked. Indicators over it equal
    those over the flows themselves; it answers a first question without reading every flow."""
    period = f"{year:04d}" if month is None else f"{year:04d}-{month:02d}"
    where = f"f.period >= '{year:04d}' AND f.period < '{year + 1:04d}'" if month is None else f"f.period = '{period}'"
    quantity = "COALESCE(r.reconciled_t, f.quantity_t)" if reconciled else "f.quantity_t"
    join = "LEFT JOIN reconciled r ON r.flow_id = f.id AND r.flow_version = f.version " if reconciled else ""
    flows = query_frame(
        conn,
        f"SELECT f.source_id, f.target_id, f.material_id, SUM({quantity}) FROM flow f {join}WHERE {where} "
        "GROUP BY f.source_id, f.target_id, f.material_id",
        {"source_id": pl.Int64, "target_id": pl.Int64, "material_id": pl.Int64, "quantity_t": pl.Float64},
    ).with_columns(
        pl.lit(period).alias("period"),
        pl.lit(year, dtype=pl.Int32).alias("year"),
        pl.lit(month, dtype=pl.Int8).alias("month"),
        pl.lit(None, dtype=pl.Float64).alias("uncertainty"),
        pl.lit(None, dtype=pl.String).alias("data_quality"),
        pl.lit(None, dtype=pl.Float64).alias("reconciled_t"),
    )
    return _with_facilities(conn, flows)


def flows_of_year(conn: Connection, year: int) -> pl.DataFrame:
    """One year of the analysis frame, read through the key index (which starts with the period); ids are
    joined to codes in polars, not in SQL."""
    return _with_facilities(conn, _flow_rows(conn, year))


def flow_year_span(conn: Connection) -> list[int]:
    """Every year from the first to the last that has flows (two look-ups in the key index: SQLite answers
    MIN and MAX from an index only one at a time)."""
    first = conn.execute(text("SELECT MIN(period) FROM flow")).scalar()
    last = conn.execute(text("SELECT MAX(period) FROM flow")).scalar()
    if first is None or last is None:
        return []
    return list(range(int(first[:4]), int(last[:4]) + 1))


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


def flow_granularity(conn: Connection, years: Sequence[int]) -> pl.DataFrame | None:
    """For each (source, target, material, year) with flows: whether it has a yearly and monthly flows."""
    years = sorted({int(y) for y in years})
    if not years:
        return None
    in_years = ", ".join(str(y) for y in years)
    if conn.execute(text(f"SELECT 1 FROM flow WHERE year IN ({in_years}) LIMIT 1")).first() is None:
        return None
    rows = conn.execute(
        text(
            "SELECT s.code, t.code, m.code, f.year, "
            "MAX(CASE WHEN f.month IS NULL THEN 1 ELSE 0 END), MAX(CASE WHEN f.month IS NULL THEN 0 ELSE 1 END) "
            "FROM flow f JOIN facility s ON s.id = f.source_id JOIN facility t ON t.id = f.target_id "
            f"JOIN material m ON m.id = f.material_id WHERE f.year IN ({in_years}) "
            "GROUP BY s.code, t.code, m.code, f.year"
        )
    ).all()
    schema = {"source": pl.String, "target": pl.String, "material": pl.String, "year": pl.Int32}
    schema |= {"has_year": pl.Int8, "has_month": pl.Int8}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(pl.col("has_year", "has_month").cast(pl.Boolean))


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
    tables |= {"stocks": "stock", "targets": "target", "reported": "reported", "material_aliases": "material_alias"}
    return {name: int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() or 0) for name, t in tables.items()}
