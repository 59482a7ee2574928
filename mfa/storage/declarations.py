"""Reading flows. A flow row is one side's declaration of a hand-over; the analysis frame (one row per hand-over,
mfa.domain.flowframe) holds the agreed quantity of its declarations (mfa.domain.handovers), read here for a year
(the snapshot's source) or summed per link for a first question; exports read the declarations as exchanged."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, text

from mfa.domain import records, vocabulary
from mfa.domain.flowframe import ANALYSIS_SCHEMA, Schema, Selection
from mfa.domain.handovers import DEFAULT_UNCERTAINTY, combine
from mfa.storage.reads import material_parents, query_frame


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


def flow_table(conn: Connection, selection: Selection | None = None) -> pl.DataFrame:
    """The flow declarations `selection` keeps, in the import/export columns (quantity in tonnes, unit t, the side
    whose declaration each is), sorted by their key."""
    where, params = _where(conn, selection or Selection())
    sql = (
        "SELECT f.period, s.code, t.code, m.code, f.quantity_t, 't', f.uncertainty, f.data_quality, "
        f"f.note, f.reference, f.side {_FLOW_JOINS}{where}"
    )
    rows = conn.execute(text(sql), params).all()
    frame = pl.DataFrame(rows, schema=records.FLOW, orient="row")
    return frame.sort(["period", "source", "target", "material", "side"])


_DECLARATION_COLUMNS: Schema = {
    "period": pl.String,
    "source_id": pl.Int64,
    "target_id": pl.Int64,
    "material_id": pl.Int64,
    "side": pl.String,
    "quantity_t": pl.Float64,
    "uncertainty": pl.Float64,
    "data_quality": pl.String,
    "reconciled_t": pl.Float64,
    "reconciled": pl.Int8,
}
_ID_KEY = ["period", "source_id", "target_id", "material_id"]


def _declaration_rows(conn: Connection, year: int) -> pl.DataFrame:
    """The declarations of a year, with the reconciled value saved for their current version (and whether there is
    one): plain tuples from the SQLite driver (no row objects), COPY ... TO STDOUT (CSV) on PostgreSQL."""
    where = f"f.period >= '{year:04d}' AND f.period < '{year + 1:04d}'"
    columns = ", ".join([*(f"f.{c}" for c in list(_DECLARATION_COLUMNS)[:8]), "r.reconciled_t"])
    columns += ", CASE WHEN r.flow_id IS NULL THEN 0 ELSE 1 END"
    select = (
        f"SELECT {columns} FROM flow f LEFT JOIN reconciled r ON r.flow_id = f.id AND r.flow_version = f.version "
        f"WHERE {where}"
    )
    raw = conn.connection.driver_connection
    if conn.dialect.name == "sqlite":
        cursor = raw.cursor()  # type: ignore[union-attr]
        try:
            frame = pl.DataFrame(cursor.execute(select).fetchall(), schema=_DECLARATION_COLUMNS, orient="row")
        finally:
            cursor.close()
    else:
        buffer = bytearray()
        with raw.cursor() as cur, cur.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:  # type: ignore[union-attr]
            for chunk in copy:
                buffer += chunk
        frame = (
            pl.read_csv(
                bytes(buffer), has_header=False, new_columns=list(_DECLARATION_COLUMNS), schema=_DECLARATION_COLUMNS
            )
            if buffer
            else pl.DataFrame(schema=_DECLARATION_COLUMNS)
        )
    return frame


def _hand_overs(declarations: pl.DataFrame) -> pl.DataFrame:
    """Declarations keyed by ids -> one row per hand-over with its agreed quantity, status and year and month; its
    reconciled value only while every declaration of it is at the version it was reconciled at."""
    agreed = combine(
        declarations.rename({"source_id": "source", "target_id": "target", "material_id": "material"})
    ).rename({"source": "source_id", "target": "target_id", "material": "material_id"})
    reconciled = declarations.group_by(_ID_KEY).agg(
        pl.when(pl.col("reconciled").cast(pl.Boolean).all()).then(pl.col("reconciled_t").first()).alias("reconciled_t")
    )
    return (
        agreed.collect()
        .join(reconciled, on=_ID_KEY, how="left")
        .with_columns(
            pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("year"),
            pl.col("period").str.slice(5, 2).cast(pl.Int8, strict=False).alias("month"),
        )
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


def _agreed_sql(quantity: str) -> str:
    """The agreed quantity of one hand-over's declarations as an SQL aggregate (GROUP BY the hand-over): the
    inverse-variance weighted mean of mfa.domain.handovers.combine, σ = u × q with u the declared uncertainty or
    its data quality's default; exact declarations (u = 0) alone when there are any."""
    qualities = " ".join(f"WHEN '{k}' THEN {v!r}" for k, v in DEFAULT_UNCERTAINTY.items() if k is not None)
    u = f"COALESCE(f.uncertainty, CASE f.data_quality {qualities} ELSE {DEFAULT_UNCERTAINTY[None]!r} END)"
    known = f"{quantity} IS NOT NULL"
    return (
        f"CASE WHEN COUNT({quantity}) <= 1 THEN MAX({quantity}) "
        f"WHEN SUM(CASE WHEN {known} AND {u} = 0 THEN 1 ELSE 0 END) > 0 "
        f"THEN AVG(CASE WHEN {known} AND {u} = 0 THEN {quantity} END) "
        f"ELSE SUM(CASE WHEN {known} THEN 1.0 / ({u} * {u} * {quantity}) END) "
        f"/ SUM(CASE WHEN {known} THEN 1.0 / ({u} * {u} * {quantity} * {quantity}) END) END"
    )


def hand_overs_sql(where: str, *, reconciled: bool = False) -> str:
    """A subquery of one row per hand-over (period, source_id, target_id, material_id, quantity_t) of the declarations
    `where` keeps (alias f), quantity_t its agreed quantity (with `reconciled`: its reconciled value where saved for
    every declaration). Every SQL that sums flows goes through it, so no hand-over counts twice."""
    agreed = _agreed_sql("f.quantity_t")
    if reconciled:
        agreed = f"CASE WHEN COUNT(r.flow_id) = COUNT(*) THEN MAX(r.reconciled_t) ELSE {agreed} END"
    join = "LEFT JOIN reconciled r ON r.flow_id = f.id AND r.flow_version = f.version " if reconciled else ""
    return (
        f"(SELECT f.period, MIN(f.year) AS year, f.source_id, f.target_id, f.material_id, {agreed} AS quantity_t "
        f"FROM flow f {join}WHERE {where} GROUP BY f.period, f.source_id, f.target_id, f.material_id)"
    )


def link_totals(conn: Connection, year: int, month: int | None = None, reconciled: bool = False) -> pl.DataFrame:
    """The hand-overs of a year (or month) summed per link inside the database: the analysis frame's columns with
    one row per (source, target, material), the period being the year or month asked, the quantity the agreed
    quantity of each hand-over's declarations (with `reconciled`, its reconciled value where saved for every
    declaration). Indicators over it equal those over the hand-overs themselves; it answers a first question
    without reading every declaration."""
    period = f"{year:04d}" if month is None else f"{year:04d}-{month:02d}"
    where = f"f.period >= '{year:04d}' AND f.period < '{year + 1:04d}'" if month is None else f"f.period = '{period}'"
    hand_overs = hand_overs_sql(where, reconciled=reconciled)
    flows = query_frame(
        conn,
        f"SELECT h.source_id, h.target_id, h.material_id, SUM(h.quantity_t) FROM {hand_overs} h "
        "GROUP BY h.source_id, h.target_id, h.material_id",
        {"source_id": pl.Int64, "target_id": pl.Int64, "material_id": pl.Int64, "quantity_t": pl.Float64},
    ).with_columns(
        pl.lit(period).alias("period"),
        pl.lit(year, dtype=pl.Int32).alias("year"),
        pl.lit(month, dtype=pl.Int8).alias("month"),
        pl.lit(None, dtype=pl.Float64).alias("uncertainty"),
        pl.lit(None, dtype=pl.String).alias("data_quality"),
        pl.lit(None, dtype=pl.Float64).alias("reconciled_t"),
        pl.lit(None, dtype=pl.String).alias("status"),
    )
    return _with_facilities(conn, flows)


def flows_of_year(conn: Connection, year: int) -> pl.DataFrame:
    """One year of the analysis frame (one row per hand-over, its agreed quantity), read through the key index
    (which starts with the period); ids are joined to codes in polars, not in SQL."""
    return _with_facilities(conn, _hand_overs(_declaration_rows(conn, year)))


def flow_year_span(conn: Connection) -> list[int]:
    """Every year from the first to the last that has flows (two look-ups in the key index: SQLite answers
    MIN and MAX from an index only one at a time)."""
    first = conn.execute(text("SELECT MIN(period) FROM flow")).scalar()
    last = conn.execute(text("SELECT MAX(period) FROM flow")).scalar()
    if first is None or last is None:
        return []
    return list(range(int(first[:4]), int(last[:4]) + 1))


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
