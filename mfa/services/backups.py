"""Backing up and restoring the whole database, users and history included (mfa.storage.backup): admins only,
since a backup holds the users' password hashes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from mfa.domain.roles import Actor, require_admin
from mfa.storage import backup as archive
from mfa.storage.backup import BackupError

__all__ = ["BackupError", "backup", "restore"]


def backup(engine: Engine, path: Path, actor: Actor) -> dict[str, int]:
    """Write every table to one file; rows per table. NotAllowed for other roles than admin."""
    require_admin(actor, "back up the database")
    return archive.backup(engine, path)


def restore(engine: Engine, path: Path, actor: Actor, *, replace: bool = False) -> dict[str, int]:
    """Load a backup into the database in one transaction; rows per table. NotAllowed for other roles than admin."""
    require_admin(actor, "restore a backup")
    return archive.restore(engine, path, replace=replace)
