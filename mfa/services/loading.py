"""Loading what every question starts from: the flow frame of some years (from the Parquet snapshot when it is
current, else from the database), the material tree and the facilities."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine

from mfa.storage import reads, snapshot
from mfa.storage.reads import material_parents


@dataclass(frozen=True)
class Data:
    """The frames every question starts from: flows of some years (from the snapshot), the tree, the facilities."""

    flows: pl.LazyFrame
    years: list[int]
    parents: dict[str, str | None]
    facilities: pl.DataFrame


def _facilities(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        return reads.facility_table(conn)


def load(engine: Engine, years: Iterable[int] | None = None, *, reconciled: bool = False, collect: bool = True) -> Data:
    """Flows of `years` (default: all; from the snapshot when current), the material tree and the facilities;
    with `reconciled`, quantities are the saved reconciled values where there are any. `collect` reads the flows
    into memory once (for many questions); without it each question scans only the columns it needs."""
    with engine.connect() as conn:
        parents = material_parents(conn)
    span = snapshot.year_span(engine) if years is None else sorted(set(years))
    flows = snapshot.flows_frame(engine, span)
    if reconciled:
        flows = flows.with_columns(pl.coalesce("reconciled_t", "quantity_t").alias("quantity_t"))
    if collect:
        flows = flows.collect().lazy()
    return Data(flows, span, parents, _facilities(engine))


def load_period(engine: Engine, year: int, month: int | None = None, *, reconciled: bool = False) -> Data:
    """What one period's indicators need: the year's snapshot when it is current; else the flows summed per link
    inside the database (as fast as plain SQL), while the snapshot is made in the background for next time."""
    if snapshot.is_current(engine, year):
        return load(engine, [year], reconciled=reconciled, collect=False)
    with engine.connect() as conn:
        parents = material_parents(conn)
        flows = reads.link_totals(conn, year, month, reconciled=reconciled)
    snapshot.make_later(engine.url.render_as_string(hide_password=False), [year])
    return Data(flows.lazy(), [year], parents, _facilities(engine))
