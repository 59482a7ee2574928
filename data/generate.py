"""Generate mfa's data sets: the bundled Hunan sample and large synthetic benchmarks.

    python data/generate.py sample [--out data/sample]
    python data/generate.py synthetic --flows 1000000 --out /tmp/bench [--seed 7]

Both are deterministic: the same seed gives byte-identical files. See data/README.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _sample_outlook import outlook_tables
from _sample_output import GROSS_ERRORS, IMBALANCED, sample_tables
from _synthetic import write_synthetic

HERE = Path(__file__).resolve().parent
SAMPLE_SEED = 20250101
SYNTHETIC_SEED = 7
R_KINDS = ("collection", "recycling", "remanufacturing", "reuse")
U_KINDS = ("recycling", "remanufacturing", "reuse", "energy_recovery")
TONNES = {"t": 1.0, "吨": 1.0, "kg": 1e-3, "kt": 1e3, "Mt": 1e6, "万吨": 1e4}
BALANCED_KINDS = ("collection", "recycling", "remanufacturing", "reuse", "storage")


def write_sample(out: Path, seed: int = SAMPLE_SEED) -> None:
    """Write parks, facilities, flows and stocks of the Hunan sample, and the outlook's inflows, lifetimes and
    capacities calibrated to its recorded retirements, to `out` as UTF-8 CSV."""
    out.mkdir(parents=True, exist_ok=True)
    tables = sample_tables(seed)
    tables |= outlook_tables(first_declarations(tables["flows"]), tables["facilities"], tables["parks"])
    for name, frame in tables.items():
        frame.write_csv(out / f"{name}.csv")


def _read(folder: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(folder / f"{name}.csv", infer_schema=False)


def _tonnes(frame: pl.DataFrame) -> pl.DataFrame:
    factor = pl.col("unit").replace_strict(TONNES, return_dtype=pl.Float64)
    return frame.with_columns((pl.col("quantity").cast(pl.Float64) * factor).alias("t"))


def _group(materials: pl.DataFrame, root: str) -> list[str]:
    """`root` and every material below it."""
    found = {root}
    pairs = list(zip(materials["code"].to_list(), materials["parent"].to_list(), strict=True))
    while new := {c for c, p in pairs if p in found} - found:
        found |= new
    return sorted(found)


def first_declarations(flows: pl.DataFrame) -> pl.DataFrame:
    """One declaration per hand-over: the sender's where both declared (the sample's receivers weigh within about
    1 % of it, apart from the disputes that data/README.md lists)."""
    key = ["period", "source", "target", "material"]
    return flows.sort(*key, pl.col("side") == "receiver").unique(subset=key, keep="first", maintain_order=True)


def flows_with_kinds(folder: Path) -> pl.DataFrame:
    """Flows in tonnes (one declaration per hand-over) with year, source kind and target kind."""
    kinds = _read(folder, "facilities").select("code", "kind")
    return (
        _tonnes(first_declarations(_read(folder, "flows")))
        .with_columns(pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("year"))
        .join(kinds.rename({"code": "source", "kind": "source_kind"}), on="source", how="left")
        .join(kinds.rename({"code": "target", "kind": "target_kind"}), on="target", how="left")
    )


def indicators(folder: Path) -> pl.DataFrame:
    """Province indicators per year computed from the CSV files (definitions in data/README.md)."""
    materials = pl.read_csv(HERE.parent / "mfa" / "reference" / "materials.csv", infer_schema=False)
    renewable, bulk = _group(materials, "renewable"), _group(materials, "bulk_solid_waste")
    f = flows_with_kinds(folder)
    into_r = pl.col("target_kind").is_in(R_KINDS) & ~pl.col("source_kind").is_in(R_KINDS)
    is_bulk = pl.col("material").is_in(bulk)
    utilized = is_bulk & pl.col("target_kind").is_in(U_KINDS) & ~pl.col("source_kind").is_in(U_KINDS)
    out = (
        f.group_by("year")
        .agg(
            pl.col("t").filter(pl.col("material").is_in(renewable) & into_r).sum().alias("renewable_t"),
            pl.col("t").filter((pl.col("material") == "scrap_steel") & into_r).sum().alias("scrap_steel_t"),
            pl.col("t").filter(is_bulk & (pl.col("source_kind") == "source")).sum().alias("generated_t"),
            pl.col("t").filter(utilized).sum().alias("utilized_t"),
            pl.col("t").filter(utilized & (pl.col("source_kind") == "storage")).sum().alias("from_stock_t"),
        )
        .sort("year")
    )
    return out.with_columns(
        (pl.col("utilized_t") / (pl.col("generated_t") + pl.col("from_stock_t"))).alias("rate"),
        (pl.col("scrap_steel_t") / pl.col("renewable_t")).alias("scrap_steel_share"),
    )


def park_trends(folder: Path) -> pl.DataFrame:
    """Tonnes leaving each park's facilities in 2020 and 2025 and their ratio."""
    parks = _read(folder, "facilities").select(pl.col("code").alias("source"), "park")
    f = flows_with_kinds(folder).join(parks, on="source").filter(pl.col("park").is_not_null())
    by_year = f.group_by("park", "year").agg(pl.col("t").sum())
    first = by_year.filter(pl.col("year") == 2020).select("park", pl.col("t").alias("t_2020"))
    last = by_year.filter(pl.col("year") == 2025).select("park", pl.col("t").alias("t_2025"))
    return first.join(last, on="park").with_columns((pl.col("t_2025") / pl.col("t_2020")).alias("ratio")).sort("ratio")


def balances(folder: Path) -> pl.DataFrame:
    """Monthly balance of facilities that should balance: (inflow − outflow − stock change) / inflow."""
    f = flows_with_kinds(folder).filter(pl.col("period").str.len_chars() == 7)
    inflow = f.group_by(pl.col("target").alias("facility"), "period").agg(pl.col("t").sum().alias("inflow"))
    outflow = f.group_by(pl.col("source").alias("facility"), "period").agg(pl.col("t").sum().alias("outflow"))
    stocks = (
        _tonnes(_read(folder, "stocks"))
        .group_by("facility", "period")
        .agg(pl.col("t").sum().alias("stock"))
        .sort("facility", "period")
        .with_columns(pl.col("stock").diff().over("facility").alias("change"))
    )
    kinds = _read(folder, "facilities").select(pl.col("code").alias("facility"), "kind")
    return (
        inflow.join(outflow, on=["facility", "period"], how="full", coalesce=True)
        .join(stocks.select("facility", "period", "change"), on=["facility", "period"], how="left")
        .join(kinds, on="facility")
        .filter(pl.col("kind").is_in(BALANCED_KINDS))
        .with_columns(pl.col("inflow", "outflow", "change").fill_null(0.0))
        .with_columns(((pl.col("inflow") - pl.col("outflow") - pl.col("change")) / pl.col("inflow")).alias("imbalance"))
        .sort("facility", "period")
    )


def print_summary(folder: Path) -> None:
    """Print the calibration figures, park trends, balance check and sizes of a written sample."""
    ind = indicators(folder)
    print("year  renewable_Mt  scrap_steel_%  bulk_generated_Mt  utilized_Mt  from_stock_Mt  rate")
    for r in ind.iter_rows(named=True):
        print(
            f"{r['year']}  {r['renewable_t'] / 1e6:12.2f}  {100 * r['scrap_steel_share']:13.1f}  "
            f"{r['generated_t'] / 1e6:17.2f}  {r['utilized_t'] / 1e6:11.2f}  {r['from_stock_t'] / 1e6:13.2f}  "
            f"{r['rate']:.3f}"
        )
    trends = park_trends(folder)
    show = [*trends.head(3).iter_rows(named=True), *trends.tail(3).iter_rows(named=True)]
    print("parks, tonnes out 2025/2020: " + ", ".join(f"{r['park']} {r['ratio']:.2f}" for r in show))
    bal = balances(folder).group_by("facility").agg(pl.col("imbalance").abs().median().alias("median"))
    off = bal.filter(pl.col("median") > 0.2).sort("facility")["facility"].to_list()
    print(f"facilities imbalanced > 20 % (median month): {off}; documented: {sorted(IMBALANCED)}")
    others = bal.filter(~pl.col("facility").is_in(off)).select(pl.col("median").max()).item()
    print(f"largest median imbalance of the others: {others:.3f}")
    print(
        "gross errors: "
        + "; ".join(f"{g.period} {g.source}->{g.target} {g.material} ({g.error})" for g in GROSS_ERRORS)
    )
    sizes = {p.name: p.stat().st_size for p in sorted(folder.glob("*.csv"))}
    rows = _read(folder, "flows").height
    print(f"flows: {rows} rows; sizes: {sizes}; total {sum(sizes.values()) / 1e6:.2f} MB")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sample = sub.add_parser("sample", help="write the bundled Hunan sample")
    sample.add_argument("--out", type=Path, default=HERE / "sample")
    sample.add_argument("--seed", type=int, default=SAMPLE_SEED)
    sample.add_argument("--quiet", action="store_true", help="do not print the calibration summary")
    synth = sub.add_parser("synthetic", help="write a large synthetic data set for benchmarks")
    synth.add_argument("--flows", type=int, required=True, help="exact number of flow rows")
    synth.add_argument("--out", type=Path, required=True)
    synth.add_argument("--seed", type=int, default=SYNTHETIC_SEED)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.command == "sample":
        write_sample(args.out, args.seed)
        if not args.quiet:
            print_summary(args.out)
    else:
        if args.flows < 0:
            parser.error("--flows must be zero or more")
        write_synthetic(args.flows, args.out, args.seed)
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
