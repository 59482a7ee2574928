"""A columnar copy of the flows (Parquet, one file per year) kept per database and data version, so repeated
questions are fast.

Every write changes the data version (see meta.bump_data_version); a snapshot names the database instance and the
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

from mfa.domain.flowframe import ANALYSIS_SCHEMA
from mfa.storage import declarations, meta


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
        return declarations.flow_year_span(conn)


def _paths(engine: Engine, years: list[int]) -> tuple[dict[int, Path], str, str]:
    """The snapshot file of each year as the data stand now, the database instance and the registry version."""
    with engine.connect() as conn:
        instance, versions = meta.instance(conn), meta.snapshot_versions(conn)
    folder = cache_dir(engine.url.render_as_string(hide_password=True))
    registry = versions.get("registry_version", "0")
    return (
        {
            year: folder / f"flows-{instance}-{registry}-{versions.get(f'flows_version:{year}', '0')}-{year}.parquet"
            for year in years
        },
        instance,
        registry,
    )


def is_current(engine: Engine, year: int) -> bool:
    """True when the year's snapshot exists for the data as they stand."""
    paths, _instance, _registry = _paths(engine, [year])
    return paths[year].is_file()


def flows_frame(engine: Engine, years: Iterable[int] | None = None) -> pl.LazyFrame:
    """The analysis frame (ANALYSIS_SCHEMA) of the given years (default: all), one Parquet snapshot per
    year, remade on first use after a write that changed that year's flows or the registry (parks, facilities,
    materials), which every snapshot names."""
    wanted = sorted(set(year_span(engine) if years is None else years))
    paths, instance, registry = _paths(engine, wanted)
    for year, path in paths.items():
        if not path.is_file():
            with engine.connect() as conn:
                frame = declarations.flows_of_year(conn, year)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            frame.write_parquet(tmp, compression="lz4", statistics=True)
            tmp.replace(path)
    folder = cache_dir(engine.url.render_as_string(hide_password=True))
    if folder.is_dir():  # older snapshots of the years just read, and any of another registry or database
        current = {p.name for p in paths.values()}
        for old in folder.glob("flows-*.parquet"):
            year_of = old.stem.rsplit("-", 1)[-1]
            stale = not old.name.startswith(f"flows-{instance}-{registry}-")
            if old.name not in current and (stale or (year_of.isdigit() and int(year_of) in paths)):
                old.unlink(missing_ok=True)
    if not paths:
        return pl.DataFrame(schema=ANALYSIS_SCHEMA).lazy()
    return pl.scan_parquet(list(paths.values()))


def make_later(url: str, years: Iterable[int]) -> None:
    """Make the snapshots of `years` in a background process (`mfa snapshot`), so that a question answered
    from the database now is answered from the snapshot next time, without waiting for it now."""
    import subprocess
    import sys

    from mfa.storage.settings import ENV_VAR

    command = [sys.executable, "-m", "mfa", "snapshot", *(f"--year={y}" for y in years)]
    env = dict(os.environ, **{ENV_VAR: url})  # not on the command line, where others could read a password
    subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
