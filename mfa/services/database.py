"""Opening a database: create or migrate its schema, then load the reference data shipped with mfa (the material
tree, the plan's province targets) through the same validation as any import."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, Engine

from mfa.intake.names import material_index
from mfa.intake.validate import Refs, validate_material_aliases, validate_targets
from mfa.reference import ALIASES_FILE, TARGETS_FILE, bundled_materials
from mfa.storage import engine as engines
from mfa.storage import meta, reads, writes
from mfa.storage.settings import ENV_VAR, database_url, default_sqlite_path, normalize_url

__all__ = ["ENV_VAR", "database_url", "default_sqlite_path", "normalize_url", "open_database", "seed"]

TARGETS_SEEDED = "targets_seeded"
ALIASES_SEEDED = "material_aliases_seeded"


def seed(conn: Connection) -> None:
    """Add bundled materials missing from the database; load the plan's targets and the bundled material aliases
    once (a target or alias deleted later stays deleted); name the instance."""
    existing = set(reads.material_parents(conn))
    missing = [m for m in bundled_materials() if m["code"] not in existing]
    if missing:
        frame = pl.DataFrame(missing, schema_overrides={"parent": pl.String}, orient="row")
        writes.upsert_materials(conn, frame, ("name", "name_zh", "is_product"))
    if meta.get(conn, TARGETS_SEEDED) is None:
        frame = pl.read_csv(TARGETS_FILE, infer_schema=False).with_columns(
            pl.lit(TARGETS_FILE.name).alias("_file"), (pl.int_range(pl.len()) + 2).alias("_row")
        )
        checked = validate_targets(frame, Refs())
        if checked.errors.height:
            raise ValueError(f"bundled targets are invalid: {checked.errors.row(0)}")
        writes.upsert_targets(conn, checked.valid, checked.columns)
        meta.set_once(conn, TARGETS_SEEDED, "1")
    if meta.get(conn, ALIASES_SEEDED) is None:
        frame = pl.read_csv(ALIASES_FILE, infer_schema=False).with_columns(
            pl.lit(ALIASES_FILE.name).alias("_file"), (pl.int_range(pl.len()) + 2).alias("_row")
        )
        taken = set(reads.material_aliases(conn))
        names = material_index(reads.material_names(conn), reads.material_aliases(conn))
        refs = Refs(materials=reads.material_parents(conn), material_names=names)
        checked = validate_material_aliases(frame.filter(~pl.col("alias").is_in(sorted(taken))), refs)
        if checked.errors.height:
            raise ValueError(f"bundled material aliases are invalid: {checked.errors.row(0)}")
        writes.upsert_material_aliases(conn, checked.valid, checked.columns)
        meta.set_once(conn, ALIASES_SEEDED, "1")
    meta.name_instance(conn)
    meta.bump_data_version(conn)


def migrate(engine: Engine) -> bool:
    """Create or upgrade the schema to the newest migration and load the reference data, in one transaction;
    True if anything changed."""
    return engines.migrate(engine, then=seed)


def init_database(url: str | None = None) -> str:
    """Create the database, or migrate it to this version of mfa (data is kept): "created", "migrated" or
    "already up to date"."""
    engine = engines.make_engine(database_url(url))
    try:
        before = engines.current_revision(engine)
        changed = migrate(engine)
    finally:
        engine.dispose()
    return "created" if before is None else ("migrated" if changed else "already up to date")


def open_database(url: str | None = None) -> Engine:
    """An engine on `url` (default: MFA_DATABASE_URL, else the embedded SQLite file) with its schema created or
    migrated and the reference data loaded as needed."""
    engine = engines.make_engine(database_url(url))
    migrate(engine)
    return engine
