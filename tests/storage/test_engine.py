"""The database: migrations match the models, SQLite pragmas, reference data, the data version."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from mfa.reference import bundled_materials
from mfa.services import database
from mfa.storage import meta
from mfa.storage.engine import current_revision, head_revision, make_engine, migrate, write_transaction
from mfa.storage.settings import database_url, normalize_url


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []
    assert current_revision(engine) == head_revision()
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from mfa.storage.engine import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == head_revision()
    assert migrate(engine) is False


def test_reference_data_is_loaded_once(engine: Engine) -> None:
    with engine.connect() as conn:
        codes = set(conn.execute(text("SELECT code FROM material")).scalars())
        targets = conn.execute(text("SELECT indicator, target_value FROM target WHERE scope = 'province'")).all()
    assert {m["code"] for m in bundled_materials()} <= codes
    assert ("renewable_recycled_t", 30_000_000.0) in [tuple(t) for t in targets]
    assert ("bulk_waste_utilization_rate", 0.57) in [tuple(t) for t in targets]
    with write_transaction(engine) as conn:
        conn.execute(text("DELETE FROM target WHERE indicator = 'green_parks_added'"))
    with write_transaction(engine) as conn:
        database.seed(conn)  # what every upgrade runs: it never brings a deleted target back
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM target WHERE indicator = 'green_parks_added'")).scalar() == 0


def test_data_version_changes_with_every_write(engine: Engine) -> None:
    with engine.connect() as conn:
        before = meta.data_version(conn)
    with write_transaction(engine) as conn:
        meta.bump_data_version(conn)
    with engine.connect() as conn:
        assert meta.data_version(conn) == before + 1


def test_sqlite_has_foreign_keys_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_database_url_precedence(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MFA_DATABASE_URL", "postgresql://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    monkeypatch.delenv("MFA_DATABASE_URL")
    monkeypatch.setenv("MFA_HOME", str(tmp_path))
    assert database_url() == f"sqlite:///{tmp_path / 'mfa.db'}"
    assert normalize_url("rel.db").startswith("sqlite:////")


def test_writes_are_timestamped_in_utc(engine: Engine, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlmodel import Session, select

    from mfa.services.writing import import_files
    from mfa.storage.schema import Park
    from tests.factories import world

    before = datetime.now(UTC)
    assert import_files(engine, world(tmp_path)).ok
    with Session(engine) as session:
        park = session.exec(select(Park).where(Park.code == "MILUO")).one()
    stamp = park.updated_at if park.updated_at.tzinfo else park.updated_at.replace(tzinfo=UTC)
    assert before - timedelta(seconds=5) <= stamp <= datetime.now(UTC) + timedelta(seconds=5)
    assert park.version == 1


def test_the_public_api_resolves() -> None:
    import mfa

    assert all(getattr(mfa, name) is not None for name in mfa.__all__)
