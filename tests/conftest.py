"""Shared fixtures: a real SQLite file and a real PostgreSQL database (created and dropped per test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from mfa.services.database import open_database

PG_ADMIN_URL = os.environ.get("MFA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _postgres_problem() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {str(exc).splitlines()[0]}"


@pytest.fixture(scope="session")
def postgres_admin() -> str:
    """The admin URL of the PostgreSQL server; skips (fails under CI=true) when there is none."""
    problem = _postgres_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem + " (CI must run the PostgreSQL tests)")
        pytest.skip(problem)
    return PG_ADMIN_URL


def new_postgres_database(admin: str) -> tuple[str, str]:
    """Create an empty database of our own (never reuse `test`); returns (name, SQLAlchemy URL)."""
    import psycopg

    name = f"mfa_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return name, f"{base}/{name}"


def drop_postgres_database(admin: str, name: str) -> None:
    """Drop a database made by new_postgres_database."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A URL to a new, empty database: an SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'mfa.db'}"
        return
    admin = request.getfixturevalue("postgres_admin")
    name, url = new_postgres_database(admin)
    try:
        yield url
    finally:
        drop_postgres_database(admin, name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database (materials and the plan's targets loaded), on SQLite and PostgreSQL."""
    eng = open_database(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files holding slow tests first (each file stays together), so the two xdist workers start on the longest
    files, the browser walk above all, instead of finding them at the end of the queue."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    walk = {item.path for item in items if item.path.name == "test_walk.py"}
    order = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (item.path not in walk, item.path not in slow, order[id(item)]))
