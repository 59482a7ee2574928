"""Hand-overs as the CLI and the app show them: both parties' declarations side by side with the agreed quantity and
the status (mfa.domain.handovers), seen from a park (which side is theirs, what awaits the counterpart, what they
can confirm), and confirming the counterpart's figure as one's own declaration."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
from sqlalchemy import Engine

from mfa.domain.flowframe import Selection
from mfa.domain.handovers import DEFAULT_TOLERANCE, KEY, STATUSES, Side, combine
from mfa.domain.roles import Actor, local_operator
from mfa.intake.validate import ERROR_SCHEMA
from mfa.services.editing import import_records
from mfa.services.writing import ImportReport
from mfa.storage import declarations, reads

COLUMNS = (
    *KEY,
    "sender_t",
    "receiver_t",
    "agreed_t",
    "difference_t",
    "relative_difference",
    "status",
)
"""What `mfa handovers` lists: difference_t = receiver_t − sender_t, relative_difference = difference_t ÷ sender_t."""


def hand_overs(
    engine: Engine,
    selection: Selection | None = None,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    status: str | None = None,
) -> pl.DataFrame:
    """The hand-overs `selection` keeps (either end in its scope), one row each: COLUMNS, then the parks of both
    ends and whether a counterpart is expected (both ends in parks of the province, different parks)."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
    with engine.connect() as conn:
        rows = declarations.flow_table(conn, selection)
        parks = reads.facility_parks(conn)
    combined = combine(rows.rename({"quantity": "quantity_t"}), tolerance=tolerance).collect()
    frame = combined.rename({"quantity_t": "agreed_t"}).with_columns(
        pl.col("source").replace_strict(parks, default=None, return_dtype=pl.String).alias("source_park"),
        pl.col("target").replace_strict(parks, default=None, return_dtype=pl.String).alias("target_park"),
    )
    frame = frame.with_columns(
        (
            pl.col("source_park").is_not_null()
            & pl.col("target_park").is_not_null()
            & (pl.col("source_park") != pl.col("target_park"))
        ).alias("counterpart_expected")
    ).select(*COLUMNS, "source_park", "target_park", "counterpart_expected")
    return frame if status is None else frame.filter(pl.col("status") == status)


AGREED_COLUMNS = ("period", "source", "target", "material", "quantity", "unit", "status", "sender_t", "receiver_t")
"""One row per hand-over for reporting: the agreed quantity in tonnes beside both declared figures."""


def agreed_table(engine: Engine, selection: Selection | None = None) -> pl.DataFrame:
    """The hand-overs `selection` keeps with their agreed quantity (AGREED_COLUMNS), sorted by key."""
    frame = hand_overs(engine, selection)
    return frame.select(
        *KEY,
        pl.col("agreed_t").alias("quantity"),
        pl.lit("t").alias("unit"),
        "status",
        "sender_t",
        "receiver_t",
    )


def by_place(frame: pl.DataFrame, park_city: Mapping[str, str | None], level: str = "park") -> pl.DataFrame:
    """Hand-overs (from hand_overs) per park or city they touch (either end; one touching two counts for both):
    how many were declared by both and agree, how many are disputed (and their agreed tonnes), how many await a
    counterpart who is expected to declare. Sorted by disputes, then awaiting."""

    def place(side: str) -> pl.Expr:
        park = pl.col(f"{side}_park")
        return park if level == "park" else park.replace_strict(dict(park_city), default=None, return_dtype=pl.String)

    ends = pl.concat([frame.with_columns(place(side).alias("place")) for side in ("source", "target")]).filter(
        pl.col("place").is_not_null()
    )
    ends = ends.unique(subset=[*KEY, "place"])
    one_sided = pl.col("status").is_in(["sender_only", "receiver_only"]) & pl.col("counterpart_expected")
    return (
        ends.group_by("place")
        .agg(
            (pl.col("status") == "agreed").sum().alias("agreed"),
            (pl.col("status") == "disputed").sum().alias("disputed"),
            pl.col("agreed_t").filter(pl.col("status") == "disputed").sum().alias("disputed_t"),
            one_sided.sum().alias("awaiting"),
            pl.len().alias("hand_overs"),
        )
        .sort(["disputed", "awaiting", "place"], descending=[True, True, False])
        .rename({"place": level})
    )


def counts(frame: pl.DataFrame) -> dict[str, int]:
    """How many hand-overs have each status (every status named, zeros included)."""
    found = dict(frame.group_by("status").len().iter_rows())
    return {status: int(found.get(status, 0)) for status in STATUSES}


def from_parks(frame: pl.DataFrame, parks: frozenset[str]) -> pl.DataFrame:
    """Hand-overs (from hand_overs) seen from `parks`: `own_side` (sender when the source lies in one of them,
    else receiver), the counterpart's figure, and `task`: awaiting (ours declared, theirs expected and missing),
    confirm (theirs declared, ours missing), disputed, or done."""
    own = sorted(parks)
    ours = (
        pl.when(pl.col("source_park").is_in(own).fill_null(False))
        .then(pl.lit("sender"))
        .when(pl.col("target_park").is_in(own).fill_null(False))
        .then(pl.lit("receiver"))
    )
    mine = frame.with_columns(ours.alias("own_side")).filter(pl.col("own_side").is_not_null())
    own_t = pl.when(pl.col("own_side") == "sender").then(pl.col("sender_t")).otherwise(pl.col("receiver_t"))
    their_t = pl.when(pl.col("own_side") == "sender").then(pl.col("receiver_t")).otherwise(pl.col("sender_t"))
    their_status = (
        pl.when(pl.col("own_side") == "sender").then(pl.lit("receiver_only")).otherwise(pl.lit("sender_only"))
    )
    own_status = pl.when(pl.col("own_side") == "sender").then(pl.lit("sender_only")).otherwise(pl.lit("receiver_only"))
    task = (
        pl.when(pl.col("status") == "disputed")
        .then(pl.lit("disputed"))
        .when((pl.col("status") == their_status) & pl.col("counterpart_expected"))
        .then(pl.lit("confirm"))
        .when((pl.col("status") == own_status) & pl.col("counterpart_expected"))
        .then(pl.lit("awaiting"))
        .otherwise(pl.lit("done"))
    )
    return mine.with_columns(own_t.alias("own_t"), their_t.alias("counterpart_t"), task.alias("task"))


def confirm(
    engine: Engine, key: Mapping[str, str], actor: Actor | None = None, *, side: Side | None = None
) -> ImportReport:
    """Declare the counterpart's figure of a hand-over as `actor`'s own declaration (their side: the side of their
    park, else `side`, else the side nobody declared yet), with history like any edit; refused like any write the
    actor may not make, or when there is no counterpart's figure to confirm."""
    who = actor or local_operator("app")
    hand_over = {c: key[c] for c in KEY}
    selection = Selection(int(hand_over["period"][:4]))
    with engine.connect() as conn:
        rows = declarations.flow_table(conn, selection)
    mine = rows.filter(*(pl.col(c) == v for c, v in hand_over.items()))
    declared = set(mine["side"].to_list())
    if side is None and who.role == "park_manager":
        found = from_parks(hand_overs(engine, selection), who.parks).filter(
            *(pl.col(c) == v for c, v in hand_over.items())
        )
        side = found["own_side"][0] if found.height else None
    if side is None:
        missing = {"sender", "receiver"} - declared
        side = "sender" if missing == {"sender"} else "receiver" if missing == {"receiver"} else None
    label = f"confirm {' | '.join(hand_over.values())}"
    other = "receiver" if side == "sender" else "sender"
    if side is None or other not in declared:
        report = ImportReport(files=[label])
        report.errors = pl.DataFrame(
            [(label, 1, "side", side, "there is no counterpart's declaration to confirm")],
            schema=ERROR_SCHEMA,
            orient="row",
        )
        return report
    theirs = mine.filter(pl.col("side") == other).row(0, named=True)
    record = hand_over | {
        "side": side,
        "quantity": repr(float(theirs["quantity"])),
        "unit": "t",
        "data_quality": theirs["data_quality"],
        "uncertainty": None if theirs["uncertainty"] is None else repr(float(theirs["uncertainty"])),
        "note": f"confirmed from the {other}'s declaration",
    }
    return import_records(engine, "flows", [record], label=label, via=label, actor=who)
