"""A columnar copy of the flows (Parquet) kept per database and data version, so repeated questions are fast.

Every write changes the data version (see store.bump_data_version); a snapshot names the database instance and the
version it was made at, so it is never used after a write. Snapshots live in $MFA_CACHE_DIR, else
$XDG_CACHE_HOME/mfa, else ~/.cache/mfa, one folder per database URL.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, text

from mfa import store

ANALYSIS_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "period": pl.String,
    "year": pl.Int32,
    "month": pl.Int8,
    "source": pl.String,
    "target": pl.String,
    "material": pl.String,
    "quantity_t": pl.Float64,
    "uncertainty": pl.Float64,
    "data_quality": pl.String,
    "source_kind": pl.String,
    "target_kind": pl.String,
    "source_park": pl.String,
    "target_park": pl.String,
    "source_city": pl.String,
    "target_city": pl.String,
}


def cache_dir(url: str) -> Path:
    """The folder holding this database's snapshots."""
    base = os.environ.get("MFA_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    root = Path(base) / "mfa" if "MFA_CACHE_DIR" not in os.environ else Path(base)
    return root / hashlib.sha256(url.encode()).hexdigest()[:16]


def facilities_frame(engine: Engine) -> pl.DataFrame:
    """Every facility with its kind, park and city: code, name, name_zh, kind, park, city."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT f.code, f.name, f.name_zh, f.kind, p.code, p.city FROM facility f "
                "LEFT JOIN park p ON p.id = f.park_id ORDER BY f.code"
            )
        ).all()
    s = pl.String
    schema = {"code": s, "name": s, "name_zh": s, "kind": s, "park": s, "city": s}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _read_flows(engine: Engine, year: int) -> pl.DataFrame:
    """One year of the analysis frame from the database (through the key index, which starts with the period);
    ids are joined to codes in polars, not in SQL."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT period, year, month, source_id, target_id, material_id, quantity_t, uncertainty, data_quality "
                "FROM flow WHERE period >= :lo AND period < :hi"
            ),
            {"lo": f"{year:04d}", "hi": f"{year + 1:04d}"},
        ).all()
        facilities = conn.execute(
            text("SELECT f.id, f.code, f.kind, p.code, p.city FROM facility f LEFT JOIN park p ON p.id = f.park_id")
        ).all()
        materials = conn.execute(text("SELECT id, code FROM material")).all()
    i, s = pl.Int64, pl.String
    flows = pl.DataFrame(
        rows,
        schema={
            "period": s,
            "year": pl.Int32,
            "month": pl.Int8,
            "source_id": i,
            "target_id": i,
            "material_id": i,
            "quantity_t": pl.Float64,
            "uncertainty": pl.Float64,
            "data_quality": s,
        },
        orient="row",
    )
    fac = pl.DataFrame(facilities, schema={"id": i, "code": s, "kind": s, "park": s, "city": s}, orient="row")
    mat = pl.DataFrame(materials, schema={"material_id": i, "material": s}, orient="row")

    def side(name: str) -> pl.DataFrame:
        return fac.rename(
            {"id": f"{name}_id", "code": name, "kind": f"{name}_kind", "park": f"{name}_park", "city": f"{name}_city"}
        )

    frame = flows.join(side("source"), on="source_id", how="left").join(side("target"), on="target_id", how="left")
    frame = frame.join(mat, on="material_id", how="left")
    return frame.select(list(ANALYSIS_SCHEMA)).sort(["period", "source", "target", "material"])


def _instance(engine: Engine) -> tuple[str, int]:
    with engine.connect() as conn:
        instance = conn.execute(text("SELECT value FROM meta WHERE key = 'instance'")).scalar()
        return str(instance or "none"), store.data_version(conn)


def year_span(engine: Engine) -> list[int]:
    """Every year from the first to the last that has flows (read from the key index)."""
    with engine.connect() as conn:
        first, last = conn.execute(text("SELECT MIN(period), MAX(period) FROM flow")).one()
    if first is None:
        return []
    return list(range(int(first[:4]), int(last[:4]) + 1))


def flows_frame(engine: Engine, years: Iterable[int] | None = None) -> pl.LazyFrame:
    """The analysis frame (see ANALYSIS_SCHEMA) of the given years (default: all), one Parquet snapshot per year,
    made on first use after each write."""
    wanted = sorted(set(year_span(engine) if years is None else years))
    instance, version = _instance(engine)
    folder = cache_dir(engine.url.render_as_string(hide_password=True))
    prefix = f"flows-{instance}-{version}-"
    paths = []
    for year in wanted:
        path = folder / f"{prefix}{year}.parquet"
        if not path.is_file():
            frame = _read_flows(engine, year)
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            frame.write_parquet(tmp, statistics=True)
            tmp.replace(path)
        paths.append(path)
    if folder.is_dir():
        for old in folder.glob("flows-*.parquet"):
            if not old.name.startswith(prefix):
                old.unlink(missing_ok=True)
    if not paths:
        return pl.DataFrame(schema=ANALYSIS_SCHEMA).lazy()
    return pl.scan_parquet(paths)
