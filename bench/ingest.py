r"""Ingest benchmark: the whole `mfa import` command (start-up included) against a raw load of the same rows.

SQLite: a raw sqlite3 executemany into a new file with WAL and a unique key on (period, source, target, material,
side). PostgreSQL (`--postgres ADMIN_URL`): a raw COPY ... FROM STDIN (what psql's \copy sends) into a new table
with the same unique key, against `mfa import` into a new database (its schema made before the clock starts, as the
raw table is). The script prints both times and their ratio
(goal: at most 3x). `--two-sided 0.3` adds the receiver's declaration of 30 % of the hand-overs (within 1 % of the
sender's figure), as the sample's receivers declare.

    python bench/ingest.py [--flows 1000000] [--shuffle] [--two-sided SHARE] [--postgres URL] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(out: Path, flows: int, shuffle: bool, two_sided: float) -> int:
    """Synthetic parks, facilities and flows from the seeded generator, each row the sender's declaration; with
    `two_sided`, that share of them declared by the receiver too. The number of rows written."""
    import polars as pl

    subprocess.run(
        [sys.executable, str(ROOT / "data" / "generate.py"), "synthetic", "--flows", str(flows), "--out", str(out)],
        check=True,
    )
    path = out / "flows.csv"
    frame = pl.read_csv(path, infer_schema=False).with_columns(pl.lit("sender").alias("side"))
    if two_sided > 0:
        chosen = frame.sample(fraction=two_sided, seed=11)
        weighed = (chosen["quantity"].cast(pl.Float64) * 0.995).round(3).cast(pl.String)
        frame = pl.concat([frame, chosen.with_columns(quantity=weighed, side=pl.lit("receiver"))])
    if shuffle:
        frame = frame.sample(fraction=1.0, shuffle=True, seed=7)
    frame.write_csv(path)
    return frame.height


def raw_insert(flows_csv: Path, db: Path) -> float:
    """Seconds for a bare executemany of the rows (already parsed in memory) and the commit."""
    with flows_csv.open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        side = header.index("side")
        rows = [(r[0], r[1], r[2], r[3], float(r[4]), r[5], r[side]) for r in reader]
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE flow (id INTEGER PRIMARY KEY, period TEXT, source TEXT, target TEXT, material TEXT, "
        "quantity REAL, unit TEXT, side TEXT, UNIQUE (period, source, target, material, side))"
    )
    start = time.perf_counter()
    conn.executemany(
        "INSERT INTO flow (period, source, target, material, quantity, unit, side) VALUES (?,?,?,?,?,?,?)", rows
    )
    conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def raw_copy(flows_csv: Path, admin: str) -> float:
    r"""Seconds for a bare COPY ... FROM STDIN of the flows file into a new PostgreSQL table with the same unique
    key (the client streams the file as psql's \copy does), the commit included."""
    import psycopg

    name = f"mfa_bench_raw_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(admin.rsplit("/", 1)[0] + f"/{name}") as conn:
            conn.execute(
                "CREATE TABLE flow (id BIGSERIAL PRIMARY KEY, period TEXT, source TEXT, target TEXT, material TEXT, "
                "quantity DOUBLE PRECISION, unit TEXT, uncertainty DOUBLE PRECISION, data_quality TEXT, note TEXT, "
                "reference TEXT, side TEXT, UNIQUE (period, source, target, material, side))"
            )
            conn.commit()
            columns = flows_csv.open(encoding="utf-8").readline().strip()
            start = time.perf_counter()
            statement = f"COPY flow ({columns}) FROM STDIN WITH (FORMAT csv, HEADER)"
            with conn.cursor() as cur, cur.copy(statement) as copy, flows_csv.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
            conn.commit()
            return time.perf_counter() - start
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def mfa_import(folder: Path, url: str) -> float:
    """Seconds for the whole `mfa import` command, start-up and migration of the new database included."""
    files = [str(folder / name) for name in ("parks.csv", "facilities.csv", "flows.csv")]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mfa", "import", *files, "--db", url], check=True)
    return time.perf_counter() - start


def mfa_import_postgres(folder: Path, admin: str) -> float:
    """mfa_import into a new PostgreSQL database, created and given its schema (`mfa init`) before the clock starts
    as the raw table is, dropped after."""
    import psycopg

    name = f"mfa_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    try:
        subprocess.run([sys.executable, "-m", "mfa", "init", "--db", url], check=True, capture_output=True)
        return mfa_import(folder, url)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flows", type=int, default=1_000_000)
    parser.add_argument("--shuffle", action="store_true", help="random row order instead of sorted by period")
    parser.add_argument("--two-sided", type=float, default=0.0, help="share of hand-overs the receiver declares too")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server: compare with a raw COPY there")
    parser.add_argument("--keep", type=Path, help="keep the generated files and databases here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="mfa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        rows = generate(work, args.flows, args.shuffle, args.two_sided)
        if args.postgres:
            raw, what = raw_copy(work / "flows.csv", args.postgres), "raw COPY FROM STDIN (PostgreSQL)"
            full = mfa_import_postgres(work, args.postgres)
        else:
            raw, what = raw_insert(work / "flows.csv", work / "raw.db"), "raw sqlite3 executemany"
            full = mfa_import(work, f"sqlite:///{work / 'mfa.db'}")
        order = "random order" if args.shuffle else "sorted by period"
        print(f"rows: {rows:,} declarations of {args.flows:,} hand-overs ({order})")
        print(f"{what}: {raw:7.2f} s")
        print(f"mfa import (whole command): {full:7.2f} s")
        print(f"ratio mfa/raw: {full / raw:.2f}x (goal <= 3x)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
