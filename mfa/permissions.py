"""Who may write what: roles and the rows an import or a form may not write for them (pure; no database).

admin writes everything; analyst reads everything and writes nothing; park_manager writes only the facilities,
flows and stocks of their own parks (a flow belongs to the parks of either end, as they report what leaves and
what arrives) and nothing else.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from mfa.validate import ERROR_SCHEMA, Checked

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


def forbidden(actor: Actor, checked: Checked, facility_parks: Mapping[str, str | None]) -> pl.DataFrame:
    """One error row for each valid row that `actor` may not write (`facility_parks`: facility -> its park now)."""
    rows = checked.valid
    if actor.role == "admin" or rows.height == 0:
        return pl.DataFrame(schema=ERROR_SCHEMA)
    if actor.role != "park_manager":
        return _errors(rows, None, f"{actor.name} ({actor.role}) may not write: the role reads only")
    own = sorted(actor.parks)
    if checked.table in ("facilities",):
        was = pl.col("code").replace_strict(dict(facility_parks), default=None, return_dtype=pl.String)
        bad = ~pl.col("park").is_in(own).fill_null(False) | (was.is_not_null() & ~was.is_in(own))
        return _errors(rows.filter(bad), "park", f"{actor.name} may write facilities of their own parks only")
    if checked.table in ("flows", "stocks"):
        ends = ["source", "target"] if checked.table == "flows" else ["facility"]
        parks = {c: pl.col(c).replace_strict(dict(facility_parks), default=None, return_dtype=pl.String) for c in ends}
        bad = ~pl.any_horizontal([parks[c].is_in(own).fill_null(False) for c in ends])
        what = "flows from or to their own parks" if checked.table == "flows" else "stocks of their own parks"
        return _errors(rows.filter(bad), ends[0], f"{actor.name} may write {what} only")
    return _errors(rows, None, f"{actor.name} (park manager) may not write {checked.table}")


def _errors(rows: pl.DataFrame, column: str | None, reason: str) -> pl.DataFrame:
    value = pl.col(column).cast(pl.String) if column else pl.lit(None, dtype=pl.String)
    return rows.select(
        pl.col("_file").alias("file"),
        pl.col("_row").alias("row"),
        pl.lit(column or "").alias("column"),
        value.alias("value"),
        pl.lit(reason).alias("reason"),
    ).cast(ERROR_SCHEMA)  # type: ignore[arg-type]


class NotAllowed(PermissionError):
    """The actor's role may not do this; the message names who and what."""


def require_admin(actor: Actor, what: str) -> None:
    """Refuse an admin-only action (managing users, saving reconciled values, backups) for other roles."""
    if actor.role != "admin":
        raise NotAllowed(f"{actor.name} ({actor.role}) may not {what}: admins only")
