"""What the database already holds, as the references new rows are checked against, and how an import extends them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import polars as pl
from sqlalchemy import Connection

from mfa.intake.names import facility_index, material_index
from mfa.intake.validate import Checked, Refs
from mfa.storage import declarations, reads
from mfa.storage import outlook as stored


def load_refs(conn: Connection, flow_years: Sequence[int] = ()) -> Refs:
    """What the database holds, for validating new rows; the reporting granularity only for `flow_years`."""
    return Refs(
        parks=reads.park_codes(conn),
        facilities=reads.facility_kinds(conn),
        materials=reads.material_parents(conn),
        flow_granularity=declarations.flow_granularity(conn, flow_years),
        facility_parks=reads.facility_parks(conn),
        products=stored.product_codes(conn),
        inflows=stored.inflow_table(conn).select("year", "scope", "product", "quantity_t"),
        facility_names=facility_index(reads.facility_names(conn)),
        material_names=material_index(reads.material_names(conn), reads.material_aliases(conn)),
    )


def extend_refs(refs: Refs, checked: Checked) -> Refs:
    """Rows accepted in this import count as existing for the tables that depend on them (by code and by name)."""
    valid = checked.valid
    if checked.table == "parks":
        return replace(refs, parks=refs.parks | set(valid["code"].to_list()))
    if checked.table == "facilities":
        codes = valid["code"].to_list()
        names = refs.facility_names.extended(_named(valid)) if refs.facility_names else None
        return replace(
            refs,
            facilities=refs.facilities | dict(zip(codes, valid["kind"].to_list(), strict=True)),
            facility_parks=refs.facility_parks | dict(zip(codes, valid["park"].to_list(), strict=True)),
            facility_names=names,
        )
    if checked.table == "materials":
        materials = refs.materials | dict(zip(valid["code"].to_list(), valid["parent"].to_list(), strict=True))
        flags = dict(zip(valid["code"].to_list(), valid["is_product"].to_list(), strict=True))
        products = (refs.products - set(flags)) | {c for c, p in flags.items() if p}
        names = refs.material_names.extended(_named(valid)) if refs.material_names else None
        return replace(refs, materials=materials, products=frozenset(products), material_names=names)
    if checked.table == "material_aliases" and refs.material_names is not None:
        pairs = valid.select("material", "alias").rows()
        return replace(refs, material_names=refs.material_names.extended(((m, [a]) for m, a in pairs), aliases=True))
    return refs


def _named(valid: pl.DataFrame) -> list[tuple[str, list[str | None]]]:
    """(code, names) of validated registry rows."""
    return [(c, [n, z]) for c, n, z in valid.select("code", "name", "name_zh").rows()]
