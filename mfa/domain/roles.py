"""Who acts: the roles (admin writes everything; analyst reads everything and writes nothing; park_manager writes
only what concerns their own parks), the actor of a write, and the refusal of an admin-only action. Which rows a
role may write is mfa.services.authorize."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

ROLES = ("admin", "analyst", "park_manager")


@dataclass(frozen=True)
class Actor:
    """Who is writing, with which role and parks, and through which path (form, import file name, CLI)."""

    name: str
    role: str
    parks: frozenset[str] = field(default_factory=frozenset)
    via: str = "cli"


def local_operator(via: str = "cli") -> Actor:
    """The operating-system user running the CLI on a database it can open: an admin."""
    return Actor(getpass.getuser(), "admin", frozenset(), via)


class NotAllowed(PermissionError):
    """The actor's role may not do this; the message names who and what."""


def require_admin(actor: Actor, what: str) -> None:
    """Refuse an admin-only action (managing users, saving reconciled values, backups) for other roles."""
    if actor.role != "admin":
        raise NotAllowed(f"{actor.name} ({actor.role}) may not {what}: admins only")
