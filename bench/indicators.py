"""Indicator benchmark on a synthetic province: `mfa indicators` cold and warm against plain SQL and DuckDB.

In one run, on the same data (default 10 M flows, made by data/generate.py and loaded with `mfa import`):
- mfa cold: the whole `mfa indicators --year Y --json` command with no snapshot (sums the year per link inside the
  database, and leaves the snapshot to a background process);
- mfa warm: the same command once that snapshot exists (reads it), and the same report in-process (best of 3);
- SQL: the full province indicator set of the year as one plain SQL query inside SQLite;
- DuckDB: the same query by DuckDB over a Parquet copy of the analysis frame (in-process);
- bare: a bare `python -c` polars process computing one indicator from that Parquet copy.
It prints the times and the ratios the goals speak of: cold/SQL <= 2, warm in-process/DuckDB <= 2,
warm command/bare process <= about 3.

    python bench/indicators.py [--flows 10000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
R = "('collection', 'recycling', 'remanufacturing', 'reuse')"
U = "('recycling', 'remanufacturing', 'reuse', 'energy_recovery')"
SUMS = f"""
  SUM(CASE WHEN root = 'renewable' AND tk IN {R} AND sk NOT IN {R} THEN q END) AS renewable_recycled_t,
  SUM(CASE WHEN root = 'bulk_solid_waste' AND sk = 'source' THEN q END) AS bulk_waste_generated_t,
  SUM(CASE WHEN root = 'bulk_solid_waste' AND tk IN {U} AND sk NOT IN {U} THEN q END) AS bulk_waste_utilized_t,
  SUM(CASE WHEN root = 'bulk_solid_waste' AND tk IN {U} AND sk = 'storage' THEN q END)
    AS bulk_waste_utilized_from_stock_t,
  SUM(CASE WHEN battery AND sk = 'source' THEN q END) AS battery_retired_t,
  SUM(CASE WHEN battery AND tk = 'reuse' THEN q END) AS battery_reused_t,
  SUM(CASE WHEN battery AND tk = 'recycling' THEN q END) AS battery_recycled_t
"""
SQLITE_QUERY = f"""
WITH RECURSIVE tree(id, root, battery) AS (
  SELECT id, code, 0 FROM material WHERE parent_id IS NULL
  UNION ALL
  SELECT m.id, t.root, t.battery OR m.code = 'power_battery' FROM material m JOIN tree t ON m.parent_id = t.id
),
rows AS (
  SELECT f.quantity_t AS q, s.kind AS sk, t.kind AS tk, tree.root AS root, tree.battery AS battery
  FROM flow f JOIN facility s ON s.id = f.source_id JOIN facility t ON t.id = f.target_id
  JOIN tree ON tree.id = f.material_id
  WHERE f.period >= :lo AND f.period < :hi
)
SELECT {SUMS} FROM rows
"""


def run(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def sql_time(db: Path, year: int) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute(SQLITE_QUERY, {"lo": f"{year}", "hi": f"{year + 1}"}).fetchall()
    conn.close()
    return time.perf_counter() - start


def duckdb_time(parquet: Path, materials: Path, year: int) -> float:
    import duckdb

    start = time.perf_counter()
    con = duckdb.connect()
    query = f"""
    WITH RECURSIVE tree(code, root, battery) AS (
      SELECT code, code, false FROM read_csv('{materials}') WHERE parent IS NULL
      UNION ALL
      SELECT m.code, t.root, t.battery OR m.code = 'power_battery'
      FROM read_csv('{materials}') m JOIN tree t ON m.parent = t.code
    ),
    rows AS (
      SELECT f.quantity_t AS q, f.source_kind AS sk, f.target_kind AS tk, tree.root AS root, tree.battery AS battery
      FROM read_parquet('{parquet}') f JOIN tree ON tree.code = f.material WHERE f.year = {year}
    )
    SELECT {SUMS} FROM rows
    """
    con.execute(query).fetchall()
    con.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flows", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, help="keep the generated files, database and snapshots here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="mfa-bench-ind-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "mfa.db"
    env = dict(os.environ, MFA_CACHE_DIR=str(work / "cache"), MFA_DATABASE_URL=f"sqlite:///{db}")
    try:
        if not db.exists():
            gen = [sys.executable, str(ROOT / "data" / "generate.py"), "synthetic", "--flows", str(args.flows)]
            subprocess.run([*gen, "--out", str(work)], check=True, stdout=subprocess.DEVNULL)
            files = [str(work / f) for f in ("parks.csv", "facilities.csv", "flows.csv")]
            print(f"loading {args.flows:,} flows: {run([sys.executable, '-m', 'mfa', 'import', *files], env):.1f} s")
        conn = sqlite3.connect(db)
        year = int(conn.execute("SELECT MAX(period) FROM flow").fetchone()[0][:4])
        conn.close()
        shutil.rmtree(work / "cache", ignore_errors=True)
        command = [sys.executable, "-m", "mfa", "indicators", "--year", str(year), "--json"]
        cold = run(command, env)
        sys.path.insert(0, str(ROOT))
        os.environ.update(env)
        from mfa.domain.flowframe import PROVINCE
        from mfa.services import loading, progress
        from mfa.services.database import open_database
        from mfa.storage import snapshot

        engine = open_database(env["MFA_DATABASE_URL"])
        deadline = time.monotonic() + 120  # the cold command left the snapshot to a background process
        while not snapshot.is_current(engine, year) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)
        warm = min(run(command, env) for _ in range(3))

        def in_process() -> float:
            start = time.perf_counter()
            loaded = loading.load_period(engine, year)
            progress.indicator_report(engine, loaded, year=year, month=None, scope=PROVINCE)
            return time.perf_counter() - start

        warm_inproc = min(in_process() for _ in range(3))
        data = loading.load(engine, [year])

        parquet = work / "flows.parquet"
        data.flows.sink_parquet(parquet)
        sql = min(sql_time(db, year) for _ in range(3))
        duck = min(duckdb_time(parquet, ROOT / "mfa" / "reference" / "materials.csv", year) for _ in range(3))
        bare_code = (
            f"import polars as pl; pl.scan_parquet(r'{parquet}').filter(pl.col('year') == {year}, "
            "pl.col('source_kind') == 'source').select(pl.col('quantity_t').sum()).collect()"
        )
        bare = min(run([sys.executable, "-c", bare_code], env) for _ in range(3))
        print(f"flows: {args.flows:,}; year {year}")
        print(f"mfa cold (command, from the database):   {cold:6.2f} s")
        print(f"mfa warm (command, from the snapshot):    {warm:6.2f} s")
        print(f"mfa warm (in-process report):             {warm_inproc:6.2f} s")
        print(f"plain SQL in SQLite (province set):       {sql:6.2f} s")
        print(f"DuckDB over Parquet (in-process):         {duck:6.2f} s")
        print(f"bare polars process (one indicator):      {bare:6.2f} s")
        print(f"ratio cold/SQL: {cold / sql:.2f}x (goal <= 2)")
        print(f"ratio warm in-process/DuckDB: {warm_inproc / duck:.2f}x (goal <= 2)")
        print(f"ratio warm command/bare process: {warm / bare:.2f}x (goal <= about 3)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
