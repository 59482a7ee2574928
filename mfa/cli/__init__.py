"""The `mfa` command line: thin commands over mfa's functions; errors are one line, not a traceback.

Heavy modules are imported inside the commands, so that a repeated question starts quickly.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any, Literal

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


LANGUAGE_ENV = "MFA_LANGUAGE"
"""The environment variable that makes the command line speak Chinese (zh) without --language."""
_chosen: dict[str, str] = {}


@app.callback()
def _options(
    language: Annotated[
        str,
        typer.Option(
            "--language",
            envvar=LANGUAGE_ENV,
            help="Language of messages and refusal reasons: en or zh (default: $MFA_LANGUAGE, else en). Error "
            "codes, exit statuses and --json output do not change.",
            show_default=False,
        ),
    ] = "en",
) -> None:
    """mfa: material flows of Hunan's industrial parks (renewable resources, bulk solid waste, batteries)."""
    if language not in ("en", "zh"):
        raise typer.BadParameter(f"'{language}' is not en or zh", param_hint="--language")
    _chosen["language"] = language


def language() -> Literal["en", "zh"]:
    """The language the command line speaks: --language, else $MFA_LANGUAGE, else English."""
    chosen = _chosen.get("language") or os.environ.get(LANGUAGE_ENV, "en")
    return "zh" if chosen == "zh" else "en"


def say(text: str) -> str:
    """A reason or message (built in English) in the command line's language."""
    from mfa.domain.labels.reasons import translate

    return translate(text, language())


def words(key: str, /, **values: object) -> str:
    """A message of mfa.domain.labels.messages in the command line's language."""
    from mfa.domain.labels import text

    return text(key, language(), **values)


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
        typer.echo(f"error: {say(str(exc))}", err=True)
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
