"""Who may write which rows: the step of the write path between validation and storage. The roles are
mfa.domain.roles; admin writes everything, analyst nothing, park_manager the facilities, flows and stocks of their own
parks (a flow belongs to the parks of either end, as they report what leaves and what arrives) and the capacities of
their own facilities; the outlook's inflows and lifetimes are province planning data that admins write."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from mfa.domain.roles import Actor
from mfa.intake.validate import ERROR_SCHEMA, Checked


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
    if checked.table in ("flows", "stocks", "capacities"):
        ends = ["source", "target"] if checked.table == "flows" else ["facility"]
        parks = {c: pl.col(c).replace_strict(dict(facility_parks), default=None, return_dtype=pl.String) for c in ends}
        bad = ~pl.any_horizontal([parks[c].is_in(own).fill_null(False) for c in ends])
        owned = {"flows": "flows from or to", "stocks": "stocks of", "capacities": "capacities of facilities in"}
        what = f"{owned[checked.table]} their own parks"
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
