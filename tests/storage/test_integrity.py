"""The database keeps flows' references whole on both databases, whatever writes to it: a flow cannot name a
facility or material that does not exist (checked per statement on PostgreSQL), and a facility or material that
flows name cannot be deleted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, exc, text

from mfa.services.writing import import_files
from mfa.storage.engine import write_transaction
from tests.factories import flow, flows_file, world

INSERT = (
    "INSERT INTO flow (period, year, month, source_id, target_id, material_id, quantity_t, value, unit, side, "
    "updated_at, version) VALUES ('2024-02', 2024, 2, :s, :t, :m, 1, 1, 't', 'sender', :at, 1)"
)


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert import_files(engine, [*world(tmp_path), flows_file(tmp_path, [flow()])]).ok
    return engine


def _ids(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT code, id FROM facility")).all())
        material = conn.execute(text("SELECT id FROM material WHERE code = 'scrap_steel'")).scalar_one()
    return ids["SRC-1"], ids["COL-1"], material


def test_deleting_a_facility_or_material_that_flows_name_is_refused(loaded: Engine) -> None:
    for sql in ("DELETE FROM facility WHERE code = 'COL-1'", "DELETE FROM material WHERE code = 'scrap_steel'"):
        refused = pytest.raises(exc.DatabaseError, match=r"cannot delete a (facility|material) that flows name")
        with refused, write_transaction(loaded) as conn:
            conn.execute(text(sql))
    with write_transaction(loaded) as conn:  # one that no flow names goes
        assert conn.execute(text("DELETE FROM facility WHERE code = 'YARD-1'")).rowcount == 1


@pytest.mark.postgres
def test_postgresql_refuses_a_flow_naming_what_does_not_exist(loaded: Engine) -> None:
    if loaded.dialect.name == "sqlite":
        pytest.skip("SQLite: the one write path takes ids from the database in the same write transaction")
    source, target, material = _ids(loaded)
    at = datetime.now(UTC)
    for bad in ({"s": 999_999, "t": target, "m": material}, {"s": source, "t": target, "m": 999_999}):
        refused = pytest.raises(exc.IntegrityError, match="names a facility or material that does not exist")
        with refused, write_transaction(loaded) as conn:
            conn.execute(text(INSERT), bad | {"at": at})
    with pytest.raises(exc.IntegrityError, match="does not exist"), write_transaction(loaded) as conn:
        conn.execute(text("UPDATE flow SET target_id = 999999"))
    with write_transaction(loaded) as conn:
        conn.execute(text(INSERT), {"s": source, "t": target, "m": material, "at": at})
