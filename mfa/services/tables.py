"""The stored records as the tables people see, import and export: flows of a selection in the importer's columns,
the registry (parks, facilities, materials), every table for a workbook, and how much the database holds."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine

from mfa.domain.flowframe import Selection
from mfa.domain.labels import Language
from mfa.export import people
from mfa.storage import declarations, meta, reads, snapshot
from mfa.storage import outlook as stored


def flows(engine: Engine, selection: Selection | None = None) -> pl.DataFrame:
    """The flows `selection` keeps, in the import/export columns (quantity in tonnes, unit t), sorted by key."""
    with engine.connect() as conn:
        return declarations.flow_table(conn, selection)


def flows_for_people(engine: Engine, selection: Selection | None, language: Language) -> dict[str, pl.DataFrame]:
    """The flows `selection` keeps as sheets for people (mfa.export.people.flow_sheets): names beside codes,
    headers in `language`, then the facilities, parks and materials they name."""
    with engine.connect() as conn:
        flows = declarations.flow_table(conn, selection)
        tables = reads.reference_tables(conn)
        facilities = reads.facility_table(conn)
    return people.flow_sheets(flows, facilities, tables["parks"], tables["materials"], language)


def workbook(engine: Engine, selection: Selection | None = None) -> dict[str, pl.DataFrame]:
    """Every table for one workbook that imports into an empty database: the registry, stocks, targets, the
    outlook's lifetimes, inflows and capacities, and the flows `selection` keeps."""
    with engine.connect() as conn:
        outlook = stored.export_tables(conn)
        return {**reads.reference_tables(conn), **outlook, "flows": declarations.flow_table(conn, selection)}


def registry(engine: Engine) -> dict[str, pl.DataFrame]:
    """Parks and materials in their import columns, and facilities with kind, park and city."""
    with engine.connect() as conn:
        tables = reads.reference_tables(conn)
        return {"parks": tables["parks"], "materials": tables["materials"], "facilities": reads.facility_table(conn)}


def material_parents(engine: Engine) -> dict[str, str | None]:
    """Material code -> its parent code, for every material."""
    with engine.connect() as conn:
        return reads.material_parents(conn)


def counts(engine: Engine) -> dict[str, int]:
    """How many records each table holds."""
    with engine.connect() as conn:
        return reads.counts(conn)


def data_version(engine: Engine) -> int:
    """A number that changes with every write (page caches key on it)."""
    with engine.connect() as conn:
        return meta.data_version(conn)


def years(engine: Engine) -> list[int]:
    """Every year from the first to the last that has flows."""
    return snapshot.year_span(engine)


def make_snapshot(engine: Engine, years: list[int] | None = None) -> int:
    """Make the Parquet snapshots of these years (default: all) now; the number of flows they hold."""
    return int(snapshot.flows_frame(engine, years).select(pl.len()).collect().item())
