"""Reconciliation benchmark: `mfa.domain.reconciliation.reconcile` on a random province-sized system against
baselines measured in the same run.

The system (seeded): `--balanced` balanced facilities, sources and sinks outside the balance, random links
between them with log-normal true tonnages, then one link per balanced facility to a source or sink that
makes it balance exactly. The reported values are the true ones times (1 + relative uncertainty x N(0, 1)),
by data quality; a share `--unknown` of them is left null. Baselines:

* `splu`: one sparse LU factorisation (scipy.sparse.linalg.splu) of A Σ Aᵀ of the measured flows, i.e. the
  least a sparse Gaussian reconciliation has to do;
* `dense`: the dense numpy closed form x̂ = x - Σ Aᵀ (A Σ Aᵀ)⁻¹ A x with the unknowns projected out by an
  SVD null space, on a system 10x smaller, times 10³ (its cost grows with the cube of the size).

    python bench/reconcile.py [--flows 10000] [--balanced 3000] [--unknown 0.1] [--seed 1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl
import scipy.linalg
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from mfa.domain.reconciliation.model import reconcile

QUALITY = {"measured": 0.05, "calculated": 0.10, "estimated": 0.25}


def province(
    flows: int, balanced: int, unknown: float, seed: int, gross: int = 0
) -> tuple[pl.DataFrame, list[str], np.ndarray]:
    """A random consistent flow system of about `flows` flows, perturbed as reported data; `gross` of the
    reported values (returned as row indices) are then made 10 times too large."""
    rng = np.random.default_rng(seed)
    nodes = [f"B{i:05d}" for i in range(balanced)]
    sources = [f"S{i:04d}" for i in range(max(1, balanced // 10))]
    sinks = [f"K{i:04d}" for i in range(max(1, balanced // 15))]
    links = max(0, flows - balanced)
    start = rng.integers(0, balanced + len(sources), links)
    end = rng.integers(0, balanced + len(sinks), links)
    keep = start != end
    start, end = start[keep], end[keep]
    true = rng.lognormal(mean=6.0, sigma=1.5, size=start.size)
    src = [nodes[i] if i < balanced else sources[i - balanced] for i in start]
    tgt = [nodes[i] if i < balanced else sinks[i - balanced] for i in end]
    net = np.zeros(balanced)
    np.add.at(net, end[end < balanced], true[end < balanced])
    np.subtract.at(net, start[start < balanced], true[start < balanced])
    values = true.tolist()
    for i, imbalance in enumerate(net):
        if imbalance > 0:
            src.append(nodes[i])
            tgt.append(sinks[rng.integers(len(sinks))])
            values.append(imbalance)
        else:
            amount = -imbalance if imbalance < 0 else rng.lognormal(6.0, 1.5)
            src.append(sources[rng.integers(len(sources))])
            tgt.append(nodes[i])
            values.append(amount)
            if imbalance == 0:
                src.append(nodes[i])
                tgt.append(sinks[rng.integers(len(sinks))])
                values.append(amount)
    quality = rng.choice(list(QUALITY), size=len(values))
    relative = np.array([QUALITY[q] for q in quality])
    reported = np.array(values) * (1.0 + relative * rng.standard_normal(len(values)))
    reported = np.abs(reported)
    uncertainty = relative * np.array(values) / reported  # sigma = relative x true value, as generated
    wrong = rng.choice(len(values), size=gross, replace=False)
    reported[wrong] *= 10.0
    reported[rng.random(len(values)) < unknown] = np.nan
    frame = pl.DataFrame(
        {
            "period": "2024",
            "source": src,
            "target": tgt,
            "material": "scrap_steel",
            "quantity_t": reported,
            "uncertainty": uncertainty,
            "data_quality": quality,
        }
    ).with_columns(pl.col("quantity_t").fill_nan(None))
    return frame, nodes, wrong


def incidence(frame: pl.DataFrame, balanced: list[str]) -> tuple[sp.csr_array, np.ndarray]:
    """The balance rows over all flows as a sparse matrix, and each flow's variance (NaN = unknown)."""
    position = {code: i for i, code in enumerate(balanced)}
    rows, cols, coef = [], [], []
    for j, (s, t) in enumerate(frame.select("source", "target").iter_rows()):
        for code, sign in ((t, 1.0), (s, -1.0)):
            if code in position:
                rows.append(position[code])
                cols.append(j)
                coef.append(sign)
    matrix = sp.csr_array((coef, (rows, cols)), shape=(len(balanced), frame.height))
    return matrix, (frame["uncertainty"] * frame["quantity_t"]).fill_null(float("nan")).to_numpy() ** 2


def splu_baseline(frame: pl.DataFrame, balanced: list[str]) -> float:
    """Seconds for one sparse LU of A Σ Aᵀ over the measured flows (unknowns simply left out)."""
    matrix, variance = incidence(frame, balanced)
    measured = ~np.isnan(variance)
    a = sp.csr_array(matrix[:, np.flatnonzero(measured)])
    a = sp.csr_array(a[np.diff(a.indptr) > 0])  # a facility whose every flow is unknown has no row
    m = sp.csc_array(a @ sp.diags_array(variance[measured]) @ a.T)
    start = time.perf_counter()
    splu(m)
    return time.perf_counter() - start


def dense_closed_form(frame: pl.DataFrame, balanced: list[str]) -> float:
    """Seconds for the dense closed form with an SVD projection of the unknowns."""
    matrix, variance = incidence(frame, balanced)
    start = time.perf_counter()
    dense = matrix.toarray()
    measured = ~np.isnan(variance)
    projection = scipy.linalg.null_space(dense[:, ~measured].T).T
    a = projection @ dense[:, measured]
    x = frame["quantity_t"].to_numpy()[measured]
    sigma_a = variance[measured][:, None] * a.T
    m = a @ sigma_a
    x_hat = x - sigma_a @ np.linalg.lstsq(m, a @ x, rcond=None)[0]
    assert np.isfinite(x_hat).all()
    return time.perf_counter() - start


def timed(title: str, frame: pl.DataFrame, balanced: list[str], repeat: int, wrong: np.ndarray) -> float:
    """Best time of `repeat` reconciliations; prints it with the tests, the flags and how many of the `wrong`
    rows (gross errors put in) were found."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = reconcile(frame, balanced)
        times.append(time.perf_counter() - start)
    flags = result.flows["flag"].value_counts(sort=True)
    print(f"{title}: {frame.height} flows ({frame['quantity_t'].null_count()} unknown), {len(balanced)} balanced")
    print(f"  global test: chi2 {result.chi2:.1f} on {result.dof} dof, p = {result.p_value:.3g}")
    removed = result.dof - result.dof_after
    print(f"  after removing {removed} suspects: chi2 {result.chi2_after:.1f} on {result.dof_after} dof, ", end="")
    print(f"p = {result.p_value_after:.3g}")
    print("  flags: " + ", ".join(f"{f} {n}" for f, n in flags.iter_rows()))
    if wrong.size:
        testable = result.flows[wrong.tolist()].filter(pl.col("reported").is_not_null())
        found = testable.filter(pl.col("flag") == "gross_error_suspect").height
        print(f"  gross errors put in: {wrong.size}, on measured flows: {testable.height}, flagged: {found}")
    print(f"  warnings: {result.warnings}")
    print(f"  reconcile: best of {repeat} {min(times):.2f} s (all: {', '.join(f'{t:.2f}' for t in times)})")
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flows", type=int, default=10_000)
    parser.add_argument("--balanced", type=int, default=3_000)
    parser.add_argument("--unknown", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gross", type=int, default=10, help="gross errors in the second run")
    args = parser.parse_args()

    frame, balanced, _ = province(args.flows, args.balanced, args.unknown, args.seed)
    best = timed("clean data", frame, balanced, args.repeat, np.zeros(0, dtype=int))
    if args.gross:
        dirty, _, wrong = province(args.flows, args.balanced, args.unknown, args.seed, gross=args.gross)
        timed(f"{args.gross} gross errors (x10)", dirty, balanced, args.repeat, wrong)

    lu = min(splu_baseline(frame, balanced) for _ in range(args.repeat))
    print(f"baseline splu of A Σ Aᵀ: {lu:.3f} s; reconcile / splu = {best / lu:.0f}x")
    small, small_balanced, _ = province(args.flows // 10, args.balanced // 10, args.unknown, args.seed)
    dense = min(dense_closed_form(small, small_balanced) for _ in range(args.repeat)) * 1000
    print(f"baseline dense closed form, 1/10 size x 10^3: {dense:.1f} s; reconcile / dense = {best / dense:.3f}x")


if __name__ == "__main__":
    main()
