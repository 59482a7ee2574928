"""The `mfa` command line: thin commands over mfa's functions; errors are one line, not a traceback.

Heavy modules are imported inside the commands, so that a repeated question starts quickly.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy import Engine

app = typer.Typer(
    help="mfa: material flows of Hunan's industrial parks (renewable resources, bulk solid waste, batteries).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///file.db, postgresql+psycopg://user@host/name) or a file path. "
        "Default: $MFA_DATABASE_URL, else the embedded SQLite file.",
        show_default=False,
    ),
]


UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Act as this user (their role and parks apply); default: the local operator, an admin.",
        show_default=False,
    ),
]


def actor(db_engine: Engine, user: str | None, via: str) -> Any:
    """The Actor the command writes as: the named user, else the operating-system user as local operator."""
    from mfa.domain.roles import local_operator

    if user is None:
        return local_operator(via)
    from mfa.services import users

    try:
        return users.actor_for(db_engine, user, via)
    except users.AccountError as exc:
        raise UserError(str(exc)) from exc


class UserError(Exception):
    """A problem to tell the user in one line (exit status 1)."""


def open_engine(db: str | None) -> Engine:
    from mfa.services.database import database_url, open_database

    url = database_url(db)
    try:
        return open_database(url)
    except Exception as exc:
        raise UserError(f"cannot open the database {safe_url(url)}: {str(exc).splitlines()[0]}") from exc


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def status(console_: Console, message: str) -> Any:
    return console_.status(message) if console_.is_terminal else _Quiet()


class _Quiet:
    def __enter__(self) -> _Quiet:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, _message: str) -> None:
        return None


def main() -> None:
    """Entry point: run the app, turning expected problems into one line on stderr."""
    try:
        app()
    except UserError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("MFA_DEBUG"):
            raise
        first = (str(exc).strip().splitlines() or [""])[0]
        typer.echo(f"error: {type(exc).__name__}: {first} (set MFA_DEBUG=1 for the traceback)", err=True)
        sys.exit(2)


from mfa.cli import analysis, backup, data, forecast, handovers, history, users  # noqa: E402  (registers the commands)

__all__ = ["analysis", "app", "backup", "data", "forecast", "handovers", "history", "main", "users"]
