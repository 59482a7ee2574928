"""Upgrading a database made by an earlier version keeps every record: here the declarations migration (0008),
on a database built with the migrations up to 0007 and the bundled sample, with history and a park manager."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
from alembic import command
from sqlalchemy import text

from mfa.domain.units import UNITS
from mfa.reference import bundled_materials, sample_dir
from mfa.services.database import migrate
from mfa.storage import history, writes
from mfa.storage.engine import _alembic_config, make_engine, write_transaction

pytestmark = pytest.mark.slow  # the whole sample goes in through SQL and through a migration

FLOW_COLUMNS = "period, year, month, source_id, target_id, material_id, quantity_t, value, unit, uncertainty, "
FLOW_COLUMNS += "data_quality, note, reference, updated_at, version, updated_by"


def _sample(name: str) -> pl.DataFrame:
    frame = pl.read_csv(sample_dir() / f"{name}.csv", infer_schema=False)
    if name != "flows":
        return frame
    key = ["period", "source", "target", "material"]  # before 0008 a hand-over held one row: the sender's
    return frame.sort(*key, pl.col("side") == "receiver").unique(subset=key, keep="first", maintain_order=True)


def _build_0007(url: str) -> None:
    """A database as mfa 0007 made it: the schema, the reference data, the sample's registry and flows, a park
    manager who wrote some flows, and one flow edited once (so it has a revision)."""
    engine = make_engine(url)
    with write_transaction(engine) as conn:
        command.upgrade(_alembic_config(conn), "0007")
        materials = pl.DataFrame(bundled_materials(), schema_overrides={"parent": pl.String}, orient="row")
        writes.upsert_materials(conn, materials, ("name", "name_zh", "is_product"))  # what seeding did then
        now = datetime(2025, 1, 1)
        parks = _sample("parks")
        conn.execute(
            text("INSERT INTO park (code, name, name_zh, city, level, updated_at, version) "
                 "VALUES (:code, :name, :name_zh, :city, :level, :at, 1)"),
            [r | {"at": now} for r in parks.to_dicts()],
        )  # fmt: skip
        park_ids = dict(conn.execute(text("SELECT code, id FROM park")).all())
        facilities = _sample("facilities").with_columns(pl.col("park").replace_strict(park_ids, default=None))
        conn.execute(
            text("INSERT INTO facility (code, name, name_zh, park_id, kind, updated_at, version) "
                 "VALUES (:code, :name, :name_zh, :park, :kind, :at, 1)"),
            [r | {"at": now} for r in facilities.to_dicts()],
        )  # fmt: skip
        facility_ids = dict(conn.execute(text("SELECT code, id FROM facility")).all())
        material_ids = dict(conn.execute(text("SELECT code, id FROM material")).all())
        conn.execute(
            text('INSERT INTO "user" (name, password_hash, role, disabled, updated_at, version) '
                 "VALUES ('nina', 'x', 'park_manager', :no, :at, 1)"),
            {"no": False, "at": now},
        )  # fmt: skip
        conn.execute(
            text("INSERT INTO user_park (user_id, park_id) SELECT u.id, p.id FROM \"user\" u, park p "
                 "WHERE u.name = 'nina' AND p.code = 'CS-NXHT'"),
        )  # fmt: skip
        flows = _sample("flows")
        rows = []
        for r in flows.iter_rows(named=True):
            value = float(r["quantity"])
            rows.append(
                {
                    "period": r["period"], "year": int(r["period"][:4]), "month": int(r["period"][5:]) or None,
                    "source_id": facility_ids[r["source"]], "target_id": facility_ids[r["target"]],
                    "material_id": material_ids[r["material"]], "quantity_t": value * UNITS[r["unit"] or "t"],
                    "value": value, "unit": r["unit"] or "t",
                    "uncertainty": float(r["uncertainty"]) if r["uncertainty"] else None,
                    "data_quality": r["data_quality"], "note": r["note"], "reference": r["reference"],
                    "updated_at": now, "version": 1, "updated_by": "nina" if len(rows) % 7 == 0 else "op",
                }
            )  # fmt: skip
        values = ", ".join(f":{c.strip()}" for c in FLOW_COLUMNS.split(","))
        conn.execute(text(f"INSERT INTO flow ({FLOW_COLUMNS}) VALUES ({values})"), rows)
        change = conn.execute(
            text("INSERT INTO change (changed_at, changed_by, via) VALUES (:at, 'op', 'test') RETURNING id"),
            {"at": now},
        ).scalar()
        if conn.dialect.name != "sqlite":
            conn.execute(text("SELECT set_config('mfa.change_id', :c, true)"), {"c": str(change)})
        edited = conn.execute(text("SELECT MIN(id) FROM flow")).scalar()
        conn.execute(
            text("UPDATE flow SET quantity_t = quantity_t + 1, version = 2, change_id = :c WHERE id = :i"),
            {"c": change, "i": edited},
        )
    engine.dispose()


SNAPSHOT = (
    "SELECT f.period, s.code, t.code, m.code, f.quantity_t, f.value, f.unit, f.uncertainty, f.data_quality, "
    "f.updated_by, f.version FROM flow f JOIN facility s ON s.id = f.source_id JOIN facility t ON t.id = f.target_id "
    "JOIN material m ON m.id = f.material_id ORDER BY 1, 2, 3, 4"
)


def test_the_declarations_migration_keeps_every_flow_and_gives_each_its_side(db_url: str) -> None:
    _build_0007(db_url)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        before = conn.execute(text(SNAPSHOT)).all()
        revisions = conn.execute(text("SELECT COUNT(*) FROM flow_revision")).scalar()
    assert len(before) == _sample("flows").height and revisions == 1
    assert migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text(SNAPSHOT)).all() == before  # every flow, every value, who wrote it, its version
        sides = pl.DataFrame(
            conn.execute(
                text(
                    "SELECT f.side, s.kind, sp.code, tp.code, f.updated_by FROM flow f "
                    "JOIN facility s ON s.id = f.source_id JOIN facility t ON t.id = f.target_id "
                    "LEFT JOIN park sp ON sp.id = s.park_id LEFT JOIN park tp ON tp.id = t.park_id"
                )
            ).all(),
            schema=["side", "source_kind", "source_park", "target_park", "by"],
            orient="row",
        )
        first = conn.execute(text("SELECT period, source_id, target_id, material_id FROM flow ORDER BY id")).first()
        key = conn.execute(
            text(
                "SELECT f.period, s.code, t.code, m.code FROM flow f JOIN facility s ON s.id = f.source_id "
                "JOIN facility t ON t.id = f.target_id JOIN material m ON m.id = f.material_id "
                "WHERE f.period = :p AND f.source_id = :s AND f.target_id = :t AND f.material_id = :m"
            ),
            dict(zip("pstm", first or (), strict=True)),
        ).one()
        past = history.record_history(
            conn, "flow", dict(zip(("period", "source", "target", "material"), key, strict=True))
        )
    nina = pl.col("by") == "nina"
    rule = (
        pl.when(nina & (pl.col("source_park") == "CS-NXHT"))
        .then(pl.lit("sender"))
        .when(nina & (pl.col("target_park") == "CS-NXHT"))
        .then(pl.lit("receiver"))
        .when(pl.col("source_kind") == "boundary")
        .then(pl.lit("receiver"))
        .otherwise(pl.lit("sender"))
    )
    assert sides.filter(pl.col("side") != rule).height == 0
    assert sides.filter(nina & (pl.col("target_park") == "CS-NXHT") & (pl.col("source_park") != "CS-NXHT")).height
    assert set(sides["side"]) == {"sender", "receiver"}
    assert past["version"].to_list() == [1, 2]  # the revision got its side too: the history continues
    with engine.connect() as conn:  # the new key holds the side: both sides of one hand-over fit now
        assert "flow_key" in {c["name"] for c in _unique_constraints(conn)}
    assert not migrate(engine)
    engine.dispose()


def _unique_constraints(conn):  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect

    found = inspect(conn).get_unique_constraints("flow")
    assert [c["column_names"] for c in found if c["name"] == "flow_key"] == [
        ["period", "source_id", "target_id", "material_id", "side"]
    ]
    return found
