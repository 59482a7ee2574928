"""Where the database lives: `--db`, else MFA_DATABASE_URL, else an SQLite file in the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "MFA_DATABASE_URL"


def default_sqlite_path() -> Path:
    """The embedded default database file: $MFA_HOME/mfa.db, else $XDG_DATA_HOME/mfa/mfa.db."""
    home = os.environ.get("MFA_HOME")
    if home:
        return Path(home).expanduser() / "mfa.db"
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "mfa" / "mfa.db"


def normalize_url(url: str) -> str:
    """Accept SQLAlchemy URLs, plain `postgresql://` URLs (psycopg 3 is used) and bare file paths."""
    url = url.strip()
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return "sqlite:///" + str(Path(url).expanduser().resolve())
    return url


def database_url(cli_value: str | None = None) -> str:
    """The database URL to use, in order of precedence: the `--db` option, the environment, the default."""
    if cli_value:
        return normalize_url(cli_value)
    env = os.environ.get(ENV_VAR)
    if env:
        return normalize_url(env)
    return "sqlite:///" + str(default_sqlite_path())
