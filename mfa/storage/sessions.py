"""Login sessions of the app: a random token (kept in the browser's cookie) whose hash is stored with its user and
the time it was last used. A session ends at logout (every session of that user) or after inactivity."""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, text

from mfa.domain.roles import Actor
from mfa.storage import accounts
from mfa.storage.engine import write_transaction

COOKIE = "mfa_session"
TIMEOUT_ENV = "MFA_SESSION_MINUTES"
DEFAULT_TIMEOUT_MINUTES = 30
_TOUCH_EVERY = timedelta(seconds=60)
"""last_seen is written at most this often, so a busy page does not write on every click."""


def timeout() -> timedelta:
    """How long a session may stay unused: $MFA_SESSION_MINUTES, else 30 minutes."""
    raw = os.environ.get(TIMEOUT_ENV, "")
    minutes = float(raw) if raw.strip() else DEFAULT_TIMEOUT_MINUTES
    return timedelta(minutes=minutes)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: object) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite gives text, PostgreSQL datetimes)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _bindable(conn: Connection, at: datetime) -> datetime:
    """UTC, naive on SQLite (stored like its other timestamps), aware on PostgreSQL."""
    at = at.astimezone(UTC)
    return at.replace(tzinfo=None) if conn.dialect.name == "sqlite" else at


def start(conn: Connection, name: str, password: str, now: datetime | None = None) -> tuple[str, Actor] | None:
    """Sign in: a new session's token and the user's Actor, or None when the name and password do not match."""
    actor = accounts.authenticate(conn, name, password, via="app")
    if actor is None:
        return None
    token = secrets.token_urlsafe(32)
    at = _bindable(conn, now or datetime.now(UTC))
    conn.execute(
        text(
            "INSERT INTO login_session (token_hash, user_id, created_at, last_seen) "
            'SELECT :h, id, :at, :at FROM "user" WHERE name = :n'
        ),
        {"h": _hash(token), "at": at, "n": name},
    )
    return token, actor


def resume(engine: Engine, token: str | None, now: datetime | None = None) -> Actor | None:
    """The Actor of a live session, marking it used; None (and the session ended) if it is unknown, idle for
    longer than timeout(), or its user was disabled. Only reads, except about once a minute per session, so
    page loads do not queue behind a long import."""
    if not isinstance(token, str) or not token:
        return None
    at = now or datetime.now(UTC)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                'SELECT s.id, s.last_seen, u.name, u.disabled FROM login_session s JOIN "user" u ON u.id = s.user_id '
                "WHERE s.token_hash = :h"
            ),
            {"h": _hash(token)},
        ).first()
        actor = None if row is None or row[3] else accounts.actor_for(conn, str(row[2]), via="app")
    if row is None:
        return None
    session_id, last_seen = row[0], _aware(row[1])
    if actor is None or at - last_seen > timeout():
        with write_transaction(engine) as conn:
            conn.execute(text("DELETE FROM login_session WHERE id = :i"), {"i": session_id})
        return None
    if at - last_seen > _TOUCH_EVERY:
        with write_transaction(engine) as conn:
            conn.execute(
                text("UPDATE login_session SET last_seen = :at WHERE id = :i"),
                {"at": _bindable(conn, at), "i": session_id},
            )
    return actor


def end(conn: Connection, name: str) -> None:
    """Log a user out everywhere: end all their sessions."""
    accounts.end_sessions(conn, name)
