"""Engines, SQLite pragmas, write transactions and schema migrations (Alembic). Opening a database for use
(migrating it and loading the reference data) is mfa.services.database.open_database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000


def is_sqlite(engine: Engine | Connection) -> bool:
    """True for the embedded SQLite database."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get foreign keys, WAL and a busy timeout, and their folder is made."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A writer takes the write lock up front, so it waits (busy timeout) instead of failing later.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("mfa_write") else "BEGIN")

    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for writing: everything in it lands together or not at all."""
    with engine.connect().execution_options(mfa_write=True) as conn, conn.begin():
        yield conn


def _alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str | None:
    """The newest migration shipped with this version of mfa. Migrations are numbered in their file names
    (0001_..., 0002_...; a test holds this equal to Alembic's own head), so no Alembic import is needed."""
    numbers = [p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")]
    return max(numbers) if numbers else None


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for a new database."""
    with engine.connect() as conn:
        has_table = conn.dialect.has_table(conn, "alembic_version")
        if not has_table:
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine, *, then: Callable[[Connection], None] | None = None) -> bool:
    """Create or upgrade the schema to the newest migration, running `then` (loading reference data) in the same
    transaction; True if it changed."""
    if current_revision(engine) == head_revision():
        return False
    from alembic import command

    with write_transaction(engine) as conn:
        command.upgrade(_alembic_config(conn), "head")
        if then is not None:
            then(conn)
    return True
