"""Ingest benchmark: the whole `mfa import` command (start-up included) against a raw sqlite3 executemany.

Both load the same synthetic flow rows into a new SQLite file with WAL and a unique key on
(period, source, target, material); the script prints both times and their ratio (goal: at most 3x).

    python bench/ingest.py [--flows 1000000] [--shuffle] [--keep DIR]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(out: Path, flows: int, shuffle: bool) -> None:
    """Synthetic parks, facilities and flows from the seeded generator."""
    subprocess.run(
        [sys.executable, str(ROOT / "data" / "generate.py"), "synthetic", "--flows", str(flows), "--out", str(out)],
        check=True,
    )
    if shuffle:
        import polars as pl

        path = out / "flows.csv"
        pl.read_csv(path, infer_schema=False).sample(fraction=1.0, shuffle=True, seed=7).write_csv(path)


def raw_insert(flows_csv: Path, db: Path) -> float:
    """Seconds for a bare executemany of the rows (already parsed in memory) and the commit."""
    with flows_csv.open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = [(r[0], r[1], r[2], r[3], float(r[4]), r[5]) for r in reader]
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE flow (id INTEGER PRIMARY KEY, period TEXT, source TEXT, target TEXT, material TEXT, "
        "quantity REAL, unit TEXT, UNIQUE (period, source, target, material))"
    )
    start = time.perf_counter()
    conn.executemany("INSERT INTO flow (period, source, target, material, quantity, unit) VALUES (?,?,?,?,?,?)", rows)
    conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def mfa_import(folder: Path, db: Path) -> float:
    """Seconds for the whole `mfa import` command, start-up and migration of the new file included."""
    files = [str(folder / name) for name in ("parks.csv", "facilities.csv", "flows.csv")]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mfa", "import", *files, "--db", f"sqlite:///{db}"], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flows", type=int, default=1_000_000)
    parser.add_argument("--shuffle", action="store_true", help="random row order instead of sorted by period")
    parser.add_argument("--keep", type=Path, help="keep the generated files and databases here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="mfa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        generate(work, args.flows, args.shuffle)
        raw = raw_insert(work / "flows.csv", work / "raw.db")
        full = mfa_import(work, work / "mfa.db")
        order = "random order" if args.shuffle else "sorted by period"
        print(f"rows: {args.flows:,} ({order})")
        print(f"raw sqlite3 executemany: {raw:7.2f} s")
        print(f"mfa import (whole command): {full:7.2f} s")
        print(f"ratio mfa/raw: {full / raw:.2f}x (goal <= 3x)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
