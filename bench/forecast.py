"""Forecast benchmark: the outlook of every product of the bundled sample, for every city and the province, as
`mfa forecast --product renewable` computes it, timed after start-up.

It loads the sample into a temporary SQLite file (`mfa demo`, not timed), then times, best of `--repeat`:

* `read`: loading the inputs from the database (inflows, lifetimes, capacities, facilities, the material tree and
  the recorded retirements summed in SQL);
* `compute`: the forecast itself (flodym's stock model for each product, the low and high lifetimes, groups,
  scopes, recorded retirements, capacity, metals);
* `command`: the whole `mfa forecast --product renewable --json` process, start-up (Python, polars, flodym,
  scipy imports) included, and for comparison `mfa --help`.

    python bench/forecast.py [--db URL] [--repeat 5] [--until 2035]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl


def best(repeat: int, fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """The fastest of `repeat` runs of `fn` (seconds) and its last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="a database holding the sample (default: a new temporary SQLite file)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--until", type=int, default=2035)
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="mfa-bench-")
    url = args.db or f"sqlite:///{Path(folder.name) / 'sample.db'}"
    if args.db is None:
        demo = subprocess.run([sys.executable, "-m", "mfa", "demo", "--db", url], capture_output=True, text=True)
        if demo.returncode:
            print(demo.stderr, file=sys.stderr)
            return 1

    from mfa.domain import outlook
    from mfa.services import forecasting
    from mfa.services.database import open_database

    engine = open_database(url)
    forecasting.forecast(engine, "renewable", until=args.until)  # warm: imports, first connection
    read_s, inputs = best(args.repeat, lambda: forecasting.load_inputs(engine))
    compute_s, result = best(
        args.repeat,
        lambda: outlook.forecast(inputs, "renewable", until=args.until),  # type: ignore[arg-type]
    )
    rows = result.rows  # type: ignore[attr-defined]
    products = sorted(inputs.inflows["product"].unique().to_list())  # type: ignore[attr-defined]
    scopes = rows["scope"].n_unique()
    command = [sys.executable, "-m", "mfa", "forecast", "--product", "renewable", "--db", url, "--json"]
    command_s, _ = best(max(1, args.repeat // 2), lambda: subprocess.run(command, capture_output=True, check=True))
    help_s, _ = best(
        max(1, args.repeat // 2),
        lambda: subprocess.run([sys.executable, "-m", "mfa", "--help"], capture_output=True, check=True),
    )
    print(
        f"sample: {len(products)} products with inflows ({', '.join(products)}), {scopes} scopes, "
        f"{rows.height:,} rows to {args.until}"
    )
    print(f"read     {read_s * 1000:8.1f} ms   inputs from the database")
    print(f"compute  {compute_s * 1000:8.1f} ms   every product and group, every city and the province, low/high")
    print(f"total    {(read_s + compute_s) * 1000:8.1f} ms   after start-up")
    print(
        f"command  {command_s * 1000:8.1f} ms   mfa forecast --product renewable --json (mfa --help: "
        f"{help_s * 1000:.0f} ms)"
    )
    province = rows.filter(pl.col("scope") == "province", pl.col("product") == "power_battery")
    for year in (2025, 2030, args.until):
        row = province.filter(pl.col("year") == year)
        if row.height:
            print(f"  power batteries retired in the province, {year}: {row['outflow_t'].item():,.0f} t")
    engine.dispose()
    folder.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
