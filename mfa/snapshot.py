"""A columnar copy of the flows (Parquet, one file per year) kept per database and data version, so repeated
questions are fast.

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
from sqlalchemy import Engine

from mfa import frames, store


def cache_dir(url: str) -> Path:
    """The folder holding this database's snapshots."""
    if os.environ.get("MFA_CACHE_DIR"):
        root = Path(os.environ["MFA_CACHE_DIR"])
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mfa"
    return root / hashlib.sha256(url.encode()).hexdigest()[:16]


def year_span(engine: Engine) -> list[int]:
    """Every year from the first to the last that has flows."""
    with engine.connect() as conn:
        return frames.flow_year_span(conn)


def flows_frame(engine: Engine, years: Iterable[int] | None = None) -> pl.LazyFrame:
    """The analysis frame (frames.ANALYSIS_SCHEMA) of the given years (default: all), one Parquet snapshot per
    year, remade on first use after a write that changed that year's flows or the registry (parks, facilities,
    materials), which every snapshot names."""
    wanted = sorted(set(year_span(engine) if years is None else years))
    with engine.connect() as conn:
        instance, versions = store.instance(conn), store.snapshot_versions(conn)
    folder = cache_dir(engine.url.render_as_string(hide_password=True))
    registry = versions.get("registry_version", "0")
    names = {
        year: f"flows-{instance}-{registry}-{versions.get(f'flows_version:{year}', '0')}-{year}.parquet"
        for year in wanted
    }
    paths = []
    for year, name in names.items():
        path = folder / name
        if not path.is_file():
            with engine.connect() as conn:
                frame = frames.flows_of_year(conn, year)
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            frame.write_parquet(tmp, compression="lz4", statistics=True)
            tmp.replace(path)
        paths.append(path)
    if folder.is_dir():  # older snapshots of the years just read, and any of another registry or database
        current = set(names.values())
        for old in folder.glob("flows-*.parquet"):
            year_of = old.stem.rsplit("-", 1)[-1]
            stale = not old.name.startswith(f"flows-{instance}-{registry}-")
            if old.name not in current and (stale or (year_of.isdigit() and int(year_of) in names)):
                old.unlink(missing_ok=True)
    if not paths:
        return pl.DataFrame(schema=frames.ANALYSIS_SCHEMA).lazy()
    return pl.scan_parquet(paths)
