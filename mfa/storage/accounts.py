"""User accounts: names, roles, the parks of a park manager, and passwords hashed with argon2 (never stored or
logged in clear). The SQL of the user tables lives here."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, text

from mfa.domain.roles import ROLES, Actor

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
MIN_PASSWORD = 8
_HASHER = PasswordHasher()


class AccountError(ValueError):
    """A user cannot be added, found or changed; the message says why."""


def hash_password(password: str) -> str:
    """The argon2id hash of a password (at least MIN_PASSWORD characters)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def _park_ids(conn: Connection, parks: list[str]) -> list[int]:
    ids = []
    for code in parks:
        found = conn.execute(text("SELECT id FROM park WHERE code = :c"), {"c": code}).scalar()
        if found is None:
            raise AccountError(f"unknown park {code!r}")
        ids.append(int(found))
    return ids


def _require_admin(actor: Actor | None, what: str, own: str | None = None) -> None:
    """Managing users is for admins (and the local operator); a user may change their own password."""
    if actor is not None and actor.role != "admin" and actor.name != own:
        raise AccountError(f"{actor.name} ({actor.role}) may not {what}: admins only")


def add_user(
    conn: Connection, name: str, password: str, role: str, parks: list[str] | None = None, actor: Actor | None = None
) -> None:
    """Add a user; a park manager needs at least one park, the other roles none."""
    _require_admin(actor, "add users")
    parks = parks or []
    if not re.match(NAME_PATTERN, name):
        raise AccountError(f"{name!r} is not a valid user name (letters, digits, . _ @ -; at most 64)")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if role == "park_manager" and not parks:
        raise AccountError("a park manager needs at least one --park")
    if role != "park_manager" and parks:
        raise AccountError(f"parks are for park managers; a {role} sees the whole province")
    if conn.execute(text('SELECT 1 FROM "user" WHERE name = :n'), {"n": name}).first():
        raise AccountError(f"user {name!r} exists already")
    ids = _park_ids(conn, parks)
    user_id = conn.execute(
        text(
            'INSERT INTO "user" (name, password_hash, role, disabled, updated_at, version) '
            "VALUES (:n, :h, :r, :d, CURRENT_TIMESTAMP, 1) RETURNING id"
        ),
        {"n": name, "h": hash_password(password), "r": role, "d": False},
    ).scalar()
    for park_id in ids:
        conn.execute(text("INSERT INTO user_park (user_id, park_id) VALUES (:u, :p)"), {"u": user_id, "p": park_id})


def list_users(conn: Connection) -> list[dict[str, object]]:
    """Every user: name, role, parks, disabled (never the hash)."""
    users = conn.execute(text('SELECT id, name, role, disabled FROM "user" ORDER BY name')).all()
    out = []
    for user_id, name, role, disabled in users:
        parks = conn.execute(
            text("SELECT p.code FROM user_park up JOIN park p ON p.id = up.park_id WHERE up.user_id = :u ORDER BY 1"),
            {"u": user_id},
        ).scalars()
        out.append({"name": name, "role": role, "parks": list(parks), "disabled": bool(disabled)})
    return out


def set_password(conn: Connection, name: str, password: str, actor: Actor | None = None) -> None:
    """Give a user a new password; their sessions in the app end."""
    _require_admin(actor, "change other users' passwords", own=name)
    changed = conn.execute(
        text(
            'UPDATE "user" SET password_hash = :h, version = version + 1, updated_at = CURRENT_TIMESTAMP '
            "WHERE name = :n"
        ),
        {"h": hash_password(password), "n": name},
    ).rowcount
    if not changed:
        raise AccountError(f"unknown user {name!r}")
    end_sessions(conn, name)


def disable_user(conn: Connection, name: str, actor: Actor | None = None) -> None:
    """Stop a user from signing in or acting (their history stays); their sessions in the app end."""
    _require_admin(actor, "disable users")
    changed = conn.execute(
        text('UPDATE "user" SET disabled = :d, version = version + 1, updated_at = CURRENT_TIMESTAMP WHERE name = :n'),
        {"d": True, "n": name},
    ).rowcount
    if not changed:
        raise AccountError(f"unknown user {name!r}")
    end_sessions(conn, name)


def end_sessions(conn: Connection, name: str) -> None:
    """End every app session of a user (logout everywhere; also on disable and new password)."""
    conn.execute(
        text('DELETE FROM login_session WHERE user_id IN (SELECT id FROM "user" WHERE name = :n)'), {"n": name}
    )


def actor_for(conn: Connection, name: str, via: str = "cli") -> Actor:
    """The Actor a user's name stands for; AccountError if unknown or disabled."""
    for user in list_users(conn):
        if user["name"] == name:
            if user["disabled"]:
                raise AccountError(f"user {name!r} is disabled")
            parks = user["parks"]
            assert isinstance(parks, list)
            return Actor(name, str(user["role"]), frozenset(parks), via)
    raise AccountError(f"unknown user {name!r}")


def authenticate(conn: Connection, name: str, password: str, via: str = "app") -> Actor | None:
    """The Actor for a name and password, or None when they do not match an enabled user."""
    stored = conn.execute(text('SELECT password_hash, disabled FROM "user" WHERE name = :n'), {"n": name}).first()
    if stored is None or stored[1]:
        return None
    try:
        _HASHER.verify(stored[0], password)
    except (VerificationError, InvalidHashError):
        return None
    return actor_for(conn, name, via)
