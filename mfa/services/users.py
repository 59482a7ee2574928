"""Users and sign-in, as the CLI and the app ask for them: adding, listing, changing and disabling users (admins,
or a user changing their own password), who a name acts as, and the app's login sessions."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import Engine

from mfa.domain.roles import Actor
from mfa.storage import accounts, sessions
from mfa.storage.accounts import AccountError
from mfa.storage.engine import write_transaction

__all__ = ["COOKIE", "DEMO_USERS", "AccountError"]

COOKIE = sessions.COOKIE
DEMO_USERS = (
    ("demo-admin", "admin", ()),
    ("demo-analyst", "analyst", ()),
    ("demo-miluo", "park_manager", ("YY-MLCE",)),
)
"""One user per role for the bundled sample (the park manager's park is Miluo's)."""


def add_user(
    engine: Engine, name: str, password: str, role: str, parks: list[str] | None = None, actor: Actor | None = None
) -> None:
    """Add a user (admins only); AccountError says what is wrong."""
    with write_transaction(engine) as conn:
        accounts.add_user(conn, name, password, role, parks or [], actor)


def list_users(engine: Engine) -> list[dict[str, object]]:
    """Every user: name, role, parks, disabled."""
    with engine.connect() as conn:
        return accounts.list_users(conn)


def set_password(engine: Engine, name: str, password: str, actor: Actor | None = None) -> None:
    """Give a user a new password (admins, or the user themself); their app sessions end."""
    with write_transaction(engine) as conn:
        accounts.set_password(conn, name, password, actor)


def disable_user(engine: Engine, name: str, actor: Actor | None = None) -> None:
    """Stop a user from signing in or acting (admins only); their app sessions end."""
    with write_transaction(engine) as conn:
        accounts.disable_user(conn, name, actor)


def actor_for(engine: Engine, name: str, via: str) -> Actor:
    """The Actor a user's name stands for; AccountError if unknown or disabled."""
    with engine.connect() as conn:
        return accounts.actor_for(conn, name, via)


def add_demo_users(engine: Engine) -> list[tuple[str, str, str, str]]:
    """When the database has no users yet, add DEMO_USERS with new random passwords (a park manager only when their
    parks exist); (name, role, parks, password) of each user made."""
    made: list[tuple[str, str, str, str]] = []
    with write_transaction(engine) as conn:
        if accounts.list_users(conn):
            return made
        parks = set(conn.exec_driver_sql("SELECT code FROM park").scalars())
        for name, role, own in DEMO_USERS:
            if set(own) <= parks:
                password = secrets.token_urlsafe(9)
                accounts.add_user(conn, name, password, role, list(own))
                made.append((name, role, ", ".join(own), password))
    return made


def sign_in(engine: Engine, name: str, password: str) -> tuple[str, Actor] | None:
    """A new app session's token and the user's Actor, or None when the name and password do not match."""
    with write_transaction(engine) as conn:
        return sessions.start(conn, name.strip(), password)


def resume(engine: Engine, token: str | None) -> Actor | None:
    """The Actor of a live session (see mfa.storage.sessions.resume), else None."""
    return sessions.resume(engine, token)


def sign_out(engine: Engine, name: str) -> None:
    """End every app session of a user (logout everywhere)."""
    with write_transaction(engine) as conn:
        sessions.end(conn, name)


def session_timeout() -> timedelta:
    """How long an unused session lives (MFA_SESSION_MINUTES)."""
    return sessions.timeout()
