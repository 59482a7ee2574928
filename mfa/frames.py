"""The one boundary from the database to polars: tidy frames of flows, stocks, facilities, parks, targets."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection, text

from mfa import taxonomy


@dataclass(frozen=True)
class FlowFilter:
    """Which flows to read: a year, a city or park (either end of the flow), a material and its descendants."""

    year: int | None = None
    city: str | None = None
    park: str | None = None
    material: str | None = None


def material_parents(conn: Connection) -> dict[str, str | None]:
    """code -> parent code for every material."""
    rows = conn.execute(text("SELECT m.code, p.code FROM material m LEFT JOIN material p ON p.id = m.parent_id"))
    return dict(rows.all())


def _where(conn: Connection, flt: FlowFilter) -> tuple[str, dict[str, object]]:
    clauses: list[str] = []
    params: dict[str, object] = {}
    if flt.year is not None:
        clauses.append("f.year = :year")
        params["year"] = flt.year
    if flt.city is not None:
        clauses.append("(sp.city = :city OR tp.city = :city)")
        params["city"] = taxonomy.city_name(flt.city) or flt.city
    if flt.park is not None:
        clauses.append("(sp.code = :park OR tp.code = :park)")
        params["park"] = flt.park
    if flt.material is not None:
        codes = sorted(taxonomy.descendants(material_parents(conn), [flt.material]))
        names = [f"m{i}" for i in range(len(codes))]
        clauses.append(f"m.code IN ({', '.join(':' + n for n in names)})" if codes else "1 = 0")
        params |= dict(zip(names, codes, strict=True))
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


def flow_table(conn: Connection, flt: FlowFilter | None = None) -> pl.DataFrame:
    """Flows in the import/export columns (quantity in tonnes, unit t), sorted by their key."""
    where, params = _where(conn, flt or FlowFilter())
    sql = (
        "SELECT f.period, s.code, t.code, m.code, f.quantity_t, 't', f.uncertainty, f.data_quality, "
        f"f.note, f.reference {_FLOW_JOINS}{where}"
    )
    rows = conn.execute(text(sql), params).all()
    frame = pl.DataFrame(rows, schema=FLOW_EXPORT_SCHEMA, orient="row")
    return frame.sort(["period", "source", "target", "material"])


def reference_tables(conn: Connection) -> dict[str, pl.DataFrame]:
    """Parks, facilities, materials, stocks, targets and reported values in their import/export columns."""

    def q(sql: str, schema: dict[str, type[pl.DataType] | pl.DataType]) -> pl.DataFrame:
        return pl.DataFrame(conn.execute(text(sql)).all(), schema=schema, orient="row")

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
    targets = q(
        "SELECT indicator, scope, baseline_year, baseline_value, target_year, target_value, direction, source "
        "FROM target ORDER BY indicator, scope_level, scope, target_year",
        {
            "indicator": s,
            "scope": s,
            "baseline_year": pl.Int32,
            "baseline_value": pl.Float64,
            "target_year": pl.Int32,
            "target_value": pl.Float64,
            "direction": s,
            "source": s,
        },
    )
    return {
        "parks": parks,
        "facilities": facilities,
        "materials": materials,
        "stocks": stocks,
        "targets": targets,
    }
