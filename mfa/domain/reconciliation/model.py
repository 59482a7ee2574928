"""Data reconciliation of one period's flows (STAN-style Gaussian weighted least squares; method and
formulas: docs/reconciliation.md).

Reported flows carry a standard deviation; the balanced facilities must satisfy
sum(inflows) - sum(outflows) - stock_change = 0 over all materials together. `reconcile` adjusts the
measured flows as little as their uncertainties allow, estimates the unknown (null) flows, keeps every flow
non-negative, tests the data for gross errors and returns a `Reconciliation`. The constraints are rows made
by builders (`balance_rows` now; transfer coefficients later) and solved by `mfa.domain.reconciliation.solver`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any

import numpy as np
import polars as pl
import scipy.sparse as sp

from mfa.domain.flowframe import require_columns
from mfa.domain.reconciliation.solver import BoundedSolution, critical_value, solve_nonnegative

DEFAULT_UNCERTAINTY: Mapping[str | None, float] = MappingProxyType(
    {"measured": 0.05, "calculated": 0.10, "estimated": 0.25, None: 0.25}
)
"""Relative standard uncertainty of a flow without its own, by data quality (None: quality not given).
Read-only: pass `default_uncertainty` to `reconcile` to override some or all of it."""

NOT_BALANCED_KINDS = frozenset({"source", "boundary", "disposal", "energy_recovery"})
"""Facility kinds `default_balanced` never balances: matter enters or leaves the system there (energy recovery
turns most of its input into heat and flue gas, which are not recorded as flows)."""

FLAGS = ("ok", "gross_error_suspect", "non_redundant", "unknown_determined", "not_determinable", "clipped_at_zero")
"""What the reconciliation says of each flow (docs/reconciliation.md, section 'Flags')."""
Flag = pl.Enum(FLAGS)

MAX_ELIMINATIONS = 50
"""Most measurements the serial elimination of gross errors removes before it stops with a warning."""

FLOW_COLUMNS = ("period", "source", "target", "material", "quantity_t")
RESULT_SCHEMA = pl.Schema(
    [
        *((name, pl.Float64()) for name in ("reported", "sigma", "reconciled", "reconciled_sigma")),
        ("normalized_residual", pl.Float64()),
        ("flag", Flag),
    ]
)


@dataclass(frozen=True)
class Reconciliation:
    """The reconciled flows of one period and the tests of the data.

    `flows`: period, source, target, material, reported, sigma, reconciled, reconciled_sigma,
    normalized_residual, flag (one row per input flow, in input order; tonnes). `stock_changes`: facility
    and the same columns for each stock change given. `chi2`, `dof`, `p_value`: the global test of the data as
    reported; `*_after`: the same once the gross error suspects are removed. `critical_value`: the bound on
    |normalized_residual| of the measurement test at level `alpha`."""

    flows: pl.DataFrame
    stock_changes: pl.DataFrame
    chi2: float
    dof: int
    p_value: float
    critical_value: float
    alpha: float
    chi2_after: float
    dof_after: int
    p_value_after: float
    balanced: list[str]
    warnings: list[str]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole result; NaN and infinite numbers become null."""
        return {
            "flows": _records(self.flows),
            "stock_changes": _records(self.stock_changes),
            "chi2": _number(self.chi2),
            "dof": self.dof,
            "p_value": _number(self.p_value),
            "critical_value": _number(self.critical_value),
            "alpha": _number(self.alpha),
            "chi2_after": _number(self.chi2_after),
            "dof_after": self.dof_after,
            "p_value_after": _number(self.p_value_after),
            "balanced": list(self.balanced),
            "warnings": list(self.warnings),
        }


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [{k: _number(v) if isinstance(v, float) else v for k, v in row.items()} for row in frame.to_dicts()]


@dataclass(frozen=True)
class Rows:
    """Linear constraint rows: sum over j of coef * y[col] = rhs[row], as coordinate triplets plus one label
    per row (what the row balances, for warnings). Builders return these; `stack_rows` joins them."""

    row: np.ndarray
    col: np.ndarray
    coef: np.ndarray
    rhs: np.ndarray
    labels: tuple[str, ...]

    def matrix(self, n_variables: int) -> sp.csr_array:
        """The rows as a sparse matrix with one column per variable (duplicates summed)."""
        shape = (len(self.labels), n_variables)
        return sp.csr_array((self.coef.astype(float), (self.row, self.col)), shape=shape)


def stack_rows(*parts: Rows) -> Rows:
    """The rows of every part, one below the other."""
    offsets = np.cumsum([0] + [len(p.labels) for p in parts])
    return Rows(
        row=np.concatenate([p.row + o for p, o in zip(parts, offsets, strict=False)] or [np.zeros(0, int)]),
        col=np.concatenate([p.col for p in parts] or [np.zeros(0, int)]),
        coef=np.concatenate([p.coef for p in parts] or [np.zeros(0)]),
        rhs=np.concatenate([p.rhs for p in parts] or [np.zeros(0)]),
        labels=tuple(itertools.chain.from_iterable(p.labels for p in parts)),
    )


def balance_rows(sources: Sequence[str | None], targets: Sequence[str | None], balanced: Sequence[str]) -> Rows:
    """One row per balanced facility: +1 for each variable flowing into it, -1 for each flowing out, = 0.
    Variable i runs from sources[i] to targets[i]; None is outside every balance (a stock change of facility
    F is a variable from F to None: stock growth leaves the flows like an outflow)."""
    position = {code: i for i, code in enumerate(balanced)}
    row, col, coef = [], [], []
    for side, sign in ((targets, 1.0), (sources, -1.0)):
        for i, code in enumerate(side):
            r = position.get(code) if code is not None else None
            if r is not None:
                row.append(r)
                col.append(i)
                coef.append(sign)
    return Rows(
        row=np.array(row, dtype=np.int64),
        col=np.array(col, dtype=np.int64),
        coef=np.array(coef, dtype=float),
        rhs=np.zeros(len(balanced)),
        labels=tuple(balanced),
    )


def default_balanced(flows: pl.DataFrame | pl.LazyFrame, facilities: pl.DataFrame) -> list[str]:
    """Facilities with at least one recorded inflow and one recorded outflow (self-loops aside; a null
    quantity counts as recorded) whose kind is not in NOT_BALANCED_KINDS. Facilities missing from
    `facilities` are not balanced: their kind is not known."""
    require_columns(flows, ["source", "target"], "flows")
    require_columns(facilities, ["code", "kind"], "facilities")
    links = flows.lazy().filter(pl.col("source") != pl.col("target"))
    inflows = links.select(code=pl.col("target")).unique()
    outflows = links.select(code=pl.col("source")).unique()
    kinds = facilities.lazy().select("code", "kind")
    both = inflows.join(outflows, on="code").join(kinds, on="code")
    codes = both.filter(~pl.col("kind").is_in(sorted(NOT_BALANCED_KINDS))).select("code").collect()
    return sorted(codes["code"].to_list())


def _flow_frame(flows: pl.DataFrame) -> pl.DataFrame:
    require_columns(flows, FLOW_COLUMNS, "flows")
    periods = flows["period"].unique().to_list()
    if len(periods) > 1:
        raise ValueError(f"flows hold {len(periods)} periods ({', '.join(map(str, periods[:4]))}); reconcile one")
    optional = [pl.lit(None, pl.Float64).alias("uncertainty"), pl.lit(None, pl.String).alias("data_quality")]
    return flows.with_columns(c for c in optional if c.meta.output_name() not in flows.columns).select(
        pl.col("period", "source", "target", "material"),
        pl.col("quantity_t").cast(pl.Float64).fill_nan(None),
        pl.col("uncertainty").cast(pl.Float64).fill_nan(None),
        pl.col("data_quality").cast(pl.String),
    )


def _sigma(frame: pl.DataFrame, defaults: Mapping[str | None, float]) -> pl.Series:
    """Standard deviation of each reported flow: its relative uncertainty, else the default of its data
    quality, times |quantity|."""
    named = {k: float(v) for k, v in defaults.items() if k is not None}
    strange = set(frame["data_quality"].drop_nulls().unique().to_list()) - set(named)
    if strange:
        raise ValueError(f"no default uncertainty for data quality {sorted(strange)}; expected {sorted(named)}")
    if any(v < 0 for v in defaults.values()) or (frame["uncertainty"] < 0).any():
        raise ValueError("uncertainties must be >= 0")
    quality = pl.col("data_quality").replace_strict(named, default=None, return_dtype=pl.Float64)
    relative = pl.coalesce(pl.col("uncertainty"), quality, pl.lit(float(defaults[None])))
    return frame.select((relative * pl.col("quantity_t").abs()).alias("sigma"))["sigma"]


def _stock_frame(stock_change: Mapping[str, float] | pl.DataFrame | None) -> pl.DataFrame:
    schema = {"facility": pl.String, "quantity_t": pl.Float64, "sigma": pl.Float64}
    if stock_change is None:
        return pl.DataFrame(schema=schema)
    if isinstance(stock_change, pl.DataFrame):
        require_columns(stock_change, ["facility", "quantity_t"], "stock_change")
        frame = stock_change.select(
            pl.col("facility").cast(pl.String),
            pl.col("quantity_t").cast(pl.Float64),
            (pl.col("sigma") if "sigma" in stock_change.columns else pl.lit(None)).cast(pl.Float64).alias("sigma"),
        )
    else:
        frame = pl.DataFrame(
            {"facility": list(stock_change), "quantity_t": list(stock_change.values()), "sigma": None}, schema=schema
        )
    if frame["facility"].is_duplicated().any() or frame["quantity_t"].is_null().any():
        raise ValueError("stock_change needs one known quantity_t per facility")
    if (frame["sigma"] < 0).any():
        raise ValueError("stock change sigma must be >= 0")
    return frame.with_columns(pl.col("sigma").fill_null(0.0))


def _strong_suspects(z: np.ndarray, strong: float, reduced: sp.csr_array) -> list[int]:
    """Measurements with |z| above `strong`, each the largest |z| of every balance it is in, taking them by
    decreasing |z| and skipping any that shares a balance with one taken."""
    taken: list[int] = []
    blocked = np.zeros(reduced.shape[0], dtype=bool)
    by_column = sp.csc_array(reduced)
    row_max = np.zeros(reduced.shape[0])
    filled = np.diff(reduced.indptr) > 0
    row_max[filled] = np.maximum.reduceat(z[reduced.indices], reduced.indptr[:-1][filled])
    for c in np.argsort(-z, kind="stable"):
        if z[c] <= strong:
            break
        rows = by_column.indices[by_column.indptr[c] : by_column.indptr[c + 1]]
        if rows.size and not blocked[rows].any() and z[c] >= row_max[rows].max():
            taken.append(int(c))
            blocked[rows] = True
    return taken


def _serial_elimination(
    solve: Callable[[np.ndarray, np.ndarray], BoundedSolution],
    first: BoundedSolution,
    unknown: np.ndarray,
    critical: tuple[float, float],
    alpha: float,
    names: Sequence[str],
) -> tuple[BoundedSolution, dict[int, float], list[str]]:
    """While the global test rejects, treat the measurement with the largest |normalized residual| above
    critical[0] as unknown and solve again; in one round, every measurement above the Šidák bound critical[1]
    that is the largest in its balances goes at once. Returns the last solution, {variable: its normalized
    residual when removed} and warnings."""
    current = first
    suspects: dict[int, float] = {}
    warnings: list[str] = []
    while current.p_value < alpha:
        z = np.abs(np.nan_to_num(current.linear.normalized_residual, nan=0.0))
        if not (z > critical[0]).any():
            break
        if len(suspects) >= MAX_ELIMINATIONS:
            warnings.append(f"gross error elimination stopped after {MAX_ELIMINATIONS} suspects")
            break
        batch = _strong_suspects(z, critical[1], current.linear.reduced)[: MAX_ELIMINATIONS - len(suspects)]
        for attempt in ([*batch], [int(np.argmax(z))]):
            if not attempt:
                continue
            trial_unknown = unknown.copy()
            trial_unknown[[*suspects, *attempt]] = True
            trial = solve(trial_unknown, current.clipped)
            kept = trial.linear.determinable | trial.clipped
            if not (current.linear.determinable & ~kept).any() and kept[attempt].all():
                break
        else:
            warnings.append(
                f"gross error elimination stopped: without the value of {names[attempt[0]]} other flows could not "
                "be determined"
            )
            break
        suspects.update({c: float(current.linear.normalized_residual[c]) for c in attempt})
        current = trial
    return current, suspects, warnings


def reconcile(
    flows: pl.DataFrame,
    balanced: Iterable[str],
    *,
    stock_change: Mapping[str, float] | pl.DataFrame | None = None,
    default_uncertainty: Mapping[str | None, float] | None = None,
    alpha: float = 0.05,
    nonnegative: bool = True,
    sidak: bool = False,
    eliminate_gross_errors: bool = True,
) -> Reconciliation:
    """Reconcile one period's flows so that every facility in `balanced` balances.

    `flows`: period, source, target, material, quantity_t (null = unknown) and optionally uncertainty
    (relative, e.g. 0.05) and data_quality (measured, calculated, estimated; default uncertainties in
    DEFAULT_UNCERTAINTY, overridden key by key by `default_uncertainty`). `stock_change`: facility -> tonnes
    (positive = stock grew), known exactly, or a frame facility, quantity_t, sigma (tonnes; null or 0 =
    exact). `alpha`: level of the global chi-square test and of the measurement test (two-sided; `sidak`
    adjusts it for the number of measurements tested). `nonnegative`: keep every flow >= 0.
    `eliminate_gross_errors`: serial elimination of gross error suspects while the global test rejects.
    Inconsistent or under-determined data never raise: see `warnings` and the flags."""
    frame = _flow_frame(flows)
    defaults = {**DEFAULT_UNCERTAINTY, **(default_uncertainty or {})}
    stocks = _stock_frame(stock_change)
    codes = sorted(set(balanced))
    n_flows = frame.height
    sources = [*frame["source"].to_list(), *stocks["facility"].to_list()]
    targets = [*frame["target"].to_list(), *([None] * stocks.height)]
    rows = balance_rows(sources, targets, codes)
    matrix = rows.matrix(len(sources))
    value = np.concatenate([frame["quantity_t"].to_numpy().astype(float), stocks["quantity_t"].to_numpy()])
    sigma = np.concatenate([_sigma(frame, defaults).to_numpy().astype(float), stocks["sigma"].to_numpy()])
    unknown = np.isnan(value)
    bounded = np.zeros(value.size, dtype=bool)
    bounded[:n_flows] = nonnegative
    period = frame["period"][0] if n_flows else None
    names = [f"{s} -> {t} ({m})" for s, t, m in frame.select("source", "target", "material").iter_rows()]
    names += [f"stock change of {f}" for f in stocks["facility"]]

    empty = [code for code, count in zip(codes, np.diff(matrix.indptr), strict=True) if count == 0]
    warnings = [f"balanced facility {code} has no flows in period {period}" for code in empty]
    solve = partial(solve_nonnegative, matrix, rows.rhs, value, sigma, labels=rows.labels, bounded=bounded)
    first = solve(unknown=unknown)
    tested = first.linear.redundant & (sigma > 0) & ~unknown & ~first.clipped
    critical = critical_value(alpha, int(tested.sum()), sidak=sidak)
    strong = critical_value(alpha, int(tested.sum()), sidak=True)
    final = first
    suspects: dict[int, float] = {}
    elimination_warnings: list[str] = []
    if eliminate_gross_errors:
        final, suspects, elimination_warnings = _serial_elimination(
            lambda u, fixed: solve(unknown=u, start=fixed), first, unknown, (critical, strong), alpha, names
        )
    warnings += [*first.warnings, *(w for w in final.warnings if w not in first.warnings), *elimination_warnings]

    solution = final.linear
    residual = solution.normalized_residual.copy()
    flag = np.full(value.size, "ok", dtype=object)
    flag[~unknown & ~solution.redundant] = "non_redundant"
    flag[~unknown & (np.abs(np.nan_to_num(residual)) > critical)] = "gross_error_suspect"
    flag[unknown] = np.where(solution.determinable[unknown], "unknown_determined", "not_determinable")
    flag[final.clipped] = "clipped_at_zero"
    for index, z in suspects.items():
        flag[index] = "gross_error_suspect"
        residual[index] = z
    result = pl.DataFrame(
        {
            "reported": value,
            "sigma": np.where(unknown, np.nan, sigma),
            "reconciled": solution.estimate,
            "reconciled_sigma": solution.estimate_sigma,
            "normalized_residual": residual,
            "flag": flag.tolist(),
        },
        schema=RESULT_SCHEMA,
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
    return Reconciliation(
        flows=pl.concat([frame.select("period", "source", "target", "material"), result[:n_flows]], how="horizontal"),
        stock_changes=pl.concat([stocks.select("facility"), result[n_flows:]], how="horizontal"),
        chi2=first.chi2,
        dof=first.dof,
        p_value=first.p_value,
        critical_value=critical,
        alpha=alpha,
        chi2_after=final.chi2,
        dof_after=final.dof,
        p_value_after=final.p_value,
        balanced=codes,
        warnings=warnings,
    )
