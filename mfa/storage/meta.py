"""The `meta` table: the data version every write bumps (page caches key on it), the name of the database instance
and the per-year flow versions that name the Parquet snapshots."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import Connection, text

DATA_VERSION = "data_version"


def bump_data_version(conn: Connection) -> None:
    """Mark that the data changed, so caches keyed by the data version are refreshed."""
    conn.execute(
        text(
            "INSERT INTO meta (key, value) VALUES (:k, '1') ON CONFLICT (key) DO UPDATE "
            "SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS VARCHAR(200))"
        ),
        {"k": DATA_VERSION},
    )


def _set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        text("INSERT INTO meta (key, value) VALUES (:k, :v) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
        {"k": key, "v": value},
    )


def mark_flows_changed(conn: Connection, years: Iterable[int]) -> None:
    """Record that the flows of these years changed: their snapshots are remade, other years' are kept."""
    token = uuid.uuid4().hex[:12]
    for year in sorted({int(y) for y in years}):
        _set_meta(conn, f"flows_version:{year}", token)


def mark_registry_changed(conn: Connection) -> None:
    """Record that parks, facilities or materials changed: every year's snapshot (which names them) is remade."""
    _set_meta(conn, "registry_version", uuid.uuid4().hex[:12])


def snapshot_versions(conn: Connection) -> dict[str, str]:
    """The registry version and each year's flow version (meta keys), for naming snapshots."""
    rows = conn.execute(
        text("SELECT key, value FROM meta WHERE key = 'registry_version' OR key LIKE 'flows_version:%'")
    ).all()
    return {str(k): str(v) for k, v in rows}


def instance(conn: Connection) -> str:
    """A name made when the database was created: snapshots of another database never match."""
    return str(conn.execute(text("SELECT value FROM meta WHERE key = 'instance'")).scalar() or "none")


def data_version(conn: Connection) -> int:
    """A number that changes with every write."""
    value = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": DATA_VERSION}).scalar()
    return int(value or 0)


def get(conn: Connection, key: str) -> str | None:
    """The value stored under `key`, or None."""
    value = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": key}).scalar()
    return None if value is None else str(value)


def set_once(conn: Connection, key: str, value: str) -> bool:
    """Store `value` under `key` unless a value is there already; True if it was stored."""
    if get(conn, key) is not None:
        return False
    _set_meta(conn, key, value)
    return True


def name_instance(conn: Connection) -> None:
    """Give a new database its instance name (once): snapshots of another database never match it."""
    set_once(conn, "instance", uuid.uuid4().hex)
