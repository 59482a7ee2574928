"""Who may write which rows: the step of the write path between validation and storage. The roles are
mfa.domain.roles; admin writes everything, analyst nothing, park_manager the facilities, flows and stocks of their own
parks (a flow belongs to the parks of either end, as they report what leaves and what arrives) and the capacities of
their own facilities; the outlook's inflows and lifetimes are province planning data that admins write."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from mfa.domain.labels.reasons import reason
from mfa.domain.roles import Actor
from mfa.intake.validate import ERROR_SCHEMA, Checked


def forbidden(actor: Actor, checked: Checked, facility_parks: Mapping[str, str | None]) -> pl.DataFrame:
    """One error row for each valid row that `actor` may not write (`facility_parks`: facility -> its park now)."""
    rows = checked.valid
    if actor.role == "admin" or rows.height == 0:
        return pl.DataFrame(schema=ERROR_SCHEMA)
    if actor.role != "park_manager":
        return _errors(rows, None, reason("role_reads_only", name=actor.name, role=actor.role))
    own = sorted(actor.parks)
    if checked.table in ("facilities",):
        was = pl.col("code").replace_strict(dict(facility_parks), default=None, return_dtype=pl.String)
        bad = ~pl.col("park").is_in(own).fill_null(False) | (was.is_not_null() & ~was.is_in(own))
        return _errors(rows.filter(bad), "park", reason("own_park_facilities", name=actor.name))
    if checked.table == "flows":
        return _flows_forbidden(actor, rows, facility_parks)
    if checked.table in ("stocks", "capacities"):
        ends = ["facility"]
        parks = {c: pl.col(c).replace_strict(dict(facility_parks), default=None, return_dtype=pl.String) for c in ends}
        bad = ~pl.any_horizontal([parks[c].is_in(own).fill_null(False) for c in ends])
        key = "own_park_stocks" if checked.table == "stocks" else "own_park_capacities"
        return _errors(rows.filter(bad), ends[0], reason(key, name=actor.name))
    return _errors(rows, None, reason("park_manager_table", name=actor.name, table=checked.table))


def _flows_forbidden(actor: Actor, rows: pl.DataFrame, facility_parks: Mapping[str, str | None]) -> pl.DataFrame:
    """A park manager declares flows from or to their own parks, and only their own side of each: the sender's
    when the source lies in one of their parks, the receiver's when the target does."""
    own = sorted(actor.parks)
    parks = dict(facility_parks)
    source_park = pl.col("source").replace_strict(parks, default=None, return_dtype=pl.String)
    target_park = pl.col("target").replace_strict(parks, default=None, return_dtype=pl.String)
    touches = source_park.is_in(own).fill_null(False) | target_park.is_in(own).fill_null(False)
    outside = _errors(rows.filter(~touches), "source", reason("own_park_flows", name=actor.name))
    ends = rows.filter(touches).with_columns(source_park.alias("__sp"), target_park.alias("__tp"))
    other = ends.filter(
        ((pl.col("side") == "sender") & ~pl.col("__sp").is_in(own).fill_null(False))
        | ((pl.col("side") == "receiver") & ~pl.col("__tp").is_in(own).fill_null(False))
    )
    if other.height == 0:
        return outside
    name = actor.name.replace("{", "{{").replace("}", "}}")
    sender = reason("own_side_sender", facility="{}", park="{}", name=name)
    receiver = reason("own_side_receiver", facility="{}", park="{}", name=name)
    whose = (
        pl.when(pl.col("side") == "sender")
        .then(pl.format(sender, "source", pl.col("__sp").fill_null("—")))
        .otherwise(pl.format(receiver, "target", pl.col("__tp").fill_null("—")))
    )
    refused = other.select(
        pl.col("_file").alias("file"),
        pl.col("_row").alias("row"),
        pl.lit("side").alias("column"),
        pl.col("side").alias("value"),
        whose.alias("reason"),
    ).cast(ERROR_SCHEMA)  # type: ignore[arg-type]
    return pl.concat([outside, refused]).sort("file", "row")


def _errors(rows: pl.DataFrame, column: str | None, reason: str) -> pl.DataFrame:
    value = pl.col(column).cast(pl.String) if column else pl.lit(None, dtype=pl.String)
    return rows.select(
        pl.col("_file").alias("file"),
        pl.col("_row").alias("row"),
        pl.lit(column or "").alias("column"),
        value.alias("value"),
        pl.lit(reason).alias("reason"),
    ).cast(ERROR_SCHEMA)  # type: ignore[arg-type]
