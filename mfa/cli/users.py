"""`mfa user ...`: add, list, change the password of, and disable users. There is no default user or password."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mfa.cli import DbOption, UserError, UserOption, actor, app, console, open_engine

users = typer.Typer(help="Users and roles: admin, analyst (reads only), park_manager (writes their parks).")
app.add_typer(users, name="user")

StdinOption = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@users.command("add")
def add(
    name: str,
    role: Annotated[str, typer.Option(help="admin, analyst or park_manager.")],
    park: Annotated[list[str] | None, typer.Option(help="A park a park manager writes (repeat for more).")] = None,
    password_stdin: StdinOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Add a user; the password comes from a prompt or --password-stdin. Admins only."""
    from mfa.services import users as accounts

    engine = open_engine(db)
    who, password = actor(engine, user, "cli"), _password(password_stdin)
    try:
        accounts.add_user(engine, name, password, role, park or [], who)
    except accounts.AccountError as exc:
        raise UserError(str(exc)) from exc
    console().print(f"added {role} {name}" + (f" for {', '.join(park)}" if park else ""))


@users.command("list")
def list_(db: DbOption = None) -> None:
    """List the users with their roles and parks."""
    from rich.table import Table

    from mfa.services import users as accounts

    engine = open_engine(db)
    rows = accounts.list_users(engine)
    table = Table("name", "role", "parks", "disabled")
    for row in rows:
        table.add_row(str(row["name"]), str(row["role"]), ", ".join(row["parks"]), "yes" if row["disabled"] else "")  # type: ignore[arg-type]
    console().print(table)


@users.command("passwd")
def passwd(name: str, password_stdin: StdinOption = False, db: DbOption = None, user: UserOption = None) -> None:
    """Set a user's password (admins, or the user themself); their sessions in the app end."""
    from mfa.services import users as accounts

    engine = open_engine(db)
    who, password = actor(engine, user, "cli"), _password(password_stdin)
    try:
        accounts.set_password(engine, name, password, who)
    except accounts.AccountError as exc:
        raise UserError(str(exc)) from exc
    console().print(f"password of {name} changed")


@users.command("disable")
def disable(name: str, db: DbOption = None, user: UserOption = None) -> None:
    """Disable a user: they can no longer sign in or act; their sessions in the app end. Admins only."""
    from mfa.services import users as accounts

    engine = open_engine(db)
    who = actor(engine, user, "cli")
    try:
        accounts.disable_user(engine, name, who)
    except accounts.AccountError as exc:
        raise UserError(str(exc)) from exc
    console().print(f"{name} disabled")
