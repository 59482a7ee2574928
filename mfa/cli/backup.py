"""`mfa backup FILE` and `mfa restore FILE`: the whole database to one file and back, on SQLite or PostgreSQL.
Admins only (a backup holds the users' password hashes). Thin over mfa.services.backups."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mfa.cli import DbOption, UserError, UserOption, actor, app, console, open_engine, status

if TYPE_CHECKING:
    pass

FileArgument = Annotated[Path, typer.Argument(help="The backup file (a zip of Parquet tables).", show_default=False)]


def _print_counts(counts: dict[str, int], done: str, where: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table("table", "rows")
    for name, rows in counts.items():
        table.add_row(name, f"{rows:,}")
    out = console()
    out.print(table)
    out.print(escape(f"{done} {sum(counts.values()):,} rows of {len(counts)} tables {where}"))


@app.command("backup")
def backup_(file: FileArgument, db: DbOption = None, user: UserOption = None) -> None:
    """Write every table (users, history and meta included) to FILE, to restore with `mfa restore`. Admins only."""
    from mfa.domain.roles import NotAllowed
    from mfa.services.backups import BackupError, backup

    if not file.parent.is_dir():
        raise UserError(f"no such folder: {file.parent}")
    engine = open_engine(db)
    try:
        with status(console(stderr=True), "writing the backup"):
            counts = backup(engine, file, actor(engine, user, "cli"))
    except (BackupError, NotAllowed) as exc:
        raise UserError(str(exc)) from exc
    _print_counts(counts, "backed up", f"from {engine.url.render_as_string(hide_password=True)} to {file}")


@app.command("restore")
def restore_(
    file: FileArgument,
    db: DbOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Delete the database's data first (otherwise it must hold none).")
    ] = False,
    user: UserOption = None,
) -> None:
    """Load a backup made by `mfa backup` into the database, ids and all, in one transaction. Admins only."""
    from mfa.domain.roles import NotAllowed
    from mfa.services.backups import BackupError, restore

    if not file.is_file():
        raise UserError(f"no such file: {file}")
    engine = open_engine(db)
    try:
        with status(console(stderr=True), "restoring the backup"):
            counts = restore(engine, file, actor(engine, user, "cli"), replace=replace)
    except (BackupError, NotAllowed) as exc:
        raise UserError(str(exc)) from exc
    _print_counts(counts, "restored", f"from {file} into {engine.url.render_as_string(hide_password=True)}")
