"""Login sessions: a token only its holder knows, ended by logout (everywhere), inactivity, or a disabled user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from mfa.storage import accounts, sessions
from mfa.storage.engine import write_transaction

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def users(engine: Engine) -> Engine:
    with write_transaction(engine) as conn:
        accounts.add_user(conn, "ada", "battery staple", "analyst")
        accounts.add_user(conn, "bob", "correct horse", "admin")
    return engine


def _start(engine: Engine, name: str, password: str, at: datetime = T0) -> str | None:
    with write_transaction(engine) as conn:
        started = sessions.start(conn, name, password, now=at)
    return None if started is None else started[0]


def test_a_session_starts_only_with_the_right_password_and_stores_no_token(users: Engine) -> None:
    assert _start(users, "ada", "wrong one") is None
    assert _start(users, "nobody", "battery staple") is None
    token = _start(users, "ada", "battery staple")
    assert token is not None and len(token) >= 40
    with users.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM login_session")).scalars().all()
    assert len(stored) == 1 and token not in stored[0]
    actor = sessions.resume(users, token, now=T0 + timedelta(minutes=5))
    assert actor is not None and (actor.name, actor.role, actor.via) == ("ada", "analyst", "app")
    assert sessions.resume(users, token + "x", now=T0) is None
    assert sessions.resume(users, None) is None


def test_use_keeps_a_session_alive_and_inactivity_ends_it(users: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sessions.TIMEOUT_ENV, "30")
    token = _start(users, "ada", "battery staple")
    for minutes in (20, 40, 60):  # each use within 30 minutes of the one before
        assert sessions.resume(users, token, now=T0 + timedelta(minutes=minutes)) is not None
    assert sessions.resume(users, token, now=T0 + timedelta(minutes=60 + 31)) is None
    assert sessions.resume(users, token, now=T0 + timedelta(minutes=60 + 32)) is None  # ended for good


def test_logout_ends_every_session_of_the_user_only(users: Engine) -> None:
    tab1, tab2 = _start(users, "ada", "battery staple"), _start(users, "ada", "battery staple")
    other = _start(users, "bob", "correct horse")
    with write_transaction(users) as conn:
        sessions.end(conn, "ada")
    assert sessions.resume(users, tab1, now=T0) is None and sessions.resume(users, tab2, now=T0) is None
    assert sessions.resume(users, other, now=T0) is not None


def test_disabling_a_user_or_changing_their_password_ends_their_sessions(users: Engine) -> None:
    ada, bob = _start(users, "ada", "battery staple"), _start(users, "bob", "correct horse")
    with write_transaction(users) as conn:
        accounts.disable_user(conn, "ada")
        accounts.set_password(conn, "bob", "a new password")
    assert sessions.resume(users, ada, now=T0) is None and sessions.resume(users, bob, now=T0) is None
    assert _start(users, "ada", "battery staple") is None
    assert _start(users, "bob", "a new password") is not None
