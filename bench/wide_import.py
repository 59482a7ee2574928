"""Wide-import benchmark: a month-column workbook (a title block, `单位：吨`, 来源 去向 物料 1月 … 12月 全年, one row
per link) against the tidy workbook holding the same flows (period, source, target, material, quantity, unit).

Both are imported by the whole `mfa import` command (start-up included) into a new SQLite file, with the synthetic
province's parks and facilities; the script prints both times and their ratio. About a third of the month cells
are empty (no flow), so 100 000 rows make about 800 000 flows (a tidy sheet holds at most 1 048 575).

    python bench/wide_import.py [--rows 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2024


def world(out: Path) -> pl.DataFrame:
    """The synthetic province's parks and facilities (their flows are not used); the facilities' codes."""
    subprocess.run(
        [sys.executable, str(ROOT / "data" / "generate.py"), "synthetic", "--flows", "1000", "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (out / "flows.csv").unlink()
    return pl.read_csv(out / "facilities.csv", infer_schema=False)


def links(facilities: pl.DataFrame, rows: int, seed: int = 7) -> pl.DataFrame:
    """`rows` distinct (source, target, material) links and their month figures (a third of them empty)."""
    rng = np.random.default_rng(seed)
    codes = facilities["code"].to_numpy()
    leaves = pl.read_csv(ROOT / "mfa" / "reference" / "materials.csv", infer_schema=False)
    leaves = leaves.filter(~pl.col("code").is_in(leaves["parent"].drop_nulls().implode()))["code"].to_numpy()
    n = int(rows * 1.2) + 100
    frame = pl.DataFrame(
        {
            "source": codes[rng.integers(0, len(codes), n)],
            "target": codes[rng.integers(0, len(codes), n)],
            "material": leaves[rng.integers(0, len(leaves), n)],
        }
    )
    frame = frame.filter(pl.col("source") != pl.col("target")).unique(maintain_order=True).head(rows)
    values = np.round(rng.lognormal(4, 1.5, (frame.height, 12)), 2)
    values[rng.random((frame.height, 12)) < 1 / 3] = np.nan
    return frame.with_columns([pl.Series(f"m{m + 1}", values[:, m]) for m in range(12)])


def write_wide(path: Path, data: pl.DataFrame) -> None:
    """The month-column workbook: title block, unit, header, one row per link, a year total per row."""
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("月报")
    sheet.write_row(0, 0, [f"{YEAR}年 再生资源及固废流向月报表"])
    sheet.write_row(1, 0, ["填报单位：合成园区", None, "单位：吨"])
    sheet.write_row(2, 0, ["来源", "去向", "物料", *[f"{m}月" for m in range(1, 13)], "全年"])
    months = [f"m{m}" for m in range(1, 13)]
    for i, row in enumerate(data.select("source", "target", "material", *months).iter_rows()):
        figures = [None if v is None or np.isnan(v) else v for v in row[3:]]
        total = round(sum(v for v in figures if v is not None), 2)
        sheet.write_row(3 + i, 0, [*row[:3], *[("" if v is None else v) for v in figures], total])
    book.close()


def write_tidy(path: Path, data: pl.DataFrame) -> int:
    """The same flows as a tidy workbook; how many flows."""
    long = (
        data.unpivot(index=["source", "target", "material"], variable_name="month", value_name="quantity")
        .filter(pl.col("quantity").is_not_nan())
        .select(
            pl.format(f"{YEAR}-{{}}", pl.col("month").str.slice(1).str.zfill(2)).alias("period"),
            "source",
            "target",
            "material",
            "quantity",
            pl.lit("t").alias("unit"),
        )
    )
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("flows")
    sheet.write_row(0, 0, long.columns)
    for i, row in enumerate(long.iter_rows()):
        sheet.write_row(i + 1, 0, row)
    book.close()
    return long.height


def mfa_import(folder: Path, workbook: Path, db: Path) -> float:
    """Seconds for the whole `mfa import` command of the world and one workbook into a new database."""
    files = [str(folder / "parks.csv"), str(folder / "facilities.csv"), str(workbook)]
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mfa", "import", *files, "--db", f"sqlite:///{db}"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the generated files and databases here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="mfa-wide-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        data = links(world(work), args.rows)
        write_wide(work / "wide.xlsx", data)
        flows = write_tidy(work / "tidy.xlsx", data)
        wide = mfa_import(work, work / "wide.xlsx", work / "wide.db")
        tidy = mfa_import(work, work / "tidy.xlsx", work / "tidy.db")
        print(f"rows: {data.height:,} links x 12 months -> {flows:,} flows")
        print(f"mfa import, month-column workbook: {wide:7.2f} s")
        print(f"mfa import, tidy workbook:         {tidy:7.2f} s")
        print(f"ratio wide/tidy: {wide / tidy:.2f}x")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
